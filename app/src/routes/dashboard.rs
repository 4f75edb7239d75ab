//! `/`: the dashboard of the active business, from one statement (`dashboard_summary`). Every card
//! links to the list behind it; a new business sees its first steps instead of empty figures.

use crate::components::layout::{session_info, use_shell_session, ShellActions};
use crate::components::loading::Load;
use crate::dashboard::{dashboard_summary, Activity, Dashboard, GettingStarted, Outstanding, Unbilled, WeekHours};
use crate::invoices::InvoiceSummary;
use crate::money::Money;
use crate::time::{format_hm, RunningTimer};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_shell_session();
    // Switching or creating a business changes whose dashboard this is.
    let shell = use_context::<ShellActions>();
    let summary = Resource::new(
        move || shell.map(|a| (a.switch_business.version().get(), a.create_business.version().get(), a.refresh.get())),
        |_| dashboard_summary(),
    );
    view! {
        <Title text="Dashboard" />
        <section class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // Without a business the shell sends the visitor on (to sign in or onboarding);
                    // the summary's error must not turn that redirect into an error page.
                    match session_info(session).await {
                        Some(info) if info.active_business.is_some() => Either::Left(view! {
                            <Load resource=summary let:dashboard>
                                <DashboardView dashboard />
                            </Load>
                        }),
                        _ => Either::Right(()),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let Dashboard {
        business_name,
        week_start,
        getting_started,
        outstanding,
        week,
        active_projects,
        open_tasks,
        unbilled,
        unpaid_expenses,
        recent_invoices,
        activity,
        timer,
        timer_forgotten,
        ..
    } = dashboard;
    view! {
        <p class="eyebrow">"Dashboard"</p>
        <h1>{business_name}</h1>
        {timer.map(|timer| view! { <TimerNotice timer forgotten=timer_forgotten /> })}
        {(!getting_started.done()).then(|| view! { <FirstSteps steps=getting_started /> })}
        <div class="stats">
            {outstanding.map(|outstanding| view! { <OutstandingCard outstanding /> })}
            {week.map(|week| view! { <WeekCard week week_start=week_start.format("%-d %b").to_string() /> })}
            {unbilled.map(|unbilled| view! { <UnbilledCard unbilled /> })}
            {(active_projects.is_some() || open_tasks.is_some()).then(|| view! { <WorkCard active_projects open_tasks /> })}
            {unpaid_expenses.map(|totals| view! { <ExpensesCard totals /> })}
        </div>
        <div class="two-columns">
            {recent_invoices.map(|invoices| view! { <RecentInvoices invoices /> })}
            {activity.map(|items| view! { <RecentActivity items /> })}
        </div>
    }
}

/// "12.50 EUR · 80.00 USD", or `none` when there is nothing.
fn amounts(totals: &[Money], none: &'static str) -> String {
    if totals.is_empty() {
        none.to_owned()
    } else {
        totals.iter().map(Money::format).collect::<Vec<_>>().join(" · ")
    }
}

fn plural(count: i64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

#[component]
fn TimerNotice(timer: RunningTimer, forgotten: bool) -> impl IntoView {
    let text = format!("Timer running on {} · {} since {}.", timer.task_title, timer.project_name, timer.started_local);
    let class = if forgotten { "notice warning" } else { "notice" };
    view! {
        <div class=class role="status">
            <p>
                {text}
                {forgotten.then_some(" It has been running a long time: stop it at the time you finished.")}
                " "
                <a href="/time">"Go to your timesheet"</a>
            </p>
        </div>
    }
}

#[component]
fn FirstSteps(steps: GettingStarted) -> impl IntoView {
    let step = |done: bool, href: &'static str, label: &'static str, hint: &'static str| {
        let status = if done { "Done" } else { "To do" };
        view! {
            <li class:done=done>
                <span class="badge">{status}</span>
                " "
                <a href=href>{label}</a>
                <p class="hint">{hint}</p>
            </li>
        }
    };
    view! {
        <section class="card first-steps" aria-labelledby="first-steps">
            <h2 id="first-steps">"Get started"</h2>
            <ol>
                {step(steps.client, "/clients/new", "Add your first client", "Who you work for: their address and VAT number go on invoices.")}
                {step(steps.project, "/projects/new", "Create a project", "Group the work for a client, with its own rate or budget if it has one.")}
                {step(steps.time, "/time", "Track time", "Start the timer on a task, or type in the hours you worked.")}
                {step(steps.invoice, "/invoices/new", "Send your first invoice", "Turn the tracked time into lines, issue it, and download the PDF.")}
            </ol>
        </section>
    }
}

#[component]
fn OutstandingCard(outstanding: Outstanding) -> impl IntoView {
    let totals: Vec<Money> = outstanding.totals.iter().map(|t| t.total).collect();
    let overdue: Vec<Money> = outstanding.totals.iter().map(|t| t.overdue).filter(|m| m.minor > 0).collect();
    view! {
        <section class="card stat" aria-labelledby="stat-outstanding">
            <h2 id="stat-outstanding">"Outstanding"</h2>
            <p class="figure">{amounts(&totals, "Nothing owed")}</p>
            <p>
                <a href="/invoices?status=outstanding">{plural(outstanding.count, "invoice sent", "invoices sent")}</a>
                " · "
                <a href="/invoices?status=overdue">{format!("{} overdue", outstanding.overdue_count)}</a>
            </p>
            {(!overdue.is_empty()).then(|| view! { <p class="hint">{format!("Overdue: {}", amounts(&overdue, ""))}</p> })}
        </section>
    }
}

#[component]
fn WeekCard(week: WeekHours, week_start: String) -> impl IntoView {
    view! {
        <section class="card stat" aria-labelledby="stat-week">
            <h2 id="stat-week">"Your week"</h2>
            <p class="figure">{format!("{} h", format_hm(week.seconds))}</p>
            <p>
                <a href="/time">{format!("{} since Monday {week_start}", plural(week.projects, "project", "projects"))}</a>
            </p>
        </section>
    }
}

#[component]
fn UnbilledCard(unbilled: Unbilled) -> impl IntoView {
    view! {
        <section class="card stat" aria-labelledby="stat-unbilled">
            <h2 id="stat-unbilled">"Unbilled time"</h2>
            <p class="figure">{format!("{} h", format_hm(unbilled.seconds))}</p>
            <p>{amounts(&unbilled.values, "Nothing to bill yet")}</p>
            {(unbilled.unpriced_seconds > 0).then(|| view! {
                <p class="hint">{format!("{} h without a rate: give the client, project or member a rate to bill it.", format_hm(unbilled.unpriced_seconds))}</p>
            })}
            {(unbilled.entries > 0).then(|| view! { <p><a href="/invoices/new">"Invoice it"</a></p> })}
        </section>
    }
}

#[component]
fn WorkCard(active_projects: Option<i64>, open_tasks: Option<i64>) -> impl IntoView {
    view! {
        <section class="card stat" aria-labelledby="stat-work">
            <h2 id="stat-work">"Work in progress"</h2>
            {active_projects.map(|n| view! { <p class="figure"><a href="/projects">{plural(n, "active project", "active projects")}</a></p> })}
            {open_tasks.map(|n| view! { <p><a href="/projects">{plural(n, "open task", "open tasks")}</a></p> })}
        </section>
    }
}

#[component]
fn ExpensesCard(totals: Vec<Money>) -> impl IntoView {
    view! {
        <section class="card stat" aria-labelledby="stat-expenses">
            <h2 id="stat-expenses">"Unpaid expenses"</h2>
            <p class="figure">{amounts(&totals, "All paid")}</p>
            <p><a href="/expenses?status=unpaid">"See unpaid expenses"</a></p>
        </section>
    }
}

#[component]
fn RecentInvoices(invoices: Vec<InvoiceSummary>) -> impl IntoView {
    let body = if invoices.is_empty() {
        view! { <p class="hint">"No invoices yet. "<a href="/invoices/new">"Create one"</a>" from tracked time."</p> }
            .into_any()
    } else {
        let rows = invoices
            .into_iter()
            .map(|i| {
                let label = i.number.clone().unwrap_or_else(|| "Draft".to_owned());
                view! {
                    <li>
                        <a href=format!("/invoices/{}", i.id)>{label}</a>
                        {format!(" · {} · ", i.client_name)}
                        <span class=format!("badge status-{}", i.shown.as_str())>{i.shown.label()}</span>
                        <span class="amount">{i.total.format()}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="recent">{rows}</ul><p><a href="/invoices">"All invoices"</a></p> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="recent-invoices">
            <h2 id="recent-invoices">"Recent invoices"</h2>
            {body}
        </section>
    }
}

#[component]
fn RecentActivity(items: Vec<Activity>) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="hint">"Notes, new clients and invoices sent or paid show up here."</p> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|a| {
                let headline = a.entry.headline();
                let note = (a.entry.kind == crate::clients::EventKind::Note).then(|| a.entry.body.clone());
                view! {
                    <li>
                        <a href=format!("/clients/{}", a.client_id)>{a.client_name}</a>
                        {format!(": {headline}")}
                        {note.map(|body| view! { <p class="pre">{body}</p> })}
                        <p class="hint"><time datetime=a.entry.at.to_rfc3339()>{a.entry.when}</time></p>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="recent">{rows}</ul> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="recent-activity">
            <h2 id="recent-activity">"Recent activity"</h2>
            {body}
        </section>
    }
}
