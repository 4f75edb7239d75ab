//! `/projects`: filter by client, search.

use crate::clients::list_clients;
use crate::components::gate::IfCan;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::permissions::Permission;
use crate::projects::list_projects;
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
                                <td><A href=format!("/projects/{}", p.id)>{p.name}</A></td>
                                <td><A href=format!("/clients/{}", p.client_id)>{p.client_name}</A></td>
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
