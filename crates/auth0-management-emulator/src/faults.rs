//! Fault knobs: rate limiting with Auth0's headers, fixed latency, injected errors. They apply
//! to `/api/v2` requests (the token endpoint has its own latency knob), so that a client's
//! retry and timeout handling can be tested without a real tenant.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue, StatusCode};

/// Latencies are capped at this, so a typo cannot hang a test suite.
pub const MAX_LATENCY: Duration = Duration::from_secs(30);

/// The fault knobs an [`Emulator`](crate::Emulator) starts with (see
/// [`EmulatorBuilder`](crate::EmulatorBuilder)). All off by default.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// At most `limit` API requests per `window` (a token bucket of `limit` that refills
    /// continuously over `window`).
    pub rate_limit: Option<(u32, Duration)>,
    /// Added before every API response.
    pub latency: Duration,
    /// Added before every token endpoint response.
    pub token_latency: Duration,
    /// Every `n`th API request (counting from 1) answers this status.
    pub fail_every: Option<(u64, u16)>,
    /// The first `n` API requests answer this status.
    pub fail_first: Option<(u64, u16)>,
}

/// The knobs' running state.
pub struct FaultState {
    config: Faults,
    requests: AtomicU64,
    bucket: Mutex<Bucket>,
    /// Injected failures still to serve: (count, status).
    pending: Mutex<(u64, u16)>,
    rejected: AtomicU64,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What the gate should do with one API request.
pub enum Verdict {
    /// Serve it; add these rate-limit headers to the response.
    Pass(HeaderMap),
    /// Answer this status at once (with these headers).
    Fail(StatusCode, HeaderMap),
}

impl FaultState {
    pub fn new(mut config: Faults) -> Self {
        config.latency = config.latency.min(MAX_LATENCY);
        config.token_latency = config.token_latency.min(MAX_LATENCY);
        if let Some((limit, window)) = &mut config.rate_limit {
            *limit = (*limit).max(1);
            *window = (*window).max(Duration::from_millis(1));
        }
        let pending = config.fail_first.unwrap_or((0, 503));
        let tokens = config.rate_limit.map_or(0.0, |(l, _)| f64::from(l));
        Self {
            config,
            requests: AtomicU64::new(0),
            bucket: Mutex::new(Bucket {
                tokens,
                at: Instant::now(),
            }),
            pending: Mutex::new(pending),
            rejected: AtomicU64::new(0),
        }
    }

    pub fn latency(&self) -> Duration {
        self.config.latency
    }

    pub fn token_latency(&self) -> Duration {
        self.config.token_latency
    }

    /// API requests received so far (including the ones a knob rejected).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// API requests a knob answered with an error (rate limit or injected failure).
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::SeqCst)
    }

    /// The next `n` API requests answer `status`.
    pub fn fail_next(&self, n: u64, status: u16) {
        *self.pending.lock().unwrap() = (n, status);
    }

    /// Counts one API request and decides its fate.
    pub fn admit(&self) -> Verdict {
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let headers = self.rate_limit_headers();
        let verdict = {
            let mut pending = self.pending.lock().unwrap();
            if pending.0 > 0 {
                pending.0 -= 1;
                Some(pending.1)
            } else {
                None
            }
        }
        .or_else(|| {
            self.config
                .fail_every
                .filter(|(every, _)| *every > 0 && n.is_multiple_of(*every))
                .map(|(_, status)| status)
        });
        let verdict = match (verdict, headers) {
            (Some(status), (h, _)) => Verdict::Fail(status_code(status), h),
            (None, (h, true)) => Verdict::Fail(StatusCode::TOO_MANY_REQUESTS, h),
            (None, (h, false)) => Verdict::Pass(h),
        };
        if matches!(verdict, Verdict::Fail(..)) {
            self.rejected.fetch_add(1, Ordering::SeqCst);
        }
        verdict
    }

    /// Takes a token from the bucket: the `x-ratelimit-*` headers, and whether it was empty.
    fn rate_limit_headers(&self) -> (HeaderMap, bool) {
        let mut h = HeaderMap::new();
        let Some((limit, window)) = self.config.rate_limit else {
            return (h, false);
        };
        let cap = f64::from(limit);
        let per_token = window.as_secs_f64() / cap;
        let mut b = self.bucket.lock().unwrap();
        let now = Instant::now();
        let elapsed = now.duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed / per_token).min(cap);
        b.at = now;
        let limited = b.tokens < 1.0;
        if !limited {
            b.tokens -= 1.0;
        }
        // Seconds until the bucket is full again, and until one token is back.
        let full_in = (cap - b.tokens) * per_token;
        let token_in = if limited {
            (1.0 - b.tokens) * per_token
        } else {
            0.0
        };
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let set = |h: &mut HeaderMap, k: &'static str, v: String| {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        };
        set(&mut h, "x-ratelimit-limit", limit.to_string());
        set(
            &mut h,
            "x-ratelimit-remaining",
            (b.tokens.floor() as u64).to_string(),
        );
        set(
            &mut h,
            "x-ratelimit-reset",
            ((epoch + full_in).ceil() as u64).to_string(),
        );
        if limited {
            set(
                &mut h,
                "retry-after",
                (token_in.ceil() as u64).max(1).to_string(),
            );
        }
        (h, limited)
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_empties_and_says_when_to_come_back() {
        let f = FaultState::new(Faults {
            rate_limit: Some((2, Duration::from_secs(3600))),
            ..Faults::default()
        });
        assert!(matches!(f.admit(), Verdict::Pass(h) if h["x-ratelimit-remaining"] == "1"));
        assert!(matches!(f.admit(), Verdict::Pass(h) if h["x-ratelimit-remaining"] == "0"));
        match f.admit() {
            Verdict::Fail(s, h) => {
                assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
                assert_eq!(h["x-ratelimit-limit"], "2");
                let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=1800).contains(&retry), "{retry}");
            }
            Verdict::Pass(_) => panic!("the third request is limited"),
        }
        assert_eq!((f.requests(), f.rejected()), (3, 1));
    }

    #[test]
    fn injected_failures() {
        let f = FaultState::new(Faults {
            fail_every: Some((3, 500)),
            fail_first: Some((1, 503)),
            ..Faults::default()
        });
        let statuses: Vec<u16> = (0..6)
            .map(|_| match f.admit() {
                Verdict::Fail(s, _) => s.as_u16(),
                Verdict::Pass(_) => 200,
            })
            .collect();
        assert_eq!(statuses, vec![503, 200, 500, 200, 200, 500]);
        f.fail_next(2, 429);
        assert!(matches!(f.admit(), Verdict::Fail(s, _) if s == 429));
    }
}
