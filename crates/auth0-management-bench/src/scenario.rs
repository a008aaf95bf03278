//! The client side: one scenario, run by the SDK or by hand-written reqwest calls, measured.
//!
//! Both sides decode every response into the same generated types
//! (`UserResponseSchema`, `ListUsersResponseContent`), use a reqwest client with reqwest's
//! default pool, and run on the same tokio runtime, so the difference is what the SDK adds:
//! its token cache, headers, retry loop, response size limit, error mapping and paginator.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use auth0_management::ManagementClient;
use auth0_management::api::types::{ListUsersResponseContent, UserResponseSchema};
use auth0_management::managers::users::GetUsersParams;
use futures::TryStreamExt as _;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::Serialize;

use crate::rusage::{self, Usage};
use crate::server::BENCH_USER_ID;

/// Who makes the calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impl {
    /// `auth0_management::ManagementClient` with client credentials and default settings.
    Sdk,
    /// A `reqwest::Client` with a token fetched once, the same URLs and typed decoding.
    Raw,
}

impl std::str::FromStr for Impl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sdk" => Ok(Self::Sdk),
            "raw" => Ok(Self::Raw),
            _ => Err(format!("unknown impl {s:?} (sdk or raw)")),
        }
    }
}

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scenario {
    /// `calls` times `GET /api/v2/users/{id}`, `concurrency` at a time.
    GetUser {
        /// Number of calls.
        calls: u64,
        /// Calls in flight at once.
        concurrency: u64,
    },
    /// Pages 0..`pages` of `GET /api/v2/users?per_page=100`, `concurrency` at a time.
    List {
        /// Number of pages.
        pages: u64,
        /// Pages in flight at once.
        concurrency: u64,
    },
    /// Every user, one page of 100 after the other, as one stream of items.
    Stream {
        /// Users the server holds (pages = users / 100).
        users: u64,
    },
    /// `calls` concurrent first calls on a new client (the token endpoint should be slow).
    ColdBurst {
        /// Number of concurrent calls.
        calls: u64,
    },
}

/// Where the server is.
#[derive(Debug, Clone)]
pub struct Target {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub origin: String,
    /// The certificate to trust for https (DER).
    pub ca_der: Option<Vec<u8>>,
}

/// The measurements of one run (one JSON line of `client`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Who made the calls.
    #[serde(rename = "impl")]
    pub imp: Impl,
    /// What ran.
    pub scenario: Scenario,
    /// `http` or `https`.
    pub transport: &'static str,
    /// Calls (requests to the API, not counting token requests) that succeeded.
    pub calls: u64,
    /// Calls that failed.
    pub errors: u64,
    /// Users decoded (all calls together).
    pub items: u64,
    /// Wall time of the measured part, seconds.
    pub wall_s: f64,
    /// `calls / wall_s`.
    pub calls_per_s: f64,
    /// Median call latency, microseconds.
    pub p50_us: u64,
    /// 99th percentile call latency, microseconds.
    pub p99_us: u64,
    /// User + system CPU time of this process during the measured part, per call, microseconds.
    pub cpu_us_per_call: f64,
    /// Peak RSS of this process, KiB (`ru_maxrss`).
    pub peak_rss_kib: u64,
    /// Stream: peak RSS once the first page was consumed, KiB.
    pub rss_after_first_page_kib: Option<u64>,
    /// The run hit its deadline and stopped early.
    pub timed_out: bool,
    /// The first error, if any (never contains a secret: both sides' errors are redacted or
    /// carry no token).
    pub first_error: Option<String>,
}

const CLIENT_ID: &str = "bench-client";
/// Not a secret anywhere: the mock server accepts any client secret.
const CLIENT_SECRET: &str = "bench-secret-not-used-anywhere-else";

fn transport_of(target: &Target) -> &'static str {
    if target.origin.starts_with("https:") {
        "https"
    } else {
        "http"
    }
}

