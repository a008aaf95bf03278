//! `auth0-management-bench serve | client`: the two processes of the benchmark.
//!
//! ```text
//! auth0-management-bench serve [--users N] [--cert-out FILE] [--max-seconds S]
//!     prints {"http":..,"https":..,"control":..} on one line, then serves until stdin closes,
//!     S seconds have passed (default 3600), or it is killed
//! auth0-management-bench client --impl sdk|raw --target ORIGIN [--ca FILE]
//!     --scenario get-user|list|stream|cold-burst [--calls N] [--concurrency C] [--pages P]
//!     [--users U] [--deadline-seconds S]
//!     runs one scenario and prints one JSON line (see scenario::Report)
//! ```

use std::process::ExitCode;
use std::time::Duration;

use auth0_management_bench::scenario::{self, Impl, Scenario, Target};
use auth0_management_bench::server::{self, ServerConfig};
use std::io::Read as _;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("client") => client(&args[1..]),
        _ => Err("usage: auth0-management-bench serve|client ... (see the crate docs)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number(args: &[String], name: &str, default: u64) -> Result<u64, String> {
    value(args, name).map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| format!("{name} needs a number, not {v:?}"))
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn serve(args: &[String]) -> Result<(), String> {
    let config = ServerConfig {
        users: number(args, "--users", 100_000)?,
        token_delay: Duration::ZERO,
    };
    let max = Duration::from_secs(number(args, "--max-seconds", 3600)?);
    let cert_out = value(args, "--cert-out").map(str::to_owned);
    runtime()?.block_on(async move {
        let running = server::start(config).await.map_err(|e| e.to_string())?;
        if let Some(path) = cert_out {
            std::fs::write(&path, &running.cert_der).map_err(|e| format!("writing {path}: {e}"))?;
        }
        println!(
            "{}",
            serde_json::json!({
                "http": running.http.to_string(),
                "https": running.https.to_string(),
                "control": running.control.to_string(),
            })
        );
        // Stops when the parent closes stdin (or dies), or after `max` at the latest.
        let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = [0u8; 64];
            // Bounded by the process: the thread ends at EOF or when the process exits.
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            let _ = closed_tx.send(());
        });
        let stdin_closed = async {
            let _ = closed_rx.await;
        };
        tokio::select! {
            _ = stdin_closed => {}
            _ = tokio::time::sleep(max) => {}
        }
        Ok(())
    })
}

fn client(args: &[String]) -> Result<(), String> {
    let imp: Impl = value(args, "--impl").ok_or("--impl sdk|raw")?.parse()?;
    let origin = value(args, "--target").ok_or("--target ORIGIN")?.to_owned();
    let ca_der = match value(args, "--ca") {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("reading {path}: {e}"))?),
        None => None,
    };
    let scenario = match value(args, "--scenario").ok_or("--scenario NAME")? {
        "get-user" => Scenario::GetUser {
            calls: number(args, "--calls", 2000)?,
            concurrency: number(args, "--concurrency", 1)?,
        },
        "list" => Scenario::List {
            pages: number(args, "--pages", 200)?,
            concurrency: number(args, "--concurrency", 4)?,
        },
        "stream" => Scenario::Stream {
            users: number(args, "--users", 100_000)?,
        },
        "cold-burst" => Scenario::ColdBurst {
            calls: number(args, "--calls", 64)?,
        },
        other => return Err(format!("unknown scenario {other:?}")),
    };
    let deadline = Duration::from_secs(number(args, "--deadline-seconds", 300)?);
    let target = Target { origin, ca_der };
    let report = runtime()?.block_on(scenario::run(imp, scenario, &target, deadline))?;
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}
