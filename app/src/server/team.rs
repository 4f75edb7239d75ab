//! Team rules and operations. The guards are pure functions of who acts on whom (unit-tested
//! below); the operations run them inside a transaction that locks the business row, so two
//! owners demoting each other at once cannot leave the business without an owner.

use crate::business::Role;
use crate::error::{AppError, AppResult};
use crate::permissions::{assignable_roles, role_bundle, Permission, PermissionSet};
use crate::server::db::team as db;
use crate::server::{absolute_url, AuthSettings, BusinessCtx, Ctx};
use crate::team::{
    role_label, CustomRole, Effect, InvitationPreview, InvitationStatus, PendingInvitation, RoleChoice, RoleOption,
    TeamOverview, ROLE_NAME_MAX_CHARS,
};
use crate::validation::{self, FieldErrors};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

pub const LAST_OWNER: &str = "A business needs at least one owner. Make someone else an owner first.";

/// Who is acting: their account, role and effective permissions in the business.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
    pub permissions: PermissionSet,
}

impl Actor {
    pub fn of(ctx: &BusinessCtx) -> Self {
        Actor { user_id: ctx.user.id, role: ctx.business.role, permissions: ctx.permissions }
    }
}

fn not_allowed(message: &str) -> AppError {
    AppError::NotAllowed(message.to_owned())
}

/// Changing `target`'s role (currently `target_role`) to `new_role` carrying `new_permissions`.
pub fn check_role_change(
    actor: Actor,
    target: Uuid,
    target_role: Role,
    new_role: Role,
    new_permissions: PermissionSet,
    owners: i64,
) -> AppResult<()> {
    // First, so a sole owner trying to step down learns what would let them.
    if target_role == Role::Owner && new_role != Role::Owner && owners <= 1 {
        return Err(not_allowed(LAST_OWNER));
    }
    if actor.user_id == target {
        return Err(not_allowed("You can't change your own role."));
    }
    if target_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can change an owner's role."));
    }
    if new_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can make someone an owner."));
    }
    if !new_permissions.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only give a role whose permissions you have yourself."));
    }
    Ok(())
}

/// Setting (`Some`) or clearing (`None`) an override of `permission` for `target`.
pub fn check_override(
    actor: Actor,
    target: Uuid,
    target_role: Role,
    permission: Permission,
    effect: Option<Effect>,
) -> AppResult<()> {
    if actor.user_id == target {
        return Err(not_allowed("You can't change your own permissions."));
    }
    if target_role == Role::Owner {
        return Err(not_allowed("Owners always have every permission; overrides don't apply to them."));
    }
    if effect == Some(Effect::Grant) && !actor.permissions.contains(permission) {
        return Err(not_allowed("You can only grant permissions you have yourself."));
    }
    Ok(())
}

/// Removing `target` from the team.
pub fn check_removal(actor: Actor, target: Uuid, target_role: Role, owners: i64) -> AppResult<()> {
    if target_role == Role::Owner && owners <= 1 {
        return Err(not_allowed(LAST_OWNER));
    }
    if actor.user_id == target {
        return Err(not_allowed("You can't remove yourself from the team."));
    }
    if target_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can remove an owner."));
    }
    Ok(())
}

/// Inviting someone to `role` carrying `permissions`.
pub fn check_invite(actor: Actor, role: Role, permissions: PermissionSet) -> AppResult<()> {
    if role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can invite an owner."));
    }
    if !permissions.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only invite people to a role whose permissions you have yourself."));
    }
    Ok(())
}

/// A custom role's permissions from form values: every key must exist, and the actor must hold each.
pub fn role_permissions(actor: Actor, keys: &[String]) -> AppResult<PermissionSet> {
    let mut set = PermissionSet::EMPTY;
    for key in keys.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        let permission = Permission::from_key(key)
            .ok_or_else(|| AppError::field("permissions", format!("Unknown permission: {key}")))?;
        set = set.with(permission);
    }
    if !set.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only include permissions you have yourself."));
    }
    Ok(set)
}