/// The SDK client: default settings; for https, the SDK's own HTTP client set-up
/// (`http_client_builder`) plus the root certificate, nothing else.
pub fn sdk_client(target: &Target) -> Result<ManagementClient, String> {
    let mut b = ManagementClient::builder()
        .domain("bench.example.com")
        .base_url(target.origin.clone())
        .client_credentials(CLIENT_ID, CLIENT_SECRET);
    if let Some(der) = &target.ca_der {
        let cert = reqwest::Certificate::from_der(der).map_err(|e| e.to_string())?;
        let http = auth0_management::http_client_builder()
            .map_err(|e| e.to_string())?
            .add_root_certificate(cert)
            .build()
            .map_err(|e| e.to_string())?;
        b = b.http_client(http);
    }
    b.build().map_err(|e| e.to_string())
}

/// The raw client: `reqwest::Client::builder()` with reqwest's defaults (rustls), plus the
/// root certificate for https.
pub fn raw_client(target: &Target) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder().tls_backend_rustls();
    if let Some(der) = &target.ca_der {
        let cert = reqwest::Certificate::from_der(der).map_err(|e| e.to_string())?;
        b = b.add_root_certificate(cert);
    }
    b.build().map_err(|e| e.to_string())
}

/// Hand-written calls: what a user of plain reqwest would write.
#[derive(Clone)]
struct Raw {
    http: reqwest::Client,
    origin: Arc<str>,
    auth: HeaderValue,
}

#[derive(serde::Deserialize)]
struct TokenBody {
    access_token: String,
}

#[derive(Debug)]
struct CallError(String);

