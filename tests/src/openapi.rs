//! The facts the contract tests read from the spec: operations, and schemas as JSON Schema.

use serde_json::{Map, Value, json};

/// The repository's own spec, as the tests see it (never the network, nothing outside the repo).
pub const SPEC: &str = include_str!("../../openapi/management-api.json");

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
