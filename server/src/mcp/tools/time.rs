//! Time tracking (6): the running timer, manual entries, a task's time, notes.

use crate::mcp::catalog::{output, tool, ToolDef};
use app::error::AppError;
use app::ids::{TaskId, TimeEntryId};
use app::server::{time, BusinessCtx};
use app::time::{GetRunningTimer, ListTaskTime, LogTime, ManualEntryForm, StartTimer, StopTimer, UpdateTimeNote};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(get_running_timer, NoArgs, Reads, GetRunningTimer, "The running timer",
            "Your running timer in this business, if any: task, project, start time (UTC) and seconds so far; forgotten is true when it has run longer than the business's threshold."),
        tool!(start_timer, TaskRef, Writes, StartTimer, "Start a timer",
            "Start your timer on a task. A timer already running is stopped first and saved as an entry."),
        tool!(stop_timer, NoArgs, Writes, StopTimer, "Stop the timer",
            "Stop your running timer now; the time is saved as an entry (duration in whole seconds). Returns the entry, or null when no timer ran."),
        tool!(log_time, LogArgs, Writes, LogTime, "Log time",
            "Log time you worked on a task as a finished entry: a date (YYYY-MM-DD, business time zone), an optional start time (HH:MM, default 09:00) and a duration such as \"1:30\", \"90m\" or \"1.5h\" (at most 7 days). Billable unless billable is false. An optional hourly rate (decimal string in major units) overrides the resolved rate."),
        tool!(list_task_time, TaskRef, Reads, ListTaskTime, "A task's time entries",
            "Time entries of a task, newest first: who, when (UTC), duration in seconds, billable, note, rate (minor units) and whether it is already invoiced."),
        tool!(update_time_note, NoteArgs, Writes, UpdateTimeNote, "Change a time entry's note",
            "Replace the note of a time entry (empty clears it)."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskRef {
    pub task_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogArgs {
    pub task_id: Uuid,
    /// YYYY-MM-DD in the business's time zone.
    pub date: String,
    /// HH:MM; default 09:00.
    #[serde(default)]
    pub start_time: String,
    /// E.g. "1:30", "90m", "1.5h", "45s".
    pub duration: String,
    /// Default true.
    pub billable: Option<bool>,
    #[serde(default)]
    pub note: String,
    /// Hourly rate override, decimal string in major units.
    #[serde(default)]
    pub rate_amount: String,
    #[serde(default)]
    pub rate_currency: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    pub entry_id: Uuid,
    pub note: String,
}

async fn get_running_timer(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    Ok(json!({ "timer": time::running(ctx).await? }))
}

async fn start_timer(ctx: &BusinessCtx, args: TaskRef) -> Result<Value, AppError> {
    output(&time::start(ctx, TaskId(args.task_id)).await?)
}

async fn stop_timer(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    Ok(json!({ "entry": time::stop(ctx, None).await? }))
}

async fn log_time(ctx: &BusinessCtx, args: LogArgs) -> Result<Value, AppError> {
    let billable = args.billable.unwrap_or(true);
    let form = ManualEntryForm {
        task_id: args.task_id.to_string(),
        date: args.date,
        start_time: args.start_time,
        duration: args.duration,
        billable: billable.then(|| "on".to_owned()),
        billable_field: Some("1".to_owned()),
        note: args.note,
        rate_amount: args.rate_amount,
        rate_currency: args.rate_currency,
    };
    output(&time::log_manual(ctx, form.validate()?).await?)
}

async fn list_task_time(ctx: &BusinessCtx, args: TaskRef) -> Result<Value, AppError> {
    Ok(json!({ "entries": time::for_task(ctx, TaskId(args.task_id)).await? }))
}

async fn update_time_note(ctx: &BusinessCtx, args: NoteArgs) -> Result<Value, AppError> {
    let note = app::time::note(&args.note).map_err(|e| AppError::field("note", e))?;
    time::update_note(ctx, TimeEntryId(args.entry_id), &note).await?;
    Ok(json!({ "updated": true }))
}
