//! Tests against local servers (httpmock, or a raw TCP server for faults httpmock cannot make).
//!
//! Time: waits and token expiry run on a [`ManualClock`] (sleeps return at once and are
//! recorded; expiry moves with `advance`). A paused tokio clock is not used here because it
//! auto-advances while the runtime waits on real sockets, which fires request timeouts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use httpmock::prelude::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::clock::testing::ManualClock;
use crate::{
    AccessToken, BoxFuture, ClientInfo, Error, ManagementClient, ManagementClientBuilder,
    RetryPolicy, TokenCache, TokenSource, path_id,
};

const SECRET: &str = "csecret-DO-NOT-LEAK";
const DOMAIN: &str = "tenant.auth0.com";

fn builder(server: &MockServer, clock: &ManualClock) -> ManagementClientBuilder {
    ManagementClient::builder()
        .domain(DOMAIN)
        .base_url(server.base_url())
        .clock(Arc::new(clock.clone()))
}

fn cc_builder(server: &MockServer, clock: &ManualClock) -> ManagementClientBuilder {
    builder(server, clock).client_credentials("cid", SECRET)
}

fn token_request_body() -> serde_json::Value {
    json!({
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
        "audience": "https://tenant.auth0.com/api/v2/",
    })
}

async fn token_mock<'a>(
    server: &'a MockServer,
    token: &str,
    expires_in: u64,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth/token")
                .header("content-type", "application/json")
                .json_body(token_request_body());
            then.status(200).json_body(json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": expires_in,
            }));
        })
        .await
}

async fn rules_mock<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header("authorization", format!("Bearer {token}"));
            then.status(200).json_body(json!([]));
        })
        .await
}

async fn get_rules(client: &ManagementClient) -> Result<(), Error> {
    let api = client.api();
    client
        .call(api.get_rules(None, None, None, None, None, None))
        .await
        .map(|_| ())
}

async fn post_rule(client: &ManagementClient) -> Result<(), Error> {
    let body = auth0_management_api::types::CreateRuleRequestContent {
        enabled: None,
        name: "my-rule".parse().expect("valid name"),
        order: None,
        script: "function (user, context, cb) { cb(null, user, context); }"
            .parse()
            .expect("valid script"),
    };
    let api = client.api();
    client.call(api.post_rules(&body)).await.map(|_| ())
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_for_100_concurrent_cold_calls() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(json!({"access_token": "tok1", "expires_in": 86400}));
        })
        .await;
    let rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let c = client.clone();
        set.spawn(async move { get_rules(&c).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(rules.calls_async().await, 100);
}

#[tokio::test]
async fn concurrent_callers_share_a_failed_token_request() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(401)
                .delay(Duration::from_millis(100))
                .json_body(json!({"error": "access_denied", "error_description": "Unauthorized"}));
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let c = client.clone();
        set.spawn(async move { get_rules(&c).await });
    }
    while let Some(r) = set.join_next().await {
        let err = r.unwrap().unwrap_err();
        assert!(
            matches!(&err, Error::Auth { status: Some(401), error: Some(e), .. } if e == "access_denied"),
            "{err:?}"
        );
    }
    assert_eq!(token.calls_async().await, 1);
}

#[tokio::test]
async fn token_refreshed_leeway_before_expiry() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = token_mock(&server, "tok1", 100).await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    clock.advance(Duration::from_secs(89));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(1)); // 90 s = 100 s - 10 s leeway
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 2);

    // A custom leeway.
    let server = MockServer::start_async().await;
    let token = token_mock(&server, "tok1", 100).await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock)
        .leeway(Duration::from_secs(50))
        .build()
        .unwrap();
    get_rules(&client).await.unwrap();
    clock.advance(Duration::from_secs(49));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(1));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 2);
}

#[tokio::test]
async fn cache_ttl_overrides_expiry() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = token_mock(&server, "tok1", 86400).await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock)
        .cache_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    get_rules(&client).await.unwrap();
    clock.advance(Duration::from_secs(59));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(1));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 2);
}

#[tokio::test]
async fn disabled_cache_fetches_every_call() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = token_mock(&server, "tok1", 86400).await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock)
        .enable_cache(false)
        .build()
        .unwrap();
    for _ in 0..3 {
        get_rules(&client).await.unwrap();
    }
    assert_eq!(token.calls_async().await, 3);
}

