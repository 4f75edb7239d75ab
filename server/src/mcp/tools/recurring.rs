//! Recurring invoices: schedules of fixed lines that become one invoice per occurrence.

use crate::mcp::catalog::{output, tool, ToolDef};
use crate::mcp::tools::context::NoArgs;
use app::error::AppError;
use app::ids::ScheduleId;
use app::recurring::{
    CreateSchedule, DeleteSchedule, GenerateScheduleNow, GetSchedule, LineForm, ListGeneratedInvoices, ListSchedules,
    ScheduleForm, ScheduleStatus, SetScheduleStatus, UpdateSchedule,
};
use app::server::{recurring, BusinessCtx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

const SHAPE: &str = "A schedule has a name, client (and optional project), currency, tax_treatment (standard, zero_rated or reverse_charge), frequency (weekly, monthly, quarterly or yearly) every `interval` (1-52) periods, anchor_day (1-31, the day of the month for monthly and longer; short months use their last day), start_date, optional end_date and/or occurrence_limit (1-1000 invoices), net_terms_days (due date = issue date + this), auto_issue (issue and number each invoice at once, else a draft), notes, and 1-50 fixed lines (amount_minor in minor units).";

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_recurring_invoices, NoArgs, Reads, ListSchedules, "List recurring invoices",
            "List the business's recurring invoice schedules, newest first, with status (active, paused, ended), next_run_on (the next invoice's date, YYYY-MM-DD), generated_count and last_error."),
        tool!(get_recurring_invoice, ScheduleRef, Reads, GetSchedule, "Get a recurring invoice",
            "Get one schedule with its lines, the next few invoice dates (upcoming) and the invoices it made (generated, newest first)."),
        tool!(list_generated_invoices, ScheduleRef, Reads, ListGeneratedInvoices, "List a schedule's invoices",
            "The invoices a schedule made, newest first (at most 100), with number (null for drafts), dates, status and total in minor units."),
        tool!(create_recurring_invoice, ScheduleFields, Writes, CreateSchedule, "Create a recurring invoice",
            "Create a schedule. Dates before today are skipped, never invoiced late; the first invoice is made on next_run_on by the runner (or now with generate_recurring_invoice_now). Amounts are decimal strings in major units (\"1500.00\"). Returns the new schedule_id."),
        tool!(update_recurring_invoice, SchedulePatch, Writes, UpdateSchedule, "Update a recurring invoice",
            "Change some of a schedule's fields: only the fields you send change; lines, when sent, replace all lines. Changing frequency, interval, anchor_day or start_date restarts the schedule from its next date on or after today; invoices already made count towards occurrence_limit. Send \"\" to clear project_id, end_date, occurrence_limit or notes."),
        tool!(set_recurring_invoice_status, StatusArgs, Writes, SetScheduleStatus, "Pause, resume or end a recurring invoice",
            "status: paused (makes nothing until resumed), active (resume: dates that passed meanwhile are skipped) or ended (makes nothing more; can be resumed)."),
        tool!(generate_recurring_invoice_now, ScheduleRef, Writes, GenerateScheduleNow, "Generate the next invoice now",
            "Make the schedule's next invoice now, dated today (issued at once when auto_issue is on); the schedule moves on to the date after. Returns the invoice_id."),
        tool!(delete_recurring_invoice, ScheduleRef, Destroys, DeleteSchedule, "Delete a recurring invoice",
            "Delete a schedule for good. The invoices it made stay."),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRef {
    pub schedule_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineArgs {
    /// As printed on each invoice.
    pub description: String,
    /// Decimal string in major units, before VAT, e.g. "1500.00".
    pub amount: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFields {
    /// For you, e.g. "Monthly retainer"; not printed.
    pub name: String,
    pub client_id: Uuid,
    pub project_id: Option<Uuid>,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// standard, zero_rated or reverse_charge.
    pub tax_treatment: String,
    /// weekly, monthly, quarterly or yearly.
    pub frequency: String,
    /// 1-52; default 1.
    pub interval: Option<u32>,
    /// 1-31; default the start date's day.
    pub anchor_day: Option<u32>,
    /// YYYY-MM-DD.
    pub start_date: String,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    pub end_date: String,
    /// 1-1000 invoices.
    pub occurrence_limit: Option<u32>,
    /// 0-365; default 0.
    pub net_terms_days: Option<u32>,
    #[serde(default)]
    pub auto_issue: bool,
    #[serde(default)]
    pub notes: String,
    /// 1-50 lines.
    pub lines: Vec<LineArgs>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchedulePatch {
    pub schedule_id: Uuid,
    pub name: Option<String>,
    pub client_id: Option<Uuid>,
    /// A project id, or "" for none.
    pub project_id: Option<String>,
    pub currency: Option<String>,
    pub tax_treatment: Option<String>,
    pub frequency: Option<String>,
    pub interval: Option<u32>,
    pub anchor_day: Option<u32>,
    /// YYYY-MM-DD.
    pub start_date: Option<String>,
    /// YYYY-MM-DD, or "" for none.
    pub end_date: Option<String>,
    /// 1-1000, or "" for none.
    pub occurrence_limit: Option<String>,
    pub net_terms_days: Option<u32>,
    pub auto_issue: Option<bool>,
    pub notes: Option<String>,
    /// Replaces every line when sent.
    pub lines: Option<Vec<LineArgs>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    pub schedule_id: Uuid,
    /// active (resume), paused or ended.
    pub status: String,
}

fn line_forms(lines: Vec<LineArgs>) -> Vec<LineForm> {
    lines.into_iter().map(|l| LineForm { description: l.description, amount: l.amount }).collect()
}

fn number(value: Option<u32>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

async fn list_recurring_invoices(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    Ok(json!({ "schedules": recurring::list(ctx).await?, "about": SHAPE }))
}

async fn get_recurring_invoice(ctx: &BusinessCtx, args: ScheduleRef) -> Result<Value, AppError> {
    output(&recurring::page(ctx, ScheduleId(args.schedule_id)).await?)
}

async fn list_generated_invoices(ctx: &BusinessCtx, args: ScheduleRef) -> Result<Value, AppError> {
    Ok(json!({ "invoices": recurring::generated(ctx, ScheduleId(args.schedule_id)).await? }))
}

async fn create_recurring_invoice(ctx: &BusinessCtx, args: ScheduleFields) -> Result<Value, AppError> {
    let form = ScheduleForm {
        name: args.name,
        client_id: args.client_id.to_string(),
        project_id: args.project_id.map(|p| p.to_string()).unwrap_or_default(),
        currency: args.currency,
        tax_treatment: args.tax_treatment,
        frequency: args.frequency,
        interval: number(args.interval),
        anchor_day: number(args.anchor_day),
        start_date: args.start_date,
        end_date: args.end_date,
        occurrence_limit: number(args.occurrence_limit),
        net_terms_days: number(args.net_terms_days),
        auto_issue: args.auto_issue.then(|| "on".to_owned()),
        notes: args.notes,
        lines: line_forms(args.lines),
    };
    let id = recurring::create(ctx, form.validate()?).await?;
    Ok(json!({ "schedule_id": id }))
}

async fn update_recurring_invoice(ctx: &BusinessCtx, patch: SchedulePatch) -> Result<Value, AppError> {
    let id = ScheduleId(patch.schedule_id);
    let mut form = ScheduleForm::from(&recurring::page(ctx, id).await?.schedule);
    let texts = [
        (&mut form.name, patch.name),
        (&mut form.client_id, patch.client_id.map(|c| c.to_string())),
        (&mut form.project_id, patch.project_id),
        (&mut form.currency, patch.currency),
        (&mut form.tax_treatment, patch.tax_treatment),
        (&mut form.frequency, patch.frequency),
        (&mut form.interval, patch.interval.map(|n| n.to_string())),
        (&mut form.anchor_day, patch.anchor_day.map(|n| n.to_string())),
        (&mut form.start_date, patch.start_date),
        (&mut form.end_date, patch.end_date),
        (&mut form.occurrence_limit, patch.occurrence_limit),
        (&mut form.net_terms_days, patch.net_terms_days.map(|n| n.to_string())),
        (&mut form.notes, patch.notes),
    ];
    for (field, value) in texts {
        if let Some(value) = value {
            *field = value;
        }
    }
    if let Some(auto_issue) = patch.auto_issue {
        form.auto_issue = auto_issue.then(|| "on".to_owned());
    }
    if let Some(lines) = patch.lines {
        form.lines = line_forms(lines);
    }
    recurring::update(ctx, id, form.validate()?).await?;
    get_recurring_invoice(ctx, ScheduleRef { schedule_id: patch.schedule_id }).await
}

async fn set_recurring_invoice_status(ctx: &BusinessCtx, args: StatusArgs) -> Result<Value, AppError> {
    let status = ScheduleStatus::parse(args.status.trim())
        .ok_or_else(|| AppError::field("status", "Choose active, paused or ended."))?;
    recurring::set_status(ctx, ScheduleId(args.schedule_id), status).await?;
    get_recurring_invoice(ctx, ScheduleRef { schedule_id: args.schedule_id }).await
}

async fn generate_recurring_invoice_now(ctx: &BusinessCtx, args: ScheduleRef) -> Result<Value, AppError> {
    let invoice = recurring::generate_now(ctx, ScheduleId(args.schedule_id)).await?;
    Ok(json!({ "invoice_id": invoice }))
}

async fn delete_recurring_invoice(ctx: &BusinessCtx, args: ScheduleRef) -> Result<Value, AppError> {
    recurring::delete(ctx, ScheduleId(args.schedule_id)).await?;
    Ok(json!({ "deleted": true }))
}
