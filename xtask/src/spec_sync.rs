//! `cargo xtask spec-sync`: Auth0's published OpenAPI 3.1 document -> `openapi/management-api.json`.
//!
//! The output is OpenAPI 3.0.3 that progenitor 0.15 accepts, holds facts about the API and none of
//! Auth0's prose, and decodes what Auth0 will send tomorrow, not only what it sends today. Rules,
//! each counted in the log:
//!
//! - 3.1 -> 3.0: `type` arrays become `nullable`; `{"type":"null"}` branches of oneOf/anyOf are
//!   dropped (the parent becomes nullable); `const` becomes a one-value `enum`; `null` in an `enum`
//!   becomes `nullable`; numeric `exclusiveMinimum/Maximum` become the 3.0 boolean form;
//!   `contentMediaType` becomes `format: binary`; `if/then/else` and `contains` are dropped.
//! - Prose is dropped: description, summary, title, example(s), externalDocs, `x-*` extensions
//!   (but `x-release-lifecycle`), OAuth scope descriptions, the info block's text.
//! - Data stays honest: every `default` is removed (Auth0's are mostly example values such as
//!   `"john.doe@gmail.com"`, and a client must not invent what the server did not send);
//!   `additionalProperties: false` is removed (it would become `deny_unknown_fields`); string enums
//!   reachable from a response become plain strings with the known values kept in
//!   `x-known-values` (an unknown value still decodes). One-value enums stay: they tell variants
//!   of a oneOf apart.
//! - Request bodies keep `application/json` only (multipart stays where it is the only one).
//! - Every error response (4xx, 5xx, default) gets the one shared schema `ApiError`.
//! - Named nullable schemas lose the top-level nullability (typify cannot generate them); a
//!   required property that refers to one stops being required, so `null` still decodes.
//! - `openapi/overlays/*.json` (our own fragments for endpoints the upstream spec lacks) are
//!   merged; an overlay that collides with upstream fails.
//! - Component schemas no operation reaches are pruned.
//!
//! Anything it does not know (an unknown keyword, media type or parameter location) is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

/// Counts of each change, in a stable order.
#[derive(Debug, Default)]
pub struct Stats(BTreeMap<&'static str, usize>);

impl Stats {
    fn add(&mut self, what: &'static str) {
        *self.0.entry(what).or_default() += 1;
    }
    #[cfg(test)]
    pub fn get(&self, what: &str) -> usize {
        self.0.get(what).copied().unwrap_or(0)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
pub const ERROR_SCHEMA: &str = "ApiError";

pub fn run(root: &Path, from: &str) -> Result<()> {
    let bytes = read_source(from)?;
    let sha = crate::sha256_hex(&bytes);
    let upstream: Value = serde_json::from_slice(&bytes).context("upstream spec is not JSON")?;
    let overlays = read_overlays(&root.join("openapi/overlays"))?;
    let mut stats = Stats::default();
    let spec = normalize(upstream.clone(), &overlays, &mut stats)?;

    let out = root.join("openapi/management-api.json");
    std::fs::write(&out, to_pretty(&spec)).with_context(|| format!("writing {}", out.display()))?;
    write_source_md(root, from, &sha, &upstream, &spec)?;

    eprintln!("spec-sync: {} ({} bytes, sha256 {sha})", from, bytes.len());
    for (what, n) in &stats.0 {
        eprintln!("  {n:>6}  {what}");
    }
    eprintln!("wrote {}", out.display());
    Ok(())
}

pub fn to_pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a Value always serializes");
    s.push('\n');
    s
}

fn read_source(from: &str) -> Result<Vec<u8>> {
    if from.starts_with("https://") {
        // curl keeps the xtask free of an HTTP stack; only maintainers run this path.
        let out = std::process::Command::new("curl")
            .args(["--fail", "--silent", "--show-error", "--location", from])
            .output()
            .context("running curl to download the spec")?;
        if !out.status.success() {
            bail!(
                "downloading {from} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(out.stdout)
    } else if from.starts_with("http://") {
        bail!("refusing to download the spec over plain http: {from}")
    } else {
        std::fs::read(from).with_context(|| format!("reading {from}"))
    }
}

fn read_overlays(dir: &Path) -> Result<Vec<(String, Value)>> {
    let mut names: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(_) => return Ok(vec![]),
    };
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)?;
            let v = serde_json::from_str(&text)
                .with_context(|| format!("overlay {} is not JSON", p.display()))?;
            Ok((p.file_name().unwrap().to_string_lossy().into_owned(), v))
        })
        .collect()
}

fn write_source_md(
    root: &Path,
    from: &str,
    sha: &str,
    upstream: &Value,
    spec: &Value,
) -> Result<()> {
    let version = upstream["info"]["version"].as_str().unwrap_or("?");
    let openapi = upstream["openapi"].as_str().unwrap_or("?");
    let from_name = Path::new(from)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| from.to_string());
    let (paths, ops) = count_ops(spec);
    let schemas = spec["components"]["schemas"]
        .as_object()
        .map_or(0, Map::len);
    let text = format!(
        "# Source of `management-api.json`

`management-api.json` is derived by `cargo xtask spec-sync` from Auth0's published Management API
OpenAPI document. Do not edit it by hand: change the normalizer (`xtask/src/spec_sync.rs`) or an
overlay (`overlays/`), then run spec-sync again.

| | |
|---|---|
| upstream file | `{from_name}` (OpenAPI {openapi}, info.version {version}) |
| upstream sha256 | `{sha}` |
| result | OpenAPI 3.0.3, {paths} paths, {ops} operations, {schemas} component schemas |

Auth0 publishes the document at `https://auth0.com/docs/oas/management/v2/management-api-oas.json`
(source: the `auth0/docs-v2` repository, `main/docs/oas/management/v2/management-api-oas.json`).

## Updating to a newer Auth0 spec

1. `cargo xtask spec-sync --from <downloaded file or the https URL above>`: read the counts it logs;
   it stops on any construct it does not know, which is the cue to extend the normalizer.
2. `cargo xtask codegen`: regenerates the client and the per-area cargo features.
3. `cargo test --workspace`: the contract tests walk every operation of the new spec.
4. Commit `openapi/`, the generated file and the two `Cargo.toml` feature blocks together.
"
    );
    std::fs::write(root.join("openapi/SOURCE.md"), text)?;
    Ok(())
}

