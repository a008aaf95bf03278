//! End-to-end scenarios: the SDK's methods against the in-process emulator (token endpoint,
//! spec validation of every request, responses checked against the spec in debug builds), and
//! the SDK's retries against the emulator's fault knobs, counted server-side.
#![cfg(all(
    feature = "users",
    feature = "users-by-email",
    feature = "jobs",
    feature = "logs",
    feature = "connections",
    feature = "clients",
    feature = "client-grants",
    feature = "rules",
    feature = "resource-servers",
    feature = "device-credentials",
    feature = "emails",
    feature = "tenants",
    feature = "blacklists",
    feature = "tickets",
    feature = "stats"
))]

use std::time::Duration;

mod common;
use common::new_app;

use auth0_management::api::types;
use auth0_management::managers::client_grants::GetClientGrantsParams;
use auth0_management::managers::clients::GetClientsParams;
use auth0_management::managers::connections::GetConnectionsParams;
use auth0_management::managers::device_credentials::GetDeviceCredentialsParams;
use auth0_management::managers::jobs::ImportUsers;
use auth0_management::managers::logs::GetLogsParams;
use auth0_management::managers::resource_servers::GetResourceServersParams;
use auth0_management::managers::rules::GetRulesParams;
use auth0_management::managers::stats::GetDailyStatsParams;
use auth0_management::managers::users::{GetUserLogsParams, GetUsersParams, NewUser};
use auth0_management::{Error, ManagementClient, RetryPolicy};
use auth0_management_emulator::{Emulator, EmulatorBuilder};
use serde_json::json;

const DB: &str = "Username-Password-Authentication";

fn client_for(emu: &Emulator, retry: RetryPolicy) -> ManagementClient {
    ManagementClient::builder()
        .domain("emulator.local")
        .base_url(emu.base_url())
        .audience(emu.audience())
        .client_credentials(emu.client_id(), emu.client_secret())
        .retry_policy(retry)
        .build()
        .unwrap()
}

async fn start(builder: EmulatorBuilder) -> (Emulator, ManagementClient) {
    let emu = builder.start().await.unwrap();
    let client = client_for(&emu, RetryPolicy::none());
    (emu, client)
}

async fn new_user(c: &ManagementClient, email: &str) -> String {
    let data = NewUser::new(DB)
        .email(email)
        .password("a long enough passphrase")
        .build()
        .unwrap();
    c.create_user(&data).await.unwrap().user_id.unwrap()
}

async fn database_id(c: &ManagementClient) -> String {
    let all = c
        .get_connections(GetConnectionsParams::new())
        .collect_all()
        .await
        .unwrap();
    all.into_iter()
        .find(|c| c.name.as_deref() == Some(DB))
        .and_then(|c| c.id)
        .unwrap()
}

fn api_status(e: &Error) -> Option<u16> {
    match e {
        Error::Api { status, .. } => Some(*status),
        _ => None,
    }
}

