//! The machinery of the contract tests, shared by every caller (the generated client, the
//! ergonomic `ManagementClient` methods, and the driver's own tests): build arguments from an
//! operation's schemas, answer from an httpmock server, check on the server side what arrived,
//! and check what the caller made of the answer.
//!
//! For each operation and each of three variants:
//! - arguments are built from the parameter and body schemas (A and C: every optional parameter
//!   and field; B: required ones only); string path parameters carry `|`, a space and `/`;
//! - the mock expects the method and the exact percent-encoded path; the test then checks the
//!   query (names, values, array style), header parameters, and validates the JSON body against
//!   the operation's request schema with a JSON Schema validator, and that every property of
//!   the body is declared by that schema (a renamed field fails even where the schema allows
//!   unknown ones);
//! - the answer is built from the response schema (A: all optional fields; B: required only;
//!   C: A plus unknown fields and unknown values for open enums) and must decode.
//!
//! Then one documented 4xx with Auth0's error body must map to the typed error.
//!
//! A caller is a function from the JSON arguments (one entry per parameter, and `body`) to an
//! [`Outcome`]; [`Rules`] says how strictly its request is compared with the arguments.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::openapi::{self, Operation, Param};
use crate::outcome::Outcome;
use crate::values::{Generator, UNKNOWN_FIELD, Variant};

/// Problems that start with this are observations about the spec, printed but not failures.
pub const NOTE: &str = "spec note: ";

/// Base URI under which the spec's schemas are registered for validation.
pub const SPEC_URI: &str = "urn:auth0-management-api:spec";

/// A request as the mock server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Upper case.
    pub method: String,
    /// The path as sent (percent-encoded).
    pub raw_path: String,
    /// The query pairs, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
}

/// What `req` carried.
pub fn seen(req: &HttpMockRequest) -> Seen {
    Seen {
        method: req.method().to_string(),
        raw_path: req.uri().path().to_string(),
        query: req.query_params(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or("<non-ascii>").to_string(),
                )
            })
            .collect(),
        body: req.body().to_vec(),
    }
}

/// Validators for request bodies, over two registries of the spec's schemas: as written, and
/// with every `oneOf` read as `anyOf`.
pub struct Schemas {
    strict: jsonschema::Registry<'static>,
    relaxed: jsonschema::Registry<'static>,
    /// Patterns the validator's regex engine cannot compile (ECMAScript-only syntax): left out
    /// of validation; generated values still match them (checked with `regress`), and the
    /// generated types check them on deserialization.
    pub unchecked_patterns: BTreeSet<String>,
}

const DRAFT7: &str = "http://json-schema.org/draft-07/schema#";

impl Schemas {
    /// Registers the spec's component schemas.
    pub fn new(spec: &Value) -> Self {
        let mut unchecked_patterns = BTreeSet::new();
        let mut keep = |p: &str| {
            let ok = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&json!({"type": "string", "pattern": p}))
                .is_ok();
            if !ok {
                unchecked_patterns.insert(p.to_string());
            }
            ok
        };
        let schemas: serde_json::Map<String, Value> = spec["components"]["schemas"]
            .as_object()
            .expect("the spec has component schemas")
            .iter()
            .map(|(k, v)| {
                let mut s = openapi::to_json_schema(v, SPEC_URI);
                openapi::retain_patterns(&mut s, &mut keep);
                (k.clone(), s)
            })
            .collect();
        let strict = json!({"$schema": DRAFT7, "components": {"schemas": schemas}});
        let mut relaxed = strict.clone();
        openapi::one_of_as_any_of(&mut relaxed);
        let registry = |root: Value| {
            jsonschema::Registry::new()
                .add(SPEC_URI, root)
                .expect("the spec's schemas register")
                .prepare()
                .expect("the spec's schemas resolve")
        };
        Self {
            strict: registry(strict),
            relaxed: registry(relaxed),
            unchecked_patterns,
        }
    }

    fn errors(
        &self,
        schema: &Value,
        instance: &Value,
        relaxed: bool,
    ) -> Result<Vec<String>, String> {
        let mut schema = openapi::to_json_schema(schema, SPEC_URI);
        let unchecked = &self.unchecked_patterns;
        openapi::retain_patterns(&mut schema, &mut |p| !unchecked.contains(p));
        if relaxed {
            openapi::one_of_as_any_of(&mut schema);
        }
        schema["$schema"] = json!(DRAFT7);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_registry(if relaxed { &self.relaxed } else { &self.strict })
            .build(&schema)
            .map_err(|e| format!("request schema does not compile: {e}"))?;
        Ok(validator
            .iter_errors(instance)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect())
    }

    /// `Ok(None)`: valid. `Ok(Some(..))`: valid only when `oneOf` is read as `anyOf` (the value
    /// matches several branches: an ambiguity of the spec, not of the client). `Err`: invalid.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<Option<String>, String> {
        let strict = self.errors(schema, instance, false)?;
        if strict.is_empty() {
            return Ok(None);
        }
        let relaxed = self.errors(schema, instance, true)?;
        if relaxed.is_empty() {
            Ok(Some(strict.join("; ")))
        } else {
            Err(relaxed.join("; "))
        }
    }
}

