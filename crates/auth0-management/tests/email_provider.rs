//! `client.email_provider()` and the seed's email provider methods.

use auth0_management::api::types::{
    CreateEmailProviderRequestContent, EmailProviderCredentialsSchema,
    EmailProviderCredentialsSchemaSubtype0, EmailProviderNameEnum,
    UpdateEmailProviderRequestContent,
};
use auth0_management::managers::email_provider::GetEmailProviderParams;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

#[tokio::test]
async fn get_email_provider() {
    let server = MockServer::start_async().await;
    let plain = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/emails/provider", &[]));
            then.status(200).json_body(json!({
                "name": "sendgrid", "enabled": true, "default_from_address": "no-reply@example.com",
                "credentials": {"api_user": "u"}, "settings": {}
            }));
        })
        .await;
    let with_fields = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/emails/provider",
                &[("fields", "name,enabled"), ("include_fields", "true")],
            ));
            then.status(200)
                .json_body(json!({"name": "mailgun", "enabled": false}));
        })
        .await;
    let c = client(&server);
    let p = c.get_email_provider().await.unwrap();
    assert_eq!(p.name.as_deref(), Some("sendgrid"));
    assert_eq!(p.enabled, Some(true));
    assert_eq!(
        p.default_from_address.as_deref(),
        Some("no-reply@example.com")
    );
    let p = c
        .email_provider()
        .get(
            &GetEmailProviderParams::new()
                .fields(["name", "enabled"])
                .include_fields(true),
        )
        .await
        .unwrap();
    assert_eq!(p.name.as_deref(), Some("mailgun"));
    plain.assert_async().await;
    with_fields.assert_async().await;
}

#[tokio::test]
async fn configure_update_delete() {
    let server = MockServer::start_async().await;
    let body = json!({
        "name": "sendgrid", "enabled": true, "default_from_address": "no-reply@example.com",
        "credentials": {"api_key": "SG.key"}
    });
    let configure = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/emails/provider", &[]))
                .json_body(body.clone());
            then.status(201)
                .json_body(json!({"name": "sendgrid", "enabled": true}));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/emails/provider", &[]))
                .json_body(json!({"enabled": false}));
            then.status(200)
                .json_body(json!({"name": "sendgrid", "enabled": false}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/emails/provider", &[]));
            then.status(204);
        })
        .await;
    let c = client(&server);
    let data = new_provider();
    assert_eq!(
        c.configure_email_provider(&data).await.unwrap().enabled,
        Some(true)
    );
    let data = UpdateEmailProviderRequestContent {
        enabled: Some(false),
        ..Default::default()
    };
    assert_eq!(
        c.update_email_provider(&data).await.unwrap().enabled,
        Some(false)
    );
    c.delete_email_provider().await.unwrap();
    for m in [configure, update, delete] {
        m.assert_async().await;
    }
}

fn new_provider() -> CreateEmailProviderRequestContent {
    CreateEmailProviderRequestContent {
        credentials: EmailProviderCredentialsSchema {
            subtype_0: Some(EmailProviderCredentialsSchemaSubtype0 {
                api_key: "SG.key".parse().unwrap(),
            }),
            ..Default::default()
        },
        default_from_address: Some("no-reply@example.com".into()),
        enabled: Some(true),
        name: EmailProviderNameEnum::Sendgrid,
        settings: Default::default(),
    }
}
