//! `client.users()` and the seed's user methods against a local mock server: exact method,
//! path (encoded ids), query and body, and the decoded result.

use auth0_management::Error;
use auth0_management::api::types::{
    LinkUserIdentityRequestContent, SearchEngineVersionsEnum, UpdateUserRequestContent,
    UserIdString, UserMultifactorProviderEnum,
};
use auth0_management::managers::users::{
    ConfirmDeleteAllUsers, GetUserLogsParams, GetUsersParams, NewUser, UserFields,
};
use futures::TryStreamExt as _;
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

fn user(id: &str) -> serde_json::Value {
    json!({"user_id": id, "email": format!("{id}@example.com"), "unknown_field": {"x": 1}})
}

#[tokio::test]
async fn get_users_sends_every_param_and_pages() {
    let server = MockServer::start_async().await;
    let common = [
        ("per_page", "2"),
        ("include_totals", "true"),
        ("sort", "created_at:1"),
        ("connection", "db"),
        ("fields", "user_id,email"),
        ("include_fields", "true"),
        ("q", "email:\"a@b.c\""),
        ("search_engine", "v3"),
        ("primary_order", "false"),
    ];
    let mut mocks = Vec::new();
    for page in 0..3u64 {
        let mut q = common.to_vec();
        let p = page.to_string();
        q.push(("page", &p));
        let ids: Vec<String> = (page * 2..(page * 2 + 2).min(5))
            .map(|i| format!("auth0|{i}"))
            .collect();
        let body = json!({
            "start": page * 2, "limit": 2, "length": ids.len(), "total": 5,
            "users": ids.iter().map(|i| user(i)).collect::<Vec<_>>(),
        });
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .header("authorization", "Bearer tok")
                        .is_true(exact("/api/v2/users", &q));
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let params = GetUsersParams::new()
        .per_page(2)
        .sort("created_at:1")
        .connection("db")
        .fields(["user_id", "email"])
        .include_fields(true)
        .q("email:\"a@b.c\"")
        .search_engine(SearchEngineVersionsEnum::V3)
        .primary_order(false);
    let c = client(&server);
    let users = c.get_users(params.clone()).collect_all().await.unwrap();
    let ids: Vec<_> = users.iter().map(|u| u.user_id.clone().unwrap()).collect();
    assert_eq!(ids, ["auth0|0", "auth0|1", "auth0|2", "auth0|3", "auth0|4"]);
    for m in &mocks {
        assert_eq!(m.calls_async().await, 1);
    }

    // The seed's single page, with its total.
    let page = c.users().get_all(params).first_page().await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.total, Some(5));
}

#[tokio::test]
async fn get_users_bare_array_without_totals() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/users",
                &[
                    ("page", "3"),
                    ("per_page", "10"),
                    ("include_totals", "false"),
                ],
            ));
            then.status(200).json_body(json!([user("auth0|a")]));
        })
        .await;
    let users: Vec<_> = client(&server)
        .get_users(
            GetUsersParams::new()
                .page(3)
                .per_page(10)
                .include_totals(false),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    m.assert_async().await;
}

#[tokio::test]
async fn get_users_stops_with_an_error_at_the_1000_cap() {
    let server = MockServer::start_async().await;
    let hundred: Vec<_> = (0..100).map(|i| user(&format!("auth0|{i}"))).collect();
    let m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users");
            then.status(200)
                .json_body(json!({"start": 0, "limit": 100, "total": 2500, "users": hundred}));
        })
        .await;
    let mut items = client(&server)
        .get_users(GetUsersParams::new().per_page(100))
        .items();
    let mut n = 0;
    let err = loop {
        match items.try_next().await {
            Ok(Some(_)) => n += 1,
            Ok(None) => panic!("must not end silently"),
            Err(e) => break e,
        }
    };
    assert_eq!(n, 1000);
    assert!(
        matches!(
            err,
            Error::PaginationLimit {
                limit: 1000,
                fetched: 1000,
                total: Some(2500)
            }
        ),
        "{err:?}"
    );
    assert_eq!(m.calls_async().await, 10, "page 10 is never requested");
}

