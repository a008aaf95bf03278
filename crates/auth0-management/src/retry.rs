//! The retry policy, and the one loop that applies it to every request (API calls and token
//! requests alike).

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_management_api::hooks::BoxFuture;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Request, Response, StatusCode};

use crate::clock::Clock;

/// When and how often a failed request is sent again.
///
/// Defaults: up to 3 retries (4 attempts in all); backoff starting at 500 ms and doubling, with
/// full jitter; each wait at most 30 s; at most 60 s of waiting in all for one call.
///
/// What is retried:
/// - **429 Too Many Requests**, for every method (the server did not act on the request). The wait
///   is what the server asks for: `Retry-After` (seconds or an HTTP date), else
///   `X-RateLimit-Reset` (unix seconds), else the backoff. When the server asks for longer than
///   one wait may last, or than the remaining total allows, the call gives up at once and returns
///   [`Error::RateLimited`](crate::Error::RateLimited) with the server's wait, rather than knocking
///   again too early.
/// - **5xx and 408**, and transport failures (reset connection, timeout), only for idempotent
///   methods: GET, HEAD, PUT, DELETE, OPTIONS. A POST or PATCH may have taken effect, so it is
///   never sent twice, except when the connection could not even be opened (nothing was sent).
/// - Only requests whose body can be replayed (every request this crate builds; not a streaming
///   body) are retried, each time with the same body.
///
/// ```
/// use std::time::Duration;
/// use auth0_management::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(10)
///     .with_max_total_delay(Duration::from_secs(300));
/// let never = RetryPolicy::none();
/// assert_eq!(never.max_retries(), 0);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Sets how many times a request may be re-sent (0 disables retries).
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first backoff step (doubled on each retry, then jittered).
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Sets the longest single wait.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets the longest total wait across all retries of one call.
    pub fn with_max_total_delay(mut self, d: Duration) -> Self {
        self.max_total_delay = d;
        self
    }

    /// How many times a request may be re-sent.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first backoff step.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest single wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest total wait for one call.
    pub fn max_total_delay(&self) -> Duration {
        self.max_total_delay
    }

    /// Exponential backoff with full jitter for retry number `retry` (0-based): uniform in
    /// `[0, min(max_delay, base * 2^retry)]`.
    fn backoff(&self, retry: u32) -> Duration {
        let cap = self
            .base_delay
            .checked_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }
}

/// Whether a method is idempotent per RFC 9110 (safe to send twice).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The wait the server asked for: `Retry-After` (delta seconds or HTTP date), else
/// `X-RateLimit-Reset` (unix seconds). `None` if neither is present and valid.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(v) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())?;
    let at = UNIX_EPOCH.checked_add(Duration::from_secs(reset))?;
    // A reset time already past (clock skew, or the window just rolled) says nothing useful:
    // fall back to backoff.
    at.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// What the loop decided after one attempt.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Retry(Duration),
    Stop,
}

/// Decides whether to retry after retry number `retries_done` and `waited` total waiting.
fn decide_status(
    policy: &RetryPolicy,
    status: StatusCode,
    headers: &HeaderMap,
    idempotent: bool,
    retries_done: u32,
    waited: Duration,
    now: SystemTime,
) -> Decision {
    if retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    let budget = policy.max_total_delay.saturating_sub(waited);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return match server_delay(headers, now) {
            Some(d) if d <= policy.max_delay && d <= budget => Decision::Retry(d),
            Some(_) => Decision::Stop,
            None => backoff_within(policy, retries_done, budget),
        };
    }
    if idempotent && (status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT) {
        // A 503 may say when to come back; honour it the same way.
        return match server_delay(headers, now) {
            Some(d) if d <= policy.max_delay && d <= budget => Decision::Retry(d),
            Some(_) => Decision::Stop,
            None => backoff_within(policy, retries_done, budget),
        };
    }
    Decision::Stop
}

fn decide_error(
    policy: &RetryPolicy,
    error: &reqwest::Error,
    idempotent: bool,
    retries_done: u32,
    waited: Duration,
) -> Decision {
    if retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    // A connect error means nothing reached the server: safe for any method. Anything later
    // (reset mid-request, timeout) may have been acted on.
    let retryable = error.is_connect() || (idempotent && is_transient(error));
    if !retryable {
        return Decision::Stop;
    }
    backoff_within(
        policy,
        retries_done,
        policy.max_total_delay.saturating_sub(waited),
    )
}

fn is_transient(error: &reqwest::Error) -> bool {
    // Builder, redirect-policy and decode errors are not going to change on a retry.
    !(error.is_builder() || error.is_redirect() || error.is_decode() || error.is_status())
}

fn backoff_within(policy: &RetryPolicy, retries_done: u32, budget: Duration) -> Decision {
    let d = policy.backoff(retries_done);
    if d <= budget {
        Decision::Retry(d)
    } else if !budget.is_zero() {
        Decision::Retry(budget)
    } else {
        Decision::Stop
    }
}

