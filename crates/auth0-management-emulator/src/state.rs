//! The tenant's data: ordered collections of JSON objects, behind one lock each.

use std::sync::Mutex;

use serde_json::Value;

use crate::auth::Auth;

pub struct Shared {
    pub auth: Auth,
    pub users: Mutex<Collection>,
    pub rules: Mutex<Collection>,
    pub clients: Mutex<Collection>,
    pub jobs: Mutex<Collection>,
    pub logs: Mutex<Collection>,
    /// The tenant's one database connection.
    pub connection: Value,
}

/// The name of the emulated database connection.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";

impl Shared {
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            users: Mutex::default(),
            rules: Mutex::default(),
            clients: Mutex::default(),
            jobs: Mutex::default(),
            logs: Mutex::default(),
            connection: serde_json::json!({
                "id": random_alnum("con_", 16),
                "name": DATABASE_CONNECTION,
                "strategy": "auth0",
                "enabled_clients": [],
                "is_domain_connection": false,
                "realms": [DATABASE_CONNECTION],
            }),
        }
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
