//! The hooks route every generated call through the supplied transport.
#![cfg(feature = "rules")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth0_management_api::Client;
use auth0_management_api::hooks::{BoxFuture, Inner, Transport};
use httpmock::prelude::*;

#[derive(Default)]
struct Counting {
    prepared: AtomicUsize,
    executed: AtomicUsize,
}

impl Transport for Counting {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            assert_eq!(operation_id, "get_rules");
            self.prepared.fetch_add(1, Ordering::SeqCst);
            request
                .headers_mut()
                .insert("x-test", reqwest::header::HeaderValue::from_static("yes"));
            Ok(())
        })
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            self.executed.fetch_add(1, Ordering::SeqCst);
            client.execute(request).await
        })
    }
}

struct Refusing;

impl Transport for Refusing {
    fn prepare<'a>(
        &'a self,
        _request: &'a mut reqwest::Request,
        _operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async { Err("no token available".to_string()) })
    }

    fn execute<'a>(
        &'a self,
        _client: &'a reqwest::Client,
        _request: reqwest::Request,
        _operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        unreachable!("prepare refused the call")
    }
}

#[tokio::test]
async fn every_call_goes_through_the_transport() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rules")
                .header("x-test", "yes")
                .header_missing("api-version");
            then.status(200).json_body(serde_json::json!([]));
        })
        .await;
    let transport = Arc::new(Counting::default());
    let client = Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        Inner::new(transport.clone()),
    );
    client
        .get_rules(None, None, None, None, None, None)
        .await
        .expect("the call succeeds");
    mock.assert_async().await;
    assert_eq!(transport.prepared.load(Ordering::SeqCst), 1);
    assert_eq!(transport.executed.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_prepare_sends_nothing() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        Inner::new(Arc::new(Refusing)),
    );
    let err = client
        .get_rules(None, None, None, None, None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no token available"), "{err}");
    mock.assert_calls_async(0).await;
}

#[test]
fn inner_debug_never_shows_the_transport() {
    let inner = Inner::new(Arc::new(Refusing));
    assert_eq!(format!("{inner:?}"), "Inner { transport: Some(\"<set>\") }");
}
