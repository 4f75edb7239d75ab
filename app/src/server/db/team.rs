//! Team SQL: memberships with their roles and overrides, custom roles, invitations. Everything is
//! scoped by `business_id`; lookups of another business's rows simply find nothing.

use crate::business::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, CustomRoleId, InvitationId, UserId};
use crate::permissions::from_keys as permission_set;
use crate::permissions::{effective, Permission, PermissionSet};
use crate::server::errors::{internal, ResultExt};
use crate::team::{CustomRole, CustomRoleRef, Effect, Override, TeamMember};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Serialises team changes within one business (last-owner checks must not race).
pub async fn lock_business(tx: &mut PgConnection, business_id: BusinessId) -> AppResult<()> {
    sqlx::query!("select id from businesses where id = $1 for update", business_id.0).fetch_one(tx).await?;
    Ok(())
}

/// The business's members and its custom roles, in one statement: the roles are one JSON array
/// computed once (an uncorrelated subquery) beside the members, since a business always has at
/// least its owner.
pub async fn members_and_roles(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
) -> AppResult<(Vec<TeamMember>, Vec<CustomRole>)> {
    let rows = sqlx::query!(
        r#"select (select coalesce(json_agg(json_build_object(
                              'id', r.id, 'name', r.name, 'permissions', r.permissions,
                              'in_use', (select count(*) from memberships rm where rm.business_id = r.business_id and rm.custom_role_id = r.id)
                                      + (select count(*) from invitations i
                                         where i.business_id = r.business_id and i.custom_role_id = r.id and i.status = 'pending'
                   and i.expires_at > now()))
                          order by lower(r.name), r.id), '[]')
                   from custom_roles r where r.business_id = $1) as "roles!",
                  m.user_id, a.name, a.email::text as "email!", m.role as "role: Role", m.custom_role_id,
                  cr.name as "custom_role_name?", cr.permissions as "custom_permissions?",
                  coalesce(array_agg(o.permission order by o.permission) filter (where o.permission is not null), '{}') as "override_permissions!",
                  coalesce(array_agg(o.effect order by o.permission) filter (where o.permission is not null), '{}') as "override_effects!"
           from memberships m
           join accounts a on a.id = m.user_id
           left join custom_roles cr on cr.business_id = m.business_id and cr.id = m.custom_role_id
           left join permission_overrides o on o.business_id = m.business_id and o.user_id = m.user_id
           where m.business_id = $1
           group by m.user_id, a.name, a.email, m.role, m.custom_role_id, cr.name, cr.permissions, m.created_at
           order by m.created_at, m.user_id"#,
        business_id.0
    )
    .fetch_all(db)
    .await?;
    let roles = match rows.first() {
        Some(r) => custom_roles_from(r.roles.clone())?,
        None => Vec::new(),
    };
    let members = rows
        .into_iter()
        .map(|r| {
            let role = r.role;
            let overrides: Vec<Override> = r
                .override_permissions
                .iter()
                .zip(&r.override_effects)
                .filter_map(|(permission, effect)| {
                    Some(Override { permission: Permission::from_key(permission)?, effect: Effect::parse(effect)? })
                })
                .collect();
            let set = |wanted: Effect| -> PermissionSet {
                overrides.iter().filter(|o| o.effect == wanted).map(|o| o.permission).collect()
            };
            let custom = permission_set(&r.custom_permissions.unwrap_or_default());
            let effective = effective(role, custom, set(Effect::Grant), set(Effect::Deny));
            let custom_role = match (r.custom_role_id, r.custom_role_name) {
                (Some(id), Some(name)) => Some(CustomRoleRef { id: id.into(), name }),
                _ => None,
            };
            Ok(TeamMember {
                user_id: r.user_id.into(),
                name: r.name,
                email: r.email,
                role,
                custom_role,
                overrides,
                effective,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((members, roles))
}

fn custom_roles_from(json: serde_json::Value) -> AppResult<Vec<CustomRole>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: Uuid,
        name: String,
        permissions: Vec<String>,
        in_use: i64,
    }
    let rows: Vec<Row> = serde_json::from_value(json).map_err(|e| internal("custom roles are malformed", e))?;
    Ok(rows
        .into_iter()
        .map(|r| CustomRole {
            id: r.id.into(),
            name: r.name,
            permissions: permission_set(&r.permissions),
            in_use: r.in_use,
        })
        .collect())
}

/// A member's role in the business, if they are a member.
pub async fn member_role(db: impl PgExecutor<'_>, business_id: BusinessId, user_id: UserId) -> AppResult<Option<Role>> {
    let role = sqlx::query_scalar!(
        r#"select role as "role: Role" from memberships where business_id = $1 and user_id = $2"#,
        business_id.0,
        user_id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(role)
}

pub async fn owner_count(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from memberships where business_id = $1 and role = 'owner'"#,
        business_id.0
    )
    .fetch_one(db)
    .await?)
}

