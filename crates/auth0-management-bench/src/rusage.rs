//! CPU time and peak RSS of this process, from `getrusage(RUSAGE_SELF)`.

use std::time::Duration;

/// One reading.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User + system CPU time so far.
    pub cpu: Duration,
    /// Peak resident set size so far, KiB (0 where unknown).
    pub max_rss_kib: u64,
}

impl Usage {
    /// CPU time spent between two readings.
    pub fn cpu_between(before: &Usage, after: &Usage) -> Duration {
        after.cpu.saturating_sub(before.cpu)
    }
}

/// The current reading.
#[cfg(unix)]
pub fn now() -> Usage {
    // SAFETY: getrusage only writes into the struct it is given, which is zeroed and owned here.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut ru) != 0 {
            return Usage::default();
        }
        ru
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    let max_rss = u64::try_from(ru.ru_maxrss).unwrap_or(0);
    // Linux reports KiB, macOS bytes.
    let max_rss_kib = if cfg!(target_os = "macos") {
        max_rss / 1024
    } else {
        max_rss
    };
    Usage {
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kib,
    }
}

/// The current reading (not available on this platform: zeros).
#[cfg(not(unix))]
pub fn now() -> Usage {
    Usage::default()
}
