//! Users: `/api/v2/users`, `/api/v2/users-by-email` and the per-user sub-resources
//! (identities, multifactor, enrollments, logs).
//!
//! [`UsersManager`] (from [`ManagementClient::users`]) has every operation; the seed's
//! `getUsers`, `getUser`, `createUser`, `updateUser`, `deleteUser`, `getUsersByEmail`,
//! `linkUsers`, `unlinkUsers`, `updateUserMetadata`, `updateAppMetadata`,
//! `deleteUserMultifactor`, `getGuardianEnrollments`, `getUserLogs` and `deleteAllUsers` are also
//! methods of [`ManagementClient`] itself.
//!
//! `users` and `users-by-email` are separate cargo features (as in the API): with only
//! `users-by-email`, the manager has just [`UsersManager::get_by_email`].

use crate::api::types;
#[cfg(feature = "users")]
use crate::pagination::{IntoPage as _, Paginator, impl_into_page};
#[cfg(feature = "users")]
use crate::path_id;
use crate::{Error, ManagementClient};

/// A user, as the API returns it.
pub type User = types::UserResponseSchema;

#[cfg(feature = "users")]
impl_into_page!(types::ListUsersResponseContent => types::UserResponseSchema {
    ListUsersOffsetPaginatedResponseContent => offset users,
});

/// Page size used when the params set none (Auth0's own default is 50; its maximum is 100).
pub const DEFAULT_PER_PAGE: u64 = 50;

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

/// Query parameters of `GET /users` (all optional): the seed's `getUsers(params)` and every
/// parameter of the API.
///
/// ```
/// # #[cfg(feature = "users")] {
/// use auth0_management::api::types::SearchEngineVersionsEnum;
/// use auth0_management::managers::users::GetUsersParams;
///
/// let params = GetUsersParams::new()
///     .q("email:\"jane@example.com\"")
///     .search_engine(SearchEngineVersionsEnum::V3)
///     .sort("created_at:1")
///     .fields(["user_id", "email"])
///     .per_page(100);
/// # let _ = params;
/// # }
/// ```
#[cfg(feature = "users")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetUsersParams {
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) sort: Option<String>,
    pub(crate) connection: Option<String>,
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
    pub(crate) q: Option<String>,
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub(crate) search_engine: Option<types::SearchEngineVersionsEnum>,
    pub(crate) primary_order: Option<bool>,
}

#[cfg(feature = "users")]
impl GetUsersParams {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first page to fetch (0-based; default 0).
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Users per page (Auth0 allows up to 100; default [`DEFAULT_PER_PAGE`]).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Whether to ask for totals (default `true`: the paginator uses the total to know when
    /// to stop). With `false`, it stops at the first short page instead.
    pub fn include_totals(mut self, include: bool) -> Self {
        self.include_totals = Some(include);
        self
    }

    /// Sort order, `field:1` (ascending) or `field:-1` (descending), e.g. `created_at:1`.
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// Only users of this connection (name).
    pub fn connection(mut self, connection: impl Into<String>) -> Self {
        self.connection = Some(connection.into());
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

    /// Whether [`fields`](Self::fields) lists fields to include (`true`) or to exclude.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }

    /// A Lucene-syntax query (`q`), e.g. `email:"jane@example.com"`.
    pub fn q(mut self, q: impl Into<String>) -> Self {
        self.q = Some(q.into());
        self
    }

    /// The search engine version (`v3` is the current one).
    pub fn search_engine(mut self, engine: types::SearchEngineVersionsEnum) -> Self {
        self.search_engine = Some(engine);
        self
    }

    /// `primary_order`: whether results follow the primary (`true`) or the replica database
    /// order (see Auth0's docs).
    pub fn primary_order(mut self, primary_order: bool) -> Self {
        self.primary_order = Some(primary_order);
        self
    }
}

/// Field selection for reading one user (`GET /users/{id}`) or users by email.
///
/// ```
/// use auth0_management::managers::users::UserFields;
///
/// let fields = UserFields::new().fields(["user_id", "email"]).include_fields(true);
/// # let _ = fields;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct UserFields {
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
}

impl UserFields {
    /// Every field.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields to include (or to exclude, with `include_fields(false)`).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join(fields));
        self
    }

