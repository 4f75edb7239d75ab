//! Server-only code: application state, the request context server functions run in, sessions,
//! passwords, rate limits and the SQL layer. Compiled only with the `ssr` feature.

pub mod auth;
pub mod clients;
pub mod db;
pub mod errors;
pub mod import;
pub mod password;
pub mod projects;
pub mod rate_limit;
pub mod registry;
pub mod session;
pub mod team;
pub mod time;

use crate::auth::CurrentUser;
use crate::business::BusinessSummary;
use crate::error::{AppError, AppResult};
use crate::permissions::{Permission, PermissionSet};
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
    /// `BETTER_AUTH_URL`'s origin: the base of absolute links (invitations). Without it, the
    /// request's `Host` is used.
    pub public_origin: Option<String>,
}

impl AuthSettings {
    pub fn new(secret: SecretString, public_origin: Option<String>, trust_proxy_headers: bool) -> Self {
        let secure_cookies = public_origin.as_deref().is_some_and(|o| o.starts_with("https://"));
        Self { secret, secure_cookies, trust_proxy_headers, public_origin }
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
            .field("public_origin", &self.public_origin)
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

/// The caller acting in their active business. Only [`authorize`] builds one.
pub struct BusinessCtx {
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub user: CurrentUser,
    pub business: BusinessSummary,
    pub permissions: PermissionSet,
}

impl BusinessCtx {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

/// The one authorization point: every business server function begins with
/// `let ctx = authorize(Permission::…)?;`. Visitors get `Unauthorized`; members without the
/// permission (or without a business) get `Forbidden`. Queries then scope to `ctx.business.id`.
pub fn authorize(permission: Permission) -> AppResult<BusinessCtx> {
    let state = state()?;
    let principal = principal()?.ok_or(AppError::Unauthorized)?;
    let Some(business) = principal.business else { return Err(AppError::Forbidden) };
    if !principal.permissions.contains(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(BusinessCtx {
        pool: state.pool,
        auth: state.auth,
        user: principal.user,
        business,
        permissions: principal.permissions,
    })
}

/// An absolute URL for `path` on this instance: `BETTER_AUTH_URL` when set, else the request's host.
pub fn absolute_url(auth: &AuthSettings, path: &str) -> AppResult<String> {
    if let Some(origin) = &auth.public_origin {
        return Ok(format!("{origin}{path}"));
    }
    let parts = request_parts()?;
    let host = parts.headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost:3000");
    Ok(format!("http://{host}{path}"))
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