/// Percent-encodes a path segment: everything but RFC 3986 `pchar`s (unreserved, sub-delims,
/// `:` and `@`).
fn encode_segment(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'!')
        .remove(b'$')
        .remove(b'&')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b':')
        .remove(b'@');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

/// The segments of a raw path, percent-decoded.
fn decoded_segments(raw: &str) -> Vec<String> {
    raw.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// Characters allowed raw in a path segment (RFC 3986 `pchar` less `%`).
fn is_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// A value that exercises encoding, cut and padded to the schema's length limits, for plain
/// string parameters (no enum, format or pattern).
fn tricky_string(schema: &Value, tricky: &str) -> Option<String> {
    let s = schema;
    let plain = [
        "enum", "pattern", "format", "oneOf", "anyOf", "allOf", "$ref",
    ];
    if s.get("type").and_then(Value::as_str) != Some("string")
        || plain.iter().any(|k| s.get(k).is_some())
    {
        return None;
    }
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut v = if tricky.len() <= max {
        tricky.to_string()
    } else {
        "a|b c/d".chars().take(max).collect()
    };
    while v.len() < min {
        v.push('x');
    }
    (v.len() <= max).then_some(v)
}

/// The query pairs a parameter value should produce (form style, explode).
fn query_pairs(name: &str, value: &Value) -> Vec<(String, String)> {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Null => vec![],
        Value::Array(items) => items
            .iter()
            .map(|i| (name.to_string(), scalar(i)))
            .collect(),
        v => vec![(name.to_string(), scalar(v))],
    }
}

/// The arguments of one call, and what the server should see.
#[derive(Clone, Debug)]
pub struct Call {
    /// One entry per parameter (by its spec name), and `body`.
    pub args: Value,
    /// The expected path, percent-encoded, without the caller's prefix.
    pub raw_path: String,
    /// The expected query pairs, sorted.
    pub query: Vec<(String, String)>,
    /// The expected header parameters (lower-case names).
    pub headers: Vec<(String, String)>,
}

