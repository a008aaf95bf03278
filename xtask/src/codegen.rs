//! `cargo xtask codegen [--check]`: `openapi/management-api.json` -> the generated client.
//!
//! Writes three things, all derived from the spec and nothing else:
//! - `crates/auth0-management-api/src/generated.rs`: progenitor's client (positional interface,
//!   `hooks::Inner` as inner type, `HooksMode::Expected`), with each operation and type behind the
//!   cargo features of the API areas that reach it (see `gating.rs`), formatted by prettyplease;
//! - the `[features]` block of `crates/auth0-management-api/Cargo.toml`;
//! - the forwarding feature block of `crates/auth0-management/Cargo.toml`.
//!
//! `--check` produces the same bytes in memory and fails with a diff if any file differs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::gating::{self, Areas};

pub const SPEC: &str = "openapi/management-api.json";
pub const GENERATED: &str = "crates/auth0-management-api/src/generated.rs";
pub const API_MANIFEST: &str = "crates/auth0-management-api/Cargo.toml";
pub const SDK_MANIFEST: &str = "crates/auth0-management/Cargo.toml";
/// The contract tests' per-operation calls (see `contract_calls.rs`).
pub const CONTRACT_CALLS: &str = "tests/src/calls.rs";
const BEGIN: &str = "# BEGIN GENERATED AREAS (cargo xtask codegen)";
const END: &str = "# END GENERATED AREAS";

/// The areas (spec tags) that the node-auth0 v2 ManagementClient documents: the default features.
/// `users-by-email` and `blacklists` (our overlay) belong to the seed's users and blacklisted
/// tokens managers; the seed's guardian enrollments call is `GET /users/{id}/enrollments`, in users.
pub const DEFAULT_AREAS: &[&str] = &[
    "blacklists",
    "client-grants",
    "clients",
    "connections",
    "device-credentials",
    "emails",
    "jobs",
    "logs",
    "resource-servers",
    "rules",
    "stats",
    "tenants",
    "tickets",
    "users",
    "users-by-email",
];

/// What one run of the generator produces.
pub struct Output {
    pub files: BTreeMap<PathBuf, String>,
    pub report: Report,
}

/// Figures about the generated code, for logs and the build benchmark.
pub struct Report {
    pub operations: usize,
    pub skipped_operations: Vec<String>,
    pub types: usize,
    pub lines: usize,
}

