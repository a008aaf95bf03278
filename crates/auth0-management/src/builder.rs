//! [`ManagementClientBuilder`]: every option of the client, checked in [`build`](ManagementClientBuilder::build).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use auth0_management_api::hooks::Inner;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};

use crate::body_limit::DEFAULT_MAX_RESPONSE_BYTES;
use crate::client::{ClientShared, ManagementClient};
use crate::clock::{Clock, TokioClock};
use crate::config::{self, parse_origin};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::telemetry::{self, AUTH0_CLIENT_HEADER, ClientInfo};
use crate::token::{CacheOptions, ClientCredentials, StaticToken, TokenCache, TokenSource};
use crate::transport::CoreTransport;

/// Default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout (only for the HTTP client this crate builds).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`ManagementClient`].
///
/// Setters never fail; [`build`](Self::build) checks everything at once and returns
/// [`Error::Config`] naming what is wrong. Nothing is sent until the first call.
///
/// Exactly one way to authenticate must be chosen: [`token`](Self::token),
/// [`client_credentials`](Self::client_credentials) or [`token_source`](Self::token_source).
/// Giving more than one is refused (the client would otherwise have to guess which one wins).
///
/// ```no_run
/// use std::time::Duration;
/// use auth0_management::{ManagementClient, RetryPolicy};
///
/// # fn main() -> Result<(), auth0_management::Error> {
/// let client = ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .client_credentials("client-id", "client-secret")
///     .scope("read:users update:users")
///     .leeway(Duration::from_secs(30))
///     .retry_policy(RetryPolicy::default().with_max_retries(5))
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagementClientBuilder {
    domain: Option<String>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    token: Option<SecretString>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    token_source: Option<Arc<dyn TokenSource>>,
    scope: Option<String>,
    audience: Option<String>,
    cache: CacheOptions,
    token_cache: Option<TokenCache>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    http_client: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
    user_agent: Option<String>,
    telemetry: bool,
    client_info: Option<ClientInfo>,
    max_response_bytes: u64,
    clock: Arc<dyn Clock>,
}

impl Default for ManagementClientBuilder {
    fn default() -> Self {
        Self {
            domain: None,
            base_url: None,
            allow_insecure_http: false,
            token: None,
            client_id: None,
            client_secret: None,
            token_source: None,
            scope: None,
            audience: None,
            cache: CacheOptions::default(),
            token_cache: None,
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http_client: None,
            headers: Vec::new(),
            user_agent: None,
            telemetry: true,
            client_info: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            clock: Arc::new(TokioClock),
        }
    }
}

