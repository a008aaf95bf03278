//! `client.device_credentials()` and the seed's device credential methods.

use auth0_management::Error;
use auth0_management::api::types::{
    CreatePublicKeyDeviceCredentialRequestContent, PublicKeyCredentialTypeEnum,
};
use auth0_management::managers::device_credentials::GetDeviceCredentialsParams;
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

#[tokio::test]
async fn get_device_credentials_pages_with_filters() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, ids) in [("0", &["d1", "d2"][..]), ("1", &["d3"])] {
        let items: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "device_name": "Phone", "type": "refresh_token", "user_id": "auth0|u1"}))
            .collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).is_true(exact(
                        "/api/v2/device-credentials",
                        &[
                            ("user_id", "auth0|u1"),
                            ("client_id", "c1"),
                            ("type", "refresh_token"),
                            ("fields", "id,device_name"),
                            ("include_fields", "true"),
                            ("include_totals", "true"),
                            ("page", page),
                            ("per_page", "2"),
                        ],
                    ));
                    then.status(200).json_body(
                        json!({"device_credentials": items, "start": page.parse::<u64>().unwrap() * 2, "limit": 2, "total": 3}),
                    );
                })
                .await,
        );
    }
    let params = GetDeviceCredentialsParams::new()
        .user_id("auth0|u1")
        .client_id("c1")
        .credential_type("refresh_token")
        .fields(["id", "device_name"])
        .include_fields(true)
        .per_page(2);
    let ids: Vec<_> = client(&server)
        .get_device_credentials(params)
        .items()
        .map_ok(|d| d.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["d1", "d2", "d3"]);
    for m in &mocks {
        assert_eq!(m.calls_async().await, 1);
    }
}

#[tokio::test]
async fn create_device_public_key_posts_the_body() {
    let server = MockServer::start_async().await;
    let body = json!({"device_name": "Phone", "device_id": "0a1b2c3d", "type": "public_key", "value": "KEY"});
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/device-credentials", &[]))
                .json_body(body.clone());
            then.status(201).json_body(json!({"id": "dcr_1"}));
        })
        .await;
    let data = new_key();
    let created = client(&server)
        .create_device_public_key(&data)
        .await
        .unwrap();
    assert_eq!(created.id, "dcr_1");
    m.assert_async().await;
}

#[tokio::test]
async fn delete_device_credential_encodes_the_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/device-credentials/dcr%7Ca%20b%2Fc", &[]));
            then.status(204);
        })
        .await;
    let c = client(&server);
    c.delete_device_credential("dcr|a b/c").await.unwrap();
    assert!(matches!(
        c.delete_device_credential("").await,
        Err(Error::InvalidInput(_))
    ));
    m.assert_async().await;
}

fn new_key() -> CreatePublicKeyDeviceCredentialRequestContent {
    CreatePublicKeyDeviceCredentialRequestContent {
        client_id: None,
        device_id: "0a1b2c3d".parse().unwrap(),
        device_name: "Phone".parse().unwrap(),
        type_: PublicKeyCredentialTypeEnum::PublicKey,
        value: "KEY".parse().unwrap(),
    }
}
