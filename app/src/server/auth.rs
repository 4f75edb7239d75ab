//! Sign-up, sign-in and sign-out as the server functions run them: validation, password checks,
//! rate limits, session rotation and the cookie on the response.

use crate::auth::safe_redirect;
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::server::rate_limit::ip_key;
use crate::server::{append_response_header, db, password, principal, request_parts, session, state, AppState};
use crate::validation::{self, FieldErrors};
use axum::extract::ConnectInfo;
use http::header;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

pub const INVALID_CREDENTIALS: &str = "Invalid email or password";

fn too_many(what: &str, wait: std::time::Duration) -> AppError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let (amount, unit) = if seconds > 90 { (seconds.div_ceil(60), "minute") } else { (seconds, "second") };
    AppError::TooManyRequests(format!(
        "Too many {what}. Please wait {amount} {unit}{} and try again.",
        if amount == 1 { "" } else { "s" }
    ))
}

pub async fn sign_up(name: String, email: String, password: String, redirect: String) -> AppResult<()> {
    let state = state()?;
    let parts = request_parts()?;
    let ip = ip_key(client_ip(&parts, state.auth.trust_proxy_headers));
    let mut errors = FieldErrors::new();
    let name = errors.check("name", validation::required_name(&name, "your name"));
    let email = errors.check("email", validation::email(&email));
    let password = errors.check("password", validation::new_password(&password));
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(errors.into());
    };
    // Counted once the form is valid: each new account costs a hash and a row.
    state.sign_up_limiter.attempt(&[ip]).map_err(|wait| too_many("new accounts from your network", wait))?;
    let hash = password::hash(password).await?;
    let user = db::accounts::insert(&state.pool, &email, &name, &hash).await?;
    start_session(&state, user.id).await?;
    // Someone following an invitation goes back to it; everyone else sets up a business.
    leptos_axum::redirect(safe_redirect(&redirect).unwrap_or("/onboarding"));
    Ok(())
}

pub async fn sign_in(email: String, password: String, redirect: String) -> AppResult<()> {
    let state = state()?;
    let parts = request_parts()?;
    let email = email.trim().to_owned();
    if email.chars().count() > validation::EMAIL_MAX_CHARS {
        return Err(AppError::field(FieldErrors::FORM, INVALID_CREDENTIALS));
    }
    let network_key = ip_key(client_ip(&parts, state.auth.trust_proxy_headers));
    // A network over its limit is turned away before the database is asked anything.
    state
        .sign_in_limiter
        .check(std::slice::from_ref(&network_key))
        .map_err(|wait| too_many("sign-in attempts", wait))?;
    // Keyed exactly as the database compares addresses (citext), so no spelling of one address
    // (case, dotted capital I, …) gets a budget of its own.
    let email_key = format!("email:{}", db::accounts::comparable_email(&state.pool, &email).await?);
    let keys = [network_key, email_key.clone()];
    state.sign_in_limiter.attempt(&keys).map_err(|wait| too_many("sign-in attempts", wait))?;
    if password.is_empty() {
        return Err(AppError::field("password", "Enter your password."));
    }
    if password.chars().count() > validation::PASSWORD_MAX_CHARS {
        // No account has a longer one, and hashing megabytes of input is work nobody should cause.
        return Err(AppError::field(FieldErrors::FORM, INVALID_CREDENTIALS));
    }
    let credentials = db::accounts::credentials(&state.pool, &email).await?;
    let (user_id, stored) = credentials.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
    let matches = password::verify(password, stored).await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        return Err(AppError::field(FieldErrors::FORM, INVALID_CREDENTIALS));
    };
    state.sign_in_limiter.reset(&email_key);
    start_session(&state, user_id).await?;
    leptos_axum::redirect(safe_redirect(&redirect).unwrap_or("/"));
    Ok(())
}

pub async fn sign_out() -> AppResult<()> {
    let state = state()?;
    if let Some(principal) = principal()? {
        db::sessions::delete(&state.pool, principal.session_id).await?;
    }
    append_response_header(header::SET_COOKIE, session::clear_cookie_header(&state.auth))?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

pub async fn sign_out_everywhere() -> AppResult<()> {
    let state = state()?;
    let principal = principal()?.ok_or(AppError::Unauthorized)?;
    db::sessions::delete_all(&state.pool, principal.user.id).await?;
    append_response_header(header::SET_COOKIE, session::clear_cookie_header(&state.auth))?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// Issues a new session for `user_id` and sets its cookie. Any session the request arrived with is
/// revoked first, so an identifier planted before sign-in never becomes authenticated (fixation).
async fn start_session(state: &AppState, user_id: UserId) -> AppResult<()> {
    let parts = request_parts()?;
    if let Some(previous) = principal()? {
        db::sessions::delete(&state.pool, previous.session_id).await?;
    }
    let token = session::new_token();
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    db::sessions::create(&state.pool, user_id, &session::token_hash(&token), user_agent).await?;
    let cookie = session::sign(state.auth.secret_bytes(), &token);
    append_response_header(header::SET_COOKIE, session::set_cookie_header(&state.auth, &cookie))
}

/// The client's address: the peer, or behind a trusted reverse proxy the hop it appended last to
/// `X-Forwarded-For` (earlier entries are client-controlled).
pub fn client_ip(parts: &Parts, trust_proxy_headers: bool) -> Option<IpAddr> {
    if trust_proxy_headers {
        // Only the last hop was written by our proxy; anything before it came from the client.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(forwarded: Option<&str>, peer: Option<&str>) -> Parts {
        let mut request = http::Request::builder();
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        if let Some(peer) = peer {
            parts.extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().expect("addr")));
        }
        parts
    }

    #[test]
    fn the_peer_address_is_used_unless_proxy_headers_are_trusted() {
        let p = parts(Some("203.0.113.7"), Some("10.0.0.2:5000"));
        assert_eq!(client_ip(&p, false), Some("10.0.0.2".parse().expect("ip")));
        assert_eq!(client_ip(&p, true), Some("203.0.113.7".parse().expect("ip")));
    }

    #[test]
    fn behind_a_proxy_the_last_forwarded_hop_wins_over_spoofed_earlier_ones() {
        let p = parts(Some("1.2.3.4, 198.51.100.9"), Some("10.0.0.2:5000"));
        assert_eq!(client_ip(&p, true), Some("198.51.100.9".parse().expect("ip")));
        assert_eq!(client_ip(&parts(Some("garbage"), Some("10.0.0.2:1")), true), Some("10.0.0.2".parse().expect("ip")));
        assert_eq!(client_ip(&parts(None, None), true), None);
    }
}
