//! `/api/v2/jobs`: user imports (multipart) and exports and verification e-mails, all run in
//! the background (`pending`, then `completed`); job status and errors; export downloads.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::users::{insert_user, public, validate_new_user};
use super::{AppState, check_value, json_object};
use crate::error::ApiError;
use crate::spec::Operation;
use crate::state::{Shared, now, random_alnum};

/// How long an import stays `pending` before it is processed: long enough that a client sees
/// the job move through its states.
const IMPORT_DELAY: Duration = Duration::from_millis(150);
/// Auth0's limit on an import file.
const MAX_IMPORT_BYTES: usize = 500 * 1024;
/// Auth0 runs at most this many imports at once.
const MAX_ACTIVE_IMPORTS: usize = 2;
/// Properties of an imported user (Auth0's bulk import schema, without password hashes).
const IMPORT_FIELDS: &[&str] = &[
    "email",
    "email_verified",
    "user_id",
    "username",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "blocked",
    "user_metadata",
    "app_metadata",
    "phone_number",
    "phone_verified",
];

fn new_job_id() -> String {
    random_alnum("job_", 16)
}

pub async fn import_users(
    State(state): State<AppState>,
    Extension(op): Extension<&'static Operation>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let (mut users, mut connection_id, mut upsert, mut external_id) = (None, None, false, None);
    // The form's fields as JSON, to validate against the spec's schema.
    let mut fields = Map::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("Invalid multipart body: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let data = field
            .bytes()
            .await
            .map_err(|e| ApiError::bad_request(format!("Invalid multipart body: {e}")))?;
        let text = String::from_utf8_lossy(&data);
        let as_json = match (name.as_str(), text.as_ref()) {
            ("users", _) => json!("(file)"),
            ("upsert" | "send_completion_email", "true") => json!(true),
            ("upsert" | "send_completion_email", "false") => json!(false),
            (_, t) => json!(t),
        };
        fields.insert(name.clone(), as_json);
        match name.as_str() {
            "users" => {
                if data.len() > MAX_IMPORT_BYTES {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "The users file must not be larger than 500KB.",
                    ));
                }
                users = Some(data)
            }
            "connection_id" => connection_id = Some(String::from_utf8_lossy(&data).into_owned()),
            "upsert" => upsert = data.as_ref() == b"true",
            "external_id" => external_id = Some(String::from_utf8_lossy(&data).into_owned()),
            _ => {}
        }
    }
    if let Some((_, schema)) = &op.body {
        check_value(op, schema, &Value::Object(fields))?;
    }
    let Some(users) = users else {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: users'.",
        ));
    };
    let Some(connection_id) = connection_id else {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Missing required property: connection_id'.",
        ));
    };
    let Some(connection) = state.connection_by_id(&connection_id) else {
        return Err(
            ApiError::bad_request("The connection does not exist.").code("inexistent_connection")
        );
    };
    let Ok(Value::Array(users)) = serde_json::from_slice::<Value>(&users) else {
        return Err(ApiError::bad_request(
            "Users file must be a JSON array of users.",
        ));
    };
    let mut job = json!({
        "id": new_job_id(),
        "type": "users_import",
        "status": "pending",
        "connection_id": connection_id,
        "connection": connection["name"],
        "created_at": now(),
    });
    if let Some(e) = external_id {
        job["external_id"] = json!(e);
    }
    {
        let mut jobs = state.jobs.lock().unwrap();
        let active = jobs
            .all()
            .iter()
            .filter(|j| j["type"] == "users_import" && j["status"] == "pending")
            .count();
        if active >= MAX_ACTIVE_IMPORTS {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "There are {active} active import users jobs, please wait until some of them are finished and try again"
                ),
            )
            .code("too_many_requests"));
        }
        jobs.insert(job.clone());
    }
    let id = job["id"].as_str().unwrap_or_default().to_string();
    let worker = Arc::clone(&state);
    let connection = connection["name"].as_str().unwrap_or_default().to_string();
    tokio::spawn(async move {
        tokio::time::sleep(IMPORT_DELAY).await;
        run_import(&worker, &id, &connection, users, upsert);
    });
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