pub fn count_ops(spec: &Value) -> (usize, usize) {
    let paths = spec["paths"].as_object();
    let ops = paths.map_or(0, |p| {
        p.values()
            .filter_map(Value::as_object)
            .map(|item| {
                item.keys()
                    .filter(|k| METHODS.contains(&k.as_str()))
                    .count()
            })
            .sum()
    });
    (paths.map_or(0, Map::len), ops)
}

/// The whole pipeline on an in-memory document.
pub fn normalize(
    mut spec: Value,
    overlays: &[(String, Value)],
    stats: &mut Stats,
) -> Result<Value> {
    let version = spec["openapi"].as_str().unwrap_or_default().to_string();
    if !(version.starts_with("3.1") || version.starts_with("3.0")) {
        bail!("unsupported OpenAPI version {version:?} (expected 3.0.x or 3.1.x)");
    }
    for (name, overlay) in overlays {
        merge_overlay(&mut spec, name, overlay, stats)?;
    }
    let obj = spec.as_object_mut().context("the spec is not an object")?;
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for (key, value) in std::mem::take(obj) {
        match key.as_str() {
            "openapi" => {}
            "info" => {
                let info = json!({
                    "title": value["title"].clone(),
                    "version": value["version"].clone(),
                });
                out.insert(key, info);
            }
            "servers" => {
                out.insert(key, strip_servers(value));
            }
            "security" => {
                out.insert(key, value);
            }
            "tags" | "externalDocs" => stats.add("prose dropped"),
            "paths" => {
                out.insert(key, normalize_paths(value, stats)?);
            }
            "components" => {
                out.insert(key, normalize_components(value, stats)?);
            }
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            other => bail!("unknown top-level key {other:?}"),
        }
    }
    let mut spec = Value::Object(out);
    add_error_schema(&mut spec)?;
    fix_named_nullable(&mut spec, stats);
    open_response_enums(&mut spec, stats);
    tell_paging_shapes_apart(&mut spec, stats);
    prune_unreachable(&mut spec, stats);
    Ok(spec)
}

fn merge_overlay(spec: &mut Value, name: &str, overlay: &Value, stats: &mut Stats) -> Result<()> {
    for (path, item) in overlay["paths"].as_object().into_iter().flatten() {
        let paths = spec["paths"].as_object_mut().context("spec has no paths")?;
        let target = paths.entry(path.clone()).or_insert_with(|| json!({}));
        for (method, op) in item.as_object().context("path item is not an object")? {
            if target.get(method).is_some() {
                bail!(
                    "overlay {name}: {} {path} exists upstream now; remove it from the overlay",
                    method.to_uppercase()
                );
            }
            target[method] = op.clone();
            stats.add("overlay operations merged");
        }
    }
    for (schema, body) in overlay["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let schemas = spec["components"]["schemas"]
            .as_object_mut()
            .context("spec has no components.schemas")?;
        if schemas.contains_key(schema) {
            bail!("overlay {name}: schema {schema} exists upstream; rename it in the overlay");
        }
        schemas.insert(schema.clone(), body.clone());
        stats.add("overlay schemas merged");
    }
    Ok(())
}

fn strip_servers(v: Value) -> Value {
    let Value::Array(servers) = v else { return v };
    Value::Array(
        servers
            .into_iter()
            .map(|s| {
                let mut out = Map::new();
                out.insert("url".into(), s["url"].clone());
                if let Some(vars) = s["variables"].as_object() {
                    let vars: Map<String, Value> = vars
                        .iter()
                        .map(|(k, v)| (k.clone(), json!({"default": v["default"].clone()})))
                        .collect();
                    out.insert("variables".into(), Value::Object(vars));
                }
                Value::Object(out)
            })
            .collect(),
    )
}

fn normalize_paths(v: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(paths) = v else {
        bail!("paths is not an object")
    };
    let mut out = Map::new();
    for (path, item) in paths {
        let Value::Object(item) = item else {
            bail!("path {path} is not an object")
        };
        let mut new_item = Map::new();
        for (method, op) in item {
            if method == "parameters" {
                bail!("path {path}: path-level parameters are not handled");
            }
            if !METHODS.contains(&method.as_str()) {
                bail!("path {path}: unknown key {method:?}");
            }
            let op = normalize_operation(op, stats)
                .with_context(|| format!("{} {path}", method.to_uppercase()))?;
            new_item.insert(method, op);
        }
        out.insert(path, Value::Object(new_item));
    }
    Ok(Value::Object(out))
}

fn normalize_operation(op: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(op) = op else {
        bail!("operation is not an object")
    };
    let mut out = Map::new();
    for (key, value) in op {
        match key.as_str() {
            "operationId" | "tags" | "security" | "deprecated" | "x-release-lifecycle" => {
                out.insert(key, value);
            }
            "summary" | "description" | "externalDocs" => stats.add("prose dropped"),
            "parameters" => {
                let Value::Array(params) = value else {
                    bail!("parameters is not an array")
                };
                let params = params
                    .into_iter()
                    .map(|p| normalize_parameter(p, stats))
                    .collect::<Result<Vec<_>>>()?;
                out.insert(key, Value::Array(params));
            }
            "requestBody" => {
                out.insert(key, normalize_request_body(value, stats)?);
            }
            "responses" => {
                out.insert(key, normalize_responses(value, stats)?);
            }
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            other => bail!("unknown operation key {other:?}"),
        }
    }
    if !out.contains_key("operationId") {
        bail!("operation has no operationId");
    }
    Ok(Value::Object(out))
}

