//! The handwritten request types of the ergonomic crate (query parameter structs, body
//! builders), each checked against the spec schema of the operation it feeds, so that a
//! handwritten type cannot drift from the spec: their JSON schemas (derived with `schemars`,
//! feature `json-schema` of auth0-management) describe the names they send.
//!
//! [`TYPES`] maps each type to its operations; [`drift`] lists what does not match.

use auth0_management::managers::{
    blacklisted_tokens::GetBlacklistedTokensParams,
    client_grants::GetClientGrantsParams,
    clients::{GetClientParams, GetClientsParams},
    connections::{GetConnectionParams, GetConnectionsParams},
    device_credentials::GetDeviceCredentialsParams,
    email_provider::GetEmailProviderParams,
    jobs::ImportUsers,
    logs::GetLogsParams,
    resource_servers::GetResourceServersParams,
    rules::{GetRuleParams, GetRulesParams},
    stats::GetDailyStatsParams,
    tenant::GetTenantSettingsParams,
    users::{GetUserLogsParams, GetUsersParams, NewUser, UserFields},
};
use serde_json::{Map, Value};

use crate::openapi::{self, Operation};

/// Where a type's fields go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Query parameters.
    Query,
    /// Properties of the request body (JSON or multipart).
    Body,
}

/// One handwritten type and the operations it feeds.
pub struct TypeMapping {
    /// The type's name, as `pub struct` spells it.
    pub name: &'static str,
    /// Its JSON schema (`schemars`).
    pub schema: fn() -> Value,
    /// `(operationId, where its fields go)`.
    pub operations: &'static [(&'static str, Place)],
    /// Parameters of those operations that the methods taking this type take as arguments
    /// of their own (so the type need not have them, required or not).
    pub arguments: &'static [&'static str],
}

/// The JSON schema of `T`.
pub fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("a schema is JSON")
}

macro_rules! mapping {
    ($ty:ident => $($op:literal: $place:ident),+ $(; arguments $($arg:literal),+)?) => {
        TypeMapping {
            name: stringify!($ty),
            schema: schema_of::<$ty>,
            operations: &[$(($op, Place::$place)),+],
            arguments: &[$($($arg),+)?],
        }
    };
}

/// Every handwritten request type of the managers, with the operations it feeds.
pub static TYPES: &[TypeMapping] = &[
    mapping!(GetBlacklistedTokensParams => "get_tokens": Query),
    mapping!(GetClientGrantsParams => "get_client-grants": Query),
    mapping!(GetClientsParams => "get_clients": Query),
    mapping!(GetClientParams => "get_clients_by_id": Query),
    mapping!(GetConnectionsParams => "get_connections": Query),
    mapping!(GetConnectionParams => "get_connections_by_id": Query),
    mapping!(GetDeviceCredentialsParams => "get_device-credentials": Query),
    mapping!(GetEmailProviderParams => "get_provider": Query),
    mapping!(ImportUsers => "post_users-imports": Body),
    mapping!(GetLogsParams => "get_logs": Query),
    mapping!(GetResourceServersParams => "get_resource-servers": Query),
    mapping!(GetRulesParams => "get_rules": Query),
    mapping!(GetRuleParams => "get_rules_by_id": Query),
    mapping!(GetDailyStatsParams => "get_daily": Query),
    mapping!(GetTenantSettingsParams => "tenant_settings_route": Query),
    mapping!(GetUsersParams => "get_users": Query),
    // `get_by_email_with(email, &fields)`: the email is an argument.
    mapping!(UserFields => "get_users_by_id": Query, "get_users-by-email": Query; arguments "email"),
    mapping!(GetUserLogsParams => "get_logs_by_user": Query),
    mapping!(NewUser => "post_users": Body),
];

/// Public structs of the managers that are not request types, with why.
pub const NOT_REQUEST_TYPES: &[(&str, &str)] = &[(
    "ConfirmDeleteAllUsers",
    "a guard value; `DELETE /users` sends nothing",
)];

/// Whether a `pub struct` of the managers needs an entry: every struct but the managers
/// themselves and [`NOT_REQUEST_TYPES`].
pub fn needs_mapping(name: &str) -> bool {
    !name.ends_with("Manager") && !NOT_REQUEST_TYPES.iter().any(|(n, _)| *n == name)
}

