//! The seed methods of the ergonomic crate (`auth0_management::ManagementClient` and its
//! managers), each called with arguments built from its operation's schemas, so that the driver
//! ([`crate::driver`]) checks the ergonomic layer the way it checks the generated client.
//!
//! [`SEEDS`] is the one list: the contract test runs every entry and prints how many ran; an
//! entry names the method (as a caller writes it), its operation, and the parameters it does
//! not take from the arguments (see [`crate::driver::Rules::free`]), each with why.

use std::future::Future;
use std::pin::Pin;

use auth0_management::api::types;
use auth0_management::managers::{
    client_grants::GetClientGrantsParams, clients::GetClientsParams,
    connections::GetConnectionsParams, device_credentials::GetDeviceCredentialsParams,
    jobs::ImportUsers, logs::GetLogsParams, resource_servers::GetResourceServersParams,
    rules::GetRulesParams, stats::GetDailyStatsParams, users::GetUserLogsParams,
    users::GetUsersParams,
};
use auth0_management::{Error, ManagementClient};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::driver::CallFuture;
use crate::outcome::Outcome;

/// The JSON arguments of one call (see [`crate::driver::Call::args`]), read as the method's
/// argument types.
#[derive(Clone, Debug)]
pub struct Args(pub Value);

impl Args {
    /// A path parameter (strings as they are, anything else as JSON text).
    pub fn path(&self, key: &str) -> String {
        match &self.0[key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// An optional string parameter.
    pub fn str(&self, key: &str) -> Option<String> {
        self.0.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// An optional boolean parameter.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.0.get(key).and_then(Value::as_bool)
    }

    /// An optional non-negative integer parameter.
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.0.get(key).and_then(Value::as_u64)
    }

    /// An optional parameter as any type the arguments deserialize into.
    pub fn typed<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.0
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| serde_json::from_value(v.clone()).expect("a generated argument decodes"))
    }

    /// The request body as the method's type.
    pub fn body<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.0["body"].clone()).expect("the generated body decodes")
    }
}

/// What a seed method's future ends with: its value, serialized.
pub type SeedFuture = Pin<Box<dyn Future<Output = Result<Value, Error>>>>;

/// One seed method.
pub struct Seed {
    /// The method, as a caller writes it (`client.get_users(params)`).
    pub method: &'static str,
    /// The operationId of the spec it sends.
    pub operation: &'static str,
    /// Parameters the method does not take from the arguments: checked against their schemas
    /// when sent. Why, for each entry, is in a comment beside it.
    pub free: &'static [&'static str],
    /// The call.
    pub call: fn(ManagementClient, Args) -> SeedFuture,
}

/// The method's value, serialized (`()` is `null`).
#[allow(clippy::result_large_err)] // The SDK's own error type, as its methods return it.
fn value<T: Serialize>(r: Result<T, Error>) -> Result<Value, Error> {
    r.map(|v| serde_json::to_value(v).expect("a decoded value serializes"))
}

/// A method's result as an [`Outcome`]: the ergonomic layer hides the status of a success,
/// which is taken to be the documented one; an API error keeps Auth0's fields.
pub fn outcome(documented: u16, r: Result<Value, Error>) -> Outcome {
    match r {
        Ok(body) => Outcome::Success {
            status: documented,
            body,
            raw: None,
        },
        Err(Error::Api {
            status,
            error,
            error_code,
            message,
            ..
        }) => Outcome::ErrorResponse {
            status,
            error: types::ApiError {
                error,
                error_code,
                message,
                status_code: Some(i64::from(status)),
            },
        },
        Err(Error::Decode { message, snippet }) => Outcome::Decode {
            body: snippet,
            error: message,
        },
        Err(Error::InvalidInput(e)) => Outcome::BadArguments(e),
        Err(other) => Outcome::Client(other.to_string()),
    }
}

/// A caller for the driver: `seed` on `client`.
pub fn caller(
    client: ManagementClient,
    seed: &Seed,
    documented: u16,
) -> impl Fn(Value) -> CallFuture + Sync {
    let call = seed.call;
    move |args| {
        let fut = call(client.clone(), Args(args));
        Box::pin(async move { outcome(documented, fut.await) })
    }
}

