//! Platform administration: instance figures, suspending and unsuspending businesses, and
//! granting the role from the command line.

use crate::admin::SystemOverview;
use crate::error::{AppError, AppResult};
use crate::ids::BusinessId;
use crate::server::db::admin as db;
use crate::server::AccountCtx;
use sqlx::PgPool;

pub async fn overview(ctx: &AccountCtx) -> AppResult<SystemOverview> {
    ctx.require_platform_admin()?;
    db::overview(&ctx.pool).await
}

/// Makes a business read-only for its members, blocks its export and refuses its MCP tokens,
/// until it is unsuspended. Sessions see it on their next request (or within the session cache's
/// few seconds).
pub async fn suspend(ctx: &AccountCtx, business: BusinessId, reason: &str) -> AppResult<()> {
    ctx.require_platform_admin()?;
    db::set_suspended(&ctx.pool, business, Some(reason), ctx.clock.now()).await?;
    tracing::warn!(%business, admin = %ctx.user.id, "business suspended");
    Ok(())
}

pub async fn unsuspend(ctx: &AccountCtx, business: BusinessId) -> AppResult<()> {
    ctx.require_platform_admin()?;
    db::set_suspended(&ctx.pool, business, None, ctx.clock.now()).await?;
    tracing::warn!(%business, admin = %ctx.user.id, "business unsuspended");
    Ok(())
}

/// `server grant-admin EMAIL` / `revoke-admin EMAIL`.
pub async fn set_platform_admin(pool: &PgPool, email: &str, admin: bool) -> AppResult<()> {
    let email = crate::validation::email(email).map_err(|m| AppError::field("email", m))?;
    if db::set_platform_admin(pool, &email, admin).await? {
        Ok(())
    } else {
        Err(AppError::field("email", format!("No account has the email {email}; sign up first.")))
    }
}
