//! Invitation links: a bearer credential (`/invite/<id><hmac>`), what a link shows to anyone who
//! holds it, and accepting one.

use crate::error::{AppError, AppResult};
use crate::ids::InvitationId;
use crate::server::db::team as db;
use crate::server::signing;
use crate::server::{AccountCtx, AppState, AuthSettings};
use crate::team::rules::not_allowed;
use crate::team::{role_label, InvitationPreview, InvitationStatus};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use uuid::Uuid;

const PURPOSE: &[u8] = b"clerq-invitation:";

/// The token in `/invite/<token>`: the id (22 characters) then its HMAC (43), both base64url.
pub fn invitation_token(auth: &AuthSettings, id: InvitationId) -> String {
    let signature = signing::sign(auth.secret_bytes(), PURPOSE, id.0.as_bytes());
    format!("{}{}", URL_SAFE_NO_PAD.encode(id.0.as_bytes()), URL_SAFE_NO_PAD.encode(signature))
}

/// The invitation id inside a token, if the token is genuine.
pub fn invitation_id(auth: &AuthSettings, token: &str) -> Option<InvitationId> {
    let token = token.trim();
    if token.len() != 65 || !token.is_char_boundary(22) {
        return None;
    }
    let (id, signature) = token.split_at(22);
    let id = Uuid::from_slice(&URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    signing::verify(auth.secret_bytes(), PURPOSE, id.as_bytes(), &signature).then_some(InvitationId(id))
}

/// The absolute link to share, on this instance's public origin.
pub fn invitation_link(auth: &AuthSettings, origin: &str, id: InvitationId) -> String {
    format!("{origin}/invite/{}", invitation_token(auth, id))
}

fn status_of(row: &db::InvitationRow, now: DateTime<Utc>) -> InvitationStatus {
    match row.status.as_str() {
        "accepted" => InvitationStatus::Accepted,
        "revoked" => InvitationStatus::Revoked,
        "pending" if row.expires_at > now => InvitationStatus::Pending,
        _ => InvitationStatus::Expired,
    }
}

async fn load(state: &AppState, token: &str) -> AppResult<db::InvitationRow> {
    let id = invitation_id(&state.auth, token).ok_or(AppError::NotFound)?;
    db::invitation(&state.pool, id).await?.ok_or(AppError::NotFound)
}

/// Public: anyone holding the link sees which business and role it offers.
pub async fn preview(state: &AppState, token: &str) -> AppResult<InvitationPreview> {
    let row = load(state, token).await?;
    Ok(InvitationPreview {
        business_name: row.business_name.clone(),
        role_label: role_label(row.role, row.custom_role_name.as_deref()),
        email: row.email.clone(),
        status: status_of(&row, Utc::now()),
    })
}

pub async fn accept(state: &AppState, ctx: &AccountCtx, token: &str) -> AppResult<()> {
    let row = load(state, token).await?;
    match status_of(&row, Utc::now()) {
        InvitationStatus::Pending => {}
        InvitationStatus::Accepted => return Err(not_allowed("This invitation has already been used.")),
        InvitationStatus::Revoked => return Err(not_allowed("This invitation was revoked. Ask for a new one.")),
        InvitationStatus::Expired => return Err(not_allowed("This invitation has expired. Ask for a new one.")),
    }
    let user = &ctx.user;
    if !user.email.eq_ignore_ascii_case(&row.email) {
        return Err(AppError::NotAllowed(format!(
            "This invitation is for {}. Sign in with that address to accept it.",
            row.email
        )));
    }
    let mut tx = ctx.pool.begin().await?;
    // The link is a bearer credential: it is only as good as its inviter's standing now. Someone
    // removed or demoted since cannot have their invitation give more than they hold.
    let inviter = match row.invited_by {
        Some(inviter) => crate::server::db::access::member(&mut *tx, row.business_id, inviter).await?,
        None => None,
    };
    if !inviter.is_some_and(|i| row.permissions.is_subset_of(i.permissions)) {
        return Err(not_allowed("This invitation is no longer valid. Ask for a new one."));
    }
    if !db::mark_accepted(&mut tx, row.id, user.id).await? {
        return Err(not_allowed("This invitation is no longer valid. Ask for a new one."));
    }
    db::add_member(&mut tx, row.business_id, user.id, row.role, row.custom_role_id).await?;
    crate::server::db::businesses::set_active(&mut *tx, user.id, row.business_id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_tokens_verify_only_with_their_secret() {
        let auth = AuthSettings::new("one".to_owned().into(), None, false);
        let other = AuthSettings::new("two".to_owned().into(), None, false);
        let id = InvitationId(Uuid::now_v7());
        let token = invitation_token(&auth, id);
        assert_eq!(token.len(), 65);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(invitation_id(&auth, &token), Some(id));
        assert_eq!(invitation_id(&other, &token), None);
        let mut forged = token.clone();
        forged.replace_range(64..65, if token.ends_with('A') { "B" } else { "A" });
        assert_eq!(invitation_id(&auth, &forged), None);
        assert_eq!(invitation_id(&auth, "short"), None);
        assert!(crate::auth::safe_redirect(&format!("/invite/{token}")).is_some(), "tokens survive the redirect rules");
    }
}
