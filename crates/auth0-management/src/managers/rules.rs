//! Rules: `/api/v2/rules`.
//!
//! [`RulesManager`] (from [`ManagementClient::rules`]) lists, reads, creates, updates and
//! deletes rules; the seed's `getRules`, `getRule`, `createRules`, `updateRule` and `deleteRule`
//! are also methods of [`ManagementClient`] itself.

use crate::api::types;
use crate::pagination::{IntoPage as _, Paginator, impl_into_page};
use crate::{Error, ManagementClient, path_id};

impl_into_page!(types::ListRulesResponseContent => types::Rule {
    ListRulesOffsetPaginatedResponseContent => offset rules,
});

/// Query parameters of `GET /rules` (all optional).
///
/// ```
/// use auth0_management::managers::rules::GetRulesParams;
///
/// let params = GetRulesParams::new().enabled(true).fields(["id", "name"]).include_fields(true);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetRulesParams {
    pub(crate) enabled: Option<bool>,
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
}

impl GetRulesParams {
    /// No filter: every rule, the server's default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only enabled (`true`) or only disabled (`false`) rules.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// The fields to include (or, with `include_fields(false)`, to leave out); sent
    /// comma-separated.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join(fields));
        self
    }

    /// Whether [`fields`](Self::fields) lists the fields to include (`true`, the server's
    /// default) or to exclude (`false`).
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }

    /// The first page to fetch, 0-based.
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Results per page (default 50; Auth0 allows at most 100).
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
}

/// Query parameters of `GET /rules/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetRuleParams {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl GetRuleParams {
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

const DEFAULT_PER_PAGE: u64 = 50;

fn join<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    fields
        .into_iter()
        .map(|f| f.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

/// Rules: list, read, create, update, delete. Obtained with [`ManagementClient::rules`].
#[derive(Debug, Clone)]
pub struct RulesManager {
    client: ManagementClient,
}

impl RulesManager {
    /// `GET /rules`, page by page (offset paging with totals; see [`Paginator`]).
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::rules::GetRulesParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut rules = client.rules().get_all(GetRulesParams::new().enabled(true)).items();
    /// while let Some(rule) = rules.try_next().await? {
    ///     println!("{:?}", rule.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetRulesParams) -> Paginator<types::Rule> {
        let client = self.client.clone();
        let start = params.page.unwrap_or(0);
        let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
        Paginator::offset(start, per_page, move |req| {
            let client = client.clone();
            let params = params.clone();
            async move {
                let api = client.api();
                client
                    .call(
                        api.get_rules(
                            params.enabled,
                            params.fields.as_deref(),
                            params.include_fields,
                            req.include_totals()
                                .map(|t| params.include_totals.unwrap_or(t)),
                            req.page(),
                            req.per_page(),
                        ),
                    )
                    .await
                    .map(|r| r.into_page())
            }
        })
    }

    /// `GET /rules/{id}`.
    pub async fn get(&self, id: &str) -> Result<types::Rule, Error> {
        self.get_with(id, &GetRuleParams::default()).await
    }

    /// `GET /rules/{id}` with a field selection.
    pub async fn get_with(&self, id: &str, params: &GetRuleParams) -> Result<types::Rule, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(
            c.api()
                .get_rules_by_id(id, params.fields.as_deref(), params.include_fields),
        )
        .await
    }

    /// `POST /rules`: creates a rule and returns it.
    pub async fn create(
        &self,
        data: &types::CreateRuleRequestContent,
    ) -> Result<types::Rule, Error> {
        let c = &self.client;
        c.call(c.api().post_rules(data)).await
    }

    /// `PATCH /rules/{id}`: changes the fields set in `data`; returns the updated rule.
    pub async fn update(
        &self,
        id: &str,
        data: &types::UpdateRuleRequestContent,
    ) -> Result<types::Rule, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().patch_rules_by_id(id, data)).await
    }

    /// `DELETE /rules/{id}`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_rules_by_id(id)).await
    }
}

impl ManagementClient {
    /// Lists rules (seed: `getRules()`); see [`RulesManager::get_all`].
    ///
    /// ```no_run
    /// use auth0_management::managers::rules::GetRulesParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let rules = client.get_rules(GetRulesParams::new()).collect_all().await?;
    /// println!("{}", rules.len());
    /// # Ok(()) }
    /// ```
    pub fn get_rules(&self, params: GetRulesParams) -> Paginator<types::Rule> {
        self.rules().get_all(params)
    }

    /// The rules endpoints (`/api/v2/rules`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let rule = client.rules().get("rul_123").await?;
    /// # let _ = rule; Ok(()) }
    /// ```
    pub fn rules(&self) -> RulesManager {
        RulesManager {
            client: self.clone(),
        }
    }

    /// Reads one rule (seed: `getRule({ id })`). Refuses an empty id with
    /// [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let rule = client.get_rule("rul_123").await?;
    /// println!("{:?}", rule.name);
    /// # Ok(()) }
    /// ```
    pub async fn get_rule(&self, id: &str) -> Result<types::Rule, Error> {
        self.rules().get(id).await
    }

    /// Creates a rule (seed: `createRules(data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_management::api::types::CreateRuleRequestContent;
    ///
    /// let rule = client
    ///     .create_rule(&CreateRuleRequestContent {
    ///         name: "add-country".parse()?,
    ///         script: "function (user, context, callback) { callback(null, user, context); }".parse()?,
    ///         enabled: Some(true),
    ///         order: None,
    ///     })
    ///     .await?;
    /// # let _ = rule; Ok(()) }
    /// ```
    pub async fn create_rule(
        &self,
        data: &types::CreateRuleRequestContent,
    ) -> Result<types::Rule, Error> {
        self.rules().create(data).await
    }

    /// Updates a rule (seed: `updateRule({ id }, data)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// use auth0_management::api::types::UpdateRuleRequestContent;
    ///
    /// let data = UpdateRuleRequestContent { enabled: Some(false), ..Default::default() };
    /// let rule = client.update_rule("rul_123", &data).await?;
    /// # let _ = rule; Ok(()) }
    /// ```
    pub async fn update_rule(
        &self,
        id: &str,
        data: &types::UpdateRuleRequestContent,
    ) -> Result<types::Rule, Error> {
        self.rules().update(id, data).await
    }

    /// Deletes a rule (seed: `deleteRule({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_rule("rul_123").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_rule(&self, id: &str) -> Result<(), Error> {
        self.rules().delete(id).await
    }
}
