//! The response size limit: no response body, success or error, may make the client buffer more
//! than [`max_response_bytes`](crate::ManagementClientBuilder::max_response_bytes).
//!
//! The generated client reads every body whole (`ResponseValue::from_response` calls
//! `Response::bytes`), so the limit cannot be a check after the fact: the transport hands the
//! generated layer a response whose body stops at the limit.
//!
//! - A `Content-Length` within the limit: the response is passed through untouched (the HTTP
//!   layer never reads past a declared length), so the common case costs nothing.
//! - A `Content-Length` above the limit: the body is not read at all; reading it fails at once.
//! - No length (chunked, HTTP/2 without the header, read until close, decompressed): the body is
//!   counted as it streams and reading fails as soon as it passes the limit. The chunk that
//!   crosses the limit is dropped, so at most `limit` bytes are ever buffered.
//!
//! The failure is a [`TooLarge`] error inside the `reqwest::Error` that reading returns;
//! [`Error::from_reqwest`](crate::Error) finds it and reports
//! [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Body as _;
use reqwest::Response;

/// Default of [`ManagementClientBuilder::max_response_bytes`](crate::ManagementClientBuilder::max_response_bytes):
/// 16 MiB, far above any Management API page (100 users with full metadata is a few MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// The error a limited body fails with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) limit: u64,
    /// The declared `Content-Length`, when that is what exceeded the limit.
    pub(crate) content_length: Option<u64>,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response body exceeds the limit of {} bytes", self.limit)
    }
}

impl std::error::Error for TooLarge {}

/// Finds a [`TooLarge`] in the source chain of `e`.
pub(crate) fn too_large(e: &(dyn std::error::Error + 'static)) -> Option<TooLarge> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    // Bounded: error chains are short, and a cycle must not hang.
    for _ in 0..32 {
        let err = cur?;
        if let Some(t) = err.downcast_ref::<TooLarge>() {
            return Some(*t);
        }
        cur = err.source();
    }
    None
}

/// `resp`, with a body that cannot deliver more than `limit` bytes.
pub(crate) fn limit(resp: Response, limit: u64) -> Response {
    let declared = resp.content_length();
    if declared.is_some_and(|n| n <= limit) {
        return resp;
    }
    let http: http::Response<reqwest::Body> = resp.into();
    // reqwest does not carry the URL through this conversion; errors from this body name a
    // placeholder URL, which `Error::from_reqwest` removes.
    let (parts, body) = http.into_parts();
    let state = match declared {
        // Dropping the body here closes the connection instead of draining gigabytes.
        Some(n) => State::Fail(TooLarge {
            limit,
            content_length: Some(n),
        }),
        None => State::Reading {
            body,
            read: 0,
            limit,
        },
    };
    Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap_stream(Limited { state }),
    ))
}

enum State {
    Reading {
        body: reqwest::Body,
        read: u64,
        limit: u64,
    },
    Fail(TooLarge),
    Done,
}

struct Limited {
    state: State,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl futures::Stream for Limited {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Fail(e) => {
                    let e = *e;
                    this.state = State::Done;
                    return Poll::Ready(Some(Err(Box::new(e))));
                }
                State::Reading { body, read, limit } => {
                    let frame = match Pin::new(body).poll_frame(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(None) => {
                            this.state = State::Done;
                            return Poll::Ready(None);
                        }
                        Poll::Ready(Some(Err(e))) => {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(Box::new(e))));
                        }
                        Poll::Ready(Some(Ok(frame))) => frame,
                    };
                    // Trailers carry no body bytes.
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    *read = read.saturating_add(data.len() as u64);
                    if *read > *limit {
                        this.state = State::Fail(TooLarge {
                            limit: *limit,
                            content_length: None,
                        });
                        continue;
                    }
                    return Poll::Ready(Some(Ok(data)));
                }
            }
        }
    }
}
