//! `/time?week=YYYY-MM-DD`: the weekly timesheet (rows per task, columns per day, totals), adding
//! time by hand, and the week's entries with their notes.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SelectField, SubmitButton, TextField,
};
use crate::components::loading::Load;
use crate::components::money::currency_options;
use crate::components::time_entries::{BillableAndNote, TimeEntries};
use crate::components::timer::{use_timer, StartTimerButton, TimerActions};
use crate::time::{format_hm, get_timesheet, week_start, DeleteTimeEntry, LogTime, Timesheet, UpdateTimeNote};
use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn TimesheetPage() -> impl IntoView {
    let query = use_query_map();
    let week = move || query.read().get("week").unwrap_or_default();
    let member = move || query.read().get("member").unwrap_or_default();
    let timer = use_timer();
    let update_note = ServerAction::<UpdateTimeNote>::new();
    let delete = ServerAction::<DeleteTimeEntry>::new();
    let versions = move || {
        let t = timer.map(|t| {
            (t.log.version().get(), t.start.version().get(), t.stop.version().get(), t.stop_at.version().get())
        });
        (t, update_note.version().get(), delete.version().get())
    };
    let sheet = Resource::new(move || (week(), member(), versions()), |(week, member, _)| get_timesheet(week, member));
    view! {
        <Title text="Timesheet" />
        <section class="page">
            <Load resource=sheet let:sheet>
                <SheetView sheet update_note delete timer />
            </Load>
        </section>
    }
}

fn week_link(monday: NaiveDate, member: Option<&str>) -> String {
    match member {
        Some(m) => format!("/time?week={monday}&member={m}"),
        None => format!("/time?week={monday}"),
    }
}

#[component]
fn SheetView(
    sheet: Timesheet,
    update_note: ServerAction<UpdateTimeNote>,
    delete: ServerAction<DeleteTimeEntry>,
    timer: Option<TimerActions>,
) -> impl IntoView {
    let query = use_query_map();
    let other = (!sheet.viewing_self).then(|| sheet.member_id.to_string());
    let member = other.as_deref();
    let monday = sheet.week_start;
    // "Mon 23 Nov – Sun 29 Nov 2026", and the lead adds " · 7:30 tracked".
    let range = format!("{} – {}", monday.format("%a %-d %b"), (monday + Duration::days(6)).format("%a %-d %b %Y"));
    let heading = format!("{range} · {} tracked", format_hm(sheet.week_total));
    let day_headers = sheet
        .days
        .iter()
        .zip(1..)
        .map(|(d, col)| {
            let today = *d == sheet.today;
            view! { <th scope="col" data-col=col class=if today { "today" } else { "" }>{d.format("%a %-d").to_string()}</th> }
        })
        .collect_view();
    let rows = sheet
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .seconds
                .iter()
                .zip(&sheet.days)
                .zip(1..)
                .map(|((seconds, day), col)| {
                    let add = format!("?week={monday}&add_task={}&add_date={day}#add-entry", row.task_id);
                    let label = format!("Add time to {} on {}", row.task_title, day.format("%a %-d %b"));
                    let amount = (*seconds > 0).then(|| format_hm(*seconds));
                    view! {
                        <td data-col=col>
                            {amount}
                            {sheet.can_log.then(|| view! { <a class="quick-add" href=add aria-label=label>"+"</a> })}
                        </td>
                    }
                })
                .collect_view();
            let start = (sheet.can_log && sheet.viewing_self && timer.is_some()).then(|| {
                view! {
                    <StartTimerButton task=row.task_id origin=format!("sheet-{}", row.task_id)
                        label=format!("Start timer on {}", row.task_title) />
                }
            });
            let (title, place, total) =
                (row.task_title.clone(), format!("{} · {}", row.client_name, row.project_name), format_hm(row.total));
            let project = format!("/projects/{}?task={}", row.project_id, row.task_id);
            view! {
                <tr>
                    <th scope="row">
                        <a href=project class="task-name">{title}</a>
                        <span class="hint">{place}</span>
                        {start}
                    </th>
                    {cells}
                    <td class="total">{total}</td>
                </tr>
            }
        })
        .collect_view();
    let totals = sheet
        .day_totals
        .iter()
        .zip(1..)
        .map(|(s, col)| view! { <td class="total" data-col=col>{format_hm(*s)}</td> })
        .collect_view();
    let days = sheet.days.clone();
    let default_day = if days.contains(&sheet.today) { sheet.today } else { monday };
    // Which day a phone shows (the stylesheet hides the others): `?day=`, else today, else Monday.
    let shown_day = Memo::new(move |_| {
        query
            .read()
            .get("day")
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .filter(|d| days.contains(d))
            .unwrap_or(default_day)
    });
    let shown_col = move || (shown_day.get() - monday).num_days() + 1;
    let day_links = sheet
        .days
        .iter()
        .map(|&day| {
            let href = format!("{}&day={day}", week_link(monday, member));
            let current = move || (shown_day.get() == day).then_some("true");
            view! {
                <a href=href aria-current=current>
                    <span>{day.format("%a").to_string()}</span>
                    <span>{day.format("%-d").to_string()}</span>
                </a>
            }
        })
        .collect_view();
    let members: Vec<(String, String)> =
        sheet.members.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    // A cell's "+" link changes only `add_task`/`add_date` when it stays in the same week, so the
    // timesheet does not reload: the form must follow the query itself. Re-rendering it (rather than
    // setting properties) keeps the server HTML's `selected`/`value` the single source of truth.
    let prefill = Memo::new(move |_| {
        let query = query.read();
        (query.get("add_task"), query.get("add_date"))
    });
    let today = sheet.today;
    let empty = sheet.rows.is_empty();
    view! {
        <div class="page-head">
            <div>
                <h1>"Timesheet"</h1>
                <p class="lead">{if sheet.viewing_self { heading.clone() } else { format!("{} · {heading}", sheet.member_name) }}</p>
            </div>
            <nav class="week-nav" aria-label="Weeks">
                <A href=week_link(monday - Duration::days(7), member)>"← Previous week"</A>
                <A href=week_link(week_start(sheet.today), member)>"This week"</A>
                <A href=week_link(monday + Duration::days(7), member)>"Next week →"</A>
            </nav>
        </div>
        {(members.len() > 1).then(|| view! {
            <Form method="GET" action="" attr:class="filters">
                <input type="hidden" name="week" value=monday.to_string() />
                <SelectField id="timesheet-member" name="member" label="Member" options=members selected=sheet.member_id.to_string()
                    error=Signal::derive(|| None::<String>) />
                <button type="submit">"Show"</button>
            </Form>
        })}
        <nav class="day-nav" aria-label="Days">{day_links}</nav>
        <div class="table-scroll">
            <table class="data timesheet" data-day=shown_col>
                <caption class="visually-hidden">{range}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Task"</th>
                        {day_headers}
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows}
                    {empty.then(|| view! { <tr><td colspan="9" class="hint">"No time tracked this week."</td></tr> })}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Day total"</th>
                        {totals}
                        <td class="total week-total">{format_hm(sheet.week_total)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        {(sheet.can_log && sheet.viewing_self).then(|| {
            let (tasks, currency) = (sheet.tasks.clone(), sheet.business_currency.clone());
            move || {
                let (task, date) = prefill.get();
                let date = date.unwrap_or_else(|| today.to_string());
                view! { <AddTimeForm timer tasks=tasks.clone() task date currency=currency.clone() /> }
            }
        })}
        <section class="card" aria-labelledby="entries-heading">
            <h2 id="entries-heading">"Entries this week"</h2>
            <TimeEntries entries=sheet.entries.clone() can_edit=sheet.can_edit can_delete=sheet.can_delete update_note delete show_task=true />
        </section>
    }
    .into_any()
}