    /// Whether [`fields`](Self::fields) lists fields to include (`true`) or to exclude.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }
}

/// Query parameters of `GET /users/{id}/logs` (the seed's `getUserLogs(params)`).
///
/// ```
/// # #[cfg(feature = "users")] {
/// use auth0_management::managers::users::GetUserLogsParams;
///
/// let params = GetUserLogsParams::new().page(0).per_page(50).sort("date:-1");
/// # let _ = params;
/// # }
/// ```
#[cfg(feature = "users")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetUserLogsParams {
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) sort: Option<String>,
    pub(crate) include_totals: Option<bool>,
}

#[cfg(feature = "users")]
impl GetUserLogsParams {
    /// Defaults: from page 0, [`DEFAULT_PER_PAGE`] a page, the server's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first page (0-based).
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Events per page (1 to 100).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Sort order, e.g. `date:-1`.
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// Whether to ask for totals (default `true`, see [`GetUsersParams::include_totals`]).
    pub fn include_totals(mut self, include: bool) -> Self {
        self.include_totals = Some(include);
        self
    }
}

/// A builder for the body of `POST /users` ([`types::CreateUserRequestContent`], whose
/// length-checked string fields are awkward to fill by hand). [`build`](Self::build) checks
/// the values against the API's constraints and reports the first bad field with
/// [`Error::InvalidInput`].
///
/// ```
/// # #[cfg(feature = "users")] {
/// use auth0_management::managers::users::NewUser;
///
/// let data = NewUser::new("Username-Password-Authentication")
///     .email("jane@example.com")
///     .password("correct horse battery staple")
///     .user_metadata(serde_json::json!({"theme": "dark"}))
///     .build()
///     .unwrap();
/// assert_eq!(data.email.as_deref(), Some("jane@example.com"));
/// # }
/// ```
#[cfg(feature = "users")]
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    connection: String,
    strings: Vec<(&'static str, String)>,
    flags: Vec<(&'static str, bool)>,
    user_metadata: Option<serde_json::Value>,
    app_metadata: Option<serde_json::Value>,
}

#[cfg(feature = "users")]
macro_rules! new_user_setters {
    ($($(#[$doc:meta])* $name:ident: $kind:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: new_user_setters!(@ty $kind)) -> Self {
                new_user_setters!(@push self, $kind, $name, value);
                self
            }
        )*

        /// The body fields the setters fill, with their JSON types (for the JSON schema).
        #[cfg(feature = "json-schema")]
        const SETTERS: &'static [(&'static str, &'static str)] = &[
            $((stringify!($name), new_user_setters!(@json $kind))),*
        ];
    };
    (@json string) => { "string" };
    (@json flag) => { "boolean" };
    (@ty string) => { impl Into<String> };
    (@ty flag) => { bool };
    (@push $self:ident, string, $name:ident, $value:ident) => {
        $self.strings.push((stringify!($name), $value.into()))
    };
    (@push $self:ident, flag, $name:ident, $value:ident) => {
        $self.flags.push((stringify!($name), $value))
    };
}

#[cfg(feature = "users")]
impl NewUser {
    /// A user of the connection named `connection`.
    pub fn new(connection: impl Into<String>) -> Self {
        Self {
            connection: connection.into(),
            ..Self::default()
        }
    }

    new_user_setters! {
        /// `email`.
        email: string,
        /// `phone_number` (SMS connections).
        phone_number: string,
        /// `username` (connections that require one).
        username: string,
        /// `password` (database connections).
        password: string,
        /// `user_id`: the id to give the user (without the `auth0|` prefix).
        user_id: string,
        /// `name`.
        name: string,
        /// `given_name`.
        given_name: string,
        /// `family_name`.
        family_name: string,
        /// `nickname`.
        nickname: string,
        /// `picture` (URL).
        picture: string,
        /// `blocked`.
        blocked: flag,
        /// `email_verified`.
        email_verified: flag,
        /// `verify_email`: send a verification email.
        verify_email: flag,
        /// `phone_verified`.
        phone_verified: flag,
    }