pub async fn set_role(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    user_id: UserId,
    role: Role,
    custom_role_id: Option<CustomRoleId>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update memberships set role = $3, custom_role_id = $4 where business_id = $1 and user_id = $2",
        business_id.0,
        user_id.0,
        role as _,
        custom_role_id.map(|id| id.0)
    )
    .execute(db)
    .await
    .on_constraint("memberships_custom_role_fkey", |_| AppError::NotFound)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Sets (`Some`) or clears (`None`) one override.
pub async fn set_override(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    user_id: UserId,
    permission: Permission,
    effect: Option<Effect>,
) -> AppResult<()> {
    match effect {
        Some(effect) => {
            sqlx::query!(
                "insert into permission_overrides (business_id, user_id, permission, effect) values ($1, $2, $3, $4)
                 on conflict (business_id, user_id, permission) do update set effect = excluded.effect",
                business_id.0,
                user_id.0,
                permission.key(),
                effect as _
            )
            .execute(db)
            .await
            .on_constraint("permission_overrides_membership_fkey", |_| AppError::NotFound)?;
        }
        None => {
            sqlx::query!(
                "delete from permission_overrides where business_id = $1 and user_id = $2 and permission = $3",
                business_id.0,
                user_id.0,
                permission.key()
            )
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

pub async fn remove_member(db: impl PgExecutor<'_>, business_id: BusinessId, user_id: UserId) -> AppResult<()> {
    let deleted =
        sqlx::query!("delete from memberships where business_id = $1 and user_id = $2", business_id.0, user_id.0)
            .execute(db)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn custom_role(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    role_id: CustomRoleId,
) -> AppResult<Option<CustomRole>> {
    let row = sqlx::query!(
        r#"select r.id, r.name, r.permissions,
                  (select count(*) from memberships m where m.business_id = r.business_id and m.custom_role_id = r.id)
                + (select count(*) from invitations i
                   where i.business_id = r.business_id and i.custom_role_id = r.id and i.status = 'pending'
                   and i.expires_at > now()) as "in_use!"
           from custom_roles r where r.business_id = $1 and r.id = $2"#,
        business_id.0,
        role_id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CustomRole {
        id: r.id.into(),
        name: r.name,
        permissions: permission_set(&r.permissions),
        in_use: r.in_use,
    }))
}

fn duplicate_role_name() -> AppError {
    AppError::field("name", "A role with this name already exists.")
}

fn keys(permissions: PermissionSet) -> Vec<String> {
    permissions.iter().map(|p| p.key().to_owned()).collect()
}

pub async fn create_custom_role(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    name: &str,
    permissions: PermissionSet,
) -> AppResult<CustomRole> {
    let id = sqlx::query_scalar!(
        "insert into custom_roles (id, business_id, name, permissions) values ($1, $2, $3, $4) returning id",
        Uuid::now_v7(),
        business_id.0,
        name,
        &keys(permissions)
    )
    .fetch_one(db)
    .await
    .on_constraint("custom_roles_business_name_key", |_| duplicate_role_name())?;
    Ok(CustomRole { id: id.into(), name: name.to_owned(), permissions, in_use: 0 })
}

pub async fn update_custom_role(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    role_id: CustomRoleId,
    name: &str,
    permissions: PermissionSet,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update custom_roles set name = $3, permissions = $4 where business_id = $1 and id = $2",
        business_id.0,
        role_id.0,
        name,
        &keys(permissions)
    )
    .execute(db)
    .await
    .on_constraint("custom_roles_business_name_key", |_| duplicate_role_name())?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub const ROLE_IN_USE: &str =
    "This role is still in use. Give its members another role and revoke its pending invitations first.";

/// Deletes a custom role nobody holds. The foreign key from memberships is the final word even if
/// someone is given the role concurrently.
pub async fn delete_custom_role(
    tx: &mut PgConnection,
    business_id: BusinessId,
    role_id: CustomRoleId,
) -> AppResult<()> {
    // Invitations past their expiry are marked expired first: they cannot be accepted, so they do
    // not hold the role (and once expired, the role's deletion sets their reference null).
    let pending = sqlx::query_scalar!(
        r#"with expired as (
               update invitations set status = 'expired'
               where business_id = $1 and custom_role_id = $2 and status = 'pending' and expires_at <= now()
           )
           select count(*) as "count!" from invitations
           where business_id = $1 and custom_role_id = $2 and status = 'pending' and expires_at > now()"#,
        business_id.0,
        role_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(AppError::NotAllowed(ROLE_IN_USE.to_owned()));
    }
    let deleted = sqlx::query!("delete from custom_roles where business_id = $1 and id = $2", business_id.0, role_id.0)
        .execute(&mut *tx)
        .await
        .on_constraint("memberships_custom_role_fkey", |_| AppError::NotAllowed(ROLE_IN_USE.to_owned()))?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub struct InvitationRow {
    pub id: InvitationId,
    pub business_id: BusinessId,
    pub business_name: String,
    pub email: String,
    pub role: Role,
    pub custom_role_id: Option<CustomRoleId>,
    pub custom_role_name: Option<String>,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    /// `None` once the inviter's account is gone: such an invitation can no longer be accepted.
    pub invited_by: Option<UserId>,
    /// What the invited role carries (the custom role's permissions as they are now).
    pub permissions: PermissionSet,
}

/// Invitations by id (whatever the business: the link's token already proved the caller holds
/// it), or a business's live pending ones.
async fn invitations(
    db: impl PgExecutor<'_>,
    id: Option<InvitationId>,
    pending_in: Option<BusinessId>,
) -> AppResult<Vec<InvitationRow>> {
    let rows = sqlx::query!(
        r#"select i.id, i.business_id, b.name as business_name, i.email::text as "email!", i.role as "role: Role", i.custom_role_id,
                  cr.name as "custom_role_name?", cr.permissions as "custom_permissions?", i.status, i.expires_at,
                  i.invited_by
           from invitations i
           join businesses b on b.id = i.business_id
           left join custom_roles cr on cr.business_id = i.business_id and cr.id = i.custom_role_id
           where ($1::uuid is null or i.id = $1)
             and ($2::uuid is null or (i.business_id = $2 and i.status = 'pending' and i.expires_at > now()))
           order by i.created_at, i.id"#,
        id.map(|id| id.0),
        pending_in.map(|id| id.0)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(InvitationRow {
                id: r.id.into(),
                business_id: r.business_id.into(),
                business_name: r.business_name,
                email: r.email,
                role: r.role,
                custom_role_id: r.custom_role_id.map(CustomRoleId),
                custom_role_name: r.custom_role_name,
                status: r.status,
                expires_at: r.expires_at,
                invited_by: r.invited_by.map(UserId),
                permissions: match r.role {
                    Role::Custom => permission_set(&r.custom_permissions.unwrap_or_default()),
                    role => crate::permissions::role_bundle(role),
                },
            })
        })
        .collect()
}

pub async fn invitation(db: impl PgExecutor<'_>, id: InvitationId) -> AppResult<Option<InvitationRow>> {
    Ok(invitations(db, Some(id), None).await?.into_iter().next())
}

pub async fn pending_invitations(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<Vec<InvitationRow>> {
    invitations(db, None, Some(business_id)).await
}

/// Creates a pending invitation valid for 7 days. Refuses an e-mail that already belongs to a member
/// or has a live pending invitation (expired ones are marked expired first).
pub async fn create_invitation(
    tx: &mut PgConnection,
    business_id: BusinessId,
    invited_by: UserId,
    email: &str,
    role: Role,
    custom_role_id: Option<CustomRoleId>,
) -> AppResult<(InvitationId, DateTime<Utc>)> {
    let already_member = sqlx::query_scalar!(
        r#"select exists(select 1 from memberships m join accounts a on a.id = m.user_id
                         where m.business_id = $1 and a.email = $2::citext) as "exists!""#,
        business_id.0,
        email
    )
    .fetch_one(&mut *tx)
    .await?;
    if already_member {
        return Err(AppError::field("email", "That person is already on your team."));
    }
    sqlx::query!(
        "update invitations set status = 'expired'
         where business_id = $1 and email = $2::citext and status = 'pending' and expires_at <= now()",
        business_id.0,
        email
    )
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query!(
        "insert into invitations (id, business_id, email, role, custom_role_id, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + interval '7 days') returning id, expires_at",
        Uuid::now_v7(),
        business_id.0,
        email,
        role as _,
        custom_role_id.map(|id| id.0),
        invited_by.0
    )
    .fetch_one(&mut *tx)
    .await
    .on_constraint("invitations_pending_email_key", |_| {
        AppError::field(
            "email",
            "There's already a pending invitation for this e-mail address. Revoke it to send a new one.",
        )
    })?;
    Ok((InvitationId(row.id), row.expires_at))
}

pub async fn revoke_invitation(db: impl PgExecutor<'_>, business_id: BusinessId, id: InvitationId) -> AppResult<()> {
    let updated = sqlx::query!(
        "update invitations set status = 'revoked', revoked_at = now()
         where business_id = $1 and id = $2 and status = 'pending'",
        business_id.0,
        id.0
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Revokes `ids` (pending ones of the business; others are left as they are).
pub async fn revoke_invitations(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    ids: &[InvitationId],
) -> AppResult<()> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query!(
        "update invitations set status = 'revoked', revoked_at = now()
         where business_id = $1 and id = any($2) and status = 'pending'",
        business_id.0,
        &ids
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks a pending, unexpired invitation accepted; false if it no longer is.
pub async fn mark_accepted(tx: &mut PgConnection, id: InvitationId, user_id: UserId) -> AppResult<bool> {
    let updated = sqlx::query!(
        "update invitations set status = 'accepted', accepted_at = now(), accepted_by = $2
         where id = $1 and status = 'pending' and expires_at > now()",
        id.0,
        user_id.0
    )
    .execute(tx)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn add_member(
    tx: &mut PgConnection,
    business_id: BusinessId,
    user_id: UserId,
    role: Role,
    custom_role_id: Option<CustomRoleId>,
) -> AppResult<()> {
    sqlx::query!(
        "insert into memberships (business_id, user_id, role, custom_role_id) values ($1, $2, $3, $4)",
        business_id.0,
        user_id.0,
        role as _,
        custom_role_id.map(|id| id.0)
    )
    .execute(tx)
    .await
    .on_constraint("memberships_pkey", |_| AppError::NotAllowed("You're already a member of this business.".into()))?;
    Ok(())
}