fn normalize_parameter(p: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(p) = p else {
        bail!("parameter is not an object")
    };
    let mut out = Map::new();
    for (key, value) in p {
        match key.as_str() {
            "name" | "required" | "style" | "explode" | "deprecated" | "allowEmptyValue" => {
                out.insert(key, value);
            }
            "in" => {
                match value.as_str() {
                    Some("query" | "path" | "header") => {}
                    other => bail!("parameter location {other:?} is not handled"),
                }
                out.insert(key, value);
            }
            "schema" => {
                out.insert(key, normalize_schema(value, stats)?);
            }
            "description" | "example" | "examples" => stats.add("prose dropped"),
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            "$ref" => bail!("parameter $ref is not handled"),
            other => bail!("unknown parameter key {other:?}"),
        }
    }
    Ok(Value::Object(out))
}

fn normalize_request_body(body: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(body) = body else {
        bail!("requestBody is not an object")
    };
    let mut out = Map::new();
    for (key, value) in body {
        match key.as_str() {
            "required" => {
                out.insert(key, value);
            }
            "description" => stats.add("prose dropped"),
            "content" => {
                let Value::Object(content) = value else {
                    bail!("content is not an object")
                };
                let has_json = content.contains_key("application/json");
                let mut kept = Map::new();
                for (media, mt) in content {
                    match media.as_str() {
                        "application/json" => {}
                        "multipart/form-data" if !has_json => {}
                        "application/x-www-form-urlencoded" | "multipart/form-data" => {
                            stats.add("request media types dropped (JSON kept)");
                            continue;
                        }
                        other => bail!("request media type {other:?} is not handled"),
                    }
                    kept.insert(media, normalize_media_type(mt, stats)?);
                }
                out.insert(key, Value::Object(kept));
            }
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            other => bail!("unknown requestBody key {other:?}"),
        }
    }
    Ok(Value::Object(out))
}

fn normalize_media_type(mt: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(mt) = mt else {
        bail!("media type is not an object")
    };
    let mut out = Map::new();
    for (key, value) in mt {
        match key.as_str() {
            "schema" => {
                out.insert(key, normalize_schema(value, stats)?);
            }
            "example" | "examples" => stats.add("prose dropped"),
            "encoding" => stats.add("multipart encodings dropped"),
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            other => bail!("unknown media type key {other:?}"),
        }
    }
    Ok(Value::Object(out))
}

fn error_response() -> Value {
    json!({
        "description": "",
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{ERROR_SCHEMA}")}}}
    })
}

fn normalize_responses(v: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(responses) = v else {
        bail!("responses is not an object")
    };
    let mut out = Map::new();
    let mut success_bodies = BTreeSet::new();
    for (code, response) in responses {
        let is_success = code.starts_with('2');
        if !is_success {
            if !(code == "default" || code.starts_with('4') || code.starts_with('5')) {
                bail!("response code {code:?} is not handled");
            }
            out.insert(code, error_response());
            stats.add("error responses given the shared ApiError schema");
            continue;
        }
        let Value::Object(response) = response else {
            bail!("response is not an object")
        };
        let mut new = Map::new();
        new.insert("description".into(), json!(""));
        for (key, value) in response {
            match key.as_str() {
                "description" => stats.add("prose dropped"),
                "content" => {
                    let Value::Object(content) = value else {
                        bail!("content is not an object")
                    };
                    let mut kept = Map::new();
                    for (media, mt) in content {
                        match media.as_str() {
                            "application/json" | "text/event-stream" => {}
                            other => bail!("response media type {other:?} is not handled"),
                        }
                        let mt = normalize_media_type(mt, stats)?;
                        success_bodies.insert(serde_json::to_string(&mt["schema"])?);
                        kept.insert(media, mt);
                    }
                    new.insert(key, Value::Object(kept));
                }
                "headers" => stats.add("response headers dropped"),
                "$ref" => bail!("a success response $ref is not handled"),
                k if k.starts_with("x-") => stats.add("extensions dropped"),
                other => bail!("unknown response key {other:?}"),
            }
        }
        if !new.contains_key("content") {
            success_bodies.insert("none".into());
        }
        out.insert(code, Value::Object(new));
    }
    if success_bodies.len() > 1 && success_bodies.contains("none") {
        // Progenitor allows one success body type; Auth0 marks some 204s/202s with no body
        // beside a 200/201 with one. Give the bodiless ones no content and accept: a client
        // decoding an empty body fails loudly, so flag it instead of guessing.
        bail!("success responses mix a body and no body; not handled");
    }
    if success_bodies.len() > 1 {
        bail!("success responses have different bodies; not handled");
    }
    accept_sibling_successes(&mut out, stats);
    Ok(Value::Object(out))
}

/// Auth0 does not always answer with the success status it documents (`PATCH
/// /resource-servers/{id}` is documented 201 and answers 200; `POST /blacklists/tokens` answers
/// 204), and a generated call fails on any status the spec does not list. A write that
/// succeeded must not look like a failure (the caller would retry it), so an operation with one
/// documented success also accepts its siblings: 200 and 201 when it has a body, and 200, 201
/// and 204 when it has none.
fn accept_sibling_successes(responses: &mut Map<String, Value>, stats: &mut Stats) {
    let successes: Vec<String> = responses
        .keys()
        .filter(|c| c.starts_with('2'))
        .cloned()
        .collect();
    let [code] = successes.as_slice() else {
        return;
    };
    let response = responses[code].clone();
    let siblings: &[&str] = if response.get("content").is_some() {
        &["200", "201"]
    } else {
        &["200", "201", "204"]
    };
    for sibling in siblings {
        if !responses.contains_key(*sibling) {
            responses.insert((*sibling).to_string(), response.clone());
            stats.add("sibling success statuses accepted");
        }
    }
}

