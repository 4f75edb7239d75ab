//! Project operations.

use crate::error::{AppError, AppResult};
use crate::ids::{ClientId, ProjectId};
use crate::permissions::Permission;
use crate::projects::{Project, ProjectInput, ProjectPage};
use crate::server::db::{clients, projects as db};
use crate::server::BusinessCtx;

async fn check_client_is_active(ctx: &BusinessCtx, client_id: ClientId) -> AppResult<()> {
    match clients::is_archived(&ctx.pool, ctx.business.id, client_id).await {
        Ok(false) => Ok(()),
        Ok(true) => Err(AppError::field("client_id", "This client is archived. Restore it first.")),
        Err(AppError::NotFound) => Err(AppError::field("client_id", "Choose one of your clients.")),
        Err(other) => Err(other),
    }
}

/// The business's projects, or one client's (someone else's client is NotFound, not an empty list).
pub async fn list(ctx: &BusinessCtx, client: Option<ClientId>, search: &str) -> AppResult<Vec<Project>> {
    ctx.require(Permission::ProjectsView)?;
    if let Some(client) = client {
        clients::is_archived(&ctx.pool, ctx.business.id, client).await?;
    }
    db::list(&ctx.pool, ctx.business.id, client, search).await
}

pub async fn page(ctx: &BusinessCtx, id: ProjectId) -> AppResult<ProjectPage> {
    ctx.require(Permission::ProjectsView)?;
    let (project, budget_time, fx) = db::with_budget_time(&ctx.pool, ctx.business.id, id, Some(ctx.today())).await?;
    let budget = match (project.budget, budget_time) {
        (Some(budget), Some(time)) => {
            let latest = crate::server::budgets::LatestRates::from_json(fx, ctx.today())?;
            Some(crate::server::budgets::usage(budget, &crate::server::budgets::groups(time)?, &latest))
        }
        _ => None,
    };
    Ok(ProjectPage {
        project,
        budget,
        can_edit: ctx.can(Permission::ProjectsEdit),
        can_create_tasks: ctx.can(Permission::TasksCreate),
        can_edit_tasks: ctx.can(Permission::TasksEdit),
        can_delete_tasks: ctx.can(Permission::TasksDelete),
        can_log_time: ctx.can(Permission::TimeLog),
        can_edit_time: ctx.can(Permission::TimeEdit),
        can_delete_time: ctx.can(Permission::TimeDelete),
        today: ctx.today(),
    })
}

pub async fn create(ctx: &BusinessCtx, input: ProjectInput) -> AppResult<ProjectId> {
    ctx.require(Permission::ProjectsCreate)?;
    check_client_is_active(ctx, input.client_id).await?;
    db::insert(&ctx.pool, ctx.business.id, ctx.user.id, &input).await
}

pub async fn update(ctx: &BusinessCtx, id: ProjectId, input: ProjectInput) -> AppResult<ProjectId> {
    ctx.require(Permission::ProjectsEdit)?;
    let current = db::get(&ctx.pool, ctx.business.id, id).await?;
    if current.client_id != input.client_id {
        check_client_is_active(ctx, input.client_id).await?;
    }
    db::update(&ctx.pool, ctx.business.id, id, &input).await?;
    Ok(id)
}
