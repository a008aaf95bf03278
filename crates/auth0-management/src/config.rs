//! Checking what the user configured: domains, base URLs, environment variables.

use std::net::IpAddr;

use reqwest::Url;

use crate::error::Error;

/// A checked origin: scheme, host and optional port, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    url: Url,
}

impl Origin {
    /// `host[:port]`, as used in `https://{domain}/api/v2/`.
    pub(crate) fn authority(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        }
    }

    /// The origin with `path` (starting with `/`) appended.
    pub(crate) fn join(&self, path: &str) -> Result<Url, Error> {
        let base = self.url.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::config(format!("could not build a URL from {base:?}: {e}")))
    }

    /// `scheme://host[:port]`, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }
}

/// Whether plain `http` may be used for this origin.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Parses a tenant domain (`tenant.auth0.com`, `tenant.auth0.com:8443`,
/// `https://tenant.auth0.com/`) or a base URL override (`http://127.0.0.1:8080`).
///
/// `what` names the setting in error messages. Plain http is accepted only for loopback hosts,
/// unless `allow_insecure_http`.
pub(crate) fn parse_origin(
    input: &str,
    what: &str,
    allow_insecure_http: bool,
) -> Result<Origin, Error> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Error::config(format!("{what} is empty")));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(format!(
            "{what} {input:?} contains whitespace or control characters"
        )));
    }
    let has_scheme = trimmed.contains("://");
    let with_scheme = if has_scheme {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        Error::config(format!(
            "{what} {input:?} is not a host name or https URL: {e}"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "{what} {input:?} uses plain http for a host that is not loopback; use https, \
                 or allow it explicitly with allow_insecure_http(true)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "{what} {input:?} has scheme {other:?}; expected https"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("{what} {input:?} has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Do not echo the input: it may hold a password.
        return Err(Error::config(format!(
            "{what} must not contain user information (user:password@)"
        )));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(Error::config(format!(
            "{what} {input:?} has a path ({:?}); give only the host, e.g. \"tenant.auth0.com\"",
            url.path()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "{what} {input:?} must not have a query or fragment"
        )));
    }
    Ok(Origin { url })
}

/// The environment variables [`ManagementClient::from_env`](crate::ManagementClient::from_env)
/// reads.
pub(crate) mod env {
    pub(crate) const DOMAIN: &str = "AUTH0_DOMAIN";
    pub(crate) const CLIENT_ID: &str = "AUTH0_CLIENT_ID";
    pub(crate) const CLIENT_SECRET: &str = "AUTH0_CLIENT_SECRET";
    pub(crate) const AUDIENCE: &str = "AUTH0_AUDIENCE";
    pub(crate) const SCOPE: &str = "AUTH0_SCOPE";
    pub(crate) const TOKEN: &str = "AUTH0_TOKEN";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        parse_origin(input, "domain", false)
            .unwrap()
            .as_str()
            .to_owned()
    }

    fn err(input: &str) -> String {
        parse_origin(input, "domain", false)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn accepts_hosts_and_https_urls() {
        assert_eq!(ok("tenant.auth0.com"), "https://tenant.auth0.com");
        assert_eq!(ok(" tenant.eu.auth0.com "), "https://tenant.eu.auth0.com");
        assert_eq!(ok("https://tenant.auth0.com/"), "https://tenant.auth0.com");
        assert_eq!(ok("tenant.auth0.com:8443"), "https://tenant.auth0.com:8443");
        assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(ok("http://localhost:1"), "http://localhost:1");
        assert_eq!(ok("http://[::1]:9"), "http://[::1]:9");
        let o = parse_origin("tenant.auth0.com:8443", "domain", false).unwrap();
        assert_eq!(o.authority(), "tenant.auth0.com:8443");
        assert_eq!(
            o.join("/oauth/token").unwrap().as_str(),
            "https://tenant.auth0.com:8443/oauth/token"
        );
    }

    #[test]
    fn refuses_garbage() {
        assert!(err("").contains("empty"));
        assert!(err("   ").contains("empty"));
        assert!(err("tenant.auth0.com/api/v2").contains("path"));
        assert!(err("https://tenant.auth0.com/x").contains("path"));
        assert!(err("tenant auth0.com").contains("whitespace"));
        let e = err("https://user:hunter2@tenant.auth0.com");
        assert!(
            e.contains("user information") && !e.contains("hunter2"),
            "{e}"
        );
        assert!(err("http://tenant.auth0.com").contains("allow_insecure_http"));
        assert!(err("http://10.0.0.1").contains("not loopback"));
        assert!(err("ftp://tenant.auth0.com").contains("scheme"));
        assert!(err("https://tenant.auth0.com?x=1").contains("query"));
        assert!(err("https://").contains("not a host name"));
        assert!(parse_origin("http://tenant.test", "base URL", true).is_ok());
    }
}