/// The JSON types a schema admits (`null` left out); empty for "any".
fn json_types(spec: &Value, schema: &Value) -> Vec<String> {
    let schema = openapi::resolve(spec, schema);
    let mut out = vec![];
    match schema.get("type") {
        Some(Value::String(t)) => out.push(t.clone()),
        Some(Value::Array(ts)) => out.extend(ts.iter().filter_map(Value::as_str).map(String::from)),
        _ => {}
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for b in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(json_types(spec, b));
        }
    }
    if out.is_empty()
        && let Some(values) = schema.get("enum").and_then(Value::as_array)
    {
        for v in values {
            out.push(
                match v {
                    Value::String(_) => "string",
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                    Value::Number(_) => "number",
                    _ => continue,
                }
                .into(),
            );
        }
    }
    out.retain(|t| t != "null");
    // An integer is a number too.
    if out.iter().any(|t| t == "integer") && !out.iter().any(|t| t == "number") {
        out.push("number".into());
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a field of type `ours` can carry a value of the spec's `theirs` (and the items of
/// arrays agree too).
fn compatible(spec: &Value, ours: &Value, theirs: &Value) -> Result<(), String> {
    let (a, b) = (json_types(spec, ours), json_types(spec, theirs));
    if a.is_empty() || b.is_empty() {
        return Ok(());
    }
    if !a.iter().any(|t| b.contains(t)) {
        return Err(format!("type {a:?}, the spec says {b:?}"));
    }
    if a == ["array"] && b.contains(&"array".to_string()) {
        let theirs = openapi::resolve(spec, theirs);
        if let (Some(x), Some(y)) = (ours.get("items"), theirs.get("items")) {
            return compatible(spec, x, y).map_err(|e| format!("items: {e}"));
        }
    }
    Ok(())
}

/// The fields the spec has for `op` at `place`: name, schema, required.
fn spec_fields(spec: &Value, op: &Operation, place: Place) -> Vec<(String, Value, bool)> {
    match place {
        Place::Query => op
            .params
            .iter()
            .filter(|p| p.location == "query")
            .map(|p| (p.name.clone(), p.schema.clone(), p.required))
            .collect(),
        Place::Body => {
            let schema = match &op.body {
                Some(s) => openapi::resolve(spec, s).clone(),
                None => spec["paths"][&op.path][op.method.to_lowercase()]["requestBody"]["content"]
                    ["multipart/form-data"]["schema"]
                    .clone(),
            };
            let mut props = Map::new();
            let mut required = vec![];
            collect_object(spec, &schema, &mut props, &mut required);
            props
                .into_iter()
                .map(|(k, v)| {
                    let r = required.contains(&k);
                    (k, v, r)
                })
                .collect()
        }
    }
}

/// Properties and required names of an object schema (through `$ref` and `allOf`).
fn collect_object(
    spec: &Value,
    schema: &Value,
    props: &mut Map<String, Value>,
    required: &mut Vec<String>,
) {
    let schema = openapi::resolve(spec, schema);
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    for r in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = r.as_str() {
            required.push(r.to_string());
        }
    }
    for b in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect_object(spec, b, props, required);
    }
}

/// How the type `name` (JSON schema `ours`) differs from what the spec has for `op` at
/// `place`: fields the spec does not have, types that cannot carry the spec's values, and
/// fields the spec requires that the type does not.
pub fn drift(
    spec: &Value,
    name: &str,
    ours: &Value,
    op: &Operation,
    place: Place,
    arguments: &[&str],
) -> Vec<String> {
    let theirs = spec_fields(spec, op, place);
    let what = match place {
        Place::Query => "query parameter",
        Place::Body => "body property",
    };
    let mut problems = vec![];
    let empty = Map::new();
    let props = ours
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = ours
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if props.is_empty() {
        problems.push(format!("{name}: its schema has no properties: {ours}"));
    }
    for (field, schema) in props {
        match theirs.iter().find(|(n, _, _)| n == field) {
            None => problems.push(format!(
                "{name}.{field}: not a {what} of {} (it has: {})",
                op.id,
                theirs
                    .iter()
                    .map(|(n, _, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some((_, spec_schema, _)) => {
                if let Err(e) = compatible(spec, schema, spec_schema) {
                    problems.push(format!("{name}.{field} ({} {what} {field}): {e}", op.id));
                }
            }
        }
    }
    for (field, _, req) in &theirs {
        if *req && !required.contains(&field.as_str()) && !arguments.contains(&field.as_str()) {
            let hint = if props.contains_key(field) {
                "optional in the type"
            } else {
                "missing from the type"
            };
            problems.push(format!("{name}: {} requires {what} {field}: {hint}", op.id));
        }
    }
    problems
}

/// [`drift`] of every entry of [`TYPES`] (and entries naming operations the spec lacks).
pub fn all_drift(spec: &Value) -> Vec<String> {
    let operations = openapi::operations(spec);
    let mut problems = vec![];
    for t in TYPES {
        let ours = (t.schema)();
        for (id, place) in t.operations {
            match operations.iter().find(|o| o.id == *id) {
                None => problems.push(format!("{}: operation {id} is not in the spec", t.name)),
                Some(op) => problems.extend(drift(spec, t.name, &ours, op, *place, t.arguments)),
            }
        }
    }
    problems
}

/// The `pub struct` names declared in Rust source `text`.
pub fn pub_structs(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("pub struct "))
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}
