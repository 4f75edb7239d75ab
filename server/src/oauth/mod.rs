//! The OAuth 2.1 authorization server's HTTP surface for MCP clients (PRODUCT §5): discovery
//! (RFC 9728, RFC 8414), dynamic client registration (RFC 7591), the authorization endpoint and
//! the consent form's answer, the token endpoint (PKCE S256, refresh rotation) and revocation
//! (RFC 7009). Rules and SQL live in `app::server::oauth`; the consent page is a Leptos page.

mod authorize;
mod discovery;
mod register;
mod token;

use app::oauth::CONSENT_PATH;
use app::server::rate_limit::RateLimiter;
use app::server::{session, AppState};
use axum::extract::Request;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use http::request::Parts;
use http::{header, HeaderValue, Method, StatusCode};
use std::sync::Arc;
use std::time::Duration;

/// Registrations per client address and hour: a real client registers once per install.
pub const REGISTRATIONS_PER_HOUR: usize = 20;

/// Every OAuth route. The machine endpoints (discovery, registration, token, revocation) answer any
/// origin and read no cookie; the two browser endpoints run with the session.
pub fn routes(state: &AppState) -> Router<AppState> {
    let registrations = Arc::new(RateLimiter::new(REGISTRATIONS_PER_HOUR, Duration::from_secs(3600)));
    let machine = Router::new()
        .route("/.well-known/oauth-protected-resource", get(discovery::protected_resource))
        // RFC 9728 §3.1: the resource's path appended to the well-known prefix.
        .route("/.well-known/oauth-protected-resource/api/mcp", get(discovery::protected_resource))
        .route("/.well-known/oauth-authorization-server", get(discovery::authorization_server))
        .route("/oauth/register", post(register::register))
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .layer(Extension(registrations))
        .layer(from_fn(cors));
    let browser = Router::new()
        .route("/oauth/authorize", get(authorize::authorize))
        .route(CONSENT_PATH, post(authorize::consent))
        .layer(from_fn_with_state(state.clone(), session::middleware));
    machine.merge(browser)
}

/// Browser-based MCP clients call these endpoints from their own origin. No cookie is read here
/// and nothing is answered that the caller did not already hold, so any origin may.
async fn cors(request: Request, next: Next) -> Response {
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    crate::cors::allow_any_origin(
        &mut response,
        "GET, POST, OPTIONS",
        "Content-Type, Authorization, MCP-Protocol-Version",
    );
    response
}

/// This instance's origin (the issuer): `BETTER_AUTH_URL`'s, else `http://<Host>`.
fn issuer(state: &AppState, parts: &Parts) -> String {
    app::server::origin(&state.auth, parts)
}

/// The request's "now", from the injected clock.
fn now(state: &AppState, parts: &Parts) -> DateTime<Utc> {
    app::server::request_clock(state, parts).now()
}

/// An OAuth error answer: `{"error", "error_description"}` (RFC 6749 §5.2, RFC 7591 §3.2.2).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = serde_json::json!({ "error": error, "error_description": description });
    (status, no_store(), Json(body)).into_response()
}

/// Token answers must not be cached (RFC 6749 §5.1).
fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// `(name, value)` pairs of a query string or form body; `None` when a name repeats (RFC 6749 §3.1:
/// parameters must not be sent more than once).
fn unique_pairs(encoded: &[u8]) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(encoded).into_owned().collect();
    let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    (names.len() == before).then_some(pairs)
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused() {
        assert_eq!(unique_pairs(b"a=1&b=2").map(|p| p.len()), Some(2));
        assert_eq!(unique_pairs(b"a=1&b=2&a=3"), None);
        assert_eq!(unique_pairs(b"").map(|p| p.len()), Some(0));
        let pairs = unique_pairs(b"code=x%2By&empty=").expect("unique");
        assert_eq!(value(&pairs, "code"), Some("x+y"));
        assert_eq!(value(&pairs, "empty"), None, "an empty value counts as absent");
    }
}
