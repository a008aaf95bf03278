//! `client.jobs()` and the seed's job methods against a local mock server: the multipart
//! import body, exports, verification emails, job status and errors, and waiting for a job.

use std::time::Duration;

use auth0_management::api::types::{
    CreateExportUsersRequestContent, CreateVerificationEmailRequestContent, GetErrorsResponse,
};
use auth0_management::managers::jobs::ImportUsers;
use auth0_management::{Error, ManagementClient};
use httpmock::prelude::*;
use serde_json::json;

mod common;
use common::client;

const USERS: &str = r#"[{"email":"jane@example.com","email_verified":true}]"#;

/// One part of a `multipart/form-data` body: (name, file name, content type, body).
type Part = (String, Option<String>, Option<String>, String);

/// The parts of a `multipart/form-data` request.
fn parts(req: &HttpMockRequest) -> Option<Vec<Part>> {
    let ct = req.headers().get("content-type")?.to_str().ok()?.to_owned();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=")?;
    let body = req.body_string();
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    let mut sections = body.split(&delim);
    if !sections.next()?.is_empty() {
        return None;
    }
    for s in sections {
        if s == "--\r\n" {
            return Some(out);
        }
        let s = s.strip_prefix("\r\n")?.strip_suffix("\r\n")?;
        let (head, content) = s.split_once("\r\n\r\n")?;
        let mut name = None;
        let mut file = None;
        let mut ctype = None;
        for line in head.split("\r\n") {
            if let Some(d) = line.strip_prefix("Content-Disposition: form-data; ") {
                for attr in d.split("; ") {
                    let (k, v) = attr.split_once('=')?;
                    let v = v.trim_matches('"').to_owned();
                    match k {
                        "name" => name = Some(v),
                        "filename" => file = Some(v),
                        _ => return None,
                    }
                }
            } else if let Some(t) = line.strip_prefix("Content-Type: ") {
                ctype = Some(t.to_owned());
            } else {
                return None;
            }
        }
        out.push((name?, file, ctype, content.to_owned()));
    }
    None
}

fn expect_parts(
    want: Vec<(
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        String,
    )>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    move |req| {
        let got = parts(req);
        let want: Vec<_> = want
            .iter()
            .map(|(n, f, c, b)| {
                (
                    n.to_string(),
                    f.map(str::to_owned),
                    c.map(str::to_owned),
                    b.clone(),
                )
            })
            .collect();
        let ok = got.as_ref() == Some(&want);
        if !ok {
            eprintln!("multipart parts {got:?} != {want:?}");
        }
        ok
    }
}

fn job(id: &str, status: &str) -> serde_json::Value {
    json!({"id": id, "type": "users_import", "status": status, "connection_id": "con_0123456789abcdef", "created_at": "2026-01-01T00:00:00.000Z"})
}

#[tokio::test]
async fn import_users_from_bytes_sends_every_part() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .header("authorization", "Bearer tok")
                .is_true(expect_parts(vec![
                    ("connection_id", None, None, "con_0123456789abcdef".into()),
                    ("upsert", None, None, "true".into()),
                    ("external_id", None, None, "batch-7".into()),
                    ("send_completion_email", None, None, "false".into()),
                    (
                        "users",
                        Some("users.json"),
                        Some("application/json"),
                        USERS.into(),
                    ),
                ]));
            then.status(202).json_body(job("job_1", "pending"));
        })
        .await;
    let j = client(&server)
        .import_users(
            ImportUsers::from_bytes("con_0123456789abcdef", USERS)
                .upsert(true)
                .external_id("batch-7")
                .send_completion_email(false),
        )
        .await
        .unwrap();
    assert_eq!((j.id.as_str(), j.status.as_str()), ("job_1", "pending"));
    m.assert_async().await;
}

