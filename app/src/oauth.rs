//! Connecting an MCP client (PRODUCT §5, §6.3): the parameters of an OAuth authorization request
//! as they travel from `/oauth/authorize` to the consent page and its form, and what the consent
//! page shows. The authorization server itself (registration, codes, tokens) is server-only:
//! `server::oauth` (HTTP) and `app::server::oauth` (rules and SQL).

use crate::error::AppResult;
use crate::ids::BusinessId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The consent page; `GET /oauth/authorize` sends people here, its form posts back here.
pub const CONSENT_PATH: &str = "/oauth/consent";

/// An authorization request's parameters (RFC 6749 §4.1.1, RFC 7636, RFC 8707). Empty means
/// absent; they are checked on the server each time they arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeParams {
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    #[serde(default)]
    pub resource: String,
}

impl AuthorizeParams {
    /// The parameters from `(name, value)` pairs; unknown names (such as `scope`) are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut params = Self::default();
        for (name, value) in pairs {
            let slot = match name {
                "response_type" => &mut params.response_type,
                "client_id" => &mut params.client_id,
                "redirect_uri" => &mut params.redirect_uri,
                "state" => &mut params.state,
                "code_challenge" => &mut params.code_challenge,
                "code_challenge_method" => &mut params.code_challenge_method,
                "resource" => &mut params.resource,
                _ => continue,
            };
            value.clone_into(slot);
        }
        params
    }

    /// The non-empty parameters as `(name, value)` pairs, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
            ("resource", &self.resource),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name, value.as_str()))
        .collect()
    }

    /// `/oauth/consent?…` for these parameters, every value percent-encoded (so the URL passes
    /// [`crate::auth::safe_redirect`] as a sign-in destination).
    pub fn consent_url(&self) -> String {
        let query: Vec<String> =
            self.pairs().into_iter().map(|(name, value)| format!("{name}={}", crate::auth::encode(value))).collect();
        if query.is_empty() {
            CONSENT_PATH.to_owned()
        } else {
            format!("{CONSENT_PATH}?{}", query.join("&"))
        }
    }
}

/// One of the person's businesses on the consent page, with what a token there could do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentBusiness {
    pub id: BusinessId,
    pub name: String,
    pub role: String,
    /// The role's one-line description.
    pub summary: String,
    /// Every permission the person holds there, in plain words.
    pub abilities: Vec<String>,
}

/// What the consent page shows for a valid request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub client_name: String,
    /// `host[:port]` the client's redirect URI points at.
    pub redirect_host: String,
    pub businesses: Vec<ConsentBusiness>,
    /// The session's active business, preselected.
    pub active: Option<BusinessId>,
    /// The request, checked, as the form posts it back.
    pub params: AuthorizeParams,
}

/// The consent page's data: the client and redirect URI checked against the registration, and the
/// caller's businesses. Visitors get `Unauthorized` (the page sends them to sign in and back).
#[server(prefix = "/api", endpoint = "oauth/consent")]
pub async fn get_consent(query: AuthorizeParams) -> AppResult<ConsentView> {
    crate::server::oauth::consent::view(query).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_urls_carry_only_the_known_parameters_percent_encoded() {
        let params = AuthorizeParams::from_pairs([
            ("client_id", "abc"),
            ("redirect_uri", "https://claude.ai/api/mcp/auth_callback?x=1&y=2"),
            ("state", "a b/c"),
            ("scope", "ignored"),
        ]);
        assert_eq!(
            params.consent_url(),
            "/oauth/consent?client_id=abc&redirect_uri=https%3A%2F%2Fclaude.ai%2Fapi%2Fmcp%2Fauth_callback%3Fx%3D1%26y%3D2&state=a%20b%2Fc"
        );
        assert_eq!(crate::auth::safe_redirect(&params.consent_url()), Some(params.consent_url().as_str()));
        assert_eq!(AuthorizeParams::default().consent_url(), CONSENT_PATH);
    }
}