/// Arguments for `op`, and what the server should see.
pub fn build_call(
    spec: &Value,
    op: &Operation,
    variant: Variant,
    problems: &mut Vec<String>,
) -> Option<Call> {
    let mut g = Generator::new(spec, variant);
    let mut args = serde_json::Map::new();
    let mut raw_path = op.path.clone();
    let mut query = vec![];
    let mut headers = vec![];
    for p in &op.params {
        let Param {
            name,
            location,
            required,
            schema,
            explode,
        } = p;
        if !required && !variant.optional {
            continue;
        }
        let resolved = openapi::resolve(spec, schema);
        let value = match location.as_str() {
            "path" => tricky_string(resolved, "auth0|a b/c").map(Value::String),
            "query" => tricky_string(resolved, "a b&c=d|e/f").map(Value::String),
            _ => None,
        };
        let value = match value.map_or_else(|| g.value(schema), Ok) {
            Ok(v) => v,
            Err(e) => {
                if *required {
                    problems.push(format!("arguments: parameter {name}: {e}"));
                    return None;
                }
                continue;
            }
        };
        match location.as_str() {
            "path" => {
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                raw_path = raw_path.replace(&format!("{{{name}}}"), &encode_segment(&text));
            }
            "query" => {
                if !explode && value.is_array() {
                    problems.push(format!(
                        "arguments: {name}: explode=false arrays are not checked"
                    ));
                }
                query.extend(query_pairs(name, &value));
            }
            "header" => {
                if let Value::String(s) = &value {
                    headers.push((name.to_ascii_lowercase(), s.clone()));
                }
            }
            other => problems.push(format!(
                "arguments: parameter {name} in {other} is not supported"
            )),
        }
        args.insert(name.clone(), value);
    }
    if let Some(body_schema) = &op.body {
        match g.value(body_schema) {
            Ok(v) => {
                args.insert("body".into(), v);
            }
            Err(e) => {
                problems.push(format!("arguments: body: {e}"));
                return None;
            }
        }
    }
    query.sort();
    Some(Call {
        args: Value::Object(args),
        raw_path,
        query,
        headers,
    })
}

/// How a caller's request is compared with the arguments it was given.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    /// What the caller puts before the spec's path: `""` for the generated client (its base
    /// URL is the server's), `"/api/v2"` for `ManagementClient`.
    pub prefix: &'a str,
    /// Query and header parameters the caller does not take from the arguments (a paginator
    /// sets `page` itself; a method may offer no way to pass a header): when sent, their values
    /// are checked against their schemas only. Every other parameter must arrive exactly as
    /// generated. `"body"` here: the JSON body is not the `body` argument as it is (a method
    /// that builds its own body from it), and is validated against the schema only; otherwise
    /// it must carry the data of the argument.
    pub free: &'a [&'a str],
    /// Whether the data the caller returns must be the data of the answer (the ergonomic layer
    /// returns plain values; the generated client's outcome is checked for decoding only).
    pub check_data: bool,
}

impl Rules<'static> {
    /// The generated client: every parameter from the arguments, no prefix.
    pub const GENERATED: Rules<'static> = Rules {
        prefix: "",
        free: &[],
        check_data: false,
    };
}

/// A JSON value for the query (or header) text `text` of a parameter whose schema is `schema`.
fn typed_query_value(spec: &Value, schema: &Value, text: &str) -> Value {
    let schema = openapi::resolve(spec, schema);
    let item = match schema.get("type").and_then(Value::as_str) {
        Some("array") => openapi::resolve(spec, &schema["items"]),
        _ => schema,
    };
    match item.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => serde_json::from_str::<serde_json::Number>(text)
            .map_or_else(|_| json!(text), Value::Number),
        Some("boolean") => match text {
            "true" => json!(true),
            "false" => json!(false),
            other => json!(other),
        },
        _ => json!(text),
    }
}

