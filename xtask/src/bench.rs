//! `cargo xtask bench [--quick] [--runs N] [--out FILE]`: the SDK against hand-written reqwest
//! calls, side by side, on a local mock tenant.
//!
//! Builds `auth0-management-bench` in release mode, starts its `serve` process (HTTP, HTTPS and
//! a control port on 127.0.0.1), then runs each scenario in a fresh `client` process, so every
//! run's CPU time and peak RSS are its own. Before each run the server's counters are reset;
//! after it they are read, so each row shows the token requests and TCP connections that run
//! caused. Each throughput scenario runs `--runs` times (default 3) per side and transport,
//! the sides alternating, and the table shows the median of each figure. The server is killed
//! when this command ends, also on error (and it exits by itself when its stdin closes).

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Longest a single client process may run before it is killed.
const CLIENT_LIMIT: Duration = Duration::from_secs(360);

struct Server {
    child: Child,
    http: String,
    https: String,
    control: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(bin: &Path, cert: &Path, users: u64) -> Result<Self> {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--max-seconds",
                "3600",
                "--users",
                &users.to_string(),
            ])
            .arg("--cert-out")
            .arg(cert)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut line = String::new();
        // The server prints its addresses first; if it dies instead, read_line returns 0.
        let read = BufReader::new(stdout).read_line(&mut line);
        let mut server = Server {
            child,
            http: String::new(),
            https: String::new(),
            control: String::new(),
        };
        read.context("reading the server's addresses")?;
        let v: Value =
            serde_json::from_str(line.trim()).with_context(|| format!("server said {line:?}"))?;
        let addr = |k: &str| -> Result<String> {
            Ok(v[k].as_str().context("server address missing")?.to_string())
        };
        server.http = addr("http")?;
        server.https = addr("https")?;
        server.control = addr("control")?;
        Ok(server)
    }

    /// One request to the control port (its own connection, not counted by the server).
    fn control(&self, method: &str, path: &str) -> Result<Value> {
        let mut s = TcpStream::connect(&self.control).context("control connection")?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.control
        )?;
        let mut out = String::new();
        s.take(1 << 20).read_to_string(&mut out)?;
        let body = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        serde_json::from_str(body).with_context(|| format!("control answered {out:?}"))
    }
}

/// One client run, as `auth0-management-bench client` reported it, plus the server's counts.
#[derive(Debug, Clone)]
struct Run {
    report: Value,
    stats: Value,
}

impl Run {
    fn f(&self, key: &str) -> f64 {
        self.report[key]
            .as_f64()
            .or_else(|| self.stats[key].as_f64())
            .unwrap_or(f64::NAN)
    }
}

#[derive(Debug, Clone)]
struct Case {
    /// Row label.
    name: String,
    args: Vec<String>,
    token_delay_ms: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn client(
    bin: &Path,
    server: &Server,
    cert: &Path,
    imp: &str,
    transport: &str,
    case: &Case,
) -> Result<Run> {
    server.control(
        "POST",
        &format!("/__reset?token_delay_ms={}", case.token_delay_ms),
    )?;
    let mut cmd = Command::new(bin);
    cmd.args(["client", "--impl", imp, "--deadline-seconds", "300"]);
    match transport {
        "http" => cmd.args(["--target", &format!("http://{}", server.http)]),
        _ => cmd
            .args(["--target", &format!("https://{}", server.https)])
            .arg("--ca")
            .arg(cert),
    };
    cmd.args(&case.args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().context("starting the client")?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > CLIENT_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} ({imp}, {transport}) ran over {CLIENT_LIMIT:?}",
                case.name
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out)?;
    }
    if !status.success() {
        bail!("{} ({imp}, {transport}) failed: {status}", case.name);
    }
    let report: Value =
        serde_json::from_str(out.trim()).with_context(|| format!("client printed {out:?}"))?;
    let stats = server.control("GET", "/__stats")?;
    if report["errors"].as_u64() != Some(0) {
        bail!(
            "{} ({imp}, {transport}): {} errors, first: {}",
            case.name,
            report["errors"],
            report["first_error"]
        );
    }
    Ok(Run { report, stats })
}

fn fmt_num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "-".into();
    }
    let s = format!("{x:.digits$}");
    // Thousands separators on the integer part.
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

