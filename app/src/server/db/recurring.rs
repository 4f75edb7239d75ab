//! Recurring schedule SQL (tables `recurring_schedules`, `recurring_schedules_lines`).

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, ProjectId, ScheduleId, UserId};
use crate::invoices::TaxTreatment;
use crate::money::CurrencyCode;
use crate::recurring::{Cadence, Frequency, Schedule, ScheduleInput, ScheduleLine, ScheduleStatus};
use crate::server::errors::{internal, ResultExt};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

fn currency(code: &str) -> AppResult<CurrencyCode> {
    CurrencyCode::parse(code).map_err(|e| internal("a stored currency is malformed", e))
}

/// Stored integers within the table's checks; a negative one would be a broken row.
fn count(value: i32) -> AppResult<u32> {
    u32::try_from(value).map_err(|e| internal("a stored schedule count is negative", e))
}

fn cadence(
    frequency: Frequency,
    interval: i32,
    anchor_day: i32,
    start: NaiveDate,
    end: Option<NaiveDate>,
    limit: Option<i32>,
) -> AppResult<Cadence> {
    Ok(Cadence {
        frequency,
        interval: count(interval)?,
        anchor_day: count(anchor_day)?,
        start,
        end,
        limit: limit.map(count).transpose()?,
    })
}

fn constraint_error(constraint: &str) -> Option<AppError> {
    match constraint {
        "recurring_schedules_client_fkey" => Some(AppError::field("client_id", "Choose one of your clients.")),
        "recurring_schedules_project_fkey" => Some(AppError::field("project_id", "Choose one of your projects.")),
        _ => None,
    }
}

/// The schedule row locked for the rest of the transaction: a run, a "generate now", an edit or a
/// status change of one schedule happen one after another.
pub struct Locked {
    pub id: ScheduleId,
    pub business_id: BusinessId,
    pub client_id: ClientId,
    pub project_id: Option<ProjectId>,
    pub name: String,
    pub currency: CurrencyCode,
    pub tax_treatment: TaxTreatment,
    pub cadence: Cadence,
    pub net_terms_days: i32,
    pub auto_issue: bool,
    pub status: ScheduleStatus,
    pub notes: String,
    pub generated_count: u32,
    pub cadence_offset: i32,
    pub next_run_on: Option<NaiveDate>,
    pub created_by: Option<UserId>,
}

macro_rules! locked_from_row {
    ($r:expr) => {{
        let r = $r;
        Locked {
            id: ScheduleId(r.id),
            business_id: BusinessId(r.business_id),
            client_id: ClientId(r.client_id),
            project_id: r.project_id.map(ProjectId),
            name: r.name,
            currency: currency(&r.currency)?,
            tax_treatment: r.tax_treatment,
            cadence: cadence(
                r.frequency,
                r.interval_count,
                r.anchor_day,
                r.start_date,
                r.end_date,
                r.occurrence_limit,
            )?,
            net_terms_days: r.net_terms_days,
            auto_issue: r.auto_issue,
            status: r.status,
            notes: r.notes,
            generated_count: count(r.generated_count)?,
            cadence_offset: r.cadence_offset,
            next_run_on: r.next_run_on,
            created_by: r.created_by.map(UserId),
        }
    }};
}

pub async fn lock(db: &mut PgConnection, business_id: BusinessId, id: ScheduleId) -> AppResult<Locked> {
    let r = sqlx::query!(
        r#"select id, business_id, client_id, project_id, name, currency::text as "currency!",
                  tax_treatment as "tax_treatment: TaxTreatment", frequency as "frequency: Frequency", interval_count,
                  anchor_day, start_date, end_date, occurrence_limit, net_terms_days, auto_issue,
                  status as "status: ScheduleStatus", notes, generated_count, cadence_offset, next_run_on, created_by
           from recurring_schedules where business_id = $1 and id = $2 for update"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(locked_from_row!(r))
}

/// The active schedule, of any business, whose next invoice is due soonest on or before its
/// business's today at `now`, locked; `None` when nothing is due. A schedule another sweep holds
/// is skipped (`SKIP LOCKED`), so sweeps on several replicas share the work, as are `skip`ped
/// ones (failed in this sweep) and those of suspended businesses.
pub async fn lock_due(db: &mut PgConnection, now: DateTime<Utc>, skip: &[Uuid]) -> AppResult<Option<Locked>> {
    let row = sqlx::query!(
        r#"select s.id, s.business_id, s.client_id, s.project_id, s.name, s.currency::text as "currency!",
                  s.tax_treatment as "tax_treatment: TaxTreatment", s.frequency as "frequency: Frequency",
                  s.interval_count, s.anchor_day, s.start_date, s.end_date, s.occurrence_limit, s.net_terms_days,
                  s.auto_issue, s.status as "status: ScheduleStatus", s.notes, s.generated_count, s.cadence_offset,
                  s.next_run_on, s.created_by
           from recurring_schedules s join businesses b on b.id = s.business_id
           where s.status = 'active' and s.next_run_on <= ($1::timestamptz at time zone b.timezone)::date
             and b.suspended_at is null
             and not (s.id = any($2))
           order by s.next_run_on, s.id
           limit 1
           for update of s skip locked"#,
        now,
        skip
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(r) => Some(locked_from_row!(r)),
        None => None,
    })
}

