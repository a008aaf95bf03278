//! Fault injection against a byte-level server (`support::FaultServer`): rate-limit bursts,
//! 5xx, resets before and in the middle of a response, silence, slow drip, truncated and
//! malformed bodies, enormous bodies, and a misbehaving token endpoint.
//!
//! What reached the server is always counted there: "not retried" means exactly one request
//! arrived. The unit tests in `src/tests.rs` cover the retry timing on a manual clock; here real
//! sockets and the public API only, with millisecond waits (no assertion on elapsed time).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_management::{DEFAULT_MAX_RESPONSE_BYTES, Error, ManagementClient, RetryPolicy};
use serde_json::json;
use support::*;

fn rate_limited() -> Reply {
    Reply::json(
        429,
        json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"}),
    )
}

fn user(id: &str) -> Reply {
    Reply::json(200, json!({"user_id": id, "email": "jane@example.com"}))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------------------------------------
// 429 and 5xx

#[tokio::test]
async fn rate_limit_burst_with_each_header_form_then_success() {
    let server = FaultServer::start(|_, n| match n {
        0 => rate_limited().with_header("retry-after", "0"),
        // A reset one second ahead: honoured (the wait is within max_delay).
        1 => rate_limited()
            .with_header("x-ratelimit-limit", "50")
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-reset", (unix_now() + 1).to_string()),
        // No header at all: backoff.
        2 => rate_limited(),
        _ => Reply::json(200, json!([])),
    })
    .await;
    let client = static_client(&server)
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    bounded(get_rules(&client)).await.unwrap();
    assert_eq!(server.hits_to("GET", "/api/v2/rules"), 4);
}

#[tokio::test]
async fn rate_limit_burst_longer_than_the_retries_is_rate_limited() {
    for header in ["retry-after", "x-ratelimit-reset", "none"] {
        let server = FaultServer::start(move |_, _| {
            let r = rate_limited()
                .with_header("x-ratelimit-limit", "50")
                .with_header("x-ratelimit-remaining", "0");
            match header {
                "retry-after" => r.with_header("retry-after", "0"),
                // Already past: falls back to backoff.
                "x-ratelimit-reset" => r.with_header("x-ratelimit-reset", "1000"),
                _ => r,
            }
        })
        .await;
        let client = static_client(&server).build().unwrap();
        let err = bounded(get_rules(&client)).await.unwrap_err();
        match &err {
            Error::RateLimited {
                rate_limit,
                message,
                error_code,
                ..
            } => {
                assert_eq!(rate_limit.limit, Some(50), "{header}");
                assert_eq!(rate_limit.remaining, Some(0), "{header}");
                assert_eq!(message.as_deref(), Some("Global limit has been reached"));
                assert_eq!(error_code.as_deref(), Some("too_many_requests"));
            }
            other => panic!("{header}: {other:?}"),
        }
        // 1 + max_retries (3), and not one more.
        assert_eq!(server.hits(), 4, "{header}");
    }
}

#[tokio::test]
async fn rate_limited_post_is_retried_and_creates_one_user() {
    let server = FaultServer::start(|_, n| match n {
        0 | 1 => rate_limited().with_header("retry-after", "0"),
        _ => Reply::json(
            201,
            json!({"user_id": "auth0|new", "email": "a@example.com"}),
        ),
    })
    .await;
    let client = static_client(&server).build().unwrap();
    let created = bounded(create_user(&client, "a@example.com"))
        .await
        .unwrap();
    assert_eq!(created.user_id.as_deref(), Some("auth0|new"));
    let posts = server.requests();
    assert_eq!(posts.len(), 3);
    // Every attempt carried the same body.
    for p in &posts {
        assert_eq!(p.method, "POST");
        assert_eq!(p.json()["email"], "a@example.com");
    }
}

#[tokio::test]
async fn server_errors_are_retried_for_get_only() {
    for status in [500u16, 502, 503, 504] {
        let server = FaultServer::start(move |_, _| {
            if status == 502 {
                // What a load balancer says: HTML, not Auth0's JSON.
                Reply::body(
                    status,
                    "text/html",
                    "<html><body>502 Bad Gateway</body></html>",
                )
            } else {
                Reply::json(
                    status,
                    json!({"statusCode": status, "error": "Server Error", "message": "try later"}),
                )
            }
        })
        .await;
        let client = static_client(&server).build().unwrap();
        let err = bounded(get_rules(&client)).await.unwrap_err();
        assert!(
            matches!(&err, Error::Api { status: s, message: Some(m), .. } if *s == status && (m == "try later" || m.contains("Bad Gateway"))),
            "{status}: {err:?}"
        );
        assert_eq!(server.hits_to("GET", "/api/v2/rules"), 4, "{status}");

        let err = bounded(create_user(&client, "a@example.com"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Api { status: s, .. } if *s == status),
            "{status}: {err:?}"
        );
        assert_eq!(server.hits_to("POST", "/api/v2/users"), 1, "{status}");
    }
}

#[tokio::test]
async fn a_transient_server_error_then_success() {
    let server = FaultServer::start(|_, n| match n {
        0 => Reply::json(503, json!({"statusCode": 503})).with_header("retry-after", "0"),
        1 => Reply::body(504, "text/plain", "upstream timed out"),
        _ => user("auth0|1"),
    })
    .await;
    let client = static_client(&server).build().unwrap();
    let u = bounded(get_user(&client, "auth0|1")).await.unwrap();
    assert_eq!(u.user_id.as_deref(), Some("auth0|1"));
    assert_eq!(server.hits(), 3);
}

// ---------------------------------------------------------------------------------------------
// Connections that fail

#[tokio::test]
async fn reset_before_the_response() {
    let server = FaultServer::start(|_, _| Reply::ResetAfter(Vec::new())).await;
    let client = static_client(&server).build().unwrap();

    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.hits_to("GET", "/api/v2/rules"), 4);

    // The POST reached the server whole, then the connection was reset: it may have created the
    // user, so it is not sent again.
    let err = bounded(create_user(&client, "once@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let posts: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].json()["email"], "once@example.com");

    // PATCH is not idempotent either; DELETE is.
    let api = client.api();
    let patch = auth0_management::api::types::UpdateUserRequestContent::default();
    let err = bounded(client.call(api.patch_users_by_id("auth0|1", None, &patch)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.hits_to("PATCH", "/api/v2/users/auth0%7C1"), 1);
    let err = bounded(client.call(api.delete_users_by_id("auth0|1")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.hits_to("DELETE", "/api/v2/users/auth0%7C1"), 4);
}

#[tokio::test]
async fn body_cut_short_by_the_server_closing() {
    // The status and headers arrive, then the body stops 900 bytes early.
    let mut bytes = http_head(
        200,
        "content-type: application/json\r\ncontent-length: 1000\r\n",
    );
    bytes.extend_from_slice(br#"{"user_id": "auth0|1", "email": "#);
    let server = FaultServer::start(move |_, _| Reply::Raw(bytes.clone())).await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(get_user(&client, "auth0|1")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // A failure while reading the body happens after the response was handed over: not
    // retried, even for a GET.
    assert_eq!(server.hits(), 1);

    let err = bounded(create_user(&client, "a@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.hits_to("POST", "/api/v2/users"), 1);
}

#[tokio::test]
async fn reset_in_the_middle_of_the_response() {
    let mut bytes = http_head(
        201,
        "content-type: application/json\r\ncontent-length: 5000\r\n",
    );
    bytes.extend_from_slice(br#"{"user_id": "auth0|new", "email": "a@exa"#);
    let server = FaultServer::start(move |_, _| Reply::ResetAfter(bytes.clone())).await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(create_user(&client, "a@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // Whether the reset lands before or after the head was read, a POST is sent once.
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = FaultServer::start(|_, _| Reply::Hang).await;
    let client = static_client(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.hits(), 2);

    let err = bounded(create_user(&client, "a@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.hits_to("POST", "/api/v2/users"), 1);
}

#[tokio::test]
async fn a_slow_drip_body_times_out() {
    // With a Content-Length (passed through as is) and without one (read until close, through
    // the size limit's wrapper): the request timeout covers the body in both cases.
    for extra in [
        "content-type: application/json\r\ncontent-length: 100000\r\n",
        "content-type: application/json\r\nconnection: close\r\n",
    ] {
        let head = http_head(200, extra);
        let server = FaultServer::start(move |_, _| Reply::Drip {
            head: head.clone(),
            every: Duration::from_millis(20),
        })
        .await;
        let client = static_client(&server)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let err = bounded(get_rules(&client)).await.unwrap_err();
        assert!(matches!(err, Error::Timeout), "{extra}: {err:?}");
        assert_eq!(server.hits(), 1, "{extra}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies that do not decode

#[tokio::test]
async fn truncated_and_malformed_json_are_decode_errors() {
    let bodies: &[&[u8]] = &[
        br#"{"user_id": "auth0|1", "email": "jane@exa"#,
        br#"{"user_id": "auth0|1",,}"#,
        b"not json",
        br#"{"user_id": 42}"#,
        br#"{"created_at": "yesterday"}"#,
        b"[]",
        b"null",
        b"",
        b"\xff\xfe\x00garbage",
        br#"{"user_id": "auth0|1"} trailing"#,
    ];
    for body in bodies {
        let b = body.to_vec();
        let server =
            FaultServer::start(move |_, _| Reply::body(200, "application/json", b.clone())).await;
        let client = static_client(&server).build().unwrap();
        let err = bounded(get_user(&client, "auth0|1")).await.unwrap_err();
        match &err {
            Error::Decode { message, snippet } => {
                assert!(!message.is_empty());
                assert!(snippet.chars().count() <= 202, "{snippet}");
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
        // Decoding errors are final.
        assert_eq!(server.hits(), 1);
    }
}

#[tokio::test]
async fn html_with_status_200_is_a_decode_error_with_a_bounded_snippet() {
    let page = format!(
        "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>{}</body></html>",
        "<p>We will be back soon.</p>".repeat(2000)
    );
    let server = FaultServer::start(move |_, _| Reply::body(200, "text/html", page.clone())).await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    match &err {
        Error::Decode { snippet, .. } => {
            assert!(snippet.starts_with("<!DOCTYPE html>"), "{snippet}");
            assert!(snippet.chars().count() <= 202, "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().len() < 1000, "{err}");
    assert!(format!("{err:?}").len() < 1000, "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Enormous bodies: the response size limit

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let server = FaultServer::start(|_, _| Reply::Endless {
        status: 200,
        chunk: 64 * 1024,
    })
    .await;
    let client = static_client(&server)
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1048576,
                content_length: None
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("1048576"), "{err}");
    assert_eq!(server.hits(), 1);
    // The client stopped reading: what the server managed to write is the limit plus what the
    // socket buffers hold, nowhere near the 512 MiB it would have sent.
    assert!(
        server.streamed() < 64 * 1024 * 1024,
        "{}",
        server.streamed()
    );
}

#[tokio::test]
async fn the_default_limit_is_16_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
    let server = FaultServer::start(|_, _| Reply::Endless {
        status: 200,
        chunk: 256 * 1024,
    })
    .await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_declared_length_above_the_limit_is_refused_unread() {
    let mut bytes = http_head(
        200,
        "content-type: application/json\r\ncontent-length: 107374182400\r\n",
    );
    bytes.extend_from_slice(b"[1,2,3");
    let server = FaultServer::start(move |_, _| Reply::ResetAfter(bytes.clone())).await;
    let client = static_client(&server)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1024,
                content_length: Some(107374182400)
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("107374182400"), "{err}");
}

#[tokio::test]
async fn error_bodies_are_limited_too() {
    // A documented error status: the generated layer reads its body as the error schema, through
    // the limit.
    let server = FaultServer::start(|_, _| Reply::Endless {
        status: 404,
        chunk: 64 * 1024,
    })
    .await;
    let client = static_client(&server)
        .max_response_bytes(256 * 1024)
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 262144, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);

    // A status the spec does not list (503, retried): each body between attempts is drained for
    // at most 64 KiB, and the last one is quoted from its first 64 KiB only.
    let server = FaultServer::start(|_, _| Reply::Endless {
        status: 503,
        chunk: 64 * 1024,
    })
    .await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    match &err {
        Error::Api {
            status: 503,
            message: Some(m),
            ..
        } => assert!(m.chars().count() <= 202, "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn bodies_up_to_the_limit_are_read() {
    // A big but legitimate user (3 MiB of metadata) under a 4 MiB limit, with a Content-Length.
    let big =
        json!({"user_id": "auth0|big", "user_metadata": {"blob": "x".repeat(3 * 1024 * 1024)}});
    let server = FaultServer::start(move |_, _| Reply::json(200, big.clone())).await;
    let client = static_client(&server)
        .max_response_bytes(4 * 1024 * 1024)
        .build()
        .unwrap();
    let u = bounded(get_user(&client, "auth0|big")).await.unwrap();
    assert_eq!(u.user_id.as_deref(), Some("auth0|big"));

    // Without a Content-Length (read until close), exactly at the limit and one byte over.
    let body = br#"{"user_id": "auth0|edge", "name": "abcdefghijklmnopqrstuvwxyz"}"#.to_vec();
    let limit = body.len() as u64;
    let mut bytes = http_head(
        200,
        "content-type: application/json\r\nconnection: close\r\n",
    );
    bytes.extend_from_slice(&body);
    let server = FaultServer::start(move |_, _| Reply::Raw(bytes.clone())).await;
    let exact = static_client(&server)
        .max_response_bytes(limit)
        .build()
        .unwrap();
    let u = bounded(get_user(&exact, "auth0|edge")).await.unwrap();
    assert_eq!(u.user_id.as_deref(), Some("auth0|edge"));
    let under = static_client(&server)
        .max_response_bytes(limit - 1)
        .build()
        .unwrap();
    let err = bounded(get_user(&under, "auth0|edge")).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");

    // Chunked, within the limit.
    let mut bytes = http_head(
        200,
        "content-type: application/json\r\ntransfer-encoding: chunked\r\n",
    );
    for part in [&b"[{\"id"[..], &b"\": \"rul_1\"}]"[..]] {
        bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        bytes.extend_from_slice(part);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = FaultServer::start(move |_, _| Reply::Raw(bytes.clone())).await;
    let client = static_client(&server)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    bounded(get_rules(&client)).await.unwrap();
}

#[test]
fn a_zero_limit_is_refused() {
    let err = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .token("t")
        .max_response_bytes(0)
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("max_response_bytes")),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The token endpoint

#[tokio::test]
async fn token_endpoint_down() {
    // Resets every connection: retried like any idempotent request, then reported; the API is
    // never called without a token.
    let server = FaultServer::start(|_, _| Reply::ResetAfter(Vec::new())).await;
    let client = cc_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("/oauth/token"), "{err}");
    assert_eq!(server.hits_to("POST", "/oauth/token"), 4);
    assert_eq!(server.hits_to("GET", "/api/v2/rules"), 0);

    // Nothing listening at all.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(format!("http://127.0.0.1:{port}"))
        .client_credentials("cid", SECRET)
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Answers 503 for ever: an Auth error with the status.
    let server = FaultServer::start(|_, _| {
        Reply::body(503, "text/html", "<html>Service Unavailable</html>")
    })
    .await;
    let client = cc_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth { status: Some(503), error_description: Some(d), .. } if d.contains("Service Unavailable")),
        "{err:?}"
    );
    assert_eq!(server.hits_to("POST", "/oauth/token"), 4);
}

#[tokio::test]
async fn token_endpoint_that_never_answers_times_out() {
    let server = FaultServer::start(|_, _| Reply::Hang).await;
    let client = cc_client(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.hits_to("POST", "/oauth/token"), 2);
    assert_eq!(server.hits_to("GET", "/api/v2/rules"), 0);
}

#[tokio::test]
async fn odd_token_responses_never_panic_or_leak() {
    // (body, whether a call then succeeds)
    let cases: Vec<(serde_json::Value, bool)> = vec![
        (json!({"access_token": token(1), "expires_in": 86400}), true),
        (json!({"access_token": token(1)}), true),
        (json!({"access_token": token(1), "expires_in": 0}), true),
        (json!({"access_token": token(1), "expires_in": -1}), true),
        (json!({"access_token": token(1), "expires_in": 1e300}), true),
        (
            json!({"access_token": token(1), "expires_in": u64::MAX}),
            true,
        ),
        (
            json!({"access_token": token(1), "expires_in": "86400"}),
            true,
        ),
        (
            json!({"access_token": token(1), "expires_in": "soon"}),
            true,
        ),
        (json!({"access_token": token(1), "expires_in": null}), true),
        (
            json!({"access_token": token(1), "expires_in": {"s": 1}}),
            true,
        ),
        (json!({"access_token": ""}), false),
        (json!({"access_token": 5}), false),
        (json!({"access_token": null}), false),
        (json!({"token": token(1)}), false),
        (json!({}), false),
        (json!([]), false),
        (json!(null), false),
        (json!(format!("{} with a newline\n", token(1))), false),
        (
            json!({"access_token": format!("{}\r\nX-Injected: 1", token(1))}),
            false,
        ),
    ];
    for (body, succeeds) in cases {
        let b = body.clone();
        let server = FaultServer::start(move |seen, _| {
            if seen.path() == "/oauth/token" {
                Reply::json(200, b.clone())
            } else {
                Reply::json(200, json!([]))
            }
        })
        .await;
        let client = cc_client(&server).build().unwrap();
        let result = bounded(get_rules(&client)).await;
        assert_eq!(result.is_ok(), succeeds, "{body}: {result:?}");
        if let Err(e) = &result {
            assert!(
                matches!(e, Error::Decode { .. } | Error::Auth { .. }),
                "{body}: {e:?}"
            );
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains(TOKEN_PREFIX), "{text}");
                assert!(!text.contains(SECRET), "{text}");
            }
            assert_eq!(server.hits_to("GET", "/api/v2/rules"), 0, "{body}");
        }
    }

    // Invalid JSON, and an HTML page, with status 200.
    for body in [
        r#"{"access_token": "eyJ-TOKEN-DO-NOT-LEAK-9", "#,
        "<html>ok</html>",
    ] {
        let server = FaultServer::start(move |_, _| Reply::body(200, "text/html", body)).await;
        let client = cc_client(&server).build().unwrap();
        let err = bounded(client.access_token()).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains(TOKEN_PREFIX), "{err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_start_with_a_flaky_token_endpoint_makes_one_token_flight() {
    // 100 concurrent first calls; the token endpoint fails once with 503. The one token request
    // is retried inside the single flight: 2 token requests in all, not 100 or 200.
    let token_requests = Arc::new(AtomicUsize::new(0));
    let t = token_requests.clone();
    let server = FaultServer::start(move |seen, _| {
        if seen.path() == "/oauth/token" {
            match t.fetch_add(1, Ordering::SeqCst) {
                0 => Reply::json(503, json!({"error": "temporarily_unavailable"})),
                n => ok_token(n, 86400),
            }
        } else {
            assert_eq!(
                seen.header("authorization"),
                Some(&*format!("Bearer {}", token(1)))
            );
            Reply::json(200, json!([]))
        }
    })
    .await;
    let client = cc_client(&server).build().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let c = client.clone();
        set.spawn(async move { get_rules(&c).await });
    }
    bounded(async {
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
    })
    .await;
    assert_eq!(server.hits_to("POST", "/oauth/token"), 2);
    assert_eq!(server.hits_to("GET", "/api/v2/rules"), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_mid_run_is_replaced_once_for_all_callers() {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let revoked = Arc::new(AtomicBool::new(false));
    let (t, r) = (token_requests.clone(), revoked.clone());
    let server = FaultServer::start(move |seen, _| {
        if seen.path() == "/oauth/token" {
            let n = t.fetch_add(1, Ordering::SeqCst) + 1;
            return ok_token(n, 86400);
        }
        let first = format!("Bearer {}", token(1));
        if r.load(Ordering::SeqCst) && seen.header("authorization") == Some(first.as_str()) {
            Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token"}),
            )
        } else {
            Reply::json(200, json!([]))
        }
    })
    .await;
    let client = cc_client(&server).build().unwrap();
    for _ in 0..5 {
        bounded(get_rules(&client)).await.unwrap();
    }
    assert_eq!(server.hits_to("POST", "/oauth/token"), 1);
    revoked.store(true, Ordering::SeqCst);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let c = client.clone();
        set.spawn(async move { get_rules(&c).await });
    }
    bounded(async {
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
    })
    .await;
    assert_eq!(server.hits_to("POST", "/oauth/token"), 2);
}

#[tokio::test]
async fn a_token_that_expires_mid_run_is_refreshed() {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let t = token_requests.clone();
    let server = FaultServer::start(move |seen, _| {
        if seen.path() == "/oauth/token" {
            let n = t.fetch_add(1, Ordering::SeqCst) + 1;
            ok_token(n, 86400)
        } else {
            Reply::json(200, json!([]))
        }
    })
    .await;
    let client = cc_client(&server)
        .cache_ttl(Duration::from_millis(50))
        .build()
        .unwrap();
    bounded(get_rules(&client)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    bounded(get_rules(&client)).await.unwrap();
    let auth: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        auth,
        vec![
            format!("Bearer {}", token(1)),
            format!("Bearer {}", token(2))
        ]
    );
}

#[tokio::test]
async fn unauthorized_on_every_call_is_bounded() {
    // The token endpoint hands out a new token every time and the API refuses them all: each
    // call is sent twice (once with a fresh token), then fails with the API's 401.
    let token_requests = Arc::new(AtomicUsize::new(0));
    let t = token_requests.clone();
    let server = FaultServer::start(move |seen, _| {
        if seen.path() == "/oauth/token" {
            let n = t.fetch_add(1, Ordering::SeqCst) + 1;
            ok_token(n, 86400)
        } else {
            Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Bad audience", "errorCode": "invalid_audience"}),
            )
        }
    })
    .await;
    let client = cc_client(&server).build().unwrap();
    for i in 1..=10 {
        let err = bounded(get_rules(&client)).await.unwrap_err();
        assert!(
            matches!(&err, Error::Api { status: 401, error_code: Some(c), .. } if c == "invalid_audience"),
            "{err:?}"
        );
        assert_eq!(err.status(), Some(401));
        assert_eq!(server.hits_to("GET", "/api/v2/rules"), 2 * i);
        assert_eq!(server.hits_to("POST", "/oauth/token"), i + 1);
    }
}