pub fn role_name(name: &str) -> AppResult<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        Err(AppError::field("name", "Enter a name for the role."))
    } else if trimmed.chars().count() > ROLE_NAME_MAX_CHARS {
        Err(AppError::field("name", format!("Keep role names to {ROLE_NAME_MAX_CHARS} characters or fewer.")))
    } else {
        Ok(trimmed.to_owned())
    }
}

fn parse_id(value: &str) -> AppResult<Uuid> {
    Uuid::parse_str(value.trim()).map_err(|_| AppError::NotFound)
}

/// A role choice with what it stands for: the stored role, the custom role id, its permissions.
async fn resolve_choice(ctx: &BusinessCtx, value: &str) -> AppResult<(Role, Option<Uuid>, PermissionSet)> {
    match RoleChoice::parse(value) {
        Some(RoleChoice::Predefined(role)) => Ok((role, None, role_bundle(role))),
        Some(RoleChoice::Custom(id)) => {
            let custom = db::custom_role(&ctx.pool, ctx.business.id, id).await?.ok_or(AppError::NotFound)?;
            Ok((Role::Custom, Some(custom.id), custom.permissions))
        }
        None => Err(AppError::field("role", "Choose a role.")),
    }
}

// ── Invitation links ────────────────────────────────────────────────────────────────────────────

fn invitation_mac(auth: &AuthSettings, id: Uuid) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(auth.secret_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(b"clerq-invitation:");
    mac.update(id.as_bytes());
    mac
}

/// The token in `/invite/<token>`: the id (22 characters) then its HMAC (43), both base64url.
pub fn invitation_token(auth: &AuthSettings, id: Uuid) -> String {
    let signature = invitation_mac(auth, id).finalize().into_bytes();
    format!("{}{}", URL_SAFE_NO_PAD.encode(id.as_bytes()), URL_SAFE_NO_PAD.encode(signature))
}

