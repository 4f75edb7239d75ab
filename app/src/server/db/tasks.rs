//! Task SQL.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ProjectId, TaskId, UserId};
use crate::server::db::like_pattern;
use crate::server::errors::ResultExt;
use crate::tasks::{Task, TaskMatch, TaskStatus, SEARCH_LIMIT};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A project's tasks in creation order; a project of another business (or none) is `NotFound`. One
/// statement: the project's row, joined to its tasks.
/// A project's tasks with their finished time: everyone's, or only `time_of`'s.
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    project_id: ProjectId,
    time_of: Option<UserId>,
) -> AppResult<Vec<Task>> {
    let rows = sqlx::query!(
        r#"select t.id as "id?", t.title as "title?", t.status as "status?: TaskStatus", t.estimate_minutes,
                  (select coalesce(sum(e.duration_seconds), 0)::bigint from time_entries e
                   where e.business_id = t.business_id and e.task_id = t.id and e.ended_at is not null
                     and ($3::uuid is null or e.user_id = $3)) as "tracked_seconds?"
           from projects p
           left join tasks t on t.business_id = p.business_id and t.project_id = p.id
           where p.business_id = $1 and p.id = $2
           order by t.created_at, t.id"#,
        business_id.0,
        project_id.0,
        time_of.map(|u| u.0)
    )
    .fetch_all(db)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Task {
                id: r.id?.into(),
                project_id,
                title: r.title?,
                status: r.status?,
                estimate_minutes: r.estimate_minutes,
                tracked_seconds: Some(r.tracked_seconds.unwrap_or(0)),
            })
        })
        .collect())
}

/// Tasks whose title contains `q`, open ones first.
pub async fn search(db: impl PgExecutor<'_>, business_id: BusinessId, q: &str) -> AppResult<Vec<TaskMatch>> {
    let rows = sqlx::query!(
        r#"select t.id, t.title, t.status as "status: TaskStatus", p.id as project_id, p.name as project_name,
                  c.name as client_name
           from tasks t
           join projects p on p.business_id = t.business_id and p.id = t.project_id
           join clients c on c.business_id = p.business_id and c.id = p.client_id
           where t.business_id = $1 and t.title ilike $2
           order by (t.status = 'done'), lower(t.title), t.id
           limit $3"#,
        business_id.0,
        like_pattern(q),
        SEARCH_LIMIT
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TaskMatch {
            id: r.id.into(),
            title: r.title,
            status: r.status,
            project_id: r.project_id.into(),
            project_name: r.project_name,
            client_name: r.client_name,
        })
        .collect())
}

pub async fn get(db: impl PgExecutor<'_>, business_id: BusinessId, id: TaskId) -> AppResult<Task> {
    let r = sqlx::query!(
        r#"select id, project_id, title, status as "status: TaskStatus", estimate_minutes from tasks
           where business_id = $1 and id = $2"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Task {
        id: r.id.into(),
        project_id: r.project_id.into(),
        title: r.title,
        status: r.status,
        estimate_minutes: r.estimate_minutes,
        tracked_seconds: None,
    })
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    project_id: ProjectId,
    actor: UserId,
    title: &str,
    status: TaskStatus,
) -> AppResult<Task> {
    let id = sqlx::query_scalar!(
        "insert into tasks (id, business_id, project_id, title, status, created_by) values ($1, $2, $3, $4, $5, $6)
         returning id",
        Uuid::now_v7(),
        business_id.0,
        project_id.0,
        title,
        status as _,
        actor.0
    )
    .fetch_one(db)
    .await
    .on_constraint("tasks_project_fkey", |_| AppError::NotFound)?;
    Ok(Task {
        id: id.into(),
        project_id,
        title: title.to_owned(),
        status,
        estimate_minutes: None,
        tracked_seconds: Some(0),
    })
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: TaskId,
    title: &str,
    status: TaskStatus,
    estimate_minutes: Option<i32>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update tasks set title = $3, status = $4, estimate_minutes = $5 where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        title,
        status as _,
        estimate_minutes
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: TaskId,
    status: TaskStatus,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update tasks set status = $3 where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        status as _
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: BusinessId, id: TaskId) -> AppResult<()> {
    let deleted =
        sqlx::query!("delete from tasks where business_id = $1 and id = $2", business_id.0, id.0).execute(db).await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