#[tokio::test]
async fn expires_in_zero_is_not_cached_and_missing_is_an_hour() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = token_mock(&server, "tok1", 0).await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 2);

    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200).json_body(json!({"access_token": "tok1"}));
        })
        .await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    clock.advance(Duration::from_secs(3589));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(1));
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 2);
}

#[tokio::test]
async fn token_request_carries_scope_and_audience() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token").json_body(json!({
                "grant_type": "client_credentials",
                "client_id": "cid",
                "client_secret": SECRET,
                "audience": "https://custom/api/",
                "scope": "read:rules",
            }));
            then.status(200)
                .json_body(json!({"access_token": "tok1", "expires_in": 60}));
        })
        .await;
    let _rules = rules_mock(&server, "tok1").await;
    let client = cc_builder(&server, &clock)
        .scope("read:rules")
        .audience("https://custom/api/")
        .build()
        .unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
}

#[tokio::test]
async fn shared_cache_is_keyed_by_scope_and_secret() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": "tok1", "expires_in": 86400}));
        })
        .await;
    let cache = TokenCache::new();
    let a = cc_builder(&server, &clock)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let a2 = cc_builder(&server, &clock)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let b = cc_builder(&server, &clock)
        .scope("read:users")
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let c = builder(&server, &clock)
        .client_credentials("cid", "another-secret")
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let d = cc_builder(&server, &clock)
        .audience("https://other/")
        .token_cache(cache.clone())
        .build()
        .unwrap();
    for client in [&a, &a2, &b, &c, &d] {
        client.access_token().await.unwrap();
    }
    assert_eq!(token.calls_async().await, 4);
    cache.clear();
    a.access_token().await.unwrap();
    assert_eq!(token.calls_async().await, 5);
}

#[tokio::test]
async fn unauthorized_refreshes_token_and_retries_once() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let first = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": "tok1", "expires_in": 86400}));
        })
        .await;
    first.up_to_n_times_async(1).await;
    let second = token_mock(&server, "tok2", 86400).await;
    let stale = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header("authorization", "Bearer tok1");
            then.status(401).json_body(
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token"}),
            );
        })
        .await;
    let fresh = rules_mock(&server, "tok2").await;
    let client = cc_builder(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(second.calls_async().await, 1);
    assert_eq!(stale.calls_async().await, 1);
    assert_eq!(fresh.calls_async().await, 1);
    // The new token is cached.
    get_rules(&client).await.unwrap();
    assert_eq!(second.calls_async().await, 1);
}

#[tokio::test]
async fn persistent_unauthorized_is_retried_only_once() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": "tok1", "expires_in": 86400}));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(401).json_body(
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Bad audience"}),
            );
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 401, .. }), "{err:?}");
    // The same token came back: the call is not re-sent.
    assert_eq!(token.calls_async().await, 2);
    assert_eq!(api.calls_async().await, 1);

    // With a static token there is nothing to refresh.
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(401).json_body(json!({"statusCode": 401}));
        })
        .await;
    let client = builder(&server, &clock).token("static").build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 401, .. }), "{err:?}");
    assert_eq!(api.calls_async().await, 1);
}

#[tokio::test]
async fn unauthorized_then_token_endpoint_failure_reports_auth_error() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let first = token_mock(&server, "tok1", 86400).await;
    first.up_to_n_times_async(1).await;
    let _denied = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(403).json_body(
                json!({"error": "unauthorized_client", "error_description": "Grant disabled"}),
            );
        })
        .await;
    let _api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(401).json_body(json!({"statusCode": 401}));
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    match &err {
        Error::Auth {
            status,
            error,
            error_description,
        } => {
            assert_eq!(*status, Some(403));
            assert_eq!(error.as_deref(), Some("unauthorized_client"));
            assert_eq!(error_description.as_deref(), Some("Grant disabled"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn token_endpoint_errors_surface_without_the_secret() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let _token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(401)
                .json_body(json!({"error": "access_denied", "error_description": "Unauthorized"}));
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth { status: Some(401), error: Some(e), error_description: Some(d) }
            if e == "access_denied" && d == "Unauthorized"),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }

    // A body that is not OAuth JSON (and even echoes the secret) is quoted, redacted.
    let server = MockServer::start_async().await;
    let _token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(500)
                .body(format!(r#"{{"oops": true, "client_secret": "{SECRET}"}}"#));
        })
        .await;
    let client = cc_builder(&server, &clock).max_retries(0).build().unwrap();
    let err = client.access_token().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(500),
                ..
            }
        ),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("oops"), "{text}");
    }

    // A malformed success body is never quoted: it may hold the token.
    let server = MockServer::start_async().await;
    let _token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .body(r#"{"access_token": "eyJhbGciOi-LEAKED", "expires_in": true"#);
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    let err = client.access_token().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("LEAKED"), "{text}");
    }
}