#[tokio::test]
async fn users_end_to_end() {
    let (_emu, c) = start(Emulator::builder()).await;
    let id = new_user(&c, "Ann@Example.com").await;
    let u = c.get_user(&id).await.unwrap();
    assert_eq!(
        u.email.as_deref(),
        Some("ann@example.com"),
        "stored lower case"
    );
    let found = c.get_users_by_email("ann@example.com").await.unwrap();
    assert_eq!(found.len(), 1);
    let u = c
        .update_user_metadata(&id, json!({"theme": "dark", "lang": "en"}))
        .await
        .unwrap();
    assert_eq!(u.user_metadata.unwrap().0["theme"], "dark");
    let u = c
        .update_user_metadata(&id, json!({"lang": null}))
        .await
        .unwrap();
    assert_eq!(u.user_metadata.unwrap().0.len(), 1);
    let u = c
        .update_app_metadata(&id, json!({"plan": "pro"}))
        .await
        .unwrap();
    assert_eq!(u.app_metadata.unwrap().0["plan"], "pro");
    let data = types::UpdateUserRequestContent {
        name: Some("Ann".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(
        c.update_user(&id, &data).await.unwrap().name.as_deref(),
        Some("Ann")
    );
    for i in 0..5 {
        new_user(&c, &format!("page-{i}@example.com")).await;
    }
    let all = c
        .get_users(GetUsersParams::new().per_page(2))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    let some = c
        .get_users(GetUsersParams::new().q("email:page-*@example.com"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(some.len(), 5);
    // A duplicate and a weak password, as Auth0 answers them.
    let dup = NewUser::new(DB)
        .email("ann@example.com")
        .password("a long enough passphrase")
        .build()
        .unwrap();
    assert_eq!(
        api_status(&c.create_user(&dup).await.unwrap_err()),
        Some(409)
    );
    let weak = NewUser::new(DB)
        .email("weak@example.com")
        .password("short")
        .build()
        .unwrap();
    assert_eq!(
        api_status(&c.create_user(&weak).await.unwrap_err()),
        Some(400)
    );
    c.delete_user(&id).await.unwrap();
    assert_eq!(api_status(&c.get_user(&id).await.unwrap_err()), Some(404));
}

#[tokio::test]
async fn identities_enrollments_multifactor_and_user_logs() {
    let (_emu, c) = start(Emulator::builder()).await;
    let primary = new_user(&c, "main@example.com").await;
    let secondary = new_user(&c, "other@example.com").await;
    let bare = secondary.trim_start_matches("auth0|").to_string();
    let data = types::LinkUserIdentityRequestContent {
        provider: Some("auth0".into()),
        user_id: Some(serde_json::from_value(json!(bare)).unwrap()),
        ..Default::default()
    };
    let ids = c.link_users(&primary, &data).await.unwrap();
    assert_eq!(ids.len(), 2);
    let left = c.unlink_users(&primary, "auth0", &bare).await.unwrap();
    assert_eq!(left.0.len(), 1);
    assert!(c.get_user(&secondary).await.is_ok());
    assert!(
        c.get_guardian_enrollments(&primary)
            .await
            .unwrap()
            .is_empty()
    );
    c.delete_user_multifactor(&primary, types::UserMultifactorProviderEnum::Duo)
        .await
        .unwrap();
    let logs = c
        .get_user_logs(&primary, GetUserLogsParams::new())
        .collect_all()
        .await
        .unwrap();
    assert!(logs.len() >= 2, "create, link and unlink are logged");
}

#[tokio::test]
async fn rules_clients_grants_and_resource_servers() {
    let (emu, c) = start(Emulator::builder()).await;
    let rule = c
        .create_rule(&types::CreateRuleRequestContent {
            name: "my-rule".parse().unwrap(),
            script: "function (u, c, cb) { cb(null, u, c); }".parse().unwrap(),
            enabled: Some(true),
            order: None,
        })
        .await
        .unwrap();
    let rule_id = rule.id.unwrap();
    let data = types::UpdateRuleRequestContent {
        enabled: Some(false),
        ..Default::default()
    };
    assert_eq!(
        c.update_rule(&rule_id, &data).await.unwrap().enabled,
        Some(false)
    );
    assert_eq!(
        c.get_rules(GetRulesParams::new())
            .collect_all()
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(c.get_rule(&rule_id).await.is_ok());
    c.delete_rule(&rule_id).await.unwrap();

    let app = c.create_client(&new_app()).await.unwrap();
    let client_id = app.client_id.clone().unwrap();
    let data = types::UpdateClientRequestContent {
        name: Some("Renamed".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(
        c.update_client(&client_id, &data)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Renamed")
    );
    let rotated = c.clients().rotate_secret(&client_id).await.unwrap();
    assert_ne!(rotated.client_secret, app.client_secret);
    for _ in 0..2 {
        c.create_client(&new_app()).await.unwrap();
    }
    let apps = c
        .get_clients(GetClientsParams::new().per_page(2))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(apps.len(), 3);
    let by_checkpoint = c
        .get_clients(GetClientsParams::new().take(2))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(by_checkpoint.len(), 3);

    let api = c.create_resource_server(&new_api()).await.unwrap();
    let api_id = api.id.unwrap();
    let data = types::UpdateResourceServerRequestContent {
        name: Some("Renamed API".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(
        c.update_resource_server(&api_id, &data)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Renamed API")
    );
    let apis = c
        .get_resource_servers(GetResourceServersParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(apis.len(), 2, "with the tenant's own Management API");
    assert!(
        apis.iter()
            .any(|a| a.identifier.as_deref() == Some(emu.audience().as_str()))
    );

    let grants = c.client_grants();
    let g = grants
        .create(&types::CreateClientGrantRequestContent {
            allow_all_scopes: None,
            allow_any_organization: None,
            audience: "https://api.example.com/".parse().unwrap(),
            authorization_details_types: Vec::new(),
            client_id: Some(client_id.clone()),
            default_for: None,
            organization_usage: None,
            scope: vec!["read:things".parse().unwrap()],
            subject_type: None,
        })
        .await
        .unwrap();
    let gid = g.id.unwrap();
    let data = types::UpdateClientGrantRequestContent {
        allow_all_scopes: Some(true),
        ..Default::default()
    };
    assert_eq!(
        grants.update(&gid, &data).await.unwrap().allow_all_scopes,
        Some(true)
    );
    let mine = grants
        .get_all(GetClientGrantsParams::new().client_id(&client_id))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(grants.get(&gid).await.is_ok());
    grants.delete(&gid).await.unwrap();
    c.delete_resource_server(&api_id).await.unwrap();
    c.delete_client(&client_id).await.unwrap();
    assert_eq!(
        api_status(&c.get_client(&client_id).await.unwrap_err()),
        Some(404)
    );
}

#[tokio::test]
async fn connections_device_credentials_and_tenant_singletons() {
    let (_emu, c) = start(Emulator::builder()).await;
    let created = c
        .create_connection(&types::CreateConnectionRequestContent {
            authentication: None,
            connected_accounts: None,
            cross_app_access_requesting_app: None,
            display_name: None,
            enabled_clients: Vec::new(),
            is_domain_connection: None,
            metadata: None,
            name: "my-db".parse().unwrap(),
            options: None,
            realms: Vec::new(),
            show_as_button: None,
            strategy: types::IdentityProviderEnum::Auth0,
        })
        .await
        .unwrap();
    let con = created.id.unwrap();
    let data = types::UpdateConnectionRequestContent {
        show_as_button: Some(true),
        ..Default::default()
    };
    assert_eq!(
        c.update_connection(&con, &data)
            .await
            .unwrap()
            .show_as_button,
        Some(true)
    );
    assert!(c.get_connection(&con).await.is_ok());
    let two = c
        .get_connections(GetConnectionsParams::new().take(1))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    c.delete_connection(&con).await.unwrap();

    let key = c
        .create_device_public_key(&types::CreatePublicKeyDeviceCredentialRequestContent {
            client_id: None,
            device_id: "0a1b2c3d".parse().unwrap(),
            device_name: "Phone".parse().unwrap(),
            type_: types::PublicKeyCredentialTypeEnum::PublicKey,
            value: "KEY".parse().unwrap(),
        })
        .await
        .unwrap();
    let creds = c
        .get_device_credentials(GetDeviceCredentialsParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(creds.len(), 1);
    c.delete_device_credential(&key.id).await.unwrap();

    assert_eq!(
        api_status(&c.get_email_provider().await.unwrap_err()),
        Some(404)
    );
    let p = c
        .configure_email_provider(&types::CreateEmailProviderRequestContent {
            credentials: types::EmailProviderCredentialsSchema {
                subtype_0: Some(types::EmailProviderCredentialsSchemaSubtype0 {
                    api_key: "SG.key".parse().unwrap(),
                }),
                ..Default::default()
            },
            default_from_address: Some("no-reply@example.com".into()),
            enabled: Some(true),
            name: types::EmailProviderNameEnum::Sendgrid,
            settings: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(p.enabled, Some(true));
    let data = types::UpdateEmailProviderRequestContent {
        enabled: Some(false),
        ..Default::default()
    };
    assert_eq!(
        c.update_email_provider(&data).await.unwrap().enabled,
        Some(false)
    );
    assert!(c.get_email_provider().await.is_ok());
    c.delete_email_provider().await.unwrap();

    let data = types::UpdateTenantSettingsRequestContent {
        friendly_name: Some("Acme".into()),
        support_email: Some("help@example.com".into()),
        ..Default::default()
    };
    c.update_tenant_settings(&data).await.unwrap();
    let s = c.get_tenant_settings().await.unwrap();
    assert_eq!(s.friendly_name.as_deref(), Some("Acme"));
    assert_eq!(s.support_email.as_deref(), Some("help@example.com"));

    c.blacklist_token(&types::BlacklistTokenRequestContent {
        aud: Some("aud".parse().unwrap()),
        jti: "jti-1".parse().unwrap(),
    })
    .await
    .unwrap();
    assert_eq!(c.get_blacklisted_tokens().await.unwrap().len(), 1);
}

#[tokio::test]
async fn tickets_stats_jobs_and_logs() {
    let (_emu, c) = start(Emulator::builder()).await;
    let id = new_user(&c, "jobs@example.com").await;
    let t = c
        .create_email_verification_ticket(&types::VerifyEmailTicketRequestContent {
            user_id: id.clone(),
            result_url: Some("https://example.com/verified".into()),
            ttl_sec: Some(3600),
            client_id: None,
            identity: None,
            include_email_in_redirect: None,
            organization_id: None,
        })
        .await
        .unwrap();
    assert!(t.ticket.contains("ticket="));
    let t = c
        .create_password_change_ticket(&types::ChangePasswordTicketRequestContent {
            user_id: Some(id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(t.ticket.contains("ticket="));
    assert_eq!(c.get_active_users_count().await.unwrap(), 0);
    let daily = c
        .get_daily_stats(&GetDailyStatsParams::new())
        .await
        .unwrap();
    assert_eq!(daily.len(), 30);
    assert_eq!(daily.iter().map(|d| d.signups.unwrap_or(0)).sum::<i64>(), 1);

    let jobs = c.jobs();
    let connection_id = database_id(&c).await;
    let batch = json!([{"email": "imp-1@example.com"}, {"email": "jobs@example.com"}]);
    let job = c
        .import_users(ImportUsers::from_bytes(
            connection_id.clone(),
            serde_json::to_vec(&batch).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(job.status, "pending");
    let done = jobs
        .wait_for_job(&job.id, Duration::from_millis(20), Duration::from_secs(30))
        .await
        .unwrap();
    let summary = done.summary.unwrap();
    assert_eq!((summary.inserted, summary.failed), (Some(1), Some(1)));
    let errors = c.get_job_errors(&job.id).await.unwrap();
    assert!(matches!(errors, types::GetErrorsResponse::Array(ref e) if e.len() == 1));

    let export = c
        .export_users(&types::CreateExportUsersRequestContent {
            connection_id: Some(connection_id.parse().unwrap()),
            format: Some("json".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let done = jobs
        .wait_for_job(
            &export.id,
            Duration::from_millis(20),
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    let location = done.location.unwrap();
    let file = reqwest::get(&location).await.unwrap().text().await.unwrap();
    assert_eq!(file.lines().count(), 2);

    let v = c
        .send_email_verification(&types::CreateVerificationEmailRequestContent {
            user_id: id.clone(),
            client_id: None,
            identity: None,
            organization_id: None,
        })
        .await
        .unwrap();
    jobs.wait_for_job(&v.id, Duration::from_millis(20), Duration::from_secs(30))
        .await
        .unwrap();

    let by_offset = c
        .get_logs(GetLogsParams::new().per_page(1))
        .collect_all()
        .await
        .unwrap();
    let by_checkpoint = c
        .get_logs(GetLogsParams::new().take(1))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(by_offset.len(), by_checkpoint.len());
    assert!(by_offset.len() >= 2);
    let first = by_checkpoint[0].log_id.clone().unwrap();
    assert_eq!(c.get_log(&first).await.unwrap().log_id, Some(first));
}

#[tokio::test]
async fn requests_the_emulator_rejects_are_errors() {
    let (_emu, c) = start(Emulator::builder()).await;
    // The e-mail shape is checked against the spec's `format: email`.
    let bad = NewUser::new(DB)
        .email("not an address")
        .password("a long enough passphrase")
        .build()
        .unwrap();
    match c.create_user(&bad).await.unwrap_err() {
        Error::Api { status, .. } => assert_eq!(status, 400),
        other => panic!("{other:?}"),
    }
    let narrow_emu = Emulator::builder()
        .scopes(["read:rules"])
        .start()
        .await
        .unwrap();
    let narrow = client_for(&narrow_emu, RetryPolicy::none());
    assert_eq!(
        api_status(
            &narrow
                .get_users_by_email("a@example.com")
                .await
                .unwrap_err()
        ),
        Some(403)
    );
}

#[tokio::test]
async fn retries_honour_the_rate_limit() {
    let emu = Emulator::builder()
        .rate_limit(1, Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let c = client_for(&emu, RetryPolicy::default().with_max_retries(3));
    c.get_rules(GetRulesParams::new())
        .collect_all()
        .await
        .unwrap();
    // The bucket is empty now: the next call is answered 429 with `retry-after`, and the SDK
    // waits that long and tries again.
    c.get_rules(GetRulesParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(emu.rejected_requests(), 1);
    assert_eq!(emu.api_requests(), 3);
    // Without retries the 429 reaches the caller.
    let no_retry = client_for(&emu, RetryPolicy::none());
    emu.fail_next(1, 429);
    match no_retry.get_rule("rul_x").await.unwrap_err() {
        Error::RateLimited {
            rate_limit,
            error_code,
            ..
        } => {
            assert_eq!(rate_limit.limit, Some(1));
            assert_eq!(error_code.as_deref(), Some("too_many_requests"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn retries_on_server_errors_only_for_idempotent_calls() {
    let emu = Emulator::start().await.unwrap();
    let retry = RetryPolicy::default()
        .with_max_retries(3)
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(50));
    let c = client_for(&emu, retry);
    let id = new_user(&c, "retry@example.com").await;
    let before = emu.api_requests();
    emu.fail_next(2, 503);
    c.get_user(&id).await.unwrap();
    assert_eq!(emu.api_requests() - before, 3, "two 503s, then the answer");
    // A create is not idempotent: the 503 is returned, not retried.
    let before = emu.api_requests();
    emu.fail_next(1, 503);
    let data = NewUser::new(DB)
        .email("once@example.com")
        .password("a long enough passphrase")
        .build()
        .unwrap();
    assert_eq!(
        api_status(&c.create_user(&data).await.unwrap_err()),
        Some(503)
    );
    assert_eq!(emu.api_requests() - before, 1);
    // Latency on the token endpoint and the API slows calls down but they still succeed.
    let slow = Emulator::builder()
        .latency(Duration::from_millis(20))
        .token_latency(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let c = client_for(&slow, RetryPolicy::none());
    assert!(
        c.get_users_by_email("x@example.com")
            .await
            .unwrap()
            .is_empty()
    );
}

fn new_api() -> types::CreateResourceServerRequestContent {
    types::CreateResourceServerRequestContent {
        allow_offline_access: None,
        allow_online_access: None,
        allow_online_access_with_ephemeral_sessions: None,
        authorization_details: None,
        authorization_policy: None,
        consent_policy: None,
        enforce_policies: None,
        identifier: "https://rs1.example.com/".parse().unwrap(),
        name: Some("api rs1".parse().unwrap()),
        proof_of_possession: None,
        scopes: Vec::new(),
        signing_alg: None,
        signing_secret: None,
        skip_consent_for_verifiable_first_party_clients: None,
        subject_type_authorization: None,
        token_dialect: None,
        token_encryption: None,
        token_lifetime: None,
    }
}