pub fn run(root: &Path, check: bool) -> Result<()> {
    let out = generate(root)?;
    let r = &out.report;
    eprintln!(
        "codegen: {} operations, {} types, {} lines; left to the handwritten crate: {}",
        r.operations,
        r.types,
        r.lines,
        r.skipped_operations.join(", ")
    );
    let mut stale = vec![];
    for (path, text) in &out.files {
        let full = root.join(path);
        let current = std::fs::read_to_string(&full).unwrap_or_default();
        if current == *text {
            continue;
        }
        if check {
            let diff = similar::TextDiff::from_lines(&current, text);
            let mut shown = diff
                .unified_diff()
                .context_radius(2)
                .header(&format!("{} (checked in)", path.display()), "(regenerated)")
                .to_string();
            if shown.len() > 20_000 {
                shown.truncate(20_000);
                shown.push_str("\n... (diff cut)\n");
            }
            eprintln!("{shown}");
            stale.push(path.display().to_string());
        } else {
            std::fs::write(&full, text).with_context(|| format!("writing {}", full.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "stale generated files: {}; run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    if check {
        eprintln!("codegen --check: up to date");
    }
    Ok(())
}

/// Progenitor's import of its path encoder, and ours (`hooks::encode_path` also encodes `|` and
/// `\`).
const PROGENITOR_IMPORT: &str =
    "use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};";
const OUR_IMPORT: &str = "use crate::hooks::encode_path;\n#[allow(unused_imports)]\n\
                          use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};";

/// Points the generated calls at `hooks::encode_path`.
fn own_path_encoder(body: &str) -> Result<String> {
    if !body.contains(PROGENITOR_IMPORT) {
        bail!("progenitor's import of encode_path changed; update PROGENITOR_IMPORT in codegen.rs");
    }
    Ok(body.replacen(PROGENITOR_IMPORT, OUR_IMPORT, 1))
}

pub fn generate(root: &Path) -> Result<Output> {
    let spec_text =
        std::fs::read_to_string(root.join(SPEC)).with_context(|| format!("reading {SPEC}"))?;
    let sha = crate::sha256_hex(spec_text.as_bytes());
    let spec: Value = serde_json::from_str(&spec_text).context("the spec is not JSON")?;
    let (mut spec, skipped) = progenitor_view(spec)?;
    let areas = Areas::from_spec(&spec, DEFAULT_AREAS)?;
    let operations = crate::spec_sync::count_ops(&spec).1;
    let aliases = crate::slim::slim(&mut spec);

    let mut file = run_progenitor(&spec)?;
    gating::add_aliases(&mut file, &aliases)?;
    let (file, types) = gating::gate(file, &areas)?;
    let contract_calls = crate::contract_calls::generate(&file, &spec)?;
    let body = own_path_encoder(&prettyplease::unparse(&file))?;
    let generated = format!(
        "// @generated by `cargo xtask codegen` from openapi/management-api.json\n\
         // spec sha256: {sha}\n\
         // Do not edit: change the spec pipeline and regenerate.\n\n{body}"
    );
    let lines = generated.lines().count();

    let mut files = BTreeMap::new();
    files.insert(PathBuf::from(GENERATED), generated);
    files.insert(PathBuf::from(CONTRACT_CALLS), contract_calls);
    for (manifest, block) in [
        (API_MANIFEST, areas.api_features()),
        (SDK_MANIFEST, areas.sdk_features()),
    ] {
        let text = std::fs::read_to_string(root.join(manifest))
            .with_context(|| format!("reading {manifest}"))?;
        files.insert(
            PathBuf::from(manifest),
            replace_block(&text, &block, manifest)?,
        );
    }
    Ok(Output {
        files,
        report: Report {
            operations,
            skipped_operations: skipped,
            types,
            lines,
        },
    })
}

/// The spec as progenitor gets it: operations it cannot generate (multipart bodies) are left out
/// here and handwritten in `auth0-management`; the spec file itself keeps them.
fn progenitor_view(mut spec: Value) -> Result<(Value, Vec<String>)> {
    let mut skipped = vec![];
    for (_, item) in spec["paths"]
        .as_object_mut()
        .context("no paths")?
        .iter_mut()
    {
        let item = item.as_object_mut().context("path item")?;
        item.retain(|_, op| {
            let multipart = op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.contains_key("multipart/form-data"));
            if multipart {
                skipped.push(op["operationId"].as_str().unwrap_or("?").to_string());
            }
            !multipart
        });
    }
    Ok((spec, skipped))
}

fn run_progenitor(spec: &Value) -> Result<syn::File> {
    let api: openapiv3::OpenAPI = serde_json::from_value(spec.clone())
        .context("the spec is not OpenAPI 3.0 as openapiv3 reads it")?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::hooks::Inner))
        .with_hooks(HooksMode::Expected);
    let mut generator = Generator::new(&settings);
    // Progenitor panics (todo!/assert!) on some constructs: report them as errors.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&api)
    }))
    .map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        anyhow::anyhow!("progenitor panicked: {msg}")
    })?
    .context("progenitor could not generate the client")?;
    syn::parse2(tokens).context("progenitor's output does not parse")
}

fn replace_block(text: &str, block: &str, name: &str) -> Result<String> {
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        bail!("{name} lacks the lines `{BEGIN}` and `{END}`");
    };
    if e < b {
        bail!("{name}: `{END}` comes before `{BEGIN}`");
    }
    Ok(format!("{}{BEGIN}\n{block}{}", &text[..b], &text[e..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_spec_generates() {
        let root = crate::workspace_root();
        let out = generate(&root).expect("the checked-in spec generates");
        assert!(out.report.operations > 400, "{}", out.report.operations);
        assert_eq!(out.report.skipped_operations, ["post_users-imports"]);
        assert!(out.files[Path::new(GENERATED)].contains("pub struct Client"));
    }

    #[test]
    fn replace_block_keeps_the_rest() {
        let text = format!("[features]\nx = []\n{BEGIN}\nold\n{END}\ny = []\n");
        let out = replace_block(&text, "new = []\n", "t").unwrap();
        assert_eq!(
            out,
            format!("[features]\nx = []\n{BEGIN}\nnew = []\n{END}\ny = []\n")
        );
        assert!(replace_block("nothing", "", "t").is_err());
    }
}