/// A `ManagementClient` for a mock server at `base_url` (`http://127.0.0.1:PORT`): a fixed
/// token, no retries (one request per call), no telemetry header.
pub fn client(base_url: &str) -> ManagementClient {
    ManagementClient::builder()
        .domain("contract-test.auth0.com")
        .base_url(base_url)
        .token("contract-test-token")
        .max_retries(0)
        .telemetry(false)
        .build()
        .expect("a client for the mock server")
}

/// Offset paging: the paginator sends the page, the page size and `include_totals` itself
/// (and refuses a page size of 0, which the spec allows but which would never advance: the
/// calls below leave such a size out).
const OFFSET: &[&str] = &["page", "per_page", "include_totals"];
/// Offset or checkpoint paging (switched by `from`/`take`): the paginator sends these itself.
const PAGING: &[&str] = &["page", "per_page", "include_totals", "from", "take"];
/// The methods with no field selection (use `get_with` for it).
const FIELDS: &[&str] = &["fields", "include_fields"];
/// The optional header of a few operations, which the ergonomic methods do not offer.
const CUSTOM_DOMAIN: &[&str] = &["auth0-custom-domain"];

macro_rules! seed {
    ($method:literal, $op:literal, $free:expr, |$c:ident, $a:ident| $body:expr) => {
        Seed {
            method: $method,
            operation: $op,
            free: $free,
            call: |$c, $a| Box::pin(async move { value($body.await) }),
        }
    };
}

