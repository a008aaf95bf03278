//! The one handwritten part of this crate: what happens around every generated call.
//!
//! The generated [`Client`](crate::Client) carries an [`Inner`] value. When it holds a
//! [`Transport`] (the ergonomic `auth0-management` crate supplies one: token source, retry
//! policy, telemetry, tracing), every request is prepared and sent through it. Without one,
//! requests go out as generated, with no `Authorization` header.
//!
//! Progenitor requires this impl to live in the crate that defines `Client` (orphan rule), so it
//! stays here and stays small: the logic lives behind the trait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

/// A boxed, `Send` future, as returned by [`Transport`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the generated client calls for every request.
///
/// Implementations decide how a request is authorized (`prepare`) and how it is sent
/// (`execute`: retries, token refresh on 401, rate-limit handling).
pub trait Transport: Send + Sync + 'static {
    /// Adjusts the request before it is sent (for example, adds the `Authorization` header).
    ///
    /// An `Err` aborts the call before anything is sent; the message becomes
    /// [`Error::Custom`]. It must never contain a secret.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// Sends the request with `client` and returns the final response.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The value the generated [`Client`](crate::Client) carries: an optional [`Transport`].
#[derive(Clone, Default)]
pub struct Inner {
    transport: Option<Arc<dyn Transport>>,
}

impl Inner {
    /// Routes every request of the client through `transport`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport: Some(transport),
        }
    }

    /// The transport, if one was set.
    pub fn transport(&self) -> Option<&Arc<dyn Transport>> {
        self.transport.as_ref()
    }
}

impl fmt::Debug for Inner {
    // A transport holds credentials: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner")
            .field("transport", &self.transport.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// Progenitor adds `api-version: <info.version>` to every request; Auth0 does not read it.
const PROGENITOR_API_VERSION_HEADER: &str = "api-version";

/// The path-segment encoder of every generated call (`cargo xtask codegen` imports this one
/// instead of progenitor's). Progenitor's leaves `|` and `\` raw: RFC 3986 does not allow `|` in
/// a path, and every Auth0 user id has one (`auth0|abc`); URL parsing reads `\` as `/`, so
/// `a\b` would reach `.../a/b`, another endpoint.
pub fn encode_path(segment: &str) -> String {
    let mut out = progenitor_client::encode_path(segment);
    // `contains` and `replace` with one `char` search with memchr; a `replace` only when needed
    // (every user id has a `|`, almost none a `\`).
    if out.contains('|') {
        out = out.replace('|', "%7C");
    }
    if out.contains('\\') {
        out = out.replace('\\', "%5C");
    }
    out
}

impl ClientHooks<Inner> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(PROGENITOR_API_VERSION_HEADER);
        match &self.inner().transport {
            Some(transport) => transport
                .prepare(request, info.operation_id)
                .await
                .map_err(Error::Custom),
            None => Ok(()),
        }
    }

    // Not an `async fn`: that would keep `request` in the generated call's future (a slot of
    // its own, beside the future it is handed to), and that future is moved and copied whole.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        match &self.inner().transport {
            Some(transport) => {
                Exec::Transport(transport.execute(self.client(), request, info.operation_id))
            }
            None => Exec::Direct(self.client().execute(request)),
        }
    }
}

/// The future of [`ClientHooks::exec`]: the transport's, or reqwest's when there is none.
enum Exec<'a, P> {
    Transport(BoxFuture<'a, reqwest::Result<reqwest::Response>>),
    Direct(P),
}

impl<P> Future for Exec<'_, P>
where
    P: Future<Output = reqwest::Result<reqwest::Response>> + Unpin,
{
    type Output = reqwest::Result<reqwest::Response>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Exec::Transport(f) => f.as_mut().poll(cx),
            Exec::Direct(p) => Pin::new(p).poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn encode_path_escapes_pipe_and_backslash() {
        assert_eq!(encode_path("abc"), "abc");
        assert_eq!(encode_path("auth0|abc"), "auth0%7Cabc");
        assert_eq!(encode_path("|a\\b|"), "%7Ca%5Cb%7C");
        assert_eq!(encode_path("a/b|é"), "a%2Fb%7C%C3%A9");
    }
}
