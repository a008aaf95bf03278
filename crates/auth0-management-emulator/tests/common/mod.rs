//! Helpers shared by the emulator's test binaries.
#![allow(dead_code)] // each test binary uses its own subset

use auth0_management_emulator::Emulator;
use serde_json::{Value, json};

/// An access token from the emulator's token endpoint (client credentials), with `scope` if set.
pub async fn token(emu: &Emulator, http: &reqwest::Client, scope: Option<&str>) -> String {
    let mut body = json!({
        "grant_type": "client_credentials",
        "client_id": emu.client_id(),
        "client_secret": emu.client_secret(),
        "audience": emu.audience(),
    });
    if let Some(s) = scope {
        body["scope"] = json!(s);
    }
    let r: Value = http
        .post(format!("{}/oauth/token", emu.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["access_token"].as_str().unwrap().to_string()
}
