//! A synchronous client, like `reqwest::blocking` (cargo feature `blocking`).
//!
//! [`ManagementClient`] wraps the async [`crate::ManagementClient`] and a private
//! single-threaded tokio runtime, and offers the same seed methods without `async`: each call
//! runs the async method to completion on that runtime. List methods return a blocking
//! [`Paginator`] whose [`pages`](Paginator::pages) and [`items`](Paginator::items) are plain
//! iterators that fetch one page at a time. [`ManagementClient::run`] runs any other async
//! operation (a manager method, a generated call) the same way.
//!
//! No async runtime is needed, and none may be running on the calling thread: inside one (an
//! `async fn`, a tokio worker), every method returns [`Error::Config`] instead of blocking the
//! runtime or panicking. Use the async client there.
//!
//! ```no_run
//! # #[cfg(feature = "users")]
//! # fn main() -> Result<(), auth0_management::Error> {
//! use auth0_management::blocking::ManagementClient;
//! use auth0_management::managers::users::GetUsersParams;
//!
//! let client = ManagementClient::from_builder(
//!     auth0_management::ManagementClient::builder()
//!         .domain("example.eu.auth0.com")
//!         .client_credentials("client-id", "client-secret"),
//! )?;
//! let user = client.get_user("auth0|abc123")?;
//! for user in client.get_users(GetUsersParams::new().q("logins_count:0")).items() {
//!     println!("{:?}", user?.email);
//! }
//! # let _ = user; Ok(()) }
//! # #[cfg(not(feature = "users"))] fn main() {}
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::StreamExt as _;
use futures::stream::BoxStream;

#[allow(unused_imports)]
use crate::api::types;
use crate::pagination::{self, Page};
use crate::{ClientInfo, Error, ManagementClientBuilder, Result};

/// The private runtime; shut down without waiting, so dropping a client is fine anywhere.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Runtime {
    fn block_on<F: Future>(&self, fut: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called inside an async runtime, where it would block \
                 the runtime's thread; use the async auth0_management::ManagementClient there"
                    .into(),
            ));
        }
        let rt = self.0.as_ref().expect("the runtime lives until drop");
        Ok(rt.block_on(fut))
    }
}

/// A synchronous client for the Auth0 Management API v2. See the [module docs](self).
///
/// Cheap to clone (clones share the runtime, the connection pool and the token cache), and
/// usable from several threads.
#[derive(Clone)]
pub struct ManagementClient {
    inner: crate::ManagementClient,
    rt: Arc<Runtime>,
}

impl fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::ManagementClient")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl ManagementClient {
    /// Wraps an async client (built with [`crate::ManagementClient::builder`]).
    ///
    /// Build the async client outside any runtime, or at least do not share it with one:
    /// its connections are then driven by this client's runtime only.
    pub fn new(inner: crate::ManagementClient) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("could not start the blocking runtime: {e}")))?;
        Ok(Self {
            inner,
            rt: Arc::new(Runtime(Some(rt))),
        })
    }

    /// Builds the client from an async client builder.
    pub fn from_builder(builder: ManagementClientBuilder) -> Result<Self> {
        Self::new(builder.build()?)
    }

    /// A client configured from the environment, as [`crate::ManagementClient::from_env`].
    pub fn from_env() -> Result<Self> {
        Self::new(crate::ManagementClient::from_env()?)
    }

    /// Starts configuring a client: finish with [`from_builder`](Self::from_builder).
    pub fn builder() -> ManagementClientBuilder {
        crate::ManagementClient::builder()
    }

    /// The async client inside.
    pub fn async_client(&self) -> &crate::ManagementClient {
        &self.inner
    }

    /// The generated low-level client; run its calls with [`call`](Self::call).
    pub fn api(&self) -> &auth0_management_api::Client {
        self.inner.api()
    }

    /// What the `Auth0-Client` telemetry header carries, or `None` when telemetry is off.
    pub fn client_info(&self) -> Option<&ClientInfo> {
        self.inner.client_info()
    }

    /// Runs `fut` to completion on the client's runtime. [`Error::Config`] inside an async
    /// runtime.
    pub fn block_on<F: Future>(&self, fut: F) -> Result<F::Output> {
        self.rt.block_on(fut)
    }

    /// Runs an async operation of the async client, e.g. a manager method:
    ///
    /// ```no_run
    /// # #[cfg(feature = "jobs")]
    /// # fn demo(client: auth0_management::blocking::ManagementClient) -> Result<(), auth0_management::Error> {
    /// use std::time::Duration;
    /// let job = client.run(|c| async move {
    ///     c.jobs().wait_for_job("job_abc", Duration::from_secs(2), Duration::from_secs(300)).await
    /// })?;
    /// # let _ = job; Ok(()) }
    /// ```
    pub fn run<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(crate::ManagementClient) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.block_on(f(self.inner.clone()))?
    }

    /// Runs a generated call, as [`crate::ManagementClient::call`].
    pub fn call<T, E, F>(&self, request: F) -> Result<T>
    where
        F: Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
        E: serde::Serialize,
    {
        self.block_on(self.inner.call(request))?
    }

    #[allow(dead_code)] // Unused when no list endpoint's area is enabled.
    fn paginator<T: Send + 'static>(&self, p: pagination::Paginator<T>) -> Paginator<T> {
        Paginator {
            inner: p,
            rt: self.rt.clone(),
        }
    }
}

