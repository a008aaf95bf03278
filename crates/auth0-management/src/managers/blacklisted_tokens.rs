//! Blacklisted tokens: `/api/v2/blacklists/tokens`.
//!
//! [`BlacklistedTokensManager`] (from [`ManagementClient::blacklisted_tokens`]) lists the
//! revoked token ids (`jti`) and revokes more; the seed's `getBlacklistedTokens` and
//! `blacklistToken` are also methods of [`ManagementClient`].

use crate::api::types;
use crate::{Error, ManagementClient};

/// Query parameters of `GET /blacklists/tokens`.
///
/// ```
/// use auth0_management::managers::blacklisted_tokens::GetBlacklistedTokensParams;
///
/// let params = GetBlacklistedTokensParams::new().aud("my-client-id");
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetBlacklistedTokensParams {
    pub(crate) aud: Option<String>,
}

impl GetBlacklistedTokensParams {
    /// Every blacklisted token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only tokens issued for this audience (a client id).
    pub fn aud(mut self, aud: impl Into<String>) -> Self {
        self.aud = Some(aud.into());
        self
    }
}

/// Blacklisted tokens. Obtained with [`ManagementClient::blacklisted_tokens`].
#[derive(Debug, Clone)]
pub struct BlacklistedTokensManager {
    client: ManagementClient,
}

impl BlacklistedTokensManager {
    /// `GET /blacklists/tokens` (the endpoint does not page).
    pub async fn get_all(
        &self,
        params: &GetBlacklistedTokensParams,
    ) -> Result<Vec<types::BlacklistedToken>, Error> {
        let c = &self.client;
        c.call(c.api().get_tokens(params.aud.as_deref())).await
    }

    /// `POST /blacklists/tokens`: blacklists the token with this `jti` (and `aud`).
    pub async fn add(&self, token: &types::BlacklistTokenRequestContent) -> Result<(), Error> {
        let c = &self.client;
        c.call(c.api().post_tokens(token)).await
    }
}

impl ManagementClient {
    /// The blacklisted tokens endpoints (`/api/v2/blacklists/tokens`).
    ///
    /// ```no_run
    /// use auth0_management::managers::blacklisted_tokens::GetBlacklistedTokensParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let tokens = client
    ///     .blacklisted_tokens()
    ///     .get_all(&GetBlacklistedTokensParams::new().aud("my-client-id"))
    ///     .await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn blacklisted_tokens(&self) -> BlacklistedTokensManager {
        BlacklistedTokensManager {
            client: self.clone(),
        }
    }

    /// Lists every blacklisted token (seed: `getBlacklistedTokens()`). Use
    /// [`BlacklistedTokensManager::get_all`] to filter by audience.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let tokens = client.get_blacklisted_tokens().await?;
    /// println!("{}", tokens.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_blacklisted_tokens(&self) -> Result<Vec<types::BlacklistedToken>, Error> {
        self.blacklisted_tokens()
            .get_all(&GetBlacklistedTokensParams::default())
            .await
    }

    /// Blacklists a token (seed: `blacklistToken({ aud, jti })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::BlacklistTokenRequestContent;
    ///
    /// let token = BlacklistTokenRequestContent { aud: Some("aud".parse()?), jti: "jti".parse()? };
    /// client.blacklist_token(&token).await?;
    /// # Ok(()) }
    /// ```
    pub async fn blacklist_token(
        &self,
        token: &types::BlacklistTokenRequestContent,
    ) -> Result<(), Error> {
        self.blacklisted_tokens().add(token).await
    }
}
