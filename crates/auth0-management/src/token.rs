//! Access tokens: the [`TokenSource`] trait, a static source, the client-credentials source and
//! its cache.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use auth0_management_api::hooks::BoxFuture;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;

use crate::clock::Clock;
use crate::error::{Error, snippet};
use crate::retry::{self, RetryPolicy};

/// An access token for the Management API.
///
/// `Debug` prints `[REDACTED]`; the only way to the value is [`AccessToken::expose_secret`].
///
/// ```
/// use std::time::Duration;
/// use auth0_management::AccessToken;
///
/// let token = AccessToken::new("eyJ...").with_expires_in(Duration::from_secs(3600));
/// assert_eq!(format!("{token:?}"), "AccessToken { value: \"[REDACTED]\", expires_in: Some(3600s) }");
/// ```
#[derive(Clone)]
pub struct AccessToken {
    /// Shared: the client hands the cached token to every call, and a clone should neither copy
    /// the secret (the last clone dropped zeroizes it) nor format the header again.
    inner: Arc<TokenValue>,
    expires_in: Option<Duration>,
}

struct TokenValue {
    value: SecretString,
    /// `Bearer <token>`, marked sensitive, made on first use.
    header: OnceLock<HeaderValue>,
}

impl AccessToken {
    /// Wraps a token value (the part after `Bearer `).
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(TokenValue {
                value: SecretString::from(value.into()),
                header: OnceLock::new(),
            }),
            expires_in: None,
        }
    }

    /// `Bearer <token>` as a header value marked sensitive (hidden from `Debug`, never indexed
    /// by HTTP/2 header compression); `None` if the token has characters a header cannot carry.
    pub(crate) fn bearer_header(&self) -> Option<HeaderValue> {
        if let Some(h) = self.inner.header.get() {
            return Some(h.clone());
        }
        let mut h = HeaderValue::try_from(format!("Bearer {}", self.expose_secret())).ok()?;
        h.set_sensitive(true);
        Some(self.inner.header.get_or_init(|| h).clone())
    }

    /// Records how long the token is valid, counted from now.
    pub fn with_expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }

    /// How long the token was valid when it was issued, if known.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    /// The token value. Do not log it.
    pub fn expose_secret(&self) -> &str {
        self.inner.value.expose_secret()
    }

    fn same_value(&self, other: &AccessToken) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Where the client gets its access tokens.
///
/// The client asks for a token before every request, so an implementation should cache. When the
/// API answers 401, the client calls [`TokenSource::invalidate`] with the rejected token, asks
/// for a token again and, if it got a different one, re-sends the request once.
///
/// The trait is object-safe; plug one in with
/// [`ManagementClientBuilder::token_source`](crate::ManagementClientBuilder::token_source).
///
/// ```no_run
/// use std::sync::Arc;
/// use auth0_management::{AccessToken, BoxFuture, Error, ManagementClient, TokenSource};
///
/// /// Reads the token from a secret store.
/// struct FromVault;
///
/// impl TokenSource for FromVault {
///     fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
///         Box::pin(async {
///             let value = String::from("eyJ..."); // ask the vault here
///             Ok(AccessToken::new(value))
///         })
///     }
/// }
///
/// # fn main() -> Result<(), Error> {
/// let client = ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .token_source(Arc::new(FromVault))
///     .build()?;
/// # Ok(()) }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A token to send now. Errors should be [`Error::Auth`] (with no secret in them).
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>>;

    /// The API rejected `token` (401): forget it, so the next [`TokenSource::token`] call gets a
    /// new one. The default does nothing.
    fn invalidate(&self, token: &AccessToken) {
        let _ = token;
    }
}

/// A fixed token, as given to [`ManagementClientBuilder::token`](crate::ManagementClientBuilder::token).
///
/// It is never refreshed: when it expires, calls fail with `Error::Api { status: 401, .. }`.
#[derive(Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// A source that always returns `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let t = self.0.clone();
        Box::pin(async move { Ok(t) })
    }
}

