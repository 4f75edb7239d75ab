//! Creating and switching businesses: what a signed-in account does before (or between) acting
//! inside one.

use crate::business::BusinessSummary;
use crate::error::AppResult;
use crate::ids::BusinessId;
use crate::server::db::businesses as db;
use crate::server::AccountCtx;

/// A business owned by the caller, made their active one.
pub async fn create(ctx: &AccountCtx, name: &str, currency: &str) -> AppResult<BusinessSummary> {
    db::create_with_owner(&ctx.pool, ctx.user.id, name, currency).await
}

/// Someone else's business (or one that doesn't exist) is `NotFound`.
pub async fn switch(ctx: &AccountCtx, business: BusinessId) -> AppResult<()> {
    db::set_active(&ctx.pool, ctx.user.id, business).await
}