/// Every seed method the contract test runs: every method of `ManagementClient` that sends a
/// request (node-auth0 v2's, README "node-auth0 v2 `ManagementClient` methods in Rust", and a
/// few more), the client-grants manager (the seed has no client-level methods for it), and the
/// managers' `get_with` variants. The test fails on a method of `ManagementClient` in the
/// managers that is neither here nor on [`NOT_SEEDED`].
pub static SEEDS: &[Seed] = &[
    seed!(
        "client.blacklist_token(&data)",
        "post_tokens",
        &[],
        |c, a| c.blacklist_token(&a.body())
    ),
    // Takes no `aud`: the manager's `get_all(&params)` does.
    seed!(
        "client.get_blacklisted_tokens()",
        "get_tokens",
        &["aud"],
        |c, _a| c.get_blacklisted_tokens()
    ),
    seed!(
        "client.blacklisted_tokens().get_all(&params)",
        "get_tokens",
        &[],
        |c, a| {
            let mut p =
                auth0_management::managers::blacklisted_tokens::GetBlacklistedTokensParams::new();
            if let Some(v) = a.str("aud") {
                p = p.aud(v);
            }
            async move { c.blacklisted_tokens().get_all(&p).await }
        }
    ),
    seed!(
        "client.configure_email_provider(&data)",
        "post_provider",
        &[],
        |c, a| c.configure_email_provider(&a.body())
    ),
    seed!(
        "client.get_email_provider()",
        "get_provider",
        FIELDS,
        |c, _a| c.get_email_provider()
    ),
    seed!(
        "client.email_provider().get(&params)",
        "get_provider",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::email_provider::GetEmailProviderParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.email_provider().get(&p).await }
        }
    ),
    seed!(
        "client.update_email_provider(&data)",
        "patch_provider",
        &[],
        |c, a| c.update_email_provider(&a.body())
    ),
    seed!(
        "client.delete_email_provider()",
        "delete_provider",
        &[],
        |c, _a| c.delete_email_provider()
    ),
    seed!(
        "client.create_client(&data)",
        "post_clients",
        &[],
        |c, a| c.create_client(&a.body())
    ),
    seed!(
        "client.get_client(id)",
        "get_clients_by_id",
        FIELDS,
        |c, a| c.get_client(&a.path("id"))
    ),
    seed!(
        "client.clients().get_with(id, &params)",
        "get_clients_by_id",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::clients::GetClientParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.clients().get_with(&a.path("id"), &p).await }
        }
    ),
    seed!(
        "client.get_clients(params).first_page()",
        "get_clients",
        PAGING,
        |c, a| {
            let mut p = GetClientsParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("from") {
                p = p.from(v);
            }
            if let Some(v) = a.u64("take").filter(|n| *n > 0) {
                p = p.take(v);
            }
            if let Some(v) = a.bool("is_global") {
                p = p.is_global(v);
            }
            if let Some(v) = a.bool("is_first_party") {
                p = p.is_first_party(v);
            }
            if let Some(v) = a.str("app_type") {
                p = p.app_type([v]);
            }
            if let Some(v) = a.str("external_client_id") {
                p = p.external_client_id(v);
            }
            if let Some(v) = a.str("q") {
                p = p.q(v);
            }
            async move { c.get_clients(p).first_page().await.map(|p| p.items) }
        }
    ),
    seed!(
        "client.update_client(id, &data)",
        "patch_clients_by_id",
        &[],
        |c, a| c.update_client(&a.path("id"), &a.body())
    ),
    seed!(
        "client.delete_client(id)",
        "delete_clients_by_id",
        &[],
        |c, a| c.delete_client(&a.path("id"))
    ),
    seed!(
        "client.create_connection(&data)",
        "post_connections",
        &[],
        |c, a| c.create_connection(&a.body())
    ),
    seed!(
        "client.get_connection(id)",
        "get_connections_by_id",
        FIELDS,
        |c, a| c.get_connection(&a.path("id"))
    ),
    seed!(
        "client.connections().get_with(id, &params)",
        "get_connections_by_id",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::connections::GetConnectionParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.connections().get_with(&a.path("id"), &p).await }
        }
    ),
    seed!(
        "client.get_connections(params).first_page()",
        "get_connections",
        PAGING,
        |c, a| {
            let mut p = GetConnectionsParams::new();
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("from") {
                p = p.from(v);
            }
            if let Some(v) = a.u64("take").filter(|n| *n > 0) {
                p = p.take(v);
            }
            if let Some(v) = a.typed::<Vec<types::ConnectionStrategyEnum>>("strategy") {
                p = p.strategy(v);
            }
            if let Some(v) = a.str("name") {
                p = p.name(v);
            }
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.get_connections(p).first_page().await.map(|p| p.items) }
        }
    ),
    seed!(
        "client.update_connection(id, &data)",
        "patch_connections_by_id",
        &[],
        |c, a| c.update_connection(&a.path("id"), &a.body())
    ),
    seed!(
        "client.delete_connection(id)",
        "delete_connections_by_id",
        &[],
        |c, a| c.delete_connection(&a.path("id"))
    ),
    seed!(
        "client.create_device_public_key(&data)",
        "post_device-credentials",
        &[],
        |c, a| c.create_device_public_key(&a.body())
    ),
    seed!(
        "client.get_device_credentials(params).first_page()",
        "get_device-credentials",
        OFFSET,
        |c, a| {
            let mut p = GetDeviceCredentialsParams::new();
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            if let Some(v) = a.str("user_id") {
                p = p.user_id(v);
            }
            if let Some(v) = a.str("client_id") {
                p = p.client_id(v);
            }
            if let Some(v) = a.str("type") {
                p = p.credential_type(v);
            }
            async move {
                c.get_device_credentials(p)
                    .first_page()
                    .await
                    .map(|p| p.items)
            }
        }
    ),
    seed!(
        "client.delete_device_credential(id)",
        "delete_device-credentials_by_id",
        &[],
        |c, a| c.delete_device_credential(&a.path("id"))
    ),
    seed!(
        "client.create_email_verification_ticket(&data)",
        "post_email-verification",
        CUSTOM_DOMAIN,
        |c, a| c.create_email_verification_ticket(&a.body())
    ),
    seed!(
        "client.create_password_change_ticket(&data)",
        "post_password-change",
        CUSTOM_DOMAIN,
        |c, a| c.create_password_change_ticket(&a.body())
    ),
    seed!(
        "client.create_resource_server(&data)",
        "post_resource-servers",
        &[],
        |c, a| c.create_resource_server(&a.body())
    ),
    seed!(
        "client.get_resource_server(id)",
        "get_resource-servers_by_id",
        &["include_fields"],
        |c, a| c.get_resource_server(&a.path("id"))
    ),
    // `include_fields` is a `bool` here, always sent: checked against its schema only.
    seed!(
        "client.resource_servers().get_with(id, include_fields)",
        "get_resource-servers_by_id",
        &["include_fields"],
        |c, a| async move {
            c.resource_servers()
                .get_with(&a.path("id"), a.bool("include_fields").unwrap_or(true))
                .await
        }
    ),
    seed!(
        "client.get_resource_servers(params).first_page()",
        "get_resource-servers",
        OFFSET,
        |c, a| {
            let mut p = GetResourceServersParams::new();
            if let Some(v) = a.typed::<Vec<String>>("identifiers") {
                p = p.identifiers(v);
            }
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move {
                c.get_resource_servers(p)
                    .first_page()
                    .await
                    .map(|p| p.items)
            }
        }
    ),
    seed!(
        "client.update_resource_server(id, &data)",
        "patch_resource-servers_by_id",
        &[],
        |c, a| c.update_resource_server(&a.path("id"), &a.body())
    ),
    seed!(
        "client.delete_resource_server(id)",
        "delete_resource-servers_by_id",
        &[],
        |c, a| c.delete_resource_server(&a.path("id"))
    ),
    seed!("client.create_rule(&data)", "post_rules", &[], |c, a| c
        .create_rule(&a.body())),
    seed!("client.get_rule(id)", "get_rules_by_id", FIELDS, |c, a| c
        .get_rule(&a.path("id"))),
    seed!(
        "client.rules().get_with(id, &params)",
        "get_rules_by_id",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::rules::GetRuleParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.rules().get_with(&a.path("id"), &p).await }
        }
    ),
    seed!(
        "client.get_rules(params).first_page()",
        "get_rules",
        OFFSET,
        |c, a| {
            let mut p = GetRulesParams::new();
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.bool("enabled") {
                p = p.enabled(v);
            }
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.get_rules(p).first_page().await.map(|p| p.items) }
        }
    ),
    seed!(
        "client.update_rule(id, &data)",
        "patch_rules_by_id",
        &[],
        |c, a| c.update_rule(&a.path("id"), &a.body())
    ),
    seed!(
        "client.delete_rule(id)",
        "delete_rules_by_id",
        &[],
        |c, a| c.delete_rule(&a.path("id"))
    ),
    seed!(
        "client.get_active_users_count()",
        "get_active-users",
        &[],
        |c, _a| c.get_active_users_count()
    ),
    // The method refuses days that are not `YYYYMMDD` before sending (the spec says only
    // "string"), so it is called with fixed days, checked against the schema when sent.
    seed!(
        "client.get_daily_stats(&params)",
        "get_daily",
        &["from", "to"],
        |c, a| {
            let mut p = GetDailyStatsParams::new();
            if a.str("from").is_some() {
                p = p.from("20240101");
            }
            if a.str("to").is_some() {
                p = p.to("20240131");
            }
            async move { c.get_daily_stats(&p).await }
        }
    ),
    seed!(
        "client.get_tenant_settings()",
        "tenant_settings_route",
        FIELDS,
        |c, _a| c.get_tenant_settings()
    ),
    seed!(
        "client.tenant().get_settings(&params)",
        "tenant_settings_route",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::tenant::GetTenantSettingsParams::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.tenant().get_settings(&p).await }
        }
    ),
    seed!(
        "client.update_tenant_settings(&data)",
        "patch_settings",
        &[],
        |c, a| c.update_tenant_settings(&a.body())
    ),
    seed!("client.get_job(id)", "get_jobs_by_id", &[], |c, a| c
        .get_job(&a.path("id"))),
    seed!(
        "client.send_email_verification(&data)",
        "post_verification-email",
        CUSTOM_DOMAIN,
        |c, a| c.send_email_verification(&a.body())
    ),
    // The multipart upload the generated client does not have. The part values are not in the
    // arguments (the driver builds JSON bodies only): the checks are on the part names.
    seed!(
        "client.import_users(ImportUsers::from_bytes(..))",
        "post_users-imports",
        &[],
        |c, _a| c.import_users(
            ImportUsers::from_bytes("con_0123456789abcdef", b"[]".to_vec())
                .upsert(true)
                .external_id("contract-test")
                .send_completion_email(false)
        )
    ),
    seed!(
        "client.export_users(&data)",
        "post_users-exports",
        &[],
        |c, a| c.export_users(&a.body())
    ),
    seed!("client.get_job_errors(id)", "get_errors", &[], |c, a| c
        .get_job_errors(&a.path("id"))),
    seed!("client.get_log(id)", "get_logs_by_id", &[], |c, a| c
        .get_log(&a.path("id"))),
    // `sort` applies to offset paging only: it is dropped once `from`/`take` switch to
    // checkpoint paging (checkpoint pages follow the log order).
    seed!(
        "client.get_logs(params).first_page()",
        "get_logs",
        &["page", "per_page", "include_totals", "from", "take", "sort"],
        |c, a| {
            let mut p = GetLogsParams::new();
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.str("sort") {
                p = p.sort(v);
            }
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("from") {
                p = p.from(v);
            }
            if let Some(v) = a.u64("take").filter(|n| *n > 0) {
                p = p.take(v);
            }
            if let Some(v) = a.str("search") {
                p = p.search(v);
            }
            async move { c.get_logs(p).first_page().await.map(|p| p.items) }
        }
    ),
    seed!(
        "client.get_users(params).first_page()",
        "get_users",
        OFFSET,
        |c, a| {
            let mut p = GetUsersParams::new();
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("sort") {
                p = p.sort(v);
            }
            if let Some(v) = a.str("connection") {
                p = p.connection(v);
            }
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            if let Some(v) = a.str("q") {
                p = p.q(v);
            }
            if let Some(v) = a.typed("search_engine") {
                p = p.search_engine(v);
            }
            if let Some(v) = a.bool("primary_order") {
                p = p.primary_order(v);
            }
            async move { c.get_users(p).first_page().await.map(|p| p.items) }
        }
    ),
    seed!("client.get_user(id)", "get_users_by_id", FIELDS, |c, a| c
        .get_user(&a.path("id"))),
    seed!(
        "client.users().get_with(id, &fields)",
        "get_users_by_id",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::users::UserFields::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move { c.users().get_with(&a.path("id"), &p).await }
        }
    ),
    seed!(
        "client.create_user(&data)",
        "post_users",
        CUSTOM_DOMAIN,
        |c, a| c.create_user(&a.body())
    ),
    seed!(
        "client.update_user(id, &data)",
        "patch_users_by_id",
        CUSTOM_DOMAIN,
        |c, a| c.update_user(&a.path("id"), &a.body())
    ),
    seed!(
        "client.update_user_metadata(id, metadata)",
        "patch_users_by_id",
        // The body is `{"user_metadata": ..}` only.
        &["auth0-custom-domain", "body"],
        |c, a| async move {
            // Required-only bodies have none: an empty object (the method refuses non-objects).
            let metadata = match &a.0["body"]["user_metadata"] {
                Value::Null => serde_json::json!({}),
                m => m.clone(),
            };
            c.update_user_metadata(&a.path("id"), metadata).await
        }
    ),
    seed!(
        "client.update_app_metadata(id, metadata)",
        "patch_users_by_id",
        // The body is `{"app_metadata": ..}` only.
        &["auth0-custom-domain", "body"],
        |c, a| async move {
            // Required-only bodies have none: an empty object (the method refuses non-objects).
            let metadata = match &a.0["body"]["app_metadata"] {
                Value::Null => serde_json::json!({}),
                m => m.clone(),
            };
            c.update_app_metadata(&a.path("id"), metadata).await
        }
    ),
    seed!(
        "client.delete_user(id)",
        "delete_users_by_id",
        &[],
        |c, a| c.delete_user(&a.path("id"))
    ),
    seed!(
        "client.get_users_by_email(email)",
        "get_users-by-email",
        FIELDS,
        |c, a| async move {
            c.get_users_by_email(&a.str("email").unwrap_or_default())
                .await
        }
    ),
    seed!(
        "client.users().get_by_email_with(email, &fields)",
        "get_users-by-email",
        &[],
        |c, a| {
            let mut p = auth0_management::managers::users::UserFields::new();
            if let Some(v) = a.str("fields") {
                p = p.fields([v]);
            }
            if let Some(v) = a.bool("include_fields") {
                p = p.include_fields(v);
            }
            async move {
                c.users()
                    .get_by_email_with(&a.str("email").unwrap_or_default(), &p)
                    .await
            }
        }
    ),
    seed!(
        "client.link_users(id, &data)",
        "post_identities",
        &[],
        |c, a| c.link_users(&a.path("id"), &a.body())
    ),
    seed!(
        "client.unlink_users(id, provider, user_id)",
        "delete_user_identity_by_user_id",
        &[],
        |c, a| async move {
            c.unlink_users(&a.path("id"), &a.path("provider"), &a.path("user_id"))
                .await
        }
    ),
    seed!(
        "client.delete_user_multifactor(id, provider)",
        "delete_multifactor_by_provider",
        &[],
        |c, a| async move {
            let provider = a.typed("provider").expect("a provider");
            c.delete_user_multifactor(&a.path("id"), provider).await
        }
    ),
    seed!(
        "client.get_guardian_enrollments(id)",
        "get_enrollments",
        &[],
        |c, a| c.get_guardian_enrollments(&a.path("id"))
    ),
    seed!(
        "client.get_user_logs(id, params).first_page()",
        "get_logs_by_user",
        OFFSET,
        |c, a| {
            let mut p = GetUserLogsParams::new();
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.str("sort") {
                p = p.sort(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            async move {
                c.get_user_logs(&a.path("id"), p)
                    .first_page()
                    .await
                    .map(|p| p.items)
            }
        }
    ),
    seed!(
        "client.client_grants().get_all(params).first_page()",
        "get_client-grants",
        PAGING,
        |c, a| {
            let mut p = GetClientGrantsParams::new();
            if let Some(v) = a.u64("per_page").filter(|n| *n > 0) {
                p = p.per_page(v);
            }
            if let Some(v) = a.u64("page") {
                p = p.page(v);
            }
            if let Some(v) = a.bool("include_totals") {
                p = p.include_totals(v);
            }
            if let Some(v) = a.str("from") {
                p = p.from(v);
            }
            if let Some(v) = a.u64("take").filter(|n| *n > 0) {
                p = p.take(v);
            }
            if let Some(v) = a.str("audience") {
                p = p.audience(v);
            }
            if let Some(v) = a.str("client_id") {
                p = p.client_id(v);
            }
            if let Some(v) = a.bool("allow_any_organization") {
                p = p.allow_any_organization(v);
            }
            if let Some(v) = a.str("subject_type") {
                p = p.subject_type(v);
            }
            if let Some(v) = a.typed("default_for") {
                p = p.default_for(v);
            }
            async move {
                c.client_grants()
                    .get_all(p)
                    .first_page()
                    .await
                    .map(|p| p.items)
            }
        }
    ),
    seed!(
        "client.client_grants().get(id)",
        "get_client-grant",
        &[],
        |c, a| async move { c.client_grants().get(&a.path("id")).await }
    ),
    seed!(
        "client.client_grants().create(&data)",
        "post_client-grants",
        &[],
        |c, a| async move { c.client_grants().create(&a.body()).await }
    ),
    seed!(
        "client.client_grants().update(id, &data)",
        "patch_client-grants_by_id",
        &[],
        |c, a| async move { c.client_grants().update(&a.path("id"), &a.body()).await }
    ),
    seed!(
        "client.client_grants().delete(id)",
        "delete_client-grants_by_id",
        &[],
        |c, a| async move { c.client_grants().delete(&a.path("id")).await }
    ),
];

/// Methods of `ManagementClient` (in the managers' `impl ManagementClient` blocks) that are
/// not in [`SEEDS`], with why. Manager accessors (`client.users()`, ...) need no entry.
pub const NOT_SEEDED: &[(&str, &str)] = &[
    (
        "delete_all_users",
        "Auth0 removed DELETE /users: the spec has no operation for it",
    ),
    ("get_client_info", "sends nothing"),
];

/// The methods declared in the `impl ManagementClient` blocks of Rust source `text`, less the
/// manager accessors (methods that return a `...Manager`).
pub fn client_methods(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut inside = false;
    let mut pending: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("impl ManagementClient {") {
            inside = true;
            continue;
        }
        if inside && line.starts_with('}') {
            inside = false;
            continue;
        }
        if !inside {
            continue;
        }
        let t = line.trim_start();
        if let Some(name) = pending.take() {
            // The rest of a signature split over lines: only its return type matters.
            if !t.starts_with(')') || !t.contains("Manager") {
                if t.starts_with(')') || t.contains('{') {
                    out.push(name);
                } else {
                    pending = Some(name);
                }
            }
            continue;
        }
        let rest = t
            .strip_prefix("pub async fn ")
            .or_else(|| t.strip_prefix("pub fn "));
        if let Some(rest) = rest {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if t.contains('{') {
                if !t.contains("Manager {") {
                    out.push(name);
                }
            } else {
                pending = Some(name);
            }
        }
    }
    out
}
