//! `/projects`: filter by client, search.

use crate::clients::list_clients;
use crate::components::gate::IfCan;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::permissions::Permission;
use crate::projects::list_projects;
use crate::tasks::{search_tasks, TaskMatch};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

const COLUMNS: &[Column] = &[
    Column::shown("Project"),
    Column::shown("Client"),
    Column::shown("Status"),
    Column::shown("Due"),
    Column::shown("Open tasks"),
];

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let query = use_query_map();
    let client = move || query.read().get("client").unwrap_or_default();
    let search = move || query.read().get("q").unwrap_or_default();
    let projects = Resource::new(move || (client(), search()), |(c, q)| list_projects(c, q));
    let clients = Resource::new(|| (), |_| list_clients(String::new(), false, String::new()));
    // Finding a task by its title, across projects; no query while the box is empty.
    let task_query = move || query.read().get("task_q").unwrap_or_default();
    let found = Resource::new(task_query, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            search_tasks(q).await.map(Some)
        }
    });
    view! {
        <Title text="Projects" />
        <section class="page">
            <div class="page-head">
                <h1>"Projects"</h1>
                <IfCan permission=Permission::ProjectsCreate>
                    <A href="/projects/new" attr:class="button primary">"New project"</A>
                </IfCan>
            </div>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="project-client">"Client"</label>
                    <select id="project-client" name="client">
                        <option value="">"All clients"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let selected = client();
                                clients
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| {
                                        let id = c.id.to_string();
                                        let is = id == selected;
                                        view! { <option value=id selected=is>{c.name}</option> }
                                    })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="project-search">"Search projects"</label>
                    <input id="project-search" type="search" name="q" value=search />
                </div>
                <button type="submit">"Filter"</button>
            </Form>
            <IfCan permission=Permission::TasksView>
                <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Tasks">
                    <div class="field">
                        <label for="task-search">"Find a task"</label>
                        <input id="task-search" type="search" name="task_q" value=task_query />
                    </div>
                    <button type="submit">"Find"</button>
                </Form>
            </IfCan>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    found.await.ok().flatten().map(|tasks| view! { <FoundTasks tasks /> })
                })}
            </Suspense>
            <Load resource=projects let:list>
                {if list.is_empty() {
                    view! {
                        <EmptyState
                            title="No projects here"
                            text="Projects belong to a client and hold the tasks you track time on."
                        />
                    }
                    .into_any()
                } else {
                    let rows = list
                        .into_iter()
                        .map(|p| view! {
                            <tr>
                                <td><a href=format!("/projects/{}", p.id)>{p.name}</a></td>
                                <td><a href=format!("/clients/{}", p.client_id)>{p.client_name}</a></td>
                                <td>{p.status.label()}</td>
                                <td>{p.due_date.map(|d| d.to_string()).unwrap_or_default()}</td>
                                <td>{p.open_tasks}</td>
                            </tr>
                        })
                        .collect_view();
                    view! { <DataTable columns=COLUMNS>{rows}</DataTable> }.into_any()
                }}
            </Load>
        </section>
    }
}

/// Tasks found by title, each linked to its dialog on its project.
#[component]
fn FoundTasks(tasks: Vec<TaskMatch>) -> impl IntoView {
    if tasks.is_empty() {
        return view! { <p class="hint" role="status">"No task has that in its title."</p> }.into_any();
    }
    let items = tasks
        .into_iter()
        .map(|t| {
            view! {
                <li>
                    <a href=format!("/projects/{}?task={}", t.project_id, t.id)>{t.title}</a>
                    {format!(" · {} · {} · {}", t.client_name, t.project_name, t.status.label())}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="found-tasks-heading">
            <h2 id="found-tasks-heading">"Tasks found"</h2>
            <ul class="plain-list">{items}</ul>
        </section>
    }
    .into_any()
}
