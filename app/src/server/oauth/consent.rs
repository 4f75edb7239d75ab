//! The consent page's data (`get_consent`): the request checked again, the caller's businesses
//! with what a token could do in each, and the one extra `form-action` origin the page needs.

use super::rules::{host_of, origin_of};
use super::{verify, FORM_ACTION_HEADER};
use crate::error::{AppError, AppResult};
use crate::oauth::{AuthorizeParams, ConsentBusiness, ConsentView};
use crate::server::{account, append_response_header, db, origin, principal, request_parts, state};
use http::{HeaderName, HeaderValue};

/// A person in more businesses than this sees the first ones; each costs a query here.
const MAX_BUSINESSES: usize = 50;

pub async fn view(query: AuthorizeParams) -> AppResult<ConsentView> {
    let account = account()?;
    let state = state()?;
    let origin = origin(&state.auth, &request_parts()?);
    let verified = verify(&state.pool, &query, &origin)
        .await?
        .map_err(|refusal| AppError::NotAllowed(refusal.message().to_owned()))?;
    let principal = principal()?.ok_or(AppError::Unauthorized)?;
    let mut businesses = Vec::new();
    for (business, _) in principal.memberships.iter().take(MAX_BUSINESSES) {
        // Effective permissions (custom roles, overrides) per business: what a token there may do.
        let Some(access) = db::access::member(&state.pool, business.id, account.user.id).await? else { continue };
        businesses.push(ConsentBusiness {
            id: access.business.id,
            name: access.business.name,
            role: access.business.role.label().to_owned(),
            summary: access.business.role.description().to_owned(),
            abilities: access.permissions.iter().map(|p| p.label().to_owned()).collect(),
        });
    }
    // The page's policy allows forms to lead only to this origin; its form's answer redirects to
    // the client's redirect URI, and browsers apply form-action to that redirect too.
    if let Some(value) = origin_of(&verified.redirect_uri).and_then(|o| HeaderValue::from_str(&o).ok()) {
        append_response_header(HeaderName::from_static(FORM_ACTION_HEADER), value)?;
    }
    Ok(ConsentView {
        client_name: verified.client.name.clone(),
        redirect_host: host_of(&verified.redirect_uri).unwrap_or_default(),
        businesses,
        active: principal.business.map(|b| b.id),
        params: verified.params(),
    })
}
