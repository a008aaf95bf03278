//! The repository's OpenAPI document (`openapi/management-api.json`), compiled into the crate:
//! its operations (method, path template, scopes, request and response schemas), path
//! matching, and the conversion of OpenAPI 3.0 schemas to JSON Schema (draft 7).
//!
//! The emulator uses it to route requests to operations, check scopes, validate request bodies
//! and (in debug builds) its own responses; the contract tests use the same conversion.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// The spec's text, as the repository has it.
pub const SPEC_JSON: &str = include_str!("../../../openapi/management-api.json");

/// The spec, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: LazyLock<Value> =
        LazyLock::new(|| serde_json::from_str(SPEC_JSON).expect("the bundled spec is JSON"));
    &SPEC
}

/// The mark of a success status that `cargo xtask spec-sync` added beside the documented one.
pub const SIBLING_MARK: &str = "x-sibling-of";

/// One operation of the spec, as the emulator sees it.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `get_users_by_id`.
    pub id: String,
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// The path template under `/api/v2`, e.g. `/users/{id}`.
    pub path: String,
    /// A token needs any one of these (empty: no scope needed).
    pub scopes: Vec<String>,
    /// The request body's media type and schema (`application/json` or `multipart/form-data`).
    pub body: Option<(String, Value)>,
    /// Whether the spec marks the body as required.
    pub body_required: bool,
    /// Query parameters: name, schema, required.
    pub query: Vec<(String, Value, bool)>,
    /// The JSON schema of each documented response status (`None`: no JSON body).
    pub responses: Vec<(u16, Option<Value>)>,
}

impl Operation {
    /// `METHOD /api/v2/path`, as [`crate::EMULATED`] lists operations.
    pub fn key(&self) -> String {
        format!("{} /api/v2{}", self.method, self.path)
    }

    /// The response schema documented for `status`: `Some(None)` for a documented status
    /// without a JSON body, `None` for an undocumented status.
    pub fn response(&self, status: u16) -> Option<Option<&Value>> {
        self.responses
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, schema)| schema.as_ref())
    }
}

/// Follows a `$ref` to `#/components/...` (at most 32 hops).
pub fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match spec.pointer(r.trim_start_matches('#')) {
                Some(t) => v = t,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

/// Every operation of the bundled spec, in path order.
pub fn operations() -> &'static [Operation] {
    static OPS: LazyLock<Vec<Operation>> = LazyLock::new(|| read_operations(spec()));
    &OPS
}

fn read_operations(spec: &Value) -> Vec<Operation> {
    let mut out = vec![];
    let Some(paths) = spec["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if method == "parameters" {
                continue;
            }
            let scopes = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .flat_map(|m| m.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            let request = resolve(spec, &op["requestBody"]);
            let body = request["content"].as_object().and_then(|c| {
                c.iter()
                    .next()
                    .map(|(ct, media)| (ct.clone(), media["schema"].clone()))
            });
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(spec, p))
                .filter(|p| p["in"] == "query")
                .filter_map(|p| {
                    Some((
                        p["name"].as_str()?.to_string(),
                        p.get("schema").cloned().unwrap_or(json!({})),
                        p["required"].as_bool().unwrap_or(false),
                    ))
                })
                .collect();
            let mut responses: Vec<(u16, Option<Value>)> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                // Statuses spec-sync added for clients' sake (`x-sibling-of`) are not what Auth0
                // documents, so the emulator neither answers nor expects them.
                .filter(|(_, r)| r.get(SIBLING_MARK).is_none())
                .filter_map(|(code, r)| {
                    let r = resolve(spec, r);
                    let schema = r["content"]["application/json"].get("schema").cloned();
                    code.parse().ok().map(|c| (c, schema))
                })
                .collect();
            responses.sort_by_key(|(c, _)| *c);
            out.push(Operation {
                id: op["operationId"].as_str().unwrap_or_default().to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                scopes,
                body,
                body_required: request["required"].as_bool().unwrap_or(false),
                query,
                responses,
            });
        }
    }
    out
}

