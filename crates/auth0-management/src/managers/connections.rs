//! Connections: `/api/v2/connections`.
//!
//! [`ConnectionsManager`] (from [`ManagementClient::connections`]) lists, reads, creates,
//! updates and deletes connections; the seed's `getConnections`, `getConnection`,
//! `createConnection`, `updateConnection` and `deleteConnection` are also methods of
//! [`ManagementClient`].

use crate::api::types;
use crate::pagination::{IntoPage as _, Page, PageRequest, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::ListConnectionsResponseContent => types::ConnectionForList {
    ListConnectionsOffsetPaginatedResponseContent => offset connections,
    ListConnectionsCheckpointPaginatedResponseContent => checkpoint connections,
});

const DEFAULT_PAGE_SIZE: u64 = 50;

/// Query parameters of `GET /connections` (all optional).
///
/// ```
/// use auth0_management::api::types::ConnectionStrategyEnum;
/// use auth0_management::managers::connections::GetConnectionsParams;
///
/// let params = GetConnectionsParams::new()
///     .strategy([ConnectionStrategyEnum::Auth0, ConnectionStrategyEnum::GoogleOauth2])
///     .fields(["id", "name", "strategy"]);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetConnectionsParams {
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) page: Option<u64>,
    pub(crate) from: Option<String>,
    pub(crate) take: Option<u64>,
    pub(crate) strategy: Option<Vec<types::ConnectionStrategyEnum>>,
    pub(crate) name: Option<String>,
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetConnectionsParams {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
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

    /// The first page to fetch, 0-based (offset paging).
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
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

    /// Only connections of these strategies (sent as repeated `strategy` parameters).
    pub fn strategy<I>(mut self, strategies: I) -> Self
    where
        I: IntoIterator<Item = types::ConnectionStrategyEnum>,
    {
        self.strategy = Some(strategies.into_iter().collect());
        self
    }

    /// Only the connection with this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
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
}

/// Query parameters of `GET /connections/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetConnectionParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetConnectionParams {
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

/// One page of `GET /connections`.
async fn list_page(
    client: &ManagementClient,
    params: &GetConnectionsParams,
    req: PageRequest,
) -> Result<Page<types::ConnectionForList>, Error> {
    let api = client.api();
    client
        .call(api.get_connections(
            params.fields.as_deref(),
            req.from(),
            params.include_fields,
            req.include_totals_or(params.include_totals),
            params.name.as_deref(),
            req.page(),
            req.per_page_nonzero(),
            params.strategy.as_ref(),
            req.take_nonzero(),
        ))
        .await
        .map(|r| r.into_page())
}

/// Connections. Obtained with [`ManagementClient::connections`].
#[derive(Debug, Clone)]
pub struct ConnectionsManager {
    client: ManagementClient,
}

impl ConnectionsManager {
    /// `GET /connections`, page by page.
    ///
    /// Offset paging with totals by default (at most 1000 connections that way; past that the
    /// listing fails with [`Error::PaginationLimit`]). Setting
    /// [`from`](GetConnectionsParams::from) or [`take`](GetConnectionsParams::take) selects
    /// checkpoint paging, which has no such limit.
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::connections::GetConnectionsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut pages = client.connections().get_all(GetConnectionsParams::new().take(50)).pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} connections", page.items.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetConnectionsParams) -> Paginator<types::ConnectionForList> {
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

    /// `GET /connections/{id}`.
    pub async fn get(&self, id: &str) -> Result<types::GetConnectionResponseContent, Error> {
        self.get_with(id, &GetConnectionParams::default()).await
    }

    /// `GET /connections/{id}` with a field selection.
    pub async fn get_with(
        &self,
        id: &str,
        params: &GetConnectionParams,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(
            c.api()
                .get_connections_by_id(id, params.fields.as_deref(), params.include_fields),
        )
        .await
    }

    /// `POST /connections`: creates a connection and returns it.
    pub async fn create(
        &self,
        data: &types::CreateConnectionRequestContent,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().post_connections(data)).await
    }

    /// `PATCH /connections/{id}`: changes the fields set in `data`. Note that Auth0 replaces
    /// `options` as a whole: send every option you want to keep.
    pub async fn update(
        &self,
        id: &str,
        data: &types::UpdateConnectionRequestContent,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().patch_connections_by_id(id, data)).await
    }

    /// `DELETE /connections/{id}`. Auth0 may answer 202 (deletion continues in the background)
    /// or 204; both are `Ok(())`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_connections_by_id(id)).await
    }
}

impl ManagementClient {
    /// Lists connections (seed: `getConnections(data)`); see [`ConnectionsManager::get_all`].
    ///
    /// ```no_run
    /// use auth0_management::api::types::ConnectionStrategyEnum;
    /// use auth0_management::managers::connections::GetConnectionsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let params = GetConnectionsParams::new().strategy([ConnectionStrategyEnum::Auth0]);
    /// let connections = client.get_connections(params).collect_all().await?;
    /// println!("{}", connections.len());
    /// # Ok(()) }
    /// ```
    pub fn get_connections(
        &self,
        params: GetConnectionsParams,
    ) -> Paginator<types::ConnectionForList> {
        self.connections().get_all(params)
    }

    /// The connections endpoints (`/api/v2/connections`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let conn = client.connections().get("con_123").await?;
    /// # let _ = conn; Ok(()) }
    /// ```
    pub fn connections(&self) -> ConnectionsManager {
        ConnectionsManager {
            client: self.clone(),
        }
    }

    /// Reads one connection (seed: `getConnection({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let conn = client.get_connection("con_123").await?;
    /// println!("{:?} {:?}", conn.name, conn.strategy);
    /// # Ok(()) }
    /// ```
    pub async fn get_connection(
        &self,
        id: &str,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        self.connections().get(id).await
    }

    /// Creates a connection (seed: `createConnection(data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::{CreateConnectionRequestContent, IdentityProviderEnum};
    ///
    /// let data = CreateConnectionRequestContent {
    ///     name: "my-database".parse()?,
    ///     strategy: IdentityProviderEnum::Auth0,
    ///     enabled_clients: vec!["abc123".into()],
    ///     authentication: None,
    ///     connected_accounts: None,
    ///     cross_app_access_requesting_app: None,
    ///     display_name: None,
    ///     is_domain_connection: None,
    ///     metadata: None,
    ///     options: None,
    ///     realms: Vec::new(),
    ///     show_as_button: None,
    /// };
    /// let conn = client.create_connection(&data).await?;
    /// # let _ = conn; Ok(()) }
    /// ```
    pub async fn create_connection(
        &self,
        data: &types::CreateConnectionRequestContent,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        self.connections().create(data).await
    }

    /// Updates a connection (seed: `updateConnection({ id }, data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// use auth0_management::api::types::UpdateConnectionRequestContent;
    ///
    /// let data = UpdateConnectionRequestContent { show_as_button: Some(true), ..Default::default() };
    /// let conn = client.update_connection("con_123", &data).await?;
    /// # let _ = conn; Ok(()) }
    /// ```
    pub async fn update_connection(
        &self,
        id: &str,
        data: &types::UpdateConnectionRequestContent,
    ) -> Result<types::GetConnectionResponseContent, Error> {
        self.connections().update(id, data).await
    }

    /// Deletes a connection (seed: `deleteConnection({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_connection("con_123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_connection(&self, id: &str) -> Result<(), Error> {
        self.connections().delete(id).await
    }
}
