//! Jobs: `/api/v2/jobs` (user imports and exports, verification emails).
//!
//! [`JobsManager`] (from [`ManagementClient::jobs`]) starts and inspects jobs, and waits for
//! them ([`JobsManager::wait_for_job`]); the seed's `importUsers`, `getJob` and
//! `sendEmailVerification` (and `exportUsers`, `getJobErrors`) are also methods of
//! [`ManagementClient`] itself.
//!
//! The generated client has no method for `POST /jobs/users-imports` (its body is
//! `multipart/form-data`); [`JobsManager::import_users`] builds that body here and sends it
//! through the client's usual token, headers, retry policy and error handling.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::{Stream, TryStreamExt as _};
use reqwest::Method;
use reqwest::header::HeaderValue;

use super::raw::{self, RawRequest};
use crate::api::types;
use crate::{Error, ManagementClient, path_id};

/// A job, as `GET /jobs/{id}` (and `POST /jobs/users-imports`) return it.
pub type Job = types::GetJobResponseContent;

/// Polling interval of [`JobsManager::wait_for_job`] when in doubt.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

enum UsersSource {
    Path(PathBuf),
    Bytes(Vec<u8>),
    Stream(futures::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>),
    Reader(Box<dyn tokio::io::AsyncRead + Send + Unpin>),
}

/// A user import (`POST /jobs/users-imports`): the users file and the form fields.
///
/// The file is a JSON array of users in Auth0's import format (Auth0 accepts files up to
/// 500 kB). Whatever the source, the file is read into memory before the request is sent, so
/// the request can be re-sent unchanged when it is rate limited.
///
/// ```no_run
/// use auth0_management::managers::jobs::ImportUsers;
/// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
/// let job = client
///     .jobs()
///     .import_users(
///         ImportUsers::from_path("con_0123456789abcdef", "users.json")
///             .upsert(true)
///             .send_completion_email(false),
///     )
///     .await?;
/// println!("{} is {}", job.id, job.status);
/// # Ok(()) }
/// ```
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct ImportUsers {
    connection_id: String,
    /// Sent as the `users` file part.
    #[cfg_attr(feature = "json-schema", schemars(rename = "users", with = "String"))]
    source: UsersSource,
    /// The file name of the `users` part, not a field of its own.
    #[cfg_attr(feature = "json-schema", schemars(skip))]
    file_name: Option<String>,
    upsert: Option<bool>,
    external_id: Option<String>,
    send_completion_email: Option<bool>,
}

impl fmt::Debug for ImportUsers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            UsersSource::Path(p) => format!("path {}", p.display()),
            UsersSource::Bytes(b) => format!("{} bytes", b.len()),
            UsersSource::Stream(_) => "stream".to_owned(),
            UsersSource::Reader(_) => "reader".to_owned(),
        };
        f.debug_struct("ImportUsers")
            .field("connection_id", &self.connection_id)
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("upsert", &self.upsert)
            .field("external_id", &self.external_id)
            .field("send_completion_email", &self.send_completion_email)
            .finish()
    }
}

impl ImportUsers {
    fn new(connection_id: impl Into<String>, source: UsersSource) -> Self {
        Self {
            connection_id: connection_id.into(),
            source,
            file_name: None,
            upsert: None,
            external_id: None,
            send_completion_email: None,
        }
    }

    /// Imports the users file at `path` into connection `connection_id` (`con_...`).
    pub fn from_path(connection_id: impl Into<String>, path: impl AsRef<Path>) -> Self {
        Self::new(connection_id, UsersSource::Path(path.as_ref().to_owned()))
    }

    /// Imports users from the JSON in `bytes`.
    pub fn from_bytes(connection_id: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self::new(connection_id, UsersSource::Bytes(bytes.into()))
    }

    /// Imports users from an async reader (read to the end before sending).
    pub fn from_reader(
        connection_id: impl Into<String>,
        reader: impl tokio::io::AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        Self::new(connection_id, UsersSource::Reader(Box::new(reader)))
    }

    /// Imports users from a stream of byte chunks (collected before sending).
    pub fn from_stream<S, B>(connection_id: impl Into<String>, stream: S) -> Self
    where
        S: Stream<Item = std::io::Result<B>> + Send + 'static,
        B: Into<bytes::Bytes> + 'static,
    {
        use futures::StreamExt as _;
        Self::new(
            connection_id,
            UsersSource::Stream(stream.map_ok(Into::into).boxed()),
        )
    }

