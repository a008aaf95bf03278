//! The spec-driven gate (validation, 404/405/501, scopes), the fault knobs, and the resources
//! beyond users: each checked over HTTP. In debug builds every response here has also passed
//! the emulator's own check against the spec's response schemas.

mod common;
use common::token;
use std::time::Duration;

use auth0_management_emulator::{Emulator, EmulatorBuilder};
use reqwest::Method;
use serde_json::{Value, json};

struct T {
    emu: Emulator,
    http: reqwest::Client,
    token: String,
}

async fn start_with(builder: EmulatorBuilder) -> T {
    let emu = builder.start().await.unwrap();
    let http = reqwest::Client::new();
    let token = token(&emu, &http, None).await;
    T { emu, http, token }
}

async fn start() -> T {
    start_with(Emulator::builder()).await
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl T {
    async fn raw(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}/api/v2{path}", self.emu.base_url()))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let r = self.raw(method, path, body).await;
        (r.status, r.body)
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (s, b) = self.send(method.clone(), path, body).await;
        assert!((200..300).contains(&s), "{method} {path}: {s} {b}");
        b
    }

    async fn user(&self, email: &str) -> String {
        let u = self
            .ok(
                Method::POST,
                "/users",
                Some(json!({"connection": "Username-Password-Authentication",
                    "email": email, "password": "long enough pw"})),
            )
            .await;
        u["user_id"].as_str().unwrap().replace('|', "%7C")
    }
}

fn error_code(body: &Value) -> Option<&str> {
    body["errorCode"].as_str()
}

#[tokio::test]
async fn bodies_are_validated_against_the_spec() {
    let t = start().await;
    let (s, b) = t
        .send(
            Method::POST,
            "/rules",
            Some(json!({"name": "r", "script": "s", "bogus": 1})),
        )
        .await;
    assert_eq!((s, error_code(&b)), (400, Some("invalid_body")));
    assert_eq!(
        b["message"],
        "Payload validation error: 'Additional properties not allowed: bogus'."
    );
    assert_eq!(b["statusCode"], 400);
    assert_eq!(b["error"], "Bad Request");
    let (s, b) = t
        .send(
            Method::POST,
            "/rules",
            Some(json!({"name": "r", "script": 7})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        b["message"],
        "Payload validation error: 'Expected type string but found type integer' on property script."
    );
    let (s, b) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "Username-Password-Authentication",
                "email": "not-an-email", "password": "long enough pw"})),
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        b["message"].as_str().unwrap().contains("format email"),
        "{b}"
    );
    let (s, b) = t
        .send(
            Method::POST,
            "/client-grants",
            Some(json!({"client_id": "x"})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        b["message"],
        "Payload validation error: 'Missing required property: audience'."
    );
    // Not JSON at all, or the wrong JSON type.
    let r = t
        .http
        .post(format!("{}/api/v2/rules", t.emu.base_url()))
        .bearer_auth(&t.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["message"], "Invalid request payload JSON format");
    let (s, _) = t.send(Method::POST, "/rules", Some(json!([1, 2]))).await;
    assert_eq!(s, 400);
    // Too large.
    let huge = "x".repeat(2 * 1024 * 1024);
    let (s, b) = t
        .send(
            Method::POST,
            "/rules",
            Some(json!({"name": "r", "script": huge})),
        )
        .await;
    assert_eq!(s, 413, "{b}");
    // Query parameters, by their schema.
    let (s, b) = t.send(Method::GET, "/users?per_page=1000", None).await;
    assert_eq!((s, error_code(&b)), (400, Some("invalid_query_string")));
    assert_eq!(
        b["message"],
        "Query validation error: 'Value 1000 is greater than maximum 100' on property per_page."
    );
    let (s, _) = t
        .send(Method::GET, "/users?include_totals=maybe", None)
        .await;
    assert_eq!(s, 400);
    let (s, b) = t.send(Method::GET, "/users-by-email", None).await;
    assert_eq!((s, error_code(&b)), (400, Some("invalid_query_string")));
}