impl fmt::Debug for ManagementClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { Some("[REDACTED]") } else { None };
        f.debug_struct("ManagementClientBuilder")
            .field("domain", &self.domain)
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("token", &redacted(self.token.is_some()))
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(self.client_secret.is_some()))
            .field(
                "token_source",
                &self.token_source.as_ref().map(|_| "<custom>"),
            )
            .field("scope", &self.scope)
            .field("audience", &self.audience)
            .field("cache", &self.cache)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            // Header values may be credentials for a proxy: names only.
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("user_agent", &self.user_agent)
            .field("telemetry", &self.telemetry)
            .field("client_info", &self.client_info)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ManagementClientBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tenant's domain: `tenant.auth0.com`, `tenant.eu.auth0.com`, a custom domain, or the
    /// same as an https URL (`https://tenant.auth0.com`). Required unless
    /// [`base_url`](Self::base_url) is set.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Sends everything to `origin` instead of `https://{domain}`: API calls to
    /// `{origin}/api/v2/...`, token requests to `{origin}/oauth/token`. Meant for tests and
    /// emulators (`http://127.0.0.1:PORT`). Plain http is accepted for loopback hosts only,
    /// unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    ///
    /// The default audience still comes from [`domain`](Self::domain) when it is set.
    pub fn base_url(mut self, origin: impl Into<String>) -> Self {
        self.base_url = Some(origin.into());
        self
    }

    /// Accepts plain `http` for hosts that are not loopback. Tokens and secrets then cross the
    /// network unencrypted: only for test networks you control.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Authenticates with a fixed access token (never refreshed).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Authenticates with the OAuth2 client-credentials grant of a machine-to-machine
    /// application, fetching and caching tokens as needed.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(SecretString::from(client_secret.into()));
        self
    }

    /// Authenticates with your own [`TokenSource`].
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token_source = Some(source);
        self
    }

    /// Scopes to request with client credentials (space-separated). By default none is sent and
    /// Auth0 grants all the scopes of the application's client grant.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Audience to request with client credentials. Default: `https://{domain}/api/v2/`.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Whether client-credentials tokens are cached (default `true`). With `false`, every call
    /// fetches a new token.
    pub fn enable_cache(mut self, enable: bool) -> Self {
        self.cache.enabled = enable;
        self
    }

    /// Replaces a cached token after `ttl` at the latest (it is still replaced `leeway` before
    /// it expires, if that is earlier). Must not be zero.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache.ttl = Some(ttl);
        self
    }

    /// How long before expiry a cached token is replaced (default 10 s). A token whose
    /// lifetime is not longer than the leeway is replaced after half its lifetime.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.cache.leeway = leeway;
        self
    }

    /// Shares a token cache between clients (see [`TokenCache`]).
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shorthand for the default policy with `n` retries (0 disables retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.with_max_retries(n);
        self
    }

    /// Timeout of one attempt, from sending to the end of the body (default 30 s). Applies to
    /// API and token requests, also with a caller-supplied HTTP client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No per-request timeout (a caller-supplied client's own timeout still applies).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client): set it
    /// on that client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Uses your `reqwest::Client` (proxies, custom root certificates, pool settings) for API
    /// and token requests.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds a header to every request (checked in [`build`](Self::build); `Authorization` is
    /// refused, use [`token`](Self::token) or [`token_source`](Self::token_source)).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `User-Agent` (default `auth0-management/<version> (rust <rustc version>)`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Whether to send the `Auth0-Client` telemetry header (default `true`).
    pub fn telemetry(mut self, enabled: bool) -> Self {
        self.telemetry = enabled;
        self
    }

    /// What the `Auth0-Client` header says (default: this crate, its version, the compiler's).
    pub fn client_info(mut self, info: ClientInfo) -> Self {
        self.client_info = Some(info);
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 16 MiB). A larger body, success or error, fails the call
    /// with [`Error::ResponseTooLarge`] without being buffered: a `Content-Length` above the
    /// limit is refused before reading, and a body without one stops at the limit. Must not be
    /// zero; `u64::MAX` lifts the limit.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    #[cfg(test)]
    pub(crate) fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Fills the builder from the environment: `AUTH0_DOMAIN`, `AUTH0_TOKEN`,
    /// `AUTH0_CLIENT_ID` + `AUTH0_CLIENT_SECRET`, `AUTH0_AUDIENCE`, `AUTH0_SCOPE`. Empty
    /// variables count as unset. Variables that are not set leave the builder as it was.
    pub fn with_env(self) -> Self {
        self.with_env_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn with_env_lookup(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(d) = get(config::env::DOMAIN) {
            self.domain = Some(d);
        }
        if let Some(t) = get(config::env::TOKEN) {
            self.token = Some(SecretString::from(t));
        }
        if let Some(id) = get(config::env::CLIENT_ID) {
            self.client_id = Some(id);
        }
        if let Some(s) = get(config::env::CLIENT_SECRET) {
            self.client_secret = Some(SecretString::from(s));
        }
        if let Some(a) = get(config::env::AUDIENCE) {
            self.audience = Some(a);
        }
        if let Some(s) = get(config::env::SCOPE) {
            self.scope = Some(s);
        }
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<ManagementClient, Error> {
        let domain = self
            .domain
            .as_deref()
            .map(|d| parse_origin(d, "domain", self.allow_insecure_http))
            .transpose()?;
        let base = self
            .base_url
            .as_deref()
            .map(|b| parse_origin(b, "base URL", self.allow_insecure_http))
            .transpose()?;
        let (origin, audience_authority) = match (&domain, &base) {
            (Some(d), Some(b)) => (b.clone(), d.authority()),
            (Some(d), None) => (d.clone(), d.authority()),
            (None, Some(b)) => (b.clone(), b.authority()),
            (None, None) => {
                return Err(Error::config(
                    "no domain: call domain(\"tenant.auth0.com\") or set AUTH0_DOMAIN",
                ));
            }
        };
        let api_base = origin.join("/api/v2")?;
        let token_url = origin.join("/oauth/token")?;

        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::config("timeout must be greater than zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config(
                "max_response_bytes must be greater than zero",
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::config("connect timeout must be greater than zero"));
        }
        if self.cache.ttl.is_some_and(|t| t.is_zero()) {
            return Err(Error::config(
                "cache_ttl must be greater than zero (use enable_cache(false) to disable caching)",
            ));
        }

        let http = match self.http_client.clone() {
            Some(c) => c,
            None => build_http_client(self.connect_timeout, origin.as_str())?,
        };

        let client_info = self
            .telemetry
            .then(|| self.client_info.clone().unwrap_or_default());
        let headers = self.default_headers(client_info.as_ref())?;

        let token_source = self.token_source_for(
            http.clone(),
            token_url,
            &audience_authority,
            headers.clone(),
        )?;

        let transport = Arc::new(CoreTransport {
            token_source,
            headers,
            timeout: self.timeout,
            retry: self.retry.clone(),
            clock: self.clock.clone(),
            max_response_bytes: self.max_response_bytes,
        });
        let api = auth0_management_api::Client::new_with_client(
            api_base.as_str(),
            http,
            Inner::new(transport.clone()),
        );
        Ok(ManagementClient::from_shared(ClientShared {
            api,
            transport,
            domain: audience_authority,
            api_base: api_base.to_string(),
            client_info,
        }))
    }

    fn default_headers(&self, client_info: Option<&ClientInfo>) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        let ua = self
            .user_agent
            .clone()
            .unwrap_or_else(telemetry::default_user_agent);
        headers.insert(
            USER_AGENT,
            HeaderValue::try_from(ua)
                .map_err(|_| Error::config("user agent is not a valid header value"))?,
        );
        if let Some(info) = client_info {
            headers.insert(
                HeaderName::from_static("auth0-client"),
                HeaderValue::try_from(info.header_value()).map_err(|_| {
                    Error::config(format!("{AUTH0_CLIENT_HEADER} is not a valid header value"))
                })?,
            );
        }
        for (name, value) in &self.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| Error::config(format!("invalid header name {name:?}")))?;
            if name == AUTHORIZATION {
                return Err(Error::config(
                    "the Authorization header is set by the client; use token() or token_source()",
                ));
            }
            // The value is not echoed: it may be a credential.
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|_| Error::config(format!("invalid value for header {name}")))?;
            headers.append(name, value);
        }
        Ok(headers)
    }

    fn token_source_for(
        &self,
        http: reqwest::Client,
        token_url: reqwest::Url,
        audience_authority: &str,
        headers: HeaderMap,
    ) -> Result<Arc<dyn TokenSource>, Error> {
        let has_credentials = self.client_id.is_some() || self.client_secret.is_some();
        let chosen = [
            self.token.is_some(),
            has_credentials,
            self.token_source.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if chosen > 1 {
            return Err(Error::config(
                "more than one way to authenticate was given (token, client credentials, token \
                 source); choose one",
            ));
        }
        if let Some(token) = &self.token {
            if token.expose_secret().trim().is_empty() {
                return Err(Error::config("the token is empty"));
            }
            return Ok(Arc::new(StaticToken::new(token.expose_secret())));
        }
        if let Some(source) = &self.token_source {
            return Ok(source.clone());
        }
        if !has_credentials {
            return Err(Error::config(
                "no credentials: call token(..), client_credentials(..) or token_source(..), or \
                 set AUTH0_TOKEN or AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET",
            ));
        }
        let client_id = self.client_id.clone().unwrap_or_default();
        if client_id.trim().is_empty() {
            return Err(Error::config("the client id is empty"));
        }
        let secret = match &self.client_secret {
            Some(s) if !s.expose_secret().trim().is_empty() => s.clone(),
            _ => return Err(Error::config("the client secret is empty")),
        };
        let audience = match &self.audience {
            Some(a) if a.trim().is_empty() => return Err(Error::config("the audience is empty")),
            Some(a) => a.clone(),
            None => format!("https://{audience_authority}/api/v2/"),
        };
        let scope = match &self.scope {
            Some(s) if s.trim().is_empty() => return Err(Error::config("the scope is empty")),
            other => other.clone(),
        };
        Ok(Arc::new(ClientCredentials::new(
            http,
            token_url,
            client_id,
            secret,
            audience,
            scope,
            self.token_cache.clone().unwrap_or_default(),
            self.cache,
            self.retry.clone(),
            self.clock.clone(),
            headers,
            self.timeout,
        )))
    }
}