/// The operation for `method` and `path` (under `/api/v2`, still percent-encoded), with the
/// path parameters (decoded). Literal segments win over parameters, so `/jobs/users-imports`
/// is not read as `/jobs/{id}`.
pub fn find(method: &str, path: &str) -> Option<(&'static Operation, HashMap<String, String>)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let mut best: Option<(&Operation, usize)> = None;
    for op in operations().iter().filter(|o| o.method == method) {
        let Some(literals) = matches(&op.path, &segments) else {
            continue;
        };
        if best.is_none_or(|(_, n)| literals > n) {
            best = Some((op, literals));
        }
    }
    let (op, _) = best?;
    let params = op
        .path
        .split('/')
        .skip(1)
        .zip(&segments)
        .filter_map(|(t, s)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            Some((name.to_string(), percent_decode(s)))
        })
        .collect();
    Some((op, params))
}

/// Whether any operation has this path (under another method, say).
pub fn path_exists(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    operations()
        .iter()
        .any(|o| matches(&o.path, &segments).is_some())
}

/// `Some(number of literal segments)` when `template` matches `segments`.
fn matches(template: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.split('/').skip(1).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (t, s) in parts.iter().zip(segments) {
        if t.starts_with('{') && t.ends_with('}') {
            if s.is_empty() {
                return None;
            }
        } else if t == s {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}

/// Decodes `%XX` escapes (invalid ones stay as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An OpenAPI 3.0 schema as JSON Schema (draft 7): `nullable: true` becomes a `null` type (or a
/// `null` branch where there is no `type`), and `$ref`s to `#/...` point into `base` instead.
pub fn to_json_schema(schema: &Value, base: &str) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let v = match k.as_str() {
                    "$ref" => match v.as_str() {
                        Some(r) if r.starts_with('#') => json!(format!("{base}{r}")),
                        _ => v.clone(),
                    },
                    // Keys under these are names, not keywords.
                    "properties" | "patternProperties" | "definitions" | "schemas" => match v {
                        Value::Object(props) => Value::Object(
                            props
                                .iter()
                                .map(|(n, s)| (n.clone(), to_json_schema(s, base)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    "enum" | "required" | "x-known-values" => v.clone(),
                    _ => to_json_schema(v, base),
                };
                out.insert(k.clone(), v);
            }
            if out.remove("nullable") == Some(Value::Bool(true)) {
                nullable(out)
            } else {
                Value::Object(out)
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| to_json_schema(v, base)).collect()),
        other => other.clone(),
    }
}

/// Rewrites every `oneOf` as `anyOf`, in place: "valid under exactly one branch" becomes "under
/// at least one", to tell a body that matches no branch from one that matches several.
pub fn one_of_as_any_of(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(branches) = m.remove("oneOf") {
                m.insert("anyOf".into(), branches);
            }
            m.values_mut().for_each(one_of_as_any_of);
        }
        Value::Array(a) => a.iter_mut().for_each(one_of_as_any_of),
        _ => {}
    }
}

/// Removes, in place, every `pattern` for which `keep` is false.
pub fn retain_patterns(v: &mut Value, keep: &mut impl FnMut(&str) -> bool) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(p)) = m.get("pattern")
                && !keep(p)
            {
                m.remove("pattern");
            }
            for (k, child) in m.iter_mut() {
                if k != "enum" && k != "x-known-values" {
                    retain_patterns(child, keep);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| retain_patterns(c, keep)),
        _ => {}
    }
}

fn nullable(mut out: Map<String, Value>) -> Value {
    match out.get("type").cloned() {
        Some(Value::String(t)) if !out.contains_key("$ref") => {
            out.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => json!({"anyOf": [{"type": "null"}, Value::Object(out)]}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_parameters() {
        let (op, params) = find("POST", "/jobs/users-imports").unwrap();
        assert_eq!(op.id, "post_users-imports");
        assert!(params.is_empty());
        let (op, params) = find("GET", "/jobs/job_abc").unwrap();
        assert_eq!(op.id, "get_jobs_by_id");
        assert_eq!(params["id"], "job_abc");
        let (op, params) = find("DELETE", "/users/auth0%7C123/identities/auth0/456").unwrap();
        assert_eq!(op.path, "/users/{id}/identities/{provider}/{user_id}");
        assert_eq!(params["id"], "auth0|123");
        assert!(find("GET", "/users/a/b/c/d/e/f").is_none());
        assert!(find("PUT", "/users").is_none() && path_exists("/users"));
    }

    #[test]
    fn scopes_and_bodies_come_from_the_spec() {
        let (op, _) = find("POST", "/users").unwrap();
        assert_eq!(op.scopes, vec!["create:users"]);
        assert_eq!(op.body.as_ref().unwrap().0, "application/json");
        assert!(op.response(201).unwrap().is_some());
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%7Cb%2"), "a|b%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
