//! Resource servers (APIs): `/api/v2/resource-servers`.
//!
//! [`ResourceServersManager`] (from [`ManagementClient::resource_servers`]) lists, reads,
//! creates, updates and deletes APIs; the seed's `getResourceServers`, `getResourceServer`,
//! `createResourceServer`, `updateResourceServer` and `deleteResourceServer` are also methods
//! of [`ManagementClient`].

use std::num::NonZeroU64;

use crate::api::types;
use crate::pagination::{IntoPage as _, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::ListResourceServerResponseContent => types::ResourceServer {
    ListResourceServerOffsetPaginatedResponseContent => offset resource_servers,
});

/// Query parameters of `GET /resource-servers` (all optional).
///
/// ```
/// use auth0_management::managers::resource_servers::GetResourceServersParams;
///
/// let params = GetResourceServersParams::new()
///     .identifiers(["https://api.example.com/", "urn:billing"])
///     .per_page(100);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetResourceServersParams {
    pub(crate) identifiers: Option<Vec<String>>,
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) include_fields: Option<bool>,
}

impl GetResourceServersParams {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the APIs with these identifiers (audiences); sent as repeated `identifiers`
    /// parameters.
    pub fn identifiers<I, S>(mut self, identifiers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.identifiers = Some(identifiers.into_iter().map(Into::into).collect());
        self
    }

    /// The first page to fetch, 0-based.
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Results per page (default 50, at most 100).
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

    /// The endpoint's `include_fields` flag.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }
}

/// Resource servers (APIs). Obtained with [`ManagementClient::resource_servers`].
#[derive(Debug, Clone)]
pub struct ResourceServersManager {
    client: ManagementClient,
}

impl ResourceServersManager {
    /// `GET /resource-servers`, page by page (offset paging with totals; see [`Paginator`]).
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::resource_servers::GetResourceServersParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut apis = client.resource_servers().get_all(GetResourceServersParams::new()).items();
    /// while let Some(api) = apis.try_next().await? {
    ///     println!("{:?}", api.identifier);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetResourceServersParams) -> Paginator<types::ResourceServer> {
        let client = self.client.clone();
        let start = params.page.unwrap_or(0);
        let per_page = params.per_page.unwrap_or(50);
        Paginator::offset(start, per_page, move |req| {
            let client = client.clone();
            let params = params.clone();
            async move {
                let identifiers = params
                    .identifiers
                    .as_ref()
                    .map(|ids| {
                        ids.iter()
                            .map(|id| {
                                id.parse::<types::GetResourceServersIdentifiersItem>()
                                    .map_err(|e| Error::InvalidInput(format!("identifiers: {e}")))
                            })
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .transpose()?;
                let api = client.api();
                client
                    .call(
                        api.get_resource_servers(
                            identifiers.as_ref(),
                            params.include_fields,
                            req.include_totals()
                                .map(|t| params.include_totals.unwrap_or(t)),
                            req.page(),
                            req.per_page()
                                .and_then(|n| u64::try_from(n).ok())
                                .and_then(NonZeroU64::new),
                        ),
                    )
                    .await
                    .map(|r| r.into_page())
            }
        })
    }

    /// `GET /resource-servers/{id}` (the id or the identifier, URL-encoded).
    pub async fn get(&self, id: &str) -> Result<types::ResourceServer, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_resource_servers_by_id(id, None)).await
    }

    /// `GET /resource-servers/{id}` with the endpoint's `include_fields` flag.
    pub async fn get_with(
        &self,
        id: &str,
        include_fields: bool,
    ) -> Result<types::ResourceServer, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_resource_servers_by_id(id, Some(include_fields)))
            .await
    }

    /// `POST /resource-servers`: creates an API and returns it.
    pub async fn create(
        &self,
        data: &types::CreateResourceServerRequestContent,
    ) -> Result<types::ResourceServer, Error> {
        let c = &self.client;
        c.call(c.api().post_resource_servers(data)).await
    }

    /// `PATCH /resource-servers/{id}`: changes the fields set in `data`; returns the API.
    pub async fn update(
        &self,
        id: &str,
        data: &types::UpdateResourceServerRequestContent,
    ) -> Result<types::ResourceServer, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().patch_resource_servers_by_id(id, data)).await
    }

    /// `DELETE /resource-servers/{id}`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_resource_servers_by_id(id)).await
    }
}

impl ManagementClient {
    /// The resource servers (APIs) endpoints (`/api/v2/resource-servers`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let api = client.resource_servers().get("5f1e...").await?;
    /// # let _ = api; Ok(()) }
    /// ```
    pub fn resource_servers(&self) -> ResourceServersManager {
        ResourceServersManager {
            client: self.clone(),
        }
    }

    /// Lists resource servers (seed: `getResourceServers(data)`); see
    /// [`ResourceServersManager::get_all`].
    ///
    /// ```no_run
    /// use auth0_management::managers::resource_servers::GetResourceServersParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let apis = client.get_resource_servers(GetResourceServersParams::new()).collect_all().await?;
    /// println!("{}", apis.len());
    /// # Ok(()) }
    /// ```
    pub fn get_resource_servers(
        &self,
        params: GetResourceServersParams,
    ) -> Paginator<types::ResourceServer> {
        self.resource_servers().get_all(params)
    }

    /// Reads one resource server (seed: `getResourceServer({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let api = client.get_resource_server("5f1e...").await?;
    /// println!("{:?}", api.identifier);
    /// # Ok(()) }
    /// ```
    pub async fn get_resource_server(&self, id: &str) -> Result<types::ResourceServer, Error> {
        self.resource_servers().get(id).await
    }

    /// Creates a resource server (seed: `createResourceServer(data)`).
    ///
    /// The body has many optional fields; with the `deserialize-requests` feature it can also
    /// be read from JSON (`serde_json::from_value`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient, data: auth0_management::api::types::CreateResourceServerRequestContent) -> Result<(), auth0_management::Error> {
    /// let api = client.create_resource_server(&data).await?;
    /// println!("{:?}", api.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_resource_server(
        &self,
        data: &types::CreateResourceServerRequestContent,
    ) -> Result<types::ResourceServer, Error> {
        self.resource_servers().create(data).await
    }

    /// Updates a resource server (seed: `updateResourceServer({ id }, data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::UpdateResourceServerRequestContent;
    ///
    /// let data = UpdateResourceServerRequestContent {
    ///     name: Some("newResourceServerName".parse()?),
    ///     ..Default::default()
    /// };
    /// let api = client.update_resource_server("5f1e...", &data).await?;
    /// # let _ = api; Ok(()) }
    /// ```
    pub async fn update_resource_server(
        &self,
        id: &str,
        data: &types::UpdateResourceServerRequestContent,
    ) -> Result<types::ResourceServer, Error> {
        self.resource_servers().update(id, data).await
    }

    /// Deletes a resource server (seed: `deleteResourceServer({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_resource_server("5f1e...").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_resource_server(&self, id: &str) -> Result<(), Error> {
        self.resource_servers().delete(id).await
    }
}
