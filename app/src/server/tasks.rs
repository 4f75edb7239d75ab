//! Task operations: a project's board, and the open tasks time can be logged on.

use crate::error::{AppError, AppResult};
use crate::ids::{ProjectId, TaskId};
use crate::permissions::Permission;
use crate::server::db::{tasks as db, time};
use crate::server::BusinessCtx;
use crate::tasks::{Task, TaskInput, TaskMatch, TaskStatus};
use crate::time::TaskOption;

/// A project's tasks; someone else's project is NotFound, not an empty board.
pub async fn list(ctx: &BusinessCtx, project: ProjectId) -> AppResult<Vec<Task>> {
    ctx.require(Permission::TasksView)?;
    let time_of = (!ctx.can(Permission::TimeViewAll)).then_some(ctx.user.id);
    db::list(&ctx.pool, ctx.business.id, project, time_of).await
}

pub async fn search(ctx: &BusinessCtx, q: &str) -> AppResult<Vec<TaskMatch>> {
    ctx.require(Permission::TasksView)?;
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    db::search(&ctx.pool, ctx.business.id, q).await
}

/// Every task not done, on active clients, for the "log time" pickers.
pub async fn open(ctx: &BusinessCtx) -> AppResult<Vec<TaskOption>> {
    ctx.require(Permission::TasksView)?;
    time::open_tasks(&ctx.pool, ctx.business.id).await
}

pub async fn create(ctx: &BusinessCtx, project: ProjectId, title: String, status: TaskStatus) -> AppResult<Task> {
    ctx.require(Permission::TasksCreate)?;
    db::insert(&ctx.pool, ctx.business.id, project, ctx.user.id, &title, status).await
}

pub async fn update(ctx: &BusinessCtx, id: TaskId, input: TaskInput) -> AppResult<()> {
    ctx.require(Permission::TasksEdit)?;
    db::update(&ctx.pool, ctx.business.id, id, &input.title, input.status, input.estimate_minutes).await
}

pub async fn set_status(ctx: &BusinessCtx, id: TaskId, status: TaskStatus) -> AppResult<()> {
    ctx.require(Permission::TasksEdit)?;
    db::set_status(&ctx.pool, ctx.business.id, id, status).await
}

/// Deleting a task deletes its unbilled time with it. Billed time (on an invoice) or a running
/// timer makes it stay; teammates' time goes only with `time.manageOthers`.
pub async fn delete(ctx: &BusinessCtx, id: TaskId) -> AppResult<()> {
    ctx.require(Permission::TasksDelete)?;
    let mut tx = ctx.pool.begin().await?;
    db::get(&mut *tx, ctx.business.id, id).await?;
    let time = time::task_time(&mut *tx, ctx.business.id, id, ctx.user.id).await?;
    let refusal = if time.billed {
        Some("This task has time billed on an invoice, so it can't be deleted. Mark it done instead.")
    } else if time.running {
        Some("A timer is running on this task. Stop it before deleting the task.")
    } else if time.others && !ctx.can(Permission::TimeManageOthers) {
        Some("Teammates have tracked time on this task, so you can't delete it. Mark it done instead.")
    } else {
        None
    };
    if let Some(message) = refusal {
        return Err(AppError::NotAllowed(message.into()));
    }
    db::delete(&mut *tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}
