//! The emulator behaves like a tenant: auth, validation, pagination, metadata merging.

mod common;
use auth0_management_emulator::Emulator;
use common::token;
use serde_json::{Value, json};

struct T {
    emu: Emulator,
    http: reqwest::Client,
    token: String,
}

async fn start() -> T {
    let emu = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let token = token(&emu, &http, None).await;
    T { emu, http, token }
}

impl T {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/v2{path}", self.emu.base_url()))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn token_endpoint_checks_the_client() {
    let emu = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/oauth/token", emu.base_url());
    let bad = http
        .post(&url)
        .json(
            &json!({"grant_type": "client_credentials", "client_id": emu.client_id(),
            "client_secret": "wrong", "audience": emu.audience()}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "access_denied");
    let wrong_aud = http
        .post(&url)
        .json(
            &json!({"grant_type": "client_credentials", "client_id": emu.client_id(),
            "client_secret": emu.client_secret(), "audience": "https://elsewhere/api/v2/"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_aud.status(), 403);
    // The form encoding works too.
    let form = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=client_credentials&client_id={}&client_secret={}&audience={}",
            emu.client_id(),
            emu.client_secret(),
            emu.audience().replace(':', "%3A").replace('/', "%2F")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
}

#[tokio::test]
async fn api_calls_need_a_valid_token_with_the_scope() {
    let t = start().await;
    let url = format!("{}/api/v2/users", t.emu.base_url());
    assert_eq!(t.http.get(&url).send().await.unwrap().status(), 401);
    let forged = format!("{}x", t.token);
    let r = t.http.get(&url).bearer_auth(forged).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let narrow = token(&t.emu, &t.http, Some("read:rules")).await;
    let r = t.http.get(&url).bearer_auth(narrow).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "insufficient_scope");
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let emu = Emulator::builder()
        .token_lifetime_secs(0)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let tok = token(&emu, &http, None).await;
    let r = http
        .get(format!("{}/api/v2/users", emu.base_url()))
        .bearer_auth(tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("Expired"));
}

#[tokio::test]
async fn users_lifecycle() {
    let t = start().await;
    use reqwest::Method;
    let (s, body) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "Username-Password-Authentication",
            "email": "ann@example.com", "password": "correct horse battery",
            "user_metadata": {"theme": "dark", "lang": "en"}})),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let id = body["user_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("auth0|"));
    let (s, _) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "Username-Password-Authentication",
            "email": "ann@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, 409);
    let (s, body) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "Username-Password-Authentication",
            "email": "x@example.com", "password": "short"})),
        )
        .await;
    assert_eq!(
        (s, body["errorCode"].as_str()),
        (400, Some("invalid_password"))
    );

    let encoded = id.replace('|', "%7C");
    let (s, body) = t
        .send(
            Method::PATCH,
            &format!("/users/{encoded}"),
            Some(json!({"user_metadata": {"lang": null, "tz": "UTC"}})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(body["user_metadata"], json!({"theme": "dark", "tz": "UTC"}));

    let (s, body) = t
        .send(Method::GET, "/users-by-email?email=ANN%40example.com", None)
        .await;
    assert_eq!((s, body.as_array().map(Vec::len)), (200, Some(1)));
    let (s, body) = t
        .send(
            Method::GET,
            "/users?q=email%3A%22ann%40example.com%22&include_totals=true",
            None,
        )
        .await;
    assert_eq!((s, body["total"].as_u64()), (200, Some(1)));

    let (s, _) = t
        .send(Method::DELETE, &format!("/users/{encoded}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, body) = t
        .send(Method::GET, &format!("/users/{encoded}"), None)
        .await;
    assert_eq!(
        (s, body["errorCode"].as_str()),
        (404, Some("inexistent_user"))
    );
}

#[tokio::test]
async fn paging_stops_at_the_first_thousand_users() {
    let t = start().await;
    let (s, _) = t
        .send(reqwest::Method::GET, "/users?page=9&per_page=100", None)
        .await;
    assert_eq!(s, 200);
    let (s, body) = t
        .send(reqwest::Method::GET, "/users?page=10&per_page=100", None)
        .await;
    assert_eq!(
        (s, body["errorCode"].as_str()),
        (400, Some("invalid_paging"))
    );
}

#[tokio::test]
async fn rules_crud_and_unknown_routes() {
    let t = start().await;
    use reqwest::Method;
    let (s, rule) = t
        .send(
            Method::POST,
            "/rules",
            Some(json!({"name": "r1", "script": "function (u, c, cb) { cb(null, u, c); }"})),
        )
        .await;
    assert_eq!(s, 201);
    let id = rule["id"].as_str().unwrap();
    let (s, _) = t
        .send(Method::POST, "/rules", Some(json!({"name": "r2"})))
        .await;
    assert_eq!(s, 400, "script is required");
    let (s, body) = t
        .send(
            Method::PATCH,
            &format!("/rules/{id}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!((s, &body["enabled"]), (200, &json!(false)));
    let (s, body) = t
        .send(Method::GET, "/rules?include_totals=true&per_page=1", None)
        .await;
    assert_eq!((s, body["rules"].as_array().map(Vec::len)), (200, Some(1)));
    let (s, _) = t.send(Method::DELETE, &format!("/rules/{id}"), None).await;
    assert_eq!(s, 204);
    let (s, body) = t.send(Method::GET, "/organizations", None).await;
    assert_eq!(s, 501);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("GET /api/v2/users")
    );
}

#[tokio::test]
async fn import_jobs_run_in_the_background_and_report_duplicates() {
    let t = start().await;
    use reqwest::Method;
    let (_, conns) = t.send(Method::GET, "/connections", None).await;
    let connection_id = conns[0]["id"].as_str().unwrap().to_string();
    let (s, _) = t
        .send(
            Method::POST,
            "/users",
            Some(json!({"connection": "Username-Password-Authentication",
            "email": "dup@example.com", "password": "long enough pw"})),
        )
        .await;
    assert_eq!(s, 201);
    let file = json!([
        {"email": "a@example.com", "email_verified": true},
        {"email": "b@example.com", "user_metadata": {"plan": "pro"}},
        {"email": "dup@example.com"}
    ]);
    let form = reqwest::multipart::Form::new()
        .part(
            "users",
            reqwest::multipart::Part::bytes(file.to_string().into_bytes())
                .file_name("users.json")
                .mime_str("application/json")
                .unwrap(),
        )
        .text("connection_id", connection_id.clone())
        .text("external_id", "batch-1");
    let resp = t
        .http
        .post(format!("{}/api/v2/jobs/users-imports", t.emu.base_url()))
        .bearer_auth(&t.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let job: Value = resp.json().await.unwrap();
    assert_eq!(
        (job["status"].as_str(), job["external_id"].as_str()),
        (Some("pending"), Some("batch-1"))
    );
    let id = job["id"].as_str().unwrap().to_string();
    let mut finished = None;
    for _ in 0..100 {
        let (_, j) = t.send(Method::GET, &format!("/jobs/{id}"), None).await;
        if j["status"] == "completed" {
            finished = Some(j);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let job = finished.expect("the job completes");
    assert_eq!(
        job["summary"],
        json!({"failed": 1, "updated": 0, "inserted": 2, "total": 3})
    );
    let (s, errors) = t
        .send(Method::GET, &format!("/jobs/{id}/errors"), None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(errors[0]["errors"][0]["code"], "DUPLICATED_USER");
    let (_, found) = t
        .send(Method::GET, "/users-by-email?email=b%40example.com", None)
        .await;
    assert_eq!(found[0]["user_metadata"]["plan"], "pro");
}

#[tokio::test]
async fn logs_page_by_offset_and_by_checkpoint() {
    let t = start().await;
    use reqwest::Method;
    for i in 0..5 {
        let (s, _) = t
            .send(
                Method::POST,
                "/users",
                Some(json!({"connection": "Username-Password-Authentication",
                "email": format!("u{i}@example.com"), "password": "long enough pw"})),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, first) = t.send(Method::GET, "/logs?take=2", None).await;
    assert_eq!(first.as_array().unwrap().len(), 2);
    let from = first[1]["log_id"].as_str().unwrap();
    let (_, next) = t
        .send(Method::GET, &format!("/logs?from={from}&take=10"), None)
        .await;
    assert_eq!(
        next.as_array().unwrap().len(),
        3,
        "the rest, after the checkpoint"
    );
    let (_, paged) = t
        .send(
            Method::GET,
            "/logs?include_totals=true&per_page=2&page=0",
            None,
        )
        .await;
    assert_eq!(paged["total"], 5);
    let newest = paged["logs"][0]["log_id"].as_str().unwrap();
    let (s, one) = t.send(Method::GET, &format!("/logs/{newest}"), None).await;
    assert_eq!((s, one["type"].as_str()), (200, Some("sapi")));
}