/// A `reqwest::ClientBuilder` set up as this crate sets up its own client (TLS back end of the
/// enabled feature, no redirects, 10 s connect timeout), to add proxies, root certificates or
/// pool settings to before passing the client to
/// [`ManagementClientBuilder::http_client`].
///
/// Prefer it to `reqwest::Client::builder()`: with the default `rustls` feature, reqwest is
/// built without a process-wide crypto provider, and a plain `reqwest::Client::new()` panics
/// unless your application installed one.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let http = auth0_management::http_client_builder()?
///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
///     .build()?;
/// let client = auth0_management::ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .token("eyJ...")
///     .http_client(http)
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    let builder = reqwest::Client::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    tls::configure(builder, "https:")
}

/// Builds the HTTP client: connect timeout, no redirects (an API client has no reason to follow
/// one, and a redirect must never carry the token elsewhere), the TLS back end of the enabled
/// feature.
fn build_http_client(connect_timeout: Duration, origin: &str) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none());
    let builder = tls::configure(builder, origin)?;
    builder
        .build()
        .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))
}

/// TLS back ends, one per cargo feature.
///
/// - `rustls` (default): reqwest's own rustls set-up (aws-lc-rs provider).
/// - `rustls-ring`: rustls with the `ring` provider and the platform's certificate verifier.
///   `ring` compiles in seconds where aws-lc-rs is a large C and assembly build. The provider is
///   passed to this client's TLS configuration, not installed process-wide; if one is
///   installed, it is used. It turns on reqwest's `rustls-no-provider`, so other plain reqwest
///   clients in the program need a provider installed first.
/// - `native-tls`: the platform's TLS library (OpenSSL, Secure Transport, SChannel).
///
/// With none of them, only plain-http loopback origins work (or bring your own client).
mod tls {
    use super::*;