    /// `user_metadata` (must serialize to a JSON object).
    pub fn user_metadata(mut self, metadata: impl serde::Serialize) -> Self {
        self.user_metadata = Some(serde_json::to_value(metadata).unwrap_or_default());
        self
    }

    /// `app_metadata` (must serialize to a JSON object).
    pub fn app_metadata(mut self, metadata: impl serde::Serialize) -> Self {
        self.app_metadata = Some(serde_json::to_value(metadata).unwrap_or_default());
        self
    }

    /// The request body, or [`Error::InvalidInput`] naming the first value the API's schema
    /// refuses.
    pub fn build(self) -> Result<types::CreateUserRequestContent, Error> {
        fn parse<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, Error>
        where
            T::Err: std::fmt::Display,
        {
            v.parse::<T>()
                .map_err(|e| Error::InvalidInput(format!("{field}: {e}")))
        }
        let mut body = types::CreateUserRequestContent {
            app_metadata: None,
            blocked: None,
            connection: parse("connection", &self.connection)?,
            email: None,
            email_verified: None,
            family_name: None,
            given_name: None,
            name: None,
            nickname: None,
            password: None,
            phone_number: None,
            phone_verified: None,
            picture: None,
            user_id: None,
            user_metadata: Default::default(),
            username: None,
            verify_email: None,
        };
        for (field, v) in &self.strings {
            match *field {
                "email" => body.email = Some(v.clone()),
                "phone_number" => body.phone_number = Some(parse(field, v)?),
                "username" => body.username = Some(parse(field, v)?),
                "password" => body.password = Some(parse(field, v)?),
                "user_id" => body.user_id = Some(parse(field, v)?),
                "name" => body.name = Some(parse(field, v)?),
                "given_name" => body.given_name = Some(parse(field, v)?),
                "family_name" => body.family_name = Some(parse(field, v)?),
                "nickname" => body.nickname = Some(parse(field, v)?),
                "picture" => body.picture = Some(v.clone()),
                _ => unreachable!("every setter is matched"),
            }
        }
        for (field, v) in &self.flags {
            let v = Some(*v);
            match *field {
                "blocked" => body.blocked = v,
                "email_verified" => body.email_verified = v,
                "verify_email" => body.verify_email = v,
                "phone_verified" => body.phone_verified = v,
                _ => unreachable!("every setter is matched"),
            }
        }
        if let Some(m) = self.user_metadata {
            body.user_metadata = Some(types::UserMetadata(metadata_object("user_metadata", m)?));
        }
        if let Some(m) = self.app_metadata {
            body.app_metadata = Some(types::AppMetadata(metadata_object("app_metadata", m)?));
        }
        Ok(body)
    }
}

/// The body [`NewUser::build`] makes: `connection` (required), one field per setter, and the
/// two metadata objects.
#[cfg(all(feature = "users", feature = "json-schema"))]
impl schemars::JsonSchema for NewUser {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NewUser".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        properties.insert("connection".into(), serde_json::json!({"type": "string"}));
        for (name, ty) in Self::SETTERS {
            properties.insert((*name).into(), serde_json::json!({"type": ty}));
        }
        for name in ["user_metadata", "app_metadata"] {
            properties.insert(name.into(), serde_json::json!({"type": "object"}));
        }
        schemars::json_schema!({
            "type": "object",
            "properties": properties,
            "required": ["connection"],
        })
    }
}

/// The explicit confirmation [`UsersManager::delete_all`] requires. Its only constructor names
/// what it allows, so the call cannot happen by accident.
#[cfg(feature = "users")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmDeleteAllUsers(());

#[cfg(feature = "users")]
impl ConfirmDeleteAllUsers {
    /// "I really mean to delete every user of the tenant."
    pub fn i_understand_this_deletes_every_user() -> Self {
        Self(())
    }
}

/// Turns `metadata` into a JSON object, refusing anything else.
#[cfg(feature = "users")]
fn metadata_object(
    name: &str,
    metadata: impl serde::Serialize,
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    match serde_json::to_value(metadata) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::InvalidInput(format!(
            "{name} must be a JSON object, not {}",
            match other {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::Object(_) => unreachable!(),
            }
        ))),
        Err(e) => Err(Error::InvalidInput(format!(
            "{name} could not be serialized: {e}"
        ))),
    }
}