/// Properties of `value` that `schema` does not declare, as paths. An object schema with
/// `additionalProperties` or `patternProperties`, or with no `properties` at all, declares
/// every name; `allOf`, `oneOf` and `anyOf` declare the union of their branches.
pub fn undeclared_properties(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    /// The declared properties of `schema` (with their schemas), or `None` when it is open.
    fn declared<'a>(
        spec: &'a Value,
        schema: &'a Value,
        out: &mut Vec<(&'a str, &'a Value)>,
        open: &mut Option<&'a Value>,
        any: &mut bool,
    ) {
        let schema = openapi::resolve(spec, schema);
        let Some(obj) = schema.as_object() else {
            *any = true;
            return;
        };
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            out.extend(props.iter().map(|(k, v)| (k.as_str(), v)));
        }
        match obj.get("additionalProperties") {
            Some(Value::Bool(false)) | None => {}
            Some(Value::Bool(true)) => *any = true,
            Some(s) => *open = Some(s),
        }
        if obj.contains_key("patternProperties") {
            *any = true;
        }
        let mut branched = false;
        for key in ["allOf", "oneOf", "anyOf"] {
            for b in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
                branched = true;
                declared(spec, b, out, open, any);
            }
        }
        if !branched && !obj.contains_key("properties") && open.is_none() {
            *any = true;
        }
    }
    let mut found = vec![];
    match value {
        Value::Object(m) => {
            let (mut props, mut open, mut any) = (vec![], None, false);
            declared(spec, schema, &mut props, &mut open, &mut any);
            for (k, v) in m {
                let at = format!("{at}/{k}");
                let child = props
                    .iter()
                    .filter(|(n, _)| n == k)
                    .map(|(_, s)| *s)
                    .collect::<Vec<_>>();
                if child.is_empty() {
                    match open {
                        Some(s) => found.extend(undeclared_properties(spec, s, v, &at)),
                        None if any => {}
                        None => found.push(at),
                    }
                } else {
                    // Declared in several branches: undeclared only if undeclared in each.
                    let per: Vec<Vec<String>> = child
                        .iter()
                        .map(|s| undeclared_properties(spec, s, v, &at))
                        .collect();
                    if per.iter().all(|p| !p.is_empty()) {
                        found.extend(per.into_iter().next().unwrap_or_default());
                    }
                }
            }
        }
        Value::Array(items) => {
            let schema = openapi::resolve(spec, schema);
            let item = match schema.get("items") {
                Some(i) => i,
                None => return found,
            };
            for (i, v) in items.iter().enumerate() {
                found.extend(undeclared_properties(spec, item, v, &format!("{at}/{i}")));
            }
        }
        _ => {
            // A scalar under a oneOf/anyOf of objects and scalars: nothing to check.
        }
    }
    found
}

/// The multipart/form-data schema of `op`, if its body is one.
fn multipart_schema<'a>(spec: &'a Value, op: &Operation) -> Option<&'a Value> {
    let s = spec["paths"][&op.path][op.method.to_lowercase()]["requestBody"]["content"]
        ["multipart/form-data"]
        .get("schema")?;
    Some(openapi::resolve(spec, s))
}

/// The part names of a multipart body, in order (`name="..."` of each `Content-Disposition`),
/// and whether each part has a file name.
fn multipart_parts(body: &[u8]) -> Vec<(String, bool)> {
    let text = String::from_utf8_lossy(body);
    text.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
        .filter_map(|l| {
            let name = l.split("name=\"").nth(1)?.split('"').next()?.to_string();
            Some((name, l.contains("filename=")))
        })
        .collect()
}