fn normalize_components(v: Value, stats: &mut Stats) -> Result<Value> {
    let Value::Object(components) = v else {
        bail!("components is not an object")
    };
    let mut out = Map::new();
    for (key, value) in components {
        match key.as_str() {
            "schemas" => {
                let Value::Object(schemas) = value else {
                    bail!("schemas is not an object")
                };
                let mut new = Map::new();
                for (name, schema) in schemas {
                    let schema = normalize_schema(schema, stats)
                        .with_context(|| format!("components.schemas.{name}"))?;
                    new.insert(name, schema);
                }
                out.insert(key, Value::Object(new));
            }
            // Only referenced from error responses, which now all use ApiError.
            "responses" => stats.add("component responses dropped"),
            "securitySchemes" => {
                out.insert(key, strip_security_schemes(value));
            }
            other => bail!("unknown components key {other:?}"),
        }
    }
    Ok(Value::Object(out))
}

fn strip_security_schemes(v: Value) -> Value {
    fn walk(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(k, _)| k != "description" && !k.starts_with("x-"))
                    .map(|(k, v)| {
                        if k == "scopes" {
                            // Scope names are facts; their descriptions are prose.
                            let names = v
                                .as_object()
                                .map(|s| s.keys().map(|k| (k.clone(), json!(""))).collect())
                                .unwrap_or_default();
                            (k, Value::Object(names))
                        } else {
                            (k, walk(v))
                        }
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    walk(v)
}

/// `{"type": "string"}` with at most string keywords beside it (format, length, pattern).
fn is_plain_string(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.get("type") == Some(&json!("string"))
            && m.keys().all(|k| {
                ["type", "format", "minLength", "maxLength", "pattern"].contains(&k.as_str())
            })
    })
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type") == Some(&json!("null"))
        || v.get("enum") == Some(&json!([null]))
        || v.get("const") == Some(&Value::Null) && v.get("const").is_some()
}

/// Normalizes one schema (and everything below it).
pub fn normalize_schema(v: Value, stats: &mut Stats) -> Result<Value> {
    let v = match v {
        Value::Bool(true) => return Ok(json!({})),
        Value::Object(m) => m,
        other => bail!("schema is not an object: {other}"),
    };
    let mut out = Map::new();
    let mut nullable = false;
    for (key, value) in v {
        match key.as_str() {
            "$ref" | "format" | "required" | "pattern" | "minLength" | "maxLength" | "minimum"
            | "maximum" | "minItems" | "maxItems" | "uniqueItems" | "minProperties"
            | "maxProperties" | "readOnly" | "writeOnly" | "deprecated" | "multipleOf" => {
                out.insert(key, value);
            }
            "nullable" => nullable |= value == json!(true),
            "type" => match value {
                Value::String(ref t) if t == "null" => {
                    bail!("a bare {{\"type\": \"null\"}} outside oneOf/anyOf is not handled")
                }
                Value::String(_) => {
                    out.insert(key, value);
                }
                Value::Array(types) => {
                    stats.add("type arrays -> nullable");
                    let non_null: Vec<_> = types.iter().filter(|t| **t != json!("null")).collect();
                    nullable |= non_null.len() < types.len();
                    match non_null.as_slice() {
                        [] => bail!("type array with only null"),
                        [one] => {
                            out.insert(key, (*one).clone());
                        }
                        _ => {
                            bail!("type array with several non-null types {types:?} is not handled")
                        }
                    }
                }
                other => bail!("type is {other}"),
            },
            "const" => {
                stats.add("const -> enum");
                if value.is_null() {
                    bail!("const null outside oneOf/anyOf is not handled");
                }
                out.insert("enum".into(), json!([value]));
            }
            "enum" => {
                let Value::Array(values) = value else {
                    bail!("enum is not an array")
                };
                let has_null = values.iter().any(Value::is_null);
                if has_null {
                    stats.add("null in enum -> nullable");
                    nullable = true;
                }
                out.insert(key, Value::Array(values));
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                match value {
                    Value::Bool(_) => {
                        out.insert(key, value);
                    }
                    Value::Number(_) => {
                        stats.add("numeric exclusive bounds -> 3.0 form");
                        out.insert(bound.into(), value);
                        out.insert(key, json!(true));
                    }
                    other => bail!("{key} is {other}"),
                }
            }
            "properties" => {
                let Value::Object(props) = value else {
                    bail!("properties is not an object")
                };
                let mut new = Map::new();
                for (name, p) in props {
                    new.insert(
                        name.clone(),
                        normalize_schema(p, stats).with_context(|| format!("property {name}"))?,
                    );
                }
                out.insert(key, Value::Object(new));
            }
            "items" | "not" => {
                out.insert(key, normalize_schema(value, stats)?);
            }
            "additionalProperties" => match value {
                Value::Bool(false) => stats.add("additionalProperties: false removed"),
                Value::Bool(true) => {
                    out.insert(key, value);
                }
                schema => {
                    out.insert(key, normalize_schema(schema, stats)?);
                }
            },
            "oneOf" | "anyOf" | "allOf" => {
                let Value::Array(branches) = value else {
                    bail!("{key} is not an array")
                };
                let mut kept = vec![];
                for b in branches {
                    if is_null_schema(&b) {
                        stats.add("null branches of oneOf/anyOf -> nullable");
                        nullable = true;
                    } else {
                        kept.push(normalize_schema(b, stats)?);
                    }
                }
                if kept.is_empty() {
                    bail!("{key} has only null branches");
                }
                out.insert(key, Value::Array(kept));
            }
            "discriminator" => {
                out.insert(key, value);
            }
            "default" => {
                if value.is_string() && !out.contains_key("enum") {
                    stats.add("defaults removed (example-like strings)");
                } else {
                    stats.add("defaults removed (other)");
                }
            }
            "contentMediaType" => {
                stats.add("contentMediaType -> format: binary");
                out.insert("format".into(), json!("binary"));
            }
            "if" | "then" | "else" | "contains" => stats.add("3.1-only keywords dropped"),
            "description" | "title" | "example" | "examples" | "externalDocs" => {
                stats.add("prose dropped")
            }
            "$comment" => {}
            k if k.starts_with("x-") => stats.add("extensions dropped"),
            other => bail!("schema keyword {other:?} is not handled"),
        }
    }
    // Branches that are all plain strings (they differ only in format: ipv4, cidr, ...) are one
    // string to a client; typify would make them a struct that no string decodes into.
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(b)) = out.get(key)
            && b.len() > 1
            && b.iter().all(is_plain_string)
            && out.get("type").is_none_or(|t| *t == json!("string"))
            && !out.contains_key("properties")
        {
            out.remove(key);
            out.insert("type".into(), json!("string"));
            stats.add("all-string oneOf/anyOf -> string");
        }
    }
    // `required` naming a property that is not declared (Auth0 lists `credentials` it never
    // returns) would make the generated type demand a field real responses lack.
    if let (Some(Value::Object(props)), Some(Value::Array(req))) =
        (out.get("properties"), out.get("required"))
        && !["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| out.contains_key(*k))
    {
        let kept: Vec<Value> = req
            .iter()
            .filter(|r| r.as_str().is_some_and(|r| props.contains_key(r)))
            .cloned()
            .collect();
        for _ in kept.len()..req.len() {
            stats.add("undeclared required properties dropped");
        }
        if kept.is_empty() {
            out.remove("required");
        } else {
            out.insert("required".into(), Value::Array(kept));
        }
    }
    // A oneOf/anyOf left with one branch after dropping null: use that branch directly.
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(b)) = out.get(key)
            && b.len() == 1
        {
            let only = b[0].clone();
            out.remove(key);
            stats.add("single-branch oneOf/anyOf collapsed");
            if only.get("$ref").is_some() {
                out.insert("allOf".into(), json!([only]));
            } else if let Value::Object(m) = only {
                for (k, v) in m {
                    if out.contains_key(&k) {
                        bail!("collapsing a single-branch {key}: {k} is set on both sides");
                    }
                    out.insert(k, v);
                }
            }
        }
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && values.iter().any(Value::is_null)
    {
        // Typify wants the null in the values of a nullable enum, and a type.
        if !out.contains_key("type") {
            out.insert("type".into(), json!("string"));
        }
    }
    // In 3.0 a $ref ignores its siblings: keep the ones that matter through allOf.
    if out.contains_key("$ref") && out.len() > 1 {
        let r = out.remove("$ref").unwrap();
        stats.add("$ref with siblings -> allOf");
        out.insert("allOf".into(), json!([{"$ref": r}]));
    }
    if nullable {
        if out.contains_key("$ref") {
            let r = out.remove("$ref").unwrap();
            out.insert("allOf".into(), json!([{"$ref": r}]));
        }
        out.insert("nullable".into(), json!(true));
    }
    Ok(Value::Object(out))
}

