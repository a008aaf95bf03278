//! The crate's one error type, [`Error`], and the rate-limit information it carries.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::transport::{CallContext, LastResponse};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a call to the Management API.
///
/// No variant ever holds a client secret or an access token, so `Display` and `Debug` are safe to
/// log. Bodies quoted in [`Error::Decode`] and [`Error::Api`] are cut short and have the values of
/// secret-looking JSON fields (`client_secret`, `access_token`, `password`, ...) replaced by
/// `[REDACTED]`.
///
/// ```no_run
/// # async fn demo(client: auth0_management::ManagementClient) {
/// use auth0_management::Error;
/// # let result: Result<(), Error> = Ok(());
/// match result {
///     Ok(()) => {}
///     Err(Error::Api { status: 404, .. }) => println!("no such user"),
///     Err(Error::RateLimited { rate_limit, .. }) => println!("slow down until {:?}", rate_limit.reset),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Management API answered with an error status (other than a final 429).
    #[error("{}", DisplayApi { status: *status, error: error.as_deref(), error_code: error_code.as_deref(), message: message.as_deref() })]
    Api {
        /// HTTP status code.
        status: u16,
        /// Auth0's short error name (`"Not Found"`), if the body had one.
        error: Option<String>,
        /// Auth0's machine-readable code (`errorCode`, e.g. `"inexistent_user"`), if any.
        error_code: Option<String>,
        /// Auth0's human-readable message, or a short quote of a body that was not JSON.
        message: Option<String>,
        /// `X-RateLimit-*` headers of the response, if it had any.
        rate_limit: Option<RateLimit>,
    },

    /// The API still answered 429 Too Many Requests after the retry policy gave up.
    #[error("rate limited by Auth0 (429){}{}", retry_after_suffix(*retry_after), message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    RateLimited {
        /// `X-RateLimit-*` headers of the last response.
        rate_limit: RateLimit,
        /// How long the server asked to wait (`Retry-After` or `X-RateLimit-Reset`), if it said.
        retry_after: Option<Duration>,
        /// Auth0's message, if any.
        message: Option<String>,
        /// Auth0's `errorCode`, if any.
        error_code: Option<String>,
    },

    /// The token endpoint (`/oauth/token`) refused to issue a token, or the configured
    /// [`TokenSource`](crate::TokenSource) failed.
    #[error("{}", DisplayAuth { status: *status, error: error.as_deref(), error_description: error_description.as_deref() })]
    Auth {
        /// HTTP status of the token endpoint's answer, if there was one.
        status: Option<u16>,
        /// OAuth2 `error` (e.g. `"access_denied"`, `"invalid_client"`).
        error: Option<String>,
        /// OAuth2 `error_description`, or what went wrong.
        error_description: Option<String>,
    },

    /// The request could not be sent or the response could not be read (DNS, TCP, TLS, reset).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// The request timed out (the client's request timeout or connect timeout).
    #[error("request timed out")]
    Timeout,

    /// A response arrived but its body did not have the expected shape.
    #[error("could not decode the response: {message} (body starts: {snippet:?})")]
    Decode {
        /// What the decoder said.
        message: String,
        /// A short, bounded, redacted quote of the body around the failure.
        snippet: String,
    },

    /// A response body was larger than
    /// [`max_response_bytes`](crate::ManagementClientBuilder::max_response_bytes) (16 MiB by
    /// default). Reading stopped at the limit; nothing larger was buffered.
    #[error("the response body is larger than the limit of {limit} bytes{} (see max_response_bytes)", content_length.map(|n| format!(" (Content-Length: {n})")).unwrap_or_default())]
    ResponseTooLarge {
        /// The configured limit, in bytes.
        limit: u64,
        /// The `Content-Length` the server declared, when that is what exceeded the limit (the
        /// body was then not read at all).
        content_length: Option<u64>,
    },

    /// An argument was refused before anything was sent (for example an empty id).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A listing stopped at Auth0's offset-paging limit (`page * per_page` may not reach 1000
    /// records) and the endpoint has no checkpoint paging to continue with. The items already
    /// returned are valid; narrow the query (`q`, filters) or, for users, run an export job.
    /// See [`pagination`](crate::pagination).
    #[error("offset pagination reached Auth0's limit of {limit} records after {fetched} items{}; narrow the query or use checkpoint paging or an export job", total.map(|t| format!(" of {t}")).unwrap_or_default())]
    PaginationLimit {
        /// The limit (1000 for Auth0).
        limit: u64,
        /// How many items the listing returned before stopping.
        fetched: u64,
        /// The total the server reported, if it did.
        total: Option<u64>,
    },

    /// A job (import, export, verification email) did not complete while it was waited for: it
    /// failed, or it was still pending or processing when the wait timed out.
    #[error("job {id} is {status}: {message}")]
    Job {
        /// The job id.
        id: String,
        /// The job's last status (`"failed"`, or `"pending"`/`"processing"` after a timeout).
        status: String,
        /// What happened: the job's `status_details` and summary counts, or the timeout.
        message: String,
    },

    /// The client configuration was refused (for example a malformed domain).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status involved, if the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::Auth { status, .. } => *status,
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The rate-limit headers of the last response, if known.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api { rate_limit, .. } => rate_limit.as_ref(),
            Error::RateLimited { rate_limit, .. } => Some(rate_limit),
            _ => None,
        }
    }

    /// Auth0's `errorCode` (or the OAuth2 `error` for [`Error::Auth`]), if any.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api { error_code, .. } | Error::RateLimited { error_code, .. } => {
                error_code.as_deref()
            }
            Error::Auth { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if let Some(t) = crate::body_limit::too_large(&e) {
            return Error::ResponseTooLarge {
                limit: t.limit,
                content_length: t.content_length,
            };
        }
        if e.is_timeout() {
            Error::Timeout
        } else {
            Error::Transport(e.without_url_query())
        }
    }

    pub(crate) fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }
}

