//! The email provider: `/api/v2/emails/provider`.
//!
//! A tenant has at most one email provider. [`EmailProviderManager`] (from
//! [`ManagementClient::email_provider`]) reads, configures, updates and deletes it; the seed's
//! `getEmailProvider`, `configureEmailProvider`, `updateEmailProvider` and
//! `deleteEmailProvider` are also methods of [`ManagementClient`].

use crate::api::types;
use crate::{Error, ManagementClient};

/// Query parameters of `GET /emails/provider`.
///
/// ```
/// use auth0_management::managers::email_provider::GetEmailProviderParams;
///
/// let params = GetEmailProviderParams::new().fields(["name", "enabled"]).include_fields(true);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetEmailProviderParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetEmailProviderParams {
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

/// The email provider. Obtained with [`ManagementClient::email_provider`].
#[derive(Debug, Clone)]
pub struct EmailProviderManager {
    client: ManagementClient,
}

impl EmailProviderManager {
    /// `GET /emails/provider`.
    pub async fn get(
        &self,
        params: &GetEmailProviderParams,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        let c = &self.client;
        c.call(
            c.api()
                .get_provider(params.fields.as_deref(), params.include_fields),
        )
        .await
    }

    /// `POST /emails/provider`: configures the provider (when none is configured yet).
    pub async fn configure(
        &self,
        data: &types::CreateEmailProviderRequestContent,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().post_provider(data)).await
    }

    /// `PATCH /emails/provider`: changes the fields set in `data`.
    pub async fn update(
        &self,
        data: &types::UpdateEmailProviderRequestContent,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().patch_provider(data)).await
    }

    /// `DELETE /emails/provider`.
    pub async fn delete(&self) -> Result<(), Error> {
        let c = &self.client;
        c.call(c.api().delete_provider()).await
    }
}

impl ManagementClient {
    /// The email provider endpoints (`/api/v2/emails/provider`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.email_provider().delete().await?;
    /// # Ok(()) }
    /// ```
    pub fn email_provider(&self) -> EmailProviderManager {
        EmailProviderManager {
            client: self.clone(),
        }
    }

    /// Reads the email provider (seed: `getEmailProvider()`). Use
    /// [`EmailProviderManager::get`] to select fields.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let provider = client.get_email_provider().await?;
    /// println!("{:?} enabled={:?}", provider.name, provider.enabled);
    /// # Ok(()) }
    /// ```
    pub async fn get_email_provider(
        &self,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        self.email_provider()
            .get(&GetEmailProviderParams::default())
            .await
    }

    /// Configures the email provider (seed: `configureEmailProvider(data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::{
    ///     CreateEmailProviderRequestContent, EmailProviderCredentialsSchema,
    ///     EmailProviderCredentialsSchemaSubtype0, EmailProviderNameEnum,
    /// };
    ///
    /// let data = CreateEmailProviderRequestContent {
    ///     name: EmailProviderNameEnum::Sendgrid,
    ///     enabled: Some(true),
    ///     default_from_address: Some("no-reply@example.com".into()),
    ///     credentials: EmailProviderCredentialsSchema {
    ///         subtype_0: Some(EmailProviderCredentialsSchemaSubtype0 { api_key: "SG.xxxx".parse()? }),
    ///         ..Default::default()
    ///     },
    ///     settings: Default::default(),
    /// };
    /// let provider = client.configure_email_provider(&data).await?;
    /// # let _ = provider; Ok(()) }
    /// ```
    pub async fn configure_email_provider(
        &self,
        data: &types::CreateEmailProviderRequestContent,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        self.email_provider().configure(data).await
    }

    /// Updates the email provider (seed: `updateEmailProvider(params, data)`; the seed's
    /// `params` carried nothing the endpoint reads, so only `data` remains).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// use auth0_management::api::types::UpdateEmailProviderRequestContent;
    ///
    /// let data = UpdateEmailProviderRequestContent { enabled: Some(false), ..Default::default() };
    /// let provider = client.update_email_provider(&data).await?;
    /// # let _ = provider; Ok(()) }
    /// ```
    pub async fn update_email_provider(
        &self,
        data: &types::UpdateEmailProviderRequestContent,
    ) -> Result<types::GetEmailProviderResponseContent, Error> {
        self.email_provider().update(data).await
    }

    /// Deletes the email provider (seed: `deleteEmailProvider()`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_email_provider().await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_email_provider(&self) -> Result<(), Error> {
        self.email_provider().delete().await
    }
}
