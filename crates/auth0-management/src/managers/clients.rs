//! Applications (clients): `/api/v2/clients`.
//!
//! [`ClientsManager`] (from [`ManagementClient::clients`]) lists, reads, creates, updates,
//! deletes clients and rotates their secrets; the seed's `getClients`, `getClient`,
//! `createClient`, `updateClient` and `deleteClient` are also methods of [`ManagementClient`].

use crate::api::types;
use crate::pagination::{IntoPage as _, Page, PageRequest, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::GetClientsResponse => types::Client {
    ListClientsOffsetPaginatedResponseContent => offset clients,
    ListClientsPaginatedResponseContent => checkpoint clients,
});

const DEFAULT_PAGE_SIZE: u64 = 50;

/// Query parameters of `GET /clients` (all optional).
///
/// ```
/// use auth0_management::managers::clients::GetClientsParams;
///
/// let params = GetClientsParams::new()
///     .fields(["client_id", "name"])
///     .include_fields(true)
///     .app_type(["spa", "regular_web"])
///     .is_first_party(true);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClientsParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) from: Option<String>,
    pub(crate) take: Option<u64>,
    pub(crate) is_global: Option<bool>,
    pub(crate) is_first_party: Option<bool>,
    pub(crate) app_type: Option<String>,
    pub(crate) external_client_id: Option<String>,
    pub(crate) q: Option<String>,
}

impl GetClientsParams {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields to include (or exclude, see [`include_fields`](Self::include_fields)); sent
    /// comma-separated.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join(fields));
        self
    }

    /// Whether [`fields`](Self::fields) are included (`true`, the default) or excluded.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }

    /// The first page to fetch, 0-based (offset paging).
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Results per page (offset paging; default 50, at most 100).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Whether to ask for totals in offset paging (default `true`: the paginator uses the
    /// total to know when to stop). With `false`, it stops at the first short page instead.
    pub fn include_totals(mut self, include: bool) -> Self {
        self.include_totals = Some(include);
        self
    }

    /// Checkpoint paging: start at this cursor (the `next` of an earlier page). Setting
    /// `from` or [`take`](Self::take) switches the listing to checkpoint paging.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// Checkpoint paging: results per page (default 50). Setting it switches the listing to
    /// checkpoint paging.
    pub fn take(mut self, take: u64) -> Self {
        self.take = Some(take);
        self
    }

    /// Only global clients (`true`) or only non-global ones (`false`).
    pub fn is_global(mut self, is_global: bool) -> Self {
        self.is_global = Some(is_global);
        self
    }

    /// Only first-party clients (`true`) or only third-party ones (`false`).
    pub fn is_first_party(mut self, is_first_party: bool) -> Self {
        self.is_first_party = Some(is_first_party);
        self
    }

    /// Only these application types (`spa`, `native`, `non_interactive`, `regular_web`, ...);
    /// sent comma-separated.
    pub fn app_type<I, S>(mut self, app_types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.app_type = Some(join(app_types));
        self
    }

    /// Only the client with this external client id (1 to 120 characters).
    pub fn external_client_id(mut self, id: impl Into<String>) -> Self {
        self.external_client_id = Some(id.into());
        self
    }

    /// A search query (`q`), in the syntax the endpoint accepts.
    pub fn q(mut self, q: impl Into<String>) -> Self {
        self.q = Some(q.into());
        self
    }
}

/// Query parameters of `GET /clients/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClientParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetClientParams {
    /// Every field.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields to include (or exclude, see [`include_fields`](Self::include_fields)).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join(fields));
        self
    }

    /// Whether [`fields`](Self::fields) are included (`true`) or excluded (`false`).
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }
}