/// Checks what the server saw against what the spec and the arguments ask for.
pub fn check_request(
    spec: &Value,
    op: &Operation,
    call: &Call,
    seen: &Seen,
    schemas: &Schemas,
    rules: &Rules,
    problems: &mut Vec<String>,
) {
    if seen.method != op.method {
        problems.push(format!(
            "method: sent {}, spec says {}",
            seen.method, op.method
        ));
    }
    let want_path = format!("{}{}", rules.prefix, call.raw_path);
    // The mock matched on decoded segments; here the encoding itself: every character is a
    // `pchar` or a percent-escape (over-encoding, like `%3A` for `:`, is fine).
    if decoded_segments(&seen.raw_path) != decoded_segments(&want_path) {
        problems.push(format!(
            "path: sent {}, expected {want_path}",
            seen.raw_path
        ));
    } else {
        let raw: BTreeSet<char> = seen
            .raw_path
            .chars()
            .filter(|c| *c != '/' && *c != '%' && !is_pchar(*c))
            .collect();
        if !raw.is_empty() {
            problems.push(format!(
                "path encoding: characters left raw that RFC 3986 wants percent-encoded: {raw:?} (sent {}, expected {want_path})",
                seen.raw_path
            ));
        }
    }
    let free = |name: &str| rules.free.contains(&name);
    let mut got: Vec<(String, String)> = seen
        .query
        .iter()
        .filter(|(k, _)| !free(k))
        .cloned()
        .collect();
    got.sort();
    let want: Vec<(String, String)> = call
        .query
        .iter()
        .filter(|(k, _)| !free(k))
        .cloned()
        .collect();
    if got != want {
        problems.push(format!("query: sent {got:?}, expected {want:?}"));
    }
    for (name, text) in seen.query.iter().filter(|(k, _)| free(k)) {
        match op
            .params
            .iter()
            .find(|p| p.location == "query" && &p.name == name)
        {
            None => problems.push(format!("query: {name} is not a parameter of the operation")),
            Some(p) => {
                let schema = openapi::resolve(spec, &p.schema);
                let item = match schema.get("type").and_then(Value::as_str) {
                    Some("array") => &schema["items"],
                    _ => &p.schema,
                };
                let value = typed_query_value(spec, &p.schema, text);
                if let Err(e) = schemas.validate(item, &value) {
                    problems.push(format!(
                        "query: {name}={text:?} does not match its schema: {e}"
                    ));
                }
            }
        }
    }
    for (name, value) in &call.headers {
        if free(name) {
            continue;
        }
        let sent = seen
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        if sent.map(|(_, v)| v) != Some(value) {
            problems.push(format!("header {name}: sent {sent:?}, expected {value:?}"));
        }
    }
    let content_type = seen
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    match (&op.body, multipart_schema(spec, op)) {
        (Some(schema), _) => {
            if !content_type.is_some_and(|v| v.starts_with("application/json")) {
                problems.push(format!("body: content-type {content_type:?}"));
            }
            match serde_json::from_slice::<Value>(&seen.body) {
                Ok(body) => {
                    match schemas.validate(schema, &body) {
                        Ok(None) => {}
                        Ok(Some(e)) => {
                            problems.push(format!("{NOTE}body matches several oneOf branches: {e}"))
                        }
                        Err(e) => problems.push(format!(
                            "body: does not validate against the request schema: {e}; sent {body}"
                        )),
                    }
                    if !free("body")
                        && let Some(arg) = call.args.get("body")
                        && let Some(d) = data_differs(&body, arg, "$")
                    {
                        problems.push(format!(
                            "body: not the data of the body argument: {d}; sent {body}"
                        ));
                    }
                    let extra = undeclared_properties(spec, schema, &body, "$");
                    if !extra.is_empty() {
                        problems.push(format!(
                            "body: properties the request schema does not declare: {}; sent {body}",
                            extra.join(", ")
                        ));
                    }
                }
                Err(e) => problems.push(format!("body: not JSON: {e}")),
            }
        }
        (None, Some(schema)) => {
            if !content_type.is_some_and(|v| v.starts_with("multipart/form-data")) {
                problems.push(format!("body: content-type {content_type:?}"));
            }
            let parts = multipart_parts(&seen.body);
            let props = schema["properties"].as_object();
            for (name, file) in &parts {
                match props.and_then(|p| p.get(name)) {
                    None => {
                        problems.push(format!("body: part {name} is not in the request schema"))
                    }
                    Some(s) => {
                        let binary = openapi::resolve(spec, s)
                            .get("format")
                            .and_then(Value::as_str)
                            == Some("binary");
                        if binary != *file {
                            problems.push(format!(
                                "body: part {name}: file name {}, the schema says {}",
                                if *file { "sent" } else { "missing" },
                                if binary { "binary" } else { "a field" }
                            ));
                        }
                    }
                }
            }
            for r in schema["required"].as_array().into_iter().flatten() {
                if let Some(r) = r.as_str()
                    && !parts.iter().any(|(n, _)| n == r)
                {
                    problems.push(format!("body: required part {r} missing"));
                }
            }
        }
        (None, None) => {
            if !seen.body.is_empty() {
                problems.push(format!(
                    "body: sent {} bytes, the spec has no request body",
                    seen.body.len()
                ));
            }
        }
    }
}