/// Removes the query string from the URL a `reqwest::Error` quotes: queries can hold personal
/// data (`q=email:...`) and never help to diagnose a transport failure.
trait WithoutUrlQuery {
    fn without_url_query(self) -> Self;
}

impl WithoutUrlQuery for reqwest::Error {
    fn without_url_query(mut self) -> Self {
        // A body wrapped by the size limit reports reqwest's placeholder URL: say nothing rather
        // than name a host that was never contacted.
        if self
            .url()
            .is_some_and(|u| u.host_str() == Some("no.url.provided.local"))
        {
            return self.without_url();
        }
        if let Some(url) = self.url_mut() {
            url.set_query(None);
            let _ = url.set_password(None);
        }
        self
    }
}

struct DisplayApi<'a> {
    status: u16,
    error: Option<&'a str>,
    error_code: Option<&'a str>,
    message: Option<&'a str>,
}

impl fmt::Display for DisplayApi<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Auth0 API error {}", self.status)?;
        if let Some(e) = self.error {
            write!(f, " {e}")?;
        }
        if let Some(m) = self.message {
            write!(f, ": {m}")?;
        }
        if let Some(c) = self.error_code {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

struct DisplayAuth<'a> {
    status: Option<u16>,
    error: Option<&'a str>,
    error_description: Option<&'a str>,
}

impl fmt::Display for DisplayAuth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not obtain an access token")?;
        if let Some(s) = self.status {
            write!(f, " (token endpoint answered {s})")?;
        }
        if let Some(e) = self.error {
            write!(f, ": {e}")?;
        }
        if let Some(d) = self.error_description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

fn retry_after_suffix(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!(", retry after {:.1}s", d.as_secs_f64()),
        None => String::new(),
    }
}

