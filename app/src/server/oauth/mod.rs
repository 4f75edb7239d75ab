//! The OAuth 2.1 authorization server for MCP clients (PRODUCT §5): clients register themselves
//! (RFC 7591), a member approves one on the consent page for one business, and the client trades
//! the code (PKCE S256 only) for an access token acting as that member in that business. The HTTP
//! endpoints live in the server crate (`server::oauth`); the rules and SQL they share with the
//! consent page live here.

pub mod consent;
pub mod rules;
pub mod store;

use crate::error::AppResult;
use crate::oauth::AuthorizeParams;
use chrono::Duration;
use rules::{matching_redirect_uri, redirect_with, valid_challenge};
use sqlx::PgPool;
use store::Client;

/// How long an authorization code may wait for its exchange.
pub const CODE_TTL: Duration = Duration::minutes(10);
/// The protected resource: the MCP endpoint, below the instance's origin.
pub const RESOURCE_PATH: &str = "/api/mcp";
/// A private response header through which the consent page tells the security-headers layer the
/// one extra origin its form may lead to (its redirect URI's); the layer removes it.
pub const FORM_ACTION_HEADER: &str = "x-clerq-form-action";
/// A client's `state` is echoed back; a longer one is refused rather than carried around.
pub const STATE_MAX: usize = 1024;

/// The resource indicator (RFC 8707) of this instance's MCP endpoint.
pub fn resource_of(origin: &str) -> String {
    format!("{origin}{RESOURCE_PATH}")
}

/// Why an authorization request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The client or its redirect URI cannot be trusted: the person sees an error page and is
    /// never sent anywhere (RFC 6749 §4.1.2.1).
    Page(&'static str),
    /// The redirect URI is verified: the error goes back to the client there.
    Redirect { redirect_uri: String, error: &'static str, description: &'static str, state: String },
}

impl Refusal {
    /// The page's message, or the redirect's description.
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::Page(message) => message,
            Refusal::Redirect { description, .. } => description,
        }
    }
}

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    pub client: Client,
    /// The redirect URI as presented (a loopback one with its port), or the only registered one.
    pub redirect_uri: String,
    pub code_challenge: String,
    pub resource: String,
    pub state: String,
}

impl Verified {
    /// The request in canonical form, as the consent form posts it back.
    pub fn params(&self) -> AuthorizeParams {
        AuthorizeParams {
            response_type: "code".to_owned(),
            client_id: self.client.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
            code_challenge: self.code_challenge.clone(),
            code_challenge_method: "S256".to_owned(),
            resource: self.resource.clone(),
        }
    }
}

/// Checks an authorization request: first the client and redirect URI (refusals show a page), then
/// the rest (refusals go back to the redirect URI). `origin` is this instance's.
pub async fn verify(pool: &PgPool, params: &AuthorizeParams, origin: &str) -> AppResult<Result<Verified, Refusal>> {
    if params.client_id.is_empty() {
        return Ok(Err(Refusal::Page("The request does not say which app is asking (client_id is missing).")));
    }
    let Some(client) = store::find_client(pool, &params.client_id).await? else {
        return Ok(Err(Refusal::Page(
            "This app is not registered with this Clerq (unknown client_id). Start connecting again from the app.",
        )));
    };
    let redirect_uri = match (params.redirect_uri.as_str(), client.redirect_uris.as_slice()) {
        ("", [only]) => only.clone(),
        ("", _) => {
            return Ok(Err(Refusal::Page("The request does not say where to return (redirect_uri is missing).")))
        }
        (presented, registered) => match matching_redirect_uri(registered, presented) {
            Some(_) => presented.to_owned(),
            None => {
                return Ok(Err(Refusal::Page(
                    "The app asked to return to an address it did not register (redirect_uri).",
                )))
            }
        },
    };
    let refuse = |error, description, state: &str| {
        Ok(Err(Refusal::Redirect { redirect_uri: redirect_uri.clone(), error, description, state: state.to_owned() }))
    };
    if params.state.len() > STATE_MAX {
        return refuse("invalid_request", "state is longer than 1024 characters.", "");
    }
    let state = params.state.as_str();
    if params.response_type != "code" {
        return refuse("unsupported_response_type", "Only response_type=code is supported.", state);
    }
    if params.code_challenge.is_empty() {
        return refuse("invalid_request", "code_challenge is required (PKCE).", state);
    }
    if params.code_challenge_method != "S256" {
        return refuse("invalid_request", "code_challenge_method must be S256.", state);
    }
    if !valid_challenge(&params.code_challenge) {
        return refuse("invalid_request", "code_challenge is not a base64url SHA-256 digest.", state);
    }
    let resource = resource_of(origin);
    if !params.resource.is_empty() && params.resource != resource {
        return refuse("invalid_target", "resource must be this instance's MCP endpoint.", state);
    }
    Ok(Ok(Verified {
        client,
        redirect_uri: redirect_uri.clone(),
        code_challenge: params.code_challenge.clone(),
        resource,
        state: state.to_owned(),
    }))
}

/// The redirect URI with an error for the client (RFC 6749 §4.1.2.1, RFC 9207 `iss`).
pub fn error_redirect(refusal_uri: &str, error: &str, description: &str, state: &str, issuer: &str) -> Option<String> {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if !state.is_empty() {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    redirect_with(refusal_uri, &pairs)
}

/// The redirect URI with the code for the client (RFC 6749 §4.1.2, RFC 9207 `iss`).
pub fn code_redirect(redirect_uri: &str, code: &str, state: &str, issuer: &str) -> Option<String> {
    let mut pairs = vec![("code", code)];
    if !state.is_empty() {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    redirect_with(redirect_uri, &pairs)
}