/// A blocking listing: the synchronous face of [`pagination::Paginator`].
pub struct Paginator<T> {
    inner: pagination::Paginator<T>,
    rt: Arc<Runtime>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Paginator")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// The async paginator inside.
    pub fn into_async(self) -> pagination::Paginator<T> {
        self.inner
    }

    /// Fetches just the first page (the seed's single-page answer).
    pub fn first_page(&self) -> Result<Page<T>> {
        self.rt.block_on(self.inner.first_page())?
    }

    /// The pages, each fetched when the iterator reaches it.
    pub fn pages(&self) -> Iter<Page<T>> {
        Iter {
            stream: self.inner.pages(),
            rt: self.rt.clone(),
            done: false,
        }
    }

    /// The items of all pages, one page fetched at a time.
    pub fn items(&self) -> Iter<T> {
        Iter {
            stream: self.inner.items(),
            rt: self.rt.clone(),
            done: false,
        }
    }

    /// Every item of every page.
    pub fn collect_all(&self) -> Result<Vec<T>> {
        self.items().collect()
    }
}

/// A blocking iterator over a listing's pages or items. Ends after the first error.
pub struct Iter<T> {
    stream: BoxStream<'static, Result<T>>,
    rt: Arc<Runtime>,
    done: bool,
}

impl<T> fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Iter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.done {
            return None;
        }
        let next = match self.rt.block_on(self.stream.next()) {
            Ok(next) => next,
            Err(e) => Some(Err(e)),
        };
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}

