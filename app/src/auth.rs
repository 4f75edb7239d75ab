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
}

impl SessionInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

/// Where sign-in/sign-up may send the user afterwards: only an invitation page, never another site
/// (an open redirect would lend our domain to phishing links).
pub fn safe_redirect(target: &str) -> Option<&str> {
    let target = target.trim();
    let token = target.strip_prefix("/invite/")?;
    let valid = !token.is_empty()
        && token.len() <= 128
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(target)
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
}