/// A schedule's lines, in order.
pub async fn lines(db: impl PgExecutor<'_>, business_id: BusinessId, id: ScheduleId) -> AppResult<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"select description, amount_minor::bigint as "amount!" from recurring_schedules_lines
           where business_id = $1 and schedule_id = $2 order by position"#,
        business_id.0,
        id.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.description, r.amount)).collect())
}

/// Where a schedule stands after a change: invoices made, cadence offset, next date, status.
pub struct Position {
    pub generated_count: u32,
    pub cadence_offset: i32,
    pub next_run_on: Option<NaiveDate>,
    pub status: ScheduleStatus,
}

pub async fn count_for(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "n!" from recurring_schedules where business_id = $1"#, business_id.0)
        .fetch_one(db)
        .await?)
}

pub async fn insert(
    db: &mut PgConnection,
    business_id: BusinessId,
    actor: UserId,
    input: &ScheduleInput,
    position: &Position,
) -> AppResult<ScheduleId> {
    let c = &input.cadence;
    let id = sqlx::query_scalar!(
        "insert into recurring_schedules (id, business_id, client_id, project_id, name, currency, tax_treatment, frequency,
                                          interval_count, anchor_day, start_date, end_date, occurrence_limit,
                                          net_terms_days, auto_issue, status, notes, cadence_offset, next_run_on, created_by)
         values ($1, $2, $3, $4, $5, $6::text, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
         returning id",
        Uuid::now_v7(),
        business_id.0,
        input.client_id.0,
        input.project_id.map(|p| p.0),
        input.name,
        input.currency.as_str(),
        input.tax_treatment as _,
        c.frequency as _,
        c.interval as i32,
        c.anchor_day as i32,
        c.start,
        c.end,
        c.limit.map(|l| l as i32),
        input.net_terms_days,
        input.auto_issue,
        position.status as _,
        input.notes,
        position.cadence_offset,
        position.next_run_on,
        actor.0
    )
    .fetch_one(&mut *db)
    .await
    .on_constraints(constraint_error)?;
    let id = ScheduleId(id);
    replace_lines(db, business_id, id, &input.lines).await?;
    Ok(id)
}

pub async fn update(
    db: &mut PgConnection,
    business_id: BusinessId,
    id: ScheduleId,
    input: &ScheduleInput,
    position: &Position,
) -> AppResult<()> {
    let c = &input.cadence;
    sqlx::query!(
        "update recurring_schedules set client_id = $3, project_id = $4, name = $5, currency = $6::text, tax_treatment = $7,
                frequency = $8, interval_count = $9, anchor_day = $10, start_date = $11, end_date = $12,
                occurrence_limit = $13, net_terms_days = $14, auto_issue = $15, status = $16, notes = $17,
                cadence_offset = $18, next_run_on = $19
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        input.client_id.0,
        input.project_id.map(|p| p.0),
        input.name,
        input.currency.as_str(),
        input.tax_treatment as _,
        c.frequency as _,
        c.interval as i32,
        c.anchor_day as i32,
        c.start,
        c.end,
        c.limit.map(|l| l as i32),
        input.net_terms_days,
        input.auto_issue,
        position.status as _,
        input.notes,
        position.cadence_offset,
        position.next_run_on
    )
    .execute(&mut *db)
    .await
    .on_constraints(constraint_error)?;
    replace_lines(db, business_id, id, &input.lines).await
}

