//! Time server functions.

use super::{ManualEntryForm, RunningTimer, TaskOption, TimeEntryView, Timesheet};
use crate::error::AppResult;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "time/running")]
pub async fn get_running_timer() -> AppResult<Option<RunningTimer>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeLog)?;
    crate::server::time::running(&ctx).await
}

/// Starts a timer on a task, stopping the one already running in the same transaction.
#[server(prefix = "/api", endpoint = "time/start")]
pub async fn start_timer(task_id: String) -> AppResult<RunningTimer> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeLog)?;
    crate::server::time::start(&ctx, &task_id).await
}

#[server(prefix = "/api", endpoint = "time/stop")]
pub async fn stop_timer() -> AppResult<Option<TimeEntryView>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeLog)?;
    crate::server::time::stop(&ctx, None).await
}

/// Stops a forgotten timer at the time the member says they stopped (`YYYY-MM-DDTHH:MM`, local).
#[server(prefix = "/api", endpoint = "time/stop_at")]
pub async fn stop_timer_at(ended_at: String) -> AppResult<Option<TimeEntryView>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeLog)?;
    crate::server::time::stop(&ctx, Some(&ended_at)).await
}

#[server(prefix = "/api", endpoint = "time/log")]
pub async fn log_time(entry: ManualEntryForm) -> AppResult<TimeEntryView> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeLog)?;
    crate::server::time::log_manual(&ctx, &entry).await
}

/// A week of time (`week` is any date in it, empty for this week) for the viewer or, with
/// `time.viewAll`, another member.
#[server(prefix = "/api", endpoint = "time/timesheet")]
pub async fn get_timesheet(#[server(default)] week: String, #[server(default)] member: String) -> AppResult<Timesheet> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeViewOwn)?;
    crate::server::time::timesheet(&ctx, &week, &member).await
}

/// The time on one task: the viewer's own, or everyone's with `time.viewAll`.
#[server(prefix = "/api", endpoint = "time/for_task")]
pub async fn list_task_time(task_id: String) -> AppResult<Vec<TimeEntryView>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeViewOwn)?;
    crate::server::time::for_task(&ctx, &task_id).await
}

#[server(prefix = "/api", endpoint = "time/update_note")]
pub async fn update_time_note(id: String, note: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeEdit)?;
    crate::server::time::update_note(&ctx, &id, &note).await
}

#[server(prefix = "/api", endpoint = "time/delete")]
pub async fn delete_time_entry(id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TimeDelete)?;
    crate::server::time::delete(&ctx, &id).await
}

/// Open tasks of active clients, for the time entry form.
#[server(prefix = "/api", endpoint = "tasks/open")]
pub async fn list_open_tasks() -> AppResult<Vec<TaskOption>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksView)?;
    crate::server::db::time::open_tasks(&ctx.pool, ctx.business.id).await
}