    /// The file name sent for the `users` part (default: the path's file name, else
    /// `users.json`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// `upsert`: update users that already exist (default `false` on Auth0's side).
    pub fn upsert(mut self, upsert: bool) -> Self {
        self.upsert = Some(upsert);
        self
    }

    /// `external_id`: your own identifier for the job.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// `send_completion_email`: whether Auth0 emails the tenant admins when the job ends
    /// (default `true` on Auth0's side).
    pub fn send_completion_email(mut self, send: bool) -> Self {
        self.send_completion_email = Some(send);
        self
    }

    /// Reads the file and builds the `multipart/form-data` body: content type and bytes.
    async fn into_multipart(self) -> Result<(HeaderValue, Vec<u8>), Error> {
        if self.connection_id.trim().is_empty() {
            return Err(Error::InvalidInput(
                "connection_id must not be empty".into(),
            ));
        }
        let read_err = |what: &str, e: std::io::Error| {
            Error::InvalidInput(format!("could not read the users file ({what}): {e}"))
        };
        let mut file_name = self.file_name;
        let users = match self.source {
            UsersSource::Bytes(b) => b,
            UsersSource::Path(p) => {
                if file_name.is_none() {
                    file_name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                }
                tokio::fs::read(&p)
                    .await
                    .map_err(|e| read_err(&p.display().to_string(), e))?
            }
            UsersSource::Reader(mut r) => {
                let mut buf = Vec::new();
                tokio::io::AsyncReadExt::read_to_end(&mut r, &mut buf)
                    .await
                    .map_err(|e| read_err("reader", e))?;
                buf
            }
            UsersSource::Stream(s) => {
                let chunks: Vec<bytes::Bytes> =
                    s.try_collect().await.map_err(|e| read_err("stream", e))?;
                chunks.concat()
            }
        };
        let file_name = file_name.unwrap_or_else(|| "users.json".to_owned());

        let mut fields: Vec<(&str, String)> = vec![("connection_id", self.connection_id)];
        if let Some(u) = self.upsert {
            fields.push(("upsert", u.to_string()));
        }
        if let Some(id) = self.external_id {
            fields.push(("external_id", id));
        }
        if let Some(s) = self.send_completion_email {
            fields.push(("send_completion_email", s.to_string()));
        }
        Ok(multipart_body(&users, &file_name, &fields))
    }
}

/// A boundary that occurs in none of `contents`.
fn boundary(contents: &[&[u8]]) -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    let state = std::collections::hash_map::RandomState::new();
    let mut n = 0u64;
    loop {
        let mut h = state.build_hasher();
        h.write_u64(n);
        let a = h.finish();
        h.write_u64(a);
        let b = format!("auth0-management-{:016x}{:016x}", a, h.finish());
        if !contents
            .iter()
            .any(|c| c.windows(b.len()).any(|w| w == b.as_bytes()))
        {
            return b;
        }
        n += 1;
    }
}

/// Quotes a form-data name or file name: `"` and line breaks are percent-encoded, as browsers
/// do.
fn quoted(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `multipart/form-data` body with the text `fields` and the `users` file part.
fn multipart_body(
    users: &[u8],
    file_name: &str,
    fields: &[(&str, String)],
) -> (HeaderValue, Vec<u8>) {
    let mut all: Vec<&[u8]> = vec![users];
    all.extend(fields.iter().map(|(_, v)| v.as_bytes()));
    let boundary = boundary(&all);
    let mut body = Vec::with_capacity(users.len() + 512);
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                quoted(name)
            )
            .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"users\"; filename=\"{}\"\r\n\
             Content-Type: application/json\r\n\r\n",
            quoted(file_name)
        )
        .as_bytes(),
    );
    body.extend_from_slice(users);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = HeaderValue::try_from(format!("multipart/form-data; boundary={boundary}"))
        .expect("the boundary is ASCII");
    (content_type, body)
}