async fn replace_lines(
    db: &mut PgConnection,
    business_id: BusinessId,
    id: ScheduleId,
    lines: &[(String, i64)],
) -> AppResult<()> {
    let descriptions: Vec<String> = lines.iter().map(|(d, _)| d.clone()).collect();
    let amounts: Vec<i64> = lines.iter().map(|(_, a)| *a).collect();
    sqlx::query!(
        "delete from recurring_schedules_lines where business_id = $1 and schedule_id = $2",
        business_id.0,
        id.0
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "insert into recurring_schedules_lines (business_id, schedule_id, position, description, amount_minor)
         select $1, $2, u.ord::int, u.description, u.amount
         from unnest($3::text[], $4::bigint[]) with ordinality as u(description, amount, ord)",
        business_id.0,
        id.0,
        &descriptions,
        &amounts
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Moves a schedule to `position` after a run, a "generate now" or a status change, and records
/// the run's outcome (`ran_at`, with `error` when it went partly wrong).
pub async fn set_position(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ScheduleId,
    position: &Position,
    ran_at: Option<(DateTime<Utc>, Option<&str>)>,
) -> AppResult<()> {
    sqlx::query!(
        "update recurring_schedules set generated_count = $3, cadence_offset = $4, next_run_on = $5, status = $6,
                last_run_at = coalesce($7, last_run_at),
                last_error = case when $7::timestamptz is null then last_error else $8 end
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        position.generated_count as i32,
        position.cadence_offset,
        position.next_run_on,
        position.status as _,
        ran_at.map(|(at, _)| at),
        ran_at.and_then(|(_, error)| error)
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records why a run failed; the schedule stays where it was and the next sweep tries again.
pub async fn record_error(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ScheduleId,
    at: DateTime<Utc>,
    error: &str,
) -> AppResult<()> {
    let error: String = error.chars().take(1000).collect();
    sqlx::query!(
        "update recurring_schedules set last_run_at = $3, last_error = $4 where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        at,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks an invoice as its schedule's `occurrence`th.
pub async fn mark_generated(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    invoice: crate::ids::InvoiceId,
    id: ScheduleId,
    occurrence: i32,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set schedule_id = $3, schedule_occurrence = $4 where business_id = $1 and id = $2",
        business_id.0,
        invoice.0,
        id.0,
        occurrence
    )
    .execute(db)
    .await
    .on_constraint("sales_invoices_schedule_occurrence_key", |_| {
        AppError::Conflict("This occurrence was already invoiced.".into())
    })?;
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: BusinessId, id: ScheduleId) -> AppResult<()> {
    let deleted =
        sqlx::query!("delete from recurring_schedules where business_id = $1 and id = $2", business_id.0, id.0)
            .execute(db)
            .await?
            .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The business's schedules (or the one `id`), newest first, with names and lines.
pub async fn select(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: Option<ScheduleId>,
    limit: i64,
) -> AppResult<Vec<Schedule>> {
    let rows = sqlx::query!(
        r#"select s.id, s.name, s.client_id, c.name as client_name, s.project_id, p.name as "project_name?",
                  s.currency::text as "currency!", s.tax_treatment as "tax_treatment: TaxTreatment",
                  s.frequency as "frequency: Frequency", s.interval_count, s.anchor_day, s.start_date, s.end_date,
                  s.occurrence_limit, s.net_terms_days, s.auto_issue, s.status as "status: ScheduleStatus", s.notes,
                  s.generated_count, s.cadence_offset, s.next_run_on, s.last_run_at, s.last_error,
                  coalesce(l.descriptions, '{}') as "descriptions!", coalesce(l.amounts, '{}') as "amounts!"
           from recurring_schedules s
           join clients c on c.business_id = s.business_id and c.id = s.client_id
           left join projects p on p.business_id = s.business_id and p.id = s.project_id
           left join lateral (
               select array_agg(description order by position) as descriptions,
                      array_agg(amount_minor::bigint order by position) as amounts
               from recurring_schedules_lines where business_id = s.business_id and schedule_id = s.id
           ) l on true
           where s.business_id = $1 and ($2::uuid is null or s.id = $2)
           order by s.created_at desc, s.id desc
           limit $3"#,
        business_id.0,
        id.map(|i| i.0),
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Schedule {
                id: ScheduleId(r.id),
                name: r.name,
                client_id: ClientId(r.client_id),
                client_name: r.client_name,
                project_id: r.project_id.map(ProjectId),
                project_name: r.project_name,
                currency: currency(&r.currency)?,
                tax_treatment: r.tax_treatment,
                cadence: cadence(
                    r.frequency,
                    r.interval_count,
                    r.anchor_day,
                    r.start_date,
                    r.end_date,
                    r.occurrence_limit,
                )?,
                net_terms_days: r.net_terms_days,
                auto_issue: r.auto_issue,
                status: r.status,
                notes: r.notes,
                generated_count: count(r.generated_count)?,
                cadence_offset: r.cadence_offset,
                next_run_on: r.next_run_on,
                last_run_at: r.last_run_at,
                last_error: r.last_error,
                lines: r
                    .descriptions
                    .into_iter()
                    .zip(r.amounts)
                    .map(|(description, amount_minor)| ScheduleLine { description, amount_minor })
                    .collect(),
            })
        })
        .collect()
}
