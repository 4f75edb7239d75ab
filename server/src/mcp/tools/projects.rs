//! Projects (4) and tasks (5).

use crate::mcp::catalog::{output, tool, ToolDef};
use app::error::AppError;
use app::ids::{ClientId, ProjectId, TaskId};
use app::money::format_plain;
use app::projects::{CreateProject, GetProject, ListProjects, Project, ProjectForm, UpdateProject};
use app::server::{projects, tasks, BusinessCtx};
use app::tasks::{CreateTask, DeleteTask, ListTasks, SearchTasks, SetTaskStatus, TaskInput, TaskStatus, UpdateTask};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_projects, ListArgs, Reads, ListProjects, "List projects",
            "List projects with their client, status (active, on_hold, completed, archived), due date, default rate and budget (money in minor units) and open task count. Filter by client_id or a search text."),
        tool!(get_project, ProjectRef, Reads, GetProject, "Get a project",
            "Get one project: client, status, due date, default rate and budget (minor units), open tasks."),
        tool!(create_project, ProjectFields, Writes, CreateProject, "Create a project",
            "Create a project for a client. Amounts are decimal strings in major units (\"90.00\"), rate_unit \"hour\" or \"day\", due_date YYYY-MM-DD. Returns the new project's id."),
        tool!(update_project, ProjectPatch, Writes, UpdateProject, "Update a project",
            "Change some of a project's fields: only the fields you send change. Send \"\" to clear the due date, rate or budget."),
        tool!(list_tasks, ProjectRef, Reads, ListTasks, "List a project's tasks",
            "The tasks of a project with their status (todo, in_progress, in_review, done), estimate in minutes and tracked time in seconds."),
        tool!(search_tasks, SearchArgs, Reads, SearchTasks, "Find tasks by title",
            "Find tasks whose title contains the text (any case) across all projects, open ones first, at most 50, each with its project and client. Use it to get the task_id that start_timer and log_time need."),
        tool!(create_task, TaskFields, Writes, CreateTask, "Create a task",
            "Create a task in a project. status defaults to todo. Returns the task."),
        tool!(update_task, TaskUpdate, Writes, UpdateTask, "Update a task",
            "Rename a task, change its status and its estimate (whole minutes; omit to clear)."),
        tool!(set_task_status, TaskStatusArgs, Writes, SetTaskStatus, "Move a task",
            "Set a task's status: todo, in_progress, in_review or done."),
        tool!(delete_task, TaskRef, Destroys, DeleteTask, "Delete a task",
            "Delete a task. Refused while it has tracked time (its time would lose its task)."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only this client's projects.
    pub client_id: Option<Uuid>,
    /// Matches the project or client name.
    #[serde(default)]
    pub search: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRef {
    pub project_id: Uuid,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFields {
    pub client_id: Uuid,
    pub name: String,
    /// active (default), on_hold, completed or archived.
    #[serde(default)]
    pub status: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due_date: String,
    /// Default rate, decimal string in major units.
    #[serde(default)]
    pub rate_amount: String,
    #[serde(default)]
    pub rate_currency: String,
    /// "hour" or "day".
    #[serde(default)]
    pub rate_unit: String,
    /// Budget, decimal string in major units.
    #[serde(default)]
    pub budget_amount: String,
    #[serde(default)]
    pub budget_currency: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub project_id: Uuid,
    /// Move the project to another client.
    pub client_id: Option<Uuid>,
    pub name: Option<String>,
    /// active, on_hold, completed or archived.
    pub status: Option<String>,
    /// YYYY-MM-DD, or "" to clear.
    pub due_date: Option<String>,
    /// Decimal string in major units, or "" to remove the rate.
    pub rate_amount: Option<String>,
    pub rate_currency: Option<String>,
    pub rate_unit: Option<String>,
    /// Decimal string in major units, or "" to remove the budget.
    pub budget_amount: Option<String>,
    pub budget_currency: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskRef {
    pub task_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskFields {
    pub project_id: Uuid,
    pub title: String,
    /// todo (default), in_progress, in_review or done.
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskUpdate {
    pub task_id: Uuid,
    pub title: String,
    /// todo, in_progress, in_review or done.
    pub status: String,
    /// Whole minutes; omit for no estimate.
    pub estimate_minutes: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskStatusArgs {
    pub task_id: Uuid,
    /// todo, in_progress, in_review or done.
    pub status: String,
}

async fn list_projects(ctx: &BusinessCtx, args: ListArgs) -> Result<Value, AppError> {
    Ok(json!({ "projects": projects::list(ctx, args.client_id.map(ClientId), &args.search).await? }))
}

async fn get_project(ctx: &BusinessCtx, args: ProjectRef) -> Result<Value, AppError> {
    output(&projects::page(ctx, ProjectId(args.project_id)).await?.project)
}

async fn create_project(ctx: &BusinessCtx, args: ProjectFields) -> Result<Value, AppError> {
    let form = ProjectForm {
        client_id: args.client_id.to_string(),
        name: args.name,
        status: args.status,
        due_date: args.due_date,
        rate_amount: args.rate_amount,
        rate_currency: args.rate_currency,
        rate_unit: args.rate_unit,
        budget_amount: args.budget_amount,
        budget_currency: args.budget_currency,
    };
    let id = projects::create(ctx, form.validate()?).await?;
    Ok(json!({ "project_id": id }))
}

/// The edit form as the project stands.
fn form_of(project: &Project) -> ProjectForm {
    let plain = |m: &app::money::Money| format_plain(m.minor, m.currency.info().minor_units);
    ProjectForm {
        client_id: project.client_id.to_string(),
        name: project.name.clone(),
        status: project.status.as_str().to_owned(),
        due_date: project.due_date.map(|d| d.to_string()).unwrap_or_default(),
        rate_amount: project.default_rate.as_ref().map(|r| plain(&r.amount)).unwrap_or_default(),
        rate_currency: project.default_rate.as_ref().map(|r| r.amount.currency.as_str().to_owned()).unwrap_or_default(),
        rate_unit: project.default_rate.as_ref().map(|r| r.unit.as_str().to_owned()).unwrap_or_default(),
        budget_amount: project.budget.as_ref().map(plain).unwrap_or_default(),
        budget_currency: project.budget.as_ref().map(|b| b.currency.as_str().to_owned()).unwrap_or_default(),
    }
}

async fn update_project(ctx: &BusinessCtx, patch: ProjectPatch) -> Result<Value, AppError> {
    let id = ProjectId(patch.project_id);
    let mut form = form_of(&projects::page(ctx, id).await?.project);
    let fields = [
        (&mut form.name, patch.name),
        (&mut form.status, patch.status),
        (&mut form.due_date, patch.due_date),
        (&mut form.rate_amount, patch.rate_amount),
        (&mut form.rate_currency, patch.rate_currency),
        (&mut form.rate_unit, patch.rate_unit),
        (&mut form.budget_amount, patch.budget_amount),
        (&mut form.budget_currency, patch.budget_currency),
    ];
    for (field, value) in fields {
        if let Some(value) = value {
            *field = value;
        }
    }
    if let Some(client) = patch.client_id {
        form.client_id = client.to_string();
    }
    projects::update(ctx, id, form.validate()?).await?;
    get_project(ctx, ProjectRef { project_id: patch.project_id }).await
}

async fn list_tasks(ctx: &BusinessCtx, args: ProjectRef) -> Result<Value, AppError> {
    Ok(json!({ "tasks": tasks::list(ctx, ProjectId(args.project_id)).await? }))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Part of the title, e.g. "homepage".
    pub q: String,
}

async fn search_tasks(ctx: &BusinessCtx, args: SearchArgs) -> Result<Value, AppError> {
    Ok(json!({ "tasks": tasks::search(ctx, &args.q).await? }))
}

async fn create_task(ctx: &BusinessCtx, args: TaskFields) -> Result<Value, AppError> {
    let input = TaskInput::validate(&args.title, &args.status, "")?;
    output(&tasks::create(ctx, ProjectId(args.project_id), input.title, input.status).await?)
}

async fn update_task(ctx: &BusinessCtx, args: TaskUpdate) -> Result<Value, AppError> {
    let estimate = args.estimate_minutes.map(|m| m.to_string()).unwrap_or_default();
    let input = TaskInput::validate(&args.title, &args.status, &estimate)?;
    tasks::update(ctx, TaskId(args.task_id), input).await?;
    Ok(json!({ "updated": true }))
}

async fn set_task_status(ctx: &BusinessCtx, args: TaskStatusArgs) -> Result<Value, AppError> {
    let status = TaskStatus::parse(&args.status).ok_or_else(|| AppError::field("status", "Choose a status."))?;
    tasks::set_status(ctx, TaskId(args.task_id), status).await?;
    Ok(json!({ "status": status }))
}

async fn delete_task(ctx: &BusinessCtx, args: TaskRef) -> Result<Value, AppError> {
    tasks::delete(ctx, TaskId(args.task_id)).await?;
    Ok(json!({ "deleted": true }))
}
