//! Team operations: the overview, invitations, roles, overrides and removals. Each checks its
//! permission, then the rules of `crate::team::rules` inside a transaction.

pub mod invitations;

use crate::business::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{CustomRoleId, InvitationId, UserId};
use crate::permissions::{assignable_roles, role_bundle, Permission, PermissionSet};
use crate::server::db::team as db;
use crate::server::BusinessCtx;
use crate::team::rules::{
    check_invite, check_override, check_removal, check_role_change, role_name, role_permissions, Actor,
};
use crate::team::{role_label, CustomRole, Effect, PendingInvitation, RoleChoice, RoleOption, TeamOverview};
use invitations::invitation_link;

fn actor(ctx: &BusinessCtx) -> Actor {
    Actor { user_id: ctx.user.id, role: ctx.business.role, permissions: ctx.permissions }
}

/// A role choice with what it stands for: the stored role, the custom role id, its permissions.
async fn resolve_choice(
    ctx: &BusinessCtx,
    choice: RoleChoice,
) -> AppResult<(Role, Option<CustomRoleId>, PermissionSet)> {
    match choice {
        RoleChoice::Predefined(role) => Ok((role, None, role_bundle(role))),
        RoleChoice::Custom(id) => {
            let custom = db::custom_role(&ctx.pool, ctx.business.id, id).await?.ok_or(AppError::NotFound)?;
            Ok((Role::Custom, Some(custom.id), custom.permissions))
        }
    }
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

pub async fn overview(ctx: &BusinessCtx) -> AppResult<TeamOverview> {
    ctx.require(Permission::TeamView)?;
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
                    link: invitation_link(&ctx.auth, &ctx.origin, i.id),
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

pub async fn invite(ctx: &BusinessCtx, email: String, role: RoleChoice) -> AppResult<PendingInvitation> {
    ctx.require(Permission::TeamInvite)?;
    let (role, custom_role_id, permissions) = resolve_choice(ctx, role).await?;
    check_invite(actor(ctx), role, permissions)?;
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
        link: invitation_link(&ctx.auth, &ctx.origin, id),
    })
}

pub async fn revoke(ctx: &BusinessCtx, id: InvitationId) -> AppResult<()> {
    ctx.require(Permission::TeamInvite)?;
    db::revoke_invitation(&ctx.pool, ctx.business.id, id).await
}

pub async fn remove_member(ctx: &BusinessCtx, target: UserId) -> AppResult<()> {
    ctx.require(Permission::TeamRemoveMember)?;
    let mut tx = ctx.pool.begin().await?;
    db::lock_business(&mut tx, ctx.business.id).await?;
    let target_role = db::member_role(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    let owners = db::owner_count(&mut *tx, ctx.business.id).await?;
    check_removal(actor(ctx), target, target_role, owners)?;
    db::remove_member(&mut *tx, ctx.business.id, target).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_role(ctx: &BusinessCtx, target: UserId, role: RoleChoice) -> AppResult<()> {
    ctx.require(Permission::TeamManageRoles)?;
    let (new_role, custom_role_id, permissions) = resolve_choice(ctx, role).await?;
    let mut tx = ctx.pool.begin().await?;
    db::lock_business(&mut tx, ctx.business.id).await?;
    let target_role = db::member_role(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    let owners = db::owner_count(&mut *tx, ctx.business.id).await?;
    check_role_change(actor(ctx), target, target_role, new_role, permissions, owners)?;
    db::set_role(&mut *tx, ctx.business.id, target, new_role, custom_role_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_permission(
    ctx: &BusinessCtx,
    target: UserId,
    permission: Permission,
    effect: Option<Effect>,
) -> AppResult<()> {
    ctx.require(Permission::TeamManageRoles)?;
    let target_role = db::member_role(&ctx.pool, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    check_override(actor(ctx), target, target_role, permission, effect)?;
    db::set_override(&ctx.pool, ctx.business.id, target, permission, effect).await
}

pub async fn create_role(ctx: &BusinessCtx, name: &str, permissions: &[String]) -> AppResult<CustomRole> {
    ctx.require(Permission::TeamManageRoles)?;
    let name = role_name(name)?;
    let permissions = role_permissions(actor(ctx), permissions)?;
    db::create_custom_role(&ctx.pool, ctx.business.id, &name, permissions).await
}

pub async fn update_role(ctx: &BusinessCtx, id: CustomRoleId, name: &str, permissions: &[String]) -> AppResult<()> {
    ctx.require(Permission::TeamManageRoles)?;
    let name = role_name(name)?;
    let permissions = role_permissions(actor(ctx), permissions)?;
    db::update_custom_role(&ctx.pool, ctx.business.id, id, &name, permissions).await
}

pub async fn delete_role(ctx: &BusinessCtx, id: CustomRoleId) -> AppResult<()> {
    ctx.require(Permission::TeamManageRoles)?;
    let mut tx = ctx.pool.begin().await?;
    db::delete_custom_role(&mut tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}
