//! `client.tenant()` and the seed's tenant settings methods.

use auth0_management::api::types::UpdateTenantSettingsRequestContent;
use auth0_management::managers::tenant::GetTenantSettingsParams;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

#[tokio::test]
async fn get_tenant_settings() {
    let server = MockServer::start_async().await;
    let plain = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/tenants/settings", &[]));
            then.status(200).json_body(json!({
                "friendly_name": "Example", "support_email": "support@example.com",
                "allowed_logout_urls": ["https://example.com/"], "a_field_added_later": {"x": 1}
            }));
        })
        .await;
    let with_fields = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/tenants/settings",
                &[("fields", "friendly_name"), ("include_fields", "true")],
            ));
            then.status(200).json_body(json!({"friendly_name": "Only"}));
        })
        .await;
    let c = client(&server);
    let s = c.get_tenant_settings().await.unwrap();
    assert_eq!(s.friendly_name.as_deref(), Some("Example"));
    assert_eq!(s.allowed_logout_urls, ["https://example.com/"]);
    let s = c
        .tenant()
        .get_settings(
            &GetTenantSettingsParams::new()
                .fields(["friendly_name"])
                .include_fields(true),
        )
        .await
        .unwrap();
    assert_eq!(s.friendly_name.as_deref(), Some("Only"));
    plain.assert_async().await;
    with_fields.assert_async().await;
}

#[tokio::test]
async fn update_tenant_settings_patches() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/tenants/settings", &[]))
                .json_body(json!({"friendly_name": "New", "support_email": "help@example.com"}));
            then.status(200)
                .json_body(json!({"friendly_name": "New", "support_email": "help@example.com"}));
        })
        .await;
    let data = UpdateTenantSettingsRequestContent {
        friendly_name: Some("New".into()),
        support_email: Some("help@example.com".into()),
        ..Default::default()
    };
    let s = client(&server).update_tenant_settings(&data).await.unwrap();
    assert_eq!(s.support_email.as_deref(), Some("help@example.com"));
    m.assert_async().await;
}
