//! The `Auth0-Client` telemetry header.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Name of the telemetry header.
pub const AUTH0_CLIENT_HEADER: &str = "Auth0-Client";

/// What the `Auth0-Client` header tells Auth0 about the SDK.
///
/// The header value is this struct as JSON, base64url-encoded without padding, like the other
/// Auth0 SDKs send it. The default names this crate and its version, with `env.rust` set to the
/// compiler version that built it (or `"unknown"`).
///
/// ```
/// use auth0_management::ClientInfo;
///
/// let info = ClientInfo::new("my-provisioning-tool", "2.1.0").with_env("rust", "1.88.0");
/// assert_eq!(info.name, "my-provisioning-tool");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// SDK or application name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Environment facts (`rust` -> compiler version, ...).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

impl ClientInfo {
    /// A client info with `name`, `version` and an empty `env`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            env: BTreeMap::new(),
        }
    }

    /// Adds or replaces an `env` entry.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// The header value: JSON, base64url without padding.
    pub fn header_value(&self) -> String {
        // Serializing a struct of strings cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }
}

impl Default for ClientInfo {
    fn default() -> Self {
        ClientInfo::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
            .with_env("rust", rustc_version())
    }
}

/// The compiler version recorded at build time, or `"unknown"`.
pub(crate) fn rustc_version() -> &'static str {
    option_env!("AUTH0_MANAGEMENT_RUSTC_VERSION").unwrap_or("unknown")
}

/// The default `User-Agent`.
pub(crate) fn default_user_agent() -> String {
    format!(
        "{}/{} (rust {})",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        rustc_version()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let info = ClientInfo::default();
        let v = info.header_value();
        assert!(!v.contains('=') && !v.contains('+') && !v.contains('/'));
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(v)
            .unwrap();
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(back["name"], "auth0-management");
        assert_eq!(back["version"], env!("CARGO_PKG_VERSION"));
        assert!(back["env"]["rust"].as_str().is_some_and(|s| !s.is_empty()));
    }
}