#[tokio::test]
async fn import_users_from_path_reader_and_stream() {
    let server = MockServer::start_async().await;
    let dir = std::env::temp_dir().join(format!("auth0-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("my-users.json");
    std::fs::write(&path, USERS).unwrap();

    let from_path = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .is_true(expect_parts(vec![
                    ("connection_id", None, None, "con_a".into()),
                    (
                        "users",
                        Some("my-users.json"),
                        Some("application/json"),
                        USERS.into(),
                    ),
                ]));
            then.status(202).json_body(job("job_path", "pending"));
        })
        .await;
    let from_reader = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .is_true(expect_parts(vec![
                    ("connection_id", None, None, "con_b".into()),
                    (
                        "users",
                        Some("custom.json"),
                        Some("application/json"),
                        USERS.into(),
                    ),
                ]));
            then.status(202).json_body(job("job_reader", "pending"));
        })
        .await;
    let from_stream = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .is_true(expect_parts(vec![
                    ("connection_id", None, None, "con_c".into()),
                    (
                        "users",
                        Some("users.json"),
                        Some("application/json"),
                        USERS.into(),
                    ),
                ]));
            then.status(202).json_body(job("job_stream", "pending"));
        })
        .await;
    let c = client(&server);
    let j = c
        .import_users(ImportUsers::from_path("con_a", &path))
        .await
        .unwrap();
    assert_eq!(j.id, "job_path");
    let reader = std::io::Cursor::new(USERS.as_bytes().to_vec());
    let j = c
        .jobs()
        .import_users(ImportUsers::from_reader("con_b", reader).file_name("custom.json"))
        .await
        .unwrap();
    assert_eq!(j.id, "job_reader");
    let (a, b) = USERS.split_at(10);
    let chunks = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(a.as_bytes().to_vec()),
        Ok(b.as_bytes().to_vec()),
    ]);
    let j = c
        .import_users(ImportUsers::from_stream("con_c", chunks))
        .await
        .unwrap();
    assert_eq!(j.id, "job_stream");
    from_path.assert_async().await;
    from_reader.assert_async().await;
    from_stream.assert_async().await;

    // A missing file and an empty connection id fail before anything is sent.
    let err = c
        .import_users(ImportUsers::from_path("con_a", dir.join("missing.json")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("missing.json")),
        "{err}"
    );
    assert!(matches!(
        c.import_users(ImportUsers::from_bytes(" ", USERS)).await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(from_path.calls_async().await, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn import_error_status_is_an_api_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v2/jobs/users-imports");
            then.status(413).json_body(json!({
                "statusCode": 413, "error": "Payload Too Large", "message": "file too large"
            }));
        })
        .await;
    let err = client(&server)
        .import_users(ImportUsers::from_bytes("con_a", USERS))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 413, message: Some(m), .. } if m == "file too large"),
        "{err:?}"
    );
}

#[tokio::test]
async fn export_and_verification_email() {
    let server = MockServer::start_async().await;
    let export = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-exports")
                .header("content-type", "application/json")
                .header("authorization", "Bearer tok")
                .json_body(json!({"format": "csv", "fields": [{"name": "email"}]}));
            then.status(201).json_body(json!({
                "id": "job_exp", "type": "users_export", "status": "pending",
                "connection": "db", "format": "csv", "fields": [{"name": "email"}]
            }));
        })
        .await;
    let verify = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/verification-email")
                .json_body(json!({"user_id": "auth0|abc", "client_id": "cid"}));
            then.status(201).json_body(
                json!({"id": "job_ver", "type": "verification_email", "status": "pending"}),
            );
        })
        .await;
    let c = client(&server);
    let data = CreateExportUsersRequestContent {
        format: Some("csv".into()),
        fields: vec![serde_json::from_value(json!({"name": "email"})).unwrap()],
        ..Default::default()
    };
    let j = c.export_users(&data).await.unwrap();
    assert_eq!(j.id, "job_exp");
    let j = c
        .send_email_verification(&CreateVerificationEmailRequestContent {
            user_id: "auth0|abc".into(),
            client_id: Some("cid".into()),
            identity: None,
            organization_id: None,
        })
        .await
        .unwrap();
    assert_eq!(j.id, "job_ver");
    export.assert_async().await;
    verify.assert_async().await;
}

