//! The facts the contract tests read from the spec: operations, and schemas as JSON Schema.
//!
//! The spec text and the OpenAPI to JSON Schema conversion are the emulator's
//! ([`auth0_management_emulator::spec`]): one conversion for the emulator's validation and
//! for these tests.

use serde_json::{Value, json};

use auth0_management_emulator::spec as shared;

/// The repository's own spec, as the tests see it (never the network, nothing outside the repo).
pub const SPEC: &str = shared::SPEC_JSON;

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub schema: Value,
    /// Query arrays: `style: form, explode: true` (the default) sends `name=a&name=b`.
    pub explode: bool,
}

/// The documented success response.
#[derive(Clone, Debug)]
pub struct Success {
    pub status: u16,
    /// `application/json`, `text/event-stream`, or `None` for an empty body.
    pub content_type: Option<String>,
    pub schema: Option<Value>,
}

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// The path template, e.g. `/users/{id}`.
    pub path: String,
    pub params: Vec<Param>,
    /// The `application/json` request body schema.
    pub body: Option<Value>,
    /// A multipart (or other non-JSON) request body.
    pub non_json_body: bool,
    pub success: Success,
    /// Documented 4xx statuses, ascending.
    pub client_errors: Vec<u16>,
}

/// Follows a `$ref` to `#/components/...`.
pub fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    shared::resolve(spec, v)
}

/// Every operation of the spec, in path order.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = vec![];
    let paths = spec["paths"].as_object().expect("the spec has paths");
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if method == "parameters" {
                continue;
            }
            let id = op["operationId"].as_str().expect("operationId").to_string();
            let params = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(spec, p))
                .map(|p| Param {
                    name: p["name"].as_str().expect("parameter name").to_string(),
                    location: p["in"].as_str().expect("parameter in").to_string(),
                    required: p["required"].as_bool().unwrap_or(false),
                    schema: p.get("schema").cloned().unwrap_or(json!({})),
                    explode: p["explode"].as_bool().unwrap_or(true),
                })
                .collect();
            let content = op["requestBody"]["content"].as_object();
            let body = content
                .and_then(|c| c.get("application/json"))
                .map(|c| c.get("schema").cloned().unwrap_or(json!({})));
            let non_json_body = content.is_some() && body.is_none();
            let responses = op["responses"].as_object().expect("responses");
            let mut codes: Vec<(u16, &Value)> = responses
                .iter()
                .filter_map(|(k, v)| k.parse().ok().map(|c| (c, resolve(spec, v))))
                .collect();
            codes.sort_by_key(|(c, _)| *c);
            let (status, response) = codes
                .iter()
                .find(|(c, _)| (200..300).contains(c))
                .copied()
                .unwrap_or_else(|| panic!("{id}: no 2xx response"));
            let (content_type, schema) = match response["content"].as_object() {
                Some(c) if !c.is_empty() => {
                    let (ct, media) = c.iter().next().expect("non-empty");
                    (Some(ct.clone()), media.get("schema").cloned())
                }
                _ => (None, None),
            };
            out.push(Operation {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                params,
                body,
                non_json_body,
                success: Success {
                    status,
                    content_type,
                    schema,
                },
                client_errors: codes
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| (400..500).contains(c))
                    .collect(),
            });
        }
    }
    out
}

/// An OpenAPI 3.0 schema as JSON Schema (draft 7): `nullable: true` becomes a `null` type (or a
/// `null` branch where there is no `type`), and `$ref`s to `#/...` point into `base` instead.
pub fn to_json_schema(schema: &Value, base: &str) -> Value {
    shared::to_json_schema(schema, base)
}

/// Rewrites every `oneOf` as `anyOf`, in place: "valid under exactly one branch" becomes "under
/// at least one", to tell a body that matches no branch from one that matches several.
pub fn one_of_as_any_of(v: &mut Value) {
    shared::one_of_as_any_of(v)
}

/// Removes, in place, every `pattern` for which `keep` is false.
pub fn retain_patterns(v: &mut Value, keep: &mut impl FnMut(&str) -> bool) {
    shared::retain_patterns(v, keep)
}
