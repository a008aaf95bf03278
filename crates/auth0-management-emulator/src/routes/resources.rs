//! Resources with plain CRUD (rules, clients), served by one set of handlers and a `Kind` each.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{AppState, ListQuery, json_object};
use crate::error::ApiError;
use crate::state::{Collection, Shared, now, random_id};

/// What differs between resources.
struct Kind {
    /// Singular, for messages (`The rule does not exist.`).
    name: &'static str,
    /// The list key with include_totals, and the scope suffix (`read:rules`).
    plural: &'static str,
    id_field: &'static str,
    id_prefix: &'static str,
    required: &'static [&'static str],
    /// Fields a create may set; anything else is a 400, as Auth0's schemas are strict.
    fields: &'static [&'static str],
    collection: fn(&Shared) -> &Mutex<Collection>,
    /// Server-set fields added on create.
    defaults: fn(&mut Map<String, Value>),
}

const RULE: Kind = Kind {
    name: "rule",
    plural: "rules",
    id_field: "id",
    id_prefix: "rul_",
    required: &["name", "script"],
    fields: &["name", "script", "order", "enabled"],
    collection: |s| &s.rules,
    defaults: |m| {
        m.entry("enabled").or_insert(json!(true));
        m.entry("order").or_insert(json!(1));
        m.insert("stage".into(), json!("login_success"));
    },
};

const CLIENT: Kind = Kind {
    name: "client",
    plural: "clients",
    id_field: "client_id",
    id_prefix: "",
    required: &["name"],
    fields: &[
        "name",
        "description",
        "logo_uri",
        "callbacks",
        "allowed_origins",
        "web_origins",
        "allowed_logout_urls",
        "grant_types",
        "token_endpoint_auth_method",
        "app_type",
        "is_first_party",
        "oidc_conformant",
        "jwt_configuration",
        "client_metadata",
        "cross_origin_authentication",
        "sso",
    ],
    collection: |s| &s.clients,
    defaults: |m| {
        m.insert("client_secret".into(), json!(random_id("", 64)));
        m.entry("is_first_party").or_insert(json!(true));
        m.entry("callbacks").or_insert(json!([]));
        m.entry("grant_types").or_insert(json!([
            "authorization_code",
            "implicit",
            "refresh_token",
            "client_credentials"
        ]));
        m.entry("client_metadata").or_insert(json!({}));
    },
};

fn scope(action: &str, kind: &Kind) -> String {
    format!("{action}:{}", kind.plural)
}

fn check_fields(kind: &Kind, body: &Map<String, Value>) -> Result<(), ApiError> {
    match body.keys().find(|k| !kind.fields.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_request(format!(
            "Payload validation error: 'Additional properties not allowed: {k}'."
        ))),
        None => Ok(()),
    }
}

fn list(
    kind: &Kind,
    state: &Shared,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(headers, &[&scope("read", kind)])?;
    let lq = ListQuery::parse(q, 50)?;
    let items = (kind.collection)(state).lock().unwrap();
    Ok(Json(lq.page(items.all(), kind.plural)))
}

fn get(
    kind: &Kind,
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
    q: &HashMap<String, String>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(headers, &[&scope("read", kind)])?;
    let lq = ListQuery::parse(q, 50)?;
    let items = (kind.collection)(state).lock().unwrap();
    items
        .get(kind.id_field, id)
        .map(|v| Json(lq.project(v)))
        .ok_or_else(|| ApiError::not_found(kind.name))
}

fn create(
    kind: &Kind,
    state: &Shared,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    state.auth.check(headers, &[&scope("create", kind)])?;
    let mut body = json_object(body)?;
    check_fields(kind, &body)?;
    if let Some(missing) = kind.required.iter().find(|r| !body.contains_key(**r)) {
        return Err(ApiError::bad_request(format!(
            "Payload validation error: 'Missing required property: {missing}'."
        )));
    }
    let mut items = (kind.collection)(state).lock().unwrap();
    if kind.name == "rule" && items.all().iter().any(|r| r["name"] == body["name"]) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "A rule with the same name already exists",
        )
        .code("rule_conflict"));
    }
    body.insert(kind.id_field.into(), json!(random_id(kind.id_prefix, 16)));
    (kind.defaults)(&mut body);
    if kind.name == "client" {
        body.insert("created_at".into(), json!(now()));
    }
    let v = Value::Object(body);
    items.insert(v.clone());
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

fn update(
    kind: &Kind,
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &Bytes,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(headers, &[&scope("update", kind)])?;
    let body = json_object(body)?;
    check_fields(kind, &body)?;
    let mut items = (kind.collection)(state).lock().unwrap();
    let item = items
        .get_mut(kind.id_field, id)
        .ok_or_else(|| ApiError::not_found(kind.name))?;
    for (k, v) in body {
        item[k] = v;
    }
    Ok(Json(item.clone()))
}

fn delete(
    kind: &Kind,
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<StatusCode, ApiError> {
    state.auth.check(headers, &[&scope("delete", kind)])?;
    if (kind.collection)(state)
        .lock()
        .unwrap()
        .remove(kind.id_field, id)
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(kind.name))
    }
}

type Q = Query<HashMap<String, String>>;

pub async fn list_rules(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    list(&RULE, &s, &h, &q)
}
pub async fn get_rule(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    get(&RULE, &s, &h, &id, &q)
}
pub async fn create_rule(
    State(s): State<AppState>,
    h: HeaderMap,
    b: Bytes,
) -> Result<Response, ApiError> {
    create(&RULE, &s, &h, &b)
}
pub async fn update_rule(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    update(&RULE, &s, &h, &id, &b)
}
pub async fn delete_rule(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete(&RULE, &s, &h, &id)
}
pub async fn list_clients(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    list(&CLIENT, &s, &h, &q)
}
pub async fn get_client(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Json<Value>, ApiError> {
    get(&CLIENT, &s, &h, &id, &q)
}
pub async fn create_client(
    State(s): State<AppState>,
    h: HeaderMap,
    b: Bytes,
) -> Result<Response, ApiError> {
    create(&CLIENT, &s, &h, &b)
}
pub async fn update_client(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    update(&CLIENT, &s, &h, &id, &b)
}
pub async fn delete_client(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete(&CLIENT, &s, &h, &id)
}
