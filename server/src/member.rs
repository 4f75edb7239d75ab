//! The business context of a plain axum route (file downloads and uploads), built the way server
//! functions build theirs: from the session the session layer put on the request.

use app::error::AppError;
use app::server::session::Principal;
use app::server::{AppState, BusinessCtx};
use axum::response::{IntoResponse, Response};
use http::{request::Parts, StatusCode};

/// The signed-in member's context: `Unauthorized` without a session, `Forbidden` for an account
/// without a business.
pub fn business_ctx(state: &AppState, parts: &Parts) -> Result<BusinessCtx, AppError> {
    let principal = parts.extensions.get::<Principal>().cloned().ok_or(AppError::Unauthorized)?;
    let clock = state.clock.for_request(parts, state.clock_header);
    let origin = app::server::origin(&state.auth, parts);
    BusinessCtx::from_principal(state, principal, clock, origin)
}

/// An operation's error as a plain-text response with its status (401 says "Sign in first", as
/// the operator's guide promises); internal details stay in the log.
pub fn error_response(error: AppError) -> Response {
    if error == AppError::Unauthorized {
        return (StatusCode::UNAUTHORIZED, "Sign in first").into_response();
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

/// 503 with `Retry-After: 30` and `message`, for downloads that are built a few at a time.
pub fn busy(message: &'static str) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, [(http::header::RETRY_AFTER, "30")], message).into_response()
}
