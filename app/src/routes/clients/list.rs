//! `/clients`: search, show archived, and the list.

use crate::clients::list_clients;
use crate::components::form::SelectField;
use crate::components::gate::IfCan;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

const COLUMNS: &[Column] = &[
    Column::shown("Name"),
    Column::shown("Company"),
    Column::shown("Contact"),
    Column::shown("Default rate"),
    Column::shown("Added"),
    Column::hidden("Status"),
];

#[component]
pub fn ClientsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let archived = move || query.read().get("archived").is_some_and(|v| v == "1");
    let sort = move || query.read().get("sort").filter(|s| s == "created").unwrap_or_else(|| "name".to_owned());
    let clients =
        Resource::new(move || (search(), archived(), sort()), |(q, archived, sort)| list_clients(q, archived, sort));
    let sorts = vec![("name".to_owned(), "Name".to_owned()), ("created".to_owned(), "Newest first".to_owned())];
    view! {
        <Title text="Clients" />
        <section class="page">
            <div class="page-head">
                <h1>"Clients"</h1>
                <div class="actions">
                    <IfCan permission=Permission::ClientsCreate>
                        <A href="/clients/new" attr:class="button primary">"New client"</A>
                        <A href="/settings/import" attr:class="button">"Import from CSV"</A>
                    </IfCan>
                </div>
            </div>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="client-search">"Search clients"</label>
                    <input id="client-search" type="search" name="q" value=search />
                </div>
                <SelectField id="client-sort" name="sort" label="Sort by" options=sorts selected=sort() error=Signal::stored(None::<String>) />
                <div class="check">
                    <input id="show-archived" type="checkbox" name="archived" value="1" checked=archived />
                    <label for="show-archived">"Show archived"</label>
                </div>
                <button type="submit">"Search"</button>
            </Form>
            <Load resource=clients let:list>
                {if list.is_empty() {
                    view! {
                        <EmptyState
                            title="No clients here"
                            text="Add your first client, or import the list you already have from a CSV file."
                        />
                    }
                    .into_any()
                } else {
                    let rows = list
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    <td><a href=format!("/clients/{}", c.id)>{c.name}</a></td>
                                    <td>{c.company}</td>
                                    <td>{c.primary_contact.unwrap_or_default()}</td>
                                    <td>{c.default_rate.map(|r| r.format()).unwrap_or_default()}</td>
                                    <td><time datetime=c.created_on.to_string()>{c.created_on.format("%-d %b %Y").to_string()}</time></td>
                                    <td>{c.archived.then(|| view! { <span class="badge muted">"Archived"</span> })}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! { <DataTable columns=COLUMNS>{rows}</DataTable> }.into_any()
                }}
            </Load>
        </section>
    }
}
