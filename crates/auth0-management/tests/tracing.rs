//! Spans and events: the fields promised in the crate docs, and never a secret.
//!
//! In its own test binary: tracing caches per-callsite interest process-wide, which makes a
//! scoped subscriber unreliable while other tests run in parallel threads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use auth0_management::ManagementClient;
use httpmock::prelude::*;
use serde_json::json;

const SECRET: &str = "csecret-DO-NOT-LEAK";
const TOKEN: &str = "eyJ-THE-TOKEN";

/// Records every span name and every span or event field as `name=value`.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Visitor<'a>(&'a mut Vec<String>);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        // The mock server logs the requests it receives, secrets included: that is the test
        // server's business. Everything else (this crate, reqwest, hyper) is checked.
        !metadata.target().starts_with("httpmock")
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut lines = self.lines.lock().unwrap();
        lines.push(format!("span {}", span.metadata().name()));
        span.record(&mut Visitor(&mut lines));
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Visitor(&mut self.lines.lock().unwrap()));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Visitor(&mut self.lines.lock().unwrap()));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn requests_are_traced_without_secrets() {
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).unwrap();

    let server = MockServer::start_async().await;
    let _token = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": TOKEN, "expires_in": 86400}));
        })
        .await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(429).header("retry-after", "0");
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let _ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/rules");
            then.status(200).json_body(json!([]));
        })
        .await;
    let client = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(server.base_url())
        .client_credentials("cid", SECRET)
        .build()
        .unwrap();
    let api = client.api();
    client
        .call(api.get_rules(None, None, None, None, None, None))
        .await
        .unwrap();

    let all = recorder.lines.lock().unwrap().join("\n");
    assert!(all.contains("span auth0_management.request"), "{all}");
    assert!(all.contains("operation_id=\"get_rules\""), "{all}");
    assert!(all.contains("method=GET"), "{all}");
    assert!(all.contains("status=200"), "{all}");
    assert!(all.contains("attempts=2"), "{all}");
    assert!(all.contains("duration_ms="), "{all}");
    for secret in [SECRET, TOKEN] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
}
