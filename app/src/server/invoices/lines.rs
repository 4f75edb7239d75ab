//! A draft's lines: fixed lines, lines generated from tracked time (converted once when the time
//! was priced in another currency), edits, deletes and reordering.

use super::{missing_rate, recompute, require_draft, zone};
use crate::billing::{convert, Decimal};
use crate::error::{AppError, AppResult};
use crate::ids::{InvoiceId, InvoiceLineId};
use crate::invoices::forms::{GenerateInput, LineForm};
use crate::invoices::plan::{plan_lines, PlanError};
use crate::invoices::rounding::RoundingRule;
use crate::invoices::{FxSource, Generated};
use crate::money::CurrencyCode;
use crate::permissions::Permission;
use crate::server::db::invoices::{self as db, NewLine};
use crate::server::db::{expenses, fx, time::EntryFilter};
use crate::server::time::from_local;
use crate::server::BusinessCtx;
use chrono::{Duration, NaiveTime};
use sqlx::{PgConnection, Postgres, Transaction};

/// Begins the transaction every line change runs in: permission, lock, draft check.
async fn begin_edit(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<(Transaction<'static, Postgres>, db::Locked)> {
    ctx.require(Permission::InvoicesEdit)?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    require_draft(locked.status)?;
    Ok((tx, locked))
}

async fn finish(ctx: &BusinessCtx, mut tx: Transaction<'static, Postgres>, locked: &db::Locked) -> AppResult<()> {
    recompute(ctx, &mut tx, locked).await?;
    tx.commit().await?;
    Ok(())
}

/// Lines per invoice: far more than any real invoice, few enough that one page renders fast.
pub const MAX_LINES: usize = 500;

async fn check_room(ctx: &BusinessCtx, tx: &mut PgConnection, id: InvoiceId, adding: usize) -> AppResult<()> {
    let existing = db::line_totals(&mut *tx, ctx.business.id, id).await?.len();
    if existing + adding > MAX_LINES {
        return Err(AppError::field(
            crate::validation::FieldErrors::FORM,
            format!("An invoice holds at most {MAX_LINES} lines. Narrow the date range or group the time differently."),
        ));
    }
    Ok(())
}

pub async fn add_line(ctx: &BusinessCtx, id: InvoiceId, form: &LineForm) -> AppResult<()> {
    let (mut tx, locked) = begin_edit(ctx, id).await?;
    let input = form.validate(locked.currency.info().minor_units)?;
    check_room(ctx, &mut tx, id, 1).await?;
    let line = NewLine {
        id: InvoiceLineId::generate(),
        description: input.description,
        quantity: None,
        unit_price_minor: None,
        total_minor: input.amount_minor,
        source: None,
    };
    db::append_lines(&mut tx, ctx.business.id, id, &[line]).await?;
    finish(ctx, tx, &locked).await
}

pub async fn update_line(ctx: &BusinessCtx, id: InvoiceId, line: InvoiceLineId, form: &LineForm) -> AppResult<()> {
    let (mut tx, locked) = begin_edit(ctx, id).await?;
    let input = form.validate(locked.currency.info().minor_units)?;
    db::update_line(&mut *tx, ctx.business.id, id, line, &input.description, input.amount_minor).await?;
    finish(ctx, tx, &locked).await
}

/// Deleting a line releases the time it billed (the foreign key sets the entries' link to null).
pub async fn delete_line(ctx: &BusinessCtx, id: InvoiceId, line: InvoiceLineId) -> AppResult<()> {
    let (mut tx, locked) = begin_edit(ctx, id).await?;
    db::delete_line(&mut tx, ctx.business.id, id, line).await?;
    finish(ctx, tx, &locked).await
}

pub async fn move_line(ctx: &BusinessCtx, id: InvoiceId, line: InvoiceLineId, up: bool) -> AppResult<()> {
    let (mut tx, _) = begin_edit(ctx, id).await?;
    db::move_line(&mut tx, ctx.business.id, id, line, up).await?;
    tx.commit().await?;
    Ok(())
}

/// Pulls the client's unbilled, billable, stopped time into the draft as lines, linked to their
/// entries. Unpriced entries stay unbilled and are counted. Time priced in another currency is
/// converted once per line: at the manual rate given for that currency, else at the ECB rate of
/// the invoice's issue date (the latest published on or before it).
pub async fn generate(ctx: &BusinessCtx, id: InvoiceId, input: GenerateInput) -> AppResult<Generated> {
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let tz = zone(&settings.timezone);
    let (mut tx, locked) = begin_edit(ctx, id).await?;
    // An invoice for a project bills that project's time.
    let project = input.project_id.or(locked.project_id);
    if let Some(project) = project {
        if !db::project_of_client(&mut *tx, ctx.business.id, project, locked.client_id).await? {
            return Err(AppError::field("project_id", "Choose a project of this invoice's client, or none."));
        }
    }
    let bounds = EntryFilter::all();
    let from = input.from.map_or(bounds.from, |d| from_local(tz, d.and_time(NaiveTime::MIN)));
    let to = input.to.map_or(bounds.to, |d| from_local(tz, (d + Duration::days(1)).and_time(NaiveTime::MIN)));
    let (entries, unpriced_skipped) =
        db::billable_entries(&mut tx, ctx.business.id, locked.client_id, project, from, to, tz).await?;
    if entries.is_empty() {
        let why = if unpriced_skipped > 0 {
            format!("The {unpriced_skipped} unbilled entries here have no rate. Set a rate on the client, project or member first.")
        } else {
            "There is no unbilled, billable, stopped time for this client in that range.".to_owned()
        };
        return Err(AppError::field(crate::validation::FieldErrors::FORM, why));
    }
    // The draft keeps the rounding rule of its first generation; later ones use the same.
    // The client's own rule, else the business's, is what a first generation freezes.
    let current = crate::server::db::clients::billing_rounding(&mut *tx, ctx.business.id, locked.client_id).await?;
    let kept = db::keep_billing_rounding(&mut *tx, ctx.business.id, id, &current).await?;
    let rounding = RoundingRule::decode(&kept);
    let planned =
        plan_lines(&entries, input.grouping, input.include_task_list, rounding.as_ref()).map_err(|e| match e {
            PlanError::SeveralRates(_) => AppError::field("grouping", e.to_string()),
            PlanError::TooLarge(_) => {
                AppError::field(crate::validation::FieldErrors::FORM, "These amounts are too large.")
            }
        })?;
    check_room(ctx, &mut tx, id, planned.len()).await?;

    let rates = conversion_rates(&mut tx, &locked, planned.iter().map(|l| l.currency), &input.manual_rates).await?;
    let mut lines = Vec::with_capacity(planned.len());
    let (mut entry_ids, mut line_ids) = (Vec::with_capacity(entries.len()), Vec::with_capacity(entries.len()));
    for plan in planned {
        let line_id = InvoiceLineId::generate();
        let (total_minor, source) = converted(&locked, &rates, plan.currency, plan.total_minor)?;
        for entry in &plan.entries {
            entry_ids.push(entry.0);
            line_ids.push(line_id.0);
        }
        lines.push(NewLine {
            id: line_id,
            description: plan.description,
            quantity: Some(plan.quantity),
            unit_price_minor: plan.unit_price_minor,
            total_minor,
            source,
        });
    }
    db::append_lines(&mut tx, ctx.business.id, id, &lines).await?;
    let linked = db::link_entries(&mut *tx, ctx.business.id, &entry_ids, &line_ids).await?;
    if linked != entry_ids.len() as u64 {
        // The entries were locked when read, so this cannot happen short of a bug: refuse rather
        // than bill an entry twice or leave a line without its time.
        return Err(crate::server::errors::internal("not every entry could be linked to its line", id));
    }
    let generated = Generated { lines: lines.len(), entries: entry_ids.len(), unpriced_skipped };
    finish(ctx, tx, &locked).await?;
    Ok(generated)
}

/// The rate for each currency other than the invoice's among `currencies`: the manual rate given
/// for it, else the ECB rate of the invoice's issue date (the latest published on or before it).
/// Any currency without either fails with the list of what is missing.
async fn conversion_rates(
    tx: &mut PgConnection,
    locked: &db::Locked,
    currencies: impl Iterator<Item = CurrencyCode>,
    manual_rates: &[(CurrencyCode, Decimal)],
) -> AppResult<Vec<(CurrencyCode, Decimal, FxSource)>> {
    let mut foreign: Vec<CurrencyCode> = currencies.filter(|c| *c != locked.currency).collect();
    foreign.sort();
    foreign.dedup();
    let day = if foreign.iter().any(|c| !manual_rates.iter().any(|(m, _)| m == c)) {
        fx::rates_on(&mut *tx, locked.issue_date).await?
    } else {
        None
    };
    let mut rates = Vec::new();
    let mut missing = Vec::new();
    for code in foreign {
        if let Some((_, rate)) = manual_rates.iter().find(|(m, _)| *m == code) {
            rates.push((code, *rate, FxSource::Manual));
        } else if let Some(rate) =
            day.as_ref().and_then(|d| d.rate(code.as_str(), locked.currency.as_str())).and_then(|r| r.to_decimal())
        {
            rates.push((code, rate, FxSource::Ecb));
        } else {
            missing.push((code, locked.currency));
        }
    }
    if !missing.is_empty() {
        return Err(missing_rate(&missing, locked.issue_date));
    }
    Ok(rates)
}

/// A line's total in the invoice's currency, converted once when it was priced in another, with
/// what it was converted from.
fn converted(
    locked: &db::Locked,
    rates: &[(CurrencyCode, Decimal, FxSource)],
    currency: CurrencyCode,
    total_minor: i64,
) -> AppResult<(i64, Option<db::ConvertedFrom>)> {
    match rates.iter().find(|(code, ..)| *code == currency) {
        None => Ok((total_minor, None)),
        Some((code, rate, fx_source)) => {
            let target_digits = locked.currency.info().minor_units;
            let converted = convert(total_minor, code.info().minor_units, target_digits, *rate)
                .map_err(|_| AppError::field(crate::validation::FieldErrors::FORM, "These amounts are too large."))?;
            Ok((converted, Some((*code, total_minor, rate.to_string(), *fx_source))))
        }
    }
}

/// "Expense 2026-03-04: Train to Lyon (SNCF)", within a line description's 500 characters.
pub(crate) fn expense_line_description(expense: &expenses::BillableExpense) -> String {
    let vendor = if expense.vendor.is_empty() { String::new() } else { format!(" ({})", expense.vendor) };
    let text = format!("Expense {}: {}{vendor}", expense.incurred_on, expense.description);
    text.chars().take(500).collect()
}

/// Adds the client's unbilled billable expenses (of the invoice's project, when it has one) to the
/// draft, one fixed line each, linked to its expense so it is billed once and released like time
/// (deleting the line or the draft, or voiding the invoice). An expense in another currency is
/// converted once, at the manual rate given for its currency or the ECB rate of the issue date.
pub async fn add_expenses(
    ctx: &BusinessCtx,
    id: InvoiceId,
    manual_rates: &[(CurrencyCode, Decimal)],
) -> AppResult<usize> {
    let (mut tx, locked) = begin_edit(ctx, id).await?;
    let found =
        expenses::billable(&mut tx, ctx.business.id, locked.client_id, locked.project_id, MAX_LINES as i64 + 1).await?;
    if found.is_empty() {
        return Err(AppError::field(
            crate::validation::FieldErrors::FORM,
            "There are no unbilled billable expenses for this client.",
        ));
    }
    check_room(ctx, &mut tx, id, found.len()).await?;
    let rates = conversion_rates(&mut tx, &locked, found.iter().map(|e| e.amount.currency), manual_rates).await?;
    let mut lines = Vec::with_capacity(found.len());
    for expense in &found {
        let (total_minor, source) = converted(&locked, &rates, expense.amount.currency, expense.amount.minor)?;
        lines.push(NewLine {
            id: InvoiceLineId::generate(),
            description: expense_line_description(expense),
            quantity: None,
            unit_price_minor: None,
            total_minor,
            source,
        });
    }
    db::append_lines(&mut tx, ctx.business.id, id, &lines).await?;
    let expense_ids: Vec<uuid::Uuid> = found.iter().map(|e| e.id.0).collect();
    let line_ids: Vec<uuid::Uuid> = lines.iter().map(|l| l.id.0).collect();
    let linked = expenses::link_to_lines(&mut *tx, ctx.business.id, &expense_ids, &line_ids).await?;
    if linked != expense_ids.len() as u64 {
        return Err(crate::server::errors::internal("not every expense could be linked to its line", id));
    }
    finish(ctx, tx, &locked).await?;
    Ok(lines.len())
}
