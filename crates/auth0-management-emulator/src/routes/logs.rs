//! `/api/v2/logs` and `/api/v2/users/{id}/logs`: offset paging, or (tenant logs) checkpoint
//! paging with `from` (a log_id) and `take`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::LINK;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{AppState, ListQuery};
use crate::error::ApiError;

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let logs = state.logs.lock().unwrap();
    if q.contains_key("from") || q.contains_key("take") {
        let take = match q.get("take").map(|t| t.parse::<usize>()) {
            None => 50,
            Some(Ok(n)) if n <= 100 => n,
            Some(_) => {
                return Err(ApiError::bad_request(
                    "Query validation error: 'take' must be an integer from 0 to 100",
                )
                .code("invalid_query_string"));
            }
        };
        let from = q.get("from").cloned().unwrap_or_default();
        let page: Vec<Value> = logs
            .all()
            .iter()
            .filter(|l| l["log_id"].as_str().is_some_and(|id| id > from.as_str()))
            .take(take)
            .cloned()
            .collect();
        // Auth0 links the next page; past the end, the link repeats the same checkpoint.
        let next = page
            .last()
            .and_then(|l| l["log_id"].as_str())
            .unwrap_or(from.as_str())
            .to_string();
        let mut response = Json(Value::Array(page)).into_response();
        let link = format!(
            "<{}/api/v2/logs?from={next}&take={take}>; rel=\"next\"",
            state.base_url
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(LINK, v);
        }
        return Ok(response);
    }
    // Offset paging lists the newest first.
    let lq = ListQuery::parse(&q, 50)?;
    let newest_first: Vec<Value> = logs.all().iter().rev().cloned().collect();
    Ok(Json(lq.page(&newest_first, "logs", true)).into_response())
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let logs = state.logs.lock().unwrap();
    logs.get("log_id", &id).cloned().map(Json).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "The log event does not exist.").code("inexistent_log")
    })
}

/// `GET /users/{id}/logs`: that user's events, newest first.
pub async fn by_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(&q, 50)?;
    let logs = state.logs.lock().unwrap();
    let mine: Vec<Value> = logs
        .all()
        .iter()
        .rev()
        .filter(|l| l["user_id"] == id.as_str())
        .cloned()
        .collect();
    Ok(Json(lq.page(&mine, "logs", true)))
}