struct CountingSource {
    calls: AtomicUsize,
    invalidated: AtomicUsize,
}

impl TokenSource for CountingSource {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(AccessToken::new(format!("custom{n}"))) })
    }

    fn invalidate(&self, token: &AccessToken) {
        assert!(token.expose_secret().starts_with("custom"));
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn custom_token_source_is_used_and_invalidated_on_401() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let stale = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header("authorization", "Bearer custom0");
            then.status(401).json_body(json!({"statusCode": 401}));
        })
        .await;
    let fresh = rules_mock(&server, "custom1").await;
    let source = Arc::new(CountingSource {
        calls: AtomicUsize::new(0),
        invalidated: AtomicUsize::new(0),
    });
    let client = builder(&server, &clock)
        .token_source(source.clone())
        .build()
        .unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(stale.calls_async().await, 1);
    assert_eq!(fresh.calls_async().await, 1);
    assert_eq!(source.invalidated.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------------------
// Retries

async fn throttled_then_ok<'a>(
    server: &'a MockServer,
    times: usize,
    headers: &[(&str, String)],
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            let mut then = then.status(429).json_body(json!({
                "statusCode": 429, "error": "Too Many Requests",
                "message": "Global limit has been reached", "errorCode": "too_many_requests"
            }));
            for (k, v) in headers {
                then = then.header(*k, v.clone());
            }
        })
        .await;
    limited.up_to_n_times_async(times).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(200).json_body(json!([]));
        })
        .await;
    (limited, ok)
}

fn static_client(server: &MockServer, clock: &ManualClock) -> ManagementClientBuilder {
    builder(server, clock).token("tok")
}

#[tokio::test]
async fn too_many_requests_waits_retry_after_seconds() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let (limited, ok) = throttled_then_ok(&server, 2, &[("retry-after", "2".to_owned())]).await;
    let client = static_client(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(limited.calls_async().await, 2);
    assert_eq!(ok.calls_async().await, 1);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn too_many_requests_waits_until_retry_after_date() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let at = httpdate::fmt_http_date(clock_system_now(&clock) + Duration::from_secs(5));
    let (_limited, _ok) = throttled_then_ok(&server, 1, &[("retry-after", at)]).await;
    let client = static_client(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] > Duration::from_secs(3) && sleeps[0] <= Duration::from_secs(5),
        "{sleeps:?}"
    );
}

fn clock_system_now(clock: &ManualClock) -> SystemTime {
    use crate::clock::Clock as _;
    clock.system_now()
}

