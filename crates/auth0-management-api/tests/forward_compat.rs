//! Auth0 adds response fields and enum values often: decoding must not break when it does, and
//! must not invent values the server did not send.
#![cfg(all(feature = "users", feature = "clients", feature = "rules"))]

use auth0_management_api::types;
use serde_json::json;

#[test]
fn unknown_fields_are_ignored_and_missing_optional_fields_are_none() {
    let user: types::GetUserResponseContent = serde_json::from_value(json!({
        "user_id": "auth0|abc",
        "created_at": "2024-01-02T03:04:05.000Z",
        "a_field_auth0_adds_next_year": {"nested": [1, 2, 3]},
    }))
    .expect("unknown fields decode");
    assert_eq!(user.email, None, "no made-up default for a missing email");
    assert_eq!(user.blocked, None);
    assert_eq!(
        user.created_at.map(|t| t.timestamp()),
        Some(1_704_164_645),
        "date-times are typed"
    );
    assert!(user.identities.is_empty());
}

#[test]
fn unknown_enum_values_decode() {
    let client: types::GetClientResponseContent = serde_json::from_value(json!({
        "client_id": "abc",
        "app_type": "an_app_type_invented_later",
    }))
    .expect("an unknown app_type decodes");
    assert_eq!(
        client.app_type.as_deref(),
        Some("an_app_type_invented_later")
    );
    let known: types::GetClientResponseContent =
        serde_json::from_value(json!({"app_type": "spa"})).unwrap();
    assert_eq!(known.app_type.as_deref(), Some("spa"));
}

#[test]
fn list_responses_decode_in_both_shapes() {
    let plain: types::ListRulesResponseContent =
        serde_json::from_value(json!([{"id": "rul_1", "name": "r", "enabled": true}])).unwrap();
    assert!(matches!(plain, types::ListRulesResponseContent::Array(ref v) if v.len() == 1));
    let paged: types::ListRulesResponseContent = serde_json::from_value(json!({
        "start": 0, "limit": 50, "total": 1,
        "rules": [{"id": "rul_1", "name": "r", "enabled": true, "new_field": 1}]
    }))
    .unwrap();
    assert!(matches!(
        paged,
        types::ListRulesResponseContent::ListRulesOffsetPaginatedResponseContent(_)
    ));
}

#[test]
fn auth0_error_bodies_decode_into_the_shared_error_type() {
    let e: types::ApiError = serde_json::from_value(json!({
        "statusCode": 404,
        "error": "Not Found",
        "message": "The user does not exist.",
        "errorCode": "inexistent_user",
        "extra": true
    }))
    .unwrap();
    assert_eq!(e.status_code, Some(404));
    assert_eq!(e.error_code.as_deref(), Some("inexistent_user"));
    let empty: types::ApiError = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty.message, None);
}
