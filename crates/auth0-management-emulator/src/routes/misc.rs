//! One-object and small resources: the email provider, tenant settings, blacklisted tokens,
//! tickets, stats.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{AppState, ListQuery, json_object};
use crate::error::ApiError;
use crate::state::{Shared, now, random_alnum};

const EMAIL_PROVIDER: &str = "email_provider";
const TENANT_SETTINGS: &str = "tenant_settings";

fn no_email_provider() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "There is not a configured email provider",
    )
    .code("inexistent_email_provider")
}

/// The provider as the API shows it: secrets are never echoed (Auth0 keeps only non-secret
/// credential fields such as `api_user`, `region`, `domain`).
fn shown_provider(p: &Value) -> Value {
    let mut p = p.clone();
    if let Some(Value::Object(c)) = p.get_mut("credentials") {
        c.retain(|k, _| {
            [
                "api_user",
                "region",
                "domain",
                "smtp_host",
                "smtp_port",
                "smtp_user",
            ]
            .contains(&k.as_str())
        });
    }
    p
}

pub async fn get_email_provider(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    let singletons = state.singletons.lock().unwrap();
    let p = singletons
        .get(EMAIL_PROVIDER)
        .ok_or_else(no_email_provider)?;
    Ok(Json(lq.project(&shown_provider(p))))
}

pub async fn configure_email_provider(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut body = json_object(&body)?;
    let mut singletons = state.singletons.lock().unwrap();
    if singletons.contains_key(EMAIL_PROVIDER) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "An email provider is already configured: update it instead",
        )
        .code("email_provider_conflict"));
    }
    body.entry("enabled").or_insert(json!(true));
    let p = Value::Object(body);
    singletons.insert(EMAIL_PROVIDER, p.clone());
    Ok((StatusCode::CREATED, Json(shown_provider(&p))).into_response())
}

pub async fn update_email_provider(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let mut singletons = state.singletons.lock().unwrap();
    let p = singletons
        .get_mut(EMAIL_PROVIDER)
        .ok_or_else(no_email_provider)?;
    for (k, v) in body {
        p[k] = v;
    }
    Ok(Json(shown_provider(p)))
}

pub async fn delete_email_provider(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    match state.singletons.lock().unwrap().remove(EMAIL_PROVIDER) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(no_email_provider()),
    }
}

pub async fn get_settings(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    let singletons = state.singletons.lock().unwrap();
    let settings = singletons
        .get(TENANT_SETTINGS)
        .cloned()
        .unwrap_or(json!({}));
    Ok(Json(lq.project(&settings)))
}

/// `PATCH /tenants/settings`: objects are merged recursively (`flags`, `change_password`,
/// ...), other values replaced; `null` removes a setting.
pub async fn update_settings(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let mut singletons = state.singletons.lock().unwrap();
    let settings = singletons
        .entry(TENANT_SETTINGS)
        .or_insert_with(|| json!({}));
    if let Value::Object(target) = settings {
        merge(target, body);
    }
    Ok(Json(settings.clone()))
}

fn merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match (target.get_mut(&k), v) {
            (_, Value::Null) => {
                target.remove(&k);
            }
            (Some(Value::Object(t)), Value::Object(p)) => merge(t, p),
            (_, v) => {
                target.insert(k, v);
            }
        }
    }
}

pub async fn list_blacklist(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let list = state.blacklist.lock().unwrap();
    let aud = q.get("aud");
    Json(Value::Array(
        list.iter()
            .filter(|t| aud.is_none_or(|a| t["aud"] == a.as_str()))
            .cloned()
            .collect(),
    ))
}

/// `POST /blacklists/tokens`: `aud` defaults to the calling client.
pub async fn blacklist(State(state): State<AppState>, body: Bytes) -> Result<StatusCode, ApiError> {
    let body = json_object(&body)?;
    let aud = body
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or(state.auth.client_id())
        .to_string();
    let entry = json!({"aud": aud, "jti": body.get("jti").cloned().unwrap_or_default()});
    let mut list = state.blacklist.lock().unwrap();
    if !list.contains(&entry) {
        list.push(entry);
    }
    // What Auth0 answers (recorded), and what the spec's overlay documents.
    Ok(StatusCode::NO_CONTENT)
}

