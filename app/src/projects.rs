//! Projects: work for a client, with a status, a due date, a default rate and a budget.

use crate::error::AppResult;
use crate::ids::{ClientId, ProjectId};
use crate::money::{parse_optional, parse_rate, Money, Rate};
use crate::validation::{self, FieldErrors};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum ProjectStatus {
        Active = "active",
        OnHold = "on_hold",
        Completed = "completed",
    }
}

impl ProjectStatus {
    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Active => "Active",
            ProjectStatus::OnHold => "On hold",
            ProjectStatus::Completed => "Completed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub client_id: ClientId,
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
    /// The project's budget against the value of the time logged on it.
    pub budget: Option<crate::budgets::BudgetUse>,
    pub can_edit: bool,
    pub can_create_tasks: bool,
    pub can_edit_tasks: bool,
    pub can_delete_tasks: bool,
    pub can_log_time: bool,
    pub can_edit_time: bool,
    pub can_delete_time: bool,
    /// The business's date today: the task dialog's "log time" form starts on it.
    pub today: chrono::NaiveDate,
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
    pub client_id: ClientId,
    pub name: String,
    pub status: ProjectStatus,
    pub due_date: Option<NaiveDate>,
    pub default_rate: Option<Rate>,
    pub budget: Option<Money>,
}

impl ProjectForm {
    pub fn validate(&self) -> Result<ProjectInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let client_id = self.client_id.parse::<ClientId>().ok();
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
            text => errors.check("due_date", validation::date(text)),
        };
        let default_rate =
            errors.check_money("rate", parse_rate(&self.rate_amount, &self.rate_currency, &self.rate_unit)).flatten();
        let budget = errors
            .check_money("budget", parse_optional(&self.budget_amount, &self.budget_currency, "the budget"))
            .flatten();
        let (Some(client_id), Some(name), Some(status)) = (client_id, name, status) else { return Err(errors) };
        errors.into_result()?;
        Ok(ProjectInput { client_id, name, status, due_date, default_rate, budget })
    }
}

#[server(prefix = "/api", endpoint = "projects/list")]
pub async fn list_projects(
    #[server(default)] client_id: String,
    #[server(default)] search: String,
) -> AppResult<Vec<Project>> {
    // The filter arrives from a query string; empty means every client.
    let client = match client_id.trim() {
        "" => None,
        id => Some(crate::ids::param::<ClientId>(id)?),
    };
    crate::server::projects::list(&crate::server::business()?, client, &search).await
}

#[server(prefix = "/api", endpoint = "projects/get")]
pub async fn get_project(id: ProjectId) -> AppResult<ProjectPage> {
    crate::server::projects::page(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "projects/create")]
pub async fn create_project(form: ProjectForm) -> AppResult<ProjectId> {
    let id = crate::server::projects::create(&crate::server::business()?, form.validate()?).await?;
    leptos_axum::redirect(&format!("/projects/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "projects/update")]
pub async fn update_project(id: ProjectId, form: ProjectForm) -> AppResult<()> {
    let id = crate::server::projects::update(&crate::server::business()?, id, form.validate()?).await?;
    leptos_axum::redirect(&format!("/projects/{id}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

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
        assert_eq!(errors.get("due_date"), Some("Enter a date like 2026-11-25, between the years 1900 and 9999."));
        assert_eq!(errors.get("status"), Some("Choose a status."));
    }
}
