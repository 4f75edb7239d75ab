//! `POST /oauth/register`: dynamic client registration (RFC 7591) for public clients. A client
//! names itself and lists where people may be sent back; it gets an identifier and no secret.

use super::{now, oauth_error};
use app::server::auth::client_ip;
use app::server::oauth::rules::{check_redirect_uri, MAX_REDIRECT_URIS};
use app::server::oauth::store::insert_client;
use app::server::rate_limit::{ip_key, RateLimiter};
use app::server::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Client metadata is a few hundred bytes; ten long redirect URIs fit easily.
pub const BODY_MAX: usize = 32 * 1024;
/// What the consent page calls a client that gave no name.
pub const DEFAULT_NAME: &str = "MCP client";
pub const NAME_MAX_CHARS: usize = 100;
const GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];

/// The metadata we read; anything else a client sends is ignored (RFC 7591 §2).
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    client_name: Option<String>,
    redirect_uris: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_uri: Option<String>,
}

/// The registration as stored and answered.
#[derive(Debug, PartialEq, Eq)]
pub struct Valid {
    name: String,
    redirect_uris: Vec<String>,
    grant_types: Vec<String>,
    response_types: Vec<String>,
    client_uri: Option<String>,
}

/// An RFC 7591 §3.2.2 error: `invalid_redirect_uri` or `invalid_client_metadata`.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(&'static str, String);

fn metadata_error(description: impl Into<String>) -> Refused {
    Refused("invalid_client_metadata", description.into())
}

/// Checks the metadata against what this server supports.
pub fn validate(metadata: Metadata) -> Result<Valid, Refused> {
    let uris = metadata.redirect_uris.unwrap_or_default();
    if uris.is_empty() || uris.len() > MAX_REDIRECT_URIS {
        return Err(Refused("invalid_redirect_uri", format!("redirect_uris must list 1 to {MAX_REDIRECT_URIS} URIs")));
    }
    let mut redirect_uris: Vec<String> = Vec::new();
    for uri in uris {
        check_redirect_uri(&uri).map_err(|why| Refused("invalid_redirect_uri", format!("{why}: {uri:.200}")))?;
        if !redirect_uris.contains(&uri) {
            redirect_uris.push(uri);
        }
    }
    if metadata.token_endpoint_auth_method.as_deref().is_some_and(|m| m != "none") {
        return Err(metadata_error("token_endpoint_auth_method must be \"none\" (public clients with PKCE)"));
    }
    let grant_types = subset(metadata.grant_types, &GRANT_TYPES, "grant_types")?;
    let response_types = subset(metadata.response_types, &["code"], "response_types")?;
    let name = metadata.client_name.as_deref().map(str::trim).unwrap_or_default();
    if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(metadata_error(format!("client_name must be at most {NAME_MAX_CHARS} characters of text")));
    }
    let client_uri = match metadata.client_uri.filter(|uri| !uri.is_empty()) {
        Some(uri) if uri.len() <= 2000 && url::Url::parse(&uri).is_ok_and(|u| u.scheme() == "https") => Some(uri),
        Some(_) => return Err(metadata_error("client_uri must be an https URL")),
        None => None,
    };
    Ok(Valid {
        name: if name.is_empty() { DEFAULT_NAME.to_owned() } else { name.to_owned() },
        redirect_uris,
        grant_types,
        response_types,
        client_uri,
    })
}

/// `values` (default: all of `supported`), each one supported, without repeats.
fn subset(values: Option<Vec<String>>, supported: &[&str], field: &str) -> Result<Vec<String>, Refused> {
    let values = values.unwrap_or_else(|| supported.iter().map(|s| (*s).to_owned()).collect());
    let mut kept: Vec<String> = Vec::new();
    for value in values {
        if !supported.contains(&value.as_str()) {
            return Err(metadata_error(format!("{field} may contain only {}", supported.join(", "))));
        }
        if !kept.contains(&value) {
            kept.push(value);
        }
    }
    if kept.is_empty() {
        return Err(metadata_error(format!("{field} must not be empty")));
    }
    Ok(kept)
}

#[derive(Serialize)]
struct Registered {
    client_id: String,
    client_id_issued_at: i64,
    client_name: String,
    redirect_uris: Vec<String>,
    grant_types: Vec<String>,
    response_types: Vec<String>,
    token_endpoint_auth_method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_uri: Option<String>,
}