/// The `X-RateLimit-*` headers of a response.
///
/// Auth0 sends `X-RateLimit-Limit` (requests per window), `X-RateLimit-Remaining` and
/// `X-RateLimit-Reset` (unix time, in seconds, when the window resets). Missing or malformed
/// headers are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`, unix seconds.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the headers; `None` if none of the three is present and valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let rl = RateLimit {
            limit: read("x-ratelimit-limit"),
            remaining: read("x-ratelimit-remaining"),
            reset: read("x-ratelimit-reset"),
        };
        (rl != RateLimit::default()).then_some(rl)
    }

    /// `reset` as a point in time.
    pub fn reset_at(&self) -> Option<SystemTime> {
        self.reset
            .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
    }
}

/// Builds the error for an error status from its parts.
fn from_status(
    status: StatusCode,
    headers: Option<&HeaderMap>,
    rate_limit: Option<RateLimit>,
    retry_after: Option<Duration>,
    body: Option<serde_json::Value>,
    raw: Option<&[u8]>,
) -> Error {
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| b.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let mut message = field("message");
    if message.is_none() && body.is_none() {
        message = raw.filter(|r| !r.is_empty()).map(|r| snippet(r, None));
    }
    let error_code = field("errorCode");
    let rate_limit = rate_limit.or_else(|| headers.and_then(RateLimit::from_headers));
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = retry_after
            .or_else(|| headers.and_then(|h| crate::retry::server_delay(h, SystemTime::now())));
        return Error::RateLimited {
            rate_limit: rate_limit.unwrap_or_default(),
            retry_after,
            message,
            error_code,
        };
    }
    Error::Api {
        status: status.as_u16(),
        error: field("error"),
        error_code,
        message,
        rate_limit,
    }
}

/// A progenitor error, converted as far as possible without reading more of the response.
enum Converted {
    Done(Error),
    /// A response the spec did not list: its body still has to be read.
    Unexpected(reqwest::Response),
}

fn convert_now<E: serde::Serialize>(
    err: progenitor_client::Error<E>,
    last: Option<LastResponse>,
) -> Converted {
    use progenitor_client::Error as P;
    Converted::Done(match err {
        P::InvalidRequest(m) => Error::InvalidInput(m),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
            Error::from_reqwest(e)
        }
        P::ErrorResponse(rv) => {
            let status = rv.status();
            let headers = rv.headers().clone();
            let body = serde_json::to_value(rv.into_inner()).ok();
            from_status(status, Some(&headers), None, None, body, None)
        }
        P::InvalidResponsePayload(bytes, e) => match last {
            // An error status whose body was not the error schema (an HTML 502 page, ...).
            Some(l) if !l.status.is_success() => from_status(
                l.status,
                None,
                l.rate_limit,
                l.retry_after,
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .filter(serde_json::Value::is_object),
                Some(&bytes),
            ),
            _ => Error::Decode {
                message: e.to_string(),
                snippet: snippet(&bytes, offset_of(&bytes, e.line(), e.column())),
            },
        },
        P::UnexpectedResponse(resp) => return Converted::Unexpected(resp),
        P::Custom(m) => Error::Auth {
            status: None,
            error: None,
            error_description: Some(m),
        },
    })
}

/// Converts an error of the generated client, with what the transport recorded during the call.
pub(crate) async fn convert<E: serde::Serialize>(
    err: progenitor_client::Error<E>,
    ctx: Option<&CallContext>,
) -> Error {
    if let Some(e) = ctx.and_then(CallContext::take_error) {
        return e;
    }
    match convert_now(err, ctx.and_then(CallContext::last)) {
        Converted::Done(e) => e,
        Converted::Unexpected(resp) => {
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = match crate::retry::read_limited(resp, 64 * 1024).await {
                Ok((body, _)) => body,
                Err(e) => return Error::from_reqwest(e),
            };
            if status.is_success() {
                return Error::Decode {
                    message: format!("unexpected status {status}"),
                    snippet: snippet(&body, None),
                };
            }
            let json = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .filter(serde_json::Value::is_object);
            from_status(status, Some(&headers), None, None, json, Some(&body))
        }
    }
}