/// A response body for `op`'s success status, and its content type.
pub fn success_body(
    spec: &Value,
    op: &Operation,
    variant: Variant,
    problems: &mut Vec<String>,
) -> Option<(String, Vec<u8>)> {
    match (&op.success.content_type, &op.success.schema) {
        (Some(ct), _) if ct == "text/event-stream" => Some((
            ct.clone(),
            b"id: 1\nevent: user.created\ndata: {\"id\":\"evt_1\"}\n\n: keep-alive\n\nid: 2\ndata: {}\n\n".to_vec(),
        )),
        (Some(ct), Some(schema)) => match Generator::new(spec, variant).value_with(schema) {
            Ok((v, g)) => {
                if !g.undeclared.is_empty() {
                    problems.push(format!(
                        "spec: the response schema requires properties it does not declare (a server that omits them breaks decoding): {}",
                        g.undeclared.join(", ")
                    ));
                }
                Some((ct.clone(), serde_json::to_vec(&v).expect("JSON")))
            }
            Err(e) => {
                problems.push(format!("response: cannot build a body: {e}"));
                None
            }
        },
        (Some(ct), None) => Some((ct.clone(), b"{}".to_vec())),
        (None, _) => Some((String::new(), vec![])),
    }
}

/// What every call needs: the mock server, the spec, its validators.
pub struct Ctx {
    /// The mock server every call goes to.
    pub server: MockServer,
    /// The repository's spec.
    pub spec: Value,
    /// Validators over its schemas.
    pub schemas: Schemas,
}

impl Ctx {
    /// A mock server and the validators of the repository's spec.
    pub async fn start() -> Self {
        let spec: Value = serde_json::from_str(openapi::SPEC).expect("the spec is JSON");
        let schemas = Schemas::new(&spec);
        Self {
            server: MockServer::start_async().await,
            spec,
            schemas,
        }
    }
}

/// A caller's future.
pub type CallFuture = Pin<Box<dyn Future<Output = Outcome>>>;

/// Makes one call of an operation from its JSON arguments (see [`Call::args`]).
pub type Caller<'a> = dyn Fn(Value) -> CallFuture + Sync + 'a;

/// The result of one [`exercise`].
pub struct Exercised {
    /// The problems found, tagged with the label.
    pub problems: Vec<String>,
    /// What the caller ended with (`None` when no call was made).
    pub outcome: Option<Outcome>,
    /// The body the server answered with, when it was JSON.
    pub answer: Option<Value>,
}

/// One call: mock, call, checks.
pub async fn exercise(
    ctx: &Ctx,
    op: &Operation,
    rules: &Rules<'_>,
    caller: &Caller<'_>,
    label: &str,
    request_variant: Variant,
    response: Option<(u16, String, Vec<u8>)>,
) -> Exercised {
    let Ctx {
        server,
        spec,
        schemas,
    } = ctx;
    let mut problems = vec![];
    let Some(call) = build_call(spec, op, request_variant, &mut problems) else {
        return Exercised {
            problems: tag(label, problems),
            outcome: None,
            answer: None,
        };
    };
    let (status, content_type, body) = match response {
        Some(r) => r,
        None => match success_body(spec, op, response_variant(label), &mut problems) {
            Some((ct, b)) => (op.success.status, ct, b),
            None => {
                return Exercised {
                    problems: tag(label, problems),
                    outcome: None,
                    answer: None,
                };
            }
        },
    };
    let answer = if content_type.starts_with("application/json") {
        serde_json::from_slice(&body).ok()
    } else {
        None
    };
    let hit: Arc<Mutex<Option<Seen>>> = Arc::default();
    let missed: Arc<Mutex<Option<Seen>>> = Arc::default();
    let method = httpmock::Method::from(op.method.as_str());
    let want_path = format!("{}{}", rules.prefix, call.raw_path);
    let expected = server
        .mock_async(|when, then| {
            // The path matches when it decodes, segment by segment, to the expected values;
            // whether the encoding is the strict one is checked (and reported) after the call.
            let slot = hit.clone();
            let want = decoded_segments(&want_path);
            when.method(method).is_true(move |req| {
                let matches = decoded_segments(req.uri().path()) == want;
                if matches {
                    *slot.lock().unwrap() = Some(seen(req));
                }
                matches
            });
            let then = then.status(status);
            let then = if content_type.is_empty() {
                then
            } else {
                then.header("content-type", content_type.as_str())
            };
            then.body(body.clone());
        })
        .await;
    let fallback = server
        .mock_async(|when, then| {
            let slot = missed.clone();
            when.is_true(move |req| {
                *slot.lock().unwrap() = Some(seen(req));
                true
            });
            then.status(599).body("no expectation matched");
        })
        .await;
    let outcome = caller(call.args.clone()).await;
    let hits = expected.calls_async().await;
    let request = if hits == 1 {
        hit.lock().unwrap().take()
    } else {
        missed.lock().unwrap().take()
    };
    expected.delete_async().await;
    fallback.delete_async().await;
    match &request {
        Some(seen) => check_request(spec, op, &call, seen, schemas, rules, &mut problems),
        None => problems.push(format!("request: none reached the server ({outcome:?})")),
    }
    if hits != 1 && request.is_some() && !problems.iter().any(|p| p.starts_with("path")) {
        problems.push("request: the expectation did not match".into());
    }
    Exercised {
        problems: tag(label, problems),
        outcome: Some(outcome),
        answer,
    }
}