#[tokio::test]
async fn too_many_requests_waits_until_ratelimit_reset() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let reset = clock_system_now(&clock)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3;
    let (_limited, _ok) = throttled_then_ok(
        &server,
        1,
        &[
            ("x-ratelimit-reset", reset.to_string()),
            ("x-ratelimit-limit", "50".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
        ],
    )
    .await;
    let client = static_client(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] > Duration::from_secs(2) && sleeps[0] <= Duration::from_secs(3),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn too_many_requests_without_headers_backs_off_with_jitter() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let (limited, _ok) = throttled_then_ok(&server, 3, &[]).await;
    let client = static_client(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(limited.calls_async().await, 3);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    for (i, s) in sleeps.iter().enumerate() {
        assert!(
            *s <= Duration::from_millis(500) * 2u32.pow(i as u32),
            "{sleeps:?}"
        );
    }
}

#[tokio::test]
async fn too_many_requests_exhausted_returns_rate_limited() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let (limited, _ok) = throttled_then_ok(
        &server,
        100,
        &[
            ("retry-after", "1".to_owned()),
            ("x-ratelimit-limit", "50".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", "1700000000".to_owned()),
        ],
    )
    .await;
    let client = static_client(&server, &clock).build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert_eq!(limited.calls_async().await, 4);
    match &err {
        Error::RateLimited {
            rate_limit,
            retry_after,
            message,
            error_code,
        } => {
            assert_eq!(rate_limit.limit, Some(50));
            assert_eq!(rate_limit.remaining, Some(0));
            assert_eq!(rate_limit.reset, Some(1_700_000_000));
            assert_eq!(*retry_after, Some(Duration::from_secs(1)));
            assert_eq!(message.as_deref(), Some("Global limit has been reached"));
            assert_eq!(error_code.as_deref(), Some("too_many_requests"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(429));
}

#[tokio::test]
async fn too_many_requests_with_a_long_wait_gives_up_at_once() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let (limited, _ok) =
        throttled_then_ok(&server, 100, &[("retry-after", "600".to_owned())]).await;
    let client = static_client(&server, &clock).build().unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(600)),
        "{err:?}"
    );
    assert_eq!(limited.calls_async().await, 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn too_many_requests_on_post_is_retried() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/rules");
            then.status(429).header("retry-after", "0");
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/rules")
                .json_body_includes(r#"{"name": "my-rule"}"#);
            then.status(201)
                .json_body(json!({"name": "my-rule", "id": "rul_1"}));
        })
        .await;
    let client = static_client(&server, &clock).build().unwrap();
    post_rule(&client).await.unwrap();
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test]
async fn server_errors_retried_for_get_not_for_post() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(503).json_body(json!({"statusCode": 503}));
        })
        .await;
    failing.up_to_n_times_async(2).await;
    let ok = rules_mock(&server, "tok").await;
    let client = static_client(&server, &clock).build().unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(failing.calls_async().await, 2);
    assert_eq!(ok.calls_async().await, 1);

    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/rules");
            then.status(503)
                .json_body(json!({"statusCode": 503, "message": "busy"}));
        })
        .await;
    let err = post_rule(&client).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    assert_eq!(post.calls_async().await, 1);
}

