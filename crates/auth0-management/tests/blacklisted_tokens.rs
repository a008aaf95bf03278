//! `client.blacklisted_tokens()` and the seed's blacklist methods.

use auth0_management::api::types::BlacklistTokenRequestContent;
use auth0_management::managers::blacklisted_tokens::GetBlacklistedTokensParams;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

#[tokio::test]
async fn get_blacklisted_tokens() {
    let server = MockServer::start_async().await;
    let all = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/blacklists/tokens", &[]));
            then.status(200)
                .json_body(json!([{"aud": "c1", "jti": "j1"}, {"jti": "j2"}]));
        })
        .await;
    let by_aud = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/blacklists/tokens", &[("aud", "c 1")]));
            then.status(200)
                .json_body(json!([{"aud": "c 1", "jti": "j3"}]));
        })
        .await;
    let c = client(&server);
    let tokens = c.get_blacklisted_tokens().await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].aud.as_deref(), Some("c1"));
    assert_eq!(tokens[1].jti, "j2");
    let tokens = c
        .blacklisted_tokens()
        .get_all(&GetBlacklistedTokensParams::new().aud("c 1"))
        .await
        .unwrap();
    assert_eq!(tokens[0].jti, "j3");
    all.assert_async().await;
    by_aud.assert_async().await;
}

#[tokio::test]
async fn blacklist_token_posts_the_body() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/blacklists/tokens", &[]))
                .json_body(json!({"aud": "aud", "jti": "jti"}));
            then.status(204); // what Auth0 answers (the spec once said 201; both are accepted)
        })
        .await;
    let token = BlacklistTokenRequestContent {
        aud: Some("aud".parse().unwrap()),
        jti: "jti".parse().unwrap(),
    };
    client(&server).blacklist_token(&token).await.unwrap();
    m.assert_async().await;
}
