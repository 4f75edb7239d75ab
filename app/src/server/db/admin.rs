//! Instance-wide SQL for platform admins: figures across every business, suspension, and the
//! `platform_admin` flag the command line sets.

use crate::admin::{AdminBusiness, SystemOverview, BUSINESS_LIMIT};
use crate::error::{AppError, AppResult};
use crate::ids::BusinessId;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// The figures and the newest businesses, in one statement.
pub async fn overview(db: impl PgExecutor<'_>) -> AppResult<SystemOverview> {
    let rows = sqlx::query!(
        r#"select (select count(*) from businesses) as "businesses!", (select count(*) from accounts) as "accounts!",
                  (select count(*) from sales_invoices) as "invoices!",
                  pg_database_size(current_database()) as "database_bytes!",
                  b.id as "id?", b.name as "name?", b.created_at as "created_at?", b.suspended_reason,
                  (select count(*) from memberships m where m.business_id = b.id) as "members?",
                  (select count(*) from sales_invoices i where i.business_id = b.id) as "business_invoices?"
           from (select 1) one
           left join lateral (select * from businesses order by created_at desc, id desc limit $1) b on true"#,
        BUSINESS_LIMIT
    )
    .fetch_all(db)
    .await?;
    let first = rows.first().ok_or_else(|| crate::server::errors::internal("the overview returned no row", ()))?;
    let mut overview = SystemOverview {
        businesses: first.businesses,
        accounts: first.accounts,
        invoices: first.invoices,
        database_bytes: first.database_bytes,
        list: Vec::new(),
    };
    for row in rows {
        if let (Some(id), Some(name), Some(created_at)) = (row.id, row.name, row.created_at) {
            overview.list.push(AdminBusiness {
                id: BusinessId(id),
                name,
                created_at,
                members: row.members.unwrap_or_default(),
                invoices: row.business_invoices.unwrap_or_default(),
                suspended: row.suspended_reason,
            });
        }
    }
    Ok(overview)
}

/// Suspends (with `reason`) or unsuspends (`None`) a business.
pub async fn set_suspended(
    db: impl PgExecutor<'_>,
    business: BusinessId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update businesses set suspended_reason = $2, suspended_at = case when $2::text is null then null else $3::timestamptz end
         where id = $1",
        business.0,
        reason,
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Sets the account's platform admin flag; `false` when no account has that email.
pub async fn set_platform_admin(db: impl PgExecutor<'_>, email: &str, admin: bool) -> AppResult<bool> {
    let updated = sqlx::query!("update accounts set platform_admin = $2 where email = $1::citext", email, admin)
        .execute(db)
        .await?
        .rows_affected();
    Ok(updated > 0)
}
