//! `/expenses`: filter by status (`?status=unpaid`), search, date range; totals per currency; the
//! receipts of the range as a ZIP.

use super::{receipts_zip_link, ExpenseStatusBadge};
use crate::auth::query_param;
use crate::components::gate::IfCan;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::expenses::{list_expenses, ExpenseList, ExpenseStatus};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_location;

const COLUMNS: &[Column] = &[
    Column::shown("Date"),
    Column::shown("Description"),
    Column::shown("Vendor"),
    Column::shown("Category"),
    Column::shown("Client"),
    Column::shown("Amount"),
    Column::shown("Status"),
    Column::shown("Receipt"),
];

#[component]
pub fn ExpensesPage() -> impl IntoView {
    let location = use_location();
    // Read from the raw query so a `%` in a search term survives (see `query_param`).
    let param = move |name: &'static str| move || query_param(&location.search.get(), name).unwrap_or_default();
    let (status, search, from, to) = (param("status"), param("q"), param("from"), param("to"));
    let expenses = Resource::new(
        move || (status(), search(), from(), to()),
        |(status, search, from, to)| list_expenses(status, search, from, to),
    );
    let status_options = move || {
        let selected = status();
        std::iter::once(("", "All"))
            .chain(ExpenseStatus::ALL.iter().map(|s| (s.as_str(), s.label())))
            .map(|(value, label)| {
                let is = value == selected;
                view! { <option value=value selected=is>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <Title text="Expenses" />
        <section class="page">
            <div class="page-head">
                <h1>"Expenses"</h1>
                <div class="actions">
                    <IfCan permission=Permission::ExpensesCreate>
                        <A href="/expenses/new" attr:class="button primary">"New expense"</A>
                    </IfCan>
                    <a class="button" href=move || receipts_zip_link(&from(), &to()) download="">
                        "Download receipts (ZIP)"
                    </a>
                </div>
            </div>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="expense-status">"Status"</label>
                    <select id="expense-status" name="status">{status_options}</select>
                </div>
                <div class="field">
                    <label for="expense-search">"Search"</label>
                    <input id="expense-search" type="search" name="q" value=search maxlength="200" />
                </div>
                <div class="field">
                    <label for="expense-from">"From"</label>
                    <input id="expense-from" type="date" name="from" value=from />
                </div>
                <div class="field">
                    <label for="expense-to">"To"</label>
                    <input id="expense-to" type="date" name="to" value=to />
                </div>
                <button type="submit">"Filter"</button>
            </Form>
            <Load resource=expenses let:list>
                <ExpenseTable list />
            </Load>
        </section>
    }
}

#[component]
fn ExpenseTable(list: ExpenseList) -> impl IntoView {
    if list.expenses.is_empty() {
        return view! {
            <EmptyState
                title="No expenses here"
                text="Record what the business spends, keep each receipt with it, and bill the billable ones to your clients."
            />
        }
        .into_any();
    }
    let totals = list.totals.iter().map(|m| m.format()).collect::<Vec<_>>().join(" · ");
    let rows = list
        .expenses
        .into_iter()
        .map(|e| {
            let client = match (e.client_id, e.client_name) {
                (Some(id), Some(name)) => view! { <a href=format!("/clients/{id}")>{name}</a> }.into_any(),
                _ => ().into_any(),
            };
            let billing = match (&e.billed_on, e.billable) {
                (Some(_), _) => Some("Billed"),
                (None, true) => Some("Billable"),
                (None, false) => None,
            };
            view! {
                <tr>
                    <td><time datetime=e.incurred_on.to_string()>{e.incurred_on.to_string()}</time></td>
                    <td>
                        <a href=format!("/expenses/{}", e.id)>{e.description}</a>
                        {billing.map(|text| view! { " " <span class="badge muted">{text}</span> })}
                    </td>
                    <td>{e.vendor}</td>
                    <td>{e.category}</td>
                    <td>{client}</td>
                    <td class="amount">{e.amount.format()}</td>
                    <td><ExpenseStatusBadge status=e.status /></td>
                    <td>{if e.receipt.is_some() { "Yes" } else { "No" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=COLUMNS>{rows}</DataTable>
        <p class="totals-line"><strong>"Total: "</strong>{totals}</p>
        {list.truncated.then(|| view! { <p class="hint">"Only the newest 1,000 expenses are listed; the totals count every match. Filter to see older ones."</p> })}
    }
    .into_any()
}
