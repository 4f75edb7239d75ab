//! Time tracking operations. Instants are UTC; days and weeks are the business's time zone's.

use crate::error::{AppError, AppResult};
use crate::ids::{TaskId, TimeEntryId, UserId};
use crate::permissions::Permission;
use crate::server::db::time as db;
use crate::server::BusinessCtx;
use crate::time::{
    build_week, resolve_rate, timer_duration, week_start, ManualEntry, RunningTimer, TimeEntryView, Timesheet,
    WeekEntry, MAX_DURATION_SECONDS,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub fn zone(name: &str) -> Tz {
    name.parse::<Tz>().unwrap_or(Tz::UTC)
}

/// A zone name the tz database knows, as typed.
pub fn valid_zone(name: &str) -> Result<String, String> {
    name.parse::<Tz>().map(|tz| tz.name().to_owned()).map_err(|_| format!("{name} is not a time zone Clerq knows."))
}

pub fn zone_names() -> Vec<String> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name().to_owned()).collect()
}

/// The instant a local wall-clock time names. In a DST gap (a time that never happened) the next
/// existing minute is used; in an overlap, the earlier of the two.
pub fn from_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = local;
    for _ in 0..180 {
        if let Some(t) = tz.from_local_datetime(&candidate).earliest() {
            return t.with_timezone(&Utc);
        }
        candidate += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

pub fn local_date(tz: Tz, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// `[Monday 00:00, next Monday 00:00)` local, as instants: 167, 168 or 169 hours.
pub fn week_bounds(tz: Tz, monday: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    days_bounds(tz, monday, monday + Duration::days(7))
}

/// The instants of local midnight starting `from` and `to`: the half-open range [from, to).
fn days_bounds(tz: Tz, from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| from_local(tz, d.and_time(NaiveTime::MIN));
    (midnight(from), midnight(to))
}

/// The longest range one request may read.
pub const RANGE_MAX_DAYS: i64 = 366;

fn local_label(tz: Tz, instant: DateTime<Utc>) -> String {
    instant.with_timezone(&tz).format("%a %-d %b, %H:%M").to_string()
}

fn local_input(tz: Tz, instant: DateTime<Utc>) -> String {
    instant.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

fn entry_view(row: db::EntryRow, tz: Tz, show_cost: bool) -> TimeEntryView {
    TimeEntryView {
        id: row.id,
        task_id: row.task_id,
        task_title: row.task_title,
        project_id: row.project_id,
        project_name: row.project_name,
        client_name: row.client_name,
        user_name: row.user_name,
        started_at: row.started_at,
        started_local: local_label(tz, row.started_at),
        duration_seconds: row.duration_seconds.unwrap_or(0),
        billable: row.billable,
        note: row.note,
        rate: row.rate,
        rate_source: row.rate_source,
        cost: if show_cost { row.cost } else { None },
        billed: row.billed,
    }
}

fn archived_client() -> AppError {
    AppError::field("task_id", "This task's client is archived. Restore the client to track time on it.")
}

pub async fn running(ctx: &BusinessCtx) -> AppResult<Option<RunningTimer>> {
    ctx.require(Permission::TimeLog)?;
    Ok(db::running(&ctx.pool, ctx.business.id, ctx.user.id).await?.map(|row| running_view(ctx, row)))
}

/// The running timer as the shell shows it, from a row the caller already has (the session layer
/// reads it with the session).
pub fn running_view(ctx: &BusinessCtx, row: db::RunningRow) -> RunningTimer {
    let tz = zone(&ctx.local.timezone);
    let now = ctx.now();
    let mut timer = RunningTimer {
        entry_id: row.id,
        task_id: row.task_id,
        task_title: row.task_title,
        project_id: row.project_id,
        project_name: row.project_name,
        started_at: row.started_at,
        started_local: local_label(tz, row.started_at),
        started_input: local_input(tz, row.started_at),
        now_input: local_input(tz, now),
        forgotten_after_hours: ctx.local.forgotten_timer_hours,
        elapsed_seconds: (now - row.started_at).num_seconds().max(0),
        forgotten: false,
    };
    timer.forgotten = timer.is_forgotten(now);
    timer
}

/// Stops `running` at `ended_at`, inside the caller's transaction (which holds the member lock).
async fn stop_running(
    tx: &mut sqlx::PgConnection,
    ctx: &BusinessCtx,
    running: &db::RunningRow,
    ended_at: DateTime<Utc>,
) -> AppResult<()> {
    if ended_at <= running.started_at {
        return Err(AppError::field("ended_at", "Choose a time after the timer started."));
    }
    let duration = timer_duration(running.started_at, ended_at);
    if duration > MAX_DURATION_SECONDS {
        return Err(AppError::field(
            "ended_at",
            "A time entry can be at most 7 days long. Choose an earlier time, then add the rest by hand.",
        ));
    }
    db::finish(&mut *tx, ctx.business.id, running.id, ended_at, duration).await
}

pub async fn start(ctx: &BusinessCtx, task: TaskId) -> AppResult<RunningTimer> {
    ctx.require(Permission::TimeLog)?;
    let mut tx = ctx.pool.begin().await?;
    // One member's starts and stops run one at a time; the partial unique index backs this up.
    db::lock_member(&mut tx, ctx.business.id, ctx.user.id).await?;
    let already = db::running(&mut *tx, ctx.business.id, ctx.user.id).await?;
    if already.as_ref().is_none_or(|r| r.task_id != task) {
        let (inputs, archived) = db::rate_inputs(&mut *tx, ctx.business.id, task, ctx.user.id).await?;
        if archived {
            return Err(archived_client());
        }
        let now = ctx.now();
        // Switching tasks: the running entry ends exactly when the new one starts.
        if let Some(previous) = &already {
            stop_running(&mut tx, ctx, previous, now).await?;
        }
        let frozen = resolve_rate(&inputs);
        let entry = db::NewEntry {
            business_id: ctx.business.id,
            user_id: ctx.user.id,
            task_id: task,
            timer: true,
            started_at: now,
            duration: None,
            billable: true,
            note: String::new(),
            rate: frozen.rate,
            cost: frozen.cost,
        };
        db::insert(&mut *tx, &entry).await?;
    }
    tx.commit().await?;
    running(ctx).await?.ok_or_else(|| crate::server::errors::internal("timer vanished after starting", task))
}

/// Stops the running timer now, or at a local time the member gives for a forgotten timer.
pub async fn stop(ctx: &BusinessCtx, at: Option<NaiveDateTime>) -> AppResult<Option<TimeEntryView>> {
    ctx.require(Permission::TimeLog)?;
    let tz = zone(&ctx.local.timezone);
    let now = ctx.now();
    let ended_at = match at {
        None => now,
        Some(local) => {
            let instant = from_local(tz, local);
            if instant > now {
                return Err(AppError::field("ended_at", "That time hasn't happened yet."));
            }
            instant
        }
    };
    let mut tx = ctx.pool.begin().await?;
    db::lock_member(&mut tx, ctx.business.id, ctx.user.id).await?;
    let Some(running) = db::running(&mut *tx, ctx.business.id, ctx.user.id).await? else { return Ok(None) };
    stop_running(&mut tx, ctx, &running, ended_at).await?;
    tx.commit().await?;
    entry(ctx, tz, running.id).await.map(Some)
}

async fn entry(ctx: &BusinessCtx, tz: Tz, id: TimeEntryId) -> AppResult<TimeEntryView> {
    let filter = db::EntryFilter { id: Some(id), ..db::EntryFilter::all() };
    let rows = db::entries(&ctx.pool, ctx.business.id, filter).await?;
    rows.into_iter().next().map(|r| entry_view(r, tz, ctx.can(Permission::ReportsViewProfit))).ok_or(AppError::NotFound)
}

pub async fn log_manual(ctx: &BusinessCtx, input: ManualEntry) -> AppResult<TimeEntryView> {
    ctx.require(Permission::TimeLog)?;
    if input.rate.is_some() && !ctx.can(Permission::ClientsManageRates) {
        // Whoever may not set client rates may not bill their own hours at a rate they choose.
        return Err(AppError::field(
            &crate::validation::money_key("rate", "amount"),
            "Setting a rate on an entry needs the \"Manage client rates\" permission. Leave it empty to use the usual rate.",
        ));
    }
    let tz = zone(&ctx.local.timezone);
    let (mut inputs, archived) =
        db::rate_inputs(&ctx.pool, ctx.business.id, input.task, ctx.user.id).await.map_err(|e| {
            if e == AppError::NotFound {
                AppError::field("task_id", "Choose one of your tasks.")
            } else {
                e
            }
        })?;
    if archived {
        return Err(archived_client());
    }
    inputs.manual = input.rate;
    let frozen = resolve_rate(&inputs);
    let entry = db::NewEntry {
        business_id: ctx.business.id,
        user_id: ctx.user.id,
        task_id: input.task,
        timer: false,
        started_at: from_local(tz, input.date.and_time(input.start)),
        duration: Some(input.duration_seconds),
        billable: input.billable,
        note: input.note,
        rate: frozen.rate,
        cost: frozen.cost,
    };
    let id = db::insert(&ctx.pool, &entry).await?;
    self::entry(ctx, tz, id).await
}

/// The week containing `week` (this week when `None`) for `member` (the caller when `None`).
pub async fn timesheet(ctx: &BusinessCtx, week: Option<NaiveDate>, member: Option<UserId>) -> AppResult<Timesheet> {
    ctx.require(Permission::TimeViewOwn)?;
    let can_view_all = ctx.can(Permission::TimeViewAll);
    let member_id = member.unwrap_or(ctx.user.id);
    if member_id != ctx.user.id && !can_view_all {
        return Err(AppError::Forbidden);
    }
    let with_tasks = ctx.can(Permission::TasksView);
    let (members, tasks) = db::week_choices(&ctx.pool, ctx.business.id, with_tasks).await?;
    let members: Vec<(UserId, String)> =
        members.into_iter().filter(|(id, _)| can_view_all || *id == ctx.user.id).collect();
    let member_name =
        members.iter().find(|(id, _)| *id == member_id).map(|(_, name)| name.clone()).ok_or(AppError::NotFound)?;
    let tz = zone(&ctx.local.timezone);
    let today = local_date(tz, ctx.now());
    let monday = week_start(week.unwrap_or(today));
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let (from, to) = week_bounds(tz, monday);
    let filter = db::EntryFilter { user_id: Some(member_id), from, to, ..db::EntryFilter::all() };
    let rows = db::entries(&ctx.pool, ctx.business.id, filter).await?;

    let placed: Vec<WeekEntry> = rows
        .iter()
        .filter_map(|row| {
            let day = usize::try_from((local_date(tz, row.started_at) - monday).num_days()).ok()?;
            Some(WeekEntry {
                day,
                seconds: row.duration_seconds?,
                task_id: row.task_id,
                task_title: row.task_title.clone(),
                project_id: row.project_id,
                project_name: row.project_name.clone(),
                client_name: row.client_name.clone(),
            })
        })
        .collect();
    let (week_rows, day_totals) = build_week(&placed);
    let show_cost = ctx.can(Permission::ReportsViewProfit);
    Ok(Timesheet {
        week_start: monday,
        days,
        today,
        week_total: day_totals.iter().sum(),
        rows: week_rows,
        day_totals,
        member_id,
        member_name,
        members,
        entries: rows.into_iter().map(|r| entry_view(r, tz, show_cost)).collect(),
        tasks,
        viewing_self: member_id == ctx.user.id,
        can_log: ctx.can(Permission::TimeLog),
        can_edit: ctx.can(Permission::TimeEdit) && (member_id == ctx.user.id || ctx.can(Permission::TimeManageOthers)),
        can_delete: ctx.can(Permission::TimeDelete)
            && (member_id == ctx.user.id || ctx.can(Permission::TimeManageOthers)),
        timezone: ctx.local.timezone.clone(),
        business_currency: ctx.business.currency.clone(),
    })
}

/// Stopped entries that started on the business's calendar days [from, to): the caller's own, or
/// with `time.viewAll` everyone's (or one member's).
pub async fn between(
    ctx: &BusinessCtx,
    from: NaiveDate,
    to: NaiveDate,
    member: Option<UserId>,
) -> AppResult<Vec<TimeEntryView>> {
    ctx.require(Permission::TimeViewOwn)?;
    if to <= from {
        return Err(AppError::field("to", "The end date must be after the start date."));
    }
    if (to - from).num_days() > RANGE_MAX_DAYS {
        return Err(AppError::field("to", format!("Ask for at most {RANGE_MAX_DAYS} days at a time.")));
    }
    let can_view_all = ctx.can(Permission::TimeViewAll);
    let user = match member {
        Some(m) if m != ctx.user.id && !can_view_all => return Err(AppError::Forbidden),
        Some(m) => Some(m),
        None if can_view_all => None,
        None => Some(ctx.user.id),
    };
    let tz = zone(&ctx.local.timezone);
    let (from, to) = days_bounds(tz, from, to);
    let filter = db::EntryFilter { user_id: user, from, to, ..db::EntryFilter::all() };
    let rows = db::entries(&ctx.pool, ctx.business.id, filter).await?;
    let show_cost = ctx.can(Permission::ReportsViewProfit);
    Ok(rows.into_iter().map(|r| entry_view(r, tz, show_cost)).collect())
}

pub async fn for_task(ctx: &BusinessCtx, task: TaskId) -> AppResult<Vec<TimeEntryView>> {
    ctx.require(Permission::TimeViewOwn)?;
    crate::server::db::tasks::get(&ctx.pool, ctx.business.id, task).await?;
    let user = if ctx.can(Permission::TimeViewAll) { None } else { Some(ctx.user.id) };
    let tz = zone(&ctx.local.timezone);
    let filter = db::EntryFilter { user_id: user, task_id: Some(task), ..db::EntryFilter::all() };
    let rows = db::entries(&ctx.pool, ctx.business.id, filter).await?;
    let show_cost = ctx.can(Permission::ReportsViewProfit);
    Ok(rows.into_iter().map(|r| entry_view(r, tz, show_cost)).collect())
}

/// The single rule for changing an entry: your own, or a teammate's with `time.manageOthers`
/// (seeing everyone's time is not enough), and never once billed. An entry you cannot see is
/// `NotFound`.
async fn check_changeable(ctx: &BusinessCtx, id: TimeEntryId) -> AppResult<()> {
    let state = db::state(&ctx.pool, ctx.business.id, id).await?;
    if state.user_id != ctx.user.id {
        if !ctx.can(Permission::TimeViewAll) && !ctx.can(Permission::TimeManageOthers) {
            return Err(AppError::NotFound);
        }
        if !ctx.can(Permission::TimeManageOthers) {
            return Err(AppError::NotAllowed(
                "You can change only your own time entries. Changing a teammate's needs \"Edit and delete teammates' time entries\".".into(),
            ));
        }
    }
    if state.billed {
        return Err(billed());
    }
    Ok(())
}

fn billed() -> AppError {
    AppError::NotAllowed(
        "This entry is on an invoice, so it can't be changed. Remove it from the invoice first.".into(),
    )
}

pub async fn update_note(ctx: &BusinessCtx, id: TimeEntryId, text: &str) -> AppResult<()> {
    ctx.require(Permission::TimeEdit)?;
    check_changeable(ctx, id).await?;
    if db::update_note(&ctx.pool, ctx.business.id, id, text).await? {
        Ok(())
    } else {
        Err(billed())
    }
}

pub async fn delete(ctx: &BusinessCtx, id: TimeEntryId) -> AppResult<()> {
    ctx.require(Permission::TimeDelete)?;
    check_changeable(ctx, id).await?;
    if db::delete(&ctx.pool, ctx.business.id, id).await? {
        Ok(())
    } else {
        Err(billed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_week_with_a_dst_change_is_167_or_169_hours_long() {
        let london = zone("Europe/London");
        let (from, to) = week_bounds(london, d(2026, 3, 23));
        assert_eq!((to - from).num_hours(), 167, "clocks go forward on 29 March 2026");
        let (from, to) = week_bounds(london, d(2026, 10, 19));
        assert_eq!((to - from).num_hours(), 169, "and back on 25 October 2026");
        let (from, to) = week_bounds(zone("UTC"), d(2026, 12, 28));
        assert_eq!((to - from).num_hours(), 168);
        assert_eq!(from.to_rfc3339(), "2026-12-28T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-04T00:00:00+00:00", "the week runs into the new year");
    }

    #[test]
    fn local_days_follow_the_business_zone() {
        let auckland = zone("Pacific/Auckland");
        let instant = Utc.with_ymd_and_hms(2026, 11, 29, 20, 0, 0).single().expect("instant");
        assert_eq!(local_date(auckland, instant), d(2026, 11, 30), "already Monday in Auckland");
        assert_eq!(local_date(zone("UTC"), instant), d(2026, 11, 29));
    }

    #[test]
    fn times_that_never_happened_move_to_the_next_real_minute() {
        let london = zone("Europe/London");
        let gap = d(2026, 3, 29).and_hms_opt(1, 30, 0).expect("time");
        assert_eq!(from_local(london, gap).to_rfc3339(), "2026-03-29T01:00:00+00:00");
        let overlap = d(2026, 10, 25).and_hms_opt(1, 30, 0).expect("time");
        assert_eq!(from_local(london, overlap).to_rfc3339(), "2026-10-25T00:30:00+00:00", "the earlier 01:30");
        assert_eq!(zone("Not/AZone"), Tz::UTC);
    }
}