fn add_error_schema(spec: &mut Value) -> Result<()> {
    let schemas = spec["components"]["schemas"]
        .as_object_mut()
        .context("spec has no components.schemas")?;
    if schemas.contains_key(ERROR_SCHEMA) {
        bail!("upstream now has a schema named {ERROR_SCHEMA}; pick another name for ours");
    }
    schemas.insert(
        ERROR_SCHEMA.into(),
        json!({
            "type": "object",
            "properties": {
                "statusCode": {"type": "integer"},
                "error": {"type": "string"},
                "message": {"type": "string"},
                "errorCode": {"type": "string"}
            }
        }),
    );
    Ok(())
}

const REF_PREFIX: &str = "#/components/schemas/";

/// Every `$ref`'d schema name anywhere below `v`.
fn refs_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref"
                    && let Some(name) = x.as_str().and_then(|r| r.strip_prefix(REF_PREFIX))
                {
                    out.insert(name.to_string());
                }
                refs_in(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
        _ => {}
    }
}

/// The transitive $ref closure of `roots` over `schemas`.
fn closure(schemas: &Map<String, Value>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<_> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(s) = schemas.get(&name) {
            let mut next = BTreeSet::new();
            refs_in(s, &mut next);
            todo.extend(next.into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

/// Named schemas that are nullable at the top make typify emit code that does not compile
/// (a `struct X(Option<X>)` beside an `enum X`).
fn fix_named_nullable(spec: &mut Value, stats: &mut Stats) {
    let mut names = BTreeSet::new();
    if let Some(schemas) = spec["components"]["schemas"].as_object_mut() {
        for (name, s) in schemas.iter_mut() {
            let Some(m) = s.as_object_mut() else { continue };
            if m.remove("nullable").is_some() {
                if let Some(Value::Array(values)) = m.get_mut("enum") {
                    values.retain(|v| !v.is_null());
                }
                stats.add("top-level nullable removed from named schemas");
                names.insert(format!("{REF_PREFIX}{name}"));
            }
        }
    }
    fn unrequire(v: &mut Value, names: &BTreeSet<String>, stats: &mut Stats) {
        match v {
            Value::Object(m) => {
                let nullable_props: BTreeSet<String> = m
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|props| {
                        props
                            .iter()
                            .filter(|(_, p)| {
                                p.get("$ref")
                                    .and_then(Value::as_str)
                                    .is_some_and(|r| names.contains(r))
                            })
                            .map(|(n, _)| n.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(Value::Array(req)) = m.get_mut("required") {
                    let before = req.len();
                    req.retain(|r| !r.as_str().is_some_and(|r| nullable_props.contains(r)));
                    for _ in req.len()..before {
                        stats.add("required properties of a nullable named schema made optional");
                    }
                }
                m.values_mut().for_each(|x| unrequire(x, names, stats));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| unrequire(x, names, stats)),
            _ => {}
        }
    }
    if !names.is_empty() {
        unrequire(spec, &names, stats);
    }
}

/// The component schemas a success response can reach.
fn response_reachable(spec: &Value) -> (BTreeSet<String>, Vec<(String, String, String)>) {
    let mut roots = BTreeSet::new();
    let mut inline = vec![];
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            for (code, r) in op["responses"].as_object().into_iter().flatten() {
                if code.starts_with('2') && r.get("content").is_some() {
                    refs_in(&r["content"], &mut roots);
                    inline.push((path.clone(), method.clone(), code.clone()));
                }
            }
        }
    }
    let schemas = spec["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    (closure(&schemas, roots), inline)
}

/// Multi-value string enums in everything a response can carry become open strings.
fn open_response_enums(spec: &mut Value, stats: &mut Stats) {
    fn open(v: &mut Value, stats: &mut Stats) {
        match v {
            Value::Object(m) => {
                let is_multi_string_enum =
                    m.get("enum").and_then(Value::as_array).is_some_and(|e| {
                        e.iter().filter(|x| !x.is_null()).count() > 1
                            && e.iter().all(|x| x.is_string() || x.is_null())
                    });
                if is_multi_string_enum {
                    let values = m.remove("enum").unwrap();
                    let known: Vec<Value> = values
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|x| !x.is_null())
                        .cloned()
                        .collect();
                    m.insert("type".into(), json!("string"));
                    m.insert("x-known-values".into(), Value::Array(known));
                    stats.add("response enums opened (type: string + x-known-values)");
                }
                for (k, x) in m.iter_mut() {
                    if k != "x-known-values" {
                        open(x, stats);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| open(x, stats)),
            _ => {}
        }
    }
    let (reachable, inline) = response_reachable(spec);
    if let Some(schemas) = spec["components"]["schemas"].as_object_mut() {
        for name in &reachable {
            if let Some(s) = schemas.get_mut(name) {
                open(s, stats);
            }
        }
    }
    for (path, method, code) in inline {
        open(
            &mut spec["paths"][&path][&method]["responses"][&code]["content"],
            stats,
        );
    }
}

/// List responses are `oneOf [array, offset page, checkpoint page]`, decoded by trying each in
/// turn. Every field of the offset page (`start`, `limit`, `total`, items) is optional, so a
/// checkpoint page (`next`, items) would decode as an offset page and lose its `next`. Auth0
/// always sends `total` on an offset page: requiring it tells the two apart.
fn tell_paging_shapes_apart(spec: &mut Value, stats: &mut Stats) {
    let Some(schemas) = spec["components"]["schemas"].as_object() else {
        return;
    };
    let props_of = |r: &Value| -> Option<(String, Vec<String>)> {
        let name = r.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)?;
        let props = schemas.get(name)?.get("properties")?.as_object()?;
        Some((name.to_string(), props.keys().cloned().collect()))
    };
    // The `oneOf`s sit in component schemas and inline in operation responses (`GET /clients`).
    let mut unions = Vec::new();
    one_ofs(&spec["components"]["schemas"], &mut unions);
    one_ofs(&spec["paths"], &mut unions);
    let mut offset_pages = BTreeSet::new();
    for branches in unions {
        let shapes: Vec<_> = branches.iter().filter_map(props_of).collect();
        let has_checkpoint = shapes.iter().any(|(_, p)| p.iter().any(|k| k == "next"));
        for (name, props) in &shapes {
            let offset = ["start", "limit", "total"]
                .iter()
                .all(|k| props.iter().any(|p| p == k))
                && !props.iter().any(|p| p == "next");
            if offset && has_checkpoint {
                offset_pages.insert(name.clone());
            }
        }
    }
    let schemas = spec["components"]["schemas"]
        .as_object_mut()
        .expect("checked above");
    for name in offset_pages {
        let s = schemas.get_mut(&name).expect("found above");
        let required = s
            .as_object_mut()
            .expect("an object schema")
            .entry("required")
            .or_insert_with(|| json!([]));
        if let Some(r) = required.as_array_mut()
            && !r.contains(&json!("total"))
        {
            r.push(json!("total"));
            stats.add("offset pages beside a checkpoint page require `total`");
        }
    }
}

/// Every `oneOf` branch list under `v`.
fn one_ofs<'a>(v: &'a Value, out: &mut Vec<&'a Vec<Value>>) {
    match v {
        Value::Object(map) => {
            if let Some(branches) = map.get("oneOf").and_then(Value::as_array) {
                out.push(branches);
            }
            map.values().for_each(|v| one_ofs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| one_ofs(v, out)),
        _ => {}
    }
}

fn prune_unreachable(spec: &mut Value, stats: &mut Stats) {
    let mut roots = BTreeSet::new();
    refs_in(&spec["paths"], &mut roots);
    let schemas = spec["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let keep = closure(&schemas, roots);
    if let Some(schemas) = spec["components"]["schemas"].as_object_mut() {
        schemas.retain(|name, _| {
            let k = keep.contains(name);
            if !k {
                stats.add("unreachable component schemas pruned");
            }
            k
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(schema: Value) -> (Value, Stats) {
        let mut stats = Stats::default();
        let v = normalize_schema(schema, &mut stats).unwrap();
        (v, stats)
    }

    fn spec_with(op: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "2.0", "description": "prose"},
            "paths": {"/things/{id}": {"get": op}},
            "components": {"schemas": schemas}
        })
    }

    #[test]
    fn type_arrays_become_nullable() {
        let (v, s) = norm(json!({"type": ["string", "null"], "maxLength": 5}));
        assert_eq!(
            v,
            json!({"type": "string", "maxLength": 5, "nullable": true})
        );
        assert_eq!(s.get("type arrays -> nullable"), 1);
        let (v, _) = norm(json!({"type": ["integer"]}));
        assert_eq!(v, json!({"type": "integer"}));
    }

    #[test]
    fn several_non_null_types_fail_loudly() {
        let mut stats = Stats::default();
        let err = normalize_schema(json!({"type": ["string", "integer"]}), &mut stats).unwrap_err();
        assert!(err.to_string().contains("several non-null types"), "{err}");
    }

    #[test]
    fn null_branches_are_dropped() {
        let (v, _) =
            norm(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}));
        assert_eq!(
            v,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
        // One $ref left: allOf keeps it, nullable on the outside.
        let (v, _) = norm(json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}));
        assert_eq!(
            v,
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
        );
        // One inline schema left: merged into the parent.
        let (v, _) =
            norm(json!({"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}));
        assert_eq!(
            v,
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
    }

    #[test]
    fn const_becomes_enum() {
        let (v, s) = norm(json!({"type": "string", "const": "sms"}));
        assert_eq!(v, json!({"type": "string", "enum": ["sms"]}));
        assert_eq!(s.get("const -> enum"), 1);
    }

    #[test]
    fn null_in_enum_becomes_nullable_with_a_type() {
        let (v, _) = norm(json!({"enum": ["eu", null]}));
        assert_eq!(
            v,
            json!({"enum": ["eu", null], "type": "string", "nullable": true})
        );
    }

    #[test]
    fn defaults_and_prose_are_dropped() {
        let (v, s) = norm(json!({
            "type": "object",
            "description": "prose",
            "title": "T",
            "x-release-lifecycle": "GA",
            "properties": {
                "email": {"type": "string", "default": "john.doe@gmail.com", "description": "x"},
                "description": {"type": "string", "example": "a property named description stays"},
                "flag": {"type": "boolean", "default": false}
            }
        }));
        assert_eq!(
            v,
            json!({"type": "object", "properties": {
                "email": {"type": "string"},
                "description": {"type": "string"},
                "flag": {"type": "boolean"}
            }})
        );
        assert_eq!(s.get("defaults removed (example-like strings)"), 1);
        assert_eq!(s.get("defaults removed (other)"), 1);
    }

    #[test]
    fn additional_properties_false_is_removed() {
        let (v, s) = norm(json!({"type": "object", "additionalProperties": false}));
        assert_eq!(v, json!({"type": "object"}));
        assert_eq!(s.get("additionalProperties: false removed"), 1);
        let (v, _) = norm(
            json!({"type": "object", "additionalProperties": {"type": "string", "description": "d"}}),
        );
        assert_eq!(
            v,
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
    }

    #[test]
    fn other_31_keywords() {
        let (v, _) = norm(json!({"type": "integer", "exclusiveMinimum": 0}));
        assert_eq!(
            v,
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        let (v, _) = norm(json!({"type": "string", "contentMediaType": "text/csv"}));
        assert_eq!(v, json!({"type": "string", "format": "binary"}));
        let (v, s) = norm(json!({"type": "object", "if": {}, "then": {}, "else": {}}));
        assert_eq!(v, json!({"type": "object"}));
        assert_eq!(s.get("3.1-only keywords dropped"), 3);
    }

    #[test]
    fn string_branches_collapse_and_undeclared_required_names_go() {
        let (v, s) = norm(json!({"type": "string", "anyOf": [
            {"type": "string", "format": "ipv4"}, {"type": "string", "format": "cidr"}
        ]}));
        assert_eq!(v, json!({"type": "string"}));
        assert_eq!(s.get("all-string oneOf/anyOf -> string"), 1);
        let (v, _) = norm(json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
        assert!(v.get("oneOf").is_some(), "mixed branches stay");
        let (v, s) = norm(json!({"type": "object", "required": ["id", "credentials"],
            "properties": {"id": {"type": "string"}}}));
        assert_eq!(v["required"], json!(["id"]));
        assert_eq!(s.get("undeclared required properties dropped"), 1);
        let (v, _) = norm(json!({"type": "object", "required": ["x"],
            "allOf": [{"properties": {"x": {"type": "string"}}}], "properties": {}}));
        assert_eq!(v["required"], json!(["x"]), "composition may declare it");
    }

    #[test]
    fn offset_pages_beside_checkpoint_pages_require_total() {
        let op = json!({"operationId": "list", "responses": {"200": {"description": "",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}}}});
        let schemas = json!({
            "List": {"oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"$ref": "#/components/schemas/Offset"},
                {"$ref": "#/components/schemas/Checkpoint"}
            ]},
            "Offset": {"type": "object", "properties": {"start": {"type": "number"},
                "limit": {"type": "number"}, "total": {"type": "number"},
                "things": {"type": "array", "items": {"type": "string"}}}},
            "Checkpoint": {"type": "object", "properties": {"next": {"type": "string"},
                "things": {"type": "array", "items": {"type": "string"}}}}
        });
        let out = normalize(spec_with(op, schemas), &[], &mut Stats::default()).unwrap();
        let s = &out["components"]["schemas"];
        assert_eq!(s["Offset"]["required"], json!(["total"]));
        assert!(s["Checkpoint"].get("required").is_none());
    }

    #[test]
    fn one_documented_success_accepts_its_siblings() {
        let ok = |code: &str, body: bool| {
            let mut r = json!({"description": "prose"});
            if body {
                r["content"] = json!({"application/json": {"schema": {"type": "string"}}});
            }
            json!({"operationId": "op", "responses": {code: r, "404": {"description": ""}}})
        };
        let codes = |op: Value| -> Vec<String> {
            let out = normalize(spec_with(op, json!({})), &[], &mut Stats::default()).unwrap();
            let r = out["paths"]["/things/{id}"]["get"]["responses"]
                .as_object()
                .unwrap();
            let mut codes: Vec<String> = r.keys().cloned().collect();
            codes.sort();
            codes
        };
        assert_eq!(codes(ok("201", true)), ["200", "201", "404"]);
        assert_eq!(codes(ok("202", true)), ["200", "201", "202", "404"]);
        assert_eq!(codes(ok("204", false)), ["200", "201", "204", "404"]);
        // Two documented successes are taken as they are.
        let mut two = ok("200", true);
        two["responses"]["202"] = two["responses"]["200"].clone();
        assert_eq!(codes(two), ["200", "202", "404"]);
    }

    #[test]
    fn inline_response_unions_are_told_apart_too() {
        let op = json!({"operationId": "list", "responses": {"200": {"description": "",
        "content": {"application/json": {"schema": {"oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/Offset"},
            {"$ref": "#/components/schemas/Checkpoint"}
        ]}}}}}});
        let schemas = json!({
            "Offset": {"type": "object", "properties": {"start": {"type": "number"},
                "limit": {"type": "number"}, "total": {"type": "number"},
                "things": {"type": "array", "items": {"type": "string"}}}},
            "Checkpoint": {"type": "object", "properties": {"next": {"type": "string"},
                "things": {"type": "array", "items": {"type": "string"}}}}
        });
        let out = normalize(spec_with(op, schemas), &[], &mut Stats::default()).unwrap();
        assert_eq!(
            out["components"]["schemas"]["Offset"]["required"],
            json!(["total"])
        );
    }

    #[test]
    fn unknown_keywords_fail() {
        let mut stats = Stats::default();
        let err =
            normalize_schema(json!({"type": "string", "prefixItems": []}), &mut stats).unwrap_err();
        assert!(err.to_string().contains("prefixItems"), "{err}");
    }

    #[test]
    fn response_enums_are_opened_request_enums_stay_closed() {
        let spec = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/things": {
                "get": {"operationId": "get_things", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}},
                "post": {"operationId": "post_things",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}}},
                    "responses": {"204": {"description": "ok"}}}
            }},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "tag": {"type": "string", "const": "thing"}
                }},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "NewThing": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a", "b"]}}},
                "Unused": {"type": "string"}
            }}
        });
        let mut stats = Stats::default();
        let out = normalize(spec, &[], &mut stats).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Kind"],
            json!({"type": "string", "x-known-values": ["a", "b"]})
        );
        assert_eq!(
            schemas["Thing"]["properties"]["tag"],
            json!({"type": "string", "enum": ["thing"]})
        );
        assert_eq!(
            schemas["NewThing"]["properties"]["kind"]["enum"],
            json!(["a", "b"])
        );
        assert!(
            schemas.get("Unused").is_none(),
            "unreachable schemas are pruned"
        );
        assert!(
            schemas.get(ERROR_SCHEMA).is_none(),
            "no error response refers to it"
        );
    }

    #[test]
    fn errors_share_one_schema_and_json_is_the_only_request_media_type() {
        let op = json!({
            "operationId": "patch_thing",
            "summary": "s", "x-codeSamples": [],
            "parameters": [{"name": "id", "in": "path", "required": true, "description": "d", "schema": {"type": "string"}}],
            "requestBody": {"content": {
                "application/json": {"schema": {"type": "object"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
            }},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "bad"},
                "429": {"$ref": "#/components/responses/TooMany"}
            }
        });
        let mut spec = spec_with(op, json!({}));
        spec["components"]["responses"] = json!({"TooMany": {"description": "x",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other"}}}}});
        let mut stats = Stats::default();
        let out = normalize(spec, &[], &mut stats).unwrap();
        let op = &out["paths"]["/things/{id}"]["get"];
        assert_eq!(op["responses"]["400"], error_response());
        assert_eq!(op["responses"]["429"], error_response());
        assert_eq!(
            op["requestBody"]["content"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["application/json"]
        );
        assert!(op.get("summary").is_none() && op.get("x-codeSamples").is_none());
        assert!(op["parameters"][0].get("description").is_none());
        assert!(out["components"].get("responses").is_none());
        assert_eq!(out["openapi"], "3.0.3");
        assert!(out["info"].get("description").is_none());
    }

    #[test]
    fn mixed_success_bodies_fail() {
        let op = json!({"operationId": "x", "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}},
            "201": {"description": "", "content": {"application/json": {"schema": {"type": "string"}}}}
        }});
        let err = normalize(spec_with(op, json!({})), &[], &mut Stats::default()).unwrap_err();
        assert!(format!("{err:#}").contains("different bodies"), "{err:#}");
    }

    #[test]
    fn named_nullable_schemas_are_fixed() {
        let op = json!({"operationId": "x", "responses": {"200": {"description": "",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}});
        let schemas = json!({
            "Region": {"enum": ["eu", "us", null]},
            "Holder": {"type": "object", "required": ["region", "name"], "properties": {
                "region": {"$ref": "#/components/schemas/Region"},
                "name": {"type": "string"}
            }}
        });
        let mut stats = Stats::default();
        let out = normalize(spec_with(op, schemas), &[], &mut stats).unwrap();
        let s = &out["components"]["schemas"];
        assert!(s["Region"].get("nullable").is_none());
        assert_eq!(s["Holder"]["required"], json!(["name"]));
    }

    #[test]
    fn overlays_merge_and_collisions_fail() {
        let op = json!({"operationId": "x", "responses": {"204": {"description": ""}}});
        let overlay = json!({"paths": {"/new": {"get": {"operationId": "y", "responses": {"204": {"description": ""}}}}}});
        let out = normalize(
            spec_with(op.clone(), json!({})),
            &[("o.json".into(), overlay)],
            &mut Stats::default(),
        )
        .unwrap();
        assert!(out["paths"]["/new"]["get"].is_object());
        let clash = json!({"paths": {"/things/{id}": {"get": op.clone()}}});
        let err = normalize(
            spec_with(op, json!({})),
            &[("o.json".into(), clash)],
            &mut Stats::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("exists upstream"), "{err}");
    }
}
