//! Tenant settings: `/api/v2/tenants/settings`.
//!
//! [`TenantManager`] (from [`ManagementClient::tenant`]) reads and updates the settings; the
//! seed's `getTenantSettings` and `updateTenantSettings` are also methods of
//! [`ManagementClient`].

use crate::api::types;
use crate::{Error, ManagementClient};

/// Query parameters of `GET /tenants/settings`.
///
/// ```
/// use auth0_management::managers::tenant::GetTenantSettingsParams;
///
/// let params = GetTenantSettingsParams::new().fields(["friendly_name", "support_email"]);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetTenantSettingsParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetTenantSettingsParams {
    /// Every field.
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
        self.fields = Some(
            fields
                .into_iter()
                .map(|f| f.as_ref().to_owned())
                .collect::<Vec<_>>()
                .join(","),
        );
        self
    }

    /// Whether [`fields`](Self::fields) are included (`true`, the default) or excluded.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }
}

/// Tenant settings. Obtained with [`ManagementClient::tenant`].
#[derive(Debug, Clone)]
pub struct TenantManager {
    client: ManagementClient,
}

impl TenantManager {
    /// `GET /tenants/settings`.
    pub async fn get_settings(
        &self,
        params: &GetTenantSettingsParams,
    ) -> Result<types::GetTenantSettingsResponseContent, Error> {
        let c = &self.client;
        c.call(
            c.api()
                .tenant_settings_route(params.fields.as_deref(), params.include_fields),
        )
        .await
    }

    /// `PATCH /tenants/settings`: changes the settings set in `data`; returns all settings.
    pub async fn update_settings(
        &self,
        data: &types::UpdateTenantSettingsRequestContent,
    ) -> Result<types::GetTenantSettingsResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().patch_settings(data)).await
    }
}

impl ManagementClient {
    /// The tenant settings endpoints (`/api/v2/tenants/settings`).
    ///
    /// ```no_run
    /// use auth0_management::managers::tenant::GetTenantSettingsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let settings = client
    ///     .tenant()
    ///     .get_settings(&GetTenantSettingsParams::new().fields(["friendly_name"]))
    ///     .await?;
    /// # let _ = settings; Ok(()) }
    /// ```
    pub fn tenant(&self) -> TenantManager {
        TenantManager {
            client: self.clone(),
        }
    }

    /// Reads the tenant settings (seed: `getTenantSettings()`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let settings = client.get_tenant_settings().await?;
    /// println!("{:?}", settings.friendly_name);
    /// # Ok(()) }
    /// ```
    pub async fn get_tenant_settings(
        &self,
    ) -> Result<types::GetTenantSettingsResponseContent, Error> {
        self.tenant()
            .get_settings(&GetTenantSettingsParams::default())
            .await
    }

    /// Updates the tenant settings (seed: `updateTenantSettings(data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// use auth0_management::api::types::UpdateTenantSettingsRequestContent;
    ///
    /// let data = UpdateTenantSettingsRequestContent {
    ///     support_email: Some("support@example.com".into()),
    ///     ..Default::default()
    /// };
    /// let settings = client.update_tenant_settings(&data).await?;
    /// # let _ = settings; Ok(()) }
    /// ```
    pub async fn update_tenant_settings(
        &self,
        data: &types::UpdateTenantSettingsRequestContent,
    ) -> Result<types::GetTenantSettingsResponseContent, Error> {
        self.tenant().update_settings(data).await
    }
}