/// Users: list, search, read, create, update, delete, identities, metadata, MFA, logs.
/// Obtained with [`ManagementClient::users`].
#[derive(Debug, Clone)]
pub struct UsersManager {
    client: ManagementClient,
}

#[cfg(feature = "users")]
impl UsersManager {
    /// `GET /users`: every user matching `params`, page by page (offset paging; Auth0 returns
    /// at most 1000 users this way, after which the listing fails with
    /// [`Error::PaginationLimit`]: use an export job for more).
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::users::GetUsersParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut users = client.users().get_all(GetUsersParams::new().q("logins_count:0")).items();
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{:?}", user.email);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetUsersParams) -> Paginator<User> {
        let client = self.client.clone();
        let start = params.page.unwrap_or(0);
        let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
        Paginator::offset(start, per_page, move |req| {
            let client = client.clone();
            let params = params.clone();
            async move {
                let api = client.api();
                let include_totals = req
                    .include_totals()
                    .map(|t| params.include_totals.unwrap_or(t));
                client
                    .call(api.get_users(
                        params.connection.as_deref(),
                        params.fields.as_deref(),
                        params.include_fields,
                        include_totals,
                        req.page(),
                        req.per_page(),
                        params.primary_order,
                        params.q.as_deref(),
                        params.search_engine,
                        params.sort.as_deref(),
                    ))
                    .await
                    .map(|r| r.into_page())
            }
        })
    }

    /// `GET /users/{id}`.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let user = client.users().get("auth0|abc123").await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub async fn get(&self, id: &str) -> Result<User, Error> {
        self.get_with(id, &UserFields::default()).await
    }

    /// `GET /users/{id}` with a field selection.
    pub async fn get_with(&self, id: &str, fields: &UserFields) -> Result<User, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(
            c.api()
                .get_users_by_id(id, fields.fields.as_deref(), fields.include_fields),
        )
        .await
    }

    /// `POST /users`: creates a user and returns it.
    pub async fn create(&self, data: &types::CreateUserRequestContent) -> Result<User, Error> {
        let c = &self.client;
        c.call(c.api().post_users(None, data)).await
    }

    /// `PATCH /users/{id}`: changes the fields set in `data` and returns the user.
    /// `user_metadata` and `app_metadata` are merged as described in
    /// [`update_user_metadata`](Self::update_user_metadata).
    pub async fn update(
        &self,
        id: &str,
        data: &types::UpdateUserRequestContent,
    ) -> Result<User, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().patch_users_by_id(id, None, data)).await
    }

    /// `DELETE /users/{id}`.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_users_by_id(id)).await
    }

    /// `PATCH /users/{id}` with `{"user_metadata": metadata}`. `metadata` must serialize to a
    /// JSON object (else [`Error::InvalidInput`]).
    ///
    /// Auth0 merges metadata one level deep: each top-level property given replaces the stored
    /// one (a nested object is replaced whole, not merged), a property set to `null` is
    /// removed, and properties not given are kept.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let user = client
    ///     .users()
    ///     .update_user_metadata("auth0|abc", serde_json::json!({"theme": "dark", "old": null}))
    ///     .await?;
    /// # let _ = user; Ok(()) }
    /// ```
    pub async fn update_user_metadata(
        &self,
        id: &str,
        metadata: impl serde::Serialize,
    ) -> Result<User, Error> {
        let map = metadata_object("user_metadata", metadata)?;
        self.patch_json(id, serde_json::json!({ "user_metadata": map }))
            .await
    }

    /// `PATCH /users/{id}` with `{"app_metadata": metadata}`; merged like
    /// [`update_user_metadata`](Self::update_user_metadata).
    pub async fn update_app_metadata(
        &self,
        id: &str,
        metadata: impl serde::Serialize,
    ) -> Result<User, Error> {
        let map = metadata_object("app_metadata", metadata)?;
        self.patch_json(id, serde_json::json!({ "app_metadata": map }))
            .await
    }

    /// `PATCH /users/{id}` with exactly `body` (the generated request type cannot express
    /// "only this one field, even when empty").
    async fn patch_json(&self, id: &str, body: serde_json::Value) -> Result<User, Error> {
        let id = path_id("id", id)?;
        let mut req = super::raw::RawRequest::new(
            "patch_users_by_id",
            reqwest::Method::PATCH,
            &["users", id],
        );
        req.body = Some((
            reqwest::header::HeaderValue::from_static("application/json"),
            serde_json::to_vec(&body).map_err(|e| Error::InvalidInput(e.to_string()))?,
        ));
        super::raw::send(&self.client, req).await?.json()
    }

    /// `POST /users/{id}/identities`: links the secondary account described by `data` (for
    /// example `provider` + `user_id`, optionally `connection_id`, or `link_with` a token)
    /// to the primary user `id`. Returns the primary user's identities.
    pub async fn link(
        &self,
        id: &str,
        data: &types::LinkUserIdentityRequestContent,
    ) -> Result<Vec<types::UserIdentity>, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().post_identities(id, data)).await
    }

    /// `DELETE /users/{id}/identities/{provider}/{user_id}`: unlinks the secondary identity
    /// from the primary user `id`. Returns the remaining identities.
    pub async fn unlink(
        &self,
        id: &str,
        provider: &str,
        user_id: &str,
    ) -> Result<types::DeleteUserIdentityResponseContent, Error> {
        let id = path_id("id", id)?;
        let provider = path_id("provider", provider)?;
        let user_id = path_id("user_id", user_id)?;
        let c = &self.client;
        c.call(
            c.api()
                .delete_user_identity_by_user_id(id, provider, user_id),
        )
        .await
    }

    /// `DELETE /users/{id}/multifactor/{provider}`: removes a multifactor provider (`duo`,
    /// `google-authenticator`) from the user.
    pub async fn delete_multifactor(
        &self,
        id: &str,
        provider: types::UserMultifactorProviderEnum,
    ) -> Result<(), Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().delete_multifactor_by_provider(id, provider))
            .await
    }

    /// `GET /users/{id}/enrollments`: the user's Guardian (MFA) enrollments.
    pub async fn get_guardian_enrollments(
        &self,
        id: &str,
    ) -> Result<Vec<types::UsersEnrollment>, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_enrollments(id)).await
    }

    /// `GET /users/{id}/logs`: the user's log events, page by page (offset paging).
    ///
    /// The id is checked when the first page is fetched.
    pub fn get_user_logs(&self, id: &str, params: GetUserLogsParams) -> Paginator<types::Log> {
        let client = self.client.clone();
        let id = id.to_owned();
        let start = params.page.unwrap_or(0);
        let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
        Paginator::offset(start, per_page, move |req| {
            let client = client.clone();
            let params = params.clone();
            let id = id.clone();
            async move {
                let id = path_id("id", &id)?;
                let api = client.api();
                let include_totals = req
                    .include_totals()
                    .map(|t| params.include_totals.unwrap_or(t));
                let page = req.page().map(|p| i64::try_from(p).unwrap_or(i64::MAX));
                let per_page = req
                    .per_page()
                    .and_then(|n| u64::try_from(n).ok())
                    .and_then(std::num::NonZeroU64::new);
                client
                    .call(api.get_logs_by_user(
                        id,
                        include_totals,
                        page,
                        per_page,
                        params.sort.as_deref(),
                    ))
                    .await
                    .map(|r| r.into_page())
            }
        })
    }

    /// The seed's `deleteAllUsers`: `DELETE /users`.
    ///
    /// Auth0 deprecated this endpoint and then removed it; the current API has no operation to
    /// delete every user, and a tenant answers with an error (typically 404), returned as
    /// [`Error::Api`]. It is kept, deprecated, so code ported from node-auth0 compiles and fails
    /// loudly rather than silently. It sends one `DELETE {base}/api/v2/users` (no query, no
    /// body) through the client's token, headers and retry policy, and only with an explicit
    /// [`ConfirmDeleteAllUsers`]. To empty a tenant today, list the
    /// users (or export them) and [`delete`](Self::delete) each one.
    #[deprecated(
        note = "Auth0 removed `DELETE /api/v2/users`; list users and delete them one by one"
    )]
    pub async fn delete_all(&self, confirm: ConfirmDeleteAllUsers) -> Result<(), Error> {
        let _ = confirm;
        super::raw::send(
            &self.client,
            super::raw::RawRequest::new("delete_users", reqwest::Method::DELETE, &["users"]),
        )
        .await
        .map(|_| ())
    }
}