#[tokio::test]
async fn get_user_encodes_the_id_and_fields() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/users/auth0%7Cabc", &[]));
            then.status(200).json_body(user("auth0|abc"));
        })
        .await;
    let m2 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/users/a%2F..%3Fb",
                &[("fields", "email"), ("include_fields", "false")],
            ));
            then.status(200).json_body(user("x"));
        })
        .await;
    let c = client(&server);
    let u = c.get_user("auth0|abc").await.unwrap();
    assert_eq!(u.email.as_deref(), Some("auth0|abc@example.com"));
    c.users()
        .get_with(
            "a/..?b",
            &UserFields::new().fields(["email"]).include_fields(false),
        )
        .await
        .unwrap();
    m.assert_async().await;
    m2.assert_async().await;

    assert!(matches!(c.get_user("").await, Err(Error::InvalidInput(_))));
    assert!(matches!(
        c.get_user("..").await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn get_user_not_found_is_an_api_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users/nobody");
            then.status(404).json_body(json!({
                "statusCode": 404, "error": "Not Found",
                "message": "The user does not exist.", "errorCode": "inexistent_user"
            }));
        })
        .await;
    let err = client(&server).get_user("nobody").await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 404, error_code: Some(c), .. } if c == "inexistent_user"),
        "{err:?}"
    );
}

#[tokio::test]
async fn create_update_delete() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/users", &[]))
                .json_body(json!({
                    "connection": "Username-Password-Authentication",
                    "email": "jane@example.com",
                    "password": "correct horse battery staple",
                }));
            then.status(201).json_body(user("auth0|new"));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .is_true(exact("/api/v2/users/auth0%7Cnew", &[]))
                .json_body(json!({"blocked": true}));
            then.status(200)
                .json_body(json!({"user_id": "auth0|new", "blocked": true}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(exact("/api/v2/users/auth0%7Cnew", &[]));
            then.status(204);
        })
        .await;
    let c = client(&server);
    let data = NewUser::new("Username-Password-Authentication")
        .email("jane@example.com")
        .password("correct horse battery staple")
        .build()
        .unwrap();
    let u = c.create_user(&data).await.unwrap();
    assert_eq!(u.user_id.as_deref(), Some("auth0|new"));
    let u = c
        .update_user(
            "auth0|new",
            &UpdateUserRequestContent {
                blocked: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.blocked, Some(true));
    c.delete_user("auth0|new").await.unwrap();
    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;
}

#[tokio::test]
async fn metadata_updates_send_only_the_metadata() {
    let server = MockServer::start_async().await;
    let um = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/api/v2/users/auth0%7Cabc")
                .header("content-type", "application/json")
                .header("authorization", "Bearer tok")
                .json_body(json!({"user_metadata": {"address": "1 Main St", "old": null}}));
            then.status(200).json_body(
                json!({"user_id": "auth0|abc", "user_metadata": {"address": "1 Main St"}}),
            );
        })
        .await;
    let am = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/api/v2/users/auth0%7Cabc")
                .json_body(json!({"app_metadata": {"plan": "pro"}}));
            then.status(200)
                .json_body(json!({"user_id": "auth0|abc", "app_metadata": {"plan": "pro"}}));
        })
        .await;
    let c = client(&server);
    let u = c
        .update_user_metadata("auth0|abc", json!({"address": "1 Main St", "old": null}))
        .await
        .unwrap();
    assert_eq!(
        u.user_metadata.unwrap().0.get("address"),
        Some(&json!("1 Main St"))
    );

    #[derive(serde::Serialize)]
    struct App {
        plan: &'static str,
    }
    let u = c
        .update_app_metadata("auth0|abc", App { plan: "pro" })
        .await
        .unwrap();
    assert_eq!(u.app_metadata.unwrap().0.get("plan"), Some(&json!("pro")));
    um.assert_async().await;
    am.assert_async().await;

    let err = c
        .update_user_metadata("auth0|abc", json!(["not", "an", "object"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("array")),
        "{err}"
    );
}

