//! Connected apps (PRODUCT §5, §6.3): the MCP clients a person authorized and their personal
//! access tokens, listed and revoked on Settings → Connected apps.

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedApp {
    pub id: Uuid,
    pub name: String,
    /// False for a personal access token.
    pub oauth_client: bool,
    /// Where the client sends people back after consent (`host[:port]` of its first redirect URI).
    pub redirect_host: Option<String>,
    pub business_name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedApps {
    /// The address MCP clients connect to.
    pub mcp_url: String,
    pub apps: Vec<ConnectedApp>,
    /// A personal access token created moments ago, shown this once.
    pub new_token: Option<String>,
}

/// Carries a new token from the post that created it to the page that shows it once, so creating a
/// token works without JavaScript too. HttpOnly, SameSite=Strict, this page only, two minutes, and
/// deleted when read.
#[cfg(feature = "ssr")]
const NEW_TOKEN_COOKIE: &str = "clerq_new_token";
#[cfg(feature = "ssr")]
const NEW_TOKEN_PATH: &str = "/settings/connected-apps";

#[cfg(feature = "ssr")]
fn flash_cookie(value: &str, max_age: u32) -> AppResult<()> {
    let state = crate::server::state()?;
    let secure = if state.auth.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{NEW_TOKEN_COOKIE}={value}; Path={NEW_TOKEN_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    let value = http::HeaderValue::from_str(&cookie)
        .map_err(|e| crate::server::errors::internal("building the new-token cookie", e))?;
    crate::server::append_response_header(http::header::SET_COOKIE, value)
}

/// The caller's authorizations in all their businesses.
#[server(prefix = "/api", endpoint = "connected-apps/list")]
pub async fn list_connected_apps() -> AppResult<ConnectedApps> {
    let state = crate::server::state()?;
    let parts = crate::server::request_parts()?;
    let ctx = crate::server::account()?;
    let apps = crate::server::access_tokens::connections(&ctx.pool, ctx.user.id).await?;
    let new_token = crate::server::session::read_cookie(&parts.headers, NEW_TOKEN_COOKIE)
        .filter(|token| token.starts_with("clerq_pat_") && token.len() < 100)
        .map(str::to_owned);
    if new_token.is_some() {
        flash_cookie("", 0)?;
    }
    Ok(ConnectedApps { new_token, mcp_url: format!("{}/api/mcp", crate::server::origin(&state.auth, &parts)), apps })
}

/// A new personal access token acting as the caller in the active business, shown once.
#[server(prefix = "/api", endpoint = "connected-apps/create-token")]
pub async fn create_personal_token(name: String) -> AppResult<String> {
    let token = crate::server::access_tokens::create_personal(&crate::server::business()?, &name).await?;
    // A plain form post (no JavaScript) is answered with a redirect back to the page, which can only
    // learn the token from this cookie; with JavaScript the answer itself carries it, and a cookie
    // would show it again on the next reload.
    let accepts_html = crate::server::request_parts()?
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if accepts_html {
        flash_cookie(&token, 120)?;
    }
    Ok(token)
}

/// Revokes one of the caller's own connected apps or tokens; it stops working at once.
#[server(prefix = "/api", endpoint = "connected-apps/revoke")]
pub async fn revoke_connected_app(id: Uuid) -> AppResult<()> {
    let ctx = crate::server::account()?;
    crate::server::access_tokens::revoke(&ctx.pool, ctx.user.id, id, ctx.clock.now()).await
}
