//! The mock tenant: `POST /oauth/token`, `GET /api/v2/users/{id}` and `GET /api/v2/users`, on
//! 127.0.0.1, over plain HTTP and over HTTPS with a self-signed certificate made at start.
//!
//! It is built to cost as little as possible per request (the user body is precomputed, a page
//! is assembled from precomputed halves), so that what the benchmark measures is the client.
//! It counts what the comparison needs: token requests, accepted TCP connections, completed TLS
//! handshakes and API requests. The counters and the token endpoint's delay are read and reset
//! on a separate control listener, whose own connections are not counted.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The id of the user that `GET /api/v2/users/{id}` returns.
pub const BENCH_USER_ID: &str = "auth0|5f7c8ec7c33c6c004bbafe82";

/// Pause after a failed `accept`.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Largest request body the token endpoint reads.
const MAX_TOKEN_BODY: usize = 16 * 1024;

/// What the server was asked to be.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How many users `GET /api/v2/users` pages through.
    pub users: u64,
    /// Delay of every token response.
    pub token_delay: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            users: 100_000,
            token_delay: Duration::ZERO,
        }
    }
}

/// What the server saw since the last reset.
#[derive(Debug, Default)]
pub struct Counters {
    token_requests: AtomicU64,
    connections: AtomicU64,
    tls_handshakes: AtomicU64,
    user_gets: AtomicU64,
    list_pages: AtomicU64,
    rejected: AtomicU64,
    token_delay_ms: AtomicU64,
}

/// A copy of the [`Counters`], as `GET /__stats` returns it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Stats {
    /// `POST /oauth/token` requests.
    pub token_requests: u64,
    /// TCP connections accepted on the HTTP and HTTPS listeners.
    pub connections: u64,
    /// TLS handshakes completed on the HTTPS listener.
    pub tls_handshakes: u64,
    /// `GET /api/v2/users/{id}` requests answered with the user.
    pub user_gets: u64,
    /// `GET /api/v2/users` pages served.
    pub list_pages: u64,
    /// Requests answered with an error (bad token, unknown route, bad query).
    pub rejected: u64,
}

