//! A Rust SDK for the Auth0 Management API v2.
//!
//! [`ManagementClient`] handles what every call needs: an access token (a fixed one, the
//! client-credentials grant with a cache, or your own [`TokenSource`]), retries with rate-limit
//! awareness ([`RetryPolicy`]), timeouts, the `Auth0-Client` telemetry header, `tracing` spans,
//! and one error type, [`Error`], that never shows a secret.
//!
//! ```no_run
//! use auth0_management::ManagementClient;
//!
//! # async fn demo() -> Result<(), auth0_management::Error> {
//! let client = ManagementClient::builder()
//!     .domain("example.eu.auth0.com")
//!     .client_credentials("client-id", "client-secret")
//!     .build()?;
//! let rules = client
//!     .call(client.api().get_rules(None, None, None, None, None, None))
//!     .await?;
//! # let _ = rules;
//! # Ok(()) }
//! ```
//!
//! # Tokens
//!
//! With client credentials, the client posts
//! `{grant_type: "client_credentials", client_id, client_secret, audience, scope?}` to
//! `https://{domain}/oauth/token` (audience defaults to `https://{domain}/api/v2/`) and caches
//! the token until `leeway` (10 s) before it expires, or sooner with `cache_ttl`. Concurrent
//! calls on a cold cache share one token request. An `expires_in` of 0 means the token is
//! used for one call and not cached; a missing `expires_in` is taken as one hour. A 401 from the
//! API drops the cached token and the call is re-sent once with a new one.
//!
//! # Retries
//!
//! See [`RetryPolicy`]: 429 is always retried, waiting as the server asks; 5xx, 408 and
//! transport failures only for idempotent methods; 3 retries by default.
//!
//! # Response size
//!
//! Every response body is read up to
//! [`max_response_bytes`](ManagementClientBuilder::max_response_bytes) (16 MiB by default), and
//! a larger one fails with [`Error::ResponseTooLarge`] without being buffered.
//!
//! # TLS
//!
//! Cargo features choose the TLS back end: `rustls` (default: reqwest's own rustls set-up with
//! the aws-lc-rs provider), `rustls-ring` (rustls with `ring`, which builds in seconds where
//! aws-lc-rs is a long C build) and `native-tls`. With `rustls-ring` the provider is configured on
//! the client this crate builds, not installed process-wide, but reqwest is built with
//! `rustls-no-provider`: any other `reqwest::Client` in the program then needs a provider
//! installed first (`rustls::crypto::ring::default_provider().install_default()`), which is why
//! it is not the default.
//!
//! # Tracing
//!
//! Each request runs in a `debug` span `auth0_management.request` with `method`,
//! `operation_id`, `status`, `attempts` and `duration_ms`. No token, secret, header value or
//! body is ever recorded.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod body_limit;
mod builder;
mod client;
mod clock;
mod config;
mod error;
pub mod managers;
pub mod pagination;
mod retry;
mod telemetry;
mod token;
mod transport;

#[cfg(test)]
mod tests;

pub use auth0_management_api as api;
pub use auth0_management_api::hooks::BoxFuture;
pub use body_limit::DEFAULT_MAX_RESPONSE_BYTES;
pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ManagementClientBuilder, http_client_builder,
};
pub use client::ManagementClient;
pub use error::{Error, RateLimit, Result};
pub use retry::RetryPolicy;
pub use telemetry::{AUTH0_CLIENT_HEADER, ClientInfo};
pub use token::{AccessToken, DEFAULT_LEEWAY, StaticToken, TokenCache, TokenSource};

/// Checks a path parameter before it is used: refuses an empty (or blank) id, and `.` or `..`,
/// with [`Error::InvalidInput`] naming the parameter.
///
/// The generated client percent-encodes path parameters (`/`, `\\`, `|`, `?`, `#`, `%`, spaces, ...), so
/// `auth0|abc`, `a/b` or `../x` stay inside their path segment. Only a segment that is exactly `.`
/// or `..` would still be resolved as a dot segment by URL parsing and change the endpoint, and
/// an empty one would hit the collection instead of the item; both are refused here.
///
/// ```
/// use auth0_management::{path_id, Error};
///
/// assert_eq!(path_id("id", "auth0|abc").unwrap(), "auth0|abc");
/// assert!(matches!(path_id("id", ""), Err(Error::InvalidInput(_))));
/// assert!(matches!(path_id("id", ".."), Err(Error::InvalidInput(_))));
/// ```
pub fn path_id<'a>(name: &str, value: &'a str) -> Result<&'a str, Error> {
    if value.trim().is_empty() {
        return Err(Error::InvalidInput(format!("{name} must not be empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::InvalidInput(format!(
            "{name} must not be {value:?}: it would change the endpoint"
        )));
    }
    Ok(value)
}
