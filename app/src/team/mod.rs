//! Team: members, roles (predefined and custom), per-member permission overrides, invitations.

use crate::business::Role;
use crate::error::AppResult;
use crate::permissions::{Permission, PermissionSet};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Grant,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Grant => "grant",
            Effect::Deny => "deny",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub permission: Permission,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRoleRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub custom_role: Option<CustomRoleRef>,
    pub overrides: Vec<Override>,
    pub effective: PermissionSet,
}

impl TeamMember {
    pub fn role_label(&self) -> String {
        role_label(self.role, self.custom_role.as_ref().map(|r| r.name.as_str()))
    }

    /// The value of this member's role in a role `<select>`.
    pub fn role_value(&self) -> String {
        match &self.custom_role {
            Some(custom) => RoleChoice::Custom(custom.id).value(),
            None => RoleChoice::Predefined(self.role).value(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub role_label: String,
    pub expires_at: DateTime<Utc>,
    /// The absolute link to share; only people who may invite see it.
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRole {
    pub id: Uuid,
    pub name: String,
    pub permissions: PermissionSet,
    /// Members on the role plus pending invitations to it: while non-zero it cannot be deleted.
    pub in_use: i64,
}

/// A role a form can offer: a predefined role or one of the business's custom roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOverview {
    pub you: Uuid,
    pub your_permissions: PermissionSet,
    pub members: Vec<TeamMember>,
    pub invitations: Vec<PendingInvitation>,
    pub custom_roles: Vec<CustomRole>,
    /// Roles the caller may give (owner only for owners).
    pub assignable: Vec<RoleOption>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

/// What `/invite/<token>` shows to anyone holding the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub business_name: String,
    pub role_label: String,
    pub email: String,
    pub status: InvitationStatus,
}

impl InvitationPreview {
    /// "Join Studio Demo as a contractor".
    pub fn headline(&self) -> String {
        format!("Join {} as {}", self.business_name, role_phrase(&self.role_label))
    }
}

/// A role as the wire carries it: a predefined role's key or `custom:<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChoice {
    Predefined(Role),
    Custom(Uuid),
}

impl RoleChoice {
    pub fn parse(value: &str) -> Option<RoleChoice> {
        let value = value.trim();
        if let Some(id) = value.strip_prefix("custom:") {
            return Uuid::parse_str(id).ok().map(RoleChoice::Custom);
        }
        value.parse::<Role>().ok().filter(|r| *r != Role::Custom).map(RoleChoice::Predefined)
    }

    pub fn value(&self) -> String {
        match self {
            RoleChoice::Predefined(role) => role.as_str().to_owned(),
            RoleChoice::Custom(id) => format!("custom:{id}"),
        }
    }
}

pub fn role_label(role: Role, custom_name: Option<&str>) -> String {
    match (role, custom_name) {
        (Role::Custom, Some(name)) => name.to_owned(),
        (role, _) => role.label().to_owned(),
    }
}

/// "a contractor", "an admin", or a custom role's name as is.
pub fn role_phrase(label: &str) -> String {
    let predefined = Role::PREDEFINED.iter().any(|r| r.label() == label);
    if !predefined {
        return label.to_owned();
    }
    let lower = label.to_lowercase();
    let article = if lower.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {lower}")
}

pub const ROLE_NAME_MAX_CHARS: usize = 60;

#[server(prefix = "/api", endpoint = "team/get")]
pub async fn get_team() -> AppResult<TeamOverview> {
    let ctx = crate::server::authorize(Permission::TeamView)?;
    crate::server::team::overview(&ctx).await
}

#[server(prefix = "/api", endpoint = "team/invite")]
pub async fn invite_member(email: String, role: String) -> AppResult<PendingInvitation> {
    let ctx = crate::server::authorize(Permission::TeamInvite)?;
    crate::server::team::invite(&ctx, &email, &role).await
}

#[server(prefix = "/api", endpoint = "team/revoke_invitation")]
pub async fn revoke_invitation(invitation_id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamInvite)?;
    crate::server::team::revoke(&ctx, &invitation_id).await
}

#[server(prefix = "/api", endpoint = "team/remove_member")]
pub async fn remove_member(user_id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamRemoveMember)?;
    crate::server::team::remove_member(&ctx, &user_id).await
}

