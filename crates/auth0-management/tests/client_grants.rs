//! `client.client_grants()` against a local mock server.

use auth0_management::Error;
use auth0_management::api::types::{
    ClientGrantDefaultForEnum, CreateClientGrantRequestContent, UpdateClientGrantRequestContent,
};
use auth0_management::managers::client_grants::GetClientGrantsParams;
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn grant(id: &str) -> serde_json::Value {
    json!({"id": id, "client_id": "c1", "audience": "https://api.example.com/", "scope": ["read:x"]})
}

#[tokio::test]
async fn get_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/client-grants/cgr%7Ca%20b%2Fc", &[]));
            then.status(200).json_body(grant("cgr|a b/c"));
        })
        .await;
    let g = client(&server)
        .client_grants()
        .get("cgr|a b/c")
        .await
        .unwrap();
    assert_eq!(g.id.as_deref(), Some("cgr|a b/c"));
    assert_eq!(g.scope.len(), 1);
    m.assert_async().await;
}

#[tokio::test]
async fn create_update_delete() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/client-grants", &[]))
                .json_body(json!({"client_id": "c1", "audience": "https://api.example.com/", "scope": ["read:x"]}));
            then.status(201).json_body(grant("cgr_1"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/client-grants/cgr_1", &[]))
                .json_body(json!({"allow_all_scopes": true}));
            then.status(200)
                .json_body(json!({"id": "cgr_1", "allow_all_scopes": true}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/client-grants/cgr_1", &[]));
            then.status(204);
        })
        .await;
    let grants = client(&server).client_grants();
    let data = new_grant();
    assert_eq!(
        grants.create(&data).await.unwrap().id.as_deref(),
        Some("cgr_1")
    );
    let data = UpdateClientGrantRequestContent {
        allow_all_scopes: Some(true),
        ..Default::default()
    };
    assert_eq!(
        grants
            .update("cgr_1", &data)
            .await
            .unwrap()
            .allow_all_scopes,
        Some(true)
    );
    grants.delete("cgr_1").await.unwrap();
    for m in [create, update, delete] {
        m.assert_async().await;
    }
}

#[tokio::test]
async fn empty_ids_are_refused() {
    let server = MockServer::start_async().await;
    let grants = client(&server).client_grants();
    assert!(matches!(grants.get("").await, Err(Error::InvalidInput(_))));
    assert!(matches!(
        grants.delete("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        grants
            .update("", &UpdateClientGrantRequestContent::default())
            .await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn get_all_offset_with_filters() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/client-grants",
                &[
                    ("audience", "https://api.example.com/"),
                    ("client_id", "c1"),
                    ("allow_any_organization", "true"),
                    ("subject_type", "client"),
                    ("default_for", "third_party_clients"),
                    ("include_totals", "true"),
                    ("page", "0"),
                    ("per_page", "50"),
                ],
            ));
            then.status(200).json_body(
                json!({"client_grants": [grant("g1")], "start": 0, "limit": 50, "total": 1}),
            );
        })
        .await;
    let params = GetClientGrantsParams::new()
        .audience("https://api.example.com/")
        .client_id("c1")
        .allow_any_organization(true)
        .subject_type("client")
        .default_for(ClientGrantDefaultForEnum::ThirdPartyClients);
    let all = client(&server)
        .client_grants()
        .get_all(params)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    m.assert_async().await;
}

#[tokio::test]
async fn get_all_checkpoint_follows_next() {
    let server = MockServer::start_async().await;
    let p1 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/client-grants",
                &[("client_id", "c1"), ("from", "start"), ("take", "1")],
            ));
            then.status(200)
                .json_body(json!({"client_grants": [grant("g1")], "next": "n1"}));
        })
        .await;
    let p2 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/client-grants",
                &[("client_id", "c1"), ("from", "n1"), ("take", "1")],
            ));
            then.status(200).json_body(json!({"client_grants": []}));
        })
        .await;
    let ids: Vec<_> = client(&server)
        .client_grants()
        .get_all(
            GetClientGrantsParams::new()
                .client_id("c1")
                .from("start")
                .take(1),
        )
        .items()
        .map_ok(|g| g.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["g1"]);
    for m in [p1, p2] {
        assert_eq!(m.calls_async().await, 1);
    }
}

fn new_grant() -> CreateClientGrantRequestContent {
    CreateClientGrantRequestContent {
        allow_all_scopes: None,
        allow_any_organization: None,
        audience: "https://api.example.com/".parse().unwrap(),
        authorization_details_types: Vec::new(),
        client_id: Some("c1".into()),
        default_for: None,
        organization_usage: None,
        scope: vec!["read:x".parse().unwrap()],
        subject_type: None,
    }
}
