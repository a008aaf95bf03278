//! Requests the generated client has no method for (a multipart upload, an operation the spec
//! no longer lists, a status the generated decoder cannot read), sent through the same hooks as
//! every generated call (token, default headers, retry policy, 401 refresh, tracing) and
//! converted to [`Error`] the same way.

use progenitor_client::{ClientHooks as _, ClientInfo as _, OperationInfo, ResponseValue};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;

use crate::api::types;
use crate::error::snippet;
use crate::{Error, ManagementClient};

/// One hand-built request.
pub(crate) struct RawRequest {
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    /// Segments of the path under the API base; each is percent-encoded here.
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Content type and body.
    pub(crate) body: Option<(HeaderValue, Vec<u8>)>,
}

impl RawRequest {
    pub(crate) fn new(operation_id: &'static str, method: Method, segments: &[&str]) -> Self {
        Self {
            operation_id,
            method,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
        }
    }
}

/// A successful response: status and body.
pub(crate) struct RawResponse {
    #[allow(dead_code)] // Not every area reads it.
    pub(crate) status: u16,
    pub(crate) body: bytes::Bytes,
}

impl RawResponse {
    /// Decodes the body as JSON, with the crate's [`Error::Decode`] on failure.
    #[allow(dead_code)] // Not every area decodes JSON.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            message: e.to_string(),
            snippet: snippet(
                &self.body,
                crate::error::offset_of(&self.body, e.line(), e.column()),
            ),
        })
    }
}

/// Sends `req`; a 2xx answer is returned, anything else becomes an [`Error`] (read and
/// converted like the generated calls' errors).
pub(crate) async fn send(client: &ManagementClient, req: RawRequest) -> Result<RawResponse, Error> {
    let api = client.api();
    let request = async {
        let mut url = api.baseurl().trim_end_matches('/').to_owned();
        for s in &req.segments {
            url.push('/');
            url.push_str(&auth0_management_api::hooks::encode_path(s));
        }
        let mut builder = api
            .client()
            .request(req.method.clone(), url)
            .header(ACCEPT, "application/json");
        if !req.query.is_empty() {
            builder = builder.query(&req.query);
        }
        if let Some((content_type, body)) = &req.body {
            builder = builder
                .header(CONTENT_TYPE, content_type.clone())
                .body(body.clone());
        }
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: req.operation_id,
        };
        api.pre::<types::ApiError>(&mut request, &info).await?;
        let result = api.exec(request, &info).await;
        api.post::<types::ApiError>(&result, &info).await?;
        let response = result?;
        let status = response.status();
        if status.is_success() {
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(progenitor_client::Error::ResponseBodyError)?;
            Ok(ResponseValue::new(body, status, headers))
        } else {
            // Read and converted (status, Auth0 error body, rate limit) by `call`.
            Err(progenitor_client::Error::<types::ApiError>::UnexpectedResponse(response))
        }
    };
    let rv = client.call_response(request).await?;
    Ok(RawResponse {
        status: rv.status().as_u16(),
        body: rv.into_inner(),
    })
}