#[cfg(feature = "users-by-email")]
impl UsersManager {
    /// `GET /users-by-email?email=...`: the users with this email (exact match; Auth0 treats it
    /// case-insensitively). An empty email is refused with [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let users = client.users().get_by_email("jane@example.com").await?;
    /// # let _ = users; Ok(()) }
    /// ```
    pub async fn get_by_email(&self, email: &str) -> Result<Vec<User>, Error> {
        self.get_by_email_with(email, &UserFields::default()).await
    }

    /// [`get_by_email`](Self::get_by_email) with a field selection.
    pub async fn get_by_email_with(
        &self,
        email: &str,
        fields: &UserFields,
    ) -> Result<Vec<User>, Error> {
        if email.trim().is_empty() {
            return Err(Error::InvalidInput("email must not be empty".into()));
        }
        let c = &self.client;
        c.call(
            c.api()
                .get_users_by_email(email, fields.fields.as_deref(), fields.include_fields),
        )
        .await
    }
}

impl ManagementClient {
    /// The users endpoints (`/api/v2/users`, `/api/v2/users-by-email`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let users = client.users();
    /// # let _ = users; Ok(()) }
    /// ```
    pub fn users(&self) -> UsersManager {
        UsersManager {
            client: self.clone(),
        }
    }

    /// Users matching `params` (seed: `getUsers(params)`); see [`UsersManager::get_all`].
    /// The seed's single page is [`Paginator::first_page`].
    ///
    /// ```no_run
    /// use auth0_management::managers::users::GetUsersParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let page = client.get_users(GetUsersParams::new().per_page(10).page(2)).first_page().await?;
    /// println!("{} of {:?}", page.items.len(), page.total);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub fn get_users(&self, params: GetUsersParams) -> Paginator<User> {
        self.users().get_all(params)
    }

    /// Reads a user (seed: `getUser({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let user = client.get_user("auth0|abc123").await?;
    /// println!("{:?}", user.email);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn get_user(&self, id: &str) -> Result<User, Error> {
        self.users().get(id).await
    }

    /// Creates a user (seed: `createUser(data)`).
    ///
    /// ```no_run
    /// use auth0_management::managers::users::NewUser;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = NewUser::new("Username-Password-Authentication")
    ///     .email("jane@example.com")
    ///     .password("a long passphrase")
    ///     .build()?;
    /// let user = client.create_user(&data).await?;
    /// # let _ = user; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn create_user(&self, data: &types::CreateUserRequestContent) -> Result<User, Error> {
        self.users().create(data).await
    }

    /// Updates a user (seed: `updateUser({ id }, data)`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::UpdateUserRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = UpdateUserRequestContent { blocked: Some(true), ..Default::default() };
    /// let user = client.update_user("auth0|abc", &data).await?;
    /// # let _ = user; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn update_user(
        &self,
        id: &str,
        data: &types::UpdateUserRequestContent,
    ) -> Result<User, Error> {
        self.users().update(id, data).await
    }

    /// Deletes a user (seed: `deleteUser({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client.delete_user("auth0|abc").await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn delete_user(&self, id: &str) -> Result<(), Error> {
        self.users().delete(id).await
    }

    /// The seed's `deleteAllUsers()`; see [`UsersManager::delete_all`] (the endpoint no longer
    /// exists).
    ///
    /// ```no_run
    /// use auth0_management::managers::users::ConfirmDeleteAllUsers;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// #[allow(deprecated)]
    /// client
    ///     .delete_all_users(ConfirmDeleteAllUsers::i_understand_this_deletes_every_user())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    #[deprecated(
        note = "Auth0 removed `DELETE /api/v2/users`; list users and delete them one by one"
    )]
    pub async fn delete_all_users(&self, confirm: ConfirmDeleteAllUsers) -> Result<(), Error> {
        #[allow(deprecated)]
        self.users().delete_all(confirm).await
    }

    /// Users with an email address (seed: `getUsersByEmail(email)`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let users = client.get_users_by_email("jane@example.com").await?;
    /// # let _ = users; Ok(()) }
    /// ```
    #[cfg(feature = "users-by-email")]
    pub async fn get_users_by_email(&self, email: &str) -> Result<Vec<User>, Error> {
        self.users().get_by_email(email).await
    }

    /// Links a secondary account to user `id` (seed: `linkUsers(userId, data)`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::LinkUserIdentityRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = LinkUserIdentityRequestContent {
    ///     provider: Some("google-oauth2".into()),
    ///     user_id: Some(auth0_management::api::types::UserId::Integer(1234567890)),
    ///     ..Default::default()
    /// };
    /// let identities = client.link_users("auth0|primary", &data).await?;
    /// # let _ = identities; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn link_users(
        &self,
        id: &str,
        data: &types::LinkUserIdentityRequestContent,
    ) -> Result<Vec<types::UserIdentity>, Error> {
        self.users().link(id, data).await
    }

    /// Unlinks an identity (seed: `unlinkUsers({ id, provider, user_id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let remaining = client.unlink_users("auth0|primary", "google-oauth2", "1234567890").await?;
    /// # let _ = remaining; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn unlink_users(
        &self,
        id: &str,
        provider: &str,
        user_id: &str,
    ) -> Result<types::DeleteUserIdentityResponseContent, Error> {
        self.users().unlink(id, provider, user_id).await
    }

    /// Merges `metadata` into the user's `user_metadata` (seed: `updateUserMetadata`); see
    /// [`UsersManager::update_user_metadata`] for the merge rules.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let user = client
    ///     .update_user_metadata("auth0|abc", serde_json::json!({"address": "1 Main St"}))
    ///     .await?;
    /// # let _ = user; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn update_user_metadata(
        &self,
        id: &str,
        metadata: impl serde::Serialize,
    ) -> Result<User, Error> {
        self.users().update_user_metadata(id, metadata).await
    }

    /// Merges `metadata` into the user's `app_metadata` (seed: `updateAppMetadata`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let user = client
    ///     .update_app_metadata("auth0|abc", serde_json::json!({"plan": "pro"}))
    ///     .await?;
    /// # let _ = user; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn update_app_metadata(
        &self,
        id: &str,
        metadata: impl serde::Serialize,
    ) -> Result<User, Error> {
        self.users().update_app_metadata(id, metadata).await
    }

    /// Removes a multifactor provider from a user (seed: `deleteUserMultifactor`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::UserMultifactorProviderEnum;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// client
    ///     .delete_user_multifactor("auth0|abc", UserMultifactorProviderEnum::Duo)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn delete_user_multifactor(
        &self,
        id: &str,
        provider: types::UserMultifactorProviderEnum,
    ) -> Result<(), Error> {
        self.users().delete_multifactor(id, provider).await
    }

    /// A user's Guardian enrollments (seed: `getGuardianEnrollments({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let enrollments = client.get_guardian_enrollments("auth0|abc").await?;
    /// # let _ = enrollments; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub async fn get_guardian_enrollments(
        &self,
        id: &str,
    ) -> Result<Vec<types::UsersEnrollment>, Error> {
        self.users().get_guardian_enrollments(id).await
    }

    /// A user's log events (seed: `getUserLogs({ id, page, per_page, sort, include_totals })`).
    ///
    /// ```no_run
    /// use auth0_management::managers::users::GetUserLogsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let logs = client
    ///     .get_user_logs("auth0|abc", GetUserLogsParams::new().sort("date:-1"))
    ///     .first_page()
    ///     .await?;
    /// # let _ = logs; Ok(()) }
    /// ```
    #[cfg(feature = "users")]
    pub fn get_user_logs(&self, id: &str, params: GetUserLogsParams) -> Paginator<types::Log> {
        self.users().get_user_logs(id, params)
    }
}
