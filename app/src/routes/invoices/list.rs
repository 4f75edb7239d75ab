//! `/invoices`: filter by status (overdue included), search by number or client, totals per currency.

use crate::components::gate::IfCan;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::invoices::{list_invoices, InvoiceList, Shown};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

const COLUMNS: &[Column] = &[
    Column::shown("Number"),
    Column::shown("Client"),
    Column::shown("Issued"),
    Column::shown("Due"),
    Column::shown("Status"),
    Column::shown("Total"),
];

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let search = move || query.read().get("q").unwrap_or_default();
    let invoices = Resource::new(move || (status(), search()), |(s, q)| list_invoices(s, q));
    let status_options = move || {
        let selected = status();
        std::iter::once(("", "All statuses"))
            .chain(Shown::ALL.iter().map(|s| (s.as_str(), s.label())))
            .map(|(value, label)| {
                let is = value == selected;
                view! { <option value=value selected=is>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <Title text="Invoices" />
        <section class="page">
            <div class="page-head">
                <h1>"Invoices"</h1>
                <IfCan permission=Permission::InvoicesCreate>
                    <A href="/invoices/new" attr:class="button primary">"New invoice"</A>
                </IfCan>
            </div>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="invoice-status">"Status"</label>
                    <select id="invoice-status" name="status">{status_options}</select>
                </div>
                <div class="field">
                    <label for="invoice-search">"Search by number or client"</label>
                    <input id="invoice-search" type="search" name="q" value=search />
                </div>
                <button type="submit">"Filter"</button>
            </Form>
            <Load resource=invoices let:list>
                <InvoiceTable list />
            </Load>
        </section>
    }
}

#[component]
fn InvoiceTable(list: InvoiceList) -> impl IntoView {
    if list.invoices.is_empty() {
        return view! {
            <EmptyState
                title="No invoices here"
                text="Create a draft for a client, pull in their tracked time, and issue it when it is ready."
            />
        }
        .into_any();
    }
    let totals = list.totals.iter().map(|m| m.format()).collect::<Vec<_>>().join(" · ");
    let rows = list
        .invoices
        .into_iter()
        .map(|i| {
            let href = format!("/invoices/{}", i.id);
            let label = i.number.clone().unwrap_or_else(|| "Draft".to_owned());
            // Plain anchors (the router still handles their clicks): `<A>` costs a reactive
            // context per link, which is most of this page's render time at 500 rows.
            view! {
                <tr>
                    <td><a href=href>{label}</a></td>
                    <td><a href=format!("/clients/{}", i.client_id)>{i.client_name}</a></td>
                    <td>{i.issue_date.to_string()}</td>
                    <td>{i.due_date.to_string()}</td>
                    <td><span class=format!("badge status-{}", i.shown.as_str())>{i.shown.label()}</span></td>
                    <td class="amount">{i.total.format()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=COLUMNS>{rows}</DataTable>
        <p class="totals-line"><strong>"Total (void excluded): "</strong>{totals}</p>
        {list.truncated.then(|| view! { <p class="hint">"Only the newest invoices are shown. Filter or search to find older ones."</p> })}
    }
    .into_any()
}
