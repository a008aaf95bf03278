//! `client.resource_servers()` and the seed's resource server methods.

use auth0_management::Error;
use auth0_management::api::types::{
    CreateResourceServerRequestContent, UpdateResourceServerRequestContent,
};
use auth0_management::managers::resource_servers::GetResourceServersParams;
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn api(id: &str) -> serde_json::Value {
    json!({"id": id, "identifier": format!("https://{id}.example.com/"), "name": format!("api {id}"), "scopes": [{"value": "read:x"}]})
}

#[tokio::test]
async fn get_resource_server_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/resource-servers/https:%2F%2Fapi.example.com%2F",
                &[],
            ));
            then.status(200).json_body(api("rs1"));
        })
        .await;
    let rs = client(&server)
        .get_resource_server("https://api.example.com/")
        .await
        .unwrap();
    assert_eq!(rs.id.as_deref(), Some("rs1"));
    m.assert_async().await;
}

#[tokio::test]
async fn get_with_include_fields() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/resource-servers/rs1",
                &[("include_fields", "true")],
            ));
            then.status(200).json_body(api("rs1"));
        })
        .await;
    let rs = client(&server)
        .resource_servers()
        .get_with("rs1", true)
        .await
        .unwrap();
    assert_eq!(rs.name.as_deref(), Some("api rs1"));
    m.assert_async().await;
}

#[tokio::test]
async fn create_update_delete() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/resource-servers", &[]))
                .json_body(json!({"identifier": "https://rs1.example.com/", "name": "api rs1"}));
            then.status(201).json_body(api("rs1"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/resource-servers/rs1", &[]))
                .json_body(json!({"name": "newResourceServerName"}));
            then.status(201)
                .json_body(json!({"id": "rs1", "name": "newResourceServerName"}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/resource-servers/rs1", &[]));
            then.status(204);
        })
        .await;
    let c = client(&server);
    let data = new_api();
    assert_eq!(
        c.create_resource_server(&data).await.unwrap().id.as_deref(),
        Some("rs1")
    );
    let data = UpdateResourceServerRequestContent {
        name: Some("newResourceServerName".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(
        c.update_resource_server("rs1", &data)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("newResourceServerName")
    );
    c.delete_resource_server("rs1").await.unwrap();
    for m in [create, update, delete] {
        m.assert_async().await;
    }
}

#[tokio::test]
async fn empty_ids_are_refused() {
    let server = MockServer::start_async().await;
    let c = client(&server);
    assert!(matches!(
        c.get_resource_server("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.delete_resource_server("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.update_resource_server("", &UpdateResourceServerRequestContent::default())
            .await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn get_resource_servers_pages_with_identifiers() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, ids) in [("1", &["b", "c"][..]), ("2", &["d", "e"]), ("3", &[])] {
        let items: Vec<_> = ids.iter().map(|id| api(id)).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).is_true(exact(
                        "/api/v2/resource-servers",
                        &[
                            ("identifiers", "urn:a"),
                            ("identifiers", "urn:b"),
                            ("include_fields", "true"),
                            ("include_totals", "true"),
                            ("page", page),
                            ("per_page", "2"),
                        ],
                    ));
                    // No total: the listing ends at the empty page.
                    then.status(200)
                        .json_body(json!({"resource_servers": items}));
                })
                .await,
        );
    }
    let params = GetResourceServersParams::new()
        .identifiers(["urn:a", "urn:b"])
        .include_fields(true)
        .page(1)
        .per_page(2);
    let ids: Vec<_> = client(&server)
        .get_resource_servers(params)
        .items()
        .map_ok(|rs| rs.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["b", "c", "d", "e"]);
    for m in &mocks {
        assert_eq!(m.calls_async().await, 1);
    }
}

fn new_api() -> CreateResourceServerRequestContent {
    CreateResourceServerRequestContent {
        allow_offline_access: None,
        allow_online_access: None,
        allow_online_access_with_ephemeral_sessions: None,
        authorization_details: None,
        authorization_policy: None,
        consent_policy: None,
        enforce_policies: None,
        identifier: "https://rs1.example.com/".parse().unwrap(),
        name: Some("api rs1".parse().unwrap()),
        proof_of_possession: None,
        scopes: Vec::new(),
        signing_alg: None,
        signing_secret: None,
        skip_consent_for_verifiable_first_party_clients: None,
        subject_type_authorization: None,
        token_dialect: None,
        token_encryption: None,
        token_lifetime: None,
    }
}
