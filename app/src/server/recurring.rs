//! Recurring schedules (PRODUCT §3.10) and the runner that turns their occurrences into invoices.
//!
//! One occurrence is one transaction: lock the schedule, insert the invoice marked as the
//! schedule's n-th (unique), copy the lines, issue it when the schedule says so, move the schedule
//! on. A crash anywhere rolls all of it back, and two sweeps racing for one schedule either skip it
//! (`SKIP LOCKED`) or, failing that, hit the unique (schedule, occurrence): one invoice each time.

use crate::clients::EventKind;
use crate::error::{AppError, AppResult};
use crate::ids::{InvoiceId, InvoiceLineId, ScheduleId, UserId};
use crate::invoices::{Choice, InvoiceSummary, TaxTreatment};
use crate::permissions::Permission;
use crate::recurring::{
    Cadence, Schedule, ScheduleEdit, ScheduleInput, ScheduleOptions, SchedulePage, ScheduleStatus, SweepReport,
    GENERATED_LIMIT, MAX_SCHEDULES,
};
use crate::server::db::invoices::{self as invoices_db, ListFilter};
use crate::server::db::recurring::{self as db, Position};
use crate::server::db::{clients, timeline};
use crate::server::invoices::{issue_in, recompute_in};
use crate::server::BusinessCtx;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

pub async fn list(ctx: &BusinessCtx) -> AppResult<Vec<Schedule>> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    db::select(&ctx.pool, ctx.business.id, None, MAX_SCHEDULES).await
}

