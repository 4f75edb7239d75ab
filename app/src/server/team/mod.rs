//! Team operations: the overview, invitations, roles, overrides and removals. Each checks its
//! permission, then the rules of `crate::team::rules` inside a transaction.

pub mod invitations;

use crate::business::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{CustomRoleId, InvitationId, UserId};
use crate::permissions::{assignable_roles, role_bundle, Permission, PermissionSet};
use crate::server::db::access;
use crate::server::db::team as db;
use crate::server::BusinessCtx;
use crate::team::rules::{
    check_invite, check_override, check_rank, check_removal, check_role_change, edited_role_permissions,
    may_share_invitation, role_name, role_permissions, Actor,
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

/// "Custom role: View clients, View projects" (the first few), for the invite form.
fn custom_role_description(permissions: PermissionSet) -> String {
    const SHOWN: usize = 4;
    let labels: Vec<&str> = permissions.iter().take(SHOWN).map(Permission::label).collect();
    match permissions.len() {
        0 => "Custom role with no permissions.".to_owned(),
        n if n <= SHOWN => format!("Custom role: {}.", labels.join(", ")),
        n => format!("Custom role: {} and {} more.", labels.join(", "), n - SHOWN),
    }
}

pub async fn overview(ctx: &BusinessCtx) -> AppResult<TeamOverview> {
    ctx.require(Permission::TeamView)?;
    let pending = async {
        if ctx.can(Permission::TeamInvite) {
            db::pending_invitations(&ctx.pool, ctx.business.id).await
        } else {
            Ok(Vec::new())
        }
    };
    // Two statements side by side, on two connections.
    let ((members, custom_roles), pending) =
        tokio::try_join!(db::members_and_roles(&ctx.pool, ctx.business.id), pending)?;
    let invitations = pending
        .into_iter()
        .map(|i| PendingInvitation {
            id: i.id,
            email: i.email,
            role_label: role_label(i.role, i.custom_role_name.as_deref()),
            expires_at: i.expires_at,
            link: may_share_invitation(actor(ctx), i.permissions)
                .then(|| invitation_link(&ctx.auth, &ctx.origin, i.id)),
        })
        .collect();
    // Only roles the caller may give: never more than they hold themselves.
    let assignable = assignable_roles(ctx.business.role)
        .into_iter()
        .filter(|r| role_bundle(*r).is_subset_of(ctx.permissions))
        .map(|r| RoleOption {
            value: RoleChoice::Predefined(r).value(),
            label: r.label().to_owned(),
            description: r.description().to_owned(),
        })
        .chain(custom_roles.iter().filter(|r| r.permissions.is_subset_of(ctx.permissions)).map(|r| RoleOption {
            value: RoleChoice::Custom(r.id).value(),
            label: r.name.clone(),
            description: custom_role_description(r.permissions),
        }))
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
        link: Some(invitation_link(&ctx.auth, &ctx.origin, id)),
    })
}

/// A new link for a pending invitation, for someone who could have created it: the old link
/// stops working at once (its invitation is revoked and a fresh one takes its place).
pub async fn regenerate(ctx: &BusinessCtx, id: InvitationId) -> AppResult<PendingInvitation> {
    ctx.require(Permission::TeamInvite)?;
    let pending = db::pending_invitations(&ctx.pool, ctx.business.id).await?;
    let old = pending.into_iter().find(|i| i.id == id).ok_or(AppError::NotFound)?;
    if !may_share_invitation(actor(ctx), old.permissions) {
        return Err(AppError::NotAllowed(
            "Only someone who holds every permission of the invited role can renew its link.".into(),
        ));
    }
    let mut tx = ctx.pool.begin().await?;
    db::revoke_invitation(&mut *tx, ctx.business.id, id).await?;
    let (new_id, expires_at) =
        db::create_invitation(&mut tx, ctx.business.id, ctx.user.id, &old.email, old.role, old.custom_role_id).await?;
    tx.commit().await?;
    Ok(PendingInvitation {
        id: new_id,
        email: old.email,
        role_label: role_label(old.role, old.custom_role_name.as_deref()),
        expires_at,
        link: Some(invitation_link(&ctx.auth, &ctx.origin, new_id)),
    })
}

