//! `/projects/new` and `/projects/:id/edit`.

use crate::clients::{list_clients, ClientSummary};
use crate::components::form::{action_error, field_error, FormError, SelectField, SubmitButton, TextField};
use crate::components::gate::Require;
use crate::components::layout::use_shell_session;
use crate::components::loading::LoadFailed;
use crate::components::money::{money_errors, MoneyFields};
use crate::error::AppError;
use crate::ids::param;
use crate::permissions::Permission;
use crate::projects::{get_project, CreateProject, Project, ProjectStatus, UpdateProject};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
fn ProjectFields(
    project: Option<Project>,
    clients: Vec<ClientSummary>,
    selected_client: String,
    base_currency: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let fe = move |key: &'static str| field_error(error, key);
    let client_options: Vec<(String, String)> = std::iter::once((String::new(), "Choose a client".to_owned()))
        .chain(clients.into_iter().map(|c| (c.id.to_string(), c.name)))
        .collect();
    let status_options: Vec<(String, String)> =
        ProjectStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
    let p = project.as_ref();
    view! {
        <SelectField id="project-client" name="form[client_id]" label="Client" options=client_options selected=selected_client error=fe("client_id") />
        <TextField id="project-name" name="form[name]" label="Project name" required=true maxlength=200
            value=p.map(|p| p.name.clone()).unwrap_or_default() error=fe("name") />
        <div class="two-columns">
            <SelectField id="project-status" name="form[status]" label="Status" options=status_options
                selected=p.map(|p| p.status).unwrap_or(ProjectStatus::Active).as_str().to_owned() error=fe("status") />
            <TextField id="project-due" name="form[due_date]" label="Due date" kind="date"
                value=p.and_then(|p| p.due_date).map(|d| d.to_string()).unwrap_or_default() error=fe("due_date") />
        </div>
        <MoneyFields id="project-rate" legend="Default rate" name_prefix="form[rate_" name_suffix="]"
            initial=p.and_then(|p| p.default_rate).map(|r| r.amount) initial_unit=p.and_then(|p| p.default_rate).map(|r| r.unit)
            with_unit=true default_currency=base_currency.clone()
            hint="Overrides the client's default rate for this project. Leave the amount empty for none."
            errors=money_errors(error, "rate") />
        <MoneyFields id="project-budget" legend="Budget" name_prefix="form[budget_" name_suffix="]"
            initial=p.and_then(|p| p.budget) default_currency=base_currency
            errors=money_errors(error, "budget") />
        <FormError error />
    }
    .into_any()
}

fn base_currency() -> impl Fn() -> String + Copy {
    let session = use_shell_session();
    move || {
        session
            .and_then(|s| s.0.get())
            .and_then(|r| r.ok().flatten())
            .and_then(|i| i.active_business)
            .map(|b| b.currency)
            .unwrap_or_else(|| "EUR".to_owned())
    }
}

#[component]
pub fn NewProjectPage() -> impl IntoView {
    let action = ServerAction::<CreateProject>::new();
    let error = action_error(action);
    let query = use_query_map();
    let clients = Resource::new(|| (), |_| list_clients(String::new(), false, String::new()));
    let currency = base_currency();
    view! {
        <Title text="New project" />
        <Require any_of=&[Permission::ProjectsCreate]>
            <section class="page narrow">
                <h1>"New project"</h1>
                <Suspense fallback=|| ()>
                    {move || {
                        // Tracked, so following another "New project for …" link re-renders the form.
                        let selected = query.read().get("client").unwrap_or_default();
                        Suspend::new(async move {
                        let clients = clients.await.unwrap_or_default();
                        view! {
                            <ActionForm action>
                                <ProjectFields project=None clients selected_client=selected base_currency=currency() error />
                                <SubmitButton label="Create project" busy_label="Creating…" pending=action.pending() />
                            </ActionForm>
                        }
                        })
                    }}
                </Suspense>
            </section>
        </Require>
    }
}

#[component]
pub fn EditProjectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let project = Resource::new(id, |id| async move { get_project(param(&id)?).await });
    let clients = Resource::new(|| (), |_| list_clients(String::new(), true, String::new()));
    let action = ServerAction::<UpdateProject>::new();
    let error = action_error(action);
    let currency = base_currency();
    view! {
        <Title text="Edit project" />
        <section class="page narrow">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match project.await {
                        Ok(page) => {
                            let clients = clients.await.unwrap_or_default();
                            let p = page.project;
                            view! {
                                <h1>{format!("Edit {}", p.name)}</h1>
                                <ActionForm action>
                                    <input type="hidden" name="id" value=p.id.to_string() />
                                    <ProjectFields selected_client=p.client_id.to_string() project=Some(p) clients base_currency=currency() error />
                                    <SubmitButton label="Save project" busy_label="Saving…" pending=action.pending() />
                                </ActionForm>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <LoadFailed error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
