//! What a member may do in a business, read from their membership: role, custom role and
//! per-member overrides. Sessions resolve it for the active business; MCP tools, jobs and tests
//! resolve it for a given (business, user).

use crate::auth::CurrentUser;
use crate::business::{BusinessSummary, Role};
use crate::error::AppResult;
use crate::ids::{BusinessId, UserId};
use crate::permissions::{effective_from_stored, PermissionSet};
use crate::server::context::BusinessLocal;
use sqlx::PgExecutor;

pub struct MemberAccess {
    pub user: CurrentUser,
    pub business: BusinessSummary,
    pub permissions: PermissionSet,
    pub local: BusinessLocal,
}

/// `user` in `business`, or `None` when they are not a member.
pub async fn member(db: impl PgExecutor<'_>, business: BusinessId, user: UserId) -> AppResult<Option<MemberAccess>> {
    let row = sqlx::query!(
        r#"select u.id as user_id, u.email::text as "email!", u.name, b.id as business_id, b.name as business_name,
                  b.currency, b.timezone, b.forgotten_timer_hours, b.suspended_reason, m.role as "role: Role", cr.permissions as "custom_permissions?",
                  array(select o.permission from permission_overrides o
                        where o.business_id = m.business_id and o.user_id = m.user_id and o.effect = 'grant') as "grants!",
                  array(select o.permission from permission_overrides o
                        where o.business_id = m.business_id and o.user_id = m.user_id and o.effect = 'deny') as "denies!"
           from memberships m
           join accounts u on u.id = m.user_id
           join businesses b on b.id = m.business_id
           left join custom_roles cr on cr.business_id = m.business_id and cr.id = m.custom_role_id
           where m.business_id = $1 and m.user_id = $2"#,
        business.0,
        user.0
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role = row.role;
    let mut permissions = effective_from_stored(role, row.custom_permissions.as_deref(), &row.grants, &row.denies);
    if row.suspended_reason.is_some() {
        permissions = permissions.while_suspended();
    }
    let id: BusinessId = row.business_id.into();
    Ok(Some(MemberAccess {
        user: CurrentUser { id: row.user_id.into(), email: row.email, name: row.name },
        business: BusinessSummary { id, name: row.business_name, currency: row.currency, role },
        permissions,
        local: BusinessLocal {
            timezone: row.timezone,
            forgotten_timer_hours: row.forgotten_timer_hours,
            suspended: row.suspended_reason,
        },
    }))
}