#[tokio::test]
async fn routing_follows_the_spec() {
    let t = start().await;
    let (s, b) = t.send(Method::GET, "/organizations", None).await;
    assert_eq!((s, error_code(&b)), (501, Some("not_emulated")));
    let message = b["message"].as_str().unwrap();
    assert!(message.starts_with("GET /api/v2/organizations (get_organizations)"));
    assert!(
        message.contains("GET /api/v2/users/{id}")
            && message.contains("POST /api/v2/jobs/users-imports")
    );
    let (s, _) = t.send(Method::GET, "/no-such-thing", None).await;
    assert_eq!(s, 404);
    let (s, _) = t.send(Method::PUT, "/users", None).await;
    assert_eq!(s, 405);
    let (s, b) = t
        .send(Method::GET, "/jobs/job_0123456789abcdef", None)
        .await;
    assert_eq!(
        (s, b["message"].as_str()),
        (404, Some("The job does not exist."))
    );
}

#[tokio::test]
async fn tokens_and_scopes() {
    let t = start().await;
    let url = format!("{}/api/v2/clients", t.emu.base_url());
    let r = t.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["message"], "Missing authentication");
    let r = t
        .http
        .get(&url)
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = t.http.get(&url).bearer_auth("a.b.c").send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The scopes an operation needs are the spec's: any one of them.
    let narrow = token(&t.emu, &t.http, Some("read:users")).await;
    let r = t.http.get(&url).bearer_auth(&narrow).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        b["message"],
        "Insufficient scope, expected any of: read:clients,read:client_keys,read:client_credentials,read:client_summary"
    );
    assert_eq!(error_code(&b), Some("insufficient_scope"));
    let r = t
        .http
        .get(format!("{}/api/v2/users", t.emu.base_url()))
        .bearer_auth(&narrow)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A client granted fewer scopes gets fewer.
    let limited = Emulator::builder()
        .scopes(["read:rules"])
        .start()
        .await
        .unwrap();
    let tok = token(&limited, &t.http, None).await;
    let r = t
        .http
        .get(format!("{}/api/v2/users", limited.base_url()))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_auth0_headers() {
    let t = start_with(Emulator::builder().rate_limit(2, Duration::from_secs(3600))).await;
    let first = t.raw(Method::GET, "/rules", None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.headers["x-ratelimit-limit"], "2");
    assert_eq!(first.headers["x-ratelimit-remaining"], "1");
    let reset: u64 = first.headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > 1_600_000_000);
    let second = t.raw(Method::GET, "/rules", None).await;
    assert_eq!(second.headers["x-ratelimit-remaining"], "0");
    let limited = t.raw(Method::GET, "/rules", None).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.body,
        json!({"statusCode": 429, "error": "Too Many Requests",
            "message": "Global limit has been reached", "errorCode": "too_many_requests"})
    );
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry));
    assert_eq!(limited.headers["x-ratelimit-remaining"], "0");
    assert_eq!((t.emu.api_requests(), t.emu.rejected_requests()), (3, 1));
}

#[tokio::test]
async fn injected_failures_and_latency() {
    let t = start_with(
        Emulator::builder()
            .fail_every(4, 503)
            .latency(Duration::from_millis(5))
            .token_latency(Duration::from_millis(5)),
    )
    .await;
    let mut statuses = vec![];
    for _ in 0..6 {
        statuses.push(t.raw(Method::GET, "/rules", None).await.status);
    }
    assert_eq!(statuses, vec![200, 200, 200, 503, 200, 200]);
    t.emu.fail_next(2, 500);
    let r = t.raw(Method::GET, "/rules", None).await;
    assert_eq!(r.status, 500);
    assert_eq!(error_code(&r.body), Some("injected_failure"));
    assert_eq!(t.raw(Method::GET, "/rules", None).await.status, 500);
    assert_eq!(t.raw(Method::GET, "/rules", None).await.status, 200);
    assert_eq!(t.emu.api_requests(), 9);
    // The first N requests can fail from the start, too.
    let t = start_with(Emulator::builder().fail_first(1, 502)).await;
    assert_eq!(t.raw(Method::GET, "/rules", None).await.status, 502);
    assert_eq!(t.raw(Method::GET, "/rules", None).await.status, 200);
}

