//! The tenant's data: ordered collections of JSON objects, behind locks.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::auth::Auth;
use crate::faults::FaultState;

pub struct Shared {
    pub auth: Auth,
    pub faults: FaultState,
    /// `http://127.0.0.1:port`, for URLs the tenant hands out (tickets, export files).
    pub base_url: String,
    pub users: Mutex<Collection>,
    pub jobs: Mutex<Collection>,
    pub logs: Mutex<Collection>,
    /// Plain CRUD resources (rules, clients, connections, ...), by their list key.
    pub resources: Mutex<HashMap<&'static str, Collection>>,
    /// One-object resources: `email_provider` (absent until configured), `tenant_settings`.
    pub singletons: Mutex<HashMap<&'static str, Value>>,
    /// Blacklisted token ids: `{aud, jti}`.
    pub blacklist: Mutex<Vec<Value>>,
    /// Finished export files by job id (newline-delimited JSON).
    pub exports: Mutex<HashMap<String, String>>,
}

/// The name of the emulated database connection.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";

impl Shared {
    pub fn new(auth: Auth, faults: FaultState, base_url: String) -> Self {
        let mut connections = Collection::default();
        connections.insert(json!({
            "id": random_alnum("con_", 16),
            "name": DATABASE_CONNECTION,
            "display_name": DATABASE_CONNECTION,
            "strategy": "auth0",
            "options": {"brute_force_protection": true},
            "enabled_clients": [],
            "is_domain_connection": false,
            "realms": [DATABASE_CONNECTION],
        }));
        let mut resource_servers = Collection::default();
        resource_servers.insert(json!({
            "id": random_id("", 24),
            "name": "Auth0 Management API",
            "identifier": format!("{base_url}/api/v2/"),
            "is_system": true,
            "scopes": [],
            "signing_alg": "RS256",
            "token_lifetime": 86_400,
            "allow_offline_access": false,
            "skip_consent_for_verifiable_first_party_clients": false,
        }));
        let mut resources = HashMap::new();
        resources.insert("connections", connections);
        resources.insert("resource_servers", resource_servers);
        let mut singletons = HashMap::new();
        singletons.insert(
            "tenant_settings",
            json!({
                "friendly_name": "Emulated tenant",
                "picture_url": "",
                "support_email": "",
                "support_url": "",
                "allowed_logout_urls": [],
                "session_lifetime": 168,
                "idle_session_lifetime": 72,
                "enabled_locales": ["en"],
                "flags": {"enable_client_connections": false},
                "sandbox_version": "22",
            }),
        );
        Self {
            auth,
            faults,
            base_url,
            users: Mutex::default(),
            jobs: Mutex::default(),
            logs: Mutex::default(),
            resources: Mutex::new(resources),
            singletons: Mutex::new(singletons),
            blacklist: Mutex::default(),
            exports: Mutex::default(),
        }
    }

    /// The connection named `name`, if any.
    pub fn connection_by_name(&self, name: &str) -> Option<Value> {
        let resources = self.resources.lock().unwrap();
        resources
            .get("connections")?
            .all()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
    }

    /// The connection with id `id`, if any.
    pub fn connection_by_id(&self, id: &str) -> Option<Value> {
        let resources = self.resources.lock().unwrap();
        resources.get("connections")?.get("id", id).cloned()
    }

    /// Records a tenant log event (`type` as Auth0 codes them, e.g. `sapi`).
    pub fn log(&self, kind: &str, description: &str, user_id: Option<&str>) {
        let mut logs = self.logs.lock().unwrap();
        // Zero-padded, increasing ids, so that `from` checkpoints compare as strings.
        let log_id = format!("{:056}", logs.all().len() + 1);
        let mut event = serde_json::json!({
            "log_id": log_id,
            "date": now(),
            "type": kind,
            "description": description,
            "client_id": self.auth.client_id(),
            "ip": "127.0.0.1",
        });
        if let Some(u) = user_id {
            event["user_id"] = serde_json::json!(u);
        }
        logs.insert(event);
    }
}

/// Objects in creation order; `id_field` names their key.
#[derive(Default)]
pub struct Collection {
    items: Vec<Value>,
}

impl Collection {
    pub fn all(&self) -> &[Value] {
        &self.items
    }

    pub fn get(&self, id_field: &str, id: &str) -> Option<&Value> {
        self.items.iter().find(|v| v[id_field] == id)
    }

    pub fn get_mut(&mut self, id_field: &str, id: &str) -> Option<&mut Value> {
        self.items.iter_mut().find(|v| v[id_field] == id)
    }

    pub fn insert(&mut self, v: Value) {
        self.items.push(v);
    }

    pub fn retain(&mut self, keep: impl FnMut(&Value) -> bool) {
        self.items.retain(keep);
    }

    pub fn remove(&mut self, id_field: &str, id: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|v| v[id_field] != id);
        self.items.len() != before
    }
}

/// `prefix` + `len` random lowercase hex digits.
pub fn random_id(prefix: &str, len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(2)];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{}", &hex[..len])
}

/// `prefix` + `len` random ASCII letters and digits (Auth0's `con_...` ids).
pub fn random_alnum(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    let s: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}{s}")
}

/// Now, as Auth0 writes timestamps (`2024-01-02T03:04:05.678Z`).
pub fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