#[tokio::test]
async fn get_job_and_errors() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_1");
            then.status(200).json_body(job("job_1", "completed"));
        })
        .await;
    let errors = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_1/errors");
            then.status(200).json_body(json!([{
                "user": {"email": "bad@example.com"},
                "errors": [{"code": "INVALID_FORMAT", "message": "bad", "path": "email"}]
            }]));
        })
        .await;
    let none = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_2/errors");
            then.status(204);
        })
        .await;
    let c = client(&server);
    assert_eq!(c.get_job("job_1").await.unwrap().status, "completed");
    match c.get_job_errors("job_1").await.unwrap() {
        GetErrorsResponse::Array(items) => {
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].errors.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    match c.jobs().get_job_errors("job_2").await.unwrap() {
        GetErrorsResponse::Array(items) => assert!(items.is_empty()),
        other => panic!("{other:?}"),
    }
    get.assert_async().await;
    errors.assert_async().await;
    none.assert_async().await;
    assert!(matches!(c.get_job("").await, Err(Error::InvalidInput(_))));
}

#[tokio::test]
async fn wait_for_job_pending_then_completed() {
    let server = MockServer::start_async().await;
    let pending = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_w");
            then.status(200).json_body(job("job_w", "pending"));
        })
        .await;
    let c = client(&server);
    let waiter = tokio::spawn({
        let c = c.clone();
        async move {
            c.jobs()
                .wait_for_job("job_w", Duration::from_millis(5), Duration::from_secs(60))
                .await
        }
    });
    while pending.calls_async().await < 2 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    pending.delete_async().await;
    let done = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_w");
            then.status(200).json_body(
                json!({"id": "job_w", "type": "users_import", "status": "completed",
                       "summary": {"failed": 0, "inserted": 3, "updated": 0, "total": 3}}),
            );
        })
        .await;
    let j = waiter.await.unwrap().unwrap();
    assert_eq!(j.status, "completed");
    assert_eq!(j.summary.unwrap().inserted, Some(3));
    assert_eq!(done.calls_async().await, 1);
}

#[tokio::test]
async fn wait_for_job_failed_reports_the_summary() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_f");
            then.status(200).json_body(json!({
                "id": "job_f", "type": "users_import", "status": "failed",
                "status_details": "invalid users file",
                "summary": {"failed": 2, "inserted": 1, "updated": 0, "total": 3}
            }));
        })
        .await;
    let err = client(&server)
        .jobs()
        .wait_for_job("job_f", Duration::from_millis(1), Duration::from_secs(60))
        .await
        .unwrap_err();
    match &err {
        Error::Job {
            id,
            status,
            message,
        } => {
            assert_eq!((id.as_str(), status.as_str()), ("job_f", "failed"));
            assert!(message.contains("invalid users file"), "{message}");
            assert!(message.contains("2 failed, 1 inserted"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("job_f"), "{err}");
}

#[tokio::test]
async fn wait_for_job_times_out_with_the_last_status() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v2/jobs/job_slow");
            then.status(200)
                .json_body(json!({"id": "job_slow", "type": "users_import", "status": "processing", "percentage_done": 40}));
        })
        .await;
    // Tiny real intervals; only the outcome is asserted, never how long it took.
    let err = client(&server)
        .jobs()
        .wait_for_job(
            "job_slow",
            Duration::from_millis(2),
            Duration::from_millis(20),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Job { status, message, .. } if status == "processing" && message.contains("40% done")),
        "{err:?}"
    );
    // At least the first poll and the one at the deadline.
    assert!(m.calls_async().await >= 2);
    assert!(matches!(
        client(&server)
            .jobs()
            .wait_for_job("job_slow", Duration::ZERO, Duration::from_secs(1))
            .await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn rate_limited_import_is_resent_with_the_same_body() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let server = MockServer::start_async().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let first = seen.clone();
    let limited = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .is_true(move |_| first.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(429)
                .header("retry-after", "0")
                .json_body(json!({"statusCode": 429, "error": "Too Many Requests"}));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v2/jobs/users-imports")
                .is_true(expect_parts(vec![
                    ("connection_id", None, None, "con_a".into()),
                    (
                        "users",
                        Some("users.json"),
                        Some("application/json"),
                        USERS.into(),
                    ),
                ]));
            then.status(202).json_body(job("job_r", "pending"));
        })
        .await;
    let c = ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(server.base_url())
        .token("tok")
        .retry_policy(
            auth0_management::RetryPolicy::default()
                .with_max_retries(2)
                .with_base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let j = c
        .import_users(ImportUsers::from_bytes("con_a", USERS))
        .await
        .unwrap();
    assert_eq!(j.id, "job_r");
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(accepted.calls_async().await, 1);
}
