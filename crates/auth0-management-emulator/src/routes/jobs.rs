//! `/api/v2/jobs`: user imports (multipart, processed in the background), job status and errors.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppState;
use super::users::{insert_user, validate_new_user};
use crate::error::ApiError;
use crate::state::{Shared, now, random_id};

/// How long an import stays `pending` before it is processed: long enough that a client sees
/// the job move through its states.
const IMPORT_DELAY: Duration = Duration::from_millis(150);
/// Auth0's limit on an import file.
const MAX_IMPORT_BYTES: usize = 500 * 1024;

pub async fn import_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    state.auth.check(&headers, &["create:users"])?;
    let (mut users, mut connection_id, mut upsert, mut external_id) = (None, None, false, None);
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
            "send_completion_email" => {}
            other => {
                return Err(ApiError::bad_request(format!(
                    "Payload validation error: 'Additional properties not allowed: {other}'."
                )));
            }
        }
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
    if state.connection["id"] != connection_id.as_str() {
        return Err(
            ApiError::bad_request("The connection does not exist.").code("inexistent_connection")
        );
    }
    let Ok(Value::Array(users)) = serde_json::from_slice::<Value>(&users) else {
        return Err(ApiError::bad_request(
            "Users file must be a JSON array of users.",
        ));
    };
    let mut job = json!({
        "id": random_id("job_", 16),
        "type": "users_import",
        "status": "pending",
        "connection_id": connection_id,
        "connection": state.connection["name"],
        "created_at": now(),
    });
    if let Some(e) = external_id {
        job["external_id"] = json!(e);
    }
    state.jobs.lock().unwrap().insert(job.clone());
    let id = job["id"].as_str().unwrap_or_default().to_string();
    let worker = Arc::clone(&state);
    tokio::spawn(async move {
        tokio::time::sleep(IMPORT_DELAY).await;
        run_import(&worker, &id, users, upsert);
    });
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

fn run_import(state: &Shared, job_id: &str, users: Vec<Value>, upsert: bool) {
    let connection = state.connection["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
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
                match validate_new_user(&u) {
                    Err(e) => Err(("INVALID_FORMAT", e.message().to_string())),
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
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .auth
        .check(&headers, &["create:users", "read:users"])?;
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
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state
        .auth
        .check(&headers, &["create:users", "read:users"])?;
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
