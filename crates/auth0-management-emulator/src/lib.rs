//! An in-memory Auth0 tenant on loopback: the token endpoint and a stateful slice of the
//! Management API v2, so that an SDK (and the code of its users) can run with no Auth0 account.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = auth0_management_emulator::Emulator::start().await?;
//! println!("{} {}", emulator.base_url(), emulator.client_id());
//! // Point a client at `emulator.base_url()` (API under /api/v2, token at /oauth/token).
//! # Ok(()) }
//! ```
//!
//! What it emulates (everything else answers 501 with the list below):
//! - `POST /oauth/token` (client credentials): HS256-signed JWTs carrying the audience and the
//!   scopes the client was granted; API calls check the bearer token and answer 401/403 as Auth0
//!   does (missing, malformed, bad signature, expired, wrong audience, insufficient scope);
//! - users: create, get, list (page/per_page/include_totals, the 1000-record cap, `q` on email),
//!   update (metadata merged one level deep, `null` removes a key), delete, users-by-email;
//! - rules and clients: create, get, list, update, delete;
//! - jobs: users-imports (multipart; processed in the background, `pending` -> `completed`,
//!   duplicates fail unless `upsert`), job status and errors;
//! - logs: written for API writes, listed by offset (newest first) or by checkpoint
//!   (`from`/`take`, oldest first), and fetched by id; `GET /connections` (one database
//!   connection, `Username-Password-Authentication`).

mod auth;
mod error;
mod routes;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

pub use auth::DEFAULT_SCOPES;

/// Routes that the emulator implements, as `METHOD /path` (relative to the origin).
pub const EMULATED: &[&str] = &[
    "POST /oauth/token",
    "GET /api/v2/users",
    "POST /api/v2/users",
    "GET /api/v2/users/{id}",
    "PATCH /api/v2/users/{id}",
    "DELETE /api/v2/users/{id}",
    "GET /api/v2/users-by-email",
    "GET /api/v2/rules",
    "POST /api/v2/rules",
    "GET /api/v2/rules/{id}",
    "PATCH /api/v2/rules/{id}",
    "DELETE /api/v2/rules/{id}",
    "GET /api/v2/clients",
    "POST /api/v2/clients",
    "GET /api/v2/clients/{id}",
    "PATCH /api/v2/clients/{id}",
    "DELETE /api/v2/clients/{id}",
    "GET /api/v2/connections",
    "POST /api/v2/jobs/users-imports",
    "GET /api/v2/jobs/{id}",
    "GET /api/v2/jobs/{id}/errors",
    "GET /api/v2/logs",
    "GET /api/v2/logs/{id}",
];

/// How to start an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    addr: SocketAddr,
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Vec<String>,
    token_lifetime_secs: u64,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: None,
            client_secret: None,
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            token_lifetime_secs: 86_400,
        }
    }
}

impl EmulatorBuilder {
    /// Listens on `127.0.0.1:port` (0, the default, picks a free port).
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Listens on `addr`; loopback is the default, and anything else exposes the tenant to the
    /// network.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The client that may use the client-credentials grant (random by default).
    pub fn client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self.client_secret = Some(secret.into());
        self
    }

    /// The scopes granted to that client (default: [`DEFAULT_SCOPES`]).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The `expires_in` of issued tokens, in seconds (default one day).
    pub fn token_lifetime_secs(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = secs;
        self
    }

    /// Binds and serves in the background until the [`Emulator`] is dropped.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let client_id = self
            .client_id
            .unwrap_or_else(|| state::random_id("cli_", 16));
        let client_secret = self
            .client_secret
            .unwrap_or_else(|| state::random_id("", 32));
        let auth = auth::Auth::new(
            &base_url,
            &client_id,
            &client_secret,
            self.scopes,
            self.token_lifetime_secs,
        );
        let shared = Arc::new(state::Shared::new(auth));
        let app = routes::router(shared);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
        });
        Ok(Emulator {
            base_url,
            client_id,
            client_secret,
            stop: Some(stop_tx),
            server,
        })
    }
}

/// A running emulated tenant. Dropping it stops the server.
pub struct Emulator {
    base_url: String,
    client_id: String,
    client_secret: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

impl Emulator {
    /// Starts with the defaults: a random loopback port, a random client.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// Options for starting one.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The origin, e.g. `http://127.0.0.1:41234` (API under `/api/v2`, token at `/oauth/token`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The audience tokens must be issued for: `{base_url}/api/v2/`.
    pub fn audience(&self) -> String {
        format!("{}/api/v2/", self.base_url)
    }

    /// The client id that may use the client-credentials grant.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// That client's secret.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