fn ticket(state: &Shared, kind: &str) -> Response {
    let url = format!(
        "{}/u/{kind}?ticket={}#",
        state.base_url,
        random_alnum("", 32)
    );
    (StatusCode::CREATED, Json(json!({ "ticket": url }))).into_response()
}

fn user_exists(state: &Shared, id: &str) -> bool {
    state.users.lock().unwrap().get("user_id", id).is_some()
}

/// `POST /tickets/email-verification`: a verification URL for an existing user.
pub async fn email_verification_ticket(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let id = body
        .get("user_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !user_exists(&state, id) {
        return Err(ApiError::not_found("user"));
    }
    Ok(ticket(&state, "email-verification"))
}

/// `POST /tickets/password-change`: for a `user_id`, or an `email` with a `connection_id`.
pub async fn password_change_ticket(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let field = |k: &str| body.get(k).and_then(Value::as_str);
    match (field("user_id"), field("email"), field("connection_id")) {
        (Some(id), _, _) => {
            if !user_exists(&state, id) {
                return Err(ApiError::not_found("user"));
            }
        }
        (None, Some(email), Some(connection_id)) => {
            let connection = state.connection_by_id(connection_id).ok_or_else(|| {
                ApiError::bad_request("The connection does not exist.")
                    .code("inexistent_connection")
            })?;
            let found = state.users.lock().unwrap().all().iter().any(|u| {
                u["email"]
                    .as_str()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
                    && u["identities"][0]["connection"] == connection["name"]
            });
            if !found {
                return Err(ApiError::not_found("user"));
            }
        }
        _ => {
            return Err(ApiError::bad_request(
                "Payload validation error: 'Either user_id, or email and connection_id, are required'.",
            ));
        }
    }
    Ok(ticket(&state, "reset-verify"))
}

/// `GET /stats/active-users`: users who logged in during the last 30 days (nobody logs in
/// here, so the users who did, as their `last_login` says).
pub async fn active_users(State(state): State<AppState>) -> Json<Value> {
    let cutoff = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let n = state
        .users
        .lock()
        .unwrap()
        .all()
        .iter()
        .filter(|u| {
            u["last_login"]
                .as_str()
                .is_some_and(|l| l >= cutoff.as_str())
        })
        .count();
    Json(json!(n))
}

/// `GET /stats/daily?from=YYYYMMDD&to=YYYYMMDD`: one entry per day (default: the last 30),
/// counting the signups (users created) of that day.
pub async fn daily_stats(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let parse = |k: &str| -> Result<Option<chrono::NaiveDate>, ApiError> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y%m%d")
                .map(Some)
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "Query validation error: '{k}' must be a date as YYYYMMDD"
                    ))
                    .code("invalid_query_string")
                }),
        }
    };
    let today = chrono::Utc::now().date_naive();
    let to = parse("to")?.unwrap_or(today);
    let from = parse("from")?.unwrap_or(to - chrono::Duration::days(29));
    if from > to || (to - from).num_days() > 366 {
        return Err(ApiError::bad_request(
            "Query validation error: 'from' must be before 'to', at most a year apart",
        )
        .code("invalid_query_string"));
    }
    let created: Vec<String> = state
        .users
        .lock()
        .unwrap()
        .all()
        .iter()
        .filter_map(|u| {
            u["created_at"]
                .as_str()
                .map(|c| c[..10.min(c.len())].to_string())
        })
        .collect();
    let stamp = now();
    let days: Vec<Value> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| {
            let day = d.format("%Y-%m-%d").to_string();
            let signups = created.iter().filter(|c| **c == day).count();
            json!({
                "date": format!("{day}T00:00:00.000Z"),
                "logins": 0,
                "signups": signups,
                "leaked_passwords": 0,
                "created_at": stamp,
                "updated_at": stamp,
            })
        })
        .collect();
    Ok(Json(Value::Array(days)))
}
