//! Session rows. Only token hashes are stored; expiry is checked in SQL so a clock in the database
//! decides, not whichever app replica answered.

use crate::auth::CurrentUser;
use crate::business::{BusinessSummary, Role};
use crate::error::AppResult;
use crate::ids::UserId;
use crate::permissions::effective_from_stored;
use crate::permissions::PermissionSet;
use crate::server::context::BusinessLocal;
use crate::server::db::time::RunningRow;
use crate::server::session::{Principal, MAX_AGE, TTL};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

#[derive(Clone)]
pub struct Resolved {
    pub principal: Principal,
    pub refreshed_at: DateTime<Utc>,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    token_hash: &[u8],
    user_agent: Option<&str>,
) -> AppResult<Uuid> {
    let user_agent = user_agent.map(|ua| ua.chars().take(300).collect::<String>());
    let id = sqlx::query_scalar!(
        "insert into sessions (id, user_id, token_hash, expires_at, user_agent)
         values ($1, $2, $3, now() + make_interval(secs => $4), $5) returning id",
        Uuid::now_v7(),
        user_id.0,
        token_hash,
        TTL.num_seconds() as f64,
        user_agent
    )
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A membership as the session query aggregates it for the shell's business switcher.
#[derive(Debug, serde::Deserialize)]
struct Membership {
    #[serde(flatten)]
    business: BusinessSummary,
    logo: Option<String>,
}

/// The live session for a token hash with everything a page's shell needs, in one round trip: the
/// user, the active business with its local settings and the member's effective permissions, every
/// business of the account (for the switcher), and the running timer in the active business.
pub async fn resolve(db: &PgPool, token_hash: &[u8]) -> AppResult<Option<Resolved>> {
    let row = sqlx::query!(
        r#"select s.id as session_id, s.refreshed_at, u.id as user_id, u.email::text as "email!", u.name,
                  b.id as "business_id?", b.name as "business_name?", b.currency as "business_currency?",
                  b.timezone as "timezone?", b.forgotten_timer_hours as "forgotten_timer_hours?",
                  b.suspended_reason as "suspended_reason?", u.platform_admin,
                  m.role as "role?: Role", cr.permissions as "custom_permissions?",
                  array(select o.permission from permission_overrides o
                        where o.business_id = m.business_id and o.user_id = u.id and o.effect = 'grant') as "grants!",
                  array(select o.permission from permission_overrides o
                        where o.business_id = m.business_id and o.user_id = u.id and o.effect = 'deny') as "denies!",
                  (select coalesce(json_agg(json_build_object('id', ab.id, 'name', ab.name, 'currency', ab.currency,
                                                              'role', am.role, 'logo', l.sha256)
                                            order by am.created_at, ab.id), '[]')
                   from memberships am join businesses ab on ab.id = am.business_id
                   left join logos l on l.business_id = ab.id
                   where am.user_id = u.id) as "memberships!: Json<Vec<Membership>>",
                  r.id as "running_id?", r.task_id as "running_task_id?", r.task_title as "running_task_title?",
                  r.project_id as "running_project_id?", r.project_name as "running_project_name?",
                  r.started_at as "running_started_at?"
           from sessions s
           join accounts u on u.id = s.user_id
           left join lateral (
               select m.business_id, m.role, m.custom_role_id
               from memberships m
               left join user_active_business a on a.user_id = m.user_id and a.business_id = m.business_id
               where m.user_id = u.id
               order by (a.business_id is not null) desc, m.created_at, m.business_id
               limit 1
           ) m on true
           left join businesses b on b.id = m.business_id
           left join custom_roles cr on cr.business_id = m.business_id and cr.id = m.custom_role_id
           left join lateral (
               select e.id, e.task_id, t.title as task_title, p.id as project_id, p.name as project_name, e.started_at
               from time_entries e
               join tasks t on t.business_id = e.business_id and t.id = e.task_id
               join projects p on p.business_id = t.business_id and p.id = t.project_id
               where e.business_id = m.business_id and e.user_id = u.id and e.ended_at is null
               limit 1
           ) r on true
           where s.token_hash = $1 and s.expires_at > now()"#,
        token_hash
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (business, permissions, local) = match (row.business_id, row.business_name, row.business_currency, row.role) {
        (Some(id), Some(name), Some(currency), Some(role)) => {
            let mut permissions =
                effective_from_stored(role, row.custom_permissions.as_deref(), &row.grants, &row.denies);
            if row.suspended_reason.is_some() {
                permissions = permissions.while_suspended();
            }
            let local = BusinessLocal {
                timezone: row.timezone.unwrap_or_else(|| BusinessLocal::default().timezone),
                forgotten_timer_hours: row
                    .forgotten_timer_hours
                    .unwrap_or(BusinessLocal::default().forgotten_timer_hours),
                suspended: row.suspended_reason,
            };
            (Some(BusinessSummary { id: id.into(), name, currency, role }), permissions, local)
        }
        _ => (None, PermissionSet::EMPTY, BusinessLocal::default()),
    };
    let running = match (
        row.running_id,
        row.running_task_id,
        row.running_task_title,
        row.running_project_id,
        row.running_project_name,
        row.running_started_at,
    ) {
        (Some(id), Some(task_id), Some(task_title), Some(project_id), Some(project_name), Some(started_at)) => {
            Some(RunningRow {
                id: id.into(),
                task_id: task_id.into(),
                task_title,
                project_id: project_id.into(),
                project_name,
                started_at,
            })
        }
        _ => None,
    };
    Ok(Some(Resolved {
        principal: Principal {
            session_id: row.session_id,
            user: CurrentUser { id: row.user_id.into(), email: row.email, name: row.name },
            business,
            permissions,
            local,
            memberships: row.memberships.0.into_iter().map(|m| (m.business, m.logo)).collect(),
            running,
            platform_admin: row.platform_admin,
        },
        refreshed_at: row.refreshed_at,
    }))
}

/// Slides the expiry to 7 days from now, but never past the session's absolute lifetime.
pub async fn refresh(db: impl PgExecutor<'_>, session_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "update sessions set refreshed_at = now(),
                expires_at = least(now() + make_interval(secs => $2), created_at + make_interval(secs => $3))
         where id = $1",
        session_id,
        TTL.num_seconds() as f64,
        MAX_AGE.num_seconds() as f64
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Signs an account out everywhere (every browser, every device).
pub async fn delete_all(db: impl PgExecutor<'_>, user_id: UserId) -> AppResult<u64> {
    Ok(sqlx::query!("delete from sessions where user_id = $1", user_id.0).execute(db).await?.rows_affected())
}

pub async fn delete(db: impl PgExecutor<'_>, session_id: Uuid) -> AppResult<()> {
    sqlx::query!("delete from sessions where id = $1", session_id).execute(db).await?;
    Ok(())
}

/// Housekeeping: expired sessions are useless; remove them.
pub async fn delete_expired(db: impl PgExecutor<'_>) -> AppResult<u64> {
    Ok(sqlx::query!("delete from sessions where expires_at <= now()").execute(db).await?.rows_affected())
}