/// The invitation id inside a token, if the token is genuine.
pub fn invitation_id(auth: &AuthSettings, token: &str) -> Option<Uuid> {
    let token = token.trim();
    if token.len() != 65 || !token.is_char_boundary(22) {
        return None;
    }
    let (id, signature) = token.split_at(22);
    let id = Uuid::from_slice(&URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    invitation_mac(auth, id).verify_slice(&signature).ok()?;
    Some(id)
}

fn invitation_link(auth: &AuthSettings, id: Uuid) -> AppResult<String> {
    absolute_url(auth, &format!("/invite/{}", invitation_token(auth, id)))
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

pub async fn overview(ctx: &BusinessCtx) -> AppResult<TeamOverview> {
    let members = db::members(&ctx.pool, ctx.business.id).await?;
    let custom_roles = db::custom_roles(&ctx.pool, ctx.business.id).await?;
    let invitations = if ctx.can(Permission::TeamInvite) {
        db::pending_invitations(&ctx.pool, ctx.business.id)
            .await?
            .into_iter()
            .map(|i| {
                Ok(PendingInvitation {
                    id: i.id,
                    email: i.email,
                    role_label: role_label(i.role, i.custom_role_name.as_deref()),
                    expires_at: i.expires_at,
                    link: invitation_link(&ctx.auth, i.id)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let assignable = assignable_roles(ctx.business.role)
        .into_iter()
        .map(|r| RoleOption { value: RoleChoice::Predefined(r).value(), label: r.label().to_owned() })
        .chain(
            custom_roles.iter().map(|r| RoleOption { value: RoleChoice::Custom(r.id).value(), label: r.name.clone() }),
        )
        .collect();
    Ok(TeamOverview {
        you: ctx.user.id,
        your_permissions: ctx.permissions,
        members,
        invitations,
        custom_roles,
        assignable,
    })
}

pub async fn invite(ctx: &BusinessCtx, email: &str, role: &str) -> AppResult<PendingInvitation> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", validation::email(email));
    let choice = match RoleChoice::parse(role) {
        Some(choice) => Some(choice),
        None => {
            errors.add("role", "Choose a role.");
            None
        }
    };
    let (Some(email), Some(_)) = (email, choice) else { return Err(errors.into()) };
    let (role, custom_role_id, permissions) = resolve_choice(ctx, role).await?;
    check_invite(Actor::of(ctx), role, permissions)?;
    let mut tx = ctx.pool.begin().await?;
    let (id, expires_at) =
        db::create_invitation(&mut tx, ctx.business.id, ctx.user.id, &email, role, custom_role_id).await?;
    tx.commit().await?;
    let custom_name = match custom_role_id {
        Some(id) => db::custom_role(&ctx.pool, ctx.business.id, id).await?.map(|r| r.name),
        None => None,
    };
    Ok(PendingInvitation {
        id,
        email,
        role_label: role_label(role, custom_name.as_deref()),
        expires_at,
        link: invitation_link(&ctx.auth, id)?,
    })
}

pub async fn revoke(ctx: &BusinessCtx, invitation_id: &str) -> AppResult<()> {
    db::revoke_invitation(&ctx.pool, ctx.business.id, parse_id(invitation_id)?).await
}

pub async fn remove_member(ctx: &BusinessCtx, user_id: &str) -> AppResult<()> {
    let target = parse_id(user_id)?;
    let mut tx = ctx.pool.begin().await?;
    db::lock_business(&mut tx, ctx.business.id).await?;
    let target_role = db::member_role(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    let owners = db::owner_count(&mut *tx, ctx.business.id).await?;
    check_removal(Actor::of(ctx), target, target_role, owners)?;
    db::remove_member(&mut *tx, ctx.business.id, target).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_role(ctx: &BusinessCtx, user_id: &str, role: &str) -> AppResult<()> {
    let target = parse_id(user_id)?;
    let (new_role, custom_role_id, permissions) = resolve_choice(ctx, role).await?;
    let mut tx = ctx.pool.begin().await?;
    db::lock_business(&mut tx, ctx.business.id).await?;
    let target_role = db::member_role(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    let owners = db::owner_count(&mut *tx, ctx.business.id).await?;
    check_role_change(Actor::of(ctx), target, target_role, new_role, permissions, owners)?;
    db::set_role(&mut *tx, ctx.business.id, target, new_role, custom_role_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_permission(ctx: &BusinessCtx, user_id: &str, permission: &str, effect: &str) -> AppResult<()> {
    let target = parse_id(user_id)?;
    let permission =
        Permission::from_key(permission.trim()).ok_or_else(|| AppError::field("permission", "Choose a permission."))?;
    let effect = match effect.trim() {
        "grant" => Some(Effect::Grant),
        "deny" => Some(Effect::Deny),
        "clear" => None,
        _ => return Err(AppError::field("effect", "Choose grant, deny or clear.")),
    };
    let target_role = db::member_role(&ctx.pool, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    check_override(Actor::of(ctx), target, target_role, permission, effect)?;
    db::set_override(&ctx.pool, ctx.business.id, target, permission, effect).await
}

pub async fn create_role(ctx: &BusinessCtx, name: &str, permissions: &[String]) -> AppResult<CustomRole> {
    let name = role_name(name)?;
    let permissions = role_permissions(Actor::of(ctx), permissions)?;
    db::create_custom_role(&ctx.pool, ctx.business.id, &name, permissions).await
}

pub async fn update_role(ctx: &BusinessCtx, role_id: &str, name: &str, permissions: &[String]) -> AppResult<()> {
    let id = parse_id(role_id)?;
    let name = role_name(name)?;
    let permissions = role_permissions(Actor::of(ctx), permissions)?;
    db::update_custom_role(&ctx.pool, ctx.business.id, id, &name, permissions).await
}

pub async fn delete_role(ctx: &BusinessCtx, role_id: &str) -> AppResult<()> {
    let id = parse_id(role_id)?;
    let mut tx = ctx.pool.begin().await?;
    db::delete_custom_role(&mut tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}

fn status_of(row: &db::InvitationRow) -> InvitationStatus {
    match row.status.as_str() {
        "accepted" => InvitationStatus::Accepted,
        "revoked" => InvitationStatus::Revoked,
        "pending" if row.expires_at > Utc::now() => InvitationStatus::Pending,
        _ => InvitationStatus::Expired,
    }
}

async fn load_invitation(token: &str) -> AppResult<(crate::server::AppState, db::InvitationRow)> {
    let state = crate::server::state()?;
    let id = invitation_id(&state.auth, token).ok_or(AppError::NotFound)?;
    let row = db::invitation(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    Ok((state, row))
}

pub async fn preview(token: &str) -> AppResult<InvitationPreview> {
    let (_, row) = load_invitation(token).await?;
    Ok(InvitationPreview {
        business_name: row.business_name.clone(),
        role_label: role_label(row.role, row.custom_role_name.as_deref()),
        email: row.email.clone(),
        status: status_of(&row),
    })
}

pub async fn accept(ctx: &Ctx, token: &str) -> AppResult<()> {
    let (_, row) = load_invitation(token).await?;
    match status_of(&row) {
        InvitationStatus::Pending => {}
        InvitationStatus::Accepted => return Err(not_allowed("This invitation has already been used.")),
        InvitationStatus::Revoked => return Err(not_allowed("This invitation was revoked. Ask for a new one.")),
        InvitationStatus::Expired => return Err(not_allowed("This invitation has expired. Ask for a new one.")),
    }
    let user = &ctx.principal.user;
    if !user.email.eq_ignore_ascii_case(&row.email) {
        return Err(AppError::NotAllowed(format!(
            "This invitation is for {}. Sign in with that address to accept it.",
            row.email
        )));
    }
    let mut tx = ctx.pool.begin().await?;
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

    fn actor(role: Role) -> Actor {
        Actor { user_id: Uuid::now_v7(), role, permissions: role_bundle(role) }
    }

    fn rule(result: AppResult<()>) -> String {
        match result {
            Err(AppError::NotAllowed(message)) => message,
            other => panic!("expected a rule violation, got {other:?}"),
        }
    }

    #[test]
    fn nobody_changes_their_own_role_or_permissions() {
        let owner = actor(Role::Owner);
        let all = PermissionSet::all();
        assert_eq!(
            rule(check_role_change(owner, owner.user_id, Role::Owner, Role::Admin, all, 3)),
            "You can't change your own role."
        );
        assert_eq!(
            rule(check_role_change(owner, owner.user_id, Role::Owner, Role::Admin, all, 1)),
            LAST_OWNER,
            "a sole owner stepping down hears what would let them"
        );
        assert_eq!(
            rule(check_override(owner, owner.user_id, Role::Owner, Permission::ClientsView, None)),
            "You can't change your own permissions."
        );
    }

    #[test]
    fn only_owners_touch_the_owner_role() {
        let admin = actor(Role::Admin);
        let all = PermissionSet::all();
        let someone = Uuid::now_v7();
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Member, Role::Owner, all, 1)),
            "Only an owner can make someone an owner."
        );
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Owner, Role::Member, role_bundle(Role::Member), 2)),
            "Only an owner can change an owner's role."
        );
        assert_eq!(rule(check_removal(admin, someone, Role::Owner, 2)), "Only an owner can remove an owner.");
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Owner, Role::Member, role_bundle(Role::Member), 1)),
            LAST_OWNER
        );
        assert_eq!(rule(check_invite(admin, Role::Owner, all)), "Only an owner can invite an owner.");
        let owner = actor(Role::Owner);
        assert!(check_role_change(owner, someone, Role::Member, Role::Owner, all, 1).is_ok());
        assert!(check_role_change(owner, someone, Role::Owner, Role::Admin, all, 2).is_ok());
    }

    #[test]
    fn the_last_owner_can_be_neither_demoted_nor_removed() {
        let owner = actor(Role::Owner);
        let other_owner = Uuid::now_v7();
        assert_eq!(
            rule(check_role_change(owner, other_owner, Role::Owner, Role::Admin, PermissionSet::all(), 1)),
            LAST_OWNER
        );
        assert_eq!(rule(check_removal(owner, other_owner, Role::Owner, 1)), LAST_OWNER);
        assert!(check_removal(owner, other_owner, Role::Owner, 2).is_ok());
    }

    #[test]
    fn grants_are_limited_to_what_the_actor_holds_but_denies_are_not() {
        let manager = Actor { user_id: Uuid::now_v7(), role: Role::Manager, permissions: role_bundle(Role::Manager) };
        let member = Uuid::now_v7();
        assert_eq!(
            rule(check_override(manager, member, Role::Member, Permission::SettingsEdit, Some(Effect::Grant))),
            "You can only grant permissions you have yourself."
        );
        assert!(check_override(manager, member, Role::Member, Permission::SettingsEdit, Some(Effect::Deny)).is_ok());
        assert!(check_override(manager, member, Role::Member, Permission::SettingsEdit, None).is_ok());
        assert!(check_override(manager, member, Role::Member, Permission::ClientsView, Some(Effect::Grant)).is_ok());
    }

    #[test]
    fn owners_cannot_be_overridden() {
        let owner = actor(Role::Owner);
        assert!(
            check_override(owner, Uuid::now_v7(), Role::Owner, Permission::ClientsView, Some(Effect::Deny)).is_err()
        );
    }

    #[test]
    fn roles_and_invitations_cannot_carry_more_than_the_actor_holds() {
        let narrow = Actor {
            user_id: Uuid::now_v7(),
            role: Role::Custom,
            permissions: [Permission::TeamManageRoles, Permission::TeamInvite, Permission::ClientsView]
                .into_iter()
                .collect(),
        };
        assert!(role_permissions(narrow, &["clients.view".into()]).is_ok());
        assert_eq!(
            rule(role_permissions(narrow, &["clients.view".into(), "clients.edit".into()]).map(|_| ())),
            "You can only include permissions you have yourself."
        );
        assert_eq!(
            role_permissions(narrow, &["clients.fly".into()]).map(|_| ()),
            Err(AppError::field("permissions", "Unknown permission: clients.fly"))
        );
        assert!(check_invite(narrow, Role::Member, role_bundle(Role::Member)).is_err());
        assert!(check_role_change(narrow, Uuid::now_v7(), Role::Viewer, Role::Member, role_bundle(Role::Member), 1)
            .is_err());
    }

    #[test]
    fn nobody_removes_themselves() {
        let owner = actor(Role::Owner);
        assert_eq!(
            rule(check_removal(owner, owner.user_id, Role::Owner, 2)),
            "You can't remove yourself from the team."
        );
        assert_eq!(rule(check_removal(owner, owner.user_id, Role::Owner, 1)), LAST_OWNER);
    }

    #[test]
    fn role_names_are_trimmed_and_at_most_60_characters() {
        assert_eq!(role_name("  Designer ").as_deref(), Ok("Designer"));
        assert!(role_name("   ").is_err());
        assert!(role_name(&"x".repeat(60)).is_ok());
        assert!(role_name(&"x".repeat(61)).is_err());
    }

    #[test]
    fn invitation_tokens_verify_only_with_their_secret() {
        let auth = AuthSettings::new("one".to_owned().into(), None, false);
        let other = AuthSettings::new("two".to_owned().into(), None, false);
        let id = Uuid::now_v7();
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