#[server(prefix = "/api", endpoint = "team/set_role")]
pub async fn set_member_role(user_id: String, role: String) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamManageRoles)?;
    crate::server::team::set_role(&ctx, &user_id, &role).await
}

/// `effect` is `grant`, `deny` or `clear` (back to what the role gives).
#[server(prefix = "/api", endpoint = "team/set_permission")]
pub async fn set_member_permission(user_id: String, permission: String, effect: String) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamManageRoles)?;
    crate::server::team::set_permission(&ctx, &user_id, &permission, &effect).await
}

#[server(prefix = "/api", endpoint = "team/create_role")]
pub async fn create_role(name: String, #[server(default)] permissions: Vec<String>) -> AppResult<CustomRole> {
    let ctx = crate::server::authorize(Permission::TeamManageRoles)?;
    crate::server::team::create_role(&ctx, &name, &permissions).await
}

#[server(prefix = "/api", endpoint = "team/update_role")]
pub async fn update_role(role_id: String, name: String, #[server(default)] permissions: Vec<String>) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamManageRoles)?;
    crate::server::team::update_role(&ctx, &role_id, &name, &permissions).await
}

#[server(prefix = "/api", endpoint = "team/delete_role")]
pub async fn delete_role(role_id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(Permission::TeamManageRoles)?;
    crate::server::team::delete_role(&ctx, &role_id).await
}

/// Public: anyone with the link may see which business and role it offers.
#[server(prefix = "/api", endpoint = "team/invitation")]
pub async fn get_invitation(token: String) -> AppResult<InvitationPreview> {
    crate::server::team::preview(&token).await
}

/// Joins the business the invitation is for; needs a signed-in account with the invited e-mail.
#[server(prefix = "/api", endpoint = "team/accept")]
pub async fn accept_invitation(token: String) -> AppResult<()> {
    let ctx = crate::server::ctx()?;
    crate::server::team::accept(&ctx, &token).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_choices_round_trip_and_reject_junk() {
        let id = Uuid::now_v7();
        for choice in [RoleChoice::Predefined(Role::Contractor), RoleChoice::Custom(id)] {
            assert_eq!(RoleChoice::parse(&choice.value()), Some(choice));
        }
        for junk in ["", "custom", "custom:xyz", "superuser", "CUSTOM:"] {
            assert_eq!(RoleChoice::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn checkbox_lists_arrive_as_permission_lists_however_the_browser_encodes_them() {
        // What a browser posts for ticked boxes named `permissions[<n>]` (brackets percent-encoded,
        // gaps where boxes were left unticked), parsed the way server functions parse forms.
        let config = serde_qs::Config::new(5, false);
        let form = "role_id=x&name=Designer&permissions%5B3%5D=clients.view&permissions%5B17%5D=team.view";
        let parsed: UpdateRole = config.deserialize_str(form).expect("parses");
        assert_eq!(parsed.permissions, ["clients.view", "team.view"]);
        let none: UpdateRole = config.deserialize_str("role_id=x&name=Designer").expect("parses");
        assert!(none.permissions.is_empty(), "no boxes ticked");
    }

    #[test]
    fn invitations_read_naturally() {
        let preview = InvitationPreview {
            business_name: "Studio Demo".into(),
            role_label: "Contractor".into(),
            email: "x@y.z".into(),
            status: InvitationStatus::Pending,
        };
        assert_eq!(preview.headline(), "Join Studio Demo as a contractor");
        assert_eq!(role_phrase("Admin"), "an admin");
        assert_eq!(role_phrase("Accountant"), "an accountant");
        assert_eq!(role_phrase("Designer"), "Designer", "custom roles keep their name");
    }
}