/// A member's invitations that carry more than they now hold stop working: accepting re-checks
/// the inviter anyway, this keeps the pending list honest.
async fn revoke_invitations_beyond(
    tx: &mut sqlx::PgConnection,
    ctx: &BusinessCtx,
    inviter: UserId,
    holds: PermissionSet,
) -> AppResult<()> {
    let stale: Vec<InvitationId> = db::pending_invitations(&mut *tx, ctx.business.id)
        .await?
        .into_iter()
        .filter(|i| i.invited_by == Some(inviter) && !i.permissions.is_subset_of(holds))
        .map(|i| i.id)
        .collect();
    db::revoke_invitations(&mut *tx, ctx.business.id, &stale).await
}

/// The target's current permissions, or `NotFound` when they are not on the team.
async fn target_permissions(
    tx: &mut sqlx::PgConnection,
    ctx: &BusinessCtx,
    target: UserId,
) -> AppResult<PermissionSet> {
    Ok(access::member(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?.permissions)
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
    check_rank(actor(ctx), target_permissions(&mut tx, ctx, target).await?)?;
    db::remove_member(&mut *tx, ctx.business.id, target).await?;
    revoke_invitations_beyond(&mut tx, ctx, target, PermissionSet::EMPTY).await?;
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
    check_rank(actor(ctx), target_permissions(&mut tx, ctx, target).await?)?;
    db::set_role(&mut *tx, ctx.business.id, target, new_role, custom_role_id).await?;
    let now_holds = target_permissions(&mut tx, ctx, target).await?;
    revoke_invitations_beyond(&mut tx, ctx, target, now_holds).await?;
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
    let mut tx = ctx.pool.begin().await?;
    db::lock_business(&mut tx, ctx.business.id).await?;
    let target_role = db::member_role(&mut *tx, ctx.business.id, target).await?.ok_or(AppError::NotFound)?;
    check_override(actor(ctx), target, target_role, permission, effect)?;
    check_rank(actor(ctx), target_permissions(&mut tx, ctx, target).await?)?;
    db::set_override(&mut *tx, ctx.business.id, target, permission, effect).await?;
    let now_holds = target_permissions(&mut tx, ctx, target).await?;
    revoke_invitations_beyond(&mut tx, ctx, target, now_holds).await?;
    tx.commit().await?;
    Ok(())
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
    let current = db::custom_role(&ctx.pool, ctx.business.id, id).await?.ok_or(AppError::NotFound)?;
    let permissions = edited_role_permissions(actor(ctx), current.permissions, permissions)?;
    db::update_custom_role(&ctx.pool, ctx.business.id, id, &name, permissions).await
}

pub async fn delete_role(ctx: &BusinessCtx, id: CustomRoleId) -> AppResult<()> {
    ctx.require(Permission::TeamManageRoles)?;
    let mut tx = ctx.pool.begin().await?;
    db::delete_custom_role(&mut tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::custom_role_description;
    use crate::permissions::{Permission, PermissionSet};

    #[test]
    fn a_custom_role_is_described_by_its_first_permissions() {
        assert_eq!(custom_role_description(PermissionSet::EMPTY), "Custom role with no permissions.");
        let two: PermissionSet = [Permission::ClientsView, Permission::ProjectsView].into_iter().collect();
        assert_eq!(custom_role_description(two), "Custom role: View clients, View projects.");
        let six: PermissionSet = [
            Permission::ClientsView,
            Permission::ClientsCreate,
            Permission::ProjectsView,
            Permission::TasksView,
            Permission::TimeLog,
            Permission::DashboardView,
        ]
        .into_iter()
        .collect();
        let described = custom_role_description(six);
        assert!(described.starts_with("Custom role: View clients, "), "{described}");
        assert!(described.ends_with(" and 2 more."), "{described}");
    }
}
