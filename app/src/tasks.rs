//! Tasks: the units of work on a project's board; time is always tracked against a task.

use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    InReview,
    Done,
}

impl TaskStatus {
    /// The board's columns, left to right.
    pub const ALL: [TaskStatus; 4] = [TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::InReview, TaskStatus::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Todo => "todo",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::InReview => "in_review",
            TaskStatus::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Todo => "To do",
            TaskStatus::InProgress => "In progress",
            TaskStatus::InReview => "In review",
            TaskStatus::Done => "Done",
        }
    }

    pub fn parse(value: &str) -> Option<TaskStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub status: TaskStatus,
    pub estimate_minutes: Option<i32>,
}

pub const TITLE_MAX_CHARS: usize = 300;
pub const ESTIMATE_MAX_MINUTES: i32 = 60_000;

pub fn title(input: &str) -> Result<String, String> {
    let title = input.trim();
    if title.is_empty() {
        Err("Give the task a title.".into())
    } else if title.chars().count() > TITLE_MAX_CHARS {
        Err(format!("Keep titles to {TITLE_MAX_CHARS} characters or fewer."))
    } else {
        Ok(title.to_owned())
    }
}

/// Minutes from 0 to 60 000; empty means no estimate.
pub fn estimate(input: &str) -> Result<Option<i32>, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(minutes) if (0..=ESTIMATE_MAX_MINUTES).contains(&minutes) => Ok(Some(minutes)),
        _ => Err(format!("Enter whole minutes from 0 to {ESTIMATE_MAX_MINUTES}.")),
    }
}

pub fn status(input: &str) -> Result<TaskStatus, String> {
    if input.trim().is_empty() {
        return Ok(TaskStatus::Todo);
    }
    TaskStatus::parse(input).ok_or_else(|| "Choose a status.".into())
}

#[server(prefix = "/api", endpoint = "tasks/list")]
pub async fn list_tasks(project_id: String) -> AppResult<Vec<Task>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksView)?;
    let project = crate::server::clients::parse_id(&project_id)?;
    // Someone else's project is NotFound, not an empty board.
    crate::server::db::projects::get(&ctx.pool, ctx.business.id, project).await?;
    crate::server::db::tasks::list(&ctx.pool, ctx.business.id, project).await
}

#[server(prefix = "/api", endpoint = "tasks/create")]
pub async fn create_task(project_id: String, title: String, #[server(default)] status: String) -> AppResult<Task> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksCreate)?;
    crate::server::projects::create_task(&ctx, &project_id, &title, &status).await
}

#[server(prefix = "/api", endpoint = "tasks/update")]
pub async fn update_task(
    id: String,
    title: String,
    status: String,
    #[server(default)] estimate_minutes: String,
) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksEdit)?;
    crate::server::projects::update_task(&ctx, &id, &title, &status, &estimate_minutes).await
}

/// Moves a task to another column of the board.
#[server(prefix = "/api", endpoint = "tasks/set_status")]
pub async fn set_task_status(id: String, status: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksEdit)?;
    crate::server::projects::set_task_status(&ctx, &id, &status).await
}

#[server(prefix = "/api", endpoint = "tasks/delete")]
pub async fn delete_task(id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::TasksDelete)?;
    crate::server::projects::delete_task(&ctx, &id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_whole_minutes_up_to_60000() {
        assert_eq!(estimate(""), Ok(None));
        assert_eq!(estimate(" 90 "), Ok(Some(90)));
        assert_eq!(estimate("60000"), Ok(Some(60_000)));
        for bad in ["60001", "-1", "1.5", "ninety"] {
            assert!(estimate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_are_the_four_board_columns() {
        assert_eq!(TaskStatus::ALL.map(TaskStatus::label), ["To do", "In progress", "In review", "Done"]);
        assert_eq!(status(""), Ok(TaskStatus::Todo));
        assert_eq!(status("in_review"), Ok(TaskStatus::InReview));
        assert!(status("blocked").is_err());
        assert!(title("  ").is_err());
    }
}