async fn get(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<Schedule> {
    db::select(&ctx.pool, ctx.business.id, Some(id), 1).await?.pop().ok_or(AppError::NotFound)
}

pub async fn page(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<SchedulePage> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let schedule = get(ctx, id).await?;
    let upcoming = if schedule.status == ScheduleStatus::Active {
        (1..=3)
            .map_while(|k| schedule.cadence.next_date(schedule.generated_count + k, schedule.cadence_offset))
            .collect()
    } else {
        Vec::new()
    };
    let generated = generated_by(ctx, id).await?;
    Ok(SchedulePage { schedule, upcoming, generated })
}

/// The invoices a schedule made, newest first (at most [`GENERATED_LIMIT`]).
pub async fn generated(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<Vec<InvoiceSummary>> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let invoices = generated_by(ctx, id).await?;
    if invoices.is_empty() {
        // None made, or not this business's schedule.
        get(ctx, id).await?;
    }
    Ok(invoices)
}

async fn generated_by(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<Vec<InvoiceSummary>> {
    let today = ctx.today();
    let rows =
        invoices_db::list(&ctx.pool, ctx.business.id, ListFilter::FromSchedule(id), today, "", GENERATED_LIMIT).await?;
    Ok(rows.into_iter().map(|r| r.shown_on(today)).collect())
}

pub async fn edit(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<ScheduleEdit> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let schedule = get(ctx, id).await?;
    let (mut clients, projects, _) = invoices_db::choices(&ctx.pool, ctx.business.id, None).await?;
    // An archived client stays selectable on the schedule that has it.
    let current = schedule.client_id.to_string();
    if !clients.iter().any(|c| c.id == current) {
        clients.push(Choice { id: current, name: schedule.client_name.clone(), client_id: None });
    }
    Ok(ScheduleEdit { schedule, clients, projects })
}

pub async fn choices(ctx: &BusinessCtx) -> AppResult<ScheduleOptions> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let settings = invoices_db::settings(&ctx.pool, ctx.business.id).await?;
    let (clients, projects, _) = invoices_db::choices(&ctx.pool, ctx.business.id, None).await?;
    Ok(ScheduleOptions {
        clients,
        projects,
        currency: settings.currency,
        today: ctx.today(),
        standard_rate: settings.vat_rate_percent,
    })
}

/// The client and project exist (and belong together), and a standard-rate schedule has a rate
/// to invoice at.
async fn check(ctx: &BusinessCtx, input: &ScheduleInput) -> AppResult<()> {
    match clients::is_archived(&ctx.pool, ctx.business.id, input.client_id).await {
        Ok(_) => {}
        Err(AppError::NotFound) => return Err(AppError::field("client_id", "Choose one of your clients.")),
        Err(other) => return Err(other),
    }
    if let Some(project) = input.project_id {
        if !invoices_db::project_of_client(&ctx.pool, ctx.business.id, project, input.client_id).await? {
            return Err(AppError::field("project_id", "Choose a project of this client, or none."));
        }
    }
    if input.tax_treatment == TaxTreatment::Standard
        && invoices_db::settings(&ctx.pool, ctx.business.id).await?.vat_rate_percent.is_none()
    {
        return Err(AppError::field(
            "tax_treatment",
            "Set your standard VAT rate in Settings → General before creating a standard-rate schedule.",
        ));
    }
    Ok(())
}

/// Where a schedule stands once `generated` invoices are made at `offset`: its next date, and
/// ended when there is none.
fn position(cadence: &Cadence, generated: u32, offset: i32, status: ScheduleStatus) -> Position {
    let next_run_on = cadence.next_date(generated, offset);
    let status = if next_run_on.is_none() { ScheduleStatus::Ended } else { status };
    Position { generated_count: generated, cadence_offset: offset, next_run_on, status }
}

fn ends_before_next() -> AppError {
    AppError::field(
        "end_date",
        "This schedule would end before its next invoice. Move the end date later, or raise the limit.",
    )
}

/// A new schedule starts at its first occurrence from today: occurrences before today are skipped,
/// never invoiced late.
pub async fn create(ctx: &BusinessCtx, input: ScheduleInput) -> AppResult<ScheduleId> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    check(ctx, &input).await?;
    let offset = input.cadence.skip_past(0, 0, ctx.today());
    let position = position(&input.cadence, 0, offset, ScheduleStatus::Active);
    if position.next_run_on.is_none() {
        return Err(ends_before_next());
    }
    let mut tx = ctx.pool.begin().await?;
    // The business row lock orders concurrent creations, so the cap holds.
    crate::server::db::team::lock_business(&mut tx, ctx.business.id).await?;
    if db::count_for(&mut *tx, ctx.business.id).await? >= MAX_SCHEDULES {
        return Err(AppError::Conflict(format!(
            "A business can have at most {MAX_SCHEDULES} recurring schedules. Delete ended ones first."
        )));
    }
    let id = db::insert(&mut tx, ctx.business.id, ctx.user.id, &input, &position).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves a schedule. Changing when it runs (frequency, interval, day or start) restarts it at
/// the new cadence's first occurrence from today; the invoices already made still count against
/// the limit.
pub async fn update(ctx: &BusinessCtx, id: ScheduleId, input: ScheduleInput) -> AppResult<()> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    check(ctx, &input).await?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    let (old, new) = (&locked.cadence, &input.cadence);
    let timing_changed = (old.frequency, old.interval, old.anchor_day, old.start)
        != (new.frequency, new.interval, new.anchor_day, new.start);
    let generated = locked.generated_count;
    let offset = if timing_changed {
        new.skip_past(generated, -i32::try_from(generated).unwrap_or(i32::MAX), ctx.today())
    } else {
        locked.cadence_offset
    };
    let position = position(new, generated, offset, locked.status);
    if position.next_run_on.is_none() && locked.status != ScheduleStatus::Ended {
        return Err(ends_before_next());
    }
    db::update(&mut tx, ctx.business.id, id, &input, &position).await?;
    tx.commit().await?;
    Ok(())
}