/// What a finished [`send`] reports besides the response.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SendStats {
    /// Attempts made (1 = no retry).
    pub(crate) attempts: u32,
}

/// Sends `request`, retrying per `policy`. Returns the last response (which may be an error
/// status: the caller interprets it) or the last transport error. `timeout` applies to each
/// attempt that has none of its own.
pub(crate) async fn send(
    client: &reqwest::Client,
    request: Request,
    policy: &RetryPolicy,
    clock: &dyn Clock,
    idempotent: bool,
    timeout: Option<Duration>,
) -> (reqwest::Result<Response>, SendStats) {
    let (result, stats, _) =
        send_keeping_copy(client, request, policy, clock, idempotent, false, timeout).await;
    (result, stats)
}

/// Like [`send`]; with `keep_copy`, also returns a copy of the last request sent (when its body
/// can be copied), so a caller that needs to send it again (after a 401) does not copy every
/// request a second time.
pub(crate) fn send_keeping_copy<'a>(
    client: &'a reqwest::Client,
    request: Request,
    policy: &'a RetryPolicy,
    clock: &'a dyn Clock,
    idempotent: bool,
    keep_copy: bool,
    timeout: Option<Duration>,
) -> impl Future<Output = (reqwest::Result<Response>, SendStats, Option<Request>)> + Send + 'a {
    let mut send = RetrySend {
        client,
        execute: reqwest::Client::execute,
        policy,
        clock,
        idempotent,
        keep_copy,
        timeout,
        stats: SendStats::default(),
        waited: Duration::ZERO,
        spare: None,
        state: State::Done,
    };
    send.start(request);
    send
}

/// The retry loop, written out as a future rather than an `async fn`: an `async fn` keeps its
/// `request` argument, the request it sends and the copy each in a slot of their own, and this
/// future is part of every call. Here the request in flight lives only inside reqwest's own
/// (boxed) future, and `spare` is the one copy: the next attempt's request, or the caller's.
struct RetrySend<'a, E, P> {
    client: &'a reqwest::Client,
    /// `reqwest::Client::execute` (a generic: reqwest does not name the future it returns).
    execute: E,
    policy: &'a RetryPolicy,
    clock: &'a dyn Clock,
    idempotent: bool,
    keep_copy: bool,
    /// For each attempt without a timeout of its own.
    timeout: Option<Duration>,
    stats: SendStats,
    waited: Duration,
    spare: Option<Request>,
    state: State<'a, P>,
}

enum State<'a, P> {
    /// An attempt in flight.
    Sending(P),
    /// Draining the failed response and waiting before the next attempt (rare: boxed).
    Waiting(BoxFuture<'a, ()>),
    /// Finished (or not started).
    Done,
}

impl<'a, E, P> RetrySend<'a, E, P>
where
    E: Fn(&reqwest::Client, Request) -> P,
{
    /// Sends the next attempt, first keeping a copy of it when another send may follow.
    fn start(&mut self, mut request: Request) {
        self.stats.attempts += 1;
        self.spare = if self.keep_copy || self.policy.max_retries > self.stats.attempts - 1 {
            request.try_clone()
        } else {
            None
        };
        // The timeout is set on the attempt after the copy is made: setting it creates the
        // request's extension map (three allocations), which the copy would clone as well.
        if let Some(timeout) = self.timeout
            && request.timeout().is_none()
        {
            *request.timeout_mut() = Some(timeout);
        }
        self.state = State::Sending((self.execute)(self.client, request));
    }
}

impl<'a, E, P> Future for RetrySend<'a, E, P>
where
    E: Fn(&reqwest::Client, Request) -> P + Unpin,
    P: Future<Output = reqwest::Result<Response>> + Unpin,
{
    type Output = (reqwest::Result<Response>, SendStats, Option<Request>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Sending(pending) => {
                    let result = ready!(Pin::new(pending).poll(cx));
                    this.state = State::Done;
                    let retries_done = this.stats.attempts - 1;
                    let decision = match &result {
                        Ok(resp) => decide_status(
                            this.policy,
                            resp.status(),
                            resp.headers(),
                            this.idempotent,
                            retries_done,
                            this.waited,
                            this.clock.system_now(),
                        ),
                        Err(e) => {
                            decide_error(this.policy, e, this.idempotent, retries_done, this.waited)
                        }
                    };
                    let wait = match (decision, &this.spare) {
                        (Decision::Retry(wait), Some(next)) => {
                            log_retry(this.stats.attempts, next.method(), &result, wait);
                            wait
                        }
                        _ => {
                            let spare = this.spare.take().filter(|_| this.keep_copy);
                            return Poll::Ready((result, this.stats, spare));
                        }
                    };
                    let clock = this.clock;
                    this.state = State::Waiting(Box::pin(async move {
                        if let Ok(resp) = result {
                            // Read (a bounded amount of) the body so the connection can be reused.
                            drain(resp).await;
                        }
                        clock.sleep(wait).await;
                    }));
                    this.waited += wait;
                }
                State::Waiting(wait) => {
                    ready!(wait.as_mut().poll(cx));
                    // `spare` is set: a retry is only decided with a copy in hand.
                    let next = this.spare.take().expect("a retry has its request");
                    this.start(next);
                }
                State::Done => panic!("retry future polled after completion"),
            }
        }
    }
}

