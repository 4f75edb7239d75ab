//! Time entry SQL.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ProjectId, TaskId, TimeEntryId, UserId};
use crate::money::Money;
use crate::server::db::{money, rate};
use crate::server::errors::ResultExt;
use crate::time::{RateInputs, RateSource, TaskOption};
use chrono::{DateTime, TimeZone, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The business settings time tracking needs.
pub struct TimeSettings {
    pub timezone: String,
    pub hours_per_day: i64,
    pub forgotten_timer_hours: i32,
}

pub async fn settings(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<TimeSettings> {
    let r = sqlx::query!(
        "select timezone, hours_per_day, forgotten_timer_hours from businesses where id = $1",
        business_id.0
    )
    .fetch_one(db)
    .await?;
    Ok(TimeSettings {
        timezone: r.timezone,
        hours_per_day: i64::from(r.hours_per_day),
        forgotten_timer_hours: r.forgotten_timer_hours,
    })
}

/// Serialises timer changes per member: concurrent starts queue up instead of racing.
pub async fn lock_member(tx: &mut PgConnection, business_id: BusinessId, user_id: UserId) -> AppResult<()> {
    sqlx::query!(
        "select role from memberships where business_id = $1 and user_id = $2 for update",
        business_id.0,
        user_id.0
    )
    .fetch_optional(tx)
    .await?
    .ok_or(AppError::Forbidden)?;
    Ok(())
}

/// Every rate that could apply to `user_id` working on `task_id`, and whether its client is archived.
pub async fn rate_inputs(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    task_id: TaskId,
    user_id: UserId,
) -> AppResult<(RateInputs, bool)> {
    let r = sqlx::query!(
        r#"select p.default_rate_minor as p_minor, p.default_rate_currency as p_currency, p.default_rate_unit as p_unit,
                  c.default_rate_minor as c_minor, c.default_rate_currency as c_currency, c.default_rate_unit as c_unit,
                  r.bill_rate_minor as "m_minor?", r.bill_rate_currency as "m_currency?", r.bill_rate_unit as "m_unit?",
                  r.cost_minor as "k_minor?", r.cost_currency as "k_currency?", r.cost_unit as "k_unit?",
                  b.hours_per_day, c.archived_at
           from tasks t
           join projects p on p.business_id = t.business_id and p.id = t.project_id
           join clients c on c.business_id = p.business_id and c.id = p.client_id
           join businesses b on b.id = t.business_id
           left join team_rates r on r.business_id = t.business_id and r.client_id = c.id and r.user_id = $3
           where t.business_id = $1 and t.id = $2"#,
        business_id.0,
        task_id.0,
        user_id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        RateInputs {
            manual: None,
            member: rate(r.m_minor, r.m_currency, r.m_unit),
            project: rate(r.p_minor, r.p_currency, r.p_unit),
            client: rate(r.c_minor, r.c_currency, r.c_unit),
            member_cost: rate(r.k_minor, r.k_currency, r.k_unit),
            hours_per_day: i64::from(r.hours_per_day),
        },
        r.archived_at.is_some(),
    ))
}

#[derive(Debug, Clone)]
pub struct RunningRow {
    pub id: TimeEntryId,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub started_at: DateTime<Utc>,
}

pub async fn running(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    user_id: UserId,
) -> AppResult<Option<RunningRow>> {
    let row = sqlx::query!(
        r#"select e.id, e.task_id, t.title as task_title, p.id as project_id, p.name as project_name, e.started_at
           from time_entries e
           join tasks t on t.business_id = e.business_id and t.id = e.task_id
           join projects p on p.business_id = t.business_id and p.id = t.project_id
           where e.business_id = $1 and e.user_id = $2 and e.ended_at is null"#,
        business_id.0,
        user_id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| RunningRow {
        id: r.id.into(),
        task_id: r.task_id.into(),
        task_title: r.task_title,
        project_id: r.project_id.into(),
        project_name: r.project_name,
        started_at: r.started_at,
    }))
}

pub async fn finish(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: TimeEntryId,
    ended_at: DateTime<Utc>,
    duration: i64,
) -> AppResult<()> {
    sqlx::query!(
        "update time_entries set ended_at = $3, duration_seconds = $4 where business_id = $1 and id = $2 and ended_at is null",
        business_id.0,
        id.0,
        ended_at,
        duration
    )
    .execute(db)
    .await?;
    Ok(())
}

