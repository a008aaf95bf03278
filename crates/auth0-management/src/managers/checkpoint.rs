//! Checkpoint pages of endpoints whose generated list response loses the cursor.
//!
//! `GET /clients`, `/connections` and `/client-grants` answer checkpoint requests
//! (`from`/`take`) with `{ <items>, next }`. The generated response is an untagged enum that
//! tries the offset object (all fields optional, unknown fields ignored) before the checkpoint
//! one, so `next` would be dropped and a listing would silently stop after one page. These
//! requests are therefore sent here and decoded straight into the checkpoint type, through the
//! same hooks (token, retry, telemetry, tracing) and the same error conversion as every
//! generated call.

use progenitor_client::{ClientHooks as _, ClientInfo as _, OperationInfo, ResponseValue};
use serde::de::DeserializeOwned;

use crate::api::types;
use crate::{Error, ManagementClient};

/// `GET {base}{path}?{query}`, decoded as `T` on 200.
pub(crate) async fn get_json<T: DeserializeOwned>(
    client: &ManagementClient,
    operation_id: &'static str,
    path: &str,
    query: &[(&'static str, String)],
) -> Result<T, Error> {
    let api = client.api();
    let request = async {
        let url = format!("{}{}", api.baseurl(), path);
        let mut request = api
            .client()
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .query(query)
            .build()?;
        let info = OperationInfo { operation_id };
        api.pre::<types::ApiError>(&mut request, &info).await?;
        let result = api.exec(request, &info).await;
        api.post::<types::ApiError>(&result, &info).await?;
        let response = result?;
        if response.status().as_u16() == 200 {
            ResponseValue::<T>::from_response::<types::ApiError>(response).await
        } else {
            // Read and converted (status, Auth0 error body, rate limit) by `call`.
            Err(progenitor_client::Error::UnexpectedResponse(response))
        }
    };
    client.call(request).await
}

/// Appends `(name, value)` when `value` is set.
pub(crate) fn push<V: ToString>(
    query: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<V>,
) {
    if let Some(v) = value {
        query.push((name, v.to_string()));
    }
}