#[tokio::test]
async fn get_users_by_email() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/users-by-email",
                &[("email", "jane+1@example.com")],
            ));
            then.status(200)
                .json_body(json!([user("auth0|1"), user("google-oauth2|2")]));
        })
        .await;
    let m2 = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/users-by-email",
                &[
                    ("email", "x@y.z"),
                    ("fields", "user_id"),
                    ("include_fields", "true"),
                ],
            ));
            then.status(200).json_body(json!([]));
        })
        .await;
    let c = client(&server);
    let users = c.get_users_by_email("jane+1@example.com").await.unwrap();
    assert_eq!(users.len(), 2);
    let none = c
        .users()
        .get_by_email_with(
            "x@y.z",
            &UserFields::new().fields(["user_id"]).include_fields(true),
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    m.assert_async().await;
    m2.assert_async().await;
    assert!(matches!(
        c.get_users_by_email(" ").await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn link_and_unlink() {
    let server = MockServer::start_async().await;
    let link = server
        .mock_async(|when, then| {
            when.method(POST)
                .is_true(exact("/api/v2/users/auth0%7Cprimary/identities", &[]))
                .json_body(json!({"provider": "google-oauth2", "user_id": "123", "connection_id": "con_0123456789abcdef"}));
            then.status(201).json_body(json!([
                {"provider": "auth0", "user_id": "primary", "connection": "db", "isSocial": false},
                {"provider": "google-oauth2", "user_id": "123", "connection": "google-oauth2", "isSocial": true},
            ]));
        })
        .await;
    let unlink = server
        .mock_async(|when, then| {
            when.method(DELETE).is_true(exact(
                "/api/v2/users/auth0%7Cprimary/identities/google-oauth2/123",
                &[],
            ));
            then.status(200).json_body(json!([
                {"provider": "auth0", "user_id": "primary", "connection": "db"},
            ]));
        })
        .await;
    let c = client(&server);
    let data = LinkUserIdentityRequestContent {
        provider: Some("google-oauth2".into()),
        user_id: Some("123".parse::<UserIdString>().unwrap().into()),
        connection_id: Some("con_0123456789abcdef".parse().unwrap()),
        ..Default::default()
    };
    let ids = c.link_users("auth0|primary", &data).await.unwrap();
    assert_eq!(ids.len(), 2);
    let left = c
        .unlink_users("auth0|primary", "google-oauth2", "123")
        .await
        .unwrap();
    assert_eq!(left.0.len(), 1);
    link.assert_async().await;
    unlink.assert_async().await;
    assert!(matches!(
        c.unlink_users("auth0|primary", "", "123").await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn multifactor_enrollments_and_user_logs() {
    let server = MockServer::start_async().await;
    let mfa = server
        .mock_async(|when, then| {
            when.method(DELETE).is_true(exact(
                "/api/v2/users/auth0%7Cabc/multifactor/google-authenticator",
                &[],
            ));
            then.status(204);
        })
        .await;
    let enroll = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/users/auth0%7Cabc/enrollments", &[]));
            then.status(200).json_body(json!([
                {"id": "dev_1", "status": "confirmed", "type": "authenticator", "name": "phone"}
            ]));
        })
        .await;
    let logs = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/users/auth0%7Cabc/logs",
                &[
                    ("page", "0"),
                    ("per_page", "50"),
                    ("sort", "date:-1"),
                    ("include_totals", "true"),
                ],
            ));
            then.status(200).json_body(json!({
                "start": 0, "limit": 50, "length": 2, "total": 2,
                "logs": [{"log_id": "l1", "type": "s"}, {"log_id": "l2", "type": "f"}]
            }));
        })
        .await;
    let c = client(&server);
    c.delete_user_multifactor(
        "auth0|abc",
        UserMultifactorProviderEnum::GoogleAuthenticator,
    )
    .await
    .unwrap();
    let e = c.get_guardian_enrollments("auth0|abc").await.unwrap();
    assert_eq!(e[0].id.as_deref(), Some("dev_1"));
    let events = c
        .get_user_logs("auth0|abc", GetUserLogsParams::new().sort("date:-1"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .map(|l| l.log_id.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["l1", "l2"]
    );
    mfa.assert_async().await;
    enroll.assert_async().await;
    logs.assert_async().await;
    assert!(matches!(
        c.get_user_logs("", GetUserLogsParams::new())
            .first_page()
            .await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
#[allow(deprecated)]
async fn delete_all_users_needs_confirmation_and_reports_the_removed_endpoint() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .header("authorization", "Bearer tok")
                .is_true(exact("/api/v2/users", &[]));
            then.status(404).json_body(json!({
                "statusCode": 404, "error": "Not Found", "message": "Not Found"
            }));
        })
        .await;
    let err = client(&server)
        .delete_all_users(ConfirmDeleteAllUsers::i_understand_this_deletes_every_user())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err:?}");
    assert_eq!(m.calls_async().await, 1);
}

#[test]
fn new_user_validates() {
    let err = NewUser::new("").build().unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.starts_with("connection")),
        "{err}"
    );
    let err = NewUser::new("db")
        .user_metadata(json!(1))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("user_metadata")),
        "{err}"
    );
    let body = NewUser::new("db")
        .username("jane")
        .blocked(false)
        .verify_email(true)
        .app_metadata(json!({"plan": "pro"}))
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"connection": "db", "username": "jane", "blocked": false, "verify_email": true, "app_metadata": {"plan": "pro"}})
    );
}
