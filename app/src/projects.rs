//! Projects: work for a client, with a status, a due date, a default rate and a budget.

use crate::clients::form::parse_rate;
use crate::error::AppResult;
use crate::money::{parse_optional, Money, Rate};
use crate::validation::{self, FieldErrors};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Active,
    OnHold,
    Completed,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [ProjectStatus::Active, ProjectStatus::OnHold, ProjectStatus::Completed];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Active => "active",
            ProjectStatus::OnHold => "on_hold",
            ProjectStatus::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Active => "Active",
            ProjectStatus::OnHold => "On hold",
            ProjectStatus::Completed => "Completed",
        }
    }

    pub fn parse(value: &str) -> Option<ProjectStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub name: String,
    pub status: ProjectStatus,
    pub due_date: Option<NaiveDate>,
    pub default_rate: Option<Rate>,
    pub budget: Option<Money>,
    pub open_tasks: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectPage {
    pub project: Project,
    pub can_edit: bool,
    pub can_create_tasks: bool,
    pub can_edit_tasks: bool,
    pub can_delete_tasks: bool,
    pub can_log_time: bool,
}

/// The project form, posted as `form[name]`, `form[client_id]`, …
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub due_date: String,
    #[serde(default)]
    pub rate_amount: String,
    #[serde(default)]
    pub rate_currency: String,
    #[serde(default)]
    pub rate_unit: String,
    #[serde(default)]
    pub budget_amount: String,
    #[serde(default)]
    pub budget_currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectInput {
    pub client_id: Uuid,
    pub name: String,
    pub status: ProjectStatus,
    pub due_date: Option<NaiveDate>,
    pub default_rate: Option<Rate>,
    pub budget: Option<Money>,
}

impl ProjectForm {
    pub fn validate(&self) -> Result<ProjectInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let client_id = Uuid::parse_str(self.client_id.trim()).ok();
        if client_id.is_none() {
            errors.add("client_id", "Choose a client.");
        }
        let name = errors.check("name", validation::required_name_max(&self.name, "a project name", 200));
        let status = if self.status.trim().is_empty() {
            Some(ProjectStatus::Active)
        } else {
            errors.check("status", ProjectStatus::parse(&self.status).ok_or_else(|| "Choose a status.".to_owned()))
        };
        let due_date = match self.due_date.trim() {
            "" => None,
            text => errors.check(
                "due_date",
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "Enter a date like 2026-12-31.".to_owned()),
            ),
        };
        let default_rate = parse_rate(&self.rate_amount, &self.rate_currency, &self.rate_unit)
            .map_err(|(f, e)| errors.add(&format!("rate_{f}"), e))
            .ok()
            .flatten();
        let budget = parse_optional(&self.budget_amount, &self.budget_currency, "the budget")
            .map_err(|(f, e)| errors.add(&format!("budget_{f}"), e))
            .ok()
            .flatten();
        errors.into_result()?;
        Ok(ProjectInput {
            client_id: client_id.unwrap_or_default(),
            name: name.unwrap_or_default(),
            status: status.unwrap_or(ProjectStatus::Active),
            due_date,
            default_rate,
            budget,
        })
    }
}

#[server(prefix = "/api", endpoint = "projects/list")]
pub async fn list_projects(
    #[server(default)] client_id: String,
    #[server(default)] search: String,
) -> AppResult<Vec<Project>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ProjectsView)?;
    let client = match client_id.trim() {
        "" => None,
        id => {
            let id = crate::server::clients::parse_id(id)?;
            // Filtering by someone else's client is NotFound, not an empty list.
            crate::server::db::clients::is_archived(&ctx.pool, ctx.business.id, id).await?;
            Some(id)
        }
    };
    crate::server::db::projects::list(&ctx.pool, ctx.business.id, client, &search).await
}

#[server(prefix = "/api", endpoint = "projects/get")]
pub async fn get_project(id: String) -> AppResult<ProjectPage> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ProjectsView)?;
    crate::server::projects::page(&ctx, &id).await
}

#[server(prefix = "/api", endpoint = "projects/create")]
pub async fn create_project(form: ProjectForm) -> AppResult<Uuid> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ProjectsCreate)?;
    let id = crate::server::projects::create(&ctx, &form).await?;
    leptos_axum::redirect(&format!("/projects/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "projects/update")]
pub async fn update_project(id: String, form: ProjectForm) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ProjectsEdit)?;
    let id = crate::server::projects::update(&ctx, &id, &form).await?;
    leptos_axum::redirect(&format!("/projects/{id}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_needs_a_client_and_a_name() {
        let errors = ProjectForm::default().validate().unwrap_err();
        assert_eq!(errors.get("client_id"), Some("Choose a client."));
        assert_eq!(errors.get("name"), Some("Enter a project name."));
    }

    #[test]
    fn status_defaults_to_active_and_dates_are_iso() {
        let form = ProjectForm {
            client_id: Uuid::now_v7().to_string(),
            name: "Website".into(),
            due_date: "2026-12-31".into(),
            ..ProjectForm::default()
        };
        let input = form.validate().expect("valid");
        assert_eq!(input.status, ProjectStatus::Active);
        assert_eq!(input.due_date, NaiveDate::from_ymd_opt(2026, 12, 31));
        let bad = ProjectForm { due_date: "31/12/2026".into(), status: "paused".into(), ..form };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors.get("due_date"), Some("Enter a date like 2026-12-31."));
        assert_eq!(errors.get("status"), Some("Choose a status."));
    }
}