fn response_variant(label: &str) -> Variant {
    match label {
        "B" => Variant::MINIMAL,
        "C" => Variant::EXTRA,
        _ => Variant::FULL,
    }
}

fn tag(label: &str, problems: Vec<String>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| format!("[{label}] {p}"))
        .collect()
}

/// Strips the `[label] ` tag.
pub fn untagged(p: &str) -> &str {
    p.split_once("] ").map_or(p, |(_, rest)| rest)
}

/// Auth0's error body for `status`.
pub fn auth0_error(status: u16) -> Value {
    let (error, code) = match status {
        400 => ("Bad Request", "invalid_body"),
        401 => ("Unauthorized", "invalid_token"),
        403 => ("Forbidden", "insufficient_scope"),
        404 => ("Not Found", "inexistent_user"),
        409 => ("Conflict", "conflict"),
        429 => ("Too Many Requests", "too_many_requests"),
        _ => ("Client Error", "client_error"),
    };
    json!({"statusCode": status, "error": error, "message": format!("contract test {status}"), "errorCode": code})
}

/// Whether `got` is the data of `sent` (what a caller returned, serialized, against the answer;
/// or a request body against the body argument):
/// the same values at the same places, numbers compared by value. `null`s and empty lists or
/// objects are absent values; the unknown field of variant C may be dropped. `None` when they agree, else where they
/// differ.
pub fn data_differs(got: &Value, sent: &Value, at: &str) -> Option<String> {
    match (got, sent) {
        (Value::Object(g), Value::Object(s)) => {
            // Absent, `null` and empty values are the same data (decoders skip empty lists).
            for (k, v) in g {
                if absent(v) {
                    continue;
                }
                match s.get(k) {
                    Some(sv) => {
                        if let Some(d) = data_differs(v, sv, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{at}/{k}: present, not in the expected data")),
                }
            }
            for (k, v) in s {
                if !absent(v) && k != UNKNOWN_FIELD && g.get(k).is_none_or(absent) {
                    return Some(format!("{at}/{k}: in the expected data, missing"));
                }
            }
            None
        }
        (Value::Array(g), Value::Array(s)) => {
            if g.len() != s.len() {
                return Some(format!("{at}: {} items, expected {}", g.len(), s.len()));
            }
            g.iter()
                .zip(s)
                .enumerate()
                .find_map(|(i, (g, s))| data_differs(g, s, &format!("{at}/{i}")))
        }
        (Value::Number(g), Value::Number(s)) if g.as_f64() == s.as_f64() => None,
        (g, s) if g == s => None,
        (g, s) => Some(format!("{at}: {}, expected {}", short(g), short(s))),
    }
}

/// `v` as JSON, cut to 200 bytes.
fn short(v: &Value) -> String {
    let mut t = v.to_string();
    if t.len() > 200 {
        let mut end = 200;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
        t += "...";
    }
    t
}

/// Whether `got` is the data of `answer`, or of one of its top-level arrays (a page of a list).
/// Whether `v` carries no data: `null`, an empty list, or an object of such values (and the
/// unknown field of variant C), which decoders may skip.
fn absent(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.iter().all(|(k, v)| k == UNKNOWN_FIELD || absent(v)),
        _ => false,
    }
}

/// A page with no array in the answer (a page object with only its required fields) must be
/// empty.
fn data_check(got: &Value, answer: &Value) -> Option<String> {
    let first = data_differs(got, answer, "$")?;
    if let (Value::Array(items), Value::Object(m)) = (got, answer) {
        if !m.values().any(Value::is_array) {
            return (!items.is_empty())
                .then(|| format!("$: {} items, the answer has none", items.len()));
        }
        let mut diffs = vec![];
        for (k, v) in m.iter().filter(|(_, v)| v.is_array()) {
            match data_differs(got, v, &format!("$/{k}")) {
                None => return None,
                Some(d) => diffs.push(d),
            }
        }
        return Some(diffs.join("; "));
    }
    Some(first)
}

/// Variants A, B and C, then one documented 4xx, through `caller`. Returns the problems.
pub async fn check_operation(
    ctx: &Ctx,
    op: &Operation,
    rules: &Rules<'_>,
    caller: &Caller<'_>,
) -> Vec<String> {
    let mut problems = vec![];
    for (label, request_variant) in [
        ("A", Variant::FULL),
        ("B", Variant::MINIMAL),
        ("C", Variant::FULL),
    ] {
        let Exercised {
            problems: mut p,
            outcome,
            answer,
        } = exercise(ctx, op, rules, caller, label, request_variant, None).await;
        match outcome {
            None => {}
            Some(Outcome::Success { status, raw, body }) => {
                if status != op.success.status {
                    p.push(format!(
                        "[{label}] response: status {status}, expected {}",
                        op.success.status
                    ));
                }
                if op.success.content_type.as_deref() == Some("text/event-stream")
                    && raw.as_deref().is_none_or(|r| !r.starts_with(b"id: 1\n"))
                {
                    p.push(format!(
                        "[{label}] response: the event stream did not come through: {raw:?}"
                    ));
                }
                if rules.check_data
                    && let Some(answer) = &answer
                    && let Some(d) = data_check(&body, answer)
                {
                    p.push(format!(
                        "[{label}] data: what the call returned is not what the server sent: {d}"
                    ));
                }
            }
            Some(Outcome::Decode { body, error }) => {
                p.push(format!("[{label}] decode: {error}; body {body}"));
            }
            Some(other) => p.push(format!("[{label}] call: {other:?}")),
        }
        problems.extend(p);
    }

    // A documented client error, with Auth0's error body.
    let status = op
        .client_errors
        .iter()
        .copied()
        .find(|s| *s == 404)
        .or_else(|| op.client_errors.first().copied());
    match status {
        None => problems.push("error: the spec documents no 4xx response".into()),
        Some(status) => {
            let body = auth0_error(status);
            let response = Some((
                status,
                "application/json".to_string(),
                serde_json::to_vec(&body).expect("JSON"),
            ));
            let Exercised {
                problems: mut p,
                outcome,
                ..
            } = exercise(ctx, op, rules, caller, "E", Variant::MINIMAL, response).await;
            match outcome {
                None => {}
                Some(Outcome::ErrorResponse { status: got, error }) => {
                    let typed = (
                        error.status_code,
                        error.error.as_deref(),
                        error.message.as_deref(),
                        error.error_code.as_deref(),
                    );
                    let want = (
                        Some(i64::from(status)),
                        body["error"].as_str(),
                        body["message"].as_str(),
                        body["errorCode"].as_str(),
                    );
                    if got != status || typed != want {
                        p.push(format!(
                            "[E] error: got {got} {typed:?}, expected {status} {want:?}"
                        ));
                    }
                }
                Some(other) => p.push(format!("[E] error: expected ErrorResponse, got {other:?}")),
            }
            problems.extend(p);
        }
    }
    problems
}
