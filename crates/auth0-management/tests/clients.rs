//! `client.clients()` and the seed's client methods against a local mock server.

use auth0_management::Error;
use auth0_management::api::types::UpdateClientRequestContent;
use auth0_management::managers::clients::{GetClientParams, GetClientsParams};
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact, new_app};

fn app(id: &str) -> serde_json::Value {
    json!({"client_id": id, "name": format!("app-{id}"), "app_type": "spa", "is_first_party": true})
}

#[tokio::test]
async fn get_client_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .header("authorization", "Bearer tok")
                .is_true(exact("/api/v2/clients/a%7Cb%20c%2Fd", &[]));
            then.status(200).json_body(app("a|b c/d"));
        })
        .await;
    let a = client(&server).get_client("a|b c/d").await.unwrap();
    assert_eq!(a.client_id.as_deref(), Some("a|b c/d"));
    assert_eq!(a.name.as_deref(), Some("app-a|b c/d"));
    m.assert_async().await;
}

#[tokio::test]
async fn get_with_fields() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/clients/c1",
                &[("fields", "name"), ("include_fields", "true")],
            ));
            then.status(200).json_body(json!({"name": "n"}));
        })
        .await;
    let a = client(&server)
        .clients()
        .get_with(
            "c1",
            &GetClientParams::new().fields(["name"]).include_fields(true),
        )
        .await
        .unwrap();
    assert_eq!(a.name.as_deref(), Some("n"));
    m.assert_async().await;
}

#[tokio::test]
async fn create_update_delete_rotate() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/clients", &[]))
                .json_body(json!({"name": "My app", "app_type": "spa"}));
            then.status(201).json_body(app("c1"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/clients/c1", &[]))
                .json_body(json!({"name": "newClientName"}));
            then.status(200)
                .json_body(json!({"client_id": "c1", "name": "newClientName"}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/clients/c1", &[]));
            then.status(204);
        })
        .await;
    let rotate = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/clients/c1/rotate-secret", &[]));
            then.status(200)
                .json_body(json!({"client_id": "c1", "client_secret": "new"}));
        })
        .await;
    let c = client(&server);
    let data = new_app();
    assert_eq!(
        c.create_client(&data).await.unwrap().client_id.as_deref(),
        Some("c1")
    );
    let data = UpdateClientRequestContent {
        name: Some("newClientName".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(
        c.update_client("c1", &data).await.unwrap().name.as_deref(),
        Some("newClientName")
    );
    c.delete_client("c1").await.unwrap();
    let rotated = c.clients().rotate_secret("c1").await.unwrap();
    assert_eq!(rotated.client_secret.as_deref(), Some("new"));
    for m in [create, update, delete, rotate] {
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
        c.get_client("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.delete_client("").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.update_client("", &UpdateClientRequestContent::default())
            .await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.clients().rotate_secret("..").await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn get_clients_offset_sends_every_filter() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/clients",
                &[
                    ("fields", "client_id,name"),
                    ("include_fields", "true"),
                    ("app_type", "spa,native"),
                    ("is_first_party", "true"),
                    ("is_global", "false"),
                    ("external_client_id", "ext-1"),
                    ("q", "name:app*"),
                    ("include_totals", "true"),
                    ("page", "0"),
                    ("per_page", "50"),
                ],
            ));
            then.status(200).json_body(
                json!({"clients": [app("a"), app("b")], "start": 0, "limit": 50, "total": 2}),
            );
        })
        .await;
    let params = GetClientsParams::new()
        .fields(["client_id", "name"])
        .include_fields(true)
        .app_type(["spa", "native"])
        .is_first_party(true)
        .is_global(false)
        .external_client_id("ext-1")
        .q("name:app*");
    let page = client(&server)
        .get_clients(params)
        .first_page()
        .await
        .unwrap();
    assert_eq!(page.total, Some(2));
    let ids: Vec<_> = page
        .items
        .iter()
        .map(|a| a.client_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    m.assert_async().await;
}

#[tokio::test]
async fn invalid_external_client_id_is_refused() {
    let server = MockServer::start_async().await;
    let err = client(&server)
        .get_clients(GetClientsParams::new().external_client_id(""))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn get_clients_checkpoint_follows_next_across_pages() {
    let server = MockServer::start_async().await;
    let p1 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/clients",
                &[("take", "2"), ("is_global", "false")],
            ));
            then.status(200)
                .json_body(json!({"clients": [app("a"), app("b")], "next": "cur 1"}));
        })
        .await;
    let p2 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/clients",
                &[("take", "2"), ("is_global", "false"), ("from", "cur 1")],
            ));
            then.status(200)
                .json_body(json!({"clients": [app("c"), app("d")], "next": "cur2"}));
        })
        .await;
    let p3 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/clients",
                &[("take", "2"), ("is_global", "false"), ("from", "cur2")],
            ));
            then.status(200).json_body(json!({"clients": [app("e")]}));
        })
        .await;
    let ids: Vec<_> = client(&server)
        .clients()
        .get_all(GetClientsParams::new().take(2).is_global(false))
        .items()
        .map_ok(|a| a.client_id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    for m in [p1, p2, p3] {
        assert_eq!(m.calls_async().await, 1);
    }
}

#[tokio::test]
async fn checkpoint_errors_are_mapped() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/clients");
            then.status(403).json_body(json!({
                "statusCode": 403, "error": "Forbidden", "message": "Insufficient scope", "errorCode": "insufficient_scope"
            }));
        })
        .await;
    let err = client(&server)
        .get_clients(GetClientsParams::new().from("x"))
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 403, error_code: Some(c), .. } if c == "insufficient_scope"),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_checkpoint_page_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/clients");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"clients": [{"client_id": "a"}"#);
        })
        .await;
    let err = client(&server)
        .get_clients(GetClientsParams::new().take(10))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn offset_listing_refuses_to_pass_the_1000_record_limit() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!([]));
        })
        .await;
    let err = client(&server)
        .get_clients(GetClientsParams::new().page(20).per_page(50))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PaginationLimit { .. }), "{err:?}");
    assert_eq!(any.calls_async().await, 0);
}
