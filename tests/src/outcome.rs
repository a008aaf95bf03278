//! What one generated call ended with, in a form the contract tests can compare.

use auth0_management_api::{ByteStream, Error, ResponseValue, types};
use futures::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The end of one call.
#[derive(Debug)]
pub enum Outcome {
    /// A documented success status; `body` is the decoded value serialized again (`null` for
    /// empty responses), `raw` the bytes of a streamed body.
    Success {
        status: u16,
        body: Value,
        raw: Option<Vec<u8>>,
    },
    /// A documented error status whose body decoded as `ApiError`.
    ErrorResponse { status: u16, error: types::ApiError },
    /// The body of a documented status did not decode into the generated type.
    Decode { body: String, error: String },
    /// A status the spec does not document for this operation.
    UnexpectedStatus { status: u16 },
    /// The request could not be built or sent, or another client error.
    Client(String),
    /// The JSON arguments did not deserialize into the method's parameter types, or (for the
    /// ergonomic methods) the method refused them before sending (`Error::InvalidInput`).
    BadArguments(String),
    /// `call` knows no operation by that name.
    UnknownOperation,
}

/// `args[key]` (`null` when absent) as the parameter's Rust type.
pub fn arg<T: DeserializeOwned>(args: &Value, key: &str) -> Result<T, String> {
    let value = args.get(key).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| format!("argument {key}: {e}"))
}

fn failure(e: Error<types::ApiError>) -> Outcome {
    match e {
        Error::ErrorResponse(rv) => Outcome::ErrorResponse {
            status: rv.status().as_u16(),
            error: rv.into_inner(),
        },
        Error::InvalidResponsePayload(bytes, e) => Outcome::Decode {
            body: String::from_utf8_lossy(&bytes).into_owned(),
            error: e.to_string(),
        },
        Error::UnexpectedResponse(r) => Outcome::UnexpectedStatus {
            status: r.status().as_u16(),
        },
        other => Outcome::Client(other.to_string()),
    }
}

/// The outcome of a call whose success body is JSON (or empty: `()`).
pub async fn finish<T: Serialize>(r: Result<ResponseValue<T>, Error<types::ApiError>>) -> Outcome {
    match r {
        Ok(rv) => {
            let status = rv.status().as_u16();
            match serde_json::to_value(rv.into_inner()) {
                Ok(body) => Outcome::Success {
                    status,
                    body,
                    raw: None,
                },
                Err(e) => Outcome::Client(format!("decoded value does not serialize: {e}")),
            }
        }
        Err(e) => failure(e),
    }
}

/// The outcome of a call whose success body is a byte stream (server-sent events): read whole.
pub async fn finish_stream(
    r: Result<ResponseValue<ByteStream>, Error<types::ApiError>>,
) -> Outcome {
    match r {
        Ok(rv) => {
            let status = rv.status().as_u16();
            let stream = rv.into_inner();
            let read = stream
                .into_inner()
                .try_fold(Vec::new(), |mut all, chunk| async move {
                    all.extend_from_slice(&chunk);
                    Ok(all)
                })
                .await;
            match read {
                Ok(bytes) => Outcome::Success {
                    status,
                    body: Value::Null,
                    raw: Some(bytes),
                },
                Err(e) => Outcome::Client(format!("reading the stream: {e}")),
            }
        }
        Err(e) => failure(e),
    }
}
