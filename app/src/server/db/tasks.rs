//! Task SQL.

use crate::error::{AppError, AppResult};
use crate::server::errors::{internal, ResultExt};
use crate::tasks::{Task, TaskStatus};
use sqlx::PgExecutor;
use uuid::Uuid;

fn status(value: &str) -> AppResult<TaskStatus> {
    TaskStatus::parse(value).ok_or_else(|| internal("unknown task status", value.to_owned()))
}

/// A project's tasks (in creation order), or one task.
async fn select(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    project_id: Option<Uuid>,
    id: Option<Uuid>,
) -> AppResult<Vec<Task>> {
    let rows = sqlx::query!(
        "select id, project_id, title, status, estimate_minutes from tasks
         where business_id = $1 and ($2::uuid is null or project_id = $2) and ($3::uuid is null or id = $3)
         order by created_at, id",
        business_id,
        project_id,
        id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Task {
                id: r.id,
                project_id: r.project_id,
                title: r.title,
                status: status(&r.status)?,
                estimate_minutes: r.estimate_minutes,
            })
        })
        .collect()
}

pub async fn list(db: impl PgExecutor<'_>, business_id: Uuid, project_id: Uuid) -> AppResult<Vec<Task>> {
    select(db, business_id, Some(project_id), None).await
}

pub async fn get(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> AppResult<Task> {
    select(db, business_id, None, Some(id)).await?.into_iter().next().ok_or(AppError::NotFound)
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    project_id: Uuid,
    actor: Uuid,
    title: &str,
    status: TaskStatus,
) -> AppResult<Task> {
    let id = sqlx::query_scalar!(
        "insert into tasks (id, business_id, project_id, title, status, created_by) values ($1, $2, $3, $4, $5, $6)
         returning id",
        Uuid::now_v7(),
        business_id,
        project_id,
        title,
        status.as_str(),
        actor
    )
    .fetch_one(db)
    .await
    .on_constraint("tasks_project_fkey", |_| AppError::NotFound)?;
    Ok(Task { id, project_id, title: title.to_owned(), status, estimate_minutes: None })
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    title: &str,
    status: TaskStatus,
    estimate_minutes: Option<i32>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update tasks set title = $3, status = $4, estimate_minutes = $5 where business_id = $1 and id = $2",
        business_id,
        id,
        title,
        status.as_str(),
        estimate_minutes
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn set_status(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid, status: TaskStatus) -> AppResult<()> {
    let updated = sqlx::query!(
        "update tasks set status = $3 where business_id = $1 and id = $2",
        business_id,
        id,
        status.as_str()
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> AppResult<()> {
    let deleted =
        sqlx::query!("delete from tasks where business_id = $1 and id = $2", business_id, id).execute(db).await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
