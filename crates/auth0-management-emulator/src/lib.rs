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
//! What it emulates ([`EMULATED`] lists the operations; every other operation of the spec
//! answers 501 with that list):
//! - `POST /oauth/token` (client credentials): HS256-signed JWTs carrying the audience and the
//!   scopes the client was granted; API calls check the bearer token and the operation's
//!   scopes as the spec lists them, answering 401/403 as Auth0 does;
//! - users: create (database connections need an e-mail and a long enough password), get,
//!   list (page/per_page/include_totals, the 1000-record cap, `q` on email), update (metadata
//!   merged one level deep, `null` removes a key, `{}` clears), delete, users-by-email,
//!   identities link/unlink, logs, enrollments, multifactor, permissions;
//! - rules, clients (and rotate-secret), client grants, connections, resource servers: create,
//!   get, list (offset, and checkpoint where Auth0 has it), update, delete; device
//!   credentials: list, create public key, delete;
//! - the email provider (get/configure/update/delete, secrets never echoed), tenant settings
//!   (get, update merging), blacklisted tokens, email-verification and password-change
//!   tickets, stats (active users, daily);
//! - jobs: users-imports (multipart), users-exports (with a download `location`),
//!   verification-email; all `pending` then `completed` in the background; status, errors;
//! - logs: written for API writes, listed by offset (newest first) or by checkpoint
//!   (`from`/`take`, oldest first, with a `Link` header), and fetched by id.
//!
//! Every request body and the declared query parameters are validated against the bundled
//! spec ([`spec`]): 400 with Auth0's error body (`invalid_body`, `invalid_query_string`). In
//! debug builds each response is checked against the operation's response schema too, and a
//! mismatch answers 500 (`emulator_response_mismatch`): a bug in the emulator.
//!
//! Fault knobs ([`EmulatorBuilder::rate_limit`], [`latency`](EmulatorBuilder::latency),
//! [`fail_every`](EmulatorBuilder::fail_every), [`Emulator::fail_next`], ...) let a client's
//! retry handling be tested; [`Emulator::api_requests`] counts what reached the server.

mod auth;
mod error;
mod faults;
mod routes;
pub mod spec;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use auth::DEFAULT_SCOPES;

/// Operations that the emulator implements, as `METHOD /path` (relative to the origin; API
/// paths are the spec's templates under `/api/v2`).
pub const EMULATED: &[&str] = &[
    "POST /oauth/token",
    "GET /api/v2/users",
    "POST /api/v2/users",
    "GET /api/v2/users/{id}",
    "PATCH /api/v2/users/{id}",
    "DELETE /api/v2/users/{id}",
    "GET /api/v2/users-by-email",
    "POST /api/v2/users/{id}/identities",
    "DELETE /api/v2/users/{id}/identities/{provider}/{user_id}",
    "GET /api/v2/users/{id}/logs",
    "GET /api/v2/users/{id}/enrollments",
    "DELETE /api/v2/users/{id}/multifactor/{provider}",
    "POST /api/v2/users/{id}/multifactor/actions/invalidate-remember-browser",
    "GET /api/v2/users/{id}/permissions",
    "POST /api/v2/users/{id}/permissions",
    "DELETE /api/v2/users/{id}/permissions",
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
    "POST /api/v2/clients/{id}/rotate-secret",
    "GET /api/v2/client-grants",
    "POST /api/v2/client-grants",
    "GET /api/v2/client-grants/{id}",
    "PATCH /api/v2/client-grants/{id}",
    "DELETE /api/v2/client-grants/{id}",
    "GET /api/v2/connections",
    "POST /api/v2/connections",
    "GET /api/v2/connections/{id}",
    "PATCH /api/v2/connections/{id}",
    "DELETE /api/v2/connections/{id}",
    "GET /api/v2/resource-servers",
    "POST /api/v2/resource-servers",
    "GET /api/v2/resource-servers/{id}",
    "PATCH /api/v2/resource-servers/{id}",
    "DELETE /api/v2/resource-servers/{id}",
    "GET /api/v2/device-credentials",
    "POST /api/v2/device-credentials",
    "DELETE /api/v2/device-credentials/{id}",
    "GET /api/v2/emails/provider",
    "POST /api/v2/emails/provider",
    "PATCH /api/v2/emails/provider",
    "DELETE /api/v2/emails/provider",
    "GET /api/v2/tenants/settings",
    "PATCH /api/v2/tenants/settings",
    "GET /api/v2/blacklists/tokens",
    "POST /api/v2/blacklists/tokens",
    "POST /api/v2/tickets/email-verification",
    "POST /api/v2/tickets/password-change",
    "GET /api/v2/stats/active-users",
    "GET /api/v2/stats/daily",
    "POST /api/v2/jobs/users-imports",
    "POST /api/v2/jobs/users-exports",
    "POST /api/v2/jobs/verification-email",
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
    faults: faults::Faults,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: None,
            client_secret: None,
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            token_lifetime_secs: 86_400,
            faults: faults::Faults::default(),
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

    /// Rate limiting: at most `limit` API requests per `window` (a token bucket of `limit`
    /// that refills continuously over `window`). Every API response carries
    /// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (unix seconds when
    /// the bucket is full again); an empty bucket answers 429 `too_many_requests` with those
    /// and `retry-after` (seconds until a request is allowed again, at least 1).
    pub fn rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.faults.rate_limit = Some((limit, window));
        self
    }

    /// A fixed delay before every API response (capped at 30 s).
    pub fn latency(mut self, delay: Duration) -> Self {
        self.faults.latency = delay;
        self
    }

    /// A fixed delay before every token endpoint response (capped at 30 s).
    pub fn token_latency(mut self, delay: Duration) -> Self {
        self.faults.token_latency = delay;
        self
    }

    /// Every `n`th API request (the `n`th, `2n`th, ...) answers `status` (e.g. 503) with an
    /// Auth0 error body. `n = 0` turns it off.
    pub fn fail_every(mut self, n: u64, status: u16) -> Self {
        self.faults.fail_every = Some((n, status));
        self
    }

    /// The first `n` API requests answer `status`; see also [`Emulator::fail_next`].
    pub fn fail_first(mut self, n: u64, status: u16) -> Self {
        self.faults.fail_first = Some((n, status));
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
        let faults = faults::FaultState::new(self.faults);
        let shared = Arc::new(state::Shared::new(auth, faults, base_url.clone()));
        let app = routes::router(Arc::clone(&shared));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
        });
        Ok(Emulator {
            shared,
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
    shared: Arc<state::Shared>,
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

    /// API requests (`/api/v2`) received so far, including those a fault knob answered.
    pub fn api_requests(&self) -> u64 {
        self.shared.faults.requests()
    }

    /// API requests a fault knob answered with an error (rate limit or injected failure).
    pub fn rejected_requests(&self) -> u64 {
        self.shared.faults.rejected()
    }

    /// The next `n` API requests answer `status` (e.g. 503, or 429 with rate-limit headers
    /// when [`EmulatorBuilder::rate_limit`] is set) with an Auth0 error body.
    pub fn fail_next(&self, n: u64, status: u16) {
        self.shared.faults.fail_next(n, status);
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
