//! `cargo xtask build-bench [--out FILE]`: what the SDK itself costs to build.
//!
//! With `CARGO_INCREMENTAL=0` and a target dir of its own (`target/build-bench`), for each
//! feature set: build everything once (dependencies), touch the two crates' `lib.rs` (which,
//! without incremental compilation, rebuilds them from scratch; `cargo clean -p` was found to
//! throw away tracing, hyper and reqwest artifacts too, and timed their rebuild), then time the
//! rebuild of those two crates with `/usr/bin/time -v`
//! (wall time, peak RSS of the largest process: rustc on the generated crate). That is the cost
//! on top of prebuilt dependencies, as a project that already uses reqwest, tokio and serde pays
//! it. Last, one fully clean build with dependencies, for reference. Prints a markdown table (and
//! writes it to FILE).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

struct Scenario {
    name: &'static str,
    features: &'static [&'static str],
    /// The area features this scenario enables, to count generated items.
    areas: Option<&'static [&'static str]>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "default features",
        features: &[],
        areas: Some(crate::codegen::DEFAULT_AREAS),
    },
    Scenario {
        name: "`full`",
        features: &["--features", "full"],
        areas: None,
    },
    Scenario {
        name: "one area (`rules`)",
        features: &["--no-default-features", "--features", "rules,rustls"],
        areas: Some(&["rules"]),
    },
];

struct Measured {
    wall_s: f64,
    peak_mb: f64,
}

pub fn run(root: &Path, out: Option<&Path>) -> Result<()> {
    if !Path::new("/usr/bin/time").exists() {
        bail!("/usr/bin/time is missing (Debian: apt-get install time)");
    }
    let target = root.join("target/build-bench");
    let generated = std::fs::read_to_string(root.join(crate::codegen::GENERATED))?;
    let mut rows = vec![];
    for s in SCENARIOS {
        eprintln!("build-bench: {} (dependencies first)", s.name);
        cargo(
            root,
            &target,
            &["build", "-p", "auth0-management"],
            s.features,
            false,
        )?;
        for lib in [
            "crates/auth0-management-api/src/lib.rs",
            "crates/auth0-management/src/lib.rs",
        ] {
            touch(&root.join(lib))?;
        }
        let m = cargo(
            root,
            &target,
            &["build", "-p", "auth0-management"],
            s.features,
            true,
        )?
        .context("timed run")?;
        let (ops, types) = count_items(&generated, s.areas);
        rows.push(format!(
            "| {} | {:.1} | {:.0} | {ops} | {types} |",
            s.name, m.wall_s, m.peak_mb
        ));
    }
    eprintln!("build-bench: clean build with dependencies (default features)");
    cargo(root, &target, &["clean"], &[], false)?;
    let clean = cargo(
        root,
        &target,
        &["build", "-p", "auth0-management"],
        &[],
        true,
    )?
    .context("timed run")?;

    let rustc = Command::new("rustc").arg("--version").output()?;
    let table = format!(
        "Command: `cargo xtask build-bench` ({}; {} cores; CARGO_INCREMENTAL=0, dev profile)\n\n\
         | SDK build, dependencies prebuilt | wall s | peak RSS MB | operations | types |\n\
         |---|---:|---:|---:|---:|\n{}\n\n\
         The generated file has {} lines in all.\n\n\
         Clean build of `auth0-management` with all its dependencies (default features): {:.1} s, peak RSS {:.0} MB.\n",
        String::from_utf8_lossy(&rustc.stdout).trim(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rows.join("\n"),
        generated.lines().count(),
        clean.wall_s,
        clean.peak_mb
    );
    println!("{table}");
    if let Some(out) = out {
        std::fs::write(out, &table)?;
    }
    Ok(())
}

fn cargo(
    root: &Path,
    target: &Path,
    args: &[&str],
    features: &[&str],
    timed: bool,
) -> Result<Option<Measured>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v").arg(&cargo);
        c
    } else {
        Command::new(&cargo)
    };
    cmd.args(args)
        .args(features)
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TARGET_DIR", target);
    let out = cmd.output().context("running cargo")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("cargo {} failed:\n{stderr}", args.join(" "));
    }
    if !timed {
        return Ok(None);
    }
    let field = |name: &str| -> Result<&str> {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
            .with_context(|| format!("no {name:?} in /usr/bin/time output"))
    };
    let wall = parse_clock(field("Elapsed (wall clock) time (h:mm:ss or m:ss):")?)?;
    let rss_kb: f64 = field("Maximum resident set size (kbytes):")?.parse()?;
    Ok(Some(Measured {
        wall_s: wall,
        peak_mb: rss_kb / 1024.0,
    }))
}

/// Sets the file's modification time to now, so cargo rebuilds its crate.
fn touch(path: &Path) -> Result<()> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}

/// `m:ss.cc` or `h:mm:ss` -> seconds.
fn parse_clock(s: &str) -> Result<f64> {
    let mut total = 0.0;
    for part in s.split(':') {
        total = total * 60.0
            + part
                .parse::<f64>()
                .with_context(|| format!("clock {s:?}"))?;
    }
    Ok(total)
}

/// Operations and types of the generated file that a set of areas enables (`None`: all):
/// the items right below each `#[cfg(...)]` line.
fn count_items(generated: &str, areas: Option<&[&str]>) -> (usize, usize) {
    let (mut ops, mut types) = (0, 0);
    let mut lines = generated.lines().map(str::trim).peekable();
    while let Some(l) = lines.next() {
        let on = l.starts_with("#[cfg(")
            && areas.is_none_or(|a| a.iter().any(|f| l.contains(&format!("feature = \"{f}\""))));
        match lines.peek() {
            Some(next)
                if on && (next.starts_with("pub struct") || next.starts_with("pub enum")) =>
            {
                types += 1
            }
            Some(next) if on && next.starts_with("pub async fn") => ops += 1,
            _ => {}
        }
    }
    (ops, types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_parses() {
        assert_eq!(parse_clock("0:34.78").unwrap(), 34.78);
        assert_eq!(parse_clock("1:02:03").unwrap(), 3723.0);
    }

    #[test]
    fn items_are_counted_per_area() {
        let text = "mod types {\n    #[cfg(feature = \"a\")]\n    pub struct A {\n        x: i64,\n    }\n    #[cfg(any(feature = \"a\", feature = \"b\"))]\n    pub struct B;\n}\nimpl Client {\n    #[cfg(feature = \"b\")]\n    pub async fn get_b(&self) {\n        todo()\n    }\n}\n";
        assert_eq!(count_items(text, Some(&["a"])), (0, 2));
        assert_eq!(count_items(text, Some(&["b"])), (1, 1));
        assert_eq!(count_items(text, None), (1, 2));
    }
}
