//! `POST /oauth/token` (authorization code with PKCE, refresh with rotation) and
//! `POST /oauth/revoke` (RFC 7009). Form-encoded in, JSON out; every bad input is a 4xx.

use super::{issuer, no_store, now, oauth_error, unique_pairs, value};
use app::server::oauth::resource_of;
use app::server::oauth::store::{self, find_client, CodeExchange, Issued, TokenError};
use app::server::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::request::Parts;
use http::StatusCode;
use serde_json::json;

fn bad_request(error: &str, description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, description)
}

fn server_error() -> Response {
    oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "Something went wrong on our side.")
}

/// `POST /oauth/token`
pub async fn token(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let Some(pairs) = unique_pairs(&body) else {
        return bad_request("invalid_request", "A parameter is repeated.");
    };
    let grant_type = value(&pairs, "grant_type");
    if !matches!(grant_type, Some("authorization_code" | "refresh_token")) {
        return match grant_type {
            None => bad_request("invalid_request", "grant_type is required."),
            Some(_) => bad_request("unsupported_grant_type", "Use authorization_code or refresh_token."),
        };
    }
    // Public clients authenticate by naming themselves; PKCE and token binding do the rest.
    let client = match value(&pairs, "client_id") {
        None => None,
        Some(id) => match find_client(&state.pool, id).await {
            Ok(client) => client,
            Err(_) => return server_error(),
        },
    };
    let Some(client) = client else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client_id is missing or unknown.");
    };
    let issuer = issuer(&state, &parts);
    let now = now(&state, &parts);
    let outcome = if grant_type == Some("authorization_code") {
        let (Some(code), Some(verifier)) = (value(&pairs, "code"), value(&pairs, "code_verifier")) else {
            return bad_request("invalid_request", "code and code_verifier are required.");
        };
        let exchange = CodeExchange {
            code,
            redirect_uri: value(&pairs, "redirect_uri"),
            verifier,
            resource: value(&pairs, "resource"),
        };
        store::exchange_code(&state.pool, &client, exchange, now).await
    } else {
        let Some(refresh_token) = value(&pairs, "refresh_token") else {
            return bad_request("invalid_request", "refresh_token is required.");
        };
        // Tokens are only ever for the MCP endpoint (RFC 8707 §2.2).
        if value(&pairs, "resource").is_some_and(|resource| resource != resource_of(&issuer)) {
            return bad_request("invalid_target", "resource must be this instance's MCP endpoint.");
        }
        store::refresh(&state.pool, &client, refresh_token, now).await
    };
    match outcome {
        Ok(Ok(issued)) => tokens(issued),
        Ok(Err(TokenError::InvalidGrant(why))) => bad_request("invalid_grant", why),
        Ok(Err(TokenError::InvalidTarget(why))) => bad_request("invalid_target", why),
        Err(_) => server_error(),
    }
}

/// RFC 6749 §5.1. No `scope`: a token may do what its member may do in its business.
fn tokens(issued: Issued) -> Response {
    let body = json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
    });
    (StatusCode::OK, no_store(), Json(body)).into_response()
}

/// `POST /oauth/revoke`: 200 whether or not the token existed (RFC 7009 §2.2).
pub async fn revoke(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let Some(pairs) = unique_pairs(&body) else {
        return bad_request("invalid_request", "A parameter is repeated.");
    };
    // `token_type_hint` is only a hint; the token's prefix says what it is.
    let Some(token) = value(&pairs, "token") else {
        return bad_request("invalid_request", "token is required.");
    };
    let client = match value(&pairs, "client_id") {
        None => None,
        Some(id) => match find_client(&state.pool, id).await {
            Ok(Some(client)) => Some(client.id),
            Ok(None) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client_id is unknown."),
            Err(_) => return server_error(),
        },
    };
    match store::revoke(&state.pool, token, client, now(&state, &parts)).await {
        Ok(()) => (StatusCode::OK, no_store()).into_response(),
        Err(_) => server_error(),
    }
}
