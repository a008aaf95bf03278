//! Maintenance tasks for the workspace: `cargo xtask <command>`.
//!
//! - `spec-sync --from <path|https URL>`: turn Auth0's published OpenAPI 3.1 document into
//!   `openapi/management-api.json` (see `spec_sync.rs` for every rule).
//! - `codegen [--check]`: generate the low-level client and its cargo features from that spec;
//!   `--check` fails, with a diff, when a checked-in file is stale.
//! - `build-bench`: time the SDK's own build for a few feature sets (see `build_bench.rs`).
//! - `bench [--quick] [--runs N] [--out FILE]`: the SDK against hand-written reqwest calls on a
//!   local mock tenant (see `bench.rs`).

mod bench;
mod build_bench;
mod codegen;
mod contract_calls;
mod gating;
mod slim;
mod spec_sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage:
  cargo xtask spec-sync --from <path or https URL>
  cargo xtask codegen [--check]
  cargo xtask build-bench [--out <file.md>]
  cargo xtask bench [--quick] [--runs <n>] [--out <file.md>]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("spec-sync") => {
            let from = flag_value(&args[1..], "--from")?.context(USAGE)?;
            spec_sync::run(&root, &from)
        }
        Some("codegen") => {
            let check = match &args[1..] {
                [] => false,
                [flag] if flag == "--check" => true,
                _ => bail!("{USAGE}"),
            };
            codegen::run(&root, check)
        }
        Some("build-bench") => {
            let out = flag_value(&args[1..], "--out")?.map(PathBuf::from);
            build_bench::run(&root, out.as_deref())
        }
        Some("bench") => {
            let rest = &args[1..];
            let runs = match flag_value(rest, "--runs")? {
                Some(n) => n.parse().context("--runs needs a number")?,
                None => 3,
            };
            let opts = bench::Options {
                quick: rest.iter().any(|a| a == "--quick"),
                runs,
                out: flag_value(rest, "--out")?.map(PathBuf::from),
            };
            bench::run(&root, &opts)
        }
        _ => bail!("{USAGE}"),
    }
}

/// The value after `name` in `args`, if `name` is there.
fn flag_value(args: &[String], name: &str) -> Result<Option<String>> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => match args.get(i + 1) {
            Some(v) => Ok(Some(v.clone())),
            None => bail!("{name} needs a value\n{USAGE}"),
        },
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
