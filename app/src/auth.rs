//! Accounts and sessions: the signed-in user, sign-up, sign-in, sign-out, and the session summary
//! the app shell renders from.

use crate::business::BusinessSummary;
use crate::error::AppResult;
use crate::ids::UserId;
use crate::permissions::{Permission, PermissionSet};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub name: String,
}

/// Everything the app shell needs about who is signed in, in one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: CurrentUser,
    pub active_business: Option<BusinessSummary>,
    pub businesses: Vec<BusinessSummary>,
    /// What the user may do in the active business; the UI hides the rest (the server enforces it).
    pub permissions: PermissionSet,
    /// The active business's logo (`/api/branding/logo?v=<sha256>`), if it has one.
    pub logo_url: Option<String>,
    /// Why the active business is suspended (read-only), if it is.
    pub suspended: Option<String>,
    /// May open `/system-admin`.
    pub platform_admin: bool,
}

impl SessionInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

/// Where sign-in/sign-up may send the user afterwards: only an invitation page or the OAuth
/// consent page, never another site (an open redirect would lend our domain to phishing links).
pub fn safe_redirect(target: &str) -> Option<&str> {
    let target = target.trim();
    let valid = if let Some(token) = target.strip_prefix("/invite/") {
        !token.is_empty()
            && token.len() <= 128
            && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    } else if let Some(rest) = target.strip_prefix(crate::oauth::CONSENT_PATH) {
        // The consent page itself with a query of percent-encoded pairs only: no second path, no
        // fragment, no slashes or backslashes a browser could read as another host.
        target.len() <= MAX_CONSENT_REDIRECT
            && (rest.is_empty()
                || rest
                    .strip_prefix('?')
                    .is_some_and(|query| query.bytes().all(|b| is_unreserved(b) || b"%&=".contains(&b))))
    } else {
        false
    };
    valid.then_some(target)
}

/// A consent URL carries a redirect URI (≤ 2000 characters), a state (≤ 1024) and a PKCE challenge,
/// percent-encoded; longer is not a real one.
const MAX_CONSENT_REDIRECT: usize = 8192;

/// RFC 3986 unreserved characters: the only ones [`encode`] leaves as they are.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes everything but unreserved characters, for a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One parameter of a raw query string (`a=1&b=2`, with or without `?`), decoded exactly once.
/// Leptos' query map decodes its values a second time, which turns a percent-encoded `%` inside a
/// value (a client's redirect URI nested in the consent URL nested in `?redirect=`) into another
/// character; pages whose parameters nest read them from the raw query with this instead.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(key) == name).then(|| decode(value))
    })
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a malformed escape
/// stays as it is.
pub fn decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|&b| char::from(b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `page?redirect=…` for a destination that passed [`safe_redirect`] (none: just `page`).
pub fn with_redirect(page: &str, redirect: &str) -> String {
    if redirect.is_empty() {
        page.to_owned()
    } else {
        format!("{page}?redirect={}", encode(redirect))
    }
}

#[server(prefix = "/api", endpoint = "auth/sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    #[server(default)] redirect: String,
) -> AppResult<()> {
    crate::server::auth::sign_up(name, email, password, redirect).await
}

#[server(prefix = "/api", endpoint = "auth/sign_in")]
pub async fn sign_in(email: String, password: String, #[server(default)] redirect: String) -> AppResult<()> {
    crate::server::auth::sign_in(email, password, redirect).await
}

#[server(prefix = "/api", endpoint = "auth/sign_out")]
pub async fn sign_out() -> AppResult<()> {
    crate::server::auth::sign_out().await
}

/// Ends every session of the signed-in account (other browsers and devices too).
#[server(prefix = "/api", endpoint = "auth/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> AppResult<()> {
    crate::server::auth::sign_out_everywhere().await
}

