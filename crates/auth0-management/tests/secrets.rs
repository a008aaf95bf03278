//! No secret leaves the client: not in errors (`Display`, `Debug`, their source chains), not in
//! the client's or builder's `Debug`, not in anything logged at TRACE by this crate or its HTTP
//! stack, and not to another host through a redirect.
//!
//! Its own test binary: the `tracing` subscriber is process-wide.

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use auth0_management::{Error, ManagementClient};
use serde_json::json;
use support::*;

/// Everything logged, at every level, by every target, as text.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Buffer {
    static BUF: OnceLock<Buffer> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Buffer::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buf
    })
}

/// `{}` and `{:?}` of an error and of every error in its source chain.
fn describe(e: &Error) -> String {
    let mut out = format!("{e}\n{e:?}\n");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    out
}

fn assert_clean(text: &str, what: &str) {
    assert!(!text.contains(SECRET), "client secret in {what}: {text}");
    assert!(
        !text.contains(TOKEN_PREFIX),
        "access token in {what}: {text}"
    );
}

/// One server for the whole scenario: the token endpoint behaves according to the client id,
/// the API according to the path.
async fn scenario_server(second: String) -> FaultServer {
    let issued = Arc::new(AtomicUsize::new(0));
    FaultServer::start(move |seen, _| {
        if seen.path() == "/oauth/token" {
            let body = seen.json();
            let echo = String::from_utf8_lossy(&seen.body).into_owned();
            return match body["client_id"].as_str().unwrap_or_default() {
                "cid-401" => Reply::json(
                    401,
                    json!({"error": "access_denied", "error_description": "Unauthorized"}),
                ),
                "cid-403" => Reply::json(
                    403,
                    json!({"error": "unauthorized_client", "error_description": "Grant type 'client_credentials' not allowed for the client.", "error_uri": "https://auth0.com/docs/clients/client-grant-types"}),
                ),
                // A broken endpoint that echoes the request (and so the secret) back.
                "cid-echo-500" => Reply::body(500, "application/json", echo),
                "cid-bad-json" => Reply::body(
                    200,
                    "application/json",
                    format!(r#"{{"access_token": "{}", "expires_in": "#, token(99)),
                ),
                "cid-reset" => Reply::ResetAfter(Vec::new()),
                "cid-hang" => Reply::Hang,
                _ => ok_token(issued.fetch_add(1, Ordering::SeqCst) + 1, 0),
            };
        }
        let auth = seen.header("authorization").unwrap_or_default().to_owned();
        match seen.path() {
            "/api/v2/rules" => Reply::json(200, json!([])),
            "/api/v2/users/429" => rate_limited_forever(),
            "/api/v2/users/500" => Reply::json(500, json!({"statusCode": 500, "message": "boom"})),
            // An error page that echoes the request headers.
            "/api/v2/users/502" => Reply::body(
                502,
                "text/html",
                format!("<html><pre>Authorization: {auth}</pre></html>"),
            ),
            "/api/v2/users/401" => Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"})),
            "/api/v2/users/reset" => Reply::ResetAfter(Vec::new()),
            "/api/v2/users/hang" => Reply::Hang,
            "/api/v2/users/huge" => Reply::Endless { status: 200, chunk: 64 * 1024 },
            // A body that does not decode and holds secrets in JSON fields.
            "/api/v2/users/decode" => Reply::body(
                200,
                "application/json",
                format!(
                    r#"{{"user_id": 42, "client_secret": "{SECRET}", "access_token": "{}", "note": "{auth}"}}"#,
                    token(7)
                ),
            ),
            "/api/v2/users/redirect" => Reply::Status {
                status: 302,
                headers: vec![("location".into(), format!("{second}/api/v2/users/elsewhere"))],
                body: Vec::new(),
            },
            _ => Reply::json(404, json!({"statusCode": 404, "error": "Not Found"})),
        }
    })
    .await
}

fn rate_limited_forever() -> Reply {
    Reply::json(429, json!({"statusCode": 429, "message": "Too many"}))
        .with_header("retry-after", "0")
}

#[tokio::test]
async fn a_full_scenario_logs_and_reports_no_secret() {
    let log = captured();
    let elsewhere = FaultServer::start(|_, _| Reply::json(200, json!({"user_id": "x"}))).await;
    let server = scenario_server(elsewhere.url.clone()).await;
    let builder = |id: &str| {
        ManagementClient::builder()
            .domain("tenant.auth0.com")
            .base_url(&server.url)
            .client_credentials(id, SECRET)
            .retry_policy(fast_retries(2))
            .timeout(Duration::from_millis(300))
            .max_response_bytes(256 * 1024)
            .header("X-Proxy-Key", SECRET)
    };
    let mut texts = Vec::new();
    let good = builder("cid").build().unwrap();
    texts.push(format!("{:?}", builder("cid")));
    texts.push(format!("{good:?}"));
    texts.push(format!("{:?}", good.api()));

    // Successful calls (expires_in 0: a token request before each call).
    for _ in 0..3 {
        bounded(get_rules(&good)).await.unwrap();
    }
    let token = good.access_token().await.unwrap();
    assert!(token.expose_secret().starts_with(TOKEN_PREFIX));
    texts.push(format!("{token:?}"));

    // Every API error path.
    let mut errors = Vec::new();
    for id in [
        "429", "500", "502", "401", "reset", "hang", "huge", "decode", "redirect", "",
    ] {
        let result = if id.is_empty() {
            auth0_management::path_id("id", id).map(|_| ())
        } else {
            bounded(get_user(&good, id)).await.map(|_| ())
        };
        errors.push((id.to_owned(), result.unwrap_err()));
    }
    // Every token endpoint error path.
    for id in [
        "cid-401",
        "cid-403",
        "cid-echo-500",
        "cid-bad-json",
        "cid-reset",
        "cid-hang",
    ] {
        let client = builder(id).build().unwrap();
        texts.push(format!("{client:?}"));
        let err = bounded(get_rules(&client)).await.unwrap_err();
        errors.push((id.to_owned(), err));
    }
    // Configuration errors that involve the secret.
    let err = builder("cid").token("also-a-token").build().unwrap_err();
    errors.push(("two credentials".into(), err));
    let err = ManagementClient::builder()
        .domain(format!("https://cid:{SECRET}@tenant.auth0.com"))
        .token("t")
        .build()
        .unwrap_err();
    errors.push(("userinfo".into(), err));

    let kinds: Vec<String> = errors
        .iter()
        .map(|(id, e)| {
            let variant = format!("{e:?}");
            let variant = variant.split([' ', '(', '{']).next().unwrap_or_default();
            format!("{id}={variant}")
        })
        .collect();
    assert_eq!(
        kinds.join(" "),
        "429=RateLimited 500=Api 502=Api 401=Api reset=Transport hang=Timeout \
         huge=ResponseTooLarge decode=Decode redirect=Api =InvalidInput cid-401=Auth \
         cid-403=Auth cid-echo-500=Auth cid-bad-json=Decode cid-reset=Transport cid-hang=Timeout \
         two credentials=Config userinfo=Config"
    );
    // The echoed Authorization header is redacted in the quoted page.
    let page = errors.iter().find(|(id, _)| id == "502").unwrap();
    assert!(
        page.1.to_string().contains("Bearer [REDACTED]"),
        "{}",
        page.1
    );
    for (id, e) in &errors {
        assert_clean(&describe(e), id);
    }
    for t in &texts {
        assert_clean(t, "Debug output");
    }
    // The redirect went nowhere.
    assert_eq!(elsewhere.hits(), 0);

    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    // Proof that TRACE was captured, from this crate and from the HTTP stack.
    assert!(logged.contains("auth0_management.request"), "{logged}");
    assert!(logged.contains("TRACE"), "{logged}");
    assert_clean(&logged, "the TRACE log");
    // The server did receive them: the assertions above are not vacuous.
    let token_request = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/oauth/token")
        .unwrap();
    assert!(String::from_utf8_lossy(&token_request.body).contains(SECRET));
}

#[tokio::test]
async fn redirects_are_not_followed_and_carry_no_token_elsewhere() {
    let _ = captured();
    let elsewhere = FaultServer::start(|_, _| Reply::json(200, json!([]))).await;
    let target = elsewhere.url.clone();
    let server = FaultServer::start(move |seen, _| {
        let status = if seen.method == "GET" { 302 } else { 307 };
        Reply::Status {
            status,
            headers: vec![("location".into(), format!("{target}{}", seen.target))],
            body: Vec::new(),
        }
    })
    .await;
    let client = static_client(&server).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 302, .. }), "{err:?}");
    let err = bounded(create_user(&client, "a@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 307, .. }), "{err:?}");
    assert_eq!(elsewhere.hits(), 0);
    // Not retried either: a redirect is an answer.
    assert_eq!(server.hits(), 2);

    // The same with a caller-supplied client built the recommended way.
    let http = auth0_management::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let client = static_client(&server).http_client(http).build().unwrap();
    let err = bounded(get_rules(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 302, .. }), "{err:?}");
    assert_eq!(elsewhere.hits(), 0);

    // A caller-supplied client that does follow redirects: the other host (another port is
    // another origin) gets the request without the Authorization header.
    let http = auth0_management::http_client_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap();
    let client = static_client(&server).http_client(http).build().unwrap();
    bounded(get_rules(&client)).await.unwrap();
    let seen = elsewhere.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("authorization"), None, "{:?}", seen[0]);
}