/// Blocking wrappers of async client methods: `fn name(&self, args) -> T;` wraps
/// `async fn name(&self, args) -> Result<T>`, and `list name(&self, args) -> T;` wraps
/// `fn name(&self, args) -> pagination::Paginator<T>`.
macro_rules! blocking_methods {
    ($(
        $(#[$attr:meta])*
        $kind:ident $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty;
    )*) => {
        impl ManagementClient {
            $(
                blocking_methods!(@one $kind [$(#[$attr])*] $name ($($arg: $ty),*) -> $ret);
            )*
        }
    };
    (@one fn [$(#[$attr:meta])*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[doc = concat!(
            "Blocking [`", stringify!($name), "`](crate::ManagementClient::", stringify!($name), ")."
        )]
        $(#[$attr])*
        pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret> {
            #[allow(deprecated)]
            let fut = self.inner.$name($($arg),*);
            self.block_on(fut)?
        }
    };
    (@one list [$(#[$attr:meta])*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[doc = concat!(
            "Blocking [`", stringify!($name), "`](crate::ManagementClient::", stringify!($name),
            "): a listing whose pages are fetched as it is iterated."
        )]
        $(#[$attr])*
        pub fn $name(&self $(, $arg: $ty)*) -> Paginator<$ret> {
            self.paginator(self.inner.$name($($arg),*))
        }
    };
}

// Users, logs, jobs, tickets.
#[cfg(feature = "users")]
use crate::managers::users::{ConfirmDeleteAllUsers, GetUserLogsParams, GetUsersParams, User};

blocking_methods! {
    #[cfg(feature = "users")]
    list get_users(&self, params: GetUsersParams) -> User;
    #[cfg(feature = "users")]
    fn get_user(&self, id: &str) -> User;
    #[cfg(feature = "users")]
    fn create_user(&self, data: &types::CreateUserRequestContent) -> User;
    #[cfg(feature = "users")]
    fn update_user(&self, id: &str, data: &types::UpdateUserRequestContent) -> User;
    #[cfg(feature = "users")]
    fn delete_user(&self, id: &str) -> ();
    #[cfg(feature = "users")]
    #[deprecated(note = "Auth0 removed `DELETE /api/v2/users`; list users and delete them one by one")]
    fn delete_all_users(&self, confirm: ConfirmDeleteAllUsers) -> ();
    #[cfg(feature = "users-by-email")]
    fn get_users_by_email(&self, email: &str) -> Vec<crate::managers::users::User>;
    #[cfg(feature = "users")]
    fn link_users(&self, id: &str, data: &types::LinkUserIdentityRequestContent) -> Vec<types::UserIdentity>;
    #[cfg(feature = "users")]
    fn unlink_users(&self, id: &str, provider: &str, user_id: &str) -> types::DeleteUserIdentityResponseContent;
    #[cfg(feature = "users")]
    fn update_user_metadata(&self, id: &str, metadata: impl serde::Serialize) -> User;
    #[cfg(feature = "users")]
    fn update_app_metadata(&self, id: &str, metadata: impl serde::Serialize) -> User;
    #[cfg(feature = "users")]
    fn delete_user_multifactor(&self, id: &str, provider: types::UserMultifactorProviderEnum) -> ();
    #[cfg(feature = "users")]
    fn get_guardian_enrollments(&self, id: &str) -> Vec<types::UsersEnrollment>;
    #[cfg(feature = "users")]
    list get_user_logs(&self, id: &str, params: GetUserLogsParams) -> types::Log;

    #[cfg(feature = "logs")]
    list get_logs(&self, params: crate::managers::logs::GetLogsParams) -> types::Log;
    #[cfg(feature = "logs")]
    fn get_log(&self, id: &str) -> types::Log;

    #[cfg(feature = "jobs")]
    fn import_users(&self, import: crate::managers::jobs::ImportUsers) -> crate::managers::jobs::Job;
    #[cfg(feature = "jobs")]
    fn export_users(&self, data: &types::CreateExportUsersRequestContent) -> types::CreateExportUsersResponseContent;
    #[cfg(feature = "jobs")]
    fn send_email_verification(&self, data: &types::CreateVerificationEmailRequestContent) -> types::CreateVerificationEmailResponseContent;
    #[cfg(feature = "jobs")]
    fn get_job(&self, id: &str) -> crate::managers::jobs::Job;
    #[cfg(feature = "jobs")]
    fn get_job_errors(&self, id: &str) -> types::GetErrorsResponse;

    #[cfg(feature = "tickets")]
    fn create_email_verification_ticket(&self, data: &types::VerifyEmailTicketRequestContent) -> crate::managers::tickets::Ticket;
    #[cfg(feature = "tickets")]
    fn create_password_change_ticket(&self, data: &types::ChangePasswordTicketRequestContent) -> crate::managers::tickets::Ticket;
}

#[cfg(feature = "jobs")]
impl ManagementClient {
    /// Blocking [`JobsManager::wait_for_job`](crate::managers::jobs::JobsManager::wait_for_job).
    pub fn wait_for_job(
        &self,
        id: &str,
        poll_interval: std::time::Duration,
        timeout: std::time::Duration,
    ) -> Result<crate::managers::jobs::Job> {
        let jobs = self.inner.jobs();
        self.block_on(jobs.wait_for_job(id, poll_interval, timeout))?
    }
}

// The seed methods of the other managers (kept in sync with their `impl ManagementClient`
// blocks).
// BEGIN other managers
blocking_methods! {
    #[cfg(feature = "blacklists")]
    fn get_blacklisted_tokens(&self) -> Vec<types::BlacklistedToken>;
    #[cfg(feature = "blacklists")]
    fn blacklist_token(&self, token: &types::BlacklistTokenRequestContent) -> ();
    #[cfg(feature = "clients")]
    list get_clients(&self, params: crate::managers::clients::GetClientsParams) -> types::Client;
    #[cfg(feature = "clients")]
    fn get_client(&self, client_id: &str) -> types::Client;
    #[cfg(feature = "clients")]
    fn create_client(&self, data: &types::CreateClientRequestContent) -> types::Client;
    #[cfg(feature = "clients")]
    fn update_client(&self, client_id: &str, data: &types::UpdateClientRequestContent) -> types::Client;
    #[cfg(feature = "clients")]
    fn delete_client(&self, client_id: &str) -> ();
    #[cfg(feature = "connections")]
    list get_connections(&self, params: crate::managers::connections::GetConnectionsParams) -> types::ConnectionForList;
    #[cfg(feature = "connections")]
    fn get_connection(&self, id: &str) -> types::GetConnectionResponseContent;
    #[cfg(feature = "connections")]
    fn create_connection(&self, data: &types::CreateConnectionRequestContent) -> types::GetConnectionResponseContent;
    #[cfg(feature = "connections")]
    fn update_connection(&self, id: &str, data: &types::UpdateConnectionRequestContent) -> types::GetConnectionResponseContent;
    #[cfg(feature = "connections")]
    fn delete_connection(&self, id: &str) -> ();
    #[cfg(feature = "device-credentials")]
    list get_device_credentials(&self, params: crate::managers::device_credentials::GetDeviceCredentialsParams) -> types::DeviceCredential;
    #[cfg(feature = "device-credentials")]
    fn create_device_public_key(&self, data: &types::CreatePublicKeyDeviceCredentialRequestContent) -> types::CreatePublicKeyDeviceCredentialResponseContent;
    #[cfg(feature = "device-credentials")]
    fn delete_device_credential(&self, id: &str) -> ();
    #[cfg(feature = "emails")]
    fn get_email_provider(&self) -> types::GetEmailProviderResponseContent;
    #[cfg(feature = "emails")]
    fn configure_email_provider(&self, data: &types::CreateEmailProviderRequestContent) -> types::GetEmailProviderResponseContent;
    #[cfg(feature = "emails")]
    fn update_email_provider(&self, data: &types::UpdateEmailProviderRequestContent) -> types::GetEmailProviderResponseContent;
    #[cfg(feature = "emails")]
    fn delete_email_provider(&self) -> ();
    #[cfg(feature = "resource-servers")]
    list get_resource_servers(&self, params: crate::managers::resource_servers::GetResourceServersParams) -> types::ResourceServer;
    #[cfg(feature = "resource-servers")]
    fn get_resource_server(&self, id: &str) -> types::ResourceServer;
    #[cfg(feature = "resource-servers")]
    fn create_resource_server(&self, data: &types::CreateResourceServerRequestContent) -> types::ResourceServer;
    #[cfg(feature = "resource-servers")]
    fn update_resource_server(&self, id: &str, data: &types::UpdateResourceServerRequestContent) -> types::ResourceServer;
    #[cfg(feature = "resource-servers")]
    fn delete_resource_server(&self, id: &str) -> ();
    #[cfg(feature = "rules")]
    list get_rules(&self, params: crate::managers::rules::GetRulesParams) -> types::Rule;
    #[cfg(feature = "rules")]
    fn get_rule(&self, id: &str) -> types::Rule;
    #[cfg(feature = "rules")]
    fn create_rule(&self, data: &types::CreateRuleRequestContent) -> types::Rule;
    #[cfg(feature = "rules")]
    fn update_rule(&self, id: &str, data: &types::UpdateRuleRequestContent) -> types::Rule;
    #[cfg(feature = "rules")]
    fn delete_rule(&self, id: &str) -> ();
    #[cfg(feature = "stats")]
    fn get_active_users_count(&self) -> u64;
    #[cfg(feature = "stats")]
    fn get_daily_stats(&self, params: &crate::managers::stats::GetDailyStatsParams) -> Vec<types::DailyStats>;
    #[cfg(feature = "tenants")]
    fn get_tenant_settings(&self) -> types::GetTenantSettingsResponseContent;
    #[cfg(feature = "tenants")]
    fn update_tenant_settings(&self, data: &types::UpdateTenantSettingsRequestContent) -> types::GetTenantSettingsResponseContent;
}
// END other managers

#[cfg(feature = "stats")]
impl ManagementClient {
    /// Blocking [`get_client_info`](crate::ManagementClient::get_client_info).
    pub fn get_client_info(&self) -> Option<&ClientInfo> {
        self.inner.client_info()
    }
}
