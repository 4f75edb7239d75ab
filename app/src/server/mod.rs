//! Server-only code: application state, the request context server functions run in, sessions,
//! passwords, rate limits and the SQL layer. Compiled only with the `ssr` feature.

pub mod access_tokens;
pub mod admin;
pub mod auth;
pub mod branding;
pub mod budgets;
pub mod businesses;
pub mod clients;
pub mod clock;
pub mod context;
pub mod dashboard;
pub mod db;
pub mod einvoice;
pub mod errors;
pub mod expenses;
pub mod fx;
pub mod import;
pub mod invoices;
pub mod logo;
pub mod oauth;
pub mod password;
pub mod pdf;
pub mod projects;
pub mod rate_limit;
pub mod recurring;
pub mod registry;
pub mod reports;
pub mod session;
pub mod session_cache;
pub mod settings;
pub mod signing;
pub mod tasks;
pub mod team;
pub mod time;
pub mod trends;
pub mod updates;

use crate::error::{AppError, AppResult};
use axum::extract::FromRef;
pub use context::{AccountCtx, BusinessCtx};
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
    #[from_ref(skip)]
    pub sign_in_limiter: Arc<rate_limit::RateLimiter>,
    #[from_ref(skip)]
    pub sign_up_limiter: Arc<rate_limit::RateLimiter>,
    pub clock: clock::Clock,
    /// Resolved sessions kept briefly in memory; off unless the server turns it on.
    #[from_ref(skip)]
    pub sessions: Arc<session_cache::SessionCache>,
    /// `CLERQ_TEST_CLOCK`: requests may shift the clock with [`clock::OFFSET_HEADER`] (browser tests).
    pub clock_header: bool,
    /// `CLERQ_RECEIPT_SCAN_*`: the AI service that reads receipts; none hides the feature.
    #[from_ref(skip)]
    pub receipt_scan: Option<Arc<expenses::scan::ScanService>>,
    /// `CLERQ_CRON_TOKEN`: what `POST /api/cron/run` requires; none makes the route 404.
    #[from_ref(skip)]
    pub cron_token: Option<Arc<secrecy::SecretString>>,
    /// `CLERQ_UPDATE_URL`: where update checks read the newest release; none turns them off.
    #[from_ref(skip)]
    pub update_feed: Option<Arc<updates::UpdateFeed>>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: PgPool, auth: AuthSettings) -> Self {
        Self {
            leptos_options,
            pool,
            auth: Arc::new(auth),
            sign_in_limiter: Arc::new(rate_limit::RateLimiter::sign_in()),
            sign_up_limiter: Arc::new(rate_limit::RateLimiter::sign_up()),
            clock: clock::Clock::System,
            sessions: Arc::new(session_cache::SessionCache::disabled()),
            clock_header: false,
            receipt_scan: None,
            cron_token: None,
            update_feed: None,
        }
    }

    pub fn with_update_feed(mut self, feed: Option<updates::UpdateFeed>) -> Self {
        self.update_feed = feed.map(Arc::new);
        self
    }

    pub fn with_cron_token(mut self, token: Option<secrecy::SecretString>) -> Self {
        self.cron_token = token.map(Arc::new);
        self
    }

    /// Keeps resolved sessions in memory for `ttl` (zero: off). Only for a single server process
    /// per database, or with a TTL the operator accepts as the delay before another replica's
    /// change (a revoked session, a new role) is seen.
    pub fn with_session_cache(mut self, ttl: std::time::Duration) -> Self {
        self.sessions = Arc::new(session_cache::SessionCache::new(ttl));
        self
    }

    /// Turns receipt scanning on with the service that reads them.
    pub fn with_receipt_scan(mut self, service: Option<expenses::scan::ScanService>) -> Self {
        self.receipt_scan = service.map(Arc::new);
        self
    }

    /// Lets the browser suite pin "today" per request (`CLERQ_TEST_CLOCK`); never in production.
    pub fn with_clock_header(mut self, allow: bool) -> Self {
        self.clock_header = allow;
        self
    }
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

/// The request's clock: the server's, shifted by the test header when the operator allowed it.
pub fn request_clock(state: &AppState, parts: &Parts) -> clock::Clock {
    state.clock.for_request(parts, state.clock_header)
}

/// The signed-in account of this request, or `Unauthorized`. For server functions that act before
/// (or without) a business.
pub fn account() -> AppResult<AccountCtx> {
    let state = state()?;
    let parts = request_parts()?;
    let principal = parts.extensions.get::<Principal>().cloned().ok_or(AppError::Unauthorized)?;
    Ok(AccountCtx::new(&state, principal.user, request_clock(&state, &parts))
        .with_platform_admin(principal.platform_admin))
}

/// The caller acting in their active business: how every business server function begins.
/// Visitors get `Unauthorized`, accounts without a business `Forbidden`; the operation it is
/// handed to then checks its own permission.
pub fn business() -> AppResult<BusinessCtx> {
    let state = state()?;
    let parts = request_parts()?;
    let principal = parts.extensions.get::<Principal>().cloned().ok_or(AppError::Unauthorized)?;
    let clock = request_clock(&state, &parts);
    let origin = origin(&state.auth, &parts);
    BusinessCtx::from_principal(&state, principal, clock, origin)
}

/// This instance's origin for absolute links: `BETTER_AUTH_URL` when set, else the request's host.
pub fn origin(auth: &AuthSettings, parts: &Parts) -> String {
    if let Some(origin) = &auth.public_origin {
        return origin.clone();
    }
    let host = parts.headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost:3000");
    format!("http://{host}")
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
