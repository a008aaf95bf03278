//! Time, behind a seam so that tests can drive token expiry and retry waits without sleeping.
//!
//! (A paused tokio clock does not mix with real sockets: while the runtime waits for I/O it
//! jumps to the next timer, which fires request timeouts and hyper's pool timers.)

use std::time::{Duration, SystemTime};

use auth0_management_api::hooks::BoxFuture;
use tokio::time::Instant;

pub(crate) trait Clock: Send + Sync + 'static {
    /// Monotonic now.
    fn now(&self) -> Instant;
    /// Wall-clock now (for `Retry-After` dates and `X-RateLimit-Reset`).
    fn system_now(&self) -> SystemTime;
    /// Waits `d`.
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()>;
}

/// The real clock: tokio's (so a paused tokio clock also pauses it) and the system's.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A clock that only moves when told to, or when something sleeps on it (instantly).
    #[derive(Debug, Clone)]
    pub(crate) struct ManualClock {
        state: Arc<Mutex<State>>,
    }

    #[derive(Debug)]
    struct State {
        start: Instant,
        offset: Duration,
        system_start: SystemTime,
        sleeps: Vec<Duration>,
    }

    impl ManualClock {
        pub(crate) fn new() -> Self {
            Self {
                state: Arc::new(Mutex::new(State {
                    start: Instant::now(),
                    offset: Duration::ZERO,
                    system_start: SystemTime::now(),
                    sleeps: Vec::new(),
                })),
            }
        }

        pub(crate) fn advance(&self, d: Duration) {
            self.state.lock().unwrap().offset += d;
        }

        /// Every wait requested so far.
        pub(crate) fn sleeps(&self) -> Vec<Duration> {
            self.state.lock().unwrap().sleeps.clone()
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            let s = self.state.lock().unwrap();
            s.start + s.offset
        }

        fn system_now(&self) -> SystemTime {
            let s = self.state.lock().unwrap();
            s.system_start + s.offset
        }

        fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
            {
                let mut s = self.state.lock().unwrap();
                s.sleeps.push(d);
                s.offset += d;
            }
            Box::pin(std::future::ready(()))
        }
    }
}