pub struct NewEntry {
    pub business_id: BusinessId,
    pub user_id: UserId,
    pub task_id: TaskId,
    pub timer: bool,
    pub started_at: DateTime<Utc>,
    /// `None` for a running timer.
    pub duration: Option<i64>,
    pub billable: bool,
    pub note: String,
    pub rate: Option<(Money, RateSource)>,
    pub cost: Option<Money>,
}

pub async fn insert(db: impl PgExecutor<'_>, entry: &NewEntry) -> AppResult<TimeEntryId> {
    let ended_at = entry.duration.map(|d| entry.started_at + chrono::Duration::seconds(d));
    sqlx::query_scalar!(
        "insert into time_entries (id, business_id, user_id, task_id, source, started_at, ended_at, duration_seconds, billable,
                                   note, rate_minor, rate_currency, rate_source, cost_minor, cost_currency)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning id",
        Uuid::now_v7(),
        entry.business_id.0,
        entry.user_id.0,
        entry.task_id.0,
        if entry.timer { "timer" } else { "manual" },
        entry.started_at,
        ended_at,
        entry.duration,
        entry.billable,
        entry.note,
        entry.rate.map(|(m, _)| m.minor),
        entry.rate.map(|(m, _)| m.currency.to_string()) as Option<String>,
        entry.rate.map(|(_, s)| s) as _,
        entry.cost.map(|m| m.minor),
        entry.cost.map(|m| m.currency.to_string()) as Option<String>
    )
    .fetch_one(db)
    .await
    .on_constraints(|name| match name {
        "time_entries_one_running_key" => Some(AppError::Conflict("A timer is already running.".into())),
        "time_entries_task_fkey" => Some(AppError::NotFound),
        _ => None,
    })
    .map(TimeEntryId)
}

/// A stored entry with the names shown next to it.
pub struct EntryRow {
    pub id: TimeEntryId,
    pub user_id: UserId,
    pub user_name: String,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub client_name: String,
    pub started_at: DateTime<Utc>,
    pub duration_seconds: Option<i64>,
    pub billable: bool,
    pub note: String,
    pub rate: Option<Money>,
    pub rate_source: Option<RateSource>,
    pub cost: Option<Money>,
    pub billed: bool,
}

/// Which stopped entries to read; `None` means any.
#[derive(Debug, Clone, Copy)]
pub struct EntryFilter {
    pub id: Option<TimeEntryId>,
    pub user_id: Option<UserId>,
    pub task_id: Option<TaskId>,
    /// Entries that started in `[from, to)`.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl EntryFilter {
    /// No filter. The bounds are years Postgres can store (chrono's extremes are not).
    pub fn all() -> Self {
        let year = |y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single().unwrap_or_default();
        EntryFilter { id: None, user_id: None, task_id: None, from: year(1900), to: year(9999) }
    }
}

/// Stopped entries matching the filter, oldest first.
pub async fn entries(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    filter: EntryFilter,
) -> AppResult<Vec<EntryRow>> {
    let rows = sqlx::query!(
        r#"select e.id, e.user_id, a.name as user_name, e.task_id, t.title as task_title, p.id as project_id, p.name as project_name,
                  c.name as client_name, e.started_at, e.duration_seconds, e.billable, e.note,
                  e.rate_minor, e.rate_currency, e.rate_source as "rate_source: RateSource", e.cost_minor, e.cost_currency,
                  (e.invoice_line_id is not null) as "billed!"
           from time_entries e
           join accounts a on a.id = e.user_id
           join tasks t on t.business_id = e.business_id and t.id = e.task_id
           join projects p on p.business_id = t.business_id and p.id = t.project_id
           join clients c on c.business_id = p.business_id and c.id = p.client_id
           where e.business_id = $1 and ($2::uuid is null or e.user_id = $2) and ($3::uuid is null or e.task_id = $3)
             and ($6::uuid is null or e.id = $6)
             and e.ended_at is not null and e.started_at >= $4 and e.started_at < $5
           order by e.started_at, e.id"#,
        business_id.0,
        filter.user_id.map(|id| id.0),
        filter.task_id.map(|id| id.0),
        filter.from,
        filter.to,
        filter.id.map(|id| id.0)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EntryRow {
            id: r.id.into(),
            user_id: r.user_id.into(),
            user_name: r.user_name,
            task_id: r.task_id.into(),
            task_title: r.task_title,
            project_id: r.project_id.into(),
            project_name: r.project_name,
            client_name: r.client_name,
            started_at: r.started_at,
            duration_seconds: r.duration_seconds,
            billable: r.billable,
            note: r.note,
            rate: money(r.rate_minor, r.rate_currency),
            rate_source: r.rate_source,
            cost: money(r.cost_minor, r.cost_currency),
            billed: r.billed,
        })
        .collect())
}

