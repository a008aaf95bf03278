//! The HTTP surface: the token endpoint, the emulated API routes, and 501 for the rest.

mod jobs;
mod logs;
mod resources;
mod users;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::{ApiError, oauth_error};
use crate::state::Shared;

pub type AppState = Arc<Shared>;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/api/v2/users", get(users::list).post(users::create))
        .route(
            "/api/v2/users/{id}",
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route("/api/v2/users-by-email", get(users::by_email))
        .route(
            "/api/v2/rules",
            get(resources::list_rules).post(resources::create_rule),
        )
        .route(
            "/api/v2/rules/{id}",
            get(resources::get_rule)
                .patch(resources::update_rule)
                .delete(resources::delete_rule),
        )
        .route(
            "/api/v2/clients",
            get(resources::list_clients).post(resources::create_client),
        )
        .route(
            "/api/v2/clients/{id}",
            get(resources::get_client)
                .patch(resources::update_client)
                .delete(resources::delete_client),
        )
        .route("/api/v2/jobs/users-imports", post(jobs::import_users))
        .route("/api/v2/jobs/{id}", get(jobs::get))
        .route("/api/v2/jobs/{id}/errors", get(jobs::errors))
        .route("/api/v2/logs", get(logs::list))
        .route("/api/v2/logs/{id}", get(logs::get))
        .route("/api/v2/connections", get(connections))
        .fallback(not_emulated)
        .with_state(state)
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let parsed: Option<Value> = if form {
        Some(Value::Object(
            form_pairs(&String::from_utf8_lossy(&body))
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        ))
    } else {
        serde_json::from_slice(&body).ok()
    };
    let Some(body) = parsed else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The body is not JSON",
        );
    };
    match state.auth.issue(&body) {
        Ok(token) => Json(token).into_response(),
        Err((status, error, description)) => oauth_error(status, error, &description),
    }
}

fn form_pairs(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let s = s.replace('+', " ");
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
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// `GET /api/v2/connections`: the tenant's one database connection.
async fn connections(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:connections"])?;
    Ok(Json(Value::Array(vec![state.connection.clone()])))
}

async fn not_emulated(method: Method, uri: Uri) -> Response {
    let body = json!({
        "statusCode": 501,
        "error": "Not Implemented",
        "message": format!(
            "{method} {} is not emulated. Emulated: {}",
            uri.path(),
            crate::EMULATED.join(", ")
        ),
        "errorCode": "not_emulated",
    });
    (StatusCode::NOT_IMPLEMENTED, Json(body)).into_response()
}

/// Query parameters of a list call.
pub struct ListQuery {
    pub page: usize,
    pub per_page: usize,
    pub include_totals: bool,
    pub fields: Option<(Vec<String>, bool)>,
}

impl ListQuery {
    pub fn parse(q: &HashMap<String, String>, default_per_page: usize) -> Result<Self, ApiError> {
        let num = |k: &str, default: usize, max: usize| -> Result<usize, ApiError> {
            match q.get(k) {
                None => Ok(default),
                Some(v) => match v.parse::<usize>() {
                    Ok(n) if n <= max => Ok(n),
                    _ => Err(ApiError::bad_request(format!(
                        "Query validation error: '{k}' must be an integer from 0 to {max}"
                    ))
                    .code("invalid_query_string")),
                },
            }
        };
        let flag = |k: &str| q.get(k).map(|v| v == "true");
        Ok(Self {
            page: num("page", 0, usize::MAX / 1024)?,
            per_page: num("per_page", default_per_page, 100)?,
            include_totals: flag("include_totals").unwrap_or(false),
            fields: q.get("fields").filter(|f| !f.is_empty()).map(|f| {
                (
                    f.split(',').map(|s| s.trim().to_string()).collect(),
                    flag("include_fields").unwrap_or(true),
                )
            }),
        })
    }

    /// Applies `fields`/`include_fields` to one object.
    pub fn project(&self, v: &Value) -> Value {
        project(v, self.fields.as_ref())
    }

    /// One page of `items` as Auth0 shapes it: a bare array, or with totals under `key`.
    pub fn page(&self, items: &[Value], key: &str) -> Value {
        let start = self.page.saturating_mul(self.per_page).min(items.len());
        let end = start.saturating_add(self.per_page).min(items.len());
        let page: Vec<Value> = items[start..end].iter().map(|v| self.project(v)).collect();
        if self.include_totals {
            json!({
                "start": start,
                "limit": self.per_page,
                "length": page.len(),
                "total": items.len(),
                key: page,
            })
        } else {
            Value::Array(page)
        }
    }
}

pub fn project(v: &Value, fields: Option<&(Vec<String>, bool)>) -> Value {
    let (Some((fields, include)), Value::Object(m)) = (fields, v) else {
        return v.clone();
    };
    Value::Object(
        m.iter()
            .filter(|(k, _)| fields.contains(k) == *include)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// Decodes a JSON object body, or answers 400 as Auth0 does.
pub fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::bad_request(
            "Payload validation error: 'Expected type object'",
        )),
        Err(_) => Err(ApiError::bad_request("Invalid request payload JSON format")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode() {
        assert_eq!(
            form_pairs("a=b%20c&scope=read%3Ausers+x&e="),
            vec![
                ("a".into(), "b c".into()),
                ("scope".into(), "read:users x".into()),
                ("e".into(), "".into())
            ]
        );
    }

    #[test]
    fn pages_and_totals() {
        let items: Vec<Value> = (0..5).map(|i| json!({"id": i, "x": 1})).collect();
        let mut q = HashMap::new();
        q.insert("per_page".to_string(), "2".to_string());
        q.insert("page".to_string(), "2".to_string());
        q.insert("include_totals".to_string(), "true".to_string());
        q.insert("fields".to_string(), "id".to_string());
        let lq = ListQuery::parse(&q, 50).unwrap();
        assert_eq!(
            lq.page(&items, "things"),
            json!({"start": 4, "limit": 2, "length": 1, "total": 5, "things": [{"id": 4}]})
        );
        q.insert("per_page".to_string(), "101".to_string());
        assert!(ListQuery::parse(&q, 50).is_err());
    }
}
