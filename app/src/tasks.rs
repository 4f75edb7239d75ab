//! Tasks: the units of work on a project's board; time is always tracked against a task.

use crate::error::AppResult;
use crate::ids::{ProjectId, TaskId};
use crate::validation::FieldErrors;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A task's column on the board, left to right.
    pub enum TaskStatus {
        Todo = "todo",
        InProgress = "in_progress",
        InReview = "in_review",
        Done = "done",
    }
}

impl TaskStatus {
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Todo => "To do",
            TaskStatus::InProgress => "In progress",
            TaskStatus::InReview => "In review",
            TaskStatus::Done => "Done",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub project_id: ProjectId,
    pub title: String,
    pub status: TaskStatus,
    pub estimate_minutes: Option<i32>,
    /// Finished time on the task (the viewer's own, or everyone's with `time.viewAll`), where the
    /// board read it; `None` where it was not read.
    pub tracked_seconds: Option<i64>,
}

/// A task found by its title, with where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMatch {
    pub id: TaskId,
    pub title: String,
    pub status: TaskStatus,
    pub project_id: ProjectId,
    pub project_name: String,
    pub client_name: String,
}

/// How many tasks one search returns at most.
pub const SEARCH_LIMIT: i64 = 50;

pub const TITLE_MAX_CHARS: usize = 300;
pub const ESTIMATE_MAX_MINUTES: i32 = 60_000;

pub fn title(input: &str) -> Result<String, String> {
    let title = crate::validation::single_line(input)?;
    if title.is_empty() {
        Err("Give the task a title.".into())
    } else if title.chars().count() > TITLE_MAX_CHARS {
        Err(format!("Keep titles to {TITLE_MAX_CHARS} characters or fewer."))
    } else {
        Ok(title)
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

/// A task's editable fields, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInput {
    pub title: String,
    pub status: TaskStatus,
    pub estimate_minutes: Option<i32>,
}

impl TaskInput {
    /// The task dialog's fields as posted; errors are keyed by the form's field names.
    pub fn validate(title: &str, status: &str, estimate_minutes: &str) -> Result<TaskInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", self::title(title));
        let status = errors.check("status", self::status(status));
        let estimate_minutes = errors.check("estimate_minutes", estimate(estimate_minutes));
        match (title, status, estimate_minutes) {
            (Some(title), Some(status), Some(estimate_minutes)) => Ok(TaskInput { title, status, estimate_minutes }),
            _ => Err(errors),
        }
    }
}

#[server(prefix = "/api", endpoint = "tasks/list")]
pub async fn list_tasks(project_id: ProjectId) -> AppResult<Vec<Task>> {
    crate::server::tasks::list(&crate::server::business()?, project_id).await
}

/// Open tasks of active clients, for the time entry form.
#[server(prefix = "/api", endpoint = "tasks/open")]
pub async fn list_open_tasks() -> AppResult<Vec<crate::time::TaskOption>> {
    crate::server::tasks::open(&crate::server::business()?).await
}

/// Tasks whose title contains `q` (case-insensitively), across the business's projects: open
/// ones first, at most [`SEARCH_LIMIT`]. An empty `q` finds nothing.
#[server(prefix = "/api", endpoint = "tasks/search")]
pub async fn search_tasks(q: String) -> AppResult<Vec<TaskMatch>> {
    crate::server::tasks::search(&crate::server::business()?, &q).await
}

#[server(prefix = "/api", endpoint = "tasks/create")]
pub async fn create_task(project_id: ProjectId, title: String, #[server(default)] status: String) -> AppResult<Task> {
    let input = TaskInput::validate(&title, &status, "")?;
    crate::server::tasks::create(&crate::server::business()?, project_id, input.title, input.status).await
}

#[server(prefix = "/api", endpoint = "tasks/update")]
pub async fn update_task(
    id: TaskId,
    title: String,
    status: String,
    #[server(default)] estimate_minutes: String,
) -> AppResult<()> {
    let input = TaskInput::validate(&title, &status, &estimate_minutes)?;
    crate::server::tasks::update(&crate::server::business()?, id, input).await
}

/// Moves a task to another column of the board.
#[server(prefix = "/api", endpoint = "tasks/set_status")]
pub async fn set_task_status(id: TaskId, status: String) -> AppResult<()> {
    let status =
        TaskStatus::parse(&status).ok_or_else(|| crate::error::AppError::field("status", "Choose a status."))?;
    crate::server::tasks::set_status(&crate::server::business()?, id, status).await
}

#[server(prefix = "/api", endpoint = "tasks/delete")]
pub async fn delete_task(id: TaskId) -> AppResult<()> {
    crate::server::tasks::delete(&crate::server::business()?, id).await
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
        assert_eq!(
            TaskStatus::ALL.iter().map(|s| s.label()).collect::<Vec<_>>(),
            ["To do", "In progress", "In review", "Done"]
        );
        assert_eq!(status(""), Ok(TaskStatus::Todo));
        assert_eq!(status("in_review"), Ok(TaskStatus::InReview));
        assert!(status("blocked").is_err());
        assert!(title("  ").is_err());
    }
}