impl Raw {
    async fn connect(http: reqwest::Client, origin: &str) -> Result<Self, CallError> {
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "audience": "https://bench.example.com/api/v2/",
        });
        let resp = http
            .post(format!("{origin}/oauth/token"))
            .json(&body)
            .send()
            .await
            .map_err(|e| CallError(e.without_url().to_string()))?;
        if !resp.status().is_success() {
            return Err(CallError(format!("token endpoint: {}", resp.status())));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| CallError(e.without_url().to_string()))?;
        let token: TokenBody = serde_json::from_slice(&bytes)
            .map_err(|_| CallError("token response did not decode".into()))?;
        let mut auth = HeaderValue::try_from(format!("Bearer {}", token.access_token))
            .map_err(|_| CallError("token is not a header value".into()))?;
        auth.set_sensitive(true);
        Ok(Self {
            http,
            origin: origin.into(),
            auth,
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: String) -> Result<T, CallError> {
        let resp = self
            .http
            .get(url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(|e| CallError(e.without_url().to_string()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| CallError(e.without_url().to_string()))?;
        if !status.is_success() {
            return Err(CallError(format!("status {status}")));
        }
        serde_json::from_slice(&bytes).map_err(|e| CallError(format!("decode: {e}")))
    }

    async fn get_user(&self, id: &str) -> Result<UserResponseSchema, CallError> {
        // The id has `|`, which the generated client percent-encodes too.
        let id = id.replace('|', "%7C");
        self.get_json(format!("{}/api/v2/users/{id}", self.origin))
            .await
    }

    async fn list_page(&self, page: u64) -> Result<Vec<UserResponseSchema>, CallError> {
        let url = format!(
            "{}/api/v2/users?include_totals=true&page={page}&per_page=100",
            self.origin
        );
        Ok(
            match self.get_json::<ListUsersResponseContent>(url).await? {
                ListUsersResponseContent::Array(users) => users,
                ListUsersResponseContent::ListUsersOffsetPaginatedResponseContent(p) => p.users,
            },
        )
    }
}

/// One side of the comparison, ready to make calls.
#[derive(Clone)]
enum Caller {
    Sdk(ManagementClient),
    Raw(Raw),
}

/// A client built but not used yet (building one loads the TLS roots, which is not measured).
enum Built {
    Sdk(ManagementClient),
    Raw(reqwest::Client),
}

impl Built {
    fn new(imp: Impl, target: &Target) -> Result<Self, String> {
        Ok(match imp {
            Impl::Sdk => Built::Sdk(sdk_client(target)?),
            Impl::Raw => Built::Raw(raw_client(target)?),
        })
    }

    /// Ready to call: the raw side fetches its one token. With `warm`, the SDK fetches its
    /// token too (through its own cache, `access_token()`); without, its first calls do.
    async fn ready(self, origin: &str, warm: bool) -> Result<Caller, String> {
        Ok(match self {
            Built::Sdk(c) => {
                if warm {
                    c.access_token().await.map_err(|e| e.to_string())?;
                }
                Caller::Sdk(c)
            }
            Built::Raw(http) => Caller::Raw(Raw::connect(http, origin).await.map_err(|e| e.0)?),
        })
    }
}

impl Caller {
    async fn get_user(&self) -> Result<u64, String> {
        match self {
            Caller::Sdk(c) => c
                .users()
                .get(BENCH_USER_ID)
                .await
                .map(|u| u64::from(u.user_id.is_some()))
                .map_err(|e| e.to_string()),
            Caller::Raw(r) => r
                .get_user(BENCH_USER_ID)
                .await
                .map(|u| u64::from(u.user_id.is_some()))
                .map_err(|e| e.0),
        }
    }

    async fn list_page(&self, page: u64) -> Result<u64, String> {
        match self {
            Caller::Sdk(c) => c
                .users()
                .get_all(GetUsersParams::new().page(page).per_page(100))
                .first_page()
                .await
                .map(|p| p.items.len() as u64)
                .map_err(|e| e.to_string()),
            Caller::Raw(r) => r
                .list_page(page)
                .await
                .map(|u| u.len() as u64)
                .map_err(|e| e.0),
        }
    }
}

/// Latencies, errors and counts of the workers of one run.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    calls: u64,
    errors: u64,
    items: u64,
    first_error: Option<String>,
}

impl Tally {
    fn record(&mut self, started: Instant, result: Result<u64, String>) {
        self.latencies_us
            .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        match result {
            Ok(items) => {
                self.calls += 1;
                self.items += items;
            }
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        self.calls += other.calls;
        self.errors += other.errors;
        self.items += other.items;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `total` operations `op(i)`, `concurrency` workers pulling indexes from a shared counter,
/// stopping at `deadline`.
async fn run_workers<F, Fut>(
    total: u64,
    concurrency: u64,
    deadline: Instant,
    op: F,
) -> (Tally, bool)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<u64, String>> + Send,
{
    let next = Arc::new(AtomicU64::new(0));
    let op = Arc::new(op);
    let mut handles = Vec::new();
    for _ in 0..concurrency.clamp(1, 4096) {
        let next = next.clone();
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut timed_out = false;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                if Instant::now() >= deadline {
                    timed_out = true;
                    break;
                }
                let started = Instant::now();
                let result = op(i).await;
                tally.record(started, result);
            }
            (tally, timed_out)
        }));
    }
    let mut tally = Tally::default();
    let mut timed_out = false;
    for h in handles {
        match h.await {
            Ok((t, to)) => {
                tally.merge(t);
                timed_out |= to;
            }
            Err(e) => {
                tally.errors += 1;
                tally
                    .first_error
                    .get_or_insert(format!("worker failed: {e}"));
            }
        }
    }
    (tally, timed_out)
}

