//! Arbitrary bytes as the body of a successful response: the first byte picks the response type,
//! the rest is the body. Decoding may fail; it must not panic, and a failure must map to a
//! bounded `Error::Decode`.
#![no_main]

use auth0_management::Error;
use auth0_management::api::types;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned + Serialize>(body: &[u8]) {
    match serde_json::from_slice::<T>(body) {
        Ok(value) => {
            // What decoded serializes back, and decodes again.
            let again = serde_json::to_vec(&value).expect("serializes");
            let _ = serde_json::from_slice::<T>(&again).expect("round-trips");
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
            let _ = (err.to_string(), format!("{err:?}"));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 12 {
        0 => decode::<types::UserResponseSchema>(body),
        1 => decode::<types::ListUsersResponseContent>(body),
        2 => decode::<types::Client>(body),
        3 => decode::<types::GetClientsResponse>(body),
        4 => decode::<types::GetConnectionResponseContent>(body),
        5 => decode::<types::ListConnectionsResponseContent>(body),
        6 => decode::<types::Log>(body),
        7 => decode::<types::ListLogResponseContent>(body),
        8 => decode::<types::Rule>(body),
        9 => decode::<types::ListRulesResponseContent>(body),
        10 => decode::<types::ConnectionForList>(body),
        _ => decode::<types::ApiError>(body),
    }
});
