//! Hostile and odd input: ids and parameters never change which endpoint is hit (the exact
//! request target the server saw is asserted), ids that cannot be sent safely are refused before
//! anything is sent, and the domain is validated.

mod support;

use auth0_management::{Error, ManagementClient};
use serde_json::json;
use support::*;

async fn echo_server() -> FaultServer {
    FaultServer::start(|seen, _| {
        if seen.method == "DELETE" {
            Reply::Status {
                status: 204,
                headers: Vec::new(),
                body: Vec::new(),
            }
        } else {
            Reply::json(200, json!({"user_id": "x", "id": "x", "client_id": "x"}))
        }
    })
    .await
}

#[tokio::test]
async fn ids_stay_in_their_path_segment() {
    let server = echo_server().await;
    let client = static_client(&server).build().unwrap();
    let long = "a/b?c".repeat(2000);
    let long_encoded = "a%2Fb%3Fc".repeat(2000);
    let cases: Vec<(&str, String)> = vec![
        ("auth0|abc123", "auth0%7Cabc123".into()),
        ("google-oauth2|1234", "google-oauth2%7C1234".into()),
        ("a/b", "a%2Fb".into()),
        ("../clients", "..%2Fclients".into()),
        (
            "../../../oauth/token",
            "..%2F..%2F..%2Foauth%2Ftoken".into(),
        ),
        ("...", "...".into()),
        ("a?b=c", "a%3Fb=c".into()),
        ("a#frag", "a%23frag".into()),
        ("100%", "100%25".into()),
        ("%2e%2e", "%252e%252e".into()),
        ("%2F", "%252F".into()),
        ("a b", "a%20b".into()),
        (" leading", "%20leading".into()),
        ("tab\there", "tab%09here".into()),
        ("new\nline", "new%0Aline".into()),
        ("crlf\r\nHost: evil", "crlf%0D%0AHost:%20evil".into()),
        ("nul\0", "nul%00".into()),
        ("é", "%C3%A9".into()),
        ("用户", "%E7%94%A8%E6%88%B7".into()),
        ("emoji😀", "emoji%F0%9F%98%80".into()),
        ("a\"b<c>{d}`", "a%22b%3Cc%3E%7Bd%7D%60".into()),
        (&long, long_encoded),
    ];
    for (id, _) in &cases {
        let u = bounded(client.users().get(id)).await;
        assert!(u.is_ok(), "{id:?}: {u:?}");
    }
    let seen: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, e)| format!("/api/v2/users/{e}"))
        .collect();
    assert_eq!(seen, expected);

    // The same through other managers and methods.
    let id = "../x?y#z|w";
    bounded(client.clients().get(id)).await.unwrap();
    bounded(client.rules().delete(id)).await.unwrap();
    bounded(client.connections().delete(id)).await.unwrap();
    bounded(client.users().delete(id)).await.unwrap();
    let tail: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .skip(cases.len())
        .map(|r| (r.method, r.target))
        .collect();
    let e = "..%2Fx%3Fy%23z%7Cw";
    assert_eq!(
        tail,
        vec![
            ("GET".into(), format!("/api/v2/clients/{e}")),
            ("DELETE".into(), format!("/api/v2/rules/{e}")),
            ("DELETE".into(), format!("/api/v2/connections/{e}")),
            ("DELETE".into(), format!("/api/v2/users/{e}")),
        ]
    );

    // A backslash stays in its segment, through the managers and the generated client alike
    // (URL parsing would read a raw `\` as `/`).
    bounded(client.users().get("..\\clients")).await.unwrap();
    assert_eq!(
        server.requests().pop().unwrap().target,
        "/api/v2/users/..%5Cclients"
    );
    let api = client.api();
    bounded(client.call(api.get_users_by_id("a\\b", None, None)))
        .await
        .unwrap();
    assert_eq!(
        server.requests().pop().unwrap().target,
        "/api/v2/users/a%5Cb"
    );
}