#[tokio::test]
async fn max_retries_respected_and_last_error_returned() {
    for (retries, expected_hits) in [(0u32, 1usize), (1, 2), (5, 6)] {
        let server = MockServer::start_async().await;
        let clock = ManualClock::new();
        let failing = server
            .mock_async(|when, then| {
                when.method(GET).path("/api/v2/rules");
                then.status(500).json_body(json!({
                    "statusCode": 500, "error": "Internal Server Error",
                    "message": "boom", "errorCode": "internal"
                }));
            })
            .await;
        let client = static_client(&server, &clock)
            .retry_policy(
                RetryPolicy::default()
                    .with_max_retries(retries)
                    .with_max_total_delay(Duration::from_secs(600)),
            )
            .build()
            .unwrap();
        let err = get_rules(&client).await.unwrap_err();
        assert_eq!(failing.calls_async().await, expected_hits);
        match err {
            Error::Api {
                status,
                error,
                error_code,
                message,
                ..
            } => {
                assert_eq!(status, 500);
                assert_eq!(error.as_deref(), Some("Internal Server Error"));
                assert_eq!(error_code.as_deref(), Some("internal"));
                assert_eq!(message.as_deref(), Some("boom"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(clock.sleeps().len(), retries as usize);
    }
}

#[tokio::test]
async fn total_wait_is_capped() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let _failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(429).header("retry-after", "4");
        })
        .await;
    let client = static_client(&server, &clock)
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(100)
                .with_max_total_delay(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let err = get_rules(&client).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(4); 2]);
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(200)
                .delay(Duration::from_secs(3))
                .json_body(json!([]));
        })
        .await;
    let client = static_client(&server, &clock)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = get_rules(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    // A timed-out GET is retried (idempotent), then the timeout is reported.
    assert_eq!(slow.calls_async().await, 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A raw server: counts connections, reads one request head (and body) per connection, then
/// either closes it without answering or answers `response`.
async fn raw_server(
    response: Option<&'static str>,
) -> (String, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (c, l) = (count.clone(), lines.clone());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let l = l.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                if let Some(first) = head.lines().next() {
                    l.lock().unwrap().push(first.to_owned());
                }
                if let Some(resp) = response {
                    let _ = sock.write_all(resp.as_bytes()).await;
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), count, lines)
}

#[tokio::test]
async fn connection_dropped_after_sending_post_is_not_retried() {
    let (url, connections, _) = raw_server(None).await;
    let clock = ManualClock::new();
    let client = ManagementClient::builder()
        .base_url(&url)
        .token("tok")
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let err = post_rule(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // The same failure on a GET is retried.
    let err = get_rules(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1 + 4);
}

#[tokio::test]
async fn connect_error_is_retried_even_for_post() {
    // A port with nothing listening.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let clock = ManualClock::new();
    let client = ManagementClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token("tok")
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let err = post_rule(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(clock.sleeps().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Errors and decoding

#[tokio::test]
async fn api_errors_are_mapped() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let _m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users/nobody");
            then.status(404)
                .header("x-ratelimit-limit", "10")
                .header("x-ratelimit-remaining", "9")
                .header("x-ratelimit-reset", "1700000000")
                .json_body(json!({
                    "statusCode": 404, "error": "Not Found",
                    "message": "The user does not exist.", "errorCode": "inexistent_user",
                    "extra": {"unknown": "fields are fine"}
                }));
        })
        .await;
    let _html = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html><body>Bad gateway</body></html>");
        })
        .await;
    let client = static_client(&server, &clock)
        .max_retries(0)
        .build()
        .unwrap();
    let api = client.api();
    let err = client
        .call(api.get_users_by_id("nobody", None, None))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            error,
            error_code,
            message,
            rate_limit,
        } => {
            assert_eq!(*status, 404);
            assert_eq!(error.as_deref(), Some("Not Found"));
            assert_eq!(error_code.as_deref(), Some("inexistent_user"));
            assert_eq!(message.as_deref(), Some("The user does not exist."));
            assert_eq!(rate_limit.unwrap().remaining, Some(9));
        }
        other => panic!("{other:?}"),
    }
    let err = get_rules(&client).await.unwrap_err();
    match &err {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(*status, 502);
            assert!(
                message.as_deref().unwrap().contains("Bad gateway"),
                "{err:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error_with_a_snippet() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let long = "x".repeat(5000);
    let _m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users/u1");
            then.status(200).body(format!(
                r#"{{"user_id": "u1", "password": "hunter2", "pad": "{long}", "email": 42,"#
            ));
        })
        .await;
    let client = static_client(&server, &clock).build().unwrap();
    let api = client.api();
    let err = client
        .call(api.get_users_by_id("u1", None, None))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { message, snippet } => {
            assert!(!message.is_empty());
            assert!(
                snippet.chars().count() <= crate::error::SNIPPET_MAX + 2,
                "{snippet}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err:?}").contains("hunter2"));
}

#[tokio::test]
async fn empty_ids_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = static_client(&server, &clock).build().unwrap();
    for bad in ["", "  ", ".", ".."] {
        let err = path_id("id", bad).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(m) if m.contains("id")),
            "{err:?}"
        );
    }
    assert_eq!(path_id("user_id", "auth0|abc").unwrap(), "auth0|abc");
    let _ = client;
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let (url, _, lines) = raw_server(Some(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    ))
    .await;
    let client = ManagementClient::builder()
        .base_url(&url)
        .token("tok")
        .build()
        .unwrap();
    let api = client.api();
    for id in ["auth0|abc", "../x", "a?b#c", "a/b", "100% sure", "é"] {
        let id = path_id("id", id).unwrap();
        let _ = client.call(api.get_users_by_id(id, None, None)).await;
    }
    // Why path_id refuses dot segments: unchecked, `..` escapes its segment.
    let _ = client.call(api.get_users_by_id("..", None, None)).await;
    let mut lines = lines.lock().unwrap().clone();
    assert_eq!(lines.pop().as_deref(), Some("GET /api/v2/ HTTP/1.1"));
    assert_eq!(
        lines,
        vec![
            "GET /api/v2/users/auth0%7Cabc HTTP/1.1",
            "GET /api/v2/users/..%2Fx HTTP/1.1",
            "GET /api/v2/users/a%3Fb%23c HTTP/1.1",
            "GET /api/v2/users/a%2Fb HTTP/1.1",
            "GET /api/v2/users/100%25%20sure HTTP/1.1",
            "GET /api/v2/users/%C3%A9 HTTP/1.1",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Headers and telemetry

#[tokio::test]
async fn telemetry_user_agent_and_extra_headers_are_sent() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let info = ClientInfo::default();
    let expected = info.header_value();
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header("auth0-client", expected.clone())
                .header("x-extra", "1")
                .header("authorization", "Bearer tok")
                .header_exists("user-agent")
                .header_missing("api-version");
            then.status(200).json_body(json!([]));
        })
        .await;
    let client = static_client(&server, &clock)
        .header("X-Extra", "1")
        .build()
        .unwrap();
    assert_eq!(client.client_info(), Some(&info));
    get_rules(&client).await.unwrap();
    assert_eq!(m.calls_async().await, 1);

    // Off switch and custom info.
    let server = MockServer::start_async().await;
    let off = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header_missing("auth0-client")
                .header("user-agent", "my-tool/1.0");
            then.status(200).json_body(json!([]));
        })
        .await;
    let client = static_client(&server, &clock)
        .telemetry(false)
        .user_agent("my-tool/1.0")
        .build()
        .unwrap();
    assert_eq!(client.client_info(), None);
    get_rules(&client).await.unwrap();
    assert_eq!(off.calls_async().await, 1);

    let custom = ClientInfo::new("my-tool", "1.0").with_env("rust", "1.88.0");
    let client = static_client(&server, &clock)
        .client_info(custom.clone())
        .build()
        .unwrap();
    assert_eq!(client.client_info(), Some(&custom));
}

