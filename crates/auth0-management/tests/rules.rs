//! `client.rules()` and the seed's rule methods against a local mock server.

use auth0_management::Error;
use auth0_management::api::types::{CreateRuleRequestContent, UpdateRuleRequestContent};
use auth0_management::managers::rules::{GetRuleParams, GetRulesParams};
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn rule(id: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("rule-{id}"), "enabled": true, "order": 1, "script": "s", "stage": "login_success"})
}

#[tokio::test]
async fn get_rule_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .header("authorization", "Bearer tok")
                .is_true(exact("/api/v2/rules/rul%7Ca%20b%2Fc", &[]));
            then.status(200).json_body(rule("rul|a b/c"));
        })
        .await;
    let r = client(&server).get_rule("rul|a b/c").await.unwrap();
    assert_eq!(r.id.as_deref(), Some("rul|a b/c"));
    assert_eq!(r.enabled, Some(true));
    m.assert_async().await;
}

#[tokio::test]
async fn get_with_fields() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/rules/r1",
                &[("fields", "id,name"), ("include_fields", "true")],
            ));
            then.status(200).json_body(json!({"id": "r1", "name": "n"}));
        })
        .await;
    let r = client(&server)
        .rules()
        .get_with(
            "r1",
            &GetRuleParams::new()
                .fields(["id", "name"])
                .include_fields(true),
        )
        .await
        .unwrap();
    assert_eq!(r.name.as_deref(), Some("n"));
    m.assert_async().await;
}

#[tokio::test]
async fn create_rule_posts_the_body() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/rules", &[]))
                .json_body(json!({"name": "my-rule", "script": "function(){}", "enabled": true}));
            then.status(201).json_body(rule("r1"));
        })
        .await;
    let data = CreateRuleRequestContent {
        name: "my-rule".parse().unwrap(),
        script: "function(){}".parse().unwrap(),
        enabled: Some(true),
        order: None,
    };
    let r = client(&server).create_rule(&data).await.unwrap();
    assert_eq!(r.id.as_deref(), Some("r1"));
    m.assert_async().await;
}

#[tokio::test]
async fn update_rule_patches() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/rules/r1", &[]))
                .json_body(json!({"name": "my-rule"}));
            then.status(200)
                .json_body(json!({"id": "r1", "name": "my-rule"}));
        })
        .await;
    let data = UpdateRuleRequestContent {
        name: Some("my-rule".parse().unwrap()),
        ..Default::default()
    };
    let r = client(&server).update_rule("r1", &data).await.unwrap();
    assert_eq!(r.name.as_deref(), Some("my-rule"));
    m.assert_async().await;
}

#[tokio::test]
async fn delete_rule() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(DELETE).is_true(exact("/api/v2/rules/r1", &[]));
            then.status(204);
        })
        .await;
    client(&server).delete_rule("r1").await.unwrap();
    m.assert_async().await;
}

#[tokio::test]
async fn empty_ids_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let c = client(&server);
    assert!(matches!(c.get_rule("").await, Err(Error::InvalidInput(_))));
    assert!(matches!(
        c.delete_rule(" ").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.update_rule("", &UpdateRuleRequestContent::default())
            .await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn get_rules_pages_with_offsets_and_totals() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, ids) in [("0", &["a", "b"][..]), ("1", &["c", "d"]), ("2", &["e"])] {
        let rules: Vec<_> = ids.iter().map(|id| rule(id)).collect();
        let start: u64 = page.parse::<u64>().unwrap() * 2;
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).is_true(exact(
                        "/api/v2/rules",
                        &[
                            ("enabled", "true"),
                            ("include_totals", "true"),
                            ("page", page),
                            ("per_page", "2"),
                        ],
                    ));
                    then.status(200)
                        .json_body(json!({"rules": rules, "start": start, "limit": 2, "total": 5}));
                })
                .await,
        );
    }
    let c = client(&server);
    let pages: Vec<_> = c
        .get_rules(GetRulesParams::new().enabled(true).per_page(2))
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].total, Some(5));
    let ids: Vec<_> = c
        .rules()
        .get_all(GetRulesParams::new().enabled(true).per_page(2))
        .items()
        .map_ok(|r| r.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    for m in &mocks {
        assert_eq!(m.calls_async().await, 2);
    }
}

#[tokio::test]
async fn get_rules_accepts_a_bare_array() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/rules",
                &[
                    ("fields", "id"),
                    ("include_fields", "false"),
                    ("include_totals", "true"),
                    ("page", "0"),
                    ("per_page", "50"),
                ],
            ));
            then.status(200).json_body(json!([rule("a")]));
        })
        .await;
    let all = client(&server)
        .get_rules(GetRulesParams::new().fields(["id"]).include_fields(false))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn api_errors_are_mapped() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules/missing");
            then.status(404).json_body(json!({
                "statusCode": 404, "error": "Not Found", "message": "The rule does not exist.", "errorCode": "inexistent_rule"
            }));
        })
        .await;
    let err = client(&server).get_rule("missing").await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 404, error_code: Some(c), .. } if c == "inexistent_rule"),
        "{err:?}"
    );
}

#[tokio::test]
async fn without_totals_the_listing_stops_at_a_short_page() {
    let server = MockServer::start_async().await;
    let full = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/rules",
                &[
                    ("include_totals", "false"),
                    ("page", "0"),
                    ("per_page", "2"),
                ],
            ));
            then.status(200).json_body(json!([rule("a"), rule("b")]));
        })
        .await;
    let short = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/rules",
                &[
                    ("include_totals", "false"),
                    ("page", "1"),
                    ("per_page", "2"),
                ],
            ));
            then.status(200).json_body(json!([rule("c")]));
        })
        .await;
    let all = client(&server)
        .get_rules(GetRulesParams::new().per_page(2).include_totals(false))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(full.calls_async().await, 1);
    assert_eq!(short.calls_async().await, 1);
}