fn join<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items
        .into_iter()
        .map(|f| f.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

/// One page of `GET /clients`.
async fn list_page(
    client: &ManagementClient,
    params: &GetClientsParams,
    req: PageRequest,
) -> Result<Page<types::Client>, Error> {
    let external_client_id = params
        .external_client_id
        .as_deref()
        .map(|id| {
            id.parse::<types::GetClientsExternalClientId>()
                .map_err(|e| Error::InvalidInput(format!("external_client_id: {e}")))
        })
        .transpose()?;
    let api = client.api();
    client
        .call(api.get_clients(
            params.app_type.as_deref(),
            external_client_id.as_ref(),
            params.fields.as_deref(),
            req.from(),
            params.include_fields,
            req.include_totals_or(params.include_totals),
            params.is_first_party,
            params.is_global,
            req.page(),
            req.per_page(),
            params.q.as_deref(),
            req.take_nonzero(),
        ))
        .await
        .map(|r| r.into_page())
}

/// Clients (applications). Obtained with [`ManagementClient::clients`].
#[derive(Debug, Clone)]
pub struct ClientsManager {
    client: ManagementClient,
}

impl ClientsManager {
    /// `GET /clients`, page by page.
    ///
    /// Offset paging with totals by default (Auth0 serves at most 1000 clients that way; past
    /// that the listing fails with [`Error::PaginationLimit`]). Setting
    /// [`from`](GetClientsParams::from) or [`take`](GetClientsParams::take) selects
    /// checkpoint paging, which has no such limit.
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::clients::GetClientsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut apps = client
    ///     .clients()
    ///     .get_all(GetClientsParams::new().take(100).fields(["client_id", "name"]))
    ///     .items();
    /// while let Some(app) = apps.try_next().await? {
    ///     println!("{:?} {:?}", app.client_id, app.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetClientsParams) -> Paginator<types::Client> {
        let client = self.client.clone();
        let first = PageRequest::first(
            params.page,
            params.per_page,
            params.from.clone(),
            params.take,
            DEFAULT_PAGE_SIZE,
        );
        Paginator::new(first, move |req| {
            let client = client.clone();
            let params = params.clone();
            async move { list_page(&client, &params, req).await }
        })
    }

    /// `GET /clients/{id}`.
    pub async fn get(&self, client_id: &str) -> Result<types::Client, Error> {
        self.get_with(client_id, &GetClientParams::default()).await
    }

    /// `GET /clients/{id}` with a field selection.
    pub async fn get_with(
        &self,
        client_id: &str,
        params: &GetClientParams,
    ) -> Result<types::Client, Error> {
        let id = path_id("client_id", client_id)?;
        let c = &self.client;
        c.call(
            c.api()
                .get_clients_by_id(id, params.fields.as_deref(), params.include_fields),
        )
        .await
    }

    /// `POST /clients`: creates a client and returns it (with its secret, if it has one).
    pub async fn create(
        &self,
        data: &types::CreateClientRequestContent,
    ) -> Result<types::Client, Error> {
        let c = &self.client;
        c.call(c.api().post_clients(data)).await
    }

    /// `PATCH /clients/{id}`: changes the fields set in `data`; returns the updated client.
    pub async fn update(
        &self,
        client_id: &str,
        data: &types::UpdateClientRequestContent,
    ) -> Result<types::Client, Error> {
        let id = path_id("client_id", client_id)?;
        let c = &self.client;
        c.call(c.api().patch_clients_by_id(id, data)).await
    }

    /// `DELETE /clients/{id}`.
    pub async fn delete(&self, client_id: &str) -> Result<(), Error> {
        let id = path_id("client_id", client_id)?;
        let c = &self.client;
        c.call(c.api().delete_clients_by_id(id)).await
    }

    /// `POST /clients/{id}/rotate-secret`: issues a new client secret; returns the client with
    /// it.
    pub async fn rotate_secret(&self, client_id: &str) -> Result<types::Client, Error> {
        let id = path_id("client_id", client_id)?;
        let c = &self.client;
        c.call(c.api().post_rotate_secret(id)).await
    }
}

impl ManagementClient {
    /// Lists clients (seed: `getClients()`); see [`ClientsManager::get_all`].
    ///
    /// ```no_run
    /// use auth0_management::managers::clients::GetClientsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let apps = client.get_clients(GetClientsParams::new().app_type(["spa"])).collect_all().await?;
    /// println!("{}", apps.len());
    /// # Ok(()) }
    /// ```
    pub fn get_clients(&self, params: GetClientsParams) -> Paginator<types::Client> {
        self.clients().get_all(params)
    }

    /// The clients (applications) endpoints (`/api/v2/clients`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let app = client.clients().rotate_secret("abc123").await?;
    /// # let _ = app; Ok(()) }
    /// ```
    pub fn clients(&self) -> ClientsManager {
        ClientsManager {
            client: self.clone(),
        }
    }

    /// Reads one client (seed: `getClient({ client_id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let app = client.get_client("abc123").await?;
    /// println!("{:?}", app.name);
    /// # Ok(()) }
    /// ```
    pub async fn get_client(&self, client_id: &str) -> Result<types::Client, Error> {
        self.clients().get(client_id).await
    }

    /// Creates a client (seed: `createClient(data)`).
    ///
    /// The body has many optional fields; with the `deserialize-requests` feature it can also
    /// be read from JSON (`serde_json::from_value`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient, data: auth0_management::api::types::CreateClientRequestContent) -> Result<(), auth0_management::Error> {
    /// let app = client.create_client(&data).await?;
    /// println!("{:?}", app.client_id);
    /// # Ok(()) }
    /// ```
    pub async fn create_client(
        &self,
        data: &types::CreateClientRequestContent,
    ) -> Result<types::Client, Error> {
        self.clients().create(data).await
    }

    /// Updates a client (seed: `updateClient({ client_id }, data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::UpdateClientRequestContent;
    ///
    /// let data = UpdateClientRequestContent { name: Some("newClientName".parse()?), ..Default::default() };
    /// let app = client.update_client("abc123", &data).await?;
    /// # let _ = app; Ok(()) }
    /// ```
    pub async fn update_client(
        &self,
        client_id: &str,
        data: &types::UpdateClientRequestContent,
    ) -> Result<types::Client, Error> {
        self.clients().update(client_id, data).await
    }

    /// Deletes a client (seed: `deleteClient({ client_id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_client("abc123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_client(&self, client_id: &str) -> Result<(), Error> {
        self.clients().delete(client_id).await
    }
}
