//! Managers: one per area of the Management API, mirroring the members of node-auth0's
//! `ManagementClient` (`client.users()`, `client.logs()`, ...).
//!
//! Each manager borrows nothing: it holds a clone of the [`ManagementClient`](crate::ManagementClient)
//! (cheap, shared state), so it can be kept or moved into tasks. Each is compiled only with the
//! cargo feature of its area. List methods return a [`Paginator`](crate::pagination::Paginator).

#[cfg(feature = "blacklists")]
pub mod blacklisted_tokens;
#[cfg(any(
    feature = "clients",
    feature = "connections",
    feature = "client-grants"
))]
#[cfg(feature = "client-grants")]
pub mod client_grants;
#[cfg(feature = "clients")]
pub mod clients;
#[cfg(feature = "connections")]
pub mod connections;
#[cfg(feature = "device-credentials")]
pub mod device_credentials;
#[cfg(feature = "emails")]
pub mod email_provider;
#[cfg(feature = "jobs")]
pub mod jobs;
#[cfg(feature = "logs")]
pub mod logs;
#[cfg(feature = "resource-servers")]
pub mod resource_servers;
#[cfg(feature = "rules")]
pub mod rules;
#[cfg(feature = "stats")]
pub mod stats;
#[cfg(feature = "tenants")]
pub mod tenant;
#[cfg(feature = "tickets")]
pub mod tickets;
#[cfg(any(feature = "users", feature = "users-by-email"))]
pub mod users;

#[cfg(any(
    feature = "jobs",
    feature = "users",
    feature = "clients",
    feature = "connections",
    feature = "client-grants"
))]
pub(crate) mod raw;

#[cfg(any(feature = "logs", feature = "users"))]
crate::pagination::impl_into_page!(crate::api::types::ListLogResponseContent => crate::api::types::Log {
    ListLogOffsetPaginatedResponseContent => offset logs,
});