fn log_retry(attempt: u32, method: &Method, result: &reqwest::Result<Response>, wait: Duration) {
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(resp) => tracing::debug!(
            attempt,
            %method,
            status = resp.status().as_u16(),
            wait_ms,
            "retrying after error status"
        ),
        Err(e) => tracing::debug!(
            attempt,
            %method,
            error = %e,
            wait_ms,
            "retrying after transport error"
        ),
    }
}

/// Reads and discards up to 64 KiB of a body.
pub(crate) async fn drain(mut resp: Response) {
    let mut left: usize = 64 * 1024;
    while let Ok(Some(chunk)) = resp.chunk().await {
        left = left.saturating_sub(chunk.len());
        if left == 0 {
            break;
        }
    }
}

/// Reads at most `limit` bytes of a body; the flag says whether more was left unread.
pub(crate) async fn read_limited(
    mut resp: Response,
    limit: usize,
) -> reqwest::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = limit.saturating_sub(buf.len());
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok((buf, true));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf, false))
}

fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let p = RetryPolicy::default();
        for retry in 0..40 {
            let cap = (p.base_delay * 2u32.saturating_pow(retry.min(20))).min(p.max_delay);
            for _ in 0..20 {
                assert!(p.backoff(retry) <= cap);
            }
        }
        let zero = RetryPolicy::default().with_base_delay(Duration::ZERO);
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = SystemTime::now();
        assert_eq!(
            server_delay(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        let at = now + Duration::from_secs(5);
        let d = server_delay(
            &headers(&[("retry-after", &httpdate::fmt_http_date(at))]),
            now,
        )
        .unwrap();
        assert!(
            d <= Duration::from_secs(5) && d >= Duration::from_secs(4),
            "{d:?}"
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(50));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn ratelimit_reset_fallback() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "1003")]), now),
            Some(Duration::from_secs(3))
        );
        // Retry-After wins.
        assert_eq!(
            server_delay(
                &headers(&[("x-ratelimit-reset", "1003"), ("retry-after", "1")]),
                now
            ),
            Some(Duration::from_secs(1))
        );
        // Past resets and garbage fall back to backoff.
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "10")]), now),
            None
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "soon")]), now),
            None
        );
    }

    #[test]
    fn decisions() {
        let p = RetryPolicy::default();
        let now = SystemTime::now();
        let none = HeaderMap::new();
        let s429 = StatusCode::TOO_MANY_REQUESTS;
        // 429 retried for POST too.
        assert!(matches!(
            decide_status(&p, s429, &none, false, 0, Duration::ZERO, now),
            Decision::Retry(_)
        ));
        // 5xx only when idempotent.
        let s503 = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            decide_status(&p, s503, &none, false, 0, Duration::ZERO, now),
            Decision::Stop
        );
        assert!(matches!(
            decide_status(&p, s503, &none, true, 0, Duration::ZERO, now),
            Decision::Retry(_)
        ));
        assert!(matches!(
            decide_status(
                &p,
                StatusCode::REQUEST_TIMEOUT,
                &none,
                true,
                0,
                Duration::ZERO,
                now
            ),
            Decision::Retry(_)
        ));
        // 4xx never.
        assert_eq!(
            decide_status(
                &p,
                StatusCode::BAD_REQUEST,
                &none,
                true,
                0,
                Duration::ZERO,
                now
            ),
            Decision::Stop
        );
        // Max retries.
        assert_eq!(
            decide_status(&p, s429, &none, true, 3, Duration::ZERO, now),
            Decision::Stop
        );
        // Server wait longer than one wait may be: give up.
        let long = headers(&[("retry-after", "120")]);
        assert_eq!(
            decide_status(&p, s429, &long, true, 0, Duration::ZERO, now),
            Decision::Stop
        );
        // ... or than the remaining budget.
        let mid = headers(&[("retry-after", "20")]);
        assert_eq!(
            decide_status(&p, s429, &mid, true, 1, Duration::from_secs(50), now),
            Decision::Stop
        );
        assert_eq!(
            decide_status(&p, s429, &mid, true, 1, Duration::from_secs(10), now),
            Decision::Retry(Duration::from_secs(20))
        );
    }

    #[test]
    fn idempotent_methods() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent(&m));
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m));
        }
    }
}
