//! Arbitrary bytes as an error response: two bytes choose the status (400-599), one the
//! rate-limit headers, the rest is the body. Whatever the body, the SDK's error mapping returns
//! an error with that status (or a bounded `Decode` error), never panics, and never quotes more
//! than a bounded snippet.
#![no_main]

use auth0_management::Error;
use auth0_management::api::types;
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 400 + u16::from_le_bytes([data[0], data[1]]) % 200;
    let status = reqwest::StatusCode::from_u16(status).unwrap();
    let flags = data[2];
    let body = &data[3..];
    let mut headers = HeaderMap::new();
    let text = String::from_utf8_lossy(body);
    let value = text.split(['\r', '\n']).next().unwrap_or_default();
    for (bit, name) in [
        (1, "retry-after"),
        (2, "x-ratelimit-limit"),
        (4, "x-ratelimit-remaining"),
        (8, "x-ratelimit-reset"),
    ] {
        if flags & bit != 0
            && let Ok(v) = HeaderValue::from_str(value)
        {
            headers.insert(name, v);
        }
    }
    let err = match serde_json::from_slice::<types::ApiError>(body) {
        Ok(parsed) => {
            let err = Error::from(progenitor_client::Error::ErrorResponse(
                progenitor_client::ResponseValue::new(parsed, status, headers),
            ));
            assert_eq!(err.status(), Some(status.as_u16()));
            err
        }
        Err(e) => {
            let err = Error::from(
                progenitor_client::Error::<types::ApiError>::InvalidResponsePayload(
                    bytes::Bytes::copy_from_slice(body),
                    e,
                ),
            );
            match &err {
                Error::Decode { snippet, .. } => assert!(snippet.chars().count() <= 202),
                other => panic!("{other:?}"),
            }
            err
        }
    };
    let _ = (err.to_string(), format!("{err:?}"), err.rate_limit(), err.error_code());
});
