//! The HTTP surface: the token endpoint, the emulated API routes, and 501 for the rest.
//!
//! Every `/api/v2` request goes through [`gate`] first: the fault knobs, then the spec's
//! operation for the method and path (404/405 when there is none, 501 when it is not
//! emulated), the bearer token and the operation's scopes, the query parameters and the
//! request body against the operation's schemas (400), and, in debug builds, the response
//! against the operation's response schema (500 on a mismatch: an emulator bug).

mod jobs;
mod logs;
mod misc;
mod resources;
mod users;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::{ApiError, oauth_error};
use crate::faults::Verdict;
use crate::spec::{self, Operation};
use crate::state::Shared;
use crate::validate;

pub type AppState = Arc<Shared>;

/// The largest JSON request body accepted (Auth0 answers 413 beyond its own limits).
const MAX_JSON_BODY: usize = 1024 * 1024;
/// The largest multipart body: Auth0 limits the users-imports payload to 512000 bytes.
const MAX_MULTIPART_BODY: usize = 512_000;

pub fn router(state: AppState) -> Router {
    let mut router = Router::new().route("/oauth/token", post(token));
    for entry in crate::EMULATED {
        let Some((method, path)) = entry.split_once(' ') else {
            continue;
        };
        if path == "/oauth/token" {
            continue;
        }
        if let Some(h) = handler(method, path) {
            router = router.route(path, h);
        }
    }
    router
        .route("/exports/{file}", get(jobs::download))
        .fallback(not_found)
        .layer(from_fn_with_state(Arc::clone(&state), gate))
        .with_state(state)
}

/// The handler of one emulated operation (`None`: a bug the crate's tests catch).
fn handler(method: &str, path: &str) -> Option<MethodRouter<AppState>> {
    use resources::{
        CLIENT, CLIENT_GRANT, CONNECTION, DEVICE_CREDENTIAL, RESOURCE_SERVER, RULE, crud,
    };
    let rest = path.strip_prefix("/api/v2").unwrap_or(path);
    let kind = match rest.split('/').nth(1) {
        Some("rules") => Some(&RULE),
        Some("clients") if !rest.ends_with("rotate-secret") => Some(&CLIENT),
        Some("client-grants") => Some(&CLIENT_GRANT),
        Some("connections") => Some(&CONNECTION),
        Some("resource-servers") => Some(&RESOURCE_SERVER),
        Some("device-credentials") => Some(&DEVICE_CREDENTIAL),
        _ => None,
    };
    if let Some(kind) = kind {
        return crud(kind, method, rest.matches('/').count() > 1);
    }
    Some(match (method, rest) {
        ("POST", "/clients/{id}/rotate-secret") => post(resources::rotate_secret),
        ("GET", "/users") => get(users::list),
        ("POST", "/users") => post(users::create),
        ("GET", "/users/{id}") => get(users::get),
        ("PATCH", "/users/{id}") => patch(users::update),
        ("DELETE", "/users/{id}") => delete(users::delete),
        ("GET", "/users-by-email") => get(users::by_email),
        ("POST", "/users/{id}/identities") => post(users::link),
        ("DELETE", "/users/{id}/identities/{provider}/{user_id}") => delete(users::unlink),
        ("GET", "/users/{id}/logs") => get(logs::by_user),
        ("GET", "/users/{id}/enrollments") => get(users::enrollments),
        ("DELETE", "/users/{id}/multifactor/{provider}") => delete(users::no_content),
        ("POST", "/users/{id}/multifactor/actions/invalidate-remember-browser") => {
            post(users::no_content)
        }
        ("GET", "/users/{id}/permissions") => get(users::permissions),
        ("POST", "/users/{id}/permissions") => post(users::add_permissions),
        ("DELETE", "/users/{id}/permissions") => delete(users::remove_permissions),
        ("POST", "/jobs/users-imports") => post(jobs::import_users),
        ("POST", "/jobs/users-exports") => post(jobs::export_users),
        ("POST", "/jobs/verification-email") => post(jobs::verification_email),
        ("GET", "/jobs/{id}") => get(jobs::get),
        ("GET", "/jobs/{id}/errors") => get(jobs::errors),
        ("GET", "/logs") => get(logs::list),
        ("GET", "/logs/{id}") => get(logs::get),
        ("GET", "/emails/provider") => get(misc::get_email_provider),
        ("POST", "/emails/provider") => post(misc::configure_email_provider),
        ("PATCH", "/emails/provider") => patch(misc::update_email_provider),
        ("DELETE", "/emails/provider") => delete(misc::delete_email_provider),
        ("GET", "/tenants/settings") => get(misc::get_settings),
        ("PATCH", "/tenants/settings") => patch(misc::update_settings),
        ("GET", "/blacklists/tokens") => get(misc::list_blacklist),
        ("POST", "/blacklists/tokens") => post(misc::blacklist),
        ("POST", "/tickets/email-verification") => post(misc::email_verification_ticket),
        ("POST", "/tickets/password-change") => post(misc::password_change_ticket),
        ("GET", "/stats/active-users") => get(misc::active_users),
        ("GET", "/stats/daily") => get(misc::daily_stats),
        _ => return None,
    })
}

