//! The pure rules of the authorization server: which redirect URIs a client may register, when a
//! presented one matches a registered one, PKCE S256, and how an answer is appended to a redirect
//! URI. No I/O; unit-tested below.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use url::{Host, Url};

/// A client registers 1 to this many redirect URIs (the table's check constraint says the same).
pub const MAX_REDIRECT_URIS: usize = 10;
/// Longer is not a real callback; it bounds what every authorization request carries around.
pub const MAX_REDIRECT_URI_LEN: usize = 2000;

/// Why a redirect URI cannot be registered (RFC 7591 `invalid_redirect_uri`), in words.
pub fn check_redirect_uri(uri: &str) -> Result<Url, &'static str> {
    if uri.len() > MAX_REDIRECT_URI_LEN {
        return Err("a redirect URI is longer than 2000 characters");
    }
    if uri.contains('#') {
        return Err("a redirect URI must not contain a fragment");
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return Err("a redirect URI must not contain spaces, backslashes or control characters");
    }
    // The URL parser forgives `https:///host`; what a person reads should be what the browser does.
    if !uri.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/')) {
        return Err("a redirect URI is not an absolute URL");
    }
    let url = Url::parse(uri).map_err(|_| "a redirect URI is not an absolute URL")?;
    // `https://claude.ai@evil.example/` reads as claude.ai to a person but goes to evil.example.
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a redirect URI must not contain a user name or password");
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        // Plain http only to the person's own machine (RFC 8252 §7.3): nothing crosses a network.
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err("a redirect URI must use https, or http on a loopback address (127.0.0.1, [::1], localhost)"),
        _ => Err("a redirect URI must use https, or http on a loopback address"),
    }
}

/// `127.0.0.1`, `[::1]` or `localhost`: the loopback hosts native apps listen on.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The registered redirect URI `presented` stands for, if any. Matching is exact string equality,
/// except that a loopback URI matches with any port (RFC 8252 §7.3: a native app listens on
/// whatever port is free when it starts).
pub fn matching_redirect_uri<'a>(registered: &'a [String], presented: &str) -> Option<&'a str> {
    if let Some(exact) = registered.iter().find(|r| r.as_str() == presented) {
        return Some(exact);
    }
    let presented = check_redirect_uri(presented).ok().filter(is_loopback)?;
    registered.iter().map(String::as_str).find(|candidate| {
        Url::parse(candidate).ok().filter(is_loopback).is_some_and(|candidate| {
            candidate.scheme() == presented.scheme()
                && candidate.host() == presented.host()
                && candidate.path() == presented.path()
                && candidate.query() == presented.query()
        })
    })
}

/// `host[:port]` of a redirect URI as the browser will read it, for people to see.
pub fn host_of(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// `scheme://host[:port]` of a redirect URI, for the consent page's `form-action`.
pub fn origin_of(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// `redirect_uri` with `pairs` added to its query (it may have a query of its own already).
pub fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = Url::parse(redirect_uri).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
    }
    Some(url.into())
}

