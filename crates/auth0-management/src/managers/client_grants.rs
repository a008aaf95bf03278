//! Client grants: `/api/v2/client-grants`.
//!
//! [`ClientGrantsManager`] (from [`ManagementClient::client_grants`]) lists, reads, creates,
//! updates and deletes the grants that let a client call an API with some scopes. The seed has
//! no client-level shortcut for these; they live on the manager only.

use crate::api::types;
use crate::pagination::{IntoPage as _, Page, PageRequest, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::ListClientGrantResponseContent => types::ClientGrantResponseContent {
    ListClientGrantOffsetPaginatedResponseContent => offset client_grants,
    ListClientGrantPaginatedResponseContent => checkpoint client_grants,
});

const DEFAULT_PAGE_SIZE: u64 = 50;

/// One page of `GET /client-grants`.
async fn list_page(
    client: &ManagementClient,
    params: &GetClientGrantsParams,
    req: PageRequest,
) -> Result<Page<types::ClientGrantResponseContent>, Error> {
    let allow_any_organization = params
        .allow_any_organization
        .map(types::NetworkAclActionLogEnum);
    let api = client.api();
    client
        .call(api.get_client_grants(
            allow_any_organization.as_ref(),
            params.audience.as_deref(),
            params.client_id.as_deref(),
            params.default_for,
            req.from(),
            req.include_totals_or(params.include_totals),
            req.page(),
            req.per_page_nonzero(),
            params.subject_type.as_deref(),
            req.take_nonzero(),
        ))
        .await
        .map(|r| r.into_page())
}

/// Query parameters of `GET /client-grants` (all optional).
///
/// ```
/// use auth0_management::managers::client_grants::GetClientGrantsParams;
///
/// let params = GetClientGrantsParams::new()
///     .audience("https://api.example.com/")
///     .client_id("abc123");
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClientGrantsParams {
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) page: Option<u64>,
    pub(crate) from: Option<String>,
    pub(crate) take: Option<u64>,
    pub(crate) audience: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) allow_any_organization: Option<bool>,
    pub(crate) subject_type: Option<String>,
    pub(crate) default_for: Option<types::ClientGrantDefaultForEnum>,
}

impl GetClientGrantsParams {
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

    /// Only grants for this API identifier (audience).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Only grants of this client.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Only grants that do (`true`) or do not (`false`) allow any organization.
    pub fn allow_any_organization(mut self, allow: bool) -> Self {
        self.allow_any_organization = Some(allow);
        self
    }

    /// Only grants of this subject type (`client` or `user`).
    pub fn subject_type(mut self, subject_type: impl Into<String>) -> Self {
        self.subject_type = Some(subject_type.into());
        self
    }

    /// Only the default grants for this kind of client.
    pub fn default_for(mut self, default_for: types::ClientGrantDefaultForEnum) -> Self {
        self.default_for = Some(default_for);
        self
    }
}

/// Client grants. Obtained with [`ManagementClient::client_grants`].
#[derive(Debug, Clone)]
pub struct ClientGrantsManager {
    client: ManagementClient,
}

impl ClientGrantsManager {
    /// `GET /client-grants`, page by page.
    ///
    /// Offset paging with totals by default (at most 1000 grants that way; past that the
    /// listing fails with [`Error::PaginationLimit`]). Setting
    /// [`from`](GetClientGrantsParams::from) or [`take`](GetClientGrantsParams::take) selects
    /// checkpoint paging, which has no such limit.
    ///
    /// ```no_run
    /// use auth0_management::managers::client_grants::GetClientGrantsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let grants = client
    ///     .client_grants()
    ///     .get_all(GetClientGrantsParams::new().client_id("abc123"))
    ///     .collect_all()
    ///     .await?;
    /// # let _ = grants; Ok(()) }
    /// ```
    pub fn get_all(
        &self,
        params: GetClientGrantsParams,
    ) -> Paginator<types::ClientGrantResponseContent> {
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

    /// `GET /client-grants/{id}`.
    pub async fn get(&self, id: &str) -> Result<types::ClientGrantResponseContent, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_client_grant(id)).await
    }

    /// `POST /client-grants`: creates a grant and returns it.
    pub async fn create(
        &self,
        data: &types::CreateClientGrantRequestContent,
    ) -> Result<types::ClientGrantResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().post_client_grants(data)).await
    }

    /// `PATCH /client-grants/{id}`: changes the fields set in `data`; returns the updated grant.
    pub async fn update(
        &self,
        id: &str,
        data: &types::UpdateClientGrantRequestContent,
    ) -> Result<types::ClientGrantResponseContent, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().patch_client_grants_by_id(id, data)).await
    }

    /// `DELETE /client-grants/{id}`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_client_grants_by_id(id)).await
    }
}

impl ManagementClient {
    /// The client grants endpoints (`/api/v2/client-grants`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.client_grants().delete("cgr_123").await?;
    /// # Ok(()) }
    /// ```
    pub fn client_grants(&self) -> ClientGrantsManager {
        ClientGrantsManager {
            client: self.clone(),
        }
    }
}
