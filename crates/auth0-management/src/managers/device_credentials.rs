//! Device credentials: `/api/v2/device-credentials`.
//!
//! [`DeviceCredentialsManager`] (from [`ManagementClient::device_credentials`]) lists device
//! credentials (refresh tokens, public keys, rotating refresh tokens), creates public-key
//! credentials and deletes credentials; the seed's `getDeviceCredentials`,
//! `createDevicePublicKey` and `deleteDeviceCredential` are also methods of
//! [`ManagementClient`].

use std::num::NonZeroU64;

use crate::api::types;
use crate::pagination::{IntoPage as _, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::ListDeviceCredentialsResponseContent => types::DeviceCredential {
    ListDeviceCredentialsOffsetPaginatedResponseContent => offset device_credentials,
});

/// Query parameters of `GET /device-credentials` (all optional).
///
/// ```
/// use auth0_management::managers::device_credentials::GetDeviceCredentialsParams;
///
/// let params = GetDeviceCredentialsParams::new()
///     .user_id("auth0|abc")
///     .credential_type("refresh_token");
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetDeviceCredentialsParams {
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
    pub(crate) user_id: Option<String>,
    pub(crate) client_id: Option<String>,
    /// Sent as `type`.
    #[cfg_attr(feature = "json-schema", schemars(rename = "type"))]
    pub(crate) credential_type: Option<String>,
}

impl GetDeviceCredentialsParams {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
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

    /// Only credentials of this user.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Only credentials issued to this client.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Only credentials of this type (the `type` parameter: `public_key`, `refresh_token` or
    /// `rotating_refresh_token`).
    pub fn credential_type(mut self, credential_type: impl Into<String>) -> Self {
        self.credential_type = Some(credential_type.into());
        self
    }
}

/// Device credentials. Obtained with [`ManagementClient::device_credentials`].
#[derive(Debug, Clone)]
pub struct DeviceCredentialsManager {
    client: ManagementClient,
}

impl DeviceCredentialsManager {
    /// `GET /device-credentials`, page by page (offset paging with totals; see
    /// [`Paginator`]).
    ///
    /// ```no_run
    /// use auth0_management::managers::device_credentials::GetDeviceCredentialsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let first = client
    ///     .device_credentials()
    ///     .get_all(GetDeviceCredentialsParams::new().user_id("auth0|abc"))
    ///     .first_page()
    ///     .await?;
    /// println!("{:?} in total", first.total);
    /// # Ok(()) }
    /// ```
    pub fn get_all(
        &self,
        params: GetDeviceCredentialsParams,
    ) -> Paginator<types::DeviceCredential> {
        let client = self.client.clone();
        let start = params.page.unwrap_or(0);
        let per_page = params.per_page.unwrap_or(50);
        Paginator::offset(start, per_page, move |req| {
            let client = client.clone();
            let params = params.clone();
            async move {
                let api = client.api();
                client
                    .call(
                        api.get_device_credentials(
                            params.client_id.as_deref(),
                            params.fields.as_deref(),
                            params.include_fields,
                            req.include_totals()
                                .map(|t| params.include_totals.unwrap_or(t)),
                            req.page(),
                            req.per_page()
                                .and_then(|n| u64::try_from(n).ok())
                                .and_then(NonZeroU64::new),
                            params.credential_type.as_deref(),
                            params.user_id.as_deref(),
                        ),
                    )
                    .await
                    .map(|r| r.into_page())
            }
        })
    }

    /// `POST /device-credentials`: registers a public key for a device; returns its id.
    pub async fn create_public_key(
        &self,
        data: &types::CreatePublicKeyDeviceCredentialRequestContent,
    ) -> Result<types::CreatePublicKeyDeviceCredentialResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().post_device_credentials(data)).await
    }

    /// `DELETE /device-credentials/{id}`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_device_credentials_by_id(id)).await
    }
}

impl ManagementClient {
    /// The device credentials endpoints (`/api/v2/device-credentials`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.device_credentials().delete("dcr_123").await?;
    /// # Ok(()) }
    /// ```
    pub fn device_credentials(&self) -> DeviceCredentialsManager {
        DeviceCredentialsManager {
            client: self.clone(),
        }
    }

    /// Lists device credentials (seed: `getDeviceCredentials()`); see
    /// [`DeviceCredentialsManager::get_all`].
    ///
    /// ```no_run
    /// use auth0_management::managers::device_credentials::GetDeviceCredentialsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let all = client
    ///     .get_device_credentials(GetDeviceCredentialsParams::new().user_id("auth0|abc"))
    ///     .collect_all()
    ///     .await?;
    /// println!("{}", all.len());
    /// # Ok(()) }
    /// ```
    pub fn get_device_credentials(
        &self,
        params: GetDeviceCredentialsParams,
    ) -> Paginator<types::DeviceCredential> {
        self.device_credentials().get_all(params)
    }

    /// Registers a device public key (seed: `createDevicePublicKey(data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::{
    ///     CreatePublicKeyDeviceCredentialRequestContent, PublicKeyCredentialTypeEnum,
    /// };
    ///
    /// let data = CreatePublicKeyDeviceCredentialRequestContent {
    ///     device_name: "Phone".parse()?,
    ///     device_id: "0a1b2c3d".parse()?,
    ///     type_: PublicKeyCredentialTypeEnum::PublicKey,
    ///     value: "-----BEGIN PUBLIC KEY-----...".parse()?,
    ///     client_id: None,
    /// };
    /// let created = client.create_device_public_key(&data).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_device_public_key(
        &self,
        data: &types::CreatePublicKeyDeviceCredentialRequestContent,
    ) -> Result<types::CreatePublicKeyDeviceCredentialResponseContent, Error> {
        self.device_credentials().create_public_key(data).await
    }

    /// Deletes a device credential (seed: `deleteDeviceCredential({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_device_credential("dcr_123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_device_credential(&self, id: &str) -> Result<(), Error> {
        self.device_credentials().delete(id).await
    }
}
