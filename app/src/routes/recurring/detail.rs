//! `/invoices/recurring/:id`: the schedule, what comes next, the invoices it made, and its actions
//! (generate now, pause / resume, end, delete). Every action is a plain form post.

use super::{ends_text, ScheduleBadge};
use crate::components::form::{action_error, FormError};
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable};
use crate::ids::param;
use crate::recurring::{
    get_schedule, DeleteSchedule, GenerateScheduleNow, SchedulePage, ScheduleStatus, SetScheduleStatus,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

const LINE_COLUMNS: &[Column] = &[Column::shown("Description"), Column::shown("Amount")];
const INVOICE_COLUMNS: &[Column] = &[
    Column::shown("Number"),
    Column::shown("Issued"),
    Column::shown("Due"),
    Column::shown("Status"),
    Column::shown("Total"),
];

#[component]
pub fn ScheduleDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let status = ServerAction::<SetScheduleStatus>::new();
    let generate = ServerAction::<GenerateScheduleNow>::new();
    let delete = ServerAction::<DeleteSchedule>::new();
    let schedule = Resource::new(
        move || (id(), status.version().get(), generate.version().get()),
        |(id, _, _)| async move { get_schedule(param(&id)?).await },
    );
    view! {
        <Title text="Recurring invoice" />
        <section class="page">
            <Load resource=schedule let:page>
                <ScheduleView page status generate delete />
            </Load>
        </section>
    }
}

#[component]
fn ScheduleView(
    page: SchedulePage,
    status: ServerAction<SetScheduleStatus>,
    generate: ServerAction<GenerateScheduleNow>,
    delete: ServerAction<DeleteSchedule>,
) -> impl IntoView {
    let s = page.schedule;
    let id = s.id.to_string();
    let status_error = action_error(status);
    let generate_error = action_error(generate);
    let delete_error = action_error(delete);
    let project = match (s.project_id, s.project_name.clone()) {
        (Some(pid), Some(name)) => view! { <A href=format!("/projects/{pid}")>{name}</A> }.into_any(),
        _ => "—".into_any(),
    };
    let next = s.next_run_on.map_or_else(|| "—".to_owned(), |d| d.to_string());
    let last_run = s.last_run_at.map_or_else(|| "Not yet".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string());
    let upcoming =
        (!page.upcoming.is_empty()).then(|| page.upcoming.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "));
    let lines = s
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <td>{line.description.clone()}</td>
                    <td class="amount">{s.line_amount(line).format()}</td>
                </tr>
            }
        })
        .collect_view();
    let invoices = page
        .generated
        .into_iter()
        .map(|i| {
            view! {
                <tr>
                    <td><a href=format!("/invoices/{}", i.id)>{i.number.clone().unwrap_or_else(|| "Draft".to_owned())}</a></td>
                    <td>{i.issue_date.to_string()}</td>
                    <td>{i.due_date.to_string()}</td>
                    <td><span class=format!("badge status-{}", i.shown.as_str())>{i.shown.label()}</span></td>
                    <td class="amount">{i.total.format()}</td>
                </tr>
            }
        })
        .collect_view();
    let has_invoices = s.generated_count > 0;
    let status_button = |value: ScheduleStatus, label: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=status>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="status" value=value.as_str() />
                <button type="submit">{label}</button>
            </ActionForm>
        }
    };
    let running = s.status == ScheduleStatus::Active;
    let ended = s.status == ScheduleStatus::Ended;
    let pause_or_resume = if running {
        status_button(ScheduleStatus::Paused, "Pause")
    } else {
        status_button(ScheduleStatus::Active, "Resume")
    };
    let generate_form = (!ended).then(|| {
        let id = id.clone();
        view! {
            <ActionForm action=generate>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="primary">"Generate now"</button>
            </ActionForm>
        }
    });
    let end_form = (!ended).then(|| {
        let id = id.clone();
        view! {
            <details class="confirm">
                <summary class="button">"End…"</summary>
                <ActionForm action=status>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="status" value="ended" />
                    <p>"An ended schedule makes no more invoices. You can resume it later."</p>
                    <button type="submit" class="danger">"End schedule"</button>
                </ActionForm>
            </details>
        }
    });
    let problem = s.last_error.clone().map(|error| {
        view! {
            <div class="notice warning" role="alert">
                <strong>"The last run had a problem: "</strong>{error}
            </div>
        }
    });
    let (name, client_href, client_name) = (s.name.clone(), format!("/clients/{}", s.client_id), s.client_name.clone());
    let (runs, starts, ends) = (s.cadence.describe(), s.cadence.start.to_string(), ends_text(&s));
    let on_each_run = if s.auto_issue { "Issued at once" } else { "Made as a draft to review" };
    let subtotal = s.subtotal().format();
    let notes = (!s.notes.is_empty()).then(|| {
        let notes = s.notes.clone();
        view! { <h2>"Notes"</h2><p class="notes">{notes}</p> }
    });
    let edit_href = format!("/invoices/recurring/{id}/edit");
    view! {
        <Title text=name.clone() />
        <div class="page-head">
            <h1>{name}</h1>
            <ScheduleBadge status=s.status />
        </div>
        <p><A href="/invoices/recurring">"← All recurring invoices"</A></p>
        {problem}
        <dl class="facts">
            <dt>"Client"</dt><dd><A href=client_href>{client_name}</A></dd>
            <dt>"Project"</dt><dd>{project}</dd>
            <dt>"Runs"</dt><dd>{runs}</dd>
            <dt>"Starts"</dt><dd>{starts}</dd>
            <dt>"Ends"</dt><dd>{ends}</dd>
            <dt>"Next invoice"</dt><dd>{next}</dd>
            {upcoming.map(|dates| view! { <dt>"Then"</dt><dd>{dates}</dd> })}
            <dt>"Invoices made"</dt><dd>{s.generated_count}</dd>
            <dt>"Last run"</dt><dd>{last_run}</dd>
            <dt>"Payment terms"</dt><dd>{format!("{} days", s.net_terms_days)}</dd>
            <dt>"VAT treatment"</dt><dd>{s.tax_treatment.label()}</dd>
            <dt>"On each run"</dt><dd>{on_each_run}</dd>
        </dl>
        <h2>"Lines"</h2>
        <DataTable columns=LINE_COLUMNS>{lines}</DataTable>
        <p class="totals-line"><strong>"Before VAT: "</strong>{subtotal}</p>
        {notes}
        <div class="actions">
            <A href=edit_href attr:class="button">"Edit schedule"</A>
            {generate_form}
            {pause_or_resume}
            {end_form}
            <details class="confirm" open=move || delete_error.get().is_some()>
                <summary class="button danger">"Delete…"</summary>
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=id />
                    <p>"Deleting removes the schedule. The invoices it made stay."</p>
                    <button type="submit" class="danger">"Delete schedule"</button>
                    <FormError error=delete_error />
                </ActionForm>
            </details>
        </div>
        <FormError error=generate_error />
        <FormError error=status_error />
        <h2>"Invoices made"</h2>
        {if has_invoices {
            view! { <DataTable columns=INVOICE_COLUMNS>{invoices}</DataTable> }.into_any()
        } else {
            view! { <p class="hint">"None yet. Each run adds one here; \"Generate now\" makes the next one today."</p> }.into_any()
        }}
    }
}