/// What the failure of `job` says, for [`Error::Job`].
fn job_failure(job: &Job) -> String {
    let mut parts = Vec::new();
    if let Some(d) = job.status_details.as_deref().filter(|d| !d.is_empty()) {
        parts.push(d.to_owned());
    }
    if let Some(s) = &job.summary {
        let count = |n: Option<i64>| n.map_or("?".to_owned(), |n| n.to_string());
        parts.push(format!(
            "summary: {} failed, {} inserted, {} updated, {} total",
            count(s.failed),
            count(s.inserted),
            count(s.updated),
            count(s.total)
        ));
    }
    if parts.is_empty() {
        parts.push(format!(
            "{} job ended with status {:?}",
            job.type_, job.status
        ));
    }
    parts.join("; ")
}

/// Jobs: imports, exports, verification emails, status and errors. Obtained with
/// [`ManagementClient::jobs`].
#[derive(Debug, Clone)]
pub struct JobsManager {
    client: ManagementClient,
}

impl JobsManager {
    /// `POST /jobs/users-imports` (multipart): starts a user import and returns the job
    /// (status `pending`). See [`ImportUsers`] and [`wait_for_job`](Self::wait_for_job).
    pub async fn import_users(&self, import: ImportUsers) -> Result<Job, Error> {
        let (content_type, body) = import.into_multipart().await?;
        let mut req = RawRequest::new(
            "post_users-imports",
            Method::POST,
            &["jobs", "users-imports"],
        );
        req.body = Some((content_type, body));
        raw::send(&self.client, req).await?.json()
    }

    /// `POST /jobs/users-exports`: starts a user export; the finished job's `location` is a
    /// download URL.
    pub async fn export_users(
        &self,
        data: &types::CreateExportUsersRequestContent,
    ) -> Result<types::CreateExportUsersResponseContent, Error> {
        // Sent here, not with the generated call: the spec lists only 200 for this operation,
        // and any 2xx with the job in the body is accepted (201 included).
        let mut req = RawRequest::new(
            "post_users-exports",
            Method::POST,
            &["jobs", "users-exports"],
        );
        req.body = Some((
            HeaderValue::from_static("application/json"),
            serde_json::to_vec(data).map_err(|e| Error::InvalidInput(e.to_string()))?,
        ));
        raw::send(&self.client, req).await?.json()
    }

    /// `POST /jobs/verification-email`: sends the user a verification email (as a job).
    pub async fn send_email_verification(
        &self,
        data: &types::CreateVerificationEmailRequestContent,
    ) -> Result<types::CreateVerificationEmailResponseContent, Error> {
        let c = &self.client;
        c.call(c.api().post_verification_email(None, data)).await
    }

    /// `GET /jobs/{id}`.
    pub async fn get_job(&self, id: &str) -> Result<Job, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_jobs_by_id(id)).await
    }

    /// `GET /jobs/{id}/errors`: the users an import could not process, each with its errors,
    /// or (for a job that failed as a whole) the job's own error. A job without errors (the
    /// API answers 204 No Content) gives an empty array.
    pub async fn get_job_errors(&self, id: &str) -> Result<types::GetErrorsResponse, Error> {
        let id = path_id("id", id)?;
        // Sent here because the generated decoder reads a 204's empty body as JSON.
        let resp = raw::send(
            &self.client,
            RawRequest::new("get_errors", Method::GET, &["jobs", id, "errors"]),
        )
        .await?;
        if resp.status == 204 || resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(types::GetErrorsResponse::Array(Vec::new()));
        }
        resp.json()
    }

    /// Polls `GET /jobs/{id}` every `poll_interval` until the job is `completed` (returned),
    /// or fails: a job with another final status (`failed`, ...) gives [`Error::Job`] with its
    /// `status_details` and summary counts, and so does a job still `pending` or `processing`
    /// after `timeout` (its last status is in the error). Request errors are returned as they
    /// are. A zero `poll_interval` is refused with [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let job = client
    ///     .jobs()
    ///     .wait_for_job("job_abc", Duration::from_secs(2), Duration::from_secs(300))
    ///     .await?;
    /// println!("{:?}", job.summary);
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_job(
        &self,
        id: &str,
        poll_interval: Duration,
        timeout: Duration,
    ) -> Result<Job, Error> {
        if poll_interval.is_zero() {
            return Err(Error::InvalidInput(
                "poll_interval must be greater than zero".into(),
            ));
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let job = self.get_job(id).await?;
            match job.status.as_str() {
                "completed" => return Ok(job),
                "pending" | "processing" => {}
                _ => {
                    return Err(Error::Job {
                        message: job_failure(&job),
                        id: job.id,
                        status: job.status,
                    });
                }
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                let done = job
                    .percentage_done
                    .map(|p| format!(", {p}% done"))
                    .unwrap_or_default();
                return Err(Error::Job {
                    message: format!("still {} after waiting {timeout:?}{done}", job.status),
                    id: job.id,
                    status: job.status,
                });
            }
            tokio::time::sleep(poll_interval.min(deadline - now)).await;
        }
    }
}

