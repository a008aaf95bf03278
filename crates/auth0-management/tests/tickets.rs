//! `client.tickets()` and the seed's ticket methods against a local mock server.

use auth0_management::Error;
use auth0_management::api::types::{
    ChangePasswordTicketRequestContent, VerifyEmailTicketRequestContent,
};
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::client;

#[tokio::test]
async fn email_verification_ticket() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets/email-verification")
                .header("authorization", "Bearer tok")
                .json_body(json!({
                    "user_id": "auth0|abc",
                    "result_url": "https://example.com/verified",
                    "ttl_sec": 3600,
                }));
            then.status(201).json_body(
                json!({"ticket": "https://tenant.auth0.com/tickets/email-verification?ticket=T1"}),
            );
        })
        .await;
    let t = client(&server)
        .create_email_verification_ticket(&VerifyEmailTicketRequestContent {
            user_id: "auth0|abc".into(),
            result_url: Some("https://example.com/verified".into()),
            ttl_sec: Some(3600),
            client_id: None,
            identity: None,
            include_email_in_redirect: None,
            organization_id: None,
        })
        .await
        .unwrap();
    assert!(t.ticket.ends_with("ticket=T1"));
    m.assert_async().await;
}

#[tokio::test]
async fn password_change_ticket() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets/password-change")
                .json_body(json!({
                    "user_id": "auth0|abc",
                    "result_url": "https://example.com/done",
                    "mark_email_as_verified": true,
                }));
            then.status(201)
                .json_body(json!({"ticket": "https://tenant.auth0.com/lo/reset?ticket=T2"}));
        })
        .await;
    let bad = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/tickets/password-change")
                .json_body(json!({"email": "nobody@example.com"}));
            then.status(404).json_body(json!({
                "statusCode": 404, "error": "Not Found", "message": "User not found",
                "errorCode": "inexistent_user"
            }));
        })
        .await;
    let c = client(&server);
    let t = c
        .tickets()
        .create_password_change_ticket(&ChangePasswordTicketRequestContent {
            user_id: Some("auth0|abc".into()),
            result_url: Some("https://example.com/done".into()),
            mark_email_as_verified: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(t.ticket.ends_with("ticket=T2"));
    let err = c
        .create_password_change_ticket(&ChangePasswordTicketRequestContent {
            email: Some("nobody@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err:?}");
    m.assert_async().await;
    bad.assert_async().await;
}