#[tokio::test]
async fn clients_grants_and_resource_servers() {
    let t = start().await;
    let c = t
        .ok(
            Method::POST,
            "/clients",
            Some(json!({"name": "app", "app_type": "spa"})),
        )
        .await;
    let id = c["client_id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    let old_secret = c["client_secret"].clone();
    let rotated = t
        .ok(Method::POST, &format!("/clients/{id}/rotate-secret"), None)
        .await;
    assert_ne!(rotated["client_secret"], old_secret);
    let rs = t
        .ok(
            Method::POST,
            "/resource-servers",
            Some(
                json!({"identifier": "https://api.example.com/", "name": "API",
                "scopes": [{"value": "read:things"}]}),
            ),
        )
        .await;
    let rs_id = rs["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .send(
            Method::POST,
            "/resource-servers",
            Some(json!({"identifier": "https://api.example.com/"})),
        )
        .await;
    assert_eq!((s, error_code(&b)), (409, Some("conflict")));
    // The spec documents 201 for this update; the emulator answers what the spec says.
    let (s, b) = t
        .send(
            Method::PATCH,
            &format!("/resource-servers/{rs_id}"),
            Some(json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!((s, b["name"].as_str()), (201, Some("Renamed")));
    // The tenant's own Management API is there, and is not to be touched.
    let all = t
        .ok(Method::GET, "/resource-servers?include_totals=true", None)
        .await;
    assert_eq!(all["total"], 2);
    let system = all["resource_servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["is_system"] == true)
        .unwrap();
    assert_eq!(system["identifier"], t.emu.audience());
    let (s, _) = t
        .send(
            Method::DELETE,
            &format!("/resource-servers/{}", system["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 403);
    let g = t
        .ok(
            Method::POST,
            "/client-grants",
            Some(
                json!({"client_id": id, "audience": "https://api.example.com/",
                "scope": ["read:things"]}),
            ),
        )
        .await;
    let gid = g["id"].as_str().unwrap().to_string();
    assert!(gid.starts_with("cgr_"));
    let (s, _) = t
        .send(
            Method::POST,
            "/client-grants",
            Some(json!({"client_id": id, "audience": "https://api.example.com/", "scope": []})),
        )
        .await;
    assert_eq!(s, 409);
    let found = t
        .ok(
            Method::GET,
            &format!("/client-grants?client_id={id}&audience=https%3A%2F%2Fapi.example.com%2F"),
            None,
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let none = t
        .ok(Method::GET, "/client-grants?audience=elsewhere", None)
        .await;
    assert_eq!(none, json!([]));
    let g = t
        .ok(
            Method::PATCH,
            &format!("/client-grants/{gid}"),
            Some(json!({"scope": []})),
        )
        .await;
    assert_eq!(g["scope"], json!([]));
    let (s, _) = t
        .send(Method::DELETE, &format!("/client-grants/{gid}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, b) = t
        .send(Method::GET, &format!("/client-grants/{gid}"), None)
        .await;
    assert_eq!((s, error_code(&b)), (404, Some("inexistent_client_grant")));
    assert_eq!(
        t.send(Method::DELETE, &format!("/resource-servers/{rs_id}"), None)
            .await
            .0,
        204
    );
    t.ok(
        Method::POST,
        "/client-grants",
        Some(json!({"client_id": id, "audience": "https://other.example.com/", "scope": []})),
    )
    .await;
    assert_eq!(
        t.send(Method::DELETE, &format!("/clients/{id}"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        t.ok(Method::GET, &format!("/client-grants?client_id={id}"), None)
            .await,
        json!([]),
        "the client's grants go with it"
    );
}

#[tokio::test]
async fn connections_page_by_offset_and_checkpoint() {
    let t = start().await;
    for i in 0..3 {
        t.ok(
            Method::POST,
            "/connections",
            Some(json!({"name": format!("db-{i}"), "strategy": "auth0"})),
        )
        .await;
    }
    let (s, b) = t
        .send(
            Method::POST,
            "/connections",
            Some(json!({"name": "db-0", "strategy": "auth0"})),
        )
        .await;
    assert_eq!((s, error_code(&b)), (409, Some("connection_conflict")));
    let page = t
        .ok(
            Method::GET,
            "/connections?include_totals=true&per_page=2&page=1",
            None,
        )
        .await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["connections"].as_array().map(Vec::len)
        ),
        (Some(4), Some(2))
    );
    assert!(page.get("length").is_none(), "connections have no length");
    let first = t.ok(Method::GET, "/connections?take=3", None).await;
    assert_eq!(first["connections"].as_array().unwrap().len(), 3);
    let next = first["next"].as_str().unwrap();
    let last = t
        .ok(
            Method::GET,
            &format!("/connections?take=3&from={next}"),
            None,
        )
        .await;
    assert_eq!(last["connections"].as_array().unwrap().len(), 1);
    assert!(last.get("next").is_none());
    let by_name = t.ok(Method::GET, "/connections?name=db-1", None).await;
    let id = by_name[0]["id"].as_str().unwrap().to_string();
    let updated = t
        .ok(
            Method::PATCH,
            &format!("/connections/{id}"),
            Some(json!({"display_name": "Database one"})),
        )
        .await;
    assert_eq!(updated["display_name"], "Database one");
    let one = t
        .ok(
            Method::GET,
            &format!("/connections/{id}?fields=name,id"),
            None,
        )
        .await;
    assert_eq!(one, json!({"id": id, "name": "db-1"}));
    // Users can be created in a new database connection.
    let (s, _) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "db-1", "email": "x@example.com", "password": "long enough pw"})),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = t
        .send(Method::DELETE, &format!("/connections/{id}"), None)
        .await;
    assert_eq!(s, 202, "Auth0 deletes connections asynchronously");
    let gone = t
        .ok(Method::GET, "/users-by-email?email=x%40example.com", None)
        .await;
    assert_eq!(gone, json!([]), "the connection's users go with it");
    let (s, b) = t
        .send(Method::GET, &format!("/connections/{id}"), None)
        .await;
    assert_eq!((s, error_code(&b)), (404, Some("inexistent_connection")));
}

#[tokio::test]
async fn device_credentials_email_provider_settings_blacklist() {
    let t = start().await;
    let d = t
        .ok(
            Method::POST,
            "/device-credentials",
            Some(
                json!({"device_name": "Phone", "type": "public_key", "value": "KEY",
                "device_id": "0a1b2c3d"}),
            ),
        )
        .await;
    let did = d["id"].as_str().unwrap().to_string();
    assert_eq!(d, json!({"id": did}));
    let list = t
        .ok(Method::GET, "/device-credentials?include_totals=true", None)
        .await;
    assert_eq!(list["total"], 1);
    assert!(
        list["device_credentials"][0].get("value").is_none(),
        "the key is not echoed"
    );
    assert_eq!(
        t.send(Method::DELETE, &format!("/device-credentials/{did}"), None)
            .await
            .0,
        204
    );

    let (s, b) = t.send(Method::GET, "/emails/provider", None).await;
    assert_eq!(
        (s, error_code(&b)),
        (404, Some("inexistent_email_provider"))
    );
    let p = t
        .ok(
            Method::POST,
            "/emails/provider",
            Some(
                json!({"name": "smtp", "credentials": {"smtp_host": "smtp.example.com",
                "smtp_port": 587, "smtp_user": "me", "smtp_pass": "hunter2"},
                "default_from_address": "no-reply@example.com"}),
            ),
        )
        .await;
    assert!(p["credentials"].get("smtp_pass").is_none());
    assert_eq!(p["credentials"]["smtp_host"], "smtp.example.com");
    let (s, _) = t
        .send(
            Method::POST,
            "/emails/provider",
            Some(
                json!({"name": "smtp", "credentials": {"smtp_host": "h", "smtp_port": 25,
                "smtp_user": "u", "smtp_pass": "p"}}),
            ),
        )
        .await;
    assert_eq!(s, 409);
    let p = t
        .ok(
            Method::PATCH,
            "/emails/provider",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(p["enabled"], false);
    let p = t
        .ok(Method::GET, "/emails/provider?fields=name", None)
        .await;
    assert_eq!(p, json!({"name": "smtp"}));
    assert_eq!(
        t.send(Method::DELETE, "/emails/provider", None).await.0,
        204
    );
    assert_eq!(
        t.send(Method::DELETE, "/emails/provider", None).await.0,
        404
    );

    let s = t
        .ok(
            Method::PATCH,
            "/tenants/settings",
            Some(json!({"friendly_name": "Acme", "flags": {"enable_apis_section": true}})),
        )
        .await;
    assert_eq!(s["friendly_name"], "Acme");
    assert_eq!(
        s["flags"],
        json!({"enable_client_connections": false, "enable_apis_section": true}),
        "objects merge"
    );
    let s = t
        .ok(Method::GET, "/tenants/settings?fields=friendly_name", None)
        .await;
    assert_eq!(s, json!({"friendly_name": "Acme"}));

    let (st, _) = t
        .send(
            Method::POST,
            "/blacklists/tokens",
            Some(json!({"jti": "j1", "aud": "a1"})),
        )
        .await;
    assert_eq!(st, 204);
    t.ok(
        Method::POST,
        "/blacklists/tokens",
        Some(json!({"jti": "j2"})),
    )
    .await;
    let all = t.ok(Method::GET, "/blacklists/tokens", None).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let a1 = t.ok(Method::GET, "/blacklists/tokens?aud=a1", None).await;
    assert_eq!(a1, json!([{"aud": "a1", "jti": "j1"}]));
}

#[tokio::test]
async fn tickets_and_stats() {
    let t = start().await;
    let id = t.user("ticket@example.com").await;
    let raw_id = id.replace("%7C", "|");
    let v = t
        .ok(
            Method::POST,
            "/tickets/email-verification",
            Some(json!({"user_id": raw_id})),
        )
        .await;
    assert!(v["ticket"].as_str().unwrap().contains("ticket="));
    let (s, _) = t
        .send(
            Method::POST,
            "/tickets/email-verification",
            Some(json!({"user_id": "auth0|nobody"})),
        )
        .await;
    assert_eq!(s, 404);
    let conns = t.ok(Method::GET, "/connections", None).await;
    let con = conns[0]["id"].as_str().unwrap();
    let p = t
        .ok(
            Method::POST,
            "/tickets/password-change",
            Some(json!({"email": "ticket@example.com", "connection_id": con})),
        )
        .await;
    assert!(p["ticket"].as_str().unwrap().starts_with(t.emu.base_url()));
    assert_eq!(
        t.ok(Method::GET, "/stats/active-users", None).await,
        json!(0)
    );
    let today = chrono_today();
    let daily = t
        .ok(
            Method::GET,
            &format!("/stats/daily?from={today}&to={today}"),
            None,
        )
        .await;
    assert_eq!(daily.as_array().unwrap().len(), 1);
    assert_eq!(daily[0]["signups"], 1);
    let (s, _) = t
        .send(Method::GET, "/stats/daily?from=yesterday", None)
        .await;
    assert_eq!(s, 400);
}

/// Today as `YYYYMMDD` (UTC), without a date library.
fn chrono_today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}")
}

#[tokio::test]
async fn identities_logs_permissions_and_mfa() {
    let t = start().await;
    let primary = t.user("main@example.com").await;
    let secondary = t.user("other@example.com").await;
    let bare = secondary.trim_start_matches("auth0%7C").to_string();
    let ids = t
        .ok(
            Method::POST,
            &format!("/users/{primary}/identities"),
            Some(json!({"provider": "auth0", "user_id": bare})),
        )
        .await;
    assert_eq!(ids.as_array().unwrap().len(), 2);
    assert_eq!(ids[1]["profileData"]["email"], "other@example.com");
    let (s, _) = t
        .send(Method::GET, &format!("/users/{secondary}"), None)
        .await;
    assert_eq!(s, 404, "the secondary user is merged into the primary");
    let left = t
        .ok(
            Method::DELETE,
            &format!("/users/{primary}/identities/auth0/{bare}"),
            None,
        )
        .await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    let back = t
        .ok(Method::GET, &format!("/users/{secondary}"), None)
        .await;
    assert_eq!(back["email"], "other@example.com");

    let logs = t
        .ok(
            Method::GET,
            &format!("/users/{primary}/logs?include_totals=true"),
            None,
        )
        .await;
    assert!(logs["total"].as_u64().unwrap() >= 2, "{logs}");
    assert_eq!(
        t.ok(Method::GET, &format!("/users/{primary}/enrollments"), None)
            .await,
        json!([])
    );
    assert_eq!(
        t.send(
            Method::DELETE,
            &format!("/users/{primary}/multifactor/duo"),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        t.send(
            Method::POST,
            &format!("/users/{primary}/multifactor/actions/invalidate-remember-browser"),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        t.send(Method::GET, "/users/auth0%7Cnobody/enrollments", None)
            .await
            .0,
        404
    );
    let perm = json!({"permissions": [{"resource_server_identifier": "https://api.example.com/",
        "permission_name": "read:things"}]});
    assert_eq!(
        t.send(
            Method::POST,
            &format!("/users/{primary}/permissions"),
            Some(perm.clone())
        )
        .await
        .0,
        201
    );
    let p = t
        .ok(
            Method::GET,
            &format!("/users/{primary}/permissions?include_totals=true"),
            None,
        )
        .await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["permissions"][0]["permission_name"], "read:things");
    let u = t.ok(Method::GET, &format!("/users/{primary}"), None).await;
    assert!(u.as_object().unwrap().keys().all(|k| !k.starts_with("__")));
    assert_eq!(
        t.send(
            Method::DELETE,
            &format!("/users/{primary}/permissions"),
            Some(perm)
        )
        .await
        .0,
        204
    );
    let p = t
        .ok(Method::GET, &format!("/users/{primary}/permissions"), None)
        .await;
    assert_eq!(p, json!([]));
}

#[tokio::test]
async fn metadata_merges_as_auth0_does() {
    let t = start().await;
    let id = t.user("meta@example.com").await;
    let path = format!("/users/{id}");
    t.ok(
        Method::PATCH,
        &path,
        Some(json!({"user_metadata": {"a": 1, "nested": {"x": 1, "y": 2}}})),
    )
    .await;
    let u = t
        .ok(
            Method::PATCH,
            &path,
            Some(json!({"user_metadata": {"nested": {"x": 3}, "b": 2}, "name": "Meta"})),
        )
        .await;
    assert_eq!(
        u["user_metadata"],
        json!({"a": 1, "b": 2, "nested": {"x": 3}}),
        "one level deep"
    );
    assert_eq!(u["name"], "Meta");
    let u = t
        .ok(
            Method::PATCH,
            &path,
            Some(json!({"user_metadata": {}, "name": null})),
        )
        .await;
    assert_eq!(u["user_metadata"], json!({}), "{{}} clears");
    assert!(u.get("name").is_none(), "null unsets a root attribute");
    let u = t
        .ok(
            Method::PATCH,
            &path,
            Some(json!({"password": "another long one"})),
        )
        .await;
    assert!(u["last_password_reset"].is_string());
}

#[tokio::test]
async fn export_and_verification_jobs_complete() {
    let t = start().await;
    t.user("exp1@example.com").await;
    t.user("exp2@example.com").await;
    let conns = t.ok(Method::GET, "/connections", None).await;
    let con = conns[0]["id"].as_str().unwrap().to_string();
    let job = t
        .ok(
            Method::POST,
            "/jobs/users-exports",
            Some(json!({"connection_id": con, "format": "json",
                "fields": [{"name": "email"}, {"name": "user_id", "export_as": "id"}]})),
        )
        .await;
    assert_eq!(
        (job["status"].as_str(), job["type"].as_str()),
        (Some("pending"), Some("users_export"))
    );
    let id = job["id"].as_str().unwrap().to_string();
    let done = wait(&t, &id).await;
    let location = done["location"].as_str().unwrap();
    // Like Auth0's download URL, it needs no token.
    let file = t
        .http
        .get(location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["email"], "exp1@example.com");
    assert!(lines[0]["id"].as_str().unwrap().starts_with("auth0|"));
    let csv = t
        .ok(
            Method::POST,
            "/jobs/users-exports",
            Some(json!({"format": "csv", "fields": [{"name": "email"}]})),
        )
        .await;
    let done = wait(&t, csv["id"].as_str().unwrap()).await;
    let file = t
        .http
        .get(done["location"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        file,
        "\"email\"\n\"exp1@example.com\"\n\"exp2@example.com\"\n"
    );

    let uid = t.user("verify@example.com").await.replace("%7C", "|");
    let (s, job) = t
        .send(
            Method::POST,
            "/jobs/verification-email",
            Some(json!({"user_id": uid})),
        )
        .await;
    assert_eq!((s, job["type"].as_str()), (201, Some("verification_email")));
    wait(&t, job["id"].as_str().unwrap()).await;
}

#[tokio::test]
async fn at_most_two_imports_run_at_once() {
    let t = start().await;
    let conns = t.ok(Method::GET, "/connections", None).await;
    let con = conns[0]["id"].as_str().unwrap().to_string();
    let mut statuses = vec![];
    for _ in 0..3 {
        let form = reqwest::multipart::Form::new()
            .part(
                "users",
                reqwest::multipart::Part::bytes(b"[]".to_vec()).file_name("users.json"),
            )
            .text("connection_id", con.clone());
        let r = t
            .http
            .post(format!("{}/api/v2/jobs/users-imports", t.emu.base_url()))
            .bearer_auth(&t.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, vec![202, 202, 429]);
    // The form's fields are validated against the spec too.
    let form = reqwest::multipart::Form::new()
        .part(
            "users",
            reqwest::multipart::Part::bytes(b"[]".to_vec()).file_name("u.json"),
        )
        .text("connection_id", "not-a-connection-id");
    let r = t
        .http
        .post(format!("{}/api/v2/jobs/users-imports", t.emu.base_url()))
        .bearer_auth(&t.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert!(
        b["message"].as_str().unwrap().contains("connection_id"),
        "{b}"
    );
    // Auth0's payload limit.
    let form = reqwest::multipart::Form::new()
        .part(
            "users",
            reqwest::multipart::Part::bytes(vec![b' '; 600 * 1024]).file_name("u.json"),
        )
        .text("connection_id", con);
    let r = t
        .http
        .post(format!("{}/api/v2/jobs/users-imports", t.emu.base_url()))
        .bearer_auth(&t.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        b["message"],
        "Payload content length greater than maximum allowed: 512000."
    );
}

/// Polls a job until it completes (bounded).
async fn wait(t: &T, id: &str) -> Value {
    for _ in 0..200 {
        let j = t.ok(Method::GET, &format!("/jobs/{id}"), None).await;
        if j["status"] == "completed" {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} did not complete");
}
