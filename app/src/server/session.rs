//! Sessions: a random token in an HMAC-signed cookie, its SHA-256 in Postgres. The signature (keyed
//! by `BETTER_AUTH_SECRET`) rejects forged or foreign cookies without a query, and rotating the
//! secret signs everyone out. Sessions last 7 days and slide forward at most once a day.

use crate::auth::CurrentUser;
use crate::business::BusinessSummary;
use crate::permissions::PermissionSet;
use crate::server::context::BusinessLocal;
use crate::server::{db, signing, AppState, AuthSettings};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const COOKIE_NAME: &str = "clerq_session";
/// Over https the cookie carries the `__Host-` prefix: browsers then refuse it unless it is
/// Secure, for this exact host and path `/`, so no sibling subdomain can plant or shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-clerq_session";
pub const TTL: Duration = Duration::days(7);
/// However active, a session ends 30 days after sign-in.
pub const MAX_AGE: Duration = Duration::days(30);
pub const REFRESH_AFTER: Duration = Duration::days(1);

/// The signed-in user of a request, inserted into request extensions by [`middleware`].
#[derive(Debug, Clone)]
pub struct Principal {
    pub session_id: Uuid,
    pub user: CurrentUser,
    /// The active business: the one the user picked, else their oldest membership.
    pub business: Option<BusinessSummary>,
    /// Effective permissions in the active business (empty without one).
    pub permissions: PermissionSet,
    /// The active business's time zone and timer settings (defaults without one).
    pub local: BusinessLocal,
    /// Every business of the account with its logo's SHA-256, for the app shell's switcher.
    pub memberships: Vec<(BusinessSummary, Option<String>)>,
    /// The account's running timer in the active business.
    pub running: Option<crate::server::db::time::RunningRow>,
    /// May open `/system-admin` (granted with `server grant-admin`).
    pub platform_admin: bool,
}

/// A fresh unguessable token (256 bits), base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Session cookies were signed before other purposes existed: their purpose is empty, and every
/// newer purpose starts with a name, so none can collide with a session token.
const PURPOSE: &[u8] = b"";

/// `token.signature`, the cookie value.
pub fn sign(secret: &[u8], token: &str) -> String {
    let signature = signing::sign(secret, PURPOSE, token.as_bytes());
    format!("{token}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The token inside a cookie value, if its signature is valid for `secret` (constant-time check).
pub fn verify<'a>(secret: &[u8], cookie_value: &'a str) -> Option<&'a str> {
    let (token, signature) = cookie_value.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    signing::verify(secret, PURPOSE, token.as_bytes(), &signature).then_some(token)
}

/// The value of cookie `name` from all `Cookie` headers.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The session cookie's name for this instance.
pub fn cookie_name(auth: &AuthSettings) -> &'static str {
    if auth.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Secure when served over https.
pub fn set_cookie_header(auth: &AuthSettings, cookie_value: &str) -> HeaderValue {
    cookie_header(auth, cookie_value, TTL.num_seconds())
}

/// `Set-Cookie` that deletes the session cookie.
pub fn clear_cookie_header(auth: &AuthSettings) -> HeaderValue {
    cookie_header(auth, "", 0)
}

fn cookie_header(auth: &AuthSettings, value: &str, max_age: i64) -> HeaderValue {
    let secure = if auth.secure_cookies { "; Secure" } else { "" };
    let name = cookie_name(auth);
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    // Token and signature are base64url: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("clerq_session=; Max-Age=0"))
}

/// Whether a session last refreshed at `refreshed_at` should slide forward now.
pub fn needs_refresh(refreshed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - refreshed_at >= REFRESH_AFTER
}

/// Resolves the session cookie of every request it wraps: a valid one puts a [`Principal`] into the
/// request extensions (and slides the expiry forward once a day); a forged, expired or revoked one is
/// cleared from the browser. Requests without a cookie cost nothing.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let may_write = crate::server::registry::may_change_sessions(request.method(), request.uri().path());
    let response = resolve_cookie(&state, request, next).await;
    if may_write {
        // Answered, so its writes are committed: sessions read before it may be stale.
        state.sessions.invalidate_all();
    }
    response
}

