//! Time server functions: build the caller's context, parse, call `server::time`.

use super::{ManualEntryForm, RunningTimer, TimeEntryView, Timesheet};
use crate::error::AppResult;
use crate::ids::{TaskId, TimeEntryId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "time/running")]
pub async fn get_running_timer() -> AppResult<Option<RunningTimer>> {
    // The session layer read the running timer with the session: no query here.
    let running = crate::server::principal()?.and_then(|p| p.running);
    let ctx = crate::server::business()?;
    ctx.require(crate::permissions::Permission::TimeLog)?;
    Ok(running.map(|row| crate::server::time::running_view(&ctx, row)))
}

/// Starts a timer on a task, stopping the one already running in the same transaction.
#[server(prefix = "/api", endpoint = "time/start")]
pub async fn start_timer(task_id: TaskId) -> AppResult<RunningTimer> {
    crate::server::time::start(&crate::server::business()?, task_id).await
}

#[server(prefix = "/api", endpoint = "time/stop")]
pub async fn stop_timer() -> AppResult<Option<TimeEntryView>> {
    crate::server::time::stop(&crate::server::business()?, None).await
}

/// Stops a forgotten timer at the time the member says they stopped (`YYYY-MM-DDTHH:MM`, local).
#[server(prefix = "/api", endpoint = "time/stop_at")]
pub async fn stop_timer_at(ended_at: String) -> AppResult<Option<TimeEntryView>> {
    let at = super::parse_local_datetime(&ended_at)?;
    crate::server::time::stop(&crate::server::business()?, Some(at)).await
}

#[server(prefix = "/api", endpoint = "time/log")]
pub async fn log_time(entry: ManualEntryForm) -> AppResult<TimeEntryView> {
    crate::server::time::log_manual(&crate::server::business()?, entry.validate()?).await
}

/// A week of time (`week` is any date in it, empty for this week) for the viewer or, with
/// `time.viewAll`, another member.
#[server(prefix = "/api", endpoint = "time/timesheet")]
pub async fn get_timesheet(#[server(default)] week: String, #[server(default)] member: String) -> AppResult<Timesheet> {
    // Both come from the page's query string: an empty week is this week, an unreadable or absurd
    // one is the request's mistake; an unreadable member is nobody you can see.
    let week = match week.trim() {
        "" => None,
        text => Some(crate::validation::date(text).map_err(|e| crate::error::AppError::field("week", e))?),
    };
    let member = match member.trim() {
        "" => None,
        id => Some(crate::ids::param(id)?),
    };
    crate::server::time::timesheet(&crate::server::business()?, week, member).await
}

/// Stopped time entries that started on days [`from`, `to`) of the business's calendar
/// (`YYYY-MM-DD`, at most a year): the viewer's own, or with `time.viewAll` everyone's or `member`'s.
#[server(prefix = "/api", endpoint = "time/entries")]
pub async fn list_time_entries(
    from: String,
    to: String,
    #[server(default)] member: String,
) -> AppResult<Vec<TimeEntryView>> {
    use crate::error::AppError;
    let from = crate::validation::date(from.trim()).map_err(|e| AppError::field("from", e))?;
    let to = crate::validation::date(to.trim()).map_err(|e| AppError::field("to", e))?;
    let member = match member.trim() {
        "" => None,
        id => Some(crate::ids::param(id)?),
    };
    crate::server::time::between(&crate::server::business()?, from, to, member).await
}

/// The time on one task: the viewer's own, or everyone's with `time.viewAll`.
#[server(prefix = "/api", endpoint = "time/for_task")]
pub async fn list_task_time(task_id: TaskId) -> AppResult<Vec<TimeEntryView>> {
    crate::server::time::for_task(&crate::server::business()?, task_id).await
}

#[server(prefix = "/api", endpoint = "time/update_note")]
pub async fn update_time_note(id: TimeEntryId, note: String) -> AppResult<()> {
    let note = super::note(&note).map_err(|e| crate::error::AppError::field("note", e))?;
    crate::server::time::update_note(&crate::server::business()?, id, &note).await
}

#[server(prefix = "/api", endpoint = "time/delete")]
pub async fn delete_time_entry(id: TimeEntryId) -> AppResult<()> {
    crate::server::time::delete(&crate::server::business()?, id).await
}