/// `EMULATED`, as operation keys (`GET /api/v2/users`).
fn emulated() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| crate::EMULATED.iter().copied().collect());
    &SET
}

/// The fault knobs, then (for `/api/v2`) the spec's checks; see the module docs.
async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path == "/oauth/token" {
        let delay = state.faults.token_latency();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        return next.run(req).await;
    }
    let Some(api_path) = path.strip_prefix("/api/v2") else {
        return next.run(req).await;
    };
    let verdict = state.faults.admit();
    let delay = state.faults.latency();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (mut response, headers) = match verdict {
        Verdict::Fail(status, headers) => (injected(status), headers),
        Verdict::Pass(headers) => (api(&state, api_path, req, next).await, headers),
    };
    response.headers_mut().extend(headers);
    response
}

/// An error a fault knob answers with.
fn injected(status: StatusCode) -> Response {
    let (message, code) = if status == StatusCode::TOO_MANY_REQUESTS {
        ("Global limit has been reached", "too_many_requests")
    } else {
        ("Injected failure (emulator fault knob)", "injected_failure")
    };
    ApiError::new(status, message).code(code).into_response()
}

async fn api(state: &Shared, api_path: &str, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let Some((op, _)) = spec::find(&method, api_path) else {
        return if spec::path_exists(api_path) {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response()
        } else {
            ApiError::new(StatusCode::NOT_FOUND, "Not Found").into_response()
        };
    };
    if !emulated().contains(op.key().as_str()) {
        return not_emulated(op);
    }
    if let Err(e) = state.auth.check(req.headers(), &op.scopes) {
        return e.into_response();
    }
    if let Err(e) = check_query(op, req.uri().query().unwrap_or_default()) {
        return e.into_response();
    }
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(op);
    let multipart = op
        .body
        .as_ref()
        .is_some_and(|(ct, _)| ct.starts_with("multipart/"));
    let limit = if multipart {
        MAX_MULTIPART_BODY
    } else {
        MAX_JSON_BODY
    };
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Payload content length greater than maximum allowed: {limit}."),
        )
        .into_response();
    };
    let bytes = match &op.body {
        Some((ct, schema)) if ct == "application/json" => match check_body(op, schema, bytes) {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        },
        _ => bytes,
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if cfg!(debug_assertions) {
        check_response(op, response).await
    } else {
        response
    }
}

/// Parses and validates a JSON body; an empty one reads as `{}`.
fn check_body(op: &Operation, schema: &Value, bytes: Bytes) -> Result<Bytes, ApiError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        Bytes::from_static(b"{}")
    } else {
        bytes
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(ApiError::bad_request("Invalid request payload JSON format"));
    };
    check_value(op, schema, &value)?;
    Ok(bytes)
}

