//! Server-only code: application state, the request context server functions run in, sessions,
//! passwords, rate limits and the SQL layer. Compiled only with the `ssr` feature.

pub mod auth;
pub mod db;
pub mod errors;
pub mod password;
pub mod rate_limit;
pub mod session;

use crate::error::{AppError, AppResult};
use axum::extract::FromRef;
use http::request::Parts;
use leptos::prelude::{use_context, LeptosOptions};
use secrecy::{ExposeSecret, SecretString};
use session::Principal;
use sqlx::PgPool;
use std::sync::Arc;

/// Every migration, embedded in the binary. Used by `server migrate`, boot, and `#[sqlx::test]`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Authentication settings derived from the operator's configuration.
pub struct AuthSettings {
    /// `BETTER_AUTH_SECRET`: the HMAC key for session cookies (and, later, signed PDF links).
    secret: SecretString,
    /// Cookies get `Secure` when the public URL is https.
    pub secure_cookies: bool,
    /// Take the client IP from the last `X-Forwarded-For` hop (set behind a reverse proxy).
    pub trust_proxy_headers: bool,
}

impl AuthSettings {
    pub fn new(secret: SecretString, secure_cookies: bool, trust_proxy_headers: bool) -> Self {
        Self { secret, secure_cookies, trust_proxy_headers }
    }

    pub(crate) fn secret_bytes(&self) -> &[u8] {
        self.secret.expose_secret().as_bytes()
    }
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("secret", &"[redacted]")
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .finish()
    }
}

/// Shared by the router, every SSR render and every server function (leptos_axum provides it as
/// context). Cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub sign_in_limiter: Arc<rate_limit::RateLimiter>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: PgPool, auth: AuthSettings) -> Self {
        Self {
            leptos_options,
            pool,
            auth: Arc::new(auth),
            sign_in_limiter: Arc::new(rate_limit::RateLimiter::sign_in()),
        }
    }
}

/// What an authenticated server function works with.
pub struct Ctx {
    pub pool: PgPool,
    pub principal: Principal,
}

/// The application state, without requiring a signed-in user (sign-in, sign-up, public pages).
pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| errors::internal("AppState missing from context", ()))
}

/// The incoming request's head (headers, extensions set by the session layer).
pub fn request_parts() -> AppResult<Parts> {
    use_context::<Parts>().ok_or_else(|| errors::internal("request Parts missing from context", ()))
}

/// The signed-in user of this request, as resolved by the session layer.
pub fn principal() -> AppResult<Option<Principal>> {
    Ok(request_parts()?.extensions.get::<Principal>().cloned())
}

/// State plus the signed-in user, or `Unauthorized`. Every non-public server function starts here.
pub fn ctx() -> AppResult<Ctx> {
    let state = state()?;
    let principal = principal()?.ok_or(AppError::Unauthorized)?;
    Ok(Ctx { pool: state.pool, principal })
}

/// Adds a header to the server function's (or page's) response.
pub fn append_response_header(name: http::HeaderName, value: http::HeaderValue) -> AppResult<()> {
    let response = use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| errors::internal("ResponseOptions missing from context", ()))?;
    response.append_header(name, value);
    Ok(())
}

/// True when the request is a plain HTML form post (no JavaScript yet): errors then travel back in
/// the redirect URL, so the status must stay a redirect.
pub fn is_plain_form_post(parts: &Parts) -> bool {
    parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}
