//! A fault server for the reliability tests: a tokio `TcpListener` on 127.0.0.1 that parses
//! each HTTP/1.1 request and answers with byte-level control (well-formed replies, resets before
//! or in the middle of a response, silence, slow drip, endless bodies).
//!
//! It stops by itself: every connection task ends when the [`FaultServer`] is dropped, and in any
//! case after [`DEADLINE`]; endless and dripping bodies are bounded in bytes too. Every request
//! is counted and recorded (method, raw request target, headers, body) so tests can assert what
//! reached the server, not only what the client reported.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// No connection of a fault server lives longer than this, whatever its reply says.
pub const DEADLINE: Duration = Duration::from_secs(30);
/// Most bytes one endless or dripping body may write.
pub const MAX_STREAMED: u64 = 512 * 1024 * 1024;
/// Largest request (head + body) the server reads.
const MAX_REQUEST: usize = 8 * 1024 * 1024;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target exactly as sent: path and query, still percent-encoded.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query pairs, percent-decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        let url = reqwest::Url::parse(&format!("http://x{}", self.target)).unwrap();
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What to do with one request.
pub enum Reply {
    /// A complete response (`Content-Length` set, connection closed after it).
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes exactly, then close (FIN).
    Raw(Vec<u8>),
    /// These bytes, then a TCP reset (RST) instead of the rest.
    ResetAfter(Vec<u8>),
    /// Close without a byte of response (FIN).
    Close,
    /// Keep the connection open and never answer.
    Hang,
    /// This head, then one body byte every `every`, for ever (bounded by [`DEADLINE`]).
    Drip { head: Vec<u8>, every: Duration },
    /// A chunked 200 whose body never ends: `chunk`-sized chunks until the client goes away
    /// (bounded by [`MAX_STREAMED`]).
    Endless { status: u16, chunk: usize },
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Status {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Status {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header to a [`Reply::Status`].
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        if let Reply::Status { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// `Fn(request, index of the request among all requests so far) -> Reply`.
pub type Handler = Arc<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

pub struct FaultServer {
    pub url: String,
    pub port: u16,
    requests: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
    streamed: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl FaultServer {
    pub async fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Handler = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let streamed = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = watch::channel(false);
        let (r, c, s) = (requests.clone(), connections.clone(), streamed.clone());
        let mut stop_accept = stopped.clone();
        tokio::spawn(async move {
            let accept = async {
                while let Ok((sock, _)) = listener.accept().await {
                    c.fetch_add(1, Ordering::SeqCst);
                    let conn = Conn {
                        handler: handler.clone(),
                        requests: r.clone(),
                        streamed: s.clone(),
                    };
                    let mut stop = stopped.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = conn.serve(sock) => {}
                            _ = stop.wait_for(|s| *s) => {}
                            _ = tokio::time::sleep(DEADLINE) => {}
                        }
                    });
                }
            };
            tokio::select! {
                _ = accept => {}
                _ = stop_accept.wait_for(|s| *s) => {}
                _ = tokio::time::sleep(DEADLINE * 2) => {}
            }
        });
        FaultServer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            requests,
            connections,
            streamed,
            stop,
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests reached the server.
    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// How many requests with this method and path (target without query) reached the server.
    pub fn hits_to(&self, method: &str, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Body bytes written by endless and dripping replies.
    pub fn streamed(&self) -> u64 {
        self.streamed.load(Ordering::SeqCst)
    }
}

struct Conn {
    handler: Handler,
    requests: Arc<Mutex<Vec<Seen>>>,
    streamed: Arc<AtomicU64>,
}

impl Conn {
    async fn serve(self, mut sock: TcpStream) {
        let Some(seen) = read_request(&mut sock).await else {
            return;
        };
        let index = {
            let mut r = self.requests.lock().unwrap();
            r.push(seen.clone());
            r.len() - 1
        };
        let reply = (self.handler)(&seen, index);
        match reply {
            Reply::Status {
                status,
                headers,
                body,
            } => {
                let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!(
                    "content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                ));
                let mut bytes = out.into_bytes();
                bytes.extend_from_slice(&body);
                let _ = sock.write_all(&bytes).await;
                let _ = sock.shutdown().await;
            }
            Reply::Raw(bytes) => {
                let _ = sock.write_all(&bytes).await;
                let _ = sock.shutdown().await;
            }
            Reply::ResetAfter(bytes) => {
                let _ = sock.write_all(&bytes).await;
                let _ = sock.flush().await;
                let _ = sock.set_zero_linger();
                drop(sock);
            }
            Reply::Close => {
                let _ = sock.shutdown().await;
            }
            Reply::Hang => {
                // Hold the socket; the caller's select ends this with the server.
                std::future::pending::<()>().await;
            }
            Reply::Drip { head, every } => {
                if sock.write_all(&head).await.is_err() {
                    return;
                }
                loop {
                    tokio::time::sleep(every).await;
                    if sock.write_all(b" ").await.is_err()
                        || self.streamed.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMED
                    {
                        return;
                    }
                }
            }
            Reply::Endless { status, chunk } => {
                let head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
                    reason(status)
                );
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                // A JSON array that never closes: `[` then `1,1,1,...`.
                let mut data = vec![b'['];
                while data.len() < chunk {
                    data.extend_from_slice(b"1,");
                }
                data.truncate(chunk);
                let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
                framed.extend_from_slice(&data);
                framed.extend_from_slice(b"\r\n");
                loop {
                    if sock.write_all(&framed).await.is_err() {
                        return;
                    }
                    let total = self.streamed.fetch_add(data.len() as u64, Ordering::SeqCst);
                    if total >= MAX_STREAMED {
                        return;
                    }
                }
            }
        }
    }
}

/// Reads one request: head, then `Content-Length` bytes of body.
async fn read_request(sock: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_REQUEST {
            return None;
        }
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(len);
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures

pub const SECRET: &str = "csecret-DO-NOT-LEAK-7f3a";
pub const TOKEN_PREFIX: &str = "eyJ-TOKEN-DO-NOT-LEAK";

/// The n-th token the token endpoint of [`token_or`] issues.
pub fn token(n: usize) -> String {
    format!("{TOKEN_PREFIX}-{n}")
}

/// A retry policy with the default shape and tiny waits, so tests never sleep for long.
pub fn fast_retries(n: u32) -> auth0_management::RetryPolicy {
    auth0_management::RetryPolicy::default()
        .with_max_retries(n)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(20))
}

/// A client with a static token against `server`.
pub fn static_client(server: &FaultServer) -> auth0_management::ManagementClientBuilder {
    auth0_management::ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(&server.url)
        .token(token(0))
        .retry_policy(fast_retries(3))
}

/// A client-credentials client against `server`.
pub fn cc_client(server: &FaultServer) -> auth0_management::ManagementClientBuilder {
    auth0_management::ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(&server.url)
        .client_credentials("cid", SECRET)
        .retry_policy(fast_retries(3))
}

pub fn ok_token(n: usize, expires_in: u64) -> Reply {
    Reply::json(
        200,
        serde_json::json!({"access_token": token(n), "token_type": "Bearer", "expires_in": expires_in}),
    )
}

pub fn http_head(status: u16, extra: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} {}\r\n{extra}\r\n", reason(status)).into_bytes()
}

/// Runs `fut`, failing the test instead of hanging if it takes longer than a generous bound.
/// (A guard against hangs, not a timing assertion.)
pub async fn bounded<F: std::future::Future>(fut: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("the call hung")
}

/// `GET /api/v2/rules`, through the generated client.
pub async fn get_rules(
    client: &auth0_management::ManagementClient,
) -> Result<(), auth0_management::Error> {
    let api = client.api();
    client
        .call(api.get_rules(None, None, None, None, None, None))
        .await
        .map(|_| ())
}

/// `GET /api/v2/users/{id}`, through the generated client.
pub async fn get_user(
    client: &auth0_management::ManagementClient,
    id: &str,
) -> Result<auth0_management::api::types::UserResponseSchema, auth0_management::Error> {
    let api = client.api();
    client.call(api.get_users_by_id(id, None, None)).await
}

/// `POST /api/v2/users`, through the generated client.
pub async fn create_user(
    client: &auth0_management::ManagementClient,
    email: &str,
) -> Result<auth0_management::api::types::UserResponseSchema, auth0_management::Error> {
    let body = auth0_management::api::types::CreateUserRequestContent {
        app_metadata: None,
        blocked: None,
        connection: "Username-Password-Authentication".parse().unwrap(),
        email: Some(email.to_owned()),
        email_verified: None,
        family_name: None,
        given_name: None,
        name: None,
        nickname: None,
        password: Some("correct horse battery staple".parse().unwrap()),
        phone_number: None,
        phone_verified: None,
        picture: None,
        user_id: None,
        user_metadata: None,
        username: None,
        verify_email: None,
    };
    let api = client.api();
    client.call(api.post_users(None, &body)).await
}
