//! Importing mapped rows: each valid row becomes a client unless one with its name exists (then it
//! is skipped), in one transaction per request.

use crate::clients::EventKind;
use crate::error::AppResult;
use crate::import::{ImportOutcome, ImportRow};
use crate::permissions::Permission;
use crate::server::db::clients as db;
use crate::server::BusinessCtx;

pub async fn import(ctx: &BusinessCtx, rows: &[ImportRow]) -> AppResult<ImportOutcome> {
    let may_price = ctx.can(Permission::ClientsManageRates);
    let mut outcome = ImportOutcome::default();
    let mut tx = ctx.pool.begin().await?;
    for row in rows {
        if let Some(problem) = row.problem(&ctx.business.currency) {
            outcome.failed += 1;
            outcome.failures.push((row.line, problem));
            continue;
        }
        let mut input = row.to_form(&ctx.business.currency).validate()?;
        if !may_price && input.pricing.as_ref().is_some_and(|p| p.default_rate.is_some()) {
            outcome.failed += 1;
            outcome.failures.push((row.line, "Rate: you can't set rates (needs \"Manage client rates\").".to_owned()));
            continue;
        }
        if !may_price {
            input.pricing = None;
        }
        match db::insert_unless_named(&mut tx, ctx.business.id, ctx.user.id, &input).await? {
            Some(id) => {
                db::add_event(
                    &mut tx,
                    ctx.business.id,
                    id,
                    EventKind::ClientCreated,
                    "",
                    serde_json::json!({ "import": true }),
                    Some(ctx.user.id),
                )
                .await?;
                outcome.created += 1;
            }
            None => outcome.skipped += 1,
        }
    }
    tx.commit().await?;
    if outcome.created >= 100 {
        // A bulk load leaves the planner's statistics behind until autovacuum catches up (up to a
        // minute), and stale ones turn client joins into nested loops: refresh them now.
        sqlx::query!("analyze clients").execute(&ctx.pool).await?;
    }
    outcome.failures.truncate(200);
    Ok(outcome)
}
