//! The public API as a user sees it: builder, `call`, the `?` conversion, errors.

use auth0_management::{Error, ManagementClient, path_id};
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn a_user_can_call_through_the_facade_and_the_escape_hatch() {
    let server = MockServer::start_async().await;
    let rules = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v2/rules")
                .query_param("per_page", "5")
                .header("authorization", "Bearer tok");
            then.status(200).json_body(json!([
                {"id": "rul_1", "name": "r", "enabled": true, "unknown_field": 1}
            ]));
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/users/auth0%7Cnobody");
            then.status(404).json_body(json!({
                "statusCode": 404, "error": "Not Found", "message": "The user does not exist.",
                "errorCode": "inexistent_user"
            }));
        })
        .await;
    let client = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(server.base_url())
        .token("tok")
        .build()
        .expect("valid configuration");
    let api = client.api();

    let list = client
        .call(api.get_rules(None, None, None, None, None, Some(5)))
        .await
        .expect("rules");
    match list {
        auth0_management::api::types::ListRulesResponseContent::Array(rules) => {
            assert_eq!(rules.len(), 1)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rules.calls_async().await, 1);

    let id = path_id("id", "auth0|nobody").unwrap();
    let err = client
        .call(api.get_users_by_id(id, None, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 404, error_code: Some(c), .. } if c == "inexistent_user"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.error_code(), Some("inexistent_user"));

    // The escape hatch with `?`.
    async fn via_question_mark(client: &ManagementClient, id: &str) -> Result<(), Error> {
        client.api().get_users_by_id(id, None, None).await?;
        Ok(())
    }
    let err = via_question_mark(&client, "auth0|nobody")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err:?}");
    assert_eq!(missing.calls_async().await, 2);
}

#[test]
fn bad_configuration_is_refused_with_a_clear_error() {
    let err = ManagementClient::builder()
        .domain("https://tenant.auth0.com/api/v2")
        .token("tok")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("path")),
        "{err}"
    );
}
