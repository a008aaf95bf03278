//! `cargo run -p auth0-management-emulator -- [--port N] [fault knobs]`: serves an emulated
//! tenant on loopback until Ctrl-C, after printing its URL and client credentials.

use std::time::Duration;

use auth0_management_emulator::Emulator;

const USAGE: &str = "usage: auth0-management-emulator [--port N] [--rate-limit N/SECONDS] \
[--latency-ms MS] [--token-latency-ms MS] [--fail-every N[:STATUS]] [--fail-first N[:STATUS]]";

fn bad(message: String) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{message}\n{USAGE}"),
    )
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<&str>) -> std::io::Result<T> {
    value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad(format!("{flag} needs a number")))
}

/// `N` or `N:STATUS` (status 503 by default).
fn count_and_status(flag: &str, value: Option<&str>) -> std::io::Result<(u64, u16)> {
    let value = value.ok_or_else(|| bad(format!("{flag} needs N or N:STATUS")))?;
    let (n, status) = value.split_once(':').unwrap_or((value, "503"));
    Ok((number(flag, Some(n))?, number(flag, Some(status))?))
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("auth0-management-emulator: {e}");
        std::process::exit(2);
    }
}

async fn run() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut builder = Emulator::builder();
    while let Some(arg) = args.next() {
        let value = args.next();
        let value = value.as_deref();
        builder = match arg.as_str() {
            "--port" => builder.port(number("--port", value)?),
            "--rate-limit" => {
                let (n, secs) = value
                    .and_then(|v| v.split_once('/'))
                    .ok_or_else(|| bad("--rate-limit needs N/SECONDS".into()))?;
                let secs: f64 = number("--rate-limit", Some(secs))?;
                if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
                    return Err(bad("--rate-limit: SECONDS must be in (0, 86400]".into()));
                }
                builder.rate_limit(
                    number("--rate-limit", Some(n))?,
                    Duration::from_secs_f64(secs),
                )
            }
            "--latency-ms" => {
                builder.latency(Duration::from_millis(number("--latency-ms", value)?))
            }
            "--token-latency-ms" => {
                builder.token_latency(Duration::from_millis(number("--token-latency-ms", value)?))
            }
            "--fail-every" => {
                let (n, status) = count_and_status("--fail-every", value)?;
                builder.fail_every(n, status)
            }
            "--fail-first" => {
                let (n, status) = count_and_status("--fail-first", value)?;
                builder.fail_first(n, status)
            }
            other => {
                eprintln!("unknown argument {other:?}; {USAGE}");
                std::process::exit(2);
            }
        };
    }
    let emulator = builder.start().await?;
    println!("Auth0 tenant emulator listening on {}", emulator.base_url());
    println!("  AUTH0_BASE_URL={}", emulator.base_url());
    println!("  AUTH0_AUDIENCE={}", emulator.audience());
    println!("  AUTH0_CLIENT_ID={}", emulator.client_id());
    // A local, throwaway credential: printing it is the point of this binary.
    println!("  AUTH0_CLIENT_SECRET={}", emulator.client_secret());
    tokio::signal::ctrl_c().await?;
    emulator.stop().await;
    Ok(())
}
