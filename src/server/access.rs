//! Who may talk to the server: a check of the `Host` header against DNS rebinding, and the
//! access token a server listening beyond loopback requires.
//!
//! **Host.** A web page on another site can make a browser send requests to
//! `http://127.0.0.1:7700/` through a name of its own that it points at 127.0.0.1 (DNS
//! rebinding); the browser then lets the page read the answers. Such requests carry the
//! page's name in `Host`, so a request is answered only when its `Host` is `localhost` (or
//! a name under `.localhost`), an IP address (rebinding needs a name), or a name the
//! operator allowed (`--allow-host`). Others get 403. A request without `Host` (HTTP/1.0
//! tools) comes from no browser and is answered.
//!
//! **Token.** With a token, every request must carry it: `Authorization: Bearer TOKEN`, or
//! the cookie the page gets when it is opened once as `/?token=TOKEN` (the address `fynd
//! serve` prints), which redirects to the page without the token in its address. Without it
//! the answer is 401.

use super::errors::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;

/// The cookie the page's token is kept in.
pub const TOKEN_COOKIE: &str = "fynd_token";

/// Shortest access token accepted.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Who may talk to the server.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// The token every request must carry, if any.
    pub token: Option<String>,
    /// Host names answered besides `localhost` and IP addresses (lower case).
    pub allowed_hosts: Vec<String>,
}

/// Checks a token given with `--token`: at least [`MIN_TOKEN_CHARS`] characters, each a
/// letter, a digit or one of `-._~` (so it goes in a header, a cookie and an address as it
/// is). For clap's `value_parser`.
pub fn parse_token(text: &str) -> Result<String, String> {
    if text.chars().count() < MIN_TOKEN_CHARS {
        return Err(format!(
            "a token has at least {MIN_TOKEN_CHARS} characters (leave --token out to have one generated)"
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c)))
    {
        return Err(format!(
            "{bad:?} cannot be in a token: use letters, digits and - . _ ~"
        ));
    }
    Ok(text.to_string())
}

/// Checks a name given with `--allow-host`: a DNS name (letters, digits, `-` and `.`),
/// returned in lower case. For clap's `value_parser`.
pub fn parse_host(text: &str) -> Result<String, String> {
    let name = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if valid {
        Ok(name)
    } else {
        Err(format!(
            "{text:?} is not a host name: write the name browsers use for this server, without port or scheme (e.g. --allow-host fynd.example.org)"
        ))
    }
}

/// A new random token (32 hexadecimal digits, from the system's random source).
pub fn generate_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Access {
    /// Whether a request naming `host` (the `Host` header, port included or not) is
    /// answered.
    pub fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        let name = name.trim_end_matches('.');
        name == "localhost"
            || name.ends_with(".localhost")
            || name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok()
            || self.allowed_hosts.iter().any(|allowed| allowed == name)
    }

    /// Whether `given` is the token (compared in time independent of where they differ).
    fn is_token(&self, given: &str) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        given.len() == token.len()
            && given
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    }

    /// The token a request carries: its bearer token, else its cookie.
    fn carried(request: &Request) -> Option<&str> {
        let headers = request.headers();
        if let Some(bearer) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            return Some(bearer.trim());
        }
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == TOKEN_COOKIE)
            .map(|(_, value)| value)
    }
}

/// The host part of a `Host` header value: without its port, an IPv6 address with its
/// brackets.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The address of `uri` without the `token` parameter.
fn without_token(uri: &Uri) -> String {
    let kept: Vec<(String, String)> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .filter(|(name, _)| name != "token")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return uri.path().to_string();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{}?{query}", uri.path())
}

/// The `token` parameter of `uri`, if any.
fn token_parameter(uri: &Uri) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
}

/// The middleware: the `Host` check, then the token.
pub async fn check(State(access): State<Arc<Access>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|v| v.to_str().unwrap_or("\u{fffd}").to_string())
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    if let Some(host) = host {
        if !access.host_allowed(&host) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "this server does not answer for the host {host:?} (a guard against DNS rebinding): use localhost or the server's IP address, or start it with --allow-host {}",
                    host_name(&host)
                ),
            )
            .into_response();
        }
    }
    if access.token.is_none() {
        return next.run(request).await;
    }
    if Access::carried(&request).is_some_and(|given| access.is_token(given)) {
        return next.run(request).await;
    }
    // The address `fynd serve` printed: keep the token in a cookie and drop it from the
    // address, so it is not left in the browser's history or a shared link.
    if let Some(given) = token_parameter(request.uri()) {
        if access.is_token(&given) {
            let cookie = format!("{TOKEN_COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict");
            let mut response = (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, without_token(request.uri()))],
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            return response;
        }
    }
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "this server needs its access token: send the header `Authorization: Bearer TOKEN`, or open the address `fynd serve` printed (…/?token=TOKEN) once in the browser",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_are_answered_other_names_only_when_allowed() {
        let access = Access {
            token: None,
            allowed_hosts: vec!["fynd.example.org".to_string()],
        };
        for host in [
            "localhost",
            "localhost:7700",
            "LOCALHOST.",
            "app.localhost:80",
            "127.0.0.1",
            "127.0.0.1:7700",
            "[::1]:7700",
            "[::1]",
            "192.168.1.20:7700",
            "fynd.example.org",
            "FYND.example.org:443",
        ] {
            assert!(access.host_allowed(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:7700",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "example.org",
            "",
        ] {
            assert!(!access.host_allowed(host), "{host}");
        }
    }

    #[test]
    fn tokens_and_host_names_are_checked_when_given() {
        assert!(parse_token("short").is_err());
        assert!(parse_token("sixteen-chars-ok").is_ok());
        assert!(parse_token("has a space in it!").is_err());
        assert!(parse_token("semi;colon;is;not;ok").is_err());
        let token = generate_token().unwrap();
        assert_eq!(token.len(), 32);
        assert!(parse_token(&token).is_ok());
        assert_ne!(token, generate_token().unwrap());
        assert_eq!(parse_host("Fynd.Example.org").unwrap(), "fynd.example.org");
        assert!(parse_host("http://x").is_err());
        assert!(parse_host("x:80").is_err());
    }

    #[test]
    fn the_token_parameter_is_dropped_from_the_address_and_the_rest_kept() {
        let uri: Uri = "/?q=skola&token=abc&lang=en".parse().unwrap();
        assert_eq!(token_parameter(&uri).as_deref(), Some("abc"));
        assert_eq!(without_token(&uri), "/?q=skola&lang=en");
        let uri: Uri = "/?token=abc".parse().unwrap();
        assert_eq!(without_token(&uri), "/");
    }
}