/// Owner and billing state of one entry.
pub struct EntryState {
    pub user_id: UserId,
    pub billed: bool,
}

pub async fn state(db: impl PgExecutor<'_>, business_id: BusinessId, id: TimeEntryId) -> AppResult<EntryState> {
    let r = sqlx::query!(
        r#"select user_id, (invoice_line_id is not null) as "billed!" from time_entries where business_id = $1 and id = $2"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(EntryState { user_id: r.user_id.into(), billed: r.billed })
}

/// Updates a note unless the entry has been billed in the meantime.
pub async fn update_note(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: TimeEntryId,
    note: &str,
) -> AppResult<bool> {
    let updated = sqlx::query!(
        "update time_entries set note = $3 where business_id = $1 and id = $2 and invoice_line_id is null",
        business_id.0,
        id.0,
        note
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: BusinessId, id: TimeEntryId) -> AppResult<bool> {
    let deleted = sqlx::query!(
        "delete from time_entries where business_id = $1 and id = $2 and invoice_line_id is null",
        business_id.0,
        id.0
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// What stands in the way of deleting a task: its time on an invoice, a timer running on it, and
/// time tracked by members other than `member`.
pub struct TaskTime {
    pub billed: bool,
    pub running: bool,
    pub others: bool,
}

pub async fn task_time(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    task_id: TaskId,
    member: UserId,
) -> AppResult<TaskTime> {
    let row = sqlx::query!(
        r#"select coalesce(bool_or(invoice_line_id is not null), false) as "billed!",
                  coalesce(bool_or(ended_at is null), false) as "running!",
                  coalesce(bool_or(user_id <> $3), false) as "others!"
           from time_entries where business_id = $1 and task_id = $2"#,
        business_id.0,
        task_id.0,
        member.0
    )
    .fetch_one(db)
    .await?;
    Ok(TaskTime { billed: row.billed, running: row.running, others: row.others })
}

/// The timesheet's pickers in one statement: the business's members (by joining order) and, when
/// `with_tasks`, the open tasks time can be logged on, labelled "Client · Project · Task".
pub async fn week_choices(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    with_tasks: bool,
) -> AppResult<(Vec<(UserId, String)>, Vec<TaskOption>)> {
    let rows = sqlx::query!(
        r#"select kind as "kind!", id as "id!", label as "label!" from (
               (select 0 as kind, m.user_id as id, a.name as label, ''::text as client_sort, ''::text as project_sort,
                       m.created_at as at
                from memberships m join accounts a on a.id = m.user_id
                where m.business_id = $1)
               union all
               (select 1, t.id, c.name || ' · ' || p.name || ' · ' || t.title, lower(c.name), lower(p.name), t.created_at
                from tasks t
                join projects p on p.business_id = t.business_id and p.id = t.project_id
                join clients c on c.business_id = p.business_id and c.id = p.client_id
                where $2 and t.business_id = $1 and t.status <> 'done' and p.status <> 'completed' and c.archived_at is null
                order by lower(c.name), lower(p.name), t.created_at, t.id
                limit 1000)
           ) offered
           order by kind, client_sort, project_sort, at, id"#,
        business_id.0,
        with_tasks
    )
    .fetch_all(db)
    .await?;
    let (mut members, mut tasks) = (Vec::new(), Vec::new());
    for r in rows {
        if r.kind == 0 {
            members.push((r.id.into(), r.label));
        } else {
            tasks.push(TaskOption { id: r.id.into(), label: r.label });
        }
    }
    Ok((members, tasks))
}

pub async fn open_tasks(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<Vec<TaskOption>> {
    let rows = sqlx::query!(
        "select t.id, t.title, p.name as project_name, c.name as client_name
         from tasks t
         join projects p on p.business_id = t.business_id and p.id = t.project_id
         join clients c on c.business_id = p.business_id and c.id = p.client_id
         where t.business_id = $1 and t.status <> 'done' and p.status <> 'completed' and c.archived_at is null
         order by lower(c.name), lower(p.name), t.created_at
         limit 1000",
        business_id.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TaskOption {
            id: r.id.into(), label: format!("{} · {} · {}", r.client_name, r.project_name, r.title)
        })
        .collect())
}