fn run_import(state: &Shared, job_id: &str, connection: &str, users: Vec<Value>, upsert: bool) {
    let (mut inserted, mut updated, mut errors) = (0, 0, vec![]);
    for user in &users {
        let outcome = match user.as_object() {
            None => Err(("INVALID_FORMAT", "A user must be an object".to_string())),
            Some(u) => {
                let mut u: Map<String, Value> = u.clone();
                u.insert("connection".into(), json!(connection));
                // Imported users need no password (they bring a hash, or reset it later).
                u.entry("password")
                    .or_insert(json!("imported-without-password"));
                let unknown = u
                    .keys()
                    .find(|k| {
                        !IMPORT_FIELDS.contains(&k.as_str())
                            && *k != "connection"
                            && *k != "password"
                    })
                    .cloned();
                let checked = match unknown {
                    Some(k) => Err((
                        "INVALID_FORMAT",
                        format!("Additional properties not allowed: {k}"),
                    )),
                    None => validate_new_user(&u, true)
                        .map_err(|e| ("INVALID_FORMAT", e.message().to_string())),
                };
                match checked {
                    Err(e) => Err(e),
                    Ok(()) => match insert_user(state, &u, upsert) {
                        Ok(true) => Ok(true),
                        Ok(false) => Ok(false),
                        Err(_) => Err((
                            "DUPLICATED_USER",
                            "The user already exists and upsert is not set".to_string(),
                        )),
                    },
                }
            }
        };
        match outcome {
            Ok(true) => inserted += 1,
            Ok(false) => updated += 1,
            Err((code, message)) => errors.push(json!({
                "user": user,
                "errors": [{"code": code, "message": message}],
            })),
        }
    }
    state.log(
        "sapi",
        &format!("Import users job {job_id}: {inserted} inserted, {updated} updated"),
        None,
    );
    let mut jobs = state.jobs.lock().unwrap();
    if let Some(job) = jobs.get_mut("id", job_id) {
        job["status"] = json!("completed");
        job["summary"] = json!({
            "failed": errors.len(),
            "updated": updated,
            "inserted": inserted,
            "total": users.len(),
        });
        job["errors"] = Value::Array(errors);
    }
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let jobs = state.jobs.lock().unwrap();
    let mut job = jobs
        .get("id", &id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("job"))?;
    if let Some(m) = job.as_object_mut() {
        m.remove("errors");
    }
    Ok(Json(job))
}

