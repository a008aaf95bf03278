//! `/api/v2/users`, `/api/v2/users-by-email`, and a user's identities, permissions,
//! enrollments and multifactor settings.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{AppState, ListQuery, json_object};
use crate::error::ApiError;
use crate::state::{Shared, now, random_id};

/// Auth0 pages through at most the first 1000 users of a search.
const OFFSET_LIMIT: usize = 1000;
const USER_FIELDS: &[&str] = &[
    "email",
    "email_verified",
    "phone_number",
    "phone_verified",
    "username",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "blocked",
    "user_metadata",
    "app_metadata",
];

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    if (lq.page + 1).saturating_mul(lq.per_page) > OFFSET_LIMIT {
        return Err(ApiError::bad_request(
            "You can only page through the first 1000 records. Narrow the query, or export the users with a job.",
        )
        .code("invalid_paging"));
    }
    let users = state.users.lock().unwrap();
    let query = q.get("q").map(String::as_str).filter(|s| !s.is_empty());
    let connection = q.get("connection");
    let matching: Vec<Value> = users
        .all()
        .iter()
        .filter(|u| query.is_none_or(|query| matches_query(u, query)))
        .filter(|u| connection.is_none_or(|c| u["identities"][0]["connection"] == c.as_str()))
        .map(public)
        .collect();
    Ok(Json(lq.page(&matching, "users", true)))
}

