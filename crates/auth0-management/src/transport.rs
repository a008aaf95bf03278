//! What happens around every generated call: authorization, default headers, the retry loop,
//! the 401 refresh, tracing. This is the crate's implementation of the low-level crate's
//! [`Transport`] hook.

use std::fmt;
use std::future::{Future, ready};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use auth0_management_api::hooks::{BoxFuture, Transport};
use futures::FutureExt as _;
use futures::future::Either;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument as _;

use crate::body_limit;
use crate::clock::Clock;
use crate::error::{Error, RateLimit};
use crate::retry::{self, RetryPolicy};
use crate::token::{AccessToken, TokenSource, same_token};

/// The state of one call made through [`ManagementClient::call`](crate::ManagementClient::call):
/// where the transport leaves what the generated client's error type cannot carry.
#[derive(Default)]
pub(crate) struct CallContext {
    /// A precise error (token failure, ...) that the generated layer only saw as a string.
    error: Mutex<Option<Error>>,
    /// The final response's status and rate-limit headers.
    last: Mutex<Option<LastResponse>>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct LastResponse {
    pub(crate) status: StatusCode,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) retry_after: Option<Duration>,
}

tokio::task_local! {
    static CALL: Arc<CallContext>;
}

impl CallContext {
    /// `fut`, run with `ctx` as the context of the call (read `ctx` after it finished).
    pub(crate) fn scope_with<F: Future>(
        ctx: Arc<CallContext>,
        fut: F,
    ) -> impl Future<Output = F::Output> {
        CALL.scope(ctx, fut)
    }