pub async fn errors(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let jobs = state.jobs.lock().unwrap();
    let job = jobs
        .get("id", &id)
        .ok_or_else(|| ApiError::not_found("job"))?;
    match job["errors"].as_array() {
        Some(e) if !e.is_empty() => Ok(Json(Value::Array(e.clone())).into_response()),
        // Auth0 answers 204 when a job has no errors (or has not run yet).
        _ => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// `POST /jobs/users-exports`: a `pending` job; in the background the users (of one
/// connection, if given) are written as newline-delimited JSON or CSV, and the job completes
/// with a `location` to download them from.
pub async fn export_users(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let connection = match body.get("connection_id").and_then(Value::as_str) {
        None => None,
        Some(id) => Some(state.connection_by_id(id).ok_or_else(|| {
            ApiError::bad_request("The connection does not exist.").code("inexistent_connection")
        })?),
    };
    let format = body
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("json")
        .to_string();
    let mut job = json!({
        "id": new_job_id(),
        "type": "users_export",
        "status": "pending",
        "format": format,
        "created_at": now(),
    });
    if let Some(c) = &connection {
        job["connection_id"] = c["id"].clone();
        job["connection"] = c["name"].clone();
    }
    for k in ["limit", "fields"] {
        if let Some(v) = body.get(k) {
            job[k] = v.clone();
        }
    }
    state.jobs.lock().unwrap().insert(job.clone());
    let worker = Arc::clone(&state);
    let id = job["id"].as_str().unwrap_or_default().to_string();
    let connection = connection.and_then(|c| c["name"].as_str().map(str::to_string));
    tokio::spawn(async move {
        tokio::time::sleep(IMPORT_DELAY).await;
        run_export(&worker, &id, connection.as_deref(), &body);
    });
    Ok(Json(job))
}

fn run_export(state: &Shared, job_id: &str, connection: Option<&str>, body: &Map<String, Value>) {
    let limit = body
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |n| n as usize);
    // Each field: (name in the user, name in the file).
    let fields: Option<Vec<(String, String)>> =
        body.get("fields").and_then(Value::as_array).map(|f| {
            f.iter()
                .filter_map(|f| {
                    let name = f["name"].as_str()?.to_string();
                    let export_as = f["export_as"].as_str().unwrap_or(&name).to_string();
                    Some((name, export_as))
                })
                .collect()
        });
    let users: Vec<Value> = state
        .users
        .lock()
        .unwrap()
        .all()
        .iter()
        .filter(|u| connection.is_none_or(|c| u["identities"][0]["connection"] == c))
        .take(limit)
        .map(public)
        .collect();
    let rows: Vec<Map<String, Value>> = users
        .iter()
        .map(|u| match &fields {
            None => u.as_object().cloned().unwrap_or_default(),
            Some(fields) => fields
                .iter()
                .filter_map(|(name, as_)| {
                    u.pointer(&format!("/{}", name.replace('.', "/")))
                        .map(|v| (as_.clone(), v.clone()))
                })
                .collect(),
        })
        .collect();
    let csv = body.get("format").and_then(Value::as_str) == Some("csv");
    let file = if csv {
        let columns: Vec<String> = match &fields {
            Some(f) => f.iter().map(|(_, a)| a.clone()).collect(),
            None => {
                let mut c: Vec<String> = rows.iter().flat_map(|r| r.keys().cloned()).collect();
                c.sort();
                c.dedup();
                c
            }
        };
        let cell = |v: Option<&Value>| {
            let s = match v {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            };
            format!("\"{}\"", s.replace('"', "\"\""))
        };
        let mut out = columns
            .iter()
            .map(|c| cell(Some(&json!(c))))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for r in &rows {
            out.push_str(
                &columns
                    .iter()
                    .map(|c| cell(r.get(c)))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        out
    } else {
        rows.iter()
            .map(|r| format!("{}\n", Value::Object(r.clone())))
            .collect()
    };
    let name = format!("{job_id}.{}", if csv { "csv" } else { "json" });
    state.exports.lock().unwrap().insert(name.clone(), file);
    let mut jobs = state.jobs.lock().unwrap();
    if let Some(job) = jobs.get_mut("id", job_id) {
        job["status"] = json!("completed");
        job["location"] = json!(format!("{}/exports/{name}", state.base_url));
    }
}

/// `GET /exports/{file}`: a finished export (like Auth0's pre-signed download URL, it needs
/// no token).
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let exports = state.exports.lock().unwrap();
    let body = exports
        .get(&file)
        .cloned()
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Not Found"))?;
    let content_type = if file.ends_with(".csv") {
        "text/csv"
    } else {
        "application/x-ndjson"
    };
    Ok(([(CONTENT_TYPE, content_type)], body).into_response())
}

/// `POST /jobs/verification-email`: a `pending` job that completes in the background (no
/// e-mail is sent).
pub async fn verification_email(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let user_id = body
        .get("user_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if state
        .users
        .lock()
        .unwrap()
        .get("user_id", user_id)
        .is_none()
    {
        return Err(ApiError::not_found("user"));
    }
    let job = json!({
        "id": new_job_id(),
        "type": "verification_email",
        "status": "pending",
        "created_at": now(),
    });
    state.jobs.lock().unwrap().insert(job.clone());
    let worker = Arc::clone(&state);
    let id = job["id"].as_str().unwrap_or_default().to_string();
    tokio::spawn(async move {
        tokio::time::sleep(IMPORT_DELAY).await;
        if let Some(job) = worker.jobs.lock().unwrap().get_mut("id", &id) {
            job["status"] = json!("completed");
        }
    });
    Ok((StatusCode::CREATED, Json(job)).into_response())
}