#[tokio::test]
async fn token_requests_carry_telemetry() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let expected = ClientInfo::default().header_value();
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth/token")
                .header("auth0-client", expected.clone());
            then.status(200)
                .json_body(json!({"access_token": "t", "expires_in": 60}));
        })
        .await;
    let client = cc_builder(&server, &clock).build().unwrap();
    client.access_token().await.unwrap();
    assert_eq!(token.calls_async().await, 1);
}

// ---------------------------------------------------------------------------------------------
// Configuration and redaction

#[test]
fn configuration_is_checked() {
    let err = |b: ManagementClientBuilder| b.build().unwrap_err().to_string();
    let base = || ManagementClient::builder().domain(DOMAIN);
    assert!(err(ManagementClient::builder().token("t")).contains("no domain"));
    assert!(err(ManagementClient::builder().domain("").token("t")).contains("empty"));
    assert!(
        err(ManagementClient::builder()
            .domain("tenant.auth0.com/x")
            .token("t"))
        .contains("path")
    );
    assert!(
        err(ManagementClient::builder()
            .domain("https://u:p@tenant.auth0.com")
            .token("t"))
        .contains("user information")
    );
    assert!(
        err(ManagementClient::builder()
            .domain("http://tenant.auth0.com")
            .token("t"))
        .contains("http")
    );
    assert!(err(base().token("t").base_url("http://example.com")).contains("allow_insecure_http"));
    assert!(
        base()
            .token("t")
            .base_url("http://example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    assert!(err(base()).contains("no credentials"));
    assert!(err(base().token("")).contains("token is empty"));
    assert!(err(base().client_credentials("", SECRET)).contains("client id is empty"));
    assert!(err(base().client_credentials("cid", "")).contains("client secret is empty"));
    let both = err(base().token("t").client_credentials("cid", SECRET));
    assert!(both.contains("more than one way"), "{both}");
    assert!(!both.contains(SECRET));
    assert!(
        err(base()
            .client_credentials("cid", SECRET)
            .cache_ttl(Duration::ZERO))
        .contains("cache_ttl")
    );
    assert!(err(base().token("t").timeout(Duration::ZERO)).contains("timeout"));
    assert!(err(base().token("t").header("Authorization", "Bearer x")).contains("Authorization"));
    assert!(err(base().token("t").header("bad header", "x")).contains("header name"));
    assert!(err(base().client_credentials("cid", SECRET).scope(" ")).contains("scope"));

    let ok = base().client_credentials("cid", SECRET).build().unwrap();
    assert_eq!(ok.domain(), DOMAIN);
    assert_eq!(ok.api_base_url(), "https://tenant.auth0.com/api/v2");
    let ok = ManagementClient::builder()
        .domain("https://tenant.auth0.com/")
        .token("t")
        .build()
        .unwrap();
    assert_eq!(ok.api_base_url(), "https://tenant.auth0.com/api/v2");
}

#[test]
fn environment_is_read() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let client = ManagementClient::builder()
        .with_env_lookup(env(&[
            ("AUTH0_DOMAIN", "tenant.auth0.com"),
            ("AUTH0_CLIENT_ID", "cid"),
            ("AUTH0_CLIENT_SECRET", SECRET),
            ("AUTH0_SCOPE", ""),
        ]))
        .build()
        .unwrap();
    assert_eq!(client.domain(), DOMAIN);
    let err = ManagementClient::builder()
        .with_env_lookup(env(&[
            ("AUTH0_DOMAIN", "tenant.auth0.com"),
            ("AUTH0_CLIENT_ID", "cid"),
            ("AUTH0_CLIENT_SECRET", SECRET),
            ("AUTH0_TOKEN", "tok"),
        ]))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let err = ManagementClient::builder()
        .with_env_lookup(env(&[
            ("AUTH0_DOMAIN", "tenant.auth0.com"),
            ("AUTH0_CLIENT_ID", "cid"),
        ]))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("client secret is empty"), "{err}");
}