/// A token cache that several clients may share.
///
/// Entries are keyed by token URL (so domain), client id, audience, scope and a keyed hash of the
/// client secret, so clients for different tenants, APIs or scopes never see each other's tokens,
/// and a client configured with a wrong secret never gets a token fetched with the right one.
/// Each [`ManagementClient`](crate::ManagementClient) gets its own cache unless given one with
/// [`ManagementClientBuilder::token_cache`](crate::ManagementClientBuilder::token_cache).
///
/// ```no_run
/// use auth0_management::{ManagementClient, TokenCache};
///
/// # fn main() -> Result<(), auth0_management::Error> {
/// let cache = TokenCache::new();
/// let a = ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .client_credentials("client-id", "client-secret")
///     .token_cache(cache.clone())
///     .build()?;
/// let b = ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .client_credentials("client-id", "client-secret")
///     .scope("read:users")
///     .token_cache(cache) // same cache, different key: its own token
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct TokenCache {
    inner: Arc<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    hasher: RandomState,
    slots: Mutex<HashMap<CacheKey, Arc<Slot>>>,
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drops every cached token.
    pub fn clear(&self) {
        for slot in lock(&self.inner.slots).values() {
            *lock(&slot.state) = None;
        }
    }

    fn slot(&self, key: &CacheKey) -> Arc<Slot> {
        lock(&self.inner.slots)
            .entry(key.clone())
            .or_default()
            .clone()
    }

    fn fingerprint(&self, secret: &str) -> u64 {
        self.inner.hasher.hash_one(secret)
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("entries", &lock(&self.inner.slots).len())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    token_url: String,
    client_id: String,
    audience: String,
    scope: Option<String>,
    secret_fingerprint: u64,
}

#[derive(Default)]
struct Slot {
    state: Mutex<Option<Cached>>,
    /// Held while a token request is in flight: the single flight.
    fetch: tokio::sync::Mutex<()>,
    /// Bumped after every completed fetch.
    generation: AtomicU64,
    /// The last fetch's failure, shared with the callers that waited for it.
    last_failure: Mutex<Option<Error>>,
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded data is always left consistent, so a panic elsewhere need not poison it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How the client-credentials source caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CacheOptions {
    pub(crate) enabled: bool,
    pub(crate) ttl: Option<Duration>,
    pub(crate) leeway: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: None,
            leeway: DEFAULT_LEEWAY,
        }
    }
}

/// Tokens are refreshed this long before they expire, unless configured otherwise.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(10);

/// Lifetime assumed when the token endpoint omits `expires_in`.
pub(crate) const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

/// When a token fetched at `now` should be replaced, or `None` if it must not be cached.
///
/// - lifetime = `expires_in`, or one hour when the endpoint did not say (a 401 still forces a
///   refresh if that guess is wrong); `expires_in: 0` means "do not cache".
/// - natural refresh point = lifetime − leeway, or half the lifetime when the lifetime is not
///   longer than the leeway;
/// - `ttl`, when set, can only bring that point earlier.
pub(crate) fn refresh_at(
    now: Instant,
    expires_in: Option<Duration>,
    opts: &CacheOptions,
) -> Option<Instant> {
    let lifetime = expires_in.unwrap_or(ASSUMED_LIFETIME);
    if lifetime.is_zero() {
        return None;
    }
    let natural = if lifetime > opts.leeway {
        lifetime - opts.leeway
    } else {
        lifetime / 2
    };
    let after = opts.ttl.map_or(natural, |ttl| ttl.min(natural));
    now.checked_add(after)
}

/// The OAuth2 client-credentials grant against `/oauth/token`, with a cache.
pub(crate) struct ClientCredentials {
    pub(crate) http: reqwest::Client,
    pub(crate) token_url: reqwest::Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) audience: String,
    pub(crate) scope: Option<String>,
    pub(crate) options: CacheOptions,
    pub(crate) retry: RetryPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    /// This source's entry of `cache`, looked up once: entries are never removed (clearing
    /// empties them), so it stays the one other clients with the same key see.
    slot: Arc<Slot>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("audience", &self.audience)
            .field("scope", &self.scope)
            .field("options", &self.options)
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

