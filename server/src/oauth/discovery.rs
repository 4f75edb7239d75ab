//! Discovery documents: where an MCP client learns that `/api/mcp` is protected by this instance
//! (RFC 9728) and where this instance's OAuth endpoints are (RFC 8414).

use super::issuer;
use app::server::oauth::resource_of;
use app::server::AppState;
use axum::extract::State;
use axum::Json;
use http::request::Parts;
use serde_json::{json, Value};

/// `GET /.well-known/oauth-protected-resource[/api/mcp]`
pub async fn protected_resource(State(state): State<AppState>, parts: Parts) -> Json<Value> {
    let issuer = issuer(&state, &parts);
    Json(json!({
        "resource": resource_of(&issuer),
        "authorization_servers": [issuer],
        "bearer_methods_supported": ["header"],
        "resource_name": "Clerq",
    }))
}

/// `GET /.well-known/oauth-authorization-server`
pub async fn authorization_server(State(state): State<AppState>, parts: Parts) -> Json<Value> {
    let issuer = issuer(&state, &parts);
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "registration_endpoint": format!("{issuer}/oauth/register"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        // Only S256: `plain` would let a stolen code be exchanged by whoever saw the request.
        "code_challenge_methods_supported": ["S256"],
        // Public clients: PKCE proves possession, there is no secret to keep.
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "authorization_response_iss_parameter_supported": true,
    }))
}
