//! `client.stats()` and the seed's stats methods.

use auth0_management::managers::stats::GetDailyStatsParams;
use auth0_management::{Error, ManagementClient};
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::{client, exact};

#[tokio::test]
async fn get_active_users_count() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(exact("/api/v2/stats/active-users", &[]));
            then.status(200).body("1234");
        })
        .await;
    assert_eq!(
        client(&server).get_active_users_count().await.unwrap(),
        1234
    );
    m.assert_async().await;
}

#[tokio::test]
async fn a_fractional_count_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/stats/active-users");
            then.status(200).body("1.5");
        })
        .await;
    let err = client(&server)
        .stats()
        .get_active_users_count()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn get_daily_stats() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).is_true(exact(
                "/api/v2/stats/daily",
                &[("from", "20240101"), ("to", "20240102")],
            ));
            then.status(200).json_body(json!([
                {"date": "2024-01-01T00:00:00.000Z", "logins": 10, "signups": 2, "leaked_passwords": 0},
                {"date": "2024-01-02T00:00:00.000Z", "logins": 7, "signups": 1, "leaked_passwords": 1}
            ]));
        })
        .await;
    let days = client(&server)
        .get_daily_stats(&GetDailyStatsParams::new().from("20240101").to("20240102"))
        .await
        .unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].logins, Some(10));
    assert_eq!(days[1].leaked_passwords, Some(1));
    m.assert_async().await;
}

#[tokio::test]
async fn malformed_days_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!([]));
        })
        .await;
    let c = client(&server);
    for params in [
        GetDailyStatsParams::new().from("2024-01-01"),
        GetDailyStatsParams::new().to("2024010"),
    ] {
        let err = c.get_daily_stats(&params).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn get_client_info_matches_client_info() {
    let c = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .token("tok")
        .build()
        .unwrap();
    assert_eq!(c.get_client_info(), c.client_info());
    assert!(c.get_client_info().is_some());
    let off = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .token("tok")
        .telemetry(false)
        .build()
        .unwrap();
    assert!(off.get_client_info().is_none());
}