/// Runs `scenario` once with `imp` against `target`, stopping early at `deadline`.
///
/// The measured part is the calls: it starts once the client is built and holds a token (the
/// raw side's one token request; the SDK's `access_token()`, through the cache its calls use),
/// so one-off costs of either side (loading the TLS roots, the first handshake, the token) are
/// outside it; the server still counts every token request and connection of the process. The
/// cold burst is the exception: it measures from the new client's first calls.
pub async fn run(
    imp: Impl,
    scenario: Scenario,
    target: &Target,
    deadline: Duration,
) -> Result<Report, String> {
    let deadline = Instant::now() + deadline;
    let built = Built::new(imp, target)?;
    let cold = matches!(scenario, Scenario::ColdBurst { .. });
    let (caller, before, started) = if cold {
        let (before, started) = (rusage::now(), Instant::now());
        (built.ready(&target.origin, false).await?, before, started)
    } else {
        let caller = built.ready(&target.origin, true).await?;
        (caller, rusage::now(), Instant::now())
    };
    let mut rss_after_first_page_kib = None;
    let (tally, timed_out) = match scenario {
        Scenario::GetUser { calls, concurrency } => {
            let c = caller.clone();
            run_workers(calls, concurrency, deadline, move |_| {
                let c = c.clone();
                async move { c.get_user().await }
            })
            .await
        }
        Scenario::List { pages, concurrency } => {
            let c = caller.clone();
            run_workers(pages, concurrency, deadline, move |page| {
                let c = c.clone();
                async move { c.list_page(page).await }
            })
            .await
        }
        Scenario::ColdBurst { calls } => {
            // Every call is started before any has finished: all of them find no token.
            let futures = (0..calls.min(4096)).map(|_| {
                let c = caller.clone();
                async move {
                    let t = Instant::now();
                    (t, c.get_user().await)
                }
            });
            let mut tally = Tally::default();
            for (t, r) in futures::future::join_all(futures).await {
                tally.record(t, r);
            }
            (tally, false)
        }
        Scenario::Stream { users } => {
            let (tally, timed_out, first) = stream(&caller, users, deadline).await;
            rss_after_first_page_kib = first;
            (tally, timed_out)
        }
    };
    let wall = started.elapsed();
    let after = rusage::now();
    let mut latencies = tally.latencies_us;
    latencies.sort_unstable();
    let cpu = Usage::cpu_between(&before, &after);
    let calls = tally.calls.max(1);
    Ok(Report {
        imp,
        scenario,
        transport: transport_of(target),
        calls: tally.calls,
        errors: tally.errors,
        items: tally.items,
        wall_s: wall.as_secs_f64(),
        calls_per_s: tally.calls as f64 / wall.as_secs_f64().max(1e-9),
        p50_us: percentile(&latencies, 50.0),
        p99_us: percentile(&latencies, 99.0),
        cpu_us_per_call: cpu.as_secs_f64() * 1e6 / calls as f64,
        peak_rss_kib: after.max_rss_kib,
        rss_after_first_page_kib,
        timed_out,
        first_error: tally.first_error,
    })
}

/// Streams every user. A "call" is one page; the latency recorded is the time between pages.
async fn stream(caller: &Caller, users: u64, deadline: Instant) -> (Tally, bool, Option<u64>) {
    let mut tally = Tally::default();
    let mut first_page_rss = None;
    let mut timed_out = false;
    let mut seen: u64 = 0;
    let pages = users.div_ceil(100);
    match caller {
        Caller::Sdk(c) => {
            // Auth0 caps offset paging at 1000 records, and GET /users has no checkpoint
            // paging; the mock server has no cap, so the paginator is told so.
            let mut items = c
                .users()
                .get_all(GetUsersParams::new().per_page(100))
                .offset_limit(u64::MAX)
                .max_pages(pages)
                .items();
            let mut page_started = Instant::now();
            loop {
                if Instant::now() >= deadline {
                    timed_out = true;
                    break;
                }
                match items.try_next().await {
                    Ok(Some(user)) => {
                        seen += 1;
                        std::hint::black_box(&user);
                        if seen.is_multiple_of(100) {
                            tally.record(page_started, Ok(100));
                            page_started = Instant::now();
                            if seen == 100 {
                                first_page_rss = Some(rusage::now().max_rss_kib);
                            }
                        }
                    }
                    Ok(None) => {
                        if !seen.is_multiple_of(100) {
                            tally.record(page_started, Ok(seen % 100));
                        }
                        break;
                    }
                    Err(e) => {
                        tally.record(page_started, Err(e.to_string()));
                        break;
                    }
                }
            }
        }
        Caller::Raw(r) => {
            for page in 0..pages {
                if Instant::now() >= deadline {
                    timed_out = true;
                    break;
                }
                let started = Instant::now();
                match r.list_page(page).await {
                    Ok(users) => {
                        let n = users.len() as u64;
                        for user in users {
                            std::hint::black_box(&user);
                        }
                        tally.record(started, Ok(n));
                        if page == 0 {
                            first_page_rss = Some(rusage::now().max_rss_kib);
                        }
                        if n < 100 {
                            break;
                        }
                    }
                    Err(e) => {
                        tally.record(started, Err(e.0));
                        break;
                    }
                }
            }
        }
    }
    (tally, timed_out, first_page_rss)
}