/// A small subset of Auth0's Lucene syntax: `email:"a@b.c"`, `field:value`, or a bare term
/// matched against email and name.
fn matches_query(user: &Value, query: &str) -> bool {
    let query = query.trim();
    match query.split_once(':') {
        Some((field, value)) => {
            let value = value.trim().trim_matches('"');
            match &user[field.trim()] {
                Value::String(s) => glob(value, s),
                Value::Bool(b) => value == b.to_string(),
                _ => false,
            }
        }
        None => ["email", "name"].iter().any(|f| {
            user[*f]
                .as_str()
                .is_some_and(|s| s.to_lowercase().contains(&query.to_lowercase()))
        }),
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

pub async fn by_email(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let Some(email) = q.get("email").filter(|e| !e.is_empty()) else {
        return Err(ApiError::bad_request(
            "Query validation error: 'Missing required property: email'",
        )
        .code("invalid_query_string"));
    };
    let lq = ListQuery::parse(&q, 50)?;
    let users = state.users.lock().unwrap();
    let found: Vec<Value> = users
        .all()
        .iter()
        .filter(|u| {
            u["email"]
                .as_str()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .map(|u| lq.project(&public(u)))
        .collect();
    Ok(Json(Value::Array(found)))
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    let users = state.users.lock().unwrap();
    users
        .get("user_id", &id)
        .map(|u| Json(lq.project(&public(u))))
        .ok_or_else(|| ApiError::not_found("user"))
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let name = body["connection"].as_str().unwrap_or_default();
    let Some(connection) = state.connection_by_name(name) else {
        return Err(
            ApiError::bad_request("The connection does not exist.").code("inexistent_connection")
        );
    };
    validate_new_user(&body, connection["strategy"] == "auth0")?;
    match insert_user(&state, &body, false) {
        Ok(_) => {
            let users = state.users.lock().unwrap();
            let user = users.all().last().cloned().unwrap_or_default();
            drop(users);
            state.log("sapi", "Create a User", user["user_id"].as_str());
            Ok((StatusCode::CREATED, Json(user)).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The checks Auth0 makes on a new user beyond its schema (a subset: a database connection
/// needs an e-mail and a long enough password; e-mail shape; metadata are objects).
pub fn validate_new_user(body: &Map<String, Value>, database: bool) -> Result<(), ApiError> {
    if body.get("connection").and_then(Value::as_str).is_none() {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: connection'.",
        ));
    }
    if !database {
        return Ok(());
    }
    let Some(email) = body.get("email").and_then(Value::as_str) else {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: email'.",
        ));
    };
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Object didn't pass validation for format email'.",
        ));
    }
    match body.get("password").and_then(Value::as_str) {
        None => {
            return Err(ApiError::bad_request(
                "Payload validation error: 'Missing required property: password'.",
            ));
        }
        Some(p) if p.chars().count() < 8 => {
            return Err(
                ApiError::bad_request("PasswordStrengthError: Password is too weak")
                    .code("invalid_password"),
            );
        }
        Some(_) => {}
    }
    for (k, v) in body {
        if (k == "user_metadata" || k == "app_metadata") && !v.is_object() {
            return Err(ApiError::bad_request(format!(
                "Payload validation error: 'Expected type object but found type {}' on property {k}.",
                type_name(v)
            )));
        }
    }
    Ok(())
}

/// Stores a validated new user. With `upsert`, an existing user of the same e-mail is updated
/// instead. Ok(true): inserted; Ok(false): updated; Err: 409 conflict.
pub fn insert_user(
    state: &Shared,
    body: &Map<String, Value>,
    upsert: bool,
) -> Result<bool, ApiError> {
    // Auth0 stores e-mail addresses in lower case.
    let email = body["email"].as_str().unwrap_or_default().to_lowercase();
    let email = email.as_str();
    let connection = body["connection"].as_str().unwrap_or_default();
    let mut users = state.users.lock().unwrap();
    let existing = users
        .all()
        .iter()
        .find(|u| {
            u["email"]
                .as_str()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
                && u["identities"][0]["connection"] == connection
        })
        .map(|u| u["user_id"].as_str().unwrap_or_default().to_string());
    if let Some(id) = existing {
        if !upsert {
            return Err(
                ApiError::new(StatusCode::CONFLICT, "The user already exists.")
                    .code("auth0_idp_error"),
            );
        }
        let user = users.get_mut("user_id", &id).expect("found above");
        for f in USER_FIELDS {
            if let Some(v) = body.get(*f) {
                user[*f] = v.clone();
            }
        }
        user["updated_at"] = json!(now());
        return Ok(false);
    }
    let raw_id = body
        .get("user_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| random_id("", 24));
    let now = now();
    let mut user = Map::new();
    user.insert("user_id".into(), json!(format!("auth0|{raw_id}")));
    for f in USER_FIELDS {
        if let Some(v) = body.get(*f) {
            user.insert((*f).into(), v.clone());
        }
    }
    if !email.is_empty() {
        user.insert("email".into(), json!(email));
    }
    user.entry("email_verified").or_insert(json!(false));
    user.entry("name").or_insert(json!(email));
    user.entry("nickname")
        .or_insert(json!(email.split('@').next().unwrap_or(email)));
    user.entry("user_metadata").or_insert(json!({}));
    user.entry("app_metadata").or_insert(json!({}));
    user.insert(
        "identities".into(),
        json!([{"connection": connection, "provider": "auth0", "user_id": raw_id, "isSocial": false}]),
    );
    user.insert("created_at".into(), json!(now));
    user.insert("updated_at".into(), json!(now));
    user.insert("logins_count".into(), json!(0));
    users.insert(Value::Object(user));
    Ok(true)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let mut users = state.users.lock().unwrap();
    let user = users
        .get_mut("user_id", &id)
        .ok_or_else(|| ApiError::not_found("user"))?;
    let Value::Object(user) = user else {
        return Err(ApiError::not_found("user"));
    };
    let now = now();
    for (k, v) in body {
        match k.as_str() {
            // Auth0 merges metadata one level deep: a null value removes that key, and an
            // empty object removes them all.
            "user_metadata" | "app_metadata" => match v {
                Value::Object(patch) if patch.is_empty() => {
                    user.insert(k, json!({}));
                }
                Value::Object(patch) => {
                    let target = user.entry(k).or_insert_with(|| json!({}));
                    if !target.is_object() {
                        *target = json!({});
                    }
                    if let Value::Object(target) = target {
                        for (pk, pv) in patch {
                            if pv.is_null() {
                                target.remove(&pk);
                            } else {
                                target.insert(pk, pv);
                            }
                        }
                    }
                }
                Value::Null => {
                    user.insert(k, json!({}));
                }
                other => {
                    return Err(ApiError::bad_request(format!(
                        "Payload validation error: 'Expected type object but found type {}' on property {k}.",
                        type_name(&other)
                    )));
                }
            },
            "password" => {
                user.insert("last_password_reset".into(), json!(now));
            }
            "email" => {
                let email = v.as_str().map(str::to_lowercase);
                user.insert(k, json!(email));
            }
            // Instructions for this request, not attributes.
            "connection" | "verify_email" | "verify_phone_number" | "client_id" => {}
            f if USER_FIELDS.contains(&f) => {
                // Root attributes are replaced; null unsets them.
                if v.is_null() {
                    user.remove(f);
                } else {
                    user.insert(k, v);
                }
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "Payload validation error: 'Additional properties not allowed: {other}'."
                )));
            }
        }
    }
    user.insert("updated_at".into(), json!(now));
    let user = Value::Object(user.clone());
    drop(users);
    state.log("sapi", "Update a User", Some(&id));
    Ok(Json(public(&user)))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // Auth0 answers 204 whether or not the user existed.
    if state.users.lock().unwrap().remove("user_id", &id) {
        state.log("sapi", "Delete a User", Some(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /users/{id}/identities`: links the secondary user (`provider` + `user_id`, with or
/// without the provider prefix) into the primary one, which answers with its identities.
pub async fn link(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    if body.contains_key("link_with") {
        return Err(ApiError::bad_request(
            "Linking with an ID token (link_with) is not emulated: send provider and user_id.",
        ));
    }
    let (Some(provider), Some(secondary)) = (
        body.get("provider").and_then(Value::as_str),
        body.get("user_id").and_then(Value::as_str),
    ) else {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: provider, user_id'.",
        ));
    };
    let full = if secondary.contains('|') {
        secondary.to_string()
    } else {
        format!("{provider}|{secondary}")
    };
    if full == id {
        return Err(ApiError::bad_request(
            "Main identity and the new one are the same.",
        ));
    }
    let mut users = state.users.lock().unwrap();
    if users.get("user_id", &id).is_none() {
        return Err(ApiError::not_found("user"));
    }
    let Some(other) = users.get("user_id", &full).cloned() else {
        return Err(
            ApiError::bad_request("The secondary user does not exist.").code("inexistent_user")
        );
    };
    let mut profile = Map::new();
    for f in [
        "email",
        "email_verified",
        "name",
        "nickname",
        "username",
        "picture",
    ] {
        if let Some(v) = other.get(f) {
            profile.insert(f.into(), v.clone());
        }
    }
    let mut linked: Vec<Value> = other["identities"].as_array().cloned().unwrap_or_default();
    if let Some(Value::Object(first)) = linked.first_mut() {
        first.insert("profileData".into(), Value::Object(profile));
    }
    users.remove("user_id", &full);
    let primary = users.get_mut("user_id", &id).expect("checked above");
    if let Some(identities) = primary["identities"].as_array_mut() {
        identities.extend(linked);
    }
    primary["updated_at"] = json!(now());
    let identities = primary["identities"].clone();
    drop(users);
    state.log("sapi", "Link a User Account", Some(&id));
    Ok((StatusCode::CREATED, Json(identities)).into_response())
}

/// `DELETE /users/{id}/identities/{provider}/{user_id}`: unlinks a secondary identity, which
/// becomes a user of its own again; answers with the primary's remaining identities.
pub async fn unlink(
    State(state): State<AppState>,
    Path((id, provider, secondary)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut users = state.users.lock().unwrap();
    let primary = users
        .get_mut("user_id", &id)
        .ok_or_else(|| ApiError::not_found("user"))?;
    let identities = primary["identities"].as_array_mut();
    let Some(identities) = identities else {
        return Err(ApiError::not_found("user"));
    };
    let bare = secondary
        .strip_prefix(&format!("{provider}|"))
        .unwrap_or(&secondary)
        .to_string();
    let Some(pos) = identities
        .iter()
        .skip(1)
        .position(|i| i["provider"] == provider.as_str() && i["user_id"] == bare.as_str())
        .map(|p| p + 1)
    else {
        return Err(ApiError::bad_request(
            "The identity to unlink is not linked to this user.",
        ));
    };
    let mut identity = identities.remove(pos);
    let remaining = Value::Array(identities.clone());
    primary["updated_at"] = json!(now());
    let profile = identity
        .as_object_mut()
        .and_then(|i| i.remove("profileData"))
        .unwrap_or_else(|| json!({}));
    let now = now();
    let mut user = json!({
        "user_id": format!("{provider}|{bare}"),
        "identities": [identity],
        "user_metadata": {},
        "app_metadata": {},
        "created_at": now,
        "updated_at": now,
        "logins_count": 0,
    });
    if let Value::Object(profile) = profile {
        for (k, v) in profile {
            user[k] = v;
        }
    }
    users.insert(user);
    drop(users);
    state.log("sapi", "Unlink a User Account", Some(&id));
    Ok(Json(remaining))
}

/// `GET /users/{id}/enrollments`: Guardian enrollments (none are ever made here).
pub async fn enrollments(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    exists(&state, &id)?;
    Ok(Json(json!([])))
}

/// `DELETE /users/{id}/multifactor/{provider}` and `POST
/// /users/{id}/multifactor/actions/invalidate-remember-browser`: nothing to undo here.
pub async fn no_content(
    State(state): State<AppState>,
    Path(params): Path<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    exists(&state, params.get("id").map_or("", String::as_str))?;
    Ok(StatusCode::NO_CONTENT)
}

fn exists(state: &Shared, id: &str) -> Result<(), ApiError> {
    match state.users.lock().unwrap().get("user_id", id) {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found("user")),
    }
}

/// The user's directly assigned permissions, kept out of the user's profile.
const PERMISSIONS: &str = "__permissions";

/// `GET /users/{id}/permissions` (offset paging, include_totals).
pub async fn permissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    let users = state.users.lock().unwrap();
    let user = users
        .get("user_id", &id)
        .ok_or_else(|| ApiError::not_found("user"))?;
    let all = user[PERMISSIONS].as_array().cloned().unwrap_or_default();
    Ok(Json(lq.page(&all, "permissions", false)))
}

/// `POST /users/{id}/permissions`: assigns `{resource_server_identifier, permission_name}`s.
pub async fn add_permissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    change_permissions(&state, &id, &body, true)?;
    Ok(StatusCode::CREATED)
}

/// `DELETE /users/{id}/permissions`.
pub async fn remove_permissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    change_permissions(&state, &id, &body, false)?;
    Ok(StatusCode::NO_CONTENT)
}

