//! Team: members, roles (predefined and custom), per-member permission overrides, invitations.

pub mod rules;

use crate::business::Role;
use crate::error::AppResult;
use crate::ids::{CustomRoleId, InvitationId, UserId};
use crate::permissions::{Permission, PermissionSet};
use crate::validation::{self, FieldErrors};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A per-member override: grant a permission the role lacks, or deny one it has.
    pub enum Effect {
        Grant = "grant",
        Deny = "deny",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub permission: Permission,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRoleRef {
    pub id: CustomRoleId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: UserId,
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
    pub id: InvitationId,
    pub email: String,
    pub role_label: String,
    pub expires_at: DateTime<Utc>,
    /// The absolute link to share. A link is a bearer credential: only members who hold every
    /// permission the invited role carries (who could have created it) see it.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRole {
    pub id: CustomRoleId,
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
    /// One line on what the role may do.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOverview {
    pub you: UserId,
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
    Custom(CustomRoleId),
}

impl RoleChoice {
    pub fn parse(value: &str) -> Option<RoleChoice> {
        let value = value.trim();
        if let Some(id) = value.strip_prefix("custom:") {
            return id.parse::<CustomRoleId>().ok().map(RoleChoice::Custom);
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

/// An invitation form, validated: an e-mail address and a role.
pub fn invitation_input(email: &str, role: &str) -> Result<(String, RoleChoice), FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", validation::email(email));
    let role = errors.check("role", RoleChoice::parse(role).ok_or_else(|| "Choose a role.".to_owned()));
    match (email, role) {
        (Some(email), Some(role)) => Ok((email, role)),
        _ => Err(errors),
    }
}

/// `effect` as posted: `grant`, `deny` or `clear` (back to what the role gives).
pub fn override_input(permission: &str, effect: &str) -> Result<(Permission, Option<Effect>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let permission = errors
        .check("permission", Permission::from_key(permission.trim()).ok_or_else(|| "Choose a permission.".to_owned()));
    let effect = errors.check(
        "effect",
        match effect.trim() {
            "grant" => Ok(Some(Effect::Grant)),
            "deny" => Ok(Some(Effect::Deny)),
            "clear" => Ok(None),
            _ => Err("Choose grant, deny or clear.".to_owned()),
        },
    );
    match (permission, effect) {
        (Some(permission), Some(effect)) => Ok((permission, effect)),
        _ => Err(errors),
    }
}

#[server(prefix = "/api", endpoint = "team/get")]
pub async fn get_team() -> AppResult<TeamOverview> {
    crate::server::team::overview(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "team/invite")]
pub async fn invite_member(email: String, role: String) -> AppResult<PendingInvitation> {
    let (email, role) = invitation_input(&email, &role)?;
    crate::server::team::invite(&crate::server::business()?, email, role).await
}

#[server(prefix = "/api", endpoint = "team/revoke_invitation")]
pub async fn revoke_invitation(invitation_id: InvitationId) -> AppResult<()> {
    crate::server::team::revoke(&crate::server::business()?, invitation_id).await
}

/// A new link for a pending invitation; the old one stops working.
#[server(prefix = "/api", endpoint = "team/regenerate_invitation")]
pub async fn regenerate_invitation(invitation_id: InvitationId) -> AppResult<PendingInvitation> {
    crate::server::team::regenerate(&crate::server::business()?, invitation_id).await
}

#[server(prefix = "/api", endpoint = "team/remove_member")]
pub async fn remove_member(user_id: UserId) -> AppResult<()> {
    crate::server::team::remove_member(&crate::server::business()?, user_id).await
}

#[server(prefix = "/api", endpoint = "team/set_role")]
pub async fn set_member_role(user_id: UserId, role: String) -> AppResult<()> {
    let role = RoleChoice::parse(&role).ok_or_else(|| crate::error::AppError::field("role", "Choose a role."))?;
    crate::server::team::set_role(&crate::server::business()?, user_id, role).await
}

/// `effect` is `grant`, `deny` or `clear` (back to what the role gives).
#[server(prefix = "/api", endpoint = "team/set_permission")]
pub async fn set_member_permission(user_id: UserId, permission: String, effect: String) -> AppResult<()> {
    let (permission, effect) = override_input(&permission, &effect)?;
    crate::server::team::set_permission(&crate::server::business()?, user_id, permission, effect).await
}

#[server(prefix = "/api", endpoint = "team/create_role")]
pub async fn create_role(name: String, #[server(default)] permissions: Vec<String>) -> AppResult<CustomRole> {
    crate::server::team::create_role(&crate::server::business()?, &name, &permissions).await
}

#[server(prefix = "/api", endpoint = "team/update_role")]
pub async fn update_role(
    role_id: CustomRoleId,
    name: String,
    #[server(default)] permissions: Vec<String>,
) -> AppResult<()> {
    crate::server::team::update_role(&crate::server::business()?, role_id, &name, &permissions).await
}

#[server(prefix = "/api", endpoint = "team/delete_role")]
pub async fn delete_role(role_id: CustomRoleId) -> AppResult<()> {
    crate::server::team::delete_role(&crate::server::business()?, role_id).await
}

/// Public: anyone with the link may see which business and role it offers.
#[server(prefix = "/api", endpoint = "team/invitation")]
pub async fn get_invitation(token: String) -> AppResult<InvitationPreview> {
    crate::server::team::invitations::preview(&crate::server::state()?, &token).await
}

/// Joins the business the invitation is for; needs a signed-in account with the invited e-mail.
#[server(prefix = "/api", endpoint = "team/accept")]
pub async fn accept_invitation(token: String) -> AppResult<()> {
    let ctx = crate::server::account()?;
    crate::server::team::invitations::accept(&crate::server::state()?, &ctx, &token).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_choices_round_trip_and_reject_junk() {
        let id = CustomRoleId::generate();
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
        let form = "role_id=01930000-0000-7000-8000-000000000001&name=Designer\
                    &permissions%5B3%5D=clients.view&permissions%5B17%5D=team.view";
        let parsed: UpdateRole = config.deserialize_str(form).expect("parses");
        assert_eq!(parsed.permissions, ["clients.view", "team.view"]);
        let none: UpdateRole =
            config.deserialize_str("role_id=01930000-0000-7000-8000-000000000001&name=Designer").expect("parses");
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