pub async fn register(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<RateLimiter>>,
    parts: Parts,
    body: Bytes,
) -> Response {
    if body.len() > BODY_MAX {
        return oauth_error(StatusCode::PAYLOAD_TOO_LARGE, "invalid_client_metadata", "The metadata is too large.");
    }
    let metadata = match serde_json::from_slice::<Metadata>(&body) {
        Ok(metadata) => metadata,
        Err(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                "The body is not client metadata JSON.",
            )
        }
    };
    let valid = match validate(metadata) {
        Ok(valid) => valid,
        Err(Refused(error, description)) => return oauth_error(StatusCode::BAD_REQUEST, error, &description),
    };
    // Counted only once valid: only a stored registration costs anything.
    let key = ip_key(client_ip(&parts, state.auth.trust_proxy_headers));
    if let Err(wait) = limiter.attempt(&[key]) {
        let mut response = oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            "Too many registrations from your network.",
        );
        if let Ok(seconds) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        return response;
    }
    let issued =
        insert_client(&state.pool, &valid.name, &valid.redirect_uris, valid.client_uri.as_deref(), now(&state, &parts))
            .await;
    let Ok((client, issued_at)) = issued else {
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "The client could not be registered.");
    };
    let body = Registered {
        client_id: client.client_id,
        client_id_issued_at: issued_at.timestamp(),
        client_name: client.name,
        redirect_uris: client.redirect_uris,
        grant_types: valid.grant_types,
        response_types: valid.response_types,
        token_endpoint_auth_method: "none",
        client_uri: valid.client_uri,
    };
    (StatusCode::CREATED, super::no_store(), Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(uris: &[&str]) -> Metadata {
        Metadata { redirect_uris: Some(uris.iter().map(|u| (*u).to_owned()).collect()), ..Metadata::default() }
    }

    #[test]
    fn a_minimal_registration_gets_the_defaults() {
        let valid = validate(metadata(&["http://127.0.0.1:5000/cb", "http://127.0.0.1:5000/cb"])).expect("valid");
        assert_eq!(valid.name, DEFAULT_NAME);
        assert_eq!(valid.redirect_uris, ["http://127.0.0.1:5000/cb"], "repeats dropped");
        assert_eq!(valid.grant_types, ["authorization_code", "refresh_token"]);
        assert_eq!(valid.response_types, ["code"]);
    }

    #[test]
    fn unsupported_metadata_is_refused_with_the_rfc_7591_error() {
        let error = |m: Metadata| validate(m).map(|_| ()).unwrap_err().0;
        assert_eq!(error(metadata(&[])), "invalid_redirect_uri");
        assert_eq!(error(Metadata::default()), "invalid_redirect_uri");
        assert_eq!(error(metadata(&["http://example.com/cb"])), "invalid_redirect_uri");
        assert_eq!(error(metadata(&["https://a.example/cb"; 11])), "invalid_redirect_uri");
        let with = |f: fn(&mut Metadata)| {
            let mut m = metadata(&["https://a.example/cb"]);
            f(&mut m);
            m
        };
        assert_eq!(
            error(with(|m| m.token_endpoint_auth_method = Some("client_secret_basic".into()))),
            "invalid_client_metadata"
        );
        assert_eq!(error(with(|m| m.grant_types = Some(vec!["client_credentials".into()]))), "invalid_client_metadata");
        assert_eq!(error(with(|m| m.grant_types = Some(vec![]))), "invalid_client_metadata");
        assert_eq!(error(with(|m| m.response_types = Some(vec!["token".into()]))), "invalid_client_metadata");
        assert_eq!(error(with(|m| m.client_name = Some("x".repeat(101)))), "invalid_client_metadata");
        assert_eq!(error(with(|m| m.client_name = Some("bad\u{7}".into()))), "invalid_client_metadata");
        assert_eq!(error(with(|m| m.client_uri = Some("javascript:alert(1)".into()))), "invalid_client_metadata");
        let ok = validate(with(|m| {
            m.token_endpoint_auth_method = Some("none".into());
            m.grant_types = Some(vec!["authorization_code".into()]);
            m.client_name = Some("  Claude  ".into());
        }))
        .expect("valid");
        assert_eq!((ok.name.as_str(), ok.grant_types.len()), ("Claude", 1));
    }
}