fn change_permissions(state: &Shared, id: &str, body: &Bytes, add: bool) -> Result<(), ApiError> {
    let body = json_object(body)?;
    let wanted: Vec<Value> = body
        .get("permissions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let key = |p: &Value| {
        (
            p["resource_server_identifier"].clone(),
            p["permission_name"].clone(),
        )
    };
    let mut users = state.users.lock().unwrap();
    let user = users
        .get_mut("user_id", id)
        .ok_or_else(|| ApiError::not_found("user"))?;
    let Value::Object(user) = user else {
        return Err(ApiError::not_found("user"));
    };
    let list = user.entry(PERMISSIONS).or_insert_with(|| json!([]));
    let Value::Array(list) = list else {
        return Ok(());
    };
    for p in wanted {
        let k = key(&p);
        if add {
            if !list.iter().any(|e| key(e) == k) {
                list.push(json!({
                    "resource_server_identifier": p["resource_server_identifier"],
                    "permission_name": p["permission_name"],
                    "resource_server_name": p["resource_server_identifier"],
                    "description": "",
                }));
            }
        } else {
            list.retain(|e| key(e) != k);
        }
    }
    Ok(())
}

/// A user as the API shows it (without the emulator's own bookkeeping).
pub fn public(user: &Value) -> Value {
    let mut u = user.clone();
    if let Value::Object(m) = &mut u {
        m.remove(PERMISSIONS);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("a*", "abc"));
        assert!(glob("*@example.com", "x@example.com"));
        assert!(glob("imported-*-7@example.com", "imported-a-7@example.com"));
        assert!(!glob(
            "imported-*-7@example.com",
            "imported-a-8@example.com"
        ));
        assert!(glob("exact", "exact") && !glob("exact", "exactly"));
        assert!(!glob("ab*ba", "aba"));
    }
}