impl Counters {
    /// The current values.
    pub fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            token_requests: get(&self.token_requests),
            connections: get(&self.connections),
            tls_handshakes: get(&self.tls_handshakes),
            user_gets: get(&self.user_gets),
            list_pages: get(&self.list_pages),
            rejected: get(&self.rejected),
        }
    }

    /// Sets every count to zero and the token delay to `token_delay`.
    pub fn reset(&self, token_delay: Duration) {
        for c in [
            &self.token_requests,
            &self.connections,
            &self.tls_handshakes,
            &self.user_gets,
            &self.list_pages,
            &self.rejected,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        self.set_token_delay(token_delay);
    }

    fn set_token_delay(&self, d: Duration) {
        self.token_delay_ms.store(
            u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    fn token_delay(&self) -> Duration {
        Duration::from_millis(self.token_delay_ms.load(Ordering::Relaxed))
    }
}

/// A running server. Dropping it does not stop the listeners; they end with the runtime (the
/// `serve` command exits the process).
#[derive(Debug, Clone)]
pub struct Running {
    /// The plain-HTTP listener.
    pub http: SocketAddr,
    /// The HTTPS listener.
    pub https: SocketAddr,
    /// The control listener (`GET /__stats`, `POST /__reset?token_delay_ms=N`).
    pub control: SocketAddr,
    /// The self-signed certificate of the HTTPS listener (DER), for 127.0.0.1 and localhost.
    pub cert_der: Vec<u8>,
    /// The counters.
    pub counters: Arc<Counters>,
}

/// Precomputed response bodies.
struct Bodies {
    user: Bytes,
    token: Bytes,
    /// The text before and after the user id in one user's JSON.
    user_head: String,
    user_tail: String,
    users: u64,
    /// `Bearer <token>`, to check API requests against.
    bearer: HeaderValue,
}

struct State {
    counters: Arc<Counters>,
    bodies: Bodies,
}

/// One user as `GET /api/v2/users/{id}` returns it (about 1.5 KB): every field of the spec's
/// user schema that Auth0 fills in for a database user with one identity and some metadata.
pub fn user_json(user_id: &str) -> serde_json::Value {
    let short = user_id.rsplit('|').next().unwrap_or(user_id);
    serde_json::json!({
        "user_id": user_id,
        "email": format!("bench.user.{short}@example.com"),
        "email_verified": true,
        "username": format!("bench_{short}"),
        "phone_number": "+14155550123",
        "phone_verified": false,
        "created_at": "2024-03-01T09:30:12.345Z",
        "updated_at": "2026-11-28T17:02:45.120Z",
        "identities": [{
            "connection": "Username-Password-Authentication",
            "user_id": short,
            "provider": "auth0",
            "isSocial": false
        }, {
            "connection": "google-oauth2",
            "user_id": format!("1098{short}"),
            "provider": "google-oauth2",
            "isSocial": true
        }],
        "app_metadata": {
            "plan": "enterprise",
            "roles": ["admin", "billing", "support"],
            "tenant_id": "t_9f2c7a1e",
            "flags": {"beta": true, "mfa_enforced": true},
            "crm_id": "0015g00000XyZabAAB",
            "signup_source": "partner-portal"
        },
        "user_metadata": {
            "preferred_language": "en",
            "timezone": "Europe/Berlin",
            "theme": "dark",
            "newsletter": false,
            "address": {"street": "Example Street 12", "city": "Berlin", "zip": "10115"}
        },
        "picture": "https://s.gravatar.com/avatar/4d1e6f0b8f0c2a3d7e9b5c6a1f2e3d4c?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fbu.png",
        "name": "Bench User",
        "nickname": "bench.user",
        "multifactor": ["guardian"],
        "last_ip": "203.0.113.42",
        "last_login": "2026-12-01T08:15:00.000Z",
        "last_password_reset": "2026-06-14T12:00:00.000Z",
        "multifactor_last_modified": "2026-06-14T12:05:00.000Z",
        "logins_count": 1287,
        "blocked": false,
        "given_name": "Bench",
        "family_name": "User"
    })
}

impl Bodies {
    fn new(users: u64, token: &str) -> Self {
        let user = serde_json::to_vec(&user_json(BENCH_USER_ID)).unwrap_or_default();
        // A marker id splits one user's JSON into the parts around its id.
        let marker = "auth0|\u{1}";
        let text = serde_json::to_string(&user_json(marker)).unwrap_or_default();
        let marker_json = "auth0|\\u0001";
        let (head, tail) = text.split_once(marker_json).unwrap_or((&text, ""));
        let token_body = serde_json::json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 86_400,
            "scope": "read:users"
        });
        Self {
            user: Bytes::from(user),
            token: Bytes::from(serde_json::to_vec(&token_body).unwrap_or_default()),
            user_head: format!("{head}auth0|"),
            user_tail: tail.to_string(),
            users,
            bearer: HeaderValue::try_from(format!("Bearer {token}"))
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid")),
        }
    }

    /// The JSON of page `page` of `per_page` users (Auth0's offset shape with totals).
    fn page(&self, page: u64, per_page: u64) -> Bytes {
        let start = page.saturating_mul(per_page).min(self.users);
        let end = start.saturating_add(per_page).min(self.users);
        let n = end - start;
        let each = self.user_head.len() + self.user_tail.len() + 8;
        let mut out =
            String::with_capacity(96 + usize::try_from(n).unwrap_or(0).saturating_mul(each));
        out.push_str(&format!(
            "{{\"start\":{start},\"limit\":{per_page},\"length\":{n},\"total\":{},\"users\":[",
            self.users
        ));
        for i in start..end {
            if i > start {
                out.push(',');
            }
            out.push_str(&self.user_head);
            out.push_str(&format!("{i:08}"));
            out.push_str(&self.user_tail);
        }
        out.push_str("]}");
        Bytes::from(out)
    }
}

/// A random-looking token for this run (not a credential anywhere else).
fn make_token() -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut parts = Vec::new();
    for i in 0..4u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        parts.push(format!("{:016x}", h.finish()));
    }
    format!("bench.{}", parts.join(""))
}

fn response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn error(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "statusCode": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    response(
        status,
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default()),
    )
}

/// The value of `name` in a query string (no percent-decoding: the values used are numbers).
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let counters = &state.counters;
    let bodies = &state.bodies;
    let path = req.uri().path();
    if path == "/oauth/token" {
        if req.method() != Method::POST {
            counters.rejected.fetch_add(1, Ordering::Relaxed);
            return error(StatusCode::METHOD_NOT_ALLOWED, "POST only");
        }
        counters.token_requests.fetch_add(1, Ordering::Relaxed);
        let body = http_body_util::Limited::new(req.into_body(), MAX_TOKEN_BODY)
            .collect()
            .await;
        let ok = body
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b.to_bytes()).ok())
            .is_some_and(|v| v["grant_type"] == "client_credentials");
        if !ok {
            counters.rejected.fetch_add(1, Ordering::Relaxed);
            return error(
                StatusCode::BAD_REQUEST,
                "expected a client_credentials grant",
            );
        }
        let delay = counters.token_delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        return response(StatusCode::OK, bodies.token.clone());
    }
    let Some(rest) = path.strip_prefix("/api/v2/users") else {
        counters.rejected.fetch_add(1, Ordering::Relaxed);
        return error(StatusCode::NOT_FOUND, "not found");
    };
    if req.headers().get(AUTHORIZATION) != Some(&bodies.bearer) {
        counters.rejected.fetch_add(1, Ordering::Relaxed);
        return error(StatusCode::UNAUTHORIZED, "invalid token");
    }
    if req.method() != Method::GET {
        counters.rejected.fetch_add(1, Ordering::Relaxed);
        return error(StatusCode::METHOD_NOT_ALLOWED, "GET only");
    }
    if rest.is_empty() {
        let query = req.uri().query().unwrap_or("");
        let page = query_value(query, "page").map_or(Ok(0), str::parse::<u64>);
        let per_page = query_value(query, "per_page").map_or(Ok(50), str::parse::<u64>);
        return match (page, per_page) {
            (Ok(page), Ok(per_page)) if (1..=100).contains(&per_page) => {
                counters.list_pages.fetch_add(1, Ordering::Relaxed);
                response(StatusCode::OK, bodies.page(page, per_page))
            }
            _ => {
                counters.rejected.fetch_add(1, Ordering::Relaxed);
                error(StatusCode::BAD_REQUEST, "bad page or per_page")
            }
        };
    }
    match rest.strip_prefix('/') {
        Some(id) if !id.is_empty() && !id.contains('/') => {
            counters.user_gets.fetch_add(1, Ordering::Relaxed);
            response(StatusCode::OK, bodies.user.clone())
        }
        _ => {
            counters.rejected.fetch_add(1, Ordering::Relaxed);
            error(StatusCode::NOT_FOUND, "not found")
        }
    }
}

