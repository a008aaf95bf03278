//! `/api/v2/logs`: offset paging, or checkpoint paging with `from` (a log_id) and `take`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::Value;

use super::{AppState, ListQuery};
use crate::error::ApiError;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:logs"])?;
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
        return Ok(Json(Value::Array(page)));
    }
    // Offset paging lists the newest first.
    let lq = ListQuery::parse(&q, 50)?;
    let newest_first: Vec<Value> = logs.all().iter().rev().cloned().collect();
    Ok(Json(lq.page(&newest_first, "logs")))
}

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.auth.check(&headers, &["read:logs"])?;
    let logs = state.logs.lock().unwrap();
    logs.get("log_id", &id)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::not_found("log event"))
}