    #[cfg(feature = "rustls-ring")]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        _origin: &str,
    ) -> Result<reqwest::ClientBuilder, Error> {
        use rustls_platform_verifier::BuilderVerifierExt as _;
        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::config(format!("TLS set-up failed: {e}")))?
            .with_platform_verifier()
            .map_err(|e| Error::config(format!("TLS set-up failed: {e}")))?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(builder.tls_backend_preconfigured(config))
    }

    #[cfg(all(not(feature = "rustls-ring"), feature = "rustls"))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        _origin: &str,
    ) -> Result<reqwest::ClientBuilder, Error> {
        Ok(builder.tls_backend_rustls())
    }

    #[cfg(all(
        not(feature = "rustls-ring"),
        not(feature = "rustls"),
        feature = "native-tls"
    ))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        _origin: &str,
    ) -> Result<reqwest::ClientBuilder, Error> {
        Ok(builder.tls_backend_native())
    }

    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        origin: &str,
    ) -> Result<reqwest::ClientBuilder, Error> {
        if origin.starts_with("https:") {
            return Err(Error::config(
                "no TLS back end: enable the `rustls`, `rustls-ring` or `native-tls` feature \
                 of auth0-management, or pass your own client with http_client(..)",
            ));
        }
        Ok(builder)
    }
}