#[tokio::test]
async fn nothing_prints_a_secret() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let _token = token_mock(&server, "eyJ-THE-TOKEN", 86400).await;
    let b = cc_builder(&server, &clock).header("X-Proxy-Key", "proxy-key-value");
    let token_builder = ManagementClient::builder()
        .domain(DOMAIN)
        .token("eyJ-STATIC-TOKEN");
    let client = b.clone().build().unwrap();
    let token = client.access_token().await.unwrap();
    assert_eq!(token.expose_secret(), "eyJ-THE-TOKEN");
    let static_client = token_builder.clone().build().unwrap();
    let texts = [
        format!("{b:?}"),
        format!("{token_builder:?}"),
        format!("{client:?}"),
        format!("{static_client:?}"),
        format!("{token:?}"),
        format!("{:?}", client.api()),
        format!("{:?}", crate::StaticToken::new("eyJ-STATIC-TOKEN")),
        format!("{:?}", TokenCache::new()),
    ];
    for text in &texts {
        for secret in [
            SECRET,
            "eyJ-THE-TOKEN",
            "eyJ-STATIC-TOKEN",
            "proxy-key-value",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(texts[0].contains("cid"), "{}", texts[0]);
}

#[test]
fn client_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<ManagementClient>();
    assert_traits::<ManagementClientBuilder>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    fn object_safe(_: &dyn TokenSource) {}
    let _ = object_safe;
}

// ---------------------------------------------------------------------------------------------
// Caller-supplied client, bodies that cannot be replayed

#[tokio::test]
async fn caller_supplied_http_client_is_used_for_api_and_token() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth/token")
                .header("x-from", "custom");
            then.status(200)
                .json_body(json!({"access_token": "tok1", "expires_in": 60}));
        })
        .await;
    let rules = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .header("x-from", "custom");
            then.status(200).json_body(json!([]));
        })
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from", "custom".parse().unwrap());
    let http = crate::http_client_builder()
        .unwrap()
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = cc_builder(&server, &clock)
        .http_client(http)
        .build()
        .unwrap();
    get_rules(&client).await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(rules.calls_async().await, 1);
}

#[tokio::test]
async fn streaming_bodies_are_not_retried() {
    let server = MockServer::start_async().await;
    let clock = ManualClock::new();
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/jobs/users-imports");
            then.status(429).header("retry-after", "0");
        })
        .await;
    let client = static_client(&server, &clock).build().unwrap();
    let path = std::env::temp_dir().join(format!("auth0-mgmt-stream-{}", std::process::id()));
    std::fs::write(&path, b"[]").unwrap();
    let file = tokio::fs::File::open(&path).await.unwrap();
    let url = format!("{}/jobs/users-imports", client.api_base_url());
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    *request.body_mut() = Some(reqwest::Body::from(file));
    let transport = &client.shared().transport;
    transport.authorize(&mut request).await.unwrap();
    let (result, attempts) = transport
        .send(progenitor_client::ClientInfo::client(client.api()), request)
        .await;
    let _ = std::fs::remove_file(&path);
    assert_eq!(result.unwrap().status(), 429);
    assert_eq!(attempts, 1);
    assert_eq!(limited.calls_async().await, 1);
    assert!(clock.sleeps().is_empty());
}