/// Pause, resume or end. Resuming skips the occurrences that fell while the schedule was paused.
pub async fn set_status(ctx: &BusinessCtx, id: ScheduleId, status: ScheduleStatus) -> AppResult<()> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let mut tx = ctx.pool.begin().await?;
    let s = db::lock(&mut tx, ctx.business.id, id).await?;
    if s.status == status {
        return Ok(());
    }
    let position = match status {
        ScheduleStatus::Active => {
            let offset = s.cadence.skip_past(s.generated_count, s.cadence_offset, ctx.today());
            let position = position(&s.cadence, s.generated_count, offset, ScheduleStatus::Active);
            if position.next_run_on.is_none() {
                return Err(AppError::Conflict(
                    "This schedule has no invoices left to make. Move its end date later or raise its limit first."
                        .into(),
                ));
            }
            position
        }
        ScheduleStatus::Paused if s.status == ScheduleStatus::Ended => {
            return Err(AppError::Conflict("This schedule has ended; resume it instead of pausing it.".into()));
        }
        ScheduleStatus::Paused => {
            Position { status, ..position(&s.cadence, s.generated_count, s.cadence_offset, status) }
        }
        ScheduleStatus::Ended => {
            Position { generated_count: s.generated_count, cadence_offset: s.cadence_offset, next_run_on: None, status }
        }
    };
    db::set_position(&mut *tx, ctx.business.id, id, &position, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the schedule's next invoice now, dated today; the schedule moves on to the one after.
pub async fn generate_now(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<InvoiceId> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    let mut tx = ctx.pool.begin().await?;
    let s = db::lock(&mut tx, ctx.business.id, id).await?;
    if s.status == ScheduleStatus::Ended || s.next_run_on.is_none() {
        return Err(AppError::Conflict(
            "This schedule has ended. Resume it (or raise its limit) to make another invoice.".into(),
        ));
    }
    let made = make(&mut tx, &s, ctx.today(), ctx.now(), Some(ctx.user.id)).await?;
    tx.commit().await?;
    Ok(made.invoice)
}

pub async fn delete(ctx: &BusinessCtx, id: ScheduleId) -> AppResult<()> {
    ctx.require(Permission::InvoicesManageRecurring)?;
    db::delete(&ctx.pool, ctx.business.id, id).await
}

/// What making one occurrence did.
struct Made {
    invoice: InvoiceId,
    issued: bool,
    ended: bool,
}

/// Makes the locked schedule's next invoice, dated `issue_date`, inside `tx`, and moves the
/// schedule on. When auto-issue fails (a reverse-charge invoice without VAT numbers, say) the
/// invoice stays a draft and the schedule's last error says why.
async fn make(
    tx: &mut PgConnection,
    s: &db::Locked,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    actor: Option<UserId>,
) -> AppResult<Made> {
    let business = s.business_id;
    let settings = invoices_db::settings(&mut *tx, business).await?;
    let tax_rate_percent = match s.tax_treatment {
        TaxTreatment::Standard => settings.vat_rate_percent.clone().ok_or_else(|| {
            AppError::Conflict(
                "Set your standard VAT rate in Settings → General: this schedule's invoices are standard-rate.".into(),
            )
        })?,
        _ => "0".to_owned(),
    };
    let lines = db::lines(&mut *tx, business, s.id).await?;
    let draft = invoices_db::Draft {
        client_id: s.client_id,
        project_id: s.project_id,
        currency: s.currency,
        issue_date,
        due_date: issue_date + Duration::days(i64::from(s.net_terms_days)),
        tax_treatment: s.tax_treatment,
        tax_rate_percent: &tax_rate_percent,
        period: None,
        notes: &s.notes,
    };
    let invoice = invoices_db::insert_draft(&mut *tx, business, actor.or(s.created_by), &draft).await?;
    let occurrence = i32::try_from(s.generated_count + 1).unwrap_or(i32::MAX);
    db::mark_generated(&mut *tx, business, invoice, s.id, occurrence).await?;
    let new_lines: Vec<invoices_db::NewLine> = lines
        .into_iter()
        .map(|(description, total_minor)| invoices_db::NewLine {
            id: InvoiceLineId(Uuid::now_v7()),
            description,
            quantity: None,
            unit_price_minor: None,
            total_minor,
            source: None,
        })
        .collect();
    invoices_db::append_lines(&mut *tx, business, invoice, &new_lines).await?;
    let locked = invoices_db::lock(&mut *tx, business, invoice).await?;
    recompute_in(business, &mut *tx, &locked).await?;
    timeline::add_event(
        &mut *tx,
        business,
        s.client_id,
        EventKind::RecurringGenerated,
        &s.name,
        json!({ "invoice_id": invoice, "schedule_id": s.id, "occurrence": occurrence }),
        actor,
    )
    .await?;
    let mut issue_error = None;
    if s.auto_issue {
        // A savepoint: a refused issue leaves the draft (and the run) in place.
        let mut savepoint = tx.begin().await?;
        match issue_in(&mut savepoint, business, &settings, &locked, now, actor).await {
            Ok(_) => savepoint.commit().await?,
            Err(error) => {
                savepoint.rollback().await?;
                issue_error = Some(format!("The invoice was made as a draft but not issued: {error}"));
            }
        }
    }
    let next = position(&s.cadence, s.generated_count + 1, s.cadence_offset, s.status);
    db::set_position(&mut *tx, business, s.id, &next, Some((now, issue_error.as_deref()))).await?;
    Ok(Made { invoice, issued: s.auto_issue && issue_error.is_none(), ended: next.status == ScheduleStatus::Ended })
}

/// At most this many invoices per sweep; a longer catch-up continues in the next one.
pub const SWEEP_LIMIT: u32 = 500;

/// Makes every occurrence due at `now` (each business's today), oldest first, one transaction
/// each, at most `limit`. A schedule whose run fails records why and is left for the next sweep;
/// the others go on.
pub async fn sweep(pool: &PgPool, now: DateTime<Utc>, limit: u32) -> AppResult<SweepReport> {
    let mut report = SweepReport::default();
    let mut failed: Vec<Uuid> = Vec::new();
    while report.generated + report.failed < limit {
        let mut tx = pool.begin().await?;
        let Some(s) = db::lock_due(&mut tx, now, &failed).await? else { break };
        let Some(due_on) = s.next_run_on else { break };
        match make(&mut tx, &s, due_on, now, None).await {
            Ok(made) => {
                tx.commit().await?;
                report.generated += 1;
                report.issued += u32::from(made.issued);
                report.ended += u32::from(made.ended);
            }
            Err(error) => {
                tx.rollback().await?;
                tracing::warn!(schedule = %s.id, business = %s.business_id, %error, "a recurring invoice run failed");
                failed.push(s.id.0);
                report.failed += 1;
                db::record_error(pool, s.business_id, s.id, now, &error.to_string()).await?;
            }
        }
    }
    Ok(report)
}

/// One sweep at a time per process: the interval runner and `POST /api/cron/run` share it. (Across
/// replicas, `SKIP LOCKED` shares the schedules instead.)
pub static SWEEPING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Whether `given` is the cron token, compared in constant time (as SHA-256 digests, so the
/// lengths are equal too).
pub fn cron_token_matches(expected: &secrecy::SecretString, given: &str) -> bool {
    use secrecy::ExposeSecret;
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let expected = Sha256::digest(expected.expose_secret().as_bytes());
    let given = Sha256::digest(given.as_bytes());
    expected.ct_eq(&given).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_cron_token_matches() {
        let token = secrecy::SecretString::from("s3cret-token");
        assert!(cron_token_matches(&token, "s3cret-token"));
        for wrong in ["", "s3cret-toke", "s3cret-token ", "S3CRET-TOKEN"] {
            assert!(!cron_token_matches(&token, wrong), "{wrong:?}");
        }
    }
}
