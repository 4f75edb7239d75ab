//! `/invoices/recurring`: every schedule with its cadence, next invoice and amount.

use super::ScheduleBadge;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::recurring::{list_schedules, Schedule};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

const COLUMNS: &[Column] = &[
    Column::shown("Name"),
    Column::shown("Client"),
    Column::shown("Runs"),
    Column::shown("Next invoice"),
    Column::shown("Amount (before VAT)"),
    Column::shown("Status"),
    Column::shown("Made"),
];

#[component]
pub fn SchedulesPage() -> impl IntoView {
    let schedules = Resource::new(|| (), |_| list_schedules());
    view! {
        <Title text="Recurring invoices" />
        <section class="page">
            <div class="page-head">
                <h1>"Recurring invoices"</h1>
                <div class="actions">
                    <A href="/invoices" attr:class="button">"All invoices"</A>
                    <A href="/invoices/recurring/new" attr:class="button primary">"New schedule"</A>
                </div>
            </div>
            <Load resource=schedules let:schedules>
                <ScheduleTable schedules />
            </Load>
        </section>
    }
}

#[component]
fn ScheduleTable(schedules: Vec<Schedule>) -> impl IntoView {
    if schedules.is_empty() {
        return view! {
            <EmptyState
                title="No recurring invoices yet"
                text="A schedule makes the same invoice every week, month, quarter or year: a retainer, hosting, a licence. Make it a draft to check, or issue it at once."
            />
        }
        .into_any();
    }
    let rows = schedules
        .into_iter()
        .map(|s| {
            let next = s.next_run_on.map_or_else(|| "—".to_owned(), |d| d.to_string());
            let amount = s.subtotal().format();
            let problem =
                s.last_error.is_some().then(|| view! { " " <span class="badge warning">"Last run failed"</span> });
            view! {
                <tr>
                    <td><a href=format!("/invoices/recurring/{}", s.id)>{s.name.clone()}</a>{problem}</td>
                    <td><a href=format!("/clients/{}", s.client_id)>{s.client_name.clone()}</a></td>
                    <td>{s.cadence.describe()}</td>
                    <td>{next}</td>
                    <td class="amount">{amount}</td>
                    <td><ScheduleBadge status=s.status /></td>
                    <td>{s.generated_count}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable columns=COLUMNS>{rows}</DataTable> }.into_any()
}
