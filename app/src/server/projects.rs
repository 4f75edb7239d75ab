//! Project and task operations.

use crate::error::{AppError, AppResult};
use crate::permissions::Permission;
use crate::projects::{ProjectForm, ProjectPage};
use crate::server::clients::parse_id;
use crate::server::db::{clients, projects as db, tasks};
use crate::server::BusinessCtx;
use crate::tasks::Task;
use uuid::Uuid;

async fn check_client_is_active(ctx: &BusinessCtx, client_id: Uuid) -> AppResult<()> {
    match clients::is_archived(&ctx.pool, ctx.business.id, client_id).await {
        Ok(false) => Ok(()),
        Ok(true) => Err(AppError::field("client_id", "This client is archived. Restore it first.")),
        Err(AppError::NotFound) => Err(AppError::field("client_id", "Choose one of your clients.")),
        Err(other) => Err(other),
    }
}

pub async fn page(ctx: &BusinessCtx, id: &str) -> AppResult<ProjectPage> {
    let project = db::get(&ctx.pool, ctx.business.id, parse_id(id)?).await?;
    Ok(ProjectPage {
        project,
        can_edit: ctx.can(Permission::ProjectsEdit),
        can_create_tasks: ctx.can(Permission::TasksCreate),
        can_edit_tasks: ctx.can(Permission::TasksEdit),
        can_delete_tasks: ctx.can(Permission::TasksDelete),
        can_log_time: ctx.can(Permission::TimeLog),
    })
}

pub async fn create(ctx: &BusinessCtx, form: &ProjectForm) -> AppResult<Uuid> {
    let input = form.validate()?;
    check_client_is_active(ctx, input.client_id).await?;
    db::insert(&ctx.pool, ctx.business.id, ctx.user.id, &input).await
}

pub async fn update(ctx: &BusinessCtx, id: &str, form: &ProjectForm) -> AppResult<Uuid> {
    let id = parse_id(id)?;
    let input = form.validate()?;
    let current = db::get(&ctx.pool, ctx.business.id, id).await?;
    if current.client_id != input.client_id {
        check_client_is_active(ctx, input.client_id).await?;
    }
    db::update(&ctx.pool, ctx.business.id, id, &input).await?;
    Ok(id)
}

pub async fn create_task(ctx: &BusinessCtx, project_id: &str, title: &str, status: &str) -> AppResult<Task> {
    let project = parse_id(project_id)?;
    let mut errors = crate::validation::FieldErrors::new();
    let title = errors.check("title", crate::tasks::title(title));
    let status = errors.check("status", crate::tasks::status(status));
    let (Some(title), Some(status)) = (title, status) else { return Err(errors.into()) };
    tasks::insert(&ctx.pool, ctx.business.id, project, ctx.user.id, &title, status).await
}

pub async fn update_task(ctx: &BusinessCtx, id: &str, title: &str, status: &str, estimate: &str) -> AppResult<()> {
    let id = parse_id(id)?;
    let mut errors = crate::validation::FieldErrors::new();
    let title = errors.check("title", crate::tasks::title(title));
    let status = errors.check("status", crate::tasks::status(status));
    let estimate = errors.check("estimate_minutes", crate::tasks::estimate(estimate));
    let (Some(title), Some(status), Some(estimate)) = (title, status, estimate) else { return Err(errors.into()) };
    tasks::update(&ctx.pool, ctx.business.id, id, &title, status, estimate).await
}

pub async fn set_task_status(ctx: &BusinessCtx, id: &str, status: &str) -> AppResult<()> {
    let status =
        crate::tasks::TaskStatus::parse(status).ok_or_else(|| AppError::field("status", "Choose a status."))?;
    tasks::set_status(&ctx.pool, ctx.business.id, parse_id(id)?, status).await
}

/// Deleting a task deletes its unbilled time with it; billed time (on an invoice) makes it stay.
pub async fn delete_task(ctx: &BusinessCtx, id: &str) -> AppResult<()> {
    let id = parse_id(id)?;
    let mut tx = ctx.pool.begin().await?;
    tasks::get(&mut *tx, ctx.business.id, id).await?;
    if crate::server::db::time::task_has_billed_time(&mut *tx, ctx.business.id, id).await? {
        return Err(AppError::NotAllowed(
            "This task has time billed on an invoice, so it can't be deleted. Mark it done instead.".into(),
        ));
    }
    tasks::delete(&mut *tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}
