//! `client.connections()` and the seed's connection methods against a local mock server.

use auth0_management::Error;
use auth0_management::api::types::{
    ConnectionStrategyEnum, CreateConnectionRequestContent, IdentityProviderEnum,
    UpdateConnectionRequestContent,
};
use auth0_management::managers::connections::{GetConnectionParams, GetConnectionsParams};
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn conn(id: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("db-{id}"), "strategy": "auth0", "realms": ["db"], "enabled_clients": ["c1"]})
}

#[tokio::test]
async fn get_connection_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .header("authorization", "Bearer tok")
                .is_true(exact("/api/v2/connections/con%7Ca%20b%2Fc", &[]));
            then.status(200).json_body(conn("con|a b/c"));
        })
        .await;
    let c = client(&server).get_connection("con|a b/c").await.unwrap();
    assert_eq!(c.id.as_deref(), Some("con|a b/c"));
    assert_eq!(c.strategy.as_deref(), Some("auth0"));
    assert_eq!(c.enabled_clients, ["c1"]);
    m.assert_async().await;
}

#[tokio::test]
async fn get_with_fields() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/connections/con_1",
                &[("fields", "id,options"), ("include_fields", "false")],
            ));
            then.status(200).json_body(json!({"id": "con_1"}));
        })
        .await;
    let c = client(&server)
        .connections()
        .get_with(
            "con_1",
            &GetConnectionParams::new()
                .fields(["id", "options"])
                .include_fields(false),
        )
        .await
        .unwrap();
    assert_eq!(c.id.as_deref(), Some("con_1"));
    m.assert_async().await;
}

#[tokio::test]
async fn create_update_delete() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/connections", &[]))
                .json_body(json!({"name": "my-db", "strategy": "auth0"}));
            then.status(201).json_body(conn("con_1"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/connections/con_1", &[]))
                .json_body(json!({"show_as_button": true}));
            then.status(200)
                .json_body(json!({"id": "con_1", "show_as_button": true}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/connections/con_1", &[]));
            then.status(202);
        })
        .await;
    let c = client(&server);
    let data = new_connection();
    assert_eq!(
        c.create_connection(&data).await.unwrap().id.as_deref(),
        Some("con_1")
    );
    let data = UpdateConnectionRequestContent {
        show_as_button: Some(true),
        ..Default::default()
    };
    assert_eq!(
        c.update_connection("con_1", &data)
            .await
            .unwrap()
            .show_as_button,
        Some(true)
    );
    c.delete_connection("con_1").await.unwrap();
    for m in [create, update, delete] {
        m.assert_async().await;
    }
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
    assert!(matches!(
        c.get_connection("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.delete_connection("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.update_connection("", &UpdateConnectionRequestContent::default())
            .await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn get_connections_offset_pages_with_every_filter() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, ids) in [("0", &["a", "b"][..]), ("1", &["c"])] {
        let items: Vec<_> = ids.iter().map(|id| conn(id)).collect();
        let start = page.parse::<u64>().unwrap() * 2;
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).is_true(exact(
                        "/api/v2/connections",
                        &[
                            ("strategy", "auth0"),
                            ("strategy", "google-oauth2"),
                            ("name", "db"),
                            ("fields", "id,name"),
                            ("include_fields", "true"),
                            ("include_totals", "true"),
                            ("page", page),
                            ("per_page", "2"),
                        ],
                    ));
                    then.status(200).json_body(
                        json!({"connections": items, "start": start, "limit": 2, "total": 3}),
                    );
                })
                .await,
        );
    }
    let params = GetConnectionsParams::new()
        .strategy([
            ConnectionStrategyEnum::Auth0,
            ConnectionStrategyEnum::GoogleOauth2,
        ])
        .name("db")
        .fields(["id", "name"])
        .include_fields(true)
        .per_page(2);
    let ids: Vec<_> = client(&server)
        .get_connections(params)
        .items()
        .map_ok(|c| c.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    for m in &mocks {
        assert_eq!(m.calls_async().await, 1);
    }
}

#[tokio::test]
async fn get_connections_checkpoint_follows_next() {
    let server = MockServer::start_async().await;
    let p1 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/connections",
                &[("strategy", "auth0"), ("take", "2")],
            ));
            then.status(200)
                .json_body(json!({"connections": [conn("a"), conn("b")], "next": "n1"}));
        })
        .await;
    let p2 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/connections",
                &[("strategy", "auth0"), ("take", "2"), ("from", "n1")],
            ));
            then.status(200)
                .json_body(json!({"connections": [conn("c")]}));
        })
        .await;
    let pages: Vec<_> = client(&server)
        .connections()
        .get_all(
            GetConnectionsParams::new()
                .strategy([ConnectionStrategyEnum::Auth0])
                .take(2),
        )
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].next.as_deref(), Some("n1"));
    assert_eq!(pages[1].items.len(), 1);
    for m in [p1, p2] {
        assert_eq!(m.calls_async().await, 1);
    }
}

fn new_connection() -> CreateConnectionRequestContent {
    CreateConnectionRequestContent {
        authentication: None,
        connected_accounts: None,
        cross_app_access_requesting_app: None,
        display_name: None,
        enabled_clients: Vec::new(),
        is_domain_connection: None,
        metadata: None,
        name: "my-db".parse().unwrap(),
        options: None,
        realms: Vec::new(),
        show_as_button: None,
        strategy: IdentityProviderEnum::Auth0,
    }
}