async fn handle_control(counters: Arc<Counters>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/__stats") => response(
            StatusCode::OK,
            Bytes::from(serde_json::to_vec(&counters.snapshot()).unwrap_or_default()),
        ),
        (&Method::POST, "/__reset") => {
            let delay = req
                .uri()
                .query()
                .and_then(|q| query_value(q, "token_delay_ms"))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            counters.reset(Duration::from_millis(delay.min(60_000)));
            response(StatusCode::OK, Bytes::from_static(b"{}"))
        }
        _ => error(StatusCode::NOT_FOUND, "not found"),
    }
}

fn tls_acceptor() -> std::io::Result<(TlsAcceptor, Vec<u8>)> {
    let other = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| other(&e))?;
    let cert_der = certified.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone().into()], key)
        .map_err(|e| other(&e))?;
    // HTTP/1.1 only: the server is HTTP/1.1 for both transports, so the two compare alike.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), cert_der))
}

/// Binds the three listeners on 127.0.0.1 (ephemeral ports) and starts serving on the current
/// tokio runtime.
pub async fn start(config: ServerConfig) -> std::io::Result<Running> {
    let counters = Arc::new(Counters::default());
    counters.set_token_delay(config.token_delay);
    let state = Arc::new(State {
        counters: counters.clone(),
        bodies: Bodies::new(config.users, &make_token()),
    });
    let (acceptor, cert_der) = tls_acceptor()?;

    let http = TcpListener::bind("127.0.0.1:0").await?;
    let https = TcpListener::bind("127.0.0.1:0").await?;
    let control = TcpListener::bind("127.0.0.1:0").await?;
    let running = Running {
        http: http.local_addr()?,
        https: https.local_addr()?,
        control: control.local_addr()?,
        cert_der,
        counters: counters.clone(),
    };

    let st = state.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = http.accept().await else {
                // Out of file descriptors or the like: wait instead of spinning.
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            };
            st.counters.connections.fetch_add(1, Ordering::Relaxed);
            let _ = stream.set_nodelay(true);
            let st = st.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let st = st.clone();
                    async move { Ok::<_, Infallible>(handle(st, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });

    let st = state;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = https.accept().await else {
                // Out of file descriptors or the like: wait instead of spinning.
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            };
            st.counters.connections.fetch_add(1, Ordering::Relaxed);
            let _ = stream.set_nodelay(true);
            let st = st.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                st.counters.tls_handshakes.fetch_add(1, Ordering::Relaxed);
                let svc = service_fn(move |req| {
                    let st = st.clone();
                    async move { Ok::<_, Infallible>(handle(st, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });

    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = control.accept().await else {
                // Out of file descriptors or the like: wait instead of spinning.
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            };
            let counters = counters.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let counters = counters.clone();
                    async move { Ok::<_, Infallible>(handle_control(counters, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });

    Ok(running)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_is_about_one_and_a_half_kilobytes_and_decodes() {
        let b = Bodies::new(10, "t");
        assert!((1300..1800).contains(&b.user.len()), "{}", b.user.len());
        let u: auth0_management::api::types::UserResponseSchema =
            serde_json::from_slice(&b.user).unwrap();
        assert_eq!(u.user_id.as_deref(), Some(BENCH_USER_ID));
        assert_eq!(u.identities.len(), 2);
    }

    #[test]
    fn pages_cover_the_users_once() {
        let b = Bodies::new(250, "t");
        let mut ids = Vec::new();
        for page in 0..4 {
            let v: serde_json::Value = serde_json::from_slice(&b.page(page, 100)).unwrap();
            assert_eq!(v["total"], 250);
            for u in v["users"].as_array().unwrap() {
                ids.push(u["user_id"].as_str().unwrap().to_string());
            }
        }
        assert_eq!(ids.len(), 250);
        assert_eq!(ids[0], "auth0|00000000");
        assert_eq!(ids[249], "auth0|00000249");
    }
}
