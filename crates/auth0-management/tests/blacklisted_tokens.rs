//! `client.blacklisted_tokens()` and the seed's blacklist methods.

use auth0_management::ManagementClient;
use auth0_management::api::types::BlacklistTokenRequestContent;
use auth0_management::managers::blacklisted_tokens::GetBlacklistedTokensParams;
use httpmock::prelude::*;
use serde_json::json;

fn client(server: &MockServer) -> ManagementClient {
    ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(server.base_url())
        .token("tok")
        .max_retries(0)
        .build()
        .unwrap()
}

/// Matches the raw (percent-encoded) path and exactly these query pairs (any order).
fn exact(
    path: &str,
    query: &[(&str, &str)],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let path = path.to_owned();
    let mut want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.sort();
    move |req| {
        let uri = req.uri().to_string();
        let url = if uri.starts_with('/') {
            reqwest::Url::parse(&format!("http://h{uri}")).unwrap()
        } else {
            reqwest::Url::parse(&uri).unwrap()
        };
        let mut got: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        let ok = url.path() == path && got == want;
        if !ok {
            eprintln!("request {} {got:?} != expected {path} {want:?}", url.path());
        }
        ok
    }
}

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
            then.status(201);
        })
        .await;
    let token = BlacklistTokenRequestContent {
        aud: Some("aud".parse().unwrap()),
        jti: "jti".parse().unwrap(),
    };
    client(&server).blacklist_token(&token).await.unwrap();
    m.assert_async().await;
}
