//! Helpers shared by the manager tests: a client for a mock server, and an exact request matcher.
#![allow(dead_code)] // each test binary uses its own subset

use auth0_management::ManagementClient;
use auth0_management::api::types;
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

/// A minimal single-page application to create (every other field left out).
pub fn new_app() -> types::CreateClientRequestContent {
    types::CreateClientRequestContent {
        addons: None,
        allowed_clients: Vec::new(),
        allowed_logout_urls: Vec::new(),
        allowed_origins: Vec::new(),
        app_type: Some("spa".into()),
        async_approval_notification_channels: None,
        callbacks: Vec::new(),
        client_aliases: Vec::new(),
        client_authentication_methods: None,
        client_metadata: None,
        compliance_level: None,
        cross_origin_authentication: None,
        cross_origin_loc: None,
        custom_login_page: None,
        custom_login_page_on: None,
        custom_login_page_preview: None,
        default_organization: None,
        description: None,
        encryption_key: None,
        express_configuration: None,
        fedcm_login: None,
        form_template: None,
        grant_types: Vec::new(),
        initiate_login_uri: None,
        is_first_party: None,
        is_token_endpoint_ip_header_trusted: None,
        jwt_configuration: None,
        logo_uri: None,
        mobile: None,
        my_organization_configuration: None,
        name: "My app".parse().unwrap(),
        native_social_login: None,
        oidc_backchannel_logout: None,
        oidc_conformant: None,
        oidc_logout: None,
        organization_discovery_methods: Vec::new(),
        organization_require_behavior: None,
        organization_usage: None,
        par_request_expiry: None,
        redirection_policy: None,
        refresh_token: None,
        require_proof_of_possession: None,
        require_pushed_authorization_requests: None,
        resource_server_identifier: None,
        session_transfer: None,
        signed_request_object: None,
        skip_non_verifiable_callback_uri_confirmation_prompt: None,
        sso: None,
        sso_disabled: None,
        third_party_security_mode: None,
        token_endpoint_auth_method: None,
        token_exchange: None,
        token_quota: None,
        token_vault_privileged_access: None,
        web_origins: Vec::new(),
    }
}