/// Validates a request body (JSON, or a multipart form read as JSON) against `schema`.
pub fn check_value(op: &Operation, schema: &Value, value: &Value) -> Result<(), ApiError> {
    match validate::check(&format!("request {}", op.id), schema, value, true) {
        Ok(()) => Ok(()),
        Err(Ok(problem)) => Err(ApiError::bad_request(format!(
            "Payload validation error: {}.",
            problem.describe()
        ))),
        Err(Err(bug)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Emulator bug: {bug}"),
        )),
    }
}

/// Checks the query parameters the spec declares (types, ranges, enums, required ones).
fn check_query(op: &Operation, query: &str) -> Result<(), ApiError> {
    let pairs = form_pairs(query);
    for (name, schema, required) in &op.query {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            if *required {
                return Err(query_error(format!("'Missing required property: {name}'")));
            }
            continue;
        }
        let value = coerce(spec::resolve(spec::spec(), schema), &values);
        match validate::check(&format!("query {} {name}", op.id), schema, &value, false) {
            Ok(()) => {}
            Err(Ok(problem)) => {
                return Err(query_error(format!(
                    "'{}' on property {name}",
                    problem.message
                )));
            }
            Err(Err(bug)) => {
                return Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Emulator bug: {bug}"),
                ));
            }
        }
    }
    Ok(())
}

fn query_error(detail: String) -> ApiError {
    ApiError::bad_request(format!("Query validation error: {detail}.")).code("invalid_query_string")
}

/// A query string value as the JSON type its schema asks for (left a string when it is not
/// one, so that validation reports the type).
fn coerce(schema: &Value, values: &[&str]) -> Value {
    let one = |t: Option<&str>, v: &str| -> Value {
        match t {
            Some("integer") => v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n)),
            Some("number") => v.parse::<f64>().map_or_else(|_| json!(v), |n| json!(n)),
            Some("boolean") => match v {
                "true" => json!(true),
                "false" => json!(false),
                _ => json!(v),
            },
            _ => json!(v),
        }
    };
    match schema["type"].as_str() {
        Some("array") => {
            let items = spec::resolve(spec::spec(), &schema["items"]);
            let t = items["type"].as_str();
            Value::Array(
                values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(|v| one(t, v))
                    .collect(),
            )
        }
        t => one(t, values[0]),
    }
}

