//! [`ManagementClient`], the entry point.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::TryFutureExt as _;
use progenitor_client::ResponseValue;
use serde::Serialize;

use crate::builder::ManagementClientBuilder;
use crate::error::{Error, convert};
use crate::telemetry::ClientInfo;
use crate::token::AccessToken;
use crate::transport::{CallContext, CoreTransport};

/// A client for the Auth0 Management API v2.
///
/// Cheap to clone: clones share the connection pool and the token cache. `Send + Sync`, so one
/// client can serve a whole application.
///
/// ```no_run
/// use auth0_management::ManagementClient;
///
/// # async fn demo() -> Result<(), auth0_management::Error> {
/// let client = ManagementClient::builder()
///     .domain("example.eu.auth0.com")
///     .client_credentials("client-id", "client-secret")
///     .build()?;
///
/// // Any generated operation, with this crate's errors:
/// let api = client.api();
/// let rules = client
///     .call(api.get_rules(None, None, None, None, Some(0), Some(50)))
///     .await?;
/// # let _ = rules;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagementClient {
    shared: Arc<ClientShared>,
}

pub(crate) struct ClientShared {
    pub(crate) api: auth0_management_api::Client,
    pub(crate) transport: Arc<CoreTransport>,
    /// `host[:port]` of the tenant.
    pub(crate) domain: String,
    pub(crate) api_base: String,
    pub(crate) client_info: Option<ClientInfo>,
}

impl fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementClient")
            .field("domain", &self.shared.domain)
            .field("api_base", &self.shared.api_base)
            .field("transport", &self.shared.transport)
            .field("telemetry", &self.shared.client_info.is_some())
            .finish_non_exhaustive()
    }
}

impl ManagementClient {
    /// Starts configuring a client.
    pub fn builder() -> ManagementClientBuilder {
        ManagementClientBuilder::new()
    }

    /// A client configured from the environment: `AUTH0_DOMAIN` and either `AUTH0_TOKEN` or
    /// `AUTH0_CLIENT_ID` + `AUTH0_CLIENT_SECRET` (optionally `AUTH0_AUDIENCE`, `AUTH0_SCOPE`).
    /// Setting both a token and client credentials is refused with [`Error::Config`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), auth0_management::Error> {
    /// let client = auth0_management::ManagementClient::from_env()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        ManagementClientBuilder::new().with_env().build()
    }

    #[cfg(test)]
    pub(crate) fn shared(&self) -> &ClientShared {
        &self.shared
    }

    pub(crate) fn from_shared(shared: ClientShared) -> Self {
        Self {
            shared: Arc::new(shared),
        }
    }

    /// The generated low-level client, for operations this crate has no wrapper for. Its calls
    /// go through the same token source, retry policy and headers; wrap them in
    /// [`call`](Self::call) to get this crate's [`Error`].
    pub fn api(&self) -> &auth0_management_api::Client {
        &self.shared.api
    }

    /// What the `Auth0-Client` telemetry header carries, or `None` when telemetry is off.
    pub fn client_info(&self) -> Option<&ClientInfo> {
        self.shared.client_info.as_ref()
    }

    /// The tenant's `host[:port]`.
    pub fn domain(&self) -> &str {
        &self.shared.domain
    }

    /// The API base URL (`https://{domain}/api/v2`, or the override).
    pub fn api_base_url(&self) -> &str {
        &self.shared.api_base
    }

    /// A token as the client would send it now (from the cache when fresh).
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        self.shared.transport.token_source.token().await
    }

    /// Awaits a generated call and returns its body, converting failures to [`Error`] with the
    /// details the generated layer cannot carry (token errors, rate-limit headers, the status
    /// of an error body that was not JSON).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let id = auth0_management::path_id("id", "auth0|abc123")?;
    /// let user = client.call(client.api().get_users_by_id(id, None, None)).await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub fn call<T, E, F>(&self, request: F) -> impl Future<Output = Result<T, Error>> + use<T, E, F>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
        E: Serialize,
    {
        self.call_response(request)
            .map_ok(ResponseValue::into_inner)
    }

    /// Like [`call`](Self::call), keeping the status and headers of the response.
    pub fn call_response<T, E, F>(
        &self,
        request: F,
    ) -> impl Future<Output = Result<ResponseValue<T>, Error>> + use<T, E, F>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
        E: Serialize,
    {
        // Combinators, not `async` blocks: a generated call's future is large (over 1.5 KB),
        // and an `async` layer that takes it by value and awaits it holds it twice, so each
        // layer would double the size of the whole call (and of every copy made when it
        // moves). Here the request is held once, inside the task-local scope. `or_else` hands
        // a success straight through (the decoded body is not parked in another future first).
        let ctx = Arc::new(CallContext::default());
        CallContext::scope_with(ctx.clone(), request).or_else(move |e| {
            // The error path is rare and its future is not small: boxed.
            Box::pin(async move { Err(convert(e, Some(&ctx)).await) })
        })
    }
}
