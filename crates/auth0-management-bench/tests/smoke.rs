//! A bounded smoke run of every scenario, in-process, with tiny counts: the counts must add up
//! and the SDK must make exactly one token request. No timing is asserted.

use std::time::Duration;

use auth0_management_bench::scenario::{self, Impl, Scenario, Target};
use auth0_management_bench::server::{self, Running, ServerConfig};

const DEADLINE: Duration = Duration::from_secs(60);

fn targets(s: &Running) -> [Target; 2] {
    [
        Target {
            origin: format!("http://{}", s.http),
            ca_der: None,
        },
        Target {
            origin: format!("https://{}", s.https),
            ca_der: Some(s.cert_der.clone()),
        },
    ]
}

/// At most about half of `calls` opened a connection (plus the token request's).
fn reused(connections: u64, calls: u64) -> bool {
    connections * 2 <= calls + 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_adds_up_with_one_token_request() {
    let s = server::start(ServerConfig {
        users: 1000,
        token_delay: Duration::ZERO,
    })
    .await
    .unwrap();
    for target in targets(&s) {
        let https = target.ca_der.is_some();
        for imp in [Impl::Sdk, Impl::Raw] {
            let cases = [
                Scenario::GetUser {
                    calls: 30,
                    concurrency: 1,
                },
                Scenario::GetUser {
                    calls: 64,
                    concurrency: 8,
                },
                Scenario::List {
                    pages: 6,
                    concurrency: 4,
                },
                Scenario::Stream { users: 1000 },
            ];
            for case in cases {
                s.counters.reset(Duration::ZERO);
                let r = scenario::run(imp, case, &target, DEADLINE).await.unwrap();
                let st = s.counters.snapshot();
                let what = format!("{imp:?} {case:?} https={https}");
                assert_eq!(r.errors, 0, "{what}: {:?}", r.first_error);
                assert!(!r.timed_out, "{what}");
                assert_eq!(st.token_requests, 1, "{what}");
                assert_eq!(st.rejected, 0, "{what}");
                match case {
                    Scenario::GetUser { calls, .. } => {
                        assert_eq!(r.calls, calls, "{what}");
                        assert_eq!(st.user_gets, calls, "{what}");
                        // Pooled. hyper's pool may open a connection while another is about to
                        // become idle (the first to be ready wins), so more than the concurrency
                        // can appear on a busy machine; but not one per call.
                        assert!(reused(st.connections, calls), "{what}: {st:?}");
                    }
                    Scenario::List { pages, concurrency } => {
                        assert_eq!(r.calls, pages, "{what}");
                        assert_eq!(r.items, pages * 100, "{what}");
                        assert_eq!(st.list_pages, pages, "{what}");
                        assert!(
                            st.connections <= pages.max(concurrency) + 1,
                            "{what}: {st:?}"
                        );
                    }
                    Scenario::Stream { users } => {
                        assert_eq!(r.items, users, "{what}");
                        assert_eq!(r.calls, users.div_ceil(100), "{what}");
                        assert!(r.rss_after_first_page_kib.is_some(), "{what}");
                        assert!(reused(st.connections, r.calls), "{what}: {st:?}");
                    }
                    Scenario::ColdBurst { .. } => unreachable!(),
                }
                if https {
                    assert_eq!(st.tls_handshakes, st.connections, "{what}");
                } else {
                    assert_eq!(st.tls_handshakes, 0, "{what}");
                }
            }
        }
        // Cold burst: 64 concurrent first calls while the token endpoint takes 50 ms.
        s.counters.reset(Duration::from_millis(50));
        let r = scenario::run(
            Impl::Sdk,
            Scenario::ColdBurst { calls: 64 },
            &target,
            DEADLINE,
        )
        .await
        .unwrap();
        let st = s.counters.snapshot();
        assert_eq!(r.errors, 0, "{:?}", r.first_error);
        assert_eq!(r.calls, 64);
        assert_eq!(st.user_gets, 64);
        assert_eq!(st.token_requests, 1, "https={https}");
    }
}