/// The session middleware's work on one request; see [`middleware`].
async fn resolve_cookie(state: &AppState, mut request: Request, next: Next) -> Response {
    let Some(cookie) = read_cookie(request.headers(), cookie_name(&state.auth)).map(str::to_owned) else {
        return next.run(request).await;
    };
    let mut set_cookie = None;
    let hash = verify(state.auth.secret_bytes(), &cookie).map(token_hash);
    match hash {
        None => set_cookie = Some(clear_cookie_header(&state.auth)),
        Some(hash) => match lookup(state, &hash).await {
            Ok(Some(resolved)) => {
                if needs_refresh(resolved.refreshed_at, Utc::now()) {
                    state.sessions.forget(&hash);
                    match db::sessions::refresh(&state.pool, resolved.principal.session_id).await {
                        Ok(()) => set_cookie = Some(set_cookie_header(&state.auth, &cookie)),
                        Err(error) => tracing::warn!(?error, "could not refresh session"),
                    }
                }
                request.extensions_mut().insert(resolved.principal);
            }
            Ok(None) => set_cookie = Some(clear_cookie_header(&state.auth)),
            Err(_) => {
                // Already logged. Treating the user as signed out would bounce them to sign-in.
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Clerq cannot reach its database right now. Please try again in a moment.",
                )
                    .into_response();
            }
        },
    }
    let mut response = next.run(request).await;
    if let Some(value) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The session for a token hash: from the [cache](crate::server::session_cache) when it is fresh,
/// else from Postgres (and then cached).
async fn lookup(state: &AppState, hash: &[u8]) -> crate::error::AppResult<Option<db::sessions::Resolved>> {
    if let Some(resolved) = state.sessions.get(hash) {
        return Ok(Some(resolved));
    }
    let ticket = state.sessions.ticket();
    let resolved = db::sessions::resolve(&state.pool, hash).await?;
    if let Some(resolved) = &resolved {
        state.sessions.store(hash, resolved, ticket);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_with_its_secret_only() {
        let token = new_token();
        let value = sign(b"secret-one", &token);
        assert_eq!(verify(b"secret-one", &value), Some(token.as_str()));
        assert_eq!(verify(b"secret-two", &value), None, "another secret rejects the cookie");
    }

    #[test]
    fn tampered_or_malformed_cookies_are_rejected() {
        let value = sign(b"k", "token");
        let (token, signature) = value.split_once('.').expect("dot");
        assert_eq!(verify(b"k", &format!("tokeN.{signature}")), None);
        assert_eq!(verify(b"k", &format!("{token}.{}", &signature[1..])), None);
        for junk in ["", ".", "token", "token.", "token.!!!"] {
            assert_eq!(verify(b"k", junk), None, "{junk:?}");
        }
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_over_https() {
        let plain = AuthSettings::new("k".to_owned().into(), Some("http://localhost:3000".into()), false);
        let https = AuthSettings::new("k".to_owned().into(), Some("https://clerq.example.com".into()), false);
        let cookie = set_cookie_header(&plain, "v.s");
        assert_eq!(cookie, "clerq_session=v.s; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800");
        let secure = set_cookie_header(&https, "v.s");
        let secure = secure.to_str().expect("ascii");
        assert!(secure.starts_with("__Host-clerq_session=v.s; Path=/;") && secure.ends_with("; Secure"), "{secure}");
        assert!(!secure.contains("Domain="), "__Host- cookies name no domain");
        assert!(clear_cookie_header(&plain).to_str().expect("ascii").contains("Max-Age=0"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("theme=dark; clerq_session=abc.def"));
        headers.append(header::COOKIE, HeaderValue::from_static("other=1"));
        assert_eq!(read_cookie(&headers, COOKIE_NAME), Some("abc.def"));
        assert_eq!(read_cookie(&headers, "missing"), None);
    }

    #[test]
    fn sessions_slide_forward_at_most_daily() {
        let now = Utc::now();
        assert!(!needs_refresh(now - Duration::hours(23), now));
        assert!(needs_refresh(now - Duration::hours(24), now));
    }
}