/// A PKCE verifier (RFC 7636 §4.1): 43 to 128 unreserved characters.
pub fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An S256 challenge: the unpadded base64url of a SHA-256 digest, 43 characters.
pub fn valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Whether `verifier` proves possession of `challenge`: BASE64URL(SHA256(verifier)) == challenge.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    if !valid_verifier(verifier) || !valid_challenge(challenge) {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_https_or_loopback_http_without_fragments() {
        for good in [
            "https://claude.ai/api/mcp/auth_callback",
            "https://example.com:8443/cb?app=1",
            "http://127.0.0.1:33418/callback",
            "http://127.0.0.1/callback",
            "http://[::1]:8080/cb",
            "http://localhost:6274/oauth/callback",
            "http://LOCALHOST/cb",
        ] {
            assert!(check_redirect_uri(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            "http://example.com/cb",
            "http://127.0.0.2/cb",
            "http://localhost.evil.example/cb",
            "http://10.0.0.1/cb",
            "https://claude.ai/cb#frag",
            "https://claude.ai/cb#",
            "https://claude.ai@evil.example/cb",
            "https://user:pw@example.com/cb",
            "javascript:alert(1)",
            "data:text/html,hi",
            "com.example.app:/callback",
            "file:///etc/passwd",
            "/relative/cb",
            "https:///nohost",
            "https://exa mple.com/cb",
            "https://example.com/c\nb",
            "https://evil.example\\@claude.ai/cb",
            "",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(check_redirect_uri(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn loopback_redirect_uris_match_on_any_port_and_others_only_exactly() {
        let registered = vec![
            "http://127.0.0.1/callback".to_owned(),
            "http://localhost:1234/cb?x=1".to_owned(),
            "https://claude.ai/api/mcp/auth_callback".to_owned(),
        ];
        let cases = [
            ("http://127.0.0.1:53211/callback", Some("http://127.0.0.1/callback")),
            ("http://127.0.0.1/callback", Some("http://127.0.0.1/callback")),
            ("http://localhost:9/cb?x=1", Some("http://localhost:1234/cb?x=1")),
            ("https://claude.ai/api/mcp/auth_callback", Some("https://claude.ai/api/mcp/auth_callback")),
            // Only loopback ports are free; the path, query and host must still be the registered ones.
            ("https://claude.ai:444/api/mcp/auth_callback", None),
            ("https://claude.ai/api/mcp/auth_callback/", None),
            ("https://CLAUDE.ai/api/mcp/auth_callback", None),
            ("http://127.0.0.1:53211/callback/evil", None),
            ("http://127.0.0.1:53211/callback?x=1", None),
            ("http://localhost:53211/callback", None),
            ("http://[::1]:53211/callback", None),
            ("http://localhost:9/cb?x=2", None),
            ("http://localhost:9/cb?x=1#f", None),
            ("https://127.0.0.1:53211/callback", None),
            ("http://evil.example:53211/callback", None),
            ("", None),
        ];
        for (presented, expected) in cases {
            assert_eq!(matching_redirect_uri(&registered, presented), expected, "{presented:?}");
        }
    }

    #[test]
    fn answers_are_appended_to_the_redirect_uris_own_query() {
        assert_eq!(
            redirect_with("https://app.example/cb?keep=1", &[("code", "a b"), ("state", "s&t")]).as_deref(),
            Some("https://app.example/cb?keep=1&code=a+b&state=s%26t")
        );
        assert_eq!(
            redirect_with("http://127.0.0.1:5000/cb", &[("error", "access_denied")]).as_deref(),
            Some("http://127.0.0.1:5000/cb?error=access_denied")
        );
    }

    #[test]
    fn the_origin_of_a_redirect_uri_is_scheme_host_and_port() {
        assert_eq!(origin_of("https://claude.ai/api/cb?x=1").as_deref(), Some("https://claude.ai"));
        assert_eq!(origin_of("http://127.0.0.1:33418/cb").as_deref(), Some("http://127.0.0.1:33418"));
        assert_eq!(origin_of("https://example.com:443/cb").as_deref(), Some("https://example.com"));
        assert_eq!(origin_of("not a url"), None);
        assert_eq!(host_of("https://Claude.ai/cb").as_deref(), Some("claude.ai"));
        assert_eq!(host_of("http://127.0.0.1:33418/cb").as_deref(), Some("127.0.0.1:33418"));
        assert_eq!(host_of("https://user@evil.example/x").as_deref(), Some("evil.example"));
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn pkce_s256_accepts_only_the_verifier_of_the_challenge() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK", challenge), "one character off");
        assert!(!pkce_matches(challenge, challenge), "the challenge is not its own verifier");
        assert!(!pkce_matches(verifier, verifier), "plain is not supported");
        assert!(!pkce_matches("", challenge));
    }

    #[test]
    fn verifiers_are_43_to_128_unreserved_characters() {
        assert!(valid_verifier(&"a".repeat(43)));
        assert!(valid_verifier(&"a-._~Z9".repeat(19)[..128]));
        assert!(!valid_verifier(&"a".repeat(42)));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_verifier(&format!("{}+", "a".repeat(42))));
        assert!(!valid_verifier(&format!("{}=", "a".repeat(42))));
        assert!(valid_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(!valid_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM="));
        assert!(!valid_challenge("short"));
    }
}
