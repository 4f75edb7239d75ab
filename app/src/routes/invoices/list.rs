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
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
    let invoices = Resource::new(move || (status(), search(), page()), |(s, q, p)| list_invoices(s, q, p));
    let status_options = move || {
        let selected = status();
        [("", "All statuses"), ("outstanding", "Outstanding (sent or overdue)")]
            .into_iter()
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
                <div class="actions">
                    <IfCan permission=Permission::InvoicesManageRecurring>
                        <A href="/invoices/recurring" attr:class="button">"Recurring"</A>
                    </IfCan>
                    <IfCan permission=Permission::InvoicesCreate>
                        <A href="/invoices/new" attr:class="button primary">"New invoice"</A>
                    </IfCan>
                </div>
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
                <InvoiceTable list status=status() search=search() />
            </Load>
        </section>
    }
}

/// `/invoices` at `page`, keeping the filters.
fn page_link(status: &str, search: &str, page: u32) -> String {
    use leptos_router::location::Url;
    let mut link = String::from("/invoices?");
    for (key, value) in [("status", status), ("q", search)] {
        if !value.is_empty() {
            link.push_str(&format!("{key}={}&", Url::escape(value)));
        }
    }
    link.push_str(&format!("page={page}"));
    link
}

/// "Invoices 51–100 of 500", with links to the newer and older pages.
#[component]
fn Pages(list_page: u32, pages: u32, shown: usize, matched: usize, status: String, search: String) -> impl IntoView {
    // Shown only with more than one page, so this page is never empty.
    let first = (list_page as usize - 1) * crate::invoices::PAGE_SIZE + 1;
    let range = format!("Invoices {first}–{} of {matched}", first + shown - 1);
    view! {
        <nav class="pagination" aria-label="Pages">
            <p>{range}</p>
            {(list_page > 1).then(|| view! { <a href=page_link(&status, &search, list_page - 1) rel="prev">"← Newer"</a> })}
            {(list_page < pages).then(|| view! { <a href=page_link(&status, &search, list_page + 1) rel="next">"Older →"</a> })}
        </nav>
    }
}

#[component]
fn InvoiceTable(list: InvoiceList, status: String, search: String) -> impl IntoView {
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
    let (list_page, pages, shown, matched) = (list.page, list.pages, list.invoices.len(), list.matched);
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
                    <td>
                        <span class=format!("badge status-{}", i.shown.as_str())>{i.shown.label()}</span>
                        {i.credited.label().map(|label| view! { " "<span class="badge status-credited">{label}</span> })}
                    </td>
                    <td class="amount">{i.total.format()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=COLUMNS>{rows}</DataTable>
        {(pages > 1).then(|| view! { <Pages list_page pages shown matched status search /> })}
        <p class="totals-line"><strong>"Total (void excluded): "</strong>{totals}</p>
        {list.truncated.then(|| view! { <p class="hint">"Only the newest invoices are shown. Filter or search to find older ones."</p> })}
    }
    .into_any()
}