/// For callers of the generated client who use `?` directly. Prefer
/// [`ManagementClient::call`](crate::ManagementClient::call), which also reports token errors
/// precisely and reads the body of responses the spec does not list.
impl<E: serde::Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(err: progenitor_client::Error<E>) -> Self {
        match convert_now(err, None) {
            Converted::Done(e) => e,
            Converted::Unexpected(resp) => {
                let status = resp.status();
                if status.is_success() {
                    Error::Decode {
                        message: format!("unexpected status {status}"),
                        snippet: String::new(),
                    }
                } else {
                    from_status(status, Some(resp.headers()), None, None, None, None)
                }
            }
        }
    }
}

/// Longest quote of a body kept in an error, in bytes.
pub(crate) const SNIPPET_MAX: usize = 200;

/// JSON keys whose string values never appear in a snippet: a key is secret if, lowercased and
/// without `_` and `-`, it contains one of these (`client_secret`, `clientSecret`,
/// `access_token`, `smtp_pass`, `api_key`, `secretAccessKey`, `private_key`, ...). Redacting a
/// harmless value (`token_endpoint_auth_method`) only costs a diagnostic detail.
const SECRET_KEY_PARTS: &[&str] = &[
    "secret",
    "token",
    "password",
    "passwd",
    "pass",
    "apikey",
    "privatekey",
    "assertion",
    "connectionstring",
    "credential",
    "authorization",
    "cookie",
    "otp",
    "recoverycode",
];

/// Whether the JSON key `raw` (its text between the quotes, escapes undecoded) names a secret.
fn is_secret_key(raw: &str) -> bool {
    let decoded;
    let key = if raw.contains('\\') {
        // `"client\u005fsecret"` is `client_secret` to every JSON parser.
        decoded = serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_default();
        decoded.as_str()
    } else {
        raw
    };
    let normalized: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_KEY_PARTS.iter().any(|p| normalized.contains(p))
}

