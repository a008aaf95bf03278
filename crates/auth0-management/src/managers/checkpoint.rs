//! Checkpoint pages of endpoints whose generated list response loses the cursor.
//!
//! `GET /clients`, `/connections` and `/client-grants` answer checkpoint requests
//! (`from`/`take`) with `{ <items>, next }`. The generated response is an untagged enum that
//! tries the offset object (all fields optional, unknown fields ignored) before the checkpoint
//! one, so `next` would be dropped and a listing would silently stop after one page. These
//! requests are therefore sent with [`raw`](super::raw) (same hooks and error conversion as
//! every generated call) and decoded straight into the checkpoint type.

use reqwest::Method;
use serde::de::DeserializeOwned;

use super::raw::{self, RawRequest};
use crate::{Error, ManagementClient};

/// `GET {base}/{segment}?{query}`, decoded as `T`.
pub(crate) async fn get_json<T: DeserializeOwned>(
    client: &ManagementClient,
    operation_id: &'static str,
    segment: &str,
    query: Vec<(&'static str, String)>,
) -> Result<T, Error> {
    let mut req = RawRequest::new(operation_id, Method::GET, &[segment]);
    req.query = query;
    raw::send(client, req).await?.json()
}

/// Appends `(name, value)` when `value` is set.
pub(crate) fn push<V: ToString>(
    query: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<V>,
) {
    if let Some(v) = value {
        query.push((name, v.to_string()));
    }
}
