//! The tenant's data: ordered collections of JSON objects, behind one lock each.

use std::sync::Mutex;

use serde_json::Value;

use crate::auth::Auth;

pub struct Shared {
    pub auth: Auth,
    pub users: Mutex<Collection>,
    pub rules: Mutex<Collection>,
    pub clients: Mutex<Collection>,
}

impl Shared {
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            users: Mutex::default(),
            rules: Mutex::default(),
            clients: Mutex::default(),
        }
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

/// Now, as Auth0 writes timestamps (`2024-01-02T03:04:05.678Z`).
pub fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
