//! `/api/v2/users` and `/api/v2/users-by-email`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
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
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:users"])?;
    let lq = ListQuery::parse(&q, 50)?;
    if (lq.page + 1).saturating_mul(lq.per_page) > OFFSET_LIMIT {
        return Err(ApiError::bad_request(
            "You can only page through the first 1000 records. Narrow the query, or export the users with a job.",
        )
        .code("invalid_paging"));
    }
    let users = state.users.lock().unwrap();
    let matching: Vec<Value> = match q.get("q").map(String::as_str).filter(|s| !s.is_empty()) {
        None => users.all().to_vec(),
        Some(query) => users
            .all()
            .iter()
            .filter(|u| matches_query(u, query))
            .cloned()
            .collect(),
    };
    Ok(Json(lq.page(&matching, "users")))
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
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:users"])?;
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
        .map(|u| lq.project(u))
        .collect();
    Ok(Json(Value::Array(found)))
}

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:users"])?;
    let lq = ListQuery::parse(&q, 50)?;
    let users = state.users.lock().unwrap();
    users
        .get("user_id", &id)
        .map(|u| Json(lq.project(u)))
        .ok_or_else(|| ApiError::not_found("user"))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.auth.check(&headers, &["create:users"])?;
    let body = json_object(&body)?;
    validate_new_user(&body)?;
    if body["connection"] != state.connection["name"] {
        return Err(
            ApiError::bad_request("The connection does not exist.").code("inexistent_connection")
        );
    }
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

/// The checks Auth0 makes on a new database user (a subset: required fields, e-mail shape,
/// password length, known properties).
pub fn validate_new_user(body: &Map<String, Value>) -> Result<(), ApiError> {
    if body.get("connection").and_then(Value::as_str).is_none() {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: connection'.",
        ));
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
        let known = USER_FIELDS.contains(&k.as_str())
            || ["connection", "password", "user_id", "verify_email"].contains(&k.as_str());
        if !known {
            return Err(ApiError::bad_request(format!(
                "Payload validation error: 'Additional properties not allowed: {k}'."
            )));
        }
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
    let email = body["email"].as_str().unwrap_or_default();
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
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    state
        .auth
        .check(&headers, &["update:users", "update:users_app_metadata"])?;
    let body = json_object(&body)?;
    let mut users = state.users.lock().unwrap();
    let user = users
        .get_mut("user_id", &id)
        .ok_or_else(|| ApiError::not_found("user"))?;
    for (k, v) in body {
        match k.as_str() {
            // Auth0 merges metadata one level deep; a null value removes that key.
            "user_metadata" | "app_metadata" => match v {
                Value::Object(patch) => {
                    let target = user[&k].as_object_mut();
                    let target = match target {
                        Some(t) => t,
                        None => {
                            user[&k] = json!({});
                            user[&k].as_object_mut().expect("just set")
                        }
                    };
                    for (pk, pv) in patch {
                        if pv.is_null() {
                            target.remove(&pk);
                        } else {
                            target.insert(pk, pv);
                        }
                    }
                }
                Value::Null => user[&k] = json!({}),
                other => {
                    return Err(ApiError::bad_request(format!(
                        "Payload validation error: 'Expected type object but found type {}' on property {k}.",
                        type_name(&other)
                    )));
                }
            },
            "password" | "connection" | "verify_email" | "client_id" => {}
            f if USER_FIELDS.contains(&f) => {
                user[f] = v;
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "Payload validation error: 'Additional properties not allowed: {other}'."
                )));
            }
        }
    }
    user["updated_at"] = json!(now());
    let user = user.clone();
    drop(users);
    state.log("sapi", "Update a User", Some(&id));
    Ok(Json(user))
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.auth.check(&headers, &["delete:users"])?;
    // Auth0 answers 204 whether or not the user existed.
    if state.users.lock().unwrap().remove("user_id", &id) {
        state.log("sapi", "Delete a User", Some(&id));
    }
    Ok(StatusCode::NO_CONTENT)
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
