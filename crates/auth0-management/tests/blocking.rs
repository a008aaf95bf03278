//! The blocking client on plain threads (no async runtime), against a local mock server.
#![cfg(feature = "blocking")]

use std::time::Duration;

use auth0_management::Error;
use auth0_management::blocking::ManagementClient;
use auth0_management::managers::jobs::ImportUsers;
use auth0_management::managers::logs::GetLogsParams;
use auth0_management::managers::users::GetUsersParams;
use httpmock::prelude::*;
use serde_json::json;

fn client(server: &MockServer) -> ManagementClient {
    ManagementClient::from_builder(
        ManagementClient::builder()
            .domain("tenant.auth0.com")
            .base_url(server.base_url())
            .token("tok")
            .max_retries(0),
    )
    .unwrap()
}

#[test]
fn seed_methods_without_a_runtime() {
    let server = MockServer::start();
    let get = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/users/auth0%7Cabc")
            .header("authorization", "Bearer tok");
        then.status(200)
            .json_body(json!({"user_id": "auth0|abc", "email": "a@example.com"}));
    });
    let meta = server.mock(|when, then| {
        when.method(PATCH)
            .path("/api/v2/users/auth0%7Cabc")
            .json_body(json!({"user_metadata": {"k": "v"}}));
        then.status(200)
            .json_body(json!({"user_id": "auth0|abc", "user_metadata": {"k": "v"}}));
    });
    let import = server.mock(|when, then| {
        when.method(POST)
            .path("/api/v2/jobs/users-imports")
            .body_includes("name=\"connection_id\"\r\n\r\ncon_a\r\n")
            .body_includes("filename=\"users.json\"");
        then.status(202)
            .json_body(json!({"id": "job_1", "type": "users_import", "status": "pending"}));
    });
    let job = server.mock(|when, then| {
        when.method(GET).path("/api/v2/jobs/job_1");
        then.status(200)
            .json_body(json!({"id": "job_1", "type": "users_import", "status": "completed"}));
    });

    let c = client(&server);
    // From another plain thread too (the client is Send + Sync and clonable).
    let c2 = c.clone();
    let user = std::thread::spawn(move || c2.get_user("auth0|abc").unwrap())
        .join()
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("a@example.com"));
    let user = c
        .update_user_metadata("auth0|abc", json!({"k": "v"}))
        .unwrap();
    assert_eq!(user.user_id.as_deref(), Some("auth0|abc"));
    let j = c
        .import_users(ImportUsers::from_bytes("con_a", "[]"))
        .unwrap();
    assert_eq!(j.status, "pending");
    let j = c
        .wait_for_job("job_1", Duration::from_millis(1), Duration::from_secs(30))
        .unwrap();
    assert_eq!(j.status, "completed");
    assert!(matches!(c.get_user(""), Err(Error::InvalidInput(_))));
    get.assert();
    meta.assert();
    import.assert();
    job.assert();
}

#[test]
fn listings_are_lazy_iterators() {
    let server = MockServer::start();
    let page = |p: u64, ids: &[&str]| {
        json!({"start": p * 2, "limit": 2, "total": 3,
               "users": ids.iter().map(|i| json!({"user_id": i})).collect::<Vec<_>>()})
    };
    let p0 = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/users")
            .query_param("page", "0");
        then.status(200).json_body(page(0, &["u1", "u2"]));
    });
    let p1 = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/users")
            .query_param("page", "1");
        then.status(200).json_body(page(1, &["u3"]));
    });
    let logs = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/logs")
            .query_param("take", "5");
        then.status(200).json_body(json!([{"log_id": "l1"}]));
    });
    let c = client(&server);
    let listing = c.get_users(GetUsersParams::new().per_page(2));
    let mut items = listing.items();
    assert_eq!(
        items.next().unwrap().unwrap().user_id.as_deref(),
        Some("u1")
    );
    assert_eq!(p0.calls(), 1);
    assert_eq!(p1.calls(), 0, "page 1 is fetched only when reached");
    let rest: Vec<_> = items.map(|u| u.unwrap().user_id.unwrap()).collect();
    assert_eq!(rest, ["u2", "u3"]);
    assert_eq!(p1.calls(), 1);

    let first = listing.first_page().unwrap();
    assert_eq!(first.total, Some(3));
    assert_eq!(listing.pages().count(), 2);

    let events = c
        .get_logs(GetLogsParams::new().take(5))
        .collect_all()
        .unwrap();
    assert_eq!(events.len(), 1);
    logs.assert();
}

#[test]
fn errors_are_returned_and_end_iteration() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v2/users");
        then.status(403).json_body(json!({
            "statusCode": 403, "error": "Forbidden", "message": "Insufficient scope",
            "errorCode": "insufficient_scope"
        }));
    });
    let c = client(&server);
    let mut items = c.get_users(GetUsersParams::new()).items();
    assert!(matches!(
        items.next(),
        Some(Err(Error::Api { status: 403, .. }))
    ));
    assert!(items.next().is_none());
}

#[tokio::test]
async fn inside_a_runtime_is_an_error_not_a_panic() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users/x");
            then.status(200).json_body(json!({"user_id": "x"}));
        })
        .await;
    // Built (and dropped) inside the runtime: fine. Called: a clear error.
    let c = client(&server);
    let err = c.get_user("x").unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("async runtime")),
        "{err:?}"
    );
    let mut items = c.get_users(GetUsersParams::new()).items();
    assert!(matches!(items.next(), Some(Err(Error::Config(_)))));
    assert_eq!(m.calls_async().await, 0);
    drop(c);
}

#[cfg(feature = "rules")]
#[test]
fn other_managers_seed_methods() {
    use auth0_management::managers::rules::GetRulesParams;

    let server = MockServer::start();
    let list = server.mock(|when, then| {
        when.method(GET).path("/api/v2/rules");
        then.status(200)
            .json_body(json!([{"id": "r1", "name": "a"}]));
    });
    let del = server.mock(|when, then| {
        when.method(DELETE).path("/api/v2/rules/r1");
        then.status(204);
    });
    let c = client(&server);
    let rules = c.get_rules(GetRulesParams::new()).collect_all().unwrap();
    assert_eq!(rules[0].id.as_deref(), Some("r1"));
    c.delete_rule("r1").unwrap();
    list.assert();
    del.assert();
    // Generated calls and manager methods through `call` / `run`.
    let _ = c.client_info();
    let r = c.run(|a| async move { a.rules().get_all(GetRulesParams::new()).collect_all().await });
    assert_eq!(r.unwrap().len(), 1);
}