impl ManagementClient {
    /// The job endpoints (`/api/v2/jobs`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let job = client.jobs().get_job("job_abc").await?;
    /// # let _ = job; Ok(()) }
    /// ```
    pub fn jobs(&self) -> JobsManager {
        JobsManager {
            client: self.clone(),
        }
    }

    /// Starts a user import (seed: `importUsers({ connection_id, users })`); see
    /// [`JobsManager::import_users`].
    ///
    /// ```no_run
    /// use auth0_management::managers::jobs::ImportUsers;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let job = client
    ///     .import_users(ImportUsers::from_path("con_0123456789abcdef", "users.json"))
    ///     .await?;
    /// # let _ = job; Ok(()) }
    /// ```
    pub async fn import_users(&self, import: ImportUsers) -> Result<Job, Error> {
        self.jobs().import_users(import).await
    }

    /// Starts a user export (`exportUsers`); see [`JobsManager::export_users`].
    ///
    /// ```no_run
    /// use auth0_management::api::types::CreateExportUsersRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = CreateExportUsersRequestContent {
    ///     format: Some("json".into()),
    ///     ..Default::default()
    /// };
    /// let job = client.export_users(&data).await?;
    /// # let _ = job; Ok(()) }
    /// ```
    pub async fn export_users(
        &self,
        data: &types::CreateExportUsersRequestContent,
    ) -> Result<types::CreateExportUsersResponseContent, Error> {
        self.jobs().export_users(data).await
    }

    /// Sends a verification email (seed: `sendEmailVerification({ user_id })`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::CreateVerificationEmailRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = CreateVerificationEmailRequestContent {
    ///     user_id: "auth0|abc".into(),
    ///     client_id: None,
    ///     identity: None,
    ///     organization_id: None,
    /// };
    /// let job = client.send_email_verification(&data).await?;
    /// # let _ = job; Ok(()) }
    /// ```
    pub async fn send_email_verification(
        &self,
        data: &types::CreateVerificationEmailRequestContent,
    ) -> Result<types::CreateVerificationEmailResponseContent, Error> {
        self.jobs().send_email_verification(data).await
    }

    /// Reads a job (seed: `getJob({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let job = client.get_job("job_abc").await?;
    /// println!("{}", job.status);
    /// # Ok(()) }
    /// ```
    pub async fn get_job(&self, id: &str) -> Result<Job, Error> {
        self.jobs().get_job(id).await
    }

    /// The errors of a job (`getJobErrors`); see [`JobsManager::get_job_errors`].
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let errors = client.get_job_errors("job_abc").await?;
    /// # let _ = errors; Ok(()) }
    /// ```
    pub async fn get_job_errors(&self, id: &str) -> Result<types::GetErrorsResponse, Error> {
        self.jobs().get_job_errors(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_shape() {
        let (ct, body) = multipart_body(
            b"[{\"email\":\"a@b.c\"}]",
            "my \"users\".json",
            &[("connection_id", "con_1".into()), ("upsert", "true".into())],
        );
        let ct = ct.to_str().unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert_eq!(
            text,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"connection_id\"\r\n\r\ncon_1\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"upsert\"\r\n\r\ntrue\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"users\"; filename=\"my %22users%22.json\"\r\n\
                 Content-Type: application/json\r\n\r\n[{{\"email\":\"a@b.c\"}}]\r\n--{b}--\r\n",
                b = boundary
            )
        );
    }

    #[test]
    fn boundary_avoids_content() {
        let b1 = boundary(&[]);
        let content = format!("xx{b1}xx");
        // Whatever the first candidate, the chosen one never occurs in the content.
        let b2 = boundary(&[content.as_bytes()]);
        assert!(!content.contains(&b2));
    }
}