/// Debug builds: a 2xx response must be documented and match its schema.
async fn check_response(op: &Operation, response: Response) -> Response {
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return response;
    }
    let Some(schema) = op.response(status) else {
        return emulator_bug(op, format!("status {status} is not documented"));
    };
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return emulator_bug(op, "the body could not be read".into());
    };
    match schema {
        None if !bytes.is_empty() && status == 204 => {
            return emulator_bug(op, "a 204 carries a body".into());
        }
        None => {}
        Some(schema) => {
            let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
                return emulator_bug(op, "the body is not JSON".into());
            };
            let key = format!("response {} {status}", op.id);
            match validate::check(&key, schema, &value, false) {
                Ok(()) => {}
                Err(Ok(p)) => {
                    // Values of secret fields stay out of logs and messages.
                    let secret = ["secret", "password", "pass", "credential", "key", "token"]
                        .iter()
                        .any(|s| p.path.to_lowercase().contains(s));
                    let detail = if secret {
                        format!("invalid value at {}", p.path)
                    } else {
                        p.describe()
                    };
                    return emulator_bug(op, format!("the body does not match the spec: {detail}"));
                }
                Err(Err(bug)) => return emulator_bug(op, bug),
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn emulator_bug(op: &Operation, detail: String) -> Response {
    let message = format!(
        "Emulator bug: the response to {} ({}) is wrong: {detail}",
        op.key(),
        op.id
    );
    eprintln!("auth0-management-emulator: {message}");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
        .code("emulator_response_mismatch")
        .into_response()
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
        spec::percent_decode(&s.replace('+', " "))
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not Found")
}

fn not_emulated(op: &Operation) -> Response {
    let body = json!({
        "statusCode": 501,
        "error": "Not Implemented",
        "message": format!(
            "{} ({}) is in the Management API but not emulated. Emulated operations: {}",
            op.key(),
            op.id,
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
                    _ => Err(query_error(format!(
                        "'{k}' must be an integer from 0 to {max}"
                    ))),
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

    /// One page of `items` as Auth0 shapes it: a bare array, or with totals under `key`
    /// (`length` too, where Auth0 sends it: users and logs).
    pub fn page(&self, items: &[Value], key: &str, with_length: bool) -> Value {
        let start = self.page.saturating_mul(self.per_page).min(items.len());
        let end = start.saturating_add(self.per_page).min(items.len());
        let page: Vec<Value> = items[start..end].iter().map(|v| self.project(v)).collect();
        if self.include_totals {
            let mut out = json!({
                "start": start,
                "limit": self.per_page,
                "total": items.len(),
            });
            if with_length {
                out["length"] = json!(page.len());
            }
            out[key] = Value::Array(page);
            out
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

/// Decodes a JSON object body (already validated by the gate), or answers 400 as Auth0 does.
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
            lq.page(&items, "things", true),
            json!({"start": 4, "limit": 2, "length": 1, "total": 5, "things": [{"id": 4}]})
        );
        assert_eq!(
            lq.page(&items, "things", false),
            json!({"start": 4, "limit": 2, "total": 5, "things": [{"id": 4}]})
        );
        q.insert("per_page".to_string(), "101".to_string());
        assert!(ListQuery::parse(&q, 50).is_err());
    }

    /// Every operation listed as emulated is in the spec and has a handler.
    #[test]
    fn every_emulated_operation_is_in_the_spec_and_handled() {
        let ops: HashSet<String> = spec::operations().iter().map(Operation::key).collect();
        for entry in crate::EMULATED {
            if *entry == "POST /oauth/token" {
                continue;
            }
            assert!(ops.contains(*entry), "{entry} is not in the spec");
        }
        for entry in crate::EMULATED {
            let (method, path) = entry.split_once(' ').unwrap();
            if path != "/oauth/token" {
                assert!(handler(method, path).is_some(), "{entry} has no handler");
            }
        }
    }

    #[tokio::test]
    async fn a_response_that_breaks_the_spec_is_an_emulator_bug() {
        let (op, _) = spec::find("GET", "/rules/rul_1").unwrap();
        let bad = check_response(op, Json(json!({"id": 5})).into_response()).await;
        assert_eq!(bad.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(bad.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["errorCode"], "emulator_response_mismatch");
        assert!(
            body["message"].as_str().unwrap().contains("on property id"),
            "{body}"
        );
        let good = Json(json!({"id": "rul_1", "name": "r"})).into_response();
        assert_eq!(check_response(op, good).await.status(), StatusCode::OK);
        let undocumented = (StatusCode::ACCEPTED, Json(json!({}))).into_response();
        assert_eq!(
            check_response(op, undocumented).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        // Errors are not checked: they are Auth0's generic shape.
        let error = ApiError::not_found("user").into_response();
        assert_eq!(
            check_response(op, error).await.status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn query_values_take_their_schema_type() {
        assert_eq!(coerce(&json!({"type": "integer"}), &["5"]), json!(5));
        assert_eq!(coerce(&json!({"type": "integer"}), &["x"]), json!("x"));
        assert_eq!(coerce(&json!({"type": "boolean"}), &["true"]), json!(true));
        assert_eq!(
            coerce(
                &json!({"type": "array", "items": {"type": "string"}}),
                &["a,b", "c"]
            ),
            json!(["a", "b", "c"])
        );
        let (op, _) = spec::find("GET", "/users").unwrap();
        let e = check_query(op, "per_page=1000").unwrap_err();
        assert_eq!(
            e.message(),
            "Query validation error: 'Value 1000 is greater than maximum 100' on property per_page."
        );
        assert!(check_query(op, "per_page=10&include_totals=true").is_ok());
    }
}
