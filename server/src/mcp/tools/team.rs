//! The team (4): members, invitations (the link is returned; no email is sent), removal.

use crate::mcp::catalog::{output, tool, ToolDef};
use app::error::AppError;
use app::ids::{InvitationId, UserId};
use app::server::{team, BusinessCtx};
use app::team::{GetTeam, InviteMember, RemoveMember, RevokeInvitation};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_team_members, NoArgs, Reads, GetTeam, "List the team",
            "Members of the business with their roles, pending invitations (with expiry) and custom roles."),
        tool!(invite_team_member, InviteArgs, Writes, InviteMember, "Invite a team member",
            "Invite someone by email with a role (admin, manager, member, accountant, contractor, viewer, or a custom role's id). No email is sent: the result's invite_url is the link to share; it expires in 7 days."),
        tool!(revoke_invitation, InvitationRef, Destroys, RevokeInvitation, "Revoke an invitation",
            "Revoke a pending invitation; its link stops working."),
        tool!(remove_team_member, MemberRef, Destroys, RemoveMember, "Remove a team member",
            "Remove a member from the business. Their time and invoices stay; their access (and any connected apps) ends at once. The last owner cannot be removed."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteArgs {
    pub email: String,
    /// A role name (admin, manager, member, accountant, contractor, viewer) or a custom role's id.
    pub role: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRef {
    pub invitation_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRef {
    pub user_id: Uuid,
}

async fn list_team_members(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    output(&team::overview(ctx).await?)
}

async fn invite_team_member(ctx: &BusinessCtx, args: InviteArgs) -> Result<Value, AppError> {
    let (email, role) = app::team::invitation_input(&args.email, &args.role)?;
    let invitation = team::invite(ctx, email, role).await?;
    Ok(json!({
        "invitation_id": invitation.id,
        "email": invitation.email,
        "role": invitation.role_label,
        "expires_at": invitation.expires_at,
        "invite_url": invitation.link,
    }))
}

async fn revoke_invitation(ctx: &BusinessCtx, args: InvitationRef) -> Result<Value, AppError> {
    team::revoke(ctx, InvitationId(args.invitation_id)).await?;
    Ok(json!({ "revoked": true }))
}

async fn remove_team_member(ctx: &BusinessCtx, args: MemberRef) -> Result<Value, AppError> {
    team::remove_member(ctx, UserId(args.user_id)).await?;
    Ok(json!({ "removed": true }))
}
