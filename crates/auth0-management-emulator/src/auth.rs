//! The token endpoint and bearer checks: HS256 JWTs signed with a per-process random key.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::error::ApiError;

/// Scopes granted to the emulator's client unless told otherwise.
pub const DEFAULT_SCOPES: &[&str] = &[
    "read:users",
    "create:users",
    "update:users",
    "delete:users",
    "read:rules",
    "create:rules",
    "update:rules",
    "delete:rules",
    "read:clients",
    "create:clients",
    "update:clients",
    "delete:clients",
    "read:users_app_metadata",
    "update:users_app_metadata",
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:client_grants",
    "create:client_grants",
    "update:client_grants",
    "delete:client_grants",
    "read:resource_servers",
    "create:resource_servers",
    "update:resource_servers",
    "delete:resource_servers",
    "read:device_credentials",
    "create:current_user_device_credentials",
    "delete:device_credentials",
    "read:email_provider",
    "create:email_provider",
    "update:email_provider",
    "delete:email_provider",
    "read:tenant_settings",
    "update:tenant_settings",
    "blacklist:tokens",
    "create:user_tickets",
    "read:stats",
    "update:client_keys",
    "read:logs",
    "read:logs_users",
];

pub struct Auth {
    issuer: String,
    audience: String,
    client_id: String,
    client_secret: String,
    scopes: Vec<String>,
    lifetime_secs: u64,
    key: [u8; 32],
}

impl Auth {
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: &str,
        scopes: Vec<String>,
        lifetime_secs: u64,
    ) -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS has a random source");
        Self {
            issuer: format!("{base_url}/"),
            audience: format!("{base_url}/api/v2/"),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            scopes,
            lifetime_secs,
            key,
        }
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    fn sign(&self, input: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length works");
        mac.update(input.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }

    /// `POST /oauth/token` with a JSON or form body: Ok(token response) or Err(status, error, description).
    pub fn issue(&self, body: &Value) -> Result<Value, (StatusCode, &'static str, String)> {
        let field = |k: &str| body.get(k).and_then(Value::as_str);
        if field("grant_type") != Some("client_credentials") {
            return Err((
                StatusCode::FORBIDDEN,
                "unsupported_grant_type",
                "Only the client_credentials grant is emulated".into(),
            ));
        }
        let (Some(id), Some(secret)) = (field("client_id"), field("client_secret")) else {
            return Err((
                StatusCode::UNAUTHORIZED,
                "access_denied",
                "Unauthorized".into(),
            ));
        };
        if id != self.client_id
            || !constant_time_eq(secret.as_bytes(), self.client_secret.as_bytes())
        {
            return Err((
                StatusCode::UNAUTHORIZED,
                "access_denied",
                "Unauthorized".into(),
            ));
        }
        let audience = field("audience").unwrap_or_default();
        if audience != self.audience {
            return Err((
                StatusCode::FORBIDDEN,
                "access_denied",
                format!("Service not enabled within domain: {audience}"),
            ));
        }
        // A requested scope narrows the grant; unknown ones are ignored, as Auth0 does.
        let granted: Vec<&str> = match field("scope") {
            Some(req) => req
                .split_whitespace()
                .filter(|s| self.scopes.iter().any(|g| g == s))
                .collect(),
            None => self.scopes.iter().map(String::as_str).collect(),
        };
        let now = chrono::Utc::now().timestamp();
        let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = json!({
            "iss": self.issuer,
            "sub": format!("{}@clients", self.client_id),
            "aud": self.audience,
            "iat": now,
            "exp": now + self.lifetime_secs as i64,
            "scope": granted.join(" "),
            "gty": "client-credentials",
            "azp": self.client_id,
        });
        let payload = B64.encode(claims.to_string());
        let input = format!("{header}.{payload}");
        let token = format!("{input}.{}", self.sign(&input));
        Ok(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.lifetime_secs,
            "scope": granted.join(" "),
        }))
    }

    /// Checks the bearer token of an API call and that it carries one of `any_scope`.
    /// An empty `any_scope` needs a valid token only.
    pub fn check<S: AsRef<str>>(
        &self,
        headers: &HeaderMap,
        any_scope: &[S],
    ) -> Result<(), ApiError> {
        let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return Err(ApiError::unauthorized("Missing authentication"));
        };
        let Some(token) = value.strip_prefix("Bearer ") else {
            return Err(ApiError::unauthorized(
                "Bad HTTP authentication header format",
            ));
        };
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ApiError::unauthorized("Invalid token"));
        };
        let expected = self.sign(&format!("{h}.{p}"));
        if !constant_time_eq(expected.as_bytes(), s.as_bytes()) {
            return Err(ApiError::unauthorized(
                "Invalid signature received for JSON Web Token validation",
            ));
        }
        let claims: Value = B64
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| ApiError::unauthorized("Invalid token"))?;
        if claims["exp"].as_i64().unwrap_or(0) <= chrono::Utc::now().timestamp() {
            return Err(ApiError::unauthorized(
                "Expired token received for JSON Web Token validation",
            ));
        }
        if claims["aud"].as_str() != Some(self.audience.as_str()) {
            return Err(ApiError::unauthorized("Invalid token"));
        }
        let scopes = claims["scope"].as_str().unwrap_or_default();
        if !any_scope.is_empty()
            && !any_scope
                .iter()
                .any(|need| scopes.split(' ').any(|s| s == need.as_ref()))
        {
            let wanted: Vec<&str> = any_scope.iter().map(AsRef::as_ref).collect();
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("Insufficient scope, expected any of: {}", wanted.join(",")),
            )
            .code("insufficient_scope"));
        }
        Ok(())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