/// A short, redacted quote of `body`, centred on byte `at` if given.
pub(crate) fn snippet(body: &[u8], at: Option<usize>) -> String {
    let text = String::from_utf8_lossy(body);
    let text = redact_bearer(&redact_json_secrets(&text));
    let start = at
        .map(|a| a.saturating_sub(SNIPPET_MAX / 2))
        .unwrap_or(0)
        .min(text.len());
    let start = floor_char_boundary(&text, start);
    let end = floor_char_boundary(&text, (start + SNIPPET_MAX).min(text.len()));
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&text[start..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Byte offset of (line, column), both 1-based as serde_json reports them.
pub(crate) fn offset_of(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut offset = 0;
    for (i, l) in body.split(|b| *b == b'\n').enumerate() {
        if i + 1 == line {
            return Some(offset + column.saturating_sub(1).min(l.len()));
        }
        offset += l.len() + 1;
    }
    None
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Replaces the string values of secret-looking keys with `[REDACTED]`, without parsing (the body
/// may be malformed, which is why it is being quoted).
pub(crate) fn redact_json_secrets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        // A string literal starts at i.
        let Some(end) = string_end(bytes, i) else {
            break;
        };
        let key = &text[i + 1..end];
        let mut j = end + 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b':' && is_secret_key(key) {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'"' {
                out.push_str(&text[copied..=j]);
                out.push_str("[REDACTED]");
                match string_end(bytes, j) {
                    Some(vend) => {
                        copied = vend;
                        i = vend + 1;
                    }
                    None => {
                        // Unterminated secret: drop the rest.
                        out.push('"');
                        return out;
                    }
                }
                continue;
            }
        }
        i = end + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// Replaces the credential after every `Bearer ` (any case) with `[REDACTED]`: a proxy's error
/// page may echo the request's `Authorization` header.
pub(crate) fn redact_bearer(text: &str) -> String {
    const WORD: &[u8] = b"bearer";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + WORD.len() < bytes.len() {
        if !bytes[i..i + WORD.len()].eq_ignore_ascii_case(WORD) {
            i += 1;
            continue;
        }
        let mut j = i + WORD.len();
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        let start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || b"-._~+/=".contains(&bytes[j]))
        {
            j += 1;
        }
        if start > i + WORD.len() && j > start {
            out.push_str(&text[copied..start]);
            out.push_str("[REDACTED]");
            copied = j;
        }
        i = j.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// Index of the closing quote of the string literal opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut k = start + 1;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' => k += 2,
            b'"' => return Some(k),
            _ => k += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_values() {
        let body = r#"{"client_id":"abc","client_secret" : "s3cr\"et","access_token":"eyJ","n":1}"#;
        let r = redact_json_secrets(body);
        assert!(!r.contains("s3cr"), "{r}");
        assert!(!r.contains("eyJ"), "{r}");
        assert!(r.contains(r#""client_id":"abc""#), "{r}");
        assert!(r.contains(r#""client_secret" : "[REDACTED]""#), "{r}");
    }

    #[test]
    fn redacts_other_secret_key_spellings_and_bearer_tokens() {
        let body = r#"{"clientSecret":"s1","smtp_pass":"s2","api_key":"s3","client\u005fsecret":"s4","name":"kept"}"#;
        let r = redact_json_secrets(body);
        for s in ["s1", "s2", "s3", "s4"] {
            assert!(!r.contains(&format!("\"{s}\"")), "{r}");
        }
        assert!(r.contains(r#""name":"kept""#), "{r}");
        let page = "<pre>Authorization: Bearer eyJhbGciOi.abc-_DEF.sig=</pre> bearer\tx1 Bearer";
        let r = redact_bearer(page);
        assert_eq!(
            r,
            "<pre>Authorization: Bearer [REDACTED]</pre> bearer\t[REDACTED] Bearer"
        );
        assert!(snippet(page.as_bytes(), None).contains("Bearer [REDACTED]"));
    }

    #[test]
    fn redacts_unterminated_secret() {
        let r = redact_json_secrets(r#"{"password":"hunter2"#);
        assert!(!r.contains("hunter2"), "{r}");
    }

    #[test]
    fn snippet_is_bounded_and_utf8_safe() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes(), Some(501));
        assert!(s.len() <= SNIPPET_MAX + 2 * '…'.len_utf8());
        assert!(s.starts_with('…') && s.ends_with('…'));
        let short = snippet(b"<html>oops</html>", None);
        assert_eq!(short, "<html>oops</html>");
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_of(b"ab\ncd", 2, 2), Some(4));
        assert_eq!(offset_of(b"ab", 5, 1), None);
    }

    #[test]
    fn rate_limit_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimit::from_headers(&h), None);
        h.insert("x-ratelimit-limit", "50".parse().unwrap());
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
        let rl = RateLimit::from_headers(&h).unwrap();
        assert_eq!(rl.limit, Some(50));
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(
            rl.reset_at(),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
    }

    #[test]
    fn display() {
        let e = Error::Api {
            status: 404,
            error: Some("Not Found".into()),
            error_code: Some("inexistent_user".into()),
            message: Some("The user does not exist.".into()),
            rate_limit: None,
        };
        assert_eq!(
            e.to_string(),
            "Auth0 API error 404 Not Found: The user does not exist. (inexistent_user)"
        );
        let e = Error::Auth {
            status: Some(401),
            error: Some("access_denied".into()),
            error_description: Some("Unauthorized".into()),
        };
        assert_eq!(
            e.to_string(),
            "could not obtain an access token (token endpoint answered 401): access_denied: Unauthorized"
        );
    }
}
