//! Importing mapped rows: each valid row becomes a client unless one with its name exists (then it
//! is skipped), in one transaction and two statements per request.

use crate::clients::EventKind;
use crate::error::{AppError, AppResult};
use crate::ids::ClientId;
use crate::import::{ImportAnalysis, ImportOutcome, ImportRow, PostedImport};
use crate::permissions::Permission;
use crate::server::db::{clients as db, timeline};
use crate::server::BusinessCtx;

/// Reads a pasted or uploaded CSV with a column mapping (guessed when empty): the preview and the
/// rows it would import.
pub fn analyze(ctx: &BusinessCtx, text: &str, mapping: &[String]) -> AppResult<(ImportAnalysis, Vec<ImportRow>)> {
    ctx.require(Permission::ClientsCreate)?;
    crate::import::analyze(text, mapping, &ctx.business.currency).map_err(|message| AppError::field("text", message))
}

/// `ANALYZE` scans the whole table, so however many imports run, this instance starts at most one
/// a minute (the chunks of one large import arrive a few hundred milliseconds apart).
fn analyze_is_due(now: std::time::Instant) -> bool {
    static LAST: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if last.is_some_and(|at| now.duration_since(at) < std::time::Duration::from_secs(60)) {
        return false;
    }
    *last = Some(now);
    true
}

pub async fn import(ctx: &BusinessCtx, rows: &[ImportRow]) -> AppResult<ImportOutcome> {
    ctx.require(Permission::ClientsCreate)?;
    let may_price = ctx.can(Permission::ClientsManageRates);
    let mut outcome = ImportOutcome::default();
    let mut inputs = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(problem) = row.problem(&ctx.business.currency) {
            outcome.failed += 1;
            outcome.failures.push((row.line, problem));
            continue;
        }
        match row.to_form(&ctx.business.currency).validate()?.restrict_pricing(may_price) {
            Ok(input) => inputs.push(input),
            Err(_) => {
                outcome.failed += 1;
                outcome
                    .failures
                    .push((row.line, "Rate: you can't set rates (needs \"Manage client rates\").".to_owned()));
            }
        }
    }
    let mut tx = ctx.pool.begin().await?;
    let created: Vec<ClientId> =
        db::insert_unless_named(&mut tx, ctx.business.id, ctx.user.id, &inputs).await?.into_iter().flatten().collect();
    let payload = serde_json::json!({ "import": true });
    timeline::add_events(&mut tx, ctx.business.id, &created, EventKind::ClientCreated, "", payload, Some(ctx.user.id))
        .await?;
    tx.commit().await?;
    outcome.created = created.len();
    outcome.skipped = inputs.len() - created.len();
    if outcome.created >= 100 && analyze_is_due(std::time::Instant::now()) {
        // A bulk load leaves the planner's statistics behind until autovacuum catches up (up to a
        // minute), and stale ones turn client joins into nested loops: refresh them now.
        sqlx::query!("analyze clients").execute(&ctx.pool).await?;
    }
    outcome.failures.truncate(200);
    Ok(outcome)
}

/// A post of the import page: the CSV text (pasted, or the uploaded file's), the mapping as posted
/// (`mapping[i]` keys; empty means "guess"), and whether to import or only preview.
#[derive(Debug, Default)]
pub struct ImportPost {
    pub text: String,
    pub mapping: Vec<String>,
    pub import: bool,
}

/// The step a post of the import page leads to. Errors become that step's message, never a failed
/// request: the person sees their text again with the reason.
pub async fn answer_post(ctx: &BusinessCtx, post: ImportPost) -> PostedImport {
    let (analysis, rows) = match analyze(ctx, &post.text, &post.mapping) {
        Ok(analyzed) => analyzed,
        Err(error) => {
            return match error.field_message("text") {
                Some(message) => PostedImport::Unreadable { text: post.text, message },
                None => PostedImport::Refused(error.to_string()),
            }
        }
    };
    if !post.import {
        return PostedImport::Preview { text: post.text, analysis };
    }
    match import(ctx, &rows).await {
        Ok(outcome) => PostedImport::Imported(outcome),
        Err(error) => PostedImport::Refused(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn analyze_runs_at_most_once_a_minute() {
        let t0 = Instant::now() + Duration::from_secs(3600);
        assert!(analyze_is_due(t0));
        assert!(!analyze_is_due(t0 + Duration::from_secs(59)));
        assert!(analyze_is_due(t0 + Duration::from_secs(61)));
    }
}