#[tokio::test]
async fn ids_that_cannot_be_sent_safely_are_refused_before_sending() {
    let server = echo_server().await;
    let client = static_client(&server).build().unwrap();
    let update = auth0_management::api::types::UpdateUserRequestContent::default();
    for bad in ["", " ", "\t\n", ".", ".."] {
        let results: Vec<(&str, Result<(), Error>)> = vec![
            ("users.get", client.users().get(bad).await.map(drop)),
            (
                "users.update",
                client.users().update(bad, &update).await.map(drop),
            ),
            ("users.delete", client.users().delete(bad).await),
            ("clients.get", client.clients().get(bad).await.map(drop)),
            ("clients.delete", client.clients().delete(bad).await),
            (
                "clients.rotate_secret",
                client.clients().rotate_secret(bad).await.map(drop),
            ),
            (
                "client_grants.get",
                client.client_grants().get(bad).await.map(drop),
            ),
            (
                "client_grants.delete",
                client.client_grants().delete(bad).await,
            ),
            (
                "connections.get",
                client.connections().get(bad).await.map(drop),
            ),
            ("connections.delete", client.connections().delete(bad).await),
            (
                "device_credentials.delete",
                client.device_credentials().delete(bad).await,
            ),
            ("jobs.get_job", client.jobs().get_job(bad).await.map(drop)),
            (
                "jobs.get_job_errors",
                client.jobs().get_job_errors(bad).await.map(drop),
            ),
            ("logs.get", client.logs().get(bad).await.map(drop)),
            (
                "resource_servers.get",
                client.resource_servers().get(bad).await.map(drop),
            ),
            (
                "resource_servers.delete",
                client.resource_servers().delete(bad).await,
            ),
            ("rules.get", client.rules().get(bad).await.map(drop)),
            ("rules.delete", client.rules().delete(bad).await),
        ];
        for (what, r) in results {
            assert!(
                matches!(&r, Err(Error::InvalidInput(_))),
                "{what}({bad:?}): {r:?}"
            );
        }
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn query_parameters_are_encoded_not_interpreted() {
    let server = FaultServer::start(|_, _| Reply::json(200, json!([]))).await;
    let client = static_client(&server).build().unwrap();
    let api = client.api();
    let q = "email:\"a&per_page=100@x.com\" AND name:#1?/%25+é|z";
    let fields = "user_id&include_totals=true";
    bounded(client.call(api.get_users(
        Some("conn=1&x"),
        Some(fields),
        None,
        None,
        Some(0),
        Some(10),
        None,
        Some(q),
        None,
        Some(""),
    )))
    .await
    .unwrap();
    let seen = server.requests().pop().unwrap();
    assert_eq!(seen.path(), "/api/v2/users");
    let mut pairs = seen.query();
    pairs.sort();
    let mut expected: Vec<(String, String)> = [
        ("connection", "conn=1&x"),
        ("fields", fields),
        ("page", "0"),
        ("per_page", "10"),
        ("q", q),
        ("sort", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    expected.sort();
    assert_eq!(pairs, expected, "{}", seen.target);

    // A very long query value arrives whole.
    let long = "x".repeat(50_000);
    bounded(client.call(api.get_users(
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some(&long),
        None,
        None,
    )))
    .await
    .unwrap();
    let seen = server.requests().pop().unwrap();
    assert_eq!(seen.query(), vec![("q".to_owned(), long)]);
}

#[tokio::test]
async fn odd_strings_in_bodies_arrive_intact() {
    let server = FaultServer::start(|_, _| Reply::json(201, json!({"user_id": "auth0|1"}))).await;
    let client = static_client(&server).build().unwrap();
    let email = "\"quoted\"\\back\u{0}nul\u{1F600}@example.com\r\n";
    bounded(create_user(&client, email)).await.unwrap();
    let seen = server.requests().pop().unwrap();
    assert_eq!(seen.target, "/api/v2/users");
    assert_eq!(seen.json()["email"], email);
}

#[test]
fn the_domain_is_validated() {
    let build = |domain: &str| {
        ManagementClient::builder()
            .domain(domain)
            .token("t")
            .build()
            .map_err(Box::new)
    };
    for bad in [
        "",
        "   ",
        // User information, including the classic "looks like the tenant" trick.
        "user:pass@tenant.auth0.com",
        "https://user:pass@tenant.auth0.com",
        "tenant.auth0.com@evil.example",
        "https://tenant.auth0.com:@evil.example",
        // Paths, queries, fragments.
        "tenant.auth0.com/api/v2",
        "https://tenant.auth0.com//",
        "https://tenant.auth0.com/../evil",
        "tenant.auth0.com?x=1",
        "tenant.auth0.com?",
        "tenant.auth0.com#",
        "evil.example#tenant.auth0.com",
        "evil.example\\tenant.auth0.com",
        // Plain http for a host that is not loopback (even one that looks local).
        "http://tenant.auth0.com",
        "http://10.0.0.1",
        "http://0.0.0.0:8080",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        // Other schemes, broken ports, whitespace, controls.
        "ftp://tenant.auth0.com",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "tenant.auth0.com:99999",
        "tenant.auth0.com:abc",
        "tenant .auth0.com",
        "tenant.auth0.com\r\nHost: evil",
        "https://",
    ] {
        let err = match build(bad) {
            Ok(c) => panic!("{bad:?} accepted as {}", c.api_base_url()),
            Err(e) => e,
        };
        assert!(matches!(*err, Error::Config(_)), "{bad:?}: {err:?}");
        assert!(!err.to_string().contains("pass@"), "{err}");
    }
    for (good, base) in [
        ("tenant.auth0.com", "https://tenant.auth0.com/api/v2"),
        ("tenant.eu.auth0.com", "https://tenant.eu.auth0.com/api/v2"),
        ("TENANT.Auth0.com", "https://tenant.auth0.com/api/v2"),
        (
            "https://tenant.auth0.com",
            "https://tenant.auth0.com/api/v2",
        ),
        (
            "https://tenant.auth0.com/",
            "https://tenant.auth0.com/api/v2",
        ),
        ("tenant.auth0.com/", "https://tenant.auth0.com/api/v2"),
        // Surrounding whitespace (a value read from a file) is trimmed.
        (" tenant.auth0.com\n", "https://tenant.auth0.com/api/v2"),
        // Extra slashes before the host are ignored by URL parsing: still the same host.
        ("//tenant.auth0.com", "https://tenant.auth0.com/api/v2"),
        // A port is accepted (custom domains behind a proxy); the default one is dropped.
        (
            "tenant.auth0.com:8443",
            "https://tenant.auth0.com:8443/api/v2",
        ),
        (
            "https://tenant.auth0.com:443",
            "https://tenant.auth0.com/api/v2",
        ),
        // Plain http only for loopback.
        ("http://localhost:3000", "http://localhost:3000/api/v2"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v2"),
        ("http://[::1]:8080", "http://[::1]:8080/api/v2"),
        // Internationalized names become punycode.
        ("bücher.example", "https://xn--bcher-kva.example/api/v2"),
    ] {
        let client = build(good).unwrap_or_else(|e| panic!("{good:?}: {e}"));
        assert_eq!(client.api_base_url(), base, "{good:?}");
    }
    // The base URL override follows the same rules.
    let err = ManagementClient::builder()
        .base_url("http://192.168.1.10:8080")
        .token("t")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