impl ClientCredentials {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: reqwest::Url,
        client_id: String,
        client_secret: SecretString,
        audience: String,
        scope: Option<String>,
        cache: TokenCache,
        options: CacheOptions,
        retry: RetryPolicy,
        clock: Arc<dyn Clock>,
        headers: HeaderMap,
        timeout: Option<Duration>,
    ) -> Self {
        let key = CacheKey {
            token_url: token_url.to_string(),
            client_id: client_id.clone(),
            audience: audience.clone(),
            scope: scope.clone(),
            secret_fingerprint: cache.fingerprint(client_secret.expose_secret()),
        };
        let slot = cache.slot(&key);
        Self {
            http,
            token_url,
            client_id,
            client_secret,
            audience,
            scope,
            options,
            retry,
            clock,
            headers,
            timeout,
            slot,
        }
    }

    async fn cached_token(&self) -> Result<AccessToken, Error> {
        if !self.options.enabled {
            return self.fetch().await;
        }
        let slot = &self.slot;
        if let Some(t) = self.fresh(slot) {
            return Ok(t);
        }
        let generation = slot.generation.load(Ordering::Acquire);
        let _flight = slot.fetch.lock().await;
        if let Some(t) = self.fresh(slot) {
            return Ok(t);
        }
        // A fetch finished while this caller waited and failed: share its outcome instead of
        // knocking again at once.
        if slot.generation.load(Ordering::Acquire) != generation
            && let Some(e) = lock(&slot.last_failure).as_ref()
        {
            return Err(clone_error(e));
        }
        let result = self.fetch().await;
        match &result {
            Ok(token) => {
                let refresh_at = refresh_at(self.clock.now(), token.expires_in, &self.options);
                *lock(&slot.state) = refresh_at.map(|refresh_at| Cached {
                    token: token.clone(),
                    refresh_at,
                });
                *lock(&slot.last_failure) = None;
            }
            Err(e) => *lock(&slot.last_failure) = Some(clone_error(e)),
        }
        slot.generation.fetch_add(1, Ordering::AcqRel);
        result
    }

    fn fresh(&self, slot: &Slot) -> Option<AccessToken> {
        let now = self.clock.now();
        lock(&slot.state)
            .as_ref()
            .filter(|c| now < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// One token request (with the retry policy; a token request is safe to repeat).
    async fn fetch(&self) -> Result<AccessToken, Error> {
        let mut body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose_secret(),
            "audience": self.audience,
        });
        if let Some(scope) = &self.scope {
            body["scope"] = serde_json::Value::String(scope.clone());
        }
        let bytes = serde_json::to_vec(&body).map_err(|_| Error::Auth {
            status: None,
            error: None,
            error_description: Some("could not encode the token request".into()),
        })?;
        let mut request = reqwest::Request::new(reqwest::Method::POST, self.token_url.clone());
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(bytes.into());
        *request.timeout_mut() = self.timeout;

        let started = self.clock.now();
        let (result, stats) = retry::send(
            &self.http,
            request,
            &self.retry,
            self.clock.as_ref(),
            true,
            None,
        )
        .await;
        let response = result.map_err(Error::from_reqwest)?;
        let status = response.status();
        tracing::debug!(
            status = status.as_u16(),
            attempts = stats.attempts,
            duration_ms = u64::try_from(self.clock.now().duration_since(started).as_millis())
                .unwrap_or(u64::MAX),
            "token request finished"
        );
        let (body, _) = retry::read_limited(response, 64 * 1024)
            .await
            .map_err(Error::from_reqwest)?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<TokenErrorBody>(&body) {
                Ok(b) if b.error.is_some() || b.error_description.is_some() => Error::Auth {
                    status: Some(status.as_u16()),
                    error: b.error,
                    error_description: b.error_description,
                },
                _ => Error::Auth {
                    status: Some(status.as_u16()),
                    error: None,
                    error_description: (!body.is_empty()).then(|| snippet(&body, None)),
                },
            });
        }
        // Never quote a successful token response: it holds the token.
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            message: format!(
                "token endpoint response: {:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ),
            snippet: "[not shown: token response]".into(),
        })?;
        if parsed.access_token.is_empty() {
            return Err(Error::Auth {
                status: Some(status.as_u16()),
                error: None,
                error_description: Some("the token endpoint returned an empty access_token".into()),
            });
        }
        let expires_in = parsed.expires_in.and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            }),
            serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        });
        let mut token = AccessToken::new(parsed.access_token);
        if let Some(secs) = expires_in {
            token = token.with_expires_in(Duration::from_secs(secs));
        }
        Ok(token)
    }
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        // The common case, a fresh cached token, without building (and boxing) the future
        // that can fetch one: that one holds a whole token request and is large.
        if self.options.enabled
            && let Some(t) = self.fresh(&self.slot)
        {
            return Box::pin(std::future::ready(Ok(t)));
        }
        Box::pin(self.cached_token())
    }

    fn invalidate(&self, token: &AccessToken) {
        let mut state = lock(&self.slot.state);
        if state.as_ref().is_some_and(|c| c.token.same_value(token)) {
            *state = None;
        }
    }
}

/// A copy of a token error for the callers that shared the failed request.
fn clone_error(e: &Error) -> Error {
    match e {
        Error::Auth {
            status,
            error,
            error_description,
        } => Error::Auth {
            status: *status,
            error: error.clone(),
            error_description: error_description.clone(),
        },
        Error::Timeout => Error::Timeout,
        Error::Decode { message, snippet } => Error::Decode {
            message: message.clone(),
            snippet: snippet.clone(),
        },
        Error::Config(m) => Error::Config(m.clone()),
        Error::InvalidInput(m) => Error::InvalidInput(m.clone()),
        other => Error::Auth {
            status: other.status(),
            error: None,
            error_description: Some(format!("token request failed: {other}")),
        },
    }
}

/// Whether `a` and `b` carry the same token value.
pub(crate) fn same_token(a: &AccessToken, b: &AccessToken) -> bool {
    a.same_value(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_points() {
        let now = Instant::now();
        let opts = CacheOptions::default();
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(
            refresh_at(now, secs(86400), &opts),
            Some(now + Duration::from_secs(86390))
        );
        assert_eq!(
            refresh_at(now, secs(8), &opts),
            Some(now + Duration::from_secs(4))
        );
        assert_eq!(refresh_at(now, secs(0), &opts), None);
        assert_eq!(
            refresh_at(now, None, &opts),
            Some(now + Duration::from_secs(3590))
        );
        let ttl = CacheOptions {
            ttl: Some(Duration::from_secs(60)),
            ..opts
        };
        assert_eq!(
            refresh_at(now, secs(86400), &ttl),
            Some(now + Duration::from_secs(60))
        );
        // A TTL never extends past expiry minus leeway.
        assert_eq!(
            refresh_at(now, secs(30), &ttl),
            Some(now + Duration::from_secs(20))
        );
    }

    #[test]
    fn debug_redacts() {
        let t = AccessToken::new("super-secret-token");
        assert!(!format!("{t:?}").contains("super-secret"));
        let s = StaticToken::new("super-secret-token");
        assert!(!format!("{s:?}").contains("super-secret"));
    }
}