    pub(crate) fn take_error(&self) -> Option<Error> {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    pub(crate) fn last(&self) -> Option<LastResponse> {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn record_error(e: Error) {
    let _ = CALL.try_with(|c| {
        *c.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
    });
}

fn record_last(last: LastResponse) {
    let _ = CALL.try_with(|c| {
        *c.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(last);
    });
}

/// The [`Transport`] the ergonomic client installs in the generated one.
pub(crate) struct CoreTransport {
    pub(crate) token_source: Arc<dyn TokenSource>,
    /// Sent on every request unless the request already has the header.
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    /// Largest body a response may deliver (see [`crate::body_limit`]).
    pub(crate) max_response_bytes: u64,
}

impl fmt::Debug for CoreTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoreTransport")
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// `Bearer <token>` as a header value marked sensitive (hidden from `Debug`, never indexed by
/// HTTP/2 header compression). Made once per token, not once per call.
fn bearer(token: &AccessToken) -> Result<HeaderValue, Error> {
    token.bearer_header().ok_or_else(|| Error::Auth {
        status: None,
        error: None,
        error_description: Some(
            "the access token contains characters not allowed in an HTTP header".into(),
        ),
    })
}

/// The token a request carries, read back from its `Authorization` header.
fn token_of(request: &Request) -> Option<AccessToken> {
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(AccessToken::new)
}

impl CoreTransport {
    /// Adds the default headers and the `Authorization` header. (The timeout is set by
    /// [`send`](Self::send), on each attempt.)
    pub(crate) async fn authorize(&self, request: &mut Request) -> Result<(), Error> {
        // `|` in the path was already percent-encoded by the generated crate's hooks.
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        let token = self.token_source.token().await?;
        request.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
        Ok(())
    }

    /// Sends with retries and the timeout; on a 401, refreshes the token and sends once more.
    ///
    /// Combinators, not an `async fn`, for the reason given in [`ManagementClient::call`]: an
    /// `async` layer keeps its `request` argument in a slot of its own beside the future it
    /// hands the request to, and this future is boxed for every call.
    ///
    /// [`ManagementClient::call`]: crate::ManagementClient::call
    pub(crate) fn send<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
    ) -> impl Future<Output = (reqwest::Result<Response>, u32)> + Send + 'a {
        let idempotent = retry::is_idempotent(request.method());
        // A copy of what was sent, for the one re-send after a 401 (the retry loop makes it
        // anyway; it hands it back instead of this copying every request again).
        retry::send_keeping_copy(
            client,
            request,
            &self.retry,
            self.clock.as_ref(),
            idempotent,
            true,
            self.timeout,
        )
        .then(move |(result, stats, spare)| {
            let attempts = stats.attempts;
            match result {
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED => {
                    match spare.and_then(|again| token_of(&again).map(|rejected| (again, rejected)))
                    {
                        // Boxed: a rare path, which would otherwise make every call's future
                        // larger.
                        Some((again, rejected)) => Either::Right(Box::pin(async move {
                            let (r, more) = self
                                .after_unauthorized(client, resp, again, &rejected, idempotent)
                                .await;
                            (r, attempts + more)
                        })),
                        None => Either::Left(ready((Ok(resp), attempts))),
                    }
                }
                other => Either::Left(ready((other, attempts))),
            }
        })
        .map(move |(result, attempts)| (self.finish(result), attempts))
    }

    /// Records the final response for the caller and puts the body limit on it.
    fn finish(&self, result: reqwest::Result<Response>) -> reqwest::Result<Response> {
        if let Ok(resp) = &result {
            let status = resp.status();
            // Only an error status's rate-limit details are ever read (`error::convert`):
            // a success does not parse its headers for them.
            let (rate_limit, retry_after) = if status.is_success() {
                (None, None)
            } else {
                (
                    RateLimit::from_headers(resp.headers()),
                    retry::server_delay(resp.headers(), self.clock.system_now()),
                )
            };
            record_last(LastResponse {
                status,
                rate_limit,
                retry_after,
            });
        }
        // Every body the caller reads (the generated layer reads them whole) stops at the limit.
        result.map(|resp| body_limit::limit(resp, self.max_response_bytes))
    }

    /// After a 401 (`resp`) for `rejected`: with a new token, sends `again` once more; returns
    /// the response to use and the attempts made here.
    async fn after_unauthorized(
        &self,
        client: &reqwest::Client,
        resp: Response,
        mut again: Request,
        rejected: &AccessToken,
        idempotent: bool,
    ) -> (reqwest::Result<Response>, u32) {
        let Some(header) = self.fresh_token(rejected).await else {
            return (Ok(resp), 0);
        };
        tracing::debug!("401: retrying once with a new token");
        retry::drain(resp).await;
        again.headers_mut().insert(AUTHORIZATION, header);
        let (r, s) = retry::send(
            client,
            again,
            &self.retry,
            self.clock.as_ref(),
            idempotent,
            self.timeout,
        )
        .await;
        (r, s.attempts)
    }

    /// After a 401 for `rejected`: a header with a different token, or `None` (the source has
    /// nothing newer, or failed; its error is recorded for the caller).
    async fn fresh_token(&self, rejected: &AccessToken) -> Option<HeaderValue> {
        self.token_source.invalidate(rejected);
        match self.token_source.token().await {
            Ok(t) if !same_token(&t, rejected) => match bearer(&t) {
                Ok(h) => Some(h),
                Err(e) => {
                    record_error(e);
                    None
                }
            },
            Ok(_) => None,
            Err(e) => {
                record_error(e);
                None
            }
        }
    }
}

impl Transport for CoreTransport {
    fn prepare<'a>(
        &'a self,
        request: &'a mut Request,
        _operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.authorize(request).await.map_err(|e| {
                let msg = e.to_string();
                record_error(e);
                msg
            })
        })
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<Response>> {
        let span = tracing::debug_span!(
            "auth0_management.request",
            method = %request.method(),
            operation_id,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let handle = span.clone();
        let started = self.clock.now();
        // Combinators, not an `async` block that awaits `send`: the block would keep the
        // request in a slot of its own, and this box is allocated for every call.
        Box::pin(
            self.send(client, request)
                .map(move |(result, attempts)| {
                    handle.record("attempts", attempts);
                    handle.record(
                        "duration_ms",
                        u64::try_from(self.clock.now().duration_since(started).as_millis())
                            .unwrap_or(u64::MAX),
                    );
                    match &result {
                        Ok(resp) => {
                            handle.record("status", resp.status().as_u16());
                        }
                        Err(e) => tracing::debug!(error = %e, "request failed"),
                    }
                    result
                })
                .instrument(span),
        )
    }
}
