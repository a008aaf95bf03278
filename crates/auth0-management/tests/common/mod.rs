//! Helpers shared by the manager tests: a client for a mock server, and an exact request matcher.
#![allow(dead_code)] // each test binary uses its own subset

use auth0_management::ManagementClient;
use httpmock::prelude::*;

/// A client with a static token, pointed at `server`, with no retries.
pub fn client(server: &MockServer) -> ManagementClient {
    ManagementClient::builder()
        .domain("tenant.auth0.com")
        .base_url(server.base_url())
        .token("tok")
        .max_retries(0)
        .build()
        .unwrap()
}

/// Matches the raw (percent-encoded) path and exactly these query pairs (any order).
pub fn exact(
    path: &str,
    query: &[(&str, &str)],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let path = path.to_owned();
    let mut want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.sort();
    move |req| {
        let uri = req.uri().to_string();
        let url = if uri.starts_with('/') {
            reqwest::Url::parse(&format!("http://h{uri}")).unwrap()
        } else {
            reqwest::Url::parse(&uri).unwrap()
        };
        let mut got: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        let ok = url.path() == path && got == want;
        if !ok {
            eprintln!("request {} {got:?} != expected {path} {want:?}", url.path());
        }
        ok
    }
}