fn ratio(sdk: f64, raw: f64) -> String {
    if sdk.is_nan() || raw.is_nan() || raw == 0.0 {
        return "-".into();
    }
    format!("{:.2}", sdk / raw)
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.0}", kb / 1024.0 / 1024.0));
    format!(
        "{cores} cores ({model}), {mem_gib} GiB RAM, {}",
        std::env::consts::OS
    )
}

/// Options of `cargo xtask bench`.
pub(crate) struct Options {
    pub(crate) quick: bool,
    pub(crate) runs: usize,
    pub(crate) out: Option<PathBuf>,
}

pub(crate) fn run(root: &Path, opts: &Options) -> Result<()> {
    eprintln!("building auth0-management-bench (release)...");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "-p", "auth0-management-bench"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target.join("release").join(format!(
        "auth0-management-bench{}",
        std::env::consts::EXE_SUFFIX
    ));
    let dir = target.join("bench");
    std::fs::create_dir_all(&dir)?;
    let cert = dir.join("cert.der");

    let q = opts.quick;
    let (n1, n64, pages, users) = if q {
        (200, 2000, 20, 2_000)
    } else {
        (2_000, 20_000, 200, 100_000)
    };
    let runs = if q { 1 } else { opts.runs.max(1) };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let throughput = [
        Case {
            name: format!("get_user, N={n1}, concurrency 1"),
            args: s(&[
                "--scenario",
                "get-user",
                "--calls",
                &n1.to_string(),
                "--concurrency",
                "1",
            ]),
            token_delay_ms: 0,
        },
        Case {
            name: format!("get_user, N={n64}, concurrency 64"),
            args: s(&[
                "--scenario",
                "get-user",
                "--calls",
                &n64.to_string(),
                "--concurrency",
                "64",
            ]),
            token_delay_ms: 0,
        },
        Case {
            name: format!("list users, {pages} pages of 100, concurrency 4"),
            args: s(&[
                "--scenario",
                "list",
                "--pages",
                &pages.to_string(),
                "--concurrency",
                "4",
            ]),
            token_delay_ms: 0,
        },
    ];
    let stream = Case {
        name: format!("stream {users} users (items(), pages of 100)"),
        args: s(&["--scenario", "stream", "--users", &users.to_string()]),
        token_delay_ms: 0,
    };
    let burst = Case {
        name: "cold burst: 64 first calls, token endpoint 50 ms".into(),
        args: s(&["--scenario", "cold-burst", "--calls", "64"]),
        token_delay_ms: 50,
    };

    let server = Server::start(&bin, &cert, users)?;
    let started = Instant::now();
    let mut all: Vec<(String, String, String, Run)> = Vec::new();
    let mut results: BTreeMap<(usize, String, String), Vec<Run>> = BTreeMap::new();
    for r in 0..runs {
        for transport in ["http", "https"] {
            for (i, case) in throughput.iter().enumerate() {
                // Alternate which side goes first, so neither always runs on a warmer machine.
                let order = if (r + i) % 2 == 0 {
                    ["sdk", "raw"]
                } else {
                    ["raw", "sdk"]
                };
                for imp in order {
                    eprintln!("run {}/{runs}: {} [{imp}, {transport}]", r + 1, case.name);
                    let run = client(&bin, &server, &cert, imp, transport, case)?;
                    all.push((case.name.clone(), imp.into(), transport.into(), run.clone()));
                    results
                        .entry((i, transport.to_string(), imp.to_string()))
                        .or_default()
                        .push(run);
                }
            }
        }
    }
    let mut once: Vec<(String, String, String, Run)> = Vec::new();
    for transport in ["http", "https"] {
        for imp in ["sdk", "raw"] {
            eprintln!("{} [{imp}, {transport}]", stream.name);
            let run = client(&bin, &server, &cert, imp, transport, &stream)?;
            once.push((stream.name.clone(), imp.into(), transport.into(), run));
        }
        eprintln!("{} [sdk, {transport}]", burst.name);
        let run = client(&bin, &server, &cert, "sdk", transport, &burst)?;
        once.push((burst.name.clone(), "sdk".into(), transport.into(), run));
    }
    drop(server);
    all.extend(once.iter().cloned());

    // The raw records, one JSON line per run, for anyone who wants more than the medians.
    let mut jsonl = String::new();
    for (name, imp, transport, run) in &all {
        jsonl.push_str(
            &serde_json::json!({
                "case": name, "impl": imp, "transport": transport,
                "report": run.report, "server": run.stats,
            })
            .to_string(),
        );
        jsonl.push('\n');
    }
    let jsonl_path = dir.join("results.jsonl");
    std::fs::write(&jsonl_path, jsonl)?;

    let mut md = String::new();
    let cmd = if q {
        "cargo xtask bench --quick".to_string()
    } else {
        format!("cargo xtask bench --runs {runs}")
    };
    md.push_str(&format!(
        "Measured with `{cmd}` ({runs} run(s) per row, median), {} s in all, on {}.\n\n",
        started.elapsed().as_secs(),
        machine()
    ));
    md.push_str(
        "| scenario | transport | side | calls/s | p50 ms | p99 ms | CPU µs/call | peak RSS MiB | \
         token requests | TCP connections | TLS handshakes |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (i, case) in throughput.iter().enumerate() {
        for transport in ["http", "https"] {
            let get = |imp: &str, key: &str| {
                median(
                    results
                        .get(&(i, transport.to_string(), imp.to_string()))
                        .map(|v| v.iter().map(|r| r.f(key)).collect())
                        .unwrap_or_default(),
                )
            };
            let row = |imp: &str| -> [f64; 8] {
                [
                    get(imp, "calls_per_s"),
                    get(imp, "p50_us") / 1000.0,
                    get(imp, "p99_us") / 1000.0,
                    get(imp, "cpu_us_per_call"),
                    get(imp, "peak_rss_kib") / 1024.0,
                    get(imp, "token_requests"),
                    get(imp, "connections"),
                    get(imp, "tls_handshakes"),
                ]
            };
            let (a, b) = (row("sdk"), row("raw"));
            let cells = |v: &[f64; 8]| {
                format!(
                    "{} | {} | {} | {} | {} | {} | {} | {}",
                    fmt_num(v[0], 0),
                    fmt_num(v[1], 2),
                    fmt_num(v[2], 2),
                    fmt_num(v[3], 1),
                    fmt_num(v[4], 1),
                    fmt_num(v[5], 0),
                    fmt_num(v[6], 0),
                    fmt_num(v[7], 0)
                )
            };
            md.push_str(&format!(
                "| {} | {transport} | SDK | {} |\n",
                case.name,
                cells(&a)
            ));
            md.push_str(&format!("| | {transport} | raw | {} |\n", cells(&b)));
            md.push_str(&format!(
                "| | {transport} | **SDK/raw** | **{}** | {} | {} | **{}** | {} | {} | {} | {} |\n",
                ratio(a[0], b[0]),
                ratio(a[1], b[1]),
                ratio(a[2], b[2]),
                ratio(a[3], b[3]),
                ratio(a[4], b[4]),
                ratio(a[5], b[5]),
                ratio(a[6], b[6]),
                ratio(a[7], b[7]),
            ));
        }
    }
    md.push_str(
        "\n| scenario | transport | side | calls (pages) | wall s | CPU µs/call | RSS after first \
         page MiB | peak RSS MiB | growth MiB | token requests | TCP connections | TLS handshakes |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, imp, transport, run) in &once {
        let first = run.f("rss_after_first_page_kib") / 1024.0;
        let peak = run.f("peak_rss_kib") / 1024.0;
        md.push_str(&format!(
            "| {name} | {transport} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            if imp == "sdk" { "SDK" } else { "raw" },
            fmt_num(run.f("calls"), 0),
            fmt_num(run.f("wall_s"), 2),
            fmt_num(run.f("cpu_us_per_call"), 1),
            fmt_num(first, 1),
            fmt_num(peak, 1),
            fmt_num(peak - first, 1),
            fmt_num(run.f("token_requests"), 0),
            fmt_num(run.f("connections"), 0),
            fmt_num(run.f("tls_handshakes"), 0),
        ));
    }
    println!("{md}");
    eprintln!("every run: {}", jsonl_path.display());
    if let Some(out) = &opts.out {
        std::fs::write(out, &md).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