#[component]
fn AddTimeForm(
    timer: Option<TimerActions>,
    tasks: Vec<crate::time::TaskOption>,
    task: Option<String>,
    date: String,
    currency: String,
) -> impl IntoView {
    let Some(timer) = timer else { return ().into_any() };
    let log = timer.log;
    let error = action_error(log);
    let fe = move |key: &'static str| field_error(error, key);
    let options: Vec<(String, String)> = std::iter::once((String::new(), "Choose a task".to_owned()))
        .chain(tasks.into_iter().map(|t| (t.id.to_string(), t.label)))
        .collect();
    view! {
        <section class="card" id="add-entry" aria-labelledby="add-entry-heading">
            <h2 id="add-entry-heading">"Add time"</h2>
            <ActionForm action=log on:submit:capture=validate_before_posting(log, |a: &LogTime| a.entry.validate().map(|_| ()))>
                <SelectField id="entry-task" name="entry[task_id]" label="Task" options selected=task.unwrap_or_default() error=fe("task_id") />
                <div class="two-columns">
                    <TextField id="entry-date" name="entry[date]" label="Date" kind="date" required=true value=date error=fe("date") />
                    <TextField id="entry-start" name="entry[start_time]" label="Start time" kind="time" hint="Optional; 09:00 when empty."
                        error=fe("start_time") />
                </div>
                <TextField id="entry-duration" name="entry[duration]" label="Duration" required=true
                    hint="Like 1:30, 1h 30m, 90m or 1.5h." error=fe("duration") />
                <BillableAndNote id="entry" error />
                <fieldset class="money">
                    <legend>"Hourly rate for this entry"</legend>
                    <p class="hint">"Optional. Without it, the entry takes the member's, project's or client's rate."</p>
                    <div class="money-row">
                        <TextField id="entry-rate-amount" name="entry[rate_amount]" label="Rate amount" error=fe("rate_amount") />
                        <div class="field">
                            <label for="entry-rate-currency">"Rate currency"</label>
                            <select id="entry-rate-currency" name="entry[rate_currency]">
                                <option value="">"—"</option>
                                {currency_options(&currency)}
                            </select>
                            <FieldError id="entry-rate-currency-error".to_owned() message=fe("rate_currency") />
                        </div>
                    </div>
                </fieldset>
                <FormError error />
                <SubmitButton label="Add time" busy_label="Adding…" pending=log.pending() />
            </ActionForm>
        </section>
    }
    .into_any()
}
