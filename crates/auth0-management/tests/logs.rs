//! `client.logs()` and the seed's log methods against a local mock server: offset paging,
//! checkpoint paging (`from`/`take`), the 1000 cap, and reading one event.

use auth0_management::Error;
use auth0_management::managers::logs::GetLogsParams;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn log(id: &str) -> serde_json::Value {
    json!({"log_id": id, "type": "s", "date": "2026-01-01T00:00:00.000Z", "description": "ok", "new_field": 1})
}

fn ids(logs: &[auth0_management::api::types::Log]) -> Vec<String> {
    logs.iter().map(|l| l.log_id.clone().unwrap()).collect()
}

#[tokio::test]
async fn offset_paging_with_every_param() {
    let server = MockServer::start_async().await;
    let q = |page: &'static str| {
        vec![
            ("page", page),
            ("per_page", "2"),
            ("include_totals", "true"),
            ("sort", "date:-1"),
            ("fields", "log_id,type"),
            ("include_fields", "true"),
            ("search", "type:s"),
        ]
    };
    let p0 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact("/api/v2/logs", &q("0")));
            then.status(200).json_body(json!({
                "start": 0, "limit": 2, "length": 2, "total": 3, "logs": [log("l1"), log("l2")]
            }));
        })
        .await;
    let p1 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact("/api/v2/logs", &q("1")));
            then.status(200).json_body(json!({
                "start": 2, "limit": 2, "length": 1, "total": 3, "logs": [log("l3")]
            }));
        })
        .await;
    let params = GetLogsParams::new()
        .per_page(2)
        .sort("date:-1")
        .fields(["log_id", "type"])
        .include_fields(true)
        .q("type:s");
    let events = client(&server)
        .get_logs(params)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&events), ["l1", "l2", "l3"]);
    p0.assert_async().await;
    p1.assert_async().await;
}

#[tokio::test]
async fn checkpoint_paging_follows_the_last_log_id() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs", &[("from", "l0"), ("take", "2")]));
            then.status(200).json_body(json!([log("l1"), log("l2")]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs", &[("from", "l2"), ("take", "2")]));
            then.status(200).json_body(json!([log("l3")]));
        })
        .await;
    let events = client(&server)
        .logs()
        .get_all(GetLogsParams::new().from("l0").take(2).sort("ignored"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&events), ["l1", "l2", "l3"]);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn checkpoint_paging_without_from_and_an_empty_last_page() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs", &[("take", "1")]));
            then.status(200).json_body(json!([log("l1")]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs", &[("from", "l1"), ("take", "1")]));
            then.status(200).json_body(json!([]));
        })
        .await;
    let events = client(&server)
        .get_logs(GetLogsParams::new().take(1))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&events), ["l1"]);
    first.assert_async().await;
    second.assert_async().await;
}

fn hundred(prefix: &str) -> Vec<serde_json::Value> {
    (0..100).map(|i| log(&format!("{prefix}{i:02}"))).collect()
}

#[tokio::test]
async fn ascending_offset_paging_continues_with_checkpoint_at_the_cap() {
    let server = MockServer::start_async().await;
    let offset = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/logs")
                .query_param("sort", "date:1")
                .query_param("include_totals", "true");
            then.status(200)
                .json_body(json!({"start": 0, "limit": 100, "total": 1050, "logs": hundred("o")}));
        })
        .await;
    let checkpoint = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs", &[("from", "o99"), ("take", "100")]));
            then.status(200).json_body(json!(
                (0..50).map(|i| log(&format!("c{i}"))).collect::<Vec<_>>()
            ));
        })
        .await;
    let events = client(&server)
        .get_logs(GetLogsParams::new().per_page(100).sort("date:1"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(events.len(), 1050);
    assert_eq!(offset.calls_async().await, 10);
    assert_eq!(checkpoint.calls_async().await, 1);
}

#[tokio::test]
async fn descending_offset_paging_fails_at_the_cap() {
    let server = MockServer::start_async().await;
    let offset = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/logs");
            then.status(200)
                .json_body(json!({"start": 0, "limit": 100, "total": 5000, "logs": hundred("o")}));
        })
        .await;
    let err = client(&server)
        .get_logs(GetLogsParams::new().per_page(100).sort("date:-1"))
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::PaginationLimit {
                fetched: 1000,
                total: Some(5000),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(offset.calls_async().await, 10);
}

#[tokio::test]
async fn get_log_by_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/logs/900%7Cabc", &[]));
            then.status(200).json_body(log("900|abc"));
        })
        .await;
    let c = client(&server);
    let event = c.get_log("900|abc").await.unwrap();
    assert_eq!(event.description.as_deref(), Some("ok"));
    m.assert_async().await;
    assert!(matches!(c.get_log("").await, Err(Error::InvalidInput(_))));
}