/// The signed-in user with their businesses, or `None` for a visitor.
#[server(prefix = "/api", endpoint = "auth/session")]
pub async fn get_session() -> AppResult<Option<SessionInfo>> {
    // The session layer read the account's businesses with the session: no query here.
    let Some(principal) = crate::server::principal()? else { return Ok(None) };
    let active = principal.business.as_ref().map(|b| b.id);
    let logo_url = principal
        .memberships
        .iter()
        .find(|(b, _)| Some(b.id) == active)
        .and_then(|(_, logo)| logo.as_ref())
        .map(|sha| crate::branding::logo_url(sha));
    Ok(Some(SessionInfo {
        user: principal.user,
        active_business: principal.business,
        businesses: principal.memberships.into_iter().map(|(b, _)| b).collect(),
        permissions: principal.permissions,
        logo_url,
        suspended: principal.local.suspended,
        platform_admin: principal.platform_admin,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invitation_paths_are_accepted_as_redirects() {
        assert_eq!(safe_redirect("/invite/abc-DEF_123"), Some("/invite/abc-DEF_123"));
        for bad in [
            "",
            "/",
            "/dashboard",
            "https://evil.example/invite/x",
            "//evil.example/invite/x",
            "/invite/",
            "/invite/../settings",
            "/invite/x?next=//evil",
            "/invite/x/../../",
            "/invite/%2F%2Fevil",
            "\\\\evil",
        ] {
            assert_eq!(safe_redirect(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_consent_page_with_an_encoded_query_is_accepted_as_a_redirect() {
        let consent = "/oauth/consent?client_id=a-B_1&redirect_uri=https%3A%2F%2Fclaude.ai%2Fcb&state=x~y.z";
        assert_eq!(safe_redirect(consent), Some(consent));
        assert_eq!(safe_redirect("/oauth/consent"), Some("/oauth/consent"));
        let long = format!("/oauth/consent?state={}", "a".repeat(9000));
        for bad in [
            "/oauth/consentx",
            "/oauth/consent/../../settings",
            "/oauth/consent/",
            "/oauth/consent#frag",
            "/oauth/consent?x=1#frag",
            "/oauth/consent?redirect_uri=https://evil.example",
            "/oauth/consent?x=//evil.example",
            "/oauth/consent?x=\\\\evil",
            "/oauth/consent?x=a b",
            "/oauth/consent?x=a\r\nSet-Cookie:%20x",
            "//oauth/consent",
            "https://evil.example/oauth/consent",
            "/OAUTH/consent",
            long.as_str(),
        ] {
            assert_eq!(safe_redirect(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn query_parameters_are_decoded_exactly_once() {
        let search = "?redirect=%2Foauth%2Fconsent%3Fredirect_uri%3Dhttp%253A%252F%252F127.0.0.1&x=a+b%2";
        assert_eq!(
            query_param(search, "redirect").as_deref(),
            Some("/oauth/consent?redirect_uri=http%3A%2F%2F127.0.0.1")
        );
        assert_eq!(query_param(search, "x").as_deref(), Some("a b%2"), "a malformed escape stays");
        assert_eq!(query_param("flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("", "redirect"), None);
        assert_eq!(decode("%E2%82%AC%zz"), "€%zz");
        let consent = "/oauth/consent?state=a%20b%25c&redirect_uri=https%3A%2F%2Fx.example%2Fcb";
        assert_eq!(query_param(&format!("redirect={}", encode(consent)), "redirect").as_deref(), Some(consent));
    }

    #[test]
    fn encoded_destinations_survive_as_one_query_value() {
        assert_eq!(encode("/oauth/consent?a=1&b=x y"), "%2Foauth%2Fconsent%3Fa%3D1%26b%3Dx%20y");
        assert_eq!(with_redirect("/sign-in", ""), "/sign-in");
        assert_eq!(with_redirect("/sign-in", "/invite/abc"), "/sign-in?redirect=%2Finvite%2Fabc");
    }
}
