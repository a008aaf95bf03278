//! The quickstart: `cargo run -p auth0-management --example quickstart`.
//!
//! With `AUTH0_DOMAIN` (and `AUTH0_CLIENT_ID`/`AUTH0_CLIENT_SECRET`, or `AUTH0_TOKEN`) set, it
//! runs against that tenant. Otherwise it starts the in-process emulator
//! (`auth0-management-emulator`) on 127.0.0.1, so it needs no account and no network.
//!
//! The flow: create a user, find it by e-mail, update its metadata, page through users, import a
//! batch of users with a job and wait for it, read the logs, delete what it created.

use std::time::Duration;

use auth0_management::ManagementClient;
use auth0_management::api::types;
use auth0_management::managers::connections::GetConnectionsParams;
use auth0_management::managers::jobs::ImportUsers;
use auth0_management::managers::logs::GetLogsParams;
use auth0_management::managers::users::{GetUsersParams, NewUser};
use futures::TryStreamExt;
use serde_json::json;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
#[allow(dead_code)] // tests/quickstart.rs includes this file and calls `run` itself
async fn main() -> Result<()> {
    if std::env::var_os("AUTH0_DOMAIN").is_some() {
        println!("Using the tenant in AUTH0_DOMAIN");
        run(&ManagementClient::from_env()?).await
    } else {
        let emulator = auth0_management_emulator::Emulator::start().await?;
        println!(
            "No AUTH0_DOMAIN: started the emulator at {}",
            emulator.base_url()
        );
        run(&client_for(&emulator)?).await
    }
}

/// A client for the emulated tenant: its origin over loopback http, its client credentials.
pub fn client_for(emulator: &auth0_management_emulator::Emulator) -> Result<ManagementClient> {
    Ok(ManagementClient::builder()
        .domain("emulator.local")
        .base_url(emulator.base_url())
        .audience(emulator.audience())
        .client_credentials(emulator.client_id(), emulator.client_secret())
        .build()?)
}

/// The quickstart's flow against any tenant.
pub async fn run(client: &ManagementClient) -> Result<()> {
    // A unique address per run, so the flow can run against a real tenant more than once.
    let run = std::process::id();
    let email = format!("quickstart-{run}@example.com");

    let connections: Vec<types::ConnectionForList> = client
        .get_connections(GetConnectionsParams::new())
        .collect_all()
        .await?;
    let database = connections
        .iter()
        .find(|c| c.name.as_deref() == Some("Username-Password-Authentication"))
        .ok_or("the tenant has no Username-Password-Authentication connection")?;
    let connection_id = database.id.clone().ok_or("the connection has no id")?;

    let new_user = NewUser::new("Username-Password-Authentication")
        .email(&email)
        .password("a long and unguessable passphrase")
        .user_metadata(json!({"theme": "dark", "newsletter": true}))
        .build()?;
    let user = client.create_user(&new_user).await?;
    let user_id = user.user_id.clone().ok_or("the new user has no id")?;
    println!("created user {user_id} <{email}>");

    let found = client.get_users_by_email(&email).await?;
    println!("found {} user(s) with that e-mail", found.len());

    let user = client
        .update_user_metadata(&user_id, json!({"newsletter": null, "locale": "en"}))
        .await?;
    println!("metadata after the merge: {:?}", user.user_metadata);

    let batch = json!([
        {"email": format!("imported-a-{run}@example.com"), "email_verified": true},
        {"email": format!("imported-b-{run}@example.com"), "user_metadata": {"plan": "pro"}},
    ]);
    let job = client
        .import_users(
            ImportUsers::from_bytes(connection_id, serde_json::to_vec(&batch)?)
                .file_name("users.json")
                .upsert(true),
        )
        .await?;
    println!("import job {} is {}", job.id, job.status);
    let job = client
        .jobs()
        .wait_for_job(
            &job.id,
            Duration::from_millis(250),
            Duration::from_secs(120),
        )
        .await?;
    println!("import job {} is {}: {:?}", job.id, job.status, job.summary);

    let mut pages = client
        .get_users(
            GetUsersParams::new()
                .per_page(2)
                .q(format!("email:*{run}@example.com")),
        )
        .pages();
    let mut seen = 0;
    while let Some(page) = pages.try_next().await? {
        seen += page.items.len();
        println!("a page of {} user(s), {seen} so far", page.items.len());
    }

    let logs = client
        .get_logs(GetLogsParams::new().take(5))
        .first_page()
        .await?;
    for event in &logs.items {
        println!(
            "log {}: {}",
            event.type_.as_deref().unwrap_or("?"),
            event.description.as_deref().unwrap_or("")
        );
    }

    let imported: Vec<types::UserResponseSchema> = client
        .get_users(GetUsersParams::new().q(format!("email:imported-*-{run}@example.com")))
        .collect_all()
        .await?;
    for u in imported.iter().chain(std::iter::once(&user)) {
        if let Some(id) = &u.user_id {
            client.delete_user(id).await?;
            println!("deleted {id}");
        }
    }
    println!("done");
    Ok(())
}
