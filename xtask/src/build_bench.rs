//! `cargo xtask build-bench`: placeholder replaced below.
use std::path::Path;
pub fn run(_root: &Path, _out: Option<&Path>) -> anyhow::Result<()> {
    anyhow::bail!("build-bench is not written yet")
}
