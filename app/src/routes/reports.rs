//! `/reports`: profit for a month, quarter, year or custom range, on the cash and accrual bases,
//! per currency with a base-currency total, and per client and project; the hours tracked and billed;
//! every table as CSV.

use crate::auth::query_param;
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable};
use crate::reports::{
    csv_link, get_profit_report, Basis, BasisKind, BilledTime, BreakdownRow, Period, PeriodKind, ProfitLine,
    ProfitReport, ReportTable,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

const FIGURES: [&str; 4] = ["Income", "Expenses", "Labour cost", "Profit"];

#[component]
pub fn ReportsPage() -> impl IntoView {
    let location = use_location();
    let param = move |name: &'static str| move || query_param(&location.search.get(), name).unwrap_or_default();
    let (period, at, from, to) = (param("period"), param("at"), param("from"), param("to"));
    let report = Resource::new(
        move || (period(), at(), from(), to()),
        |(period, at, from, to)| get_profit_report(period, at, from, to),
    );
    view! {
        <Title text="Reports" />
        <section class="page">
            <div class="page-head">
                <h1>"Profit"</h1>
            </div>
            <ReportTabs current="profit" />
            <Load resource=report let:report>
                <PeriodPicker period=report.period from=from() to=to() />
                <ProfitView report />
            </Load>
        </section>
    }
}

/// Presets, the neighbouring periods, and a form for any period (works without JavaScript).
#[component]
fn PeriodPicker(period: Period, from: String, to: String) -> impl IntoView {
    let link = |p: Period| format!("/reports?{}", p.query());
    let options = PeriodKind::ALL
        .iter()
        .map(|kind| {
            let selected = *kind == period.kind;
            view! { <option value=kind.as_str() selected=selected>{kind.label()}</option> }
        })
        .collect_view();
    // The dates of a custom range as typed; a preset's own range otherwise. Switching the kind
    // keeps the period's start (`at`): November becomes Q4, then 2026.
    let (from, to) = if period.kind == PeriodKind::Custom || from.is_empty() {
        (period.from.to_string(), period.to.to_string())
    } else {
        (from, to)
    };
    let at = period.from.to_string();
    view! {
        <nav class="period-nav" aria-label="Previous and next period">
            <a href=link(period.step(-1)) rel="prev">{format!("← {}", period.step(-1).label())}</a>
            <h2>{period.label()}</h2>
            <a href=link(period.step(1)) rel="next">{format!("{} →", period.step(1).label())}</a>
        </nav>
        <Form method="GET" action="" attr:class="filters">
            <div class="field">
                <label for="report-period">"Period"</label>
                <select id="report-period" name="period">{options}</select>
            </div>
            <div class="field">
                <label for="report-from">"From (custom)"</label>
                <input id="report-from" type="date" name="from" value=from />
            </div>
            <div class="field">
                <label for="report-to">"To (custom)"</label>
                <input id="report-to" type="date" name="to" value=to />
            </div>
            <input type="hidden" name="at" value=at />
            <button type="submit">"Show"</button>
        </Form>
    }
}

#[component]
fn ProfitView(report: ProfitReport) -> impl IntoView {
    let ProfitReport { period, base_currency, cash, accrual, billed_time } = report;
    let base = base_currency.to_string();
    view! {
        <BasisSection basis=cash period base=base.clone() />
        <BasisSection basis=accrual period base />
        <BilledTimeSection rows=billed_time period />
    }
}

/// Hours tracked against hours billed per client: where billing rounding added or took time.
#[component]
fn BilledTimeSection(rows: Vec<BilledTime>, period: Period) -> impl IntoView {
    const COLUMNS: &[Column] =
        &[Column::shown("Client"), Column::shown("Tracked"), Column::shown("Billed"), Column::shown("Difference")];
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{row.client.clone()}</td>
                    <td class="amount">{crate::time::format_hm(row.tracked_seconds)}</td>
                    <td class="amount">{crate::time::format_hm(row.billed_seconds)}</td>
                    <td class="amount">{row.difference_label()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card report" aria-labelledby="billed-time">
            <div class="section-head">
                <h2 id="billed-time">"Time billed"</h2>
                <a href=csv_link(&period, BasisKind::Accrual, ReportTable::Time) download="">"Download time billed (CSV)"</a>
            </div>
            <p class="hint">"On the invoices issued in the period: the hours their time entries tracked and the hours billed, which billing rounding may raise or lower. Entries are never changed."</p>
            {if empty {
                view! { <p>"No tracked time was invoiced in this period."</p> }.into_any()
            } else {
                view! { <DataTable columns=COLUMNS>{body}</DataTable> }.into_any()
            }}
        </section>
    }
}

fn amount_cells(line: &ProfitLine) -> impl IntoView {
    let profit_class = if line.profit < 0 { "amount loss" } else { "amount" };
    view! {
        <td class="amount">{line.format(line.income)}</td>
        <td class="amount">{line.format(line.expenses)}</td>
        <td class="amount">{line.format(line.labour)}</td>
        <td class=profit_class>{line.format(line.profit)}</td>
    }
}

fn columns(first: &'static str) -> &'static [Column] {
    // One static list per first column: the table component takes a `'static` slice.
    const CURRENCY: &[Column] = &[
        Column::shown("Currency"),
        Column::shown(FIGURES[0]),
        Column::shown(FIGURES[1]),
        Column::shown(FIGURES[2]),
        Column::shown(FIGURES[3]),
    ];
    const CLIENT: &[Column] = &[
        Column::shown("Client"),
        Column::shown(FIGURES[0]),
        Column::shown(FIGURES[1]),
        Column::shown(FIGURES[2]),
        Column::shown(FIGURES[3]),
    ];
    const PROJECT: &[Column] = &[
        Column::shown("Project"),
        Column::shown(FIGURES[0]),
        Column::shown(FIGURES[1]),
        Column::shown(FIGURES[2]),
        Column::shown(FIGURES[3]),
    ];
    match first {
        "Client" => CLIENT,
        "Project" => PROJECT,
        _ => CURRENCY,
    }
}

#[component]
fn BasisSection(basis: Basis, period: Period, base: String) -> impl IntoView {
    let kind = basis.kind;
    let id = match kind {
        BasisKind::Cash => "basis-cash",
        BasisKind::Accrual => "basis-accrual",
    };
    let total = match basis.total.line {
        Some(line) => view! {
            <tr class="total">
                <th scope="row">{format!("Total in {base}")}</th>
                {amount_cells(&line)}
            </tr>
        }
        .into_any(),
        None => view! {
            <tr class="total">
                <th scope="row">{format!("Total in {base}")}</th>
                <td colspan="4">
                    {format!("Not available: no ECB rate for {}.", basis.total.missing_rates.join(", "))}
                </td>
            </tr>
        }
        .into_any(),
    };
    let rows = basis
        .currencies
        .iter()
        .map(|line| view! { <tr><td>{line.currency.to_string()}</td>{amount_cells(line)}</tr> })
        .collect_view();
    let empty = basis.currencies.is_empty();
    view! {
        <section class="card report" aria-labelledby=id>
            <div class="section-head">
                <h2 id=id>{kind.label()}</h2>
                <a href=csv_link(&period, kind, ReportTable::Currencies) download="">
                    {format!("Download {} (CSV)", kind.label().to_lowercase())}
                </a>
            </div>
            <p class="hint">{kind.explanation()}</p>
            {if empty {
                view! { <p>"Nothing was invoiced, paid or spent in this period."</p> }.into_any()
            } else {
                view! {
                    <DataTable columns=columns("Currency")>{rows}{total}</DataTable>
                    <Breakdown kind title="By client" rows=basis.clients href=csv_link(&period, kind, ReportTable::Clients) first="Client" />
                    <Breakdown kind title="By project" rows=basis.projects href=csv_link(&period, kind, ReportTable::Projects) first="Project" />
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Breakdown(
    kind: BasisKind,
    title: &'static str,
    rows: Vec<BreakdownRow>,
    href: String,
    first: &'static str,
) -> impl IntoView {
    let link_base = if first == "Client" { "/clients/" } else { "/projects/" };
    let body = rows
        .into_iter()
        .map(|row| {
            let name = match row.id {
                Some(id) => view! { <a href=format!("{link_base}{id}")>{row.name}</a> }.into_any(),
                None => row.name.into_any(),
            };
            view! { <tr><td>{name}" · "{row.line.currency.to_string()}</td>{amount_cells(&row.line)}</tr> }
        })
        .collect_view();
    view! {
        <div class="section-head">
            <h3>{title}</h3>
            <a href=href download="">
                {format!("Download {} {} (CSV)", kind.label().to_lowercase(), title.to_lowercase())}
            </a>
        </div>
        <DataTable columns=columns(first)>{body}</DataTable>
    }
}

/// Profit and budgets, as tabs (plain links).
#[component]
pub fn ReportTabs(current: &'static str) -> impl IntoView {
    let tab = |id: &'static str, href: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(id == current).then_some("page")>{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label="Reports">
            {tab("profit", "/reports", "Profit")}
            {tab("budgets", "/reports/budgets", "Budgets")}
            {tab("trends", "/reports/trends", "Trends")}
        </nav>
    }
}

/// `/reports/budgets`: every client, member and project budget with what has been used of it.
#[component]
pub fn BudgetsPage() -> impl IntoView {
    let budgets = Resource::new(|| (), |_| crate::budgets::get_budgets());
    view! {
        <Title text="Budgets" />
        <section class="page">
            <div class="page-head">
                <h1>"Budgets"</h1>
            </div>
            <ReportTabs current="budgets" />
            <Load resource=budgets let:lines>
                <BudgetList lines />
            </Load>
        </section>
    }
}

#[component]
fn BudgetList(lines: Vec<crate::budgets::BudgetLine>) -> impl IntoView {
    use crate::budgets::BudgetKind;
    use crate::components::budget::BudgetBar;
    if lines.is_empty() {
        return view! {
            <div class="empty-state">
                <h2>"No budgets yet"</h2>
                <p>"Give a client, a project, or a member's work for a client a budget, and its use shows up here: the value of the time logged against it, near at 80 %, over once used up."</p>
            </div>
        }
        .into_any();
    }
    let items = lines
        .into_iter()
        .map(|line| {
            let label = match line.kind {
                BudgetKind::Client => format!("{} (client)", line.name),
                BudgetKind::Member => format!("{} for {}", line.name, line.client_name),
                BudgetKind::Project => format!("{} (project of {})", line.name, line.client_name),
            };
            view! {
                <li>
                    <a href=line.href()>{label}</a>
                    <BudgetBar label="Budget".to_owned() usage=line.usage />
                </li>
            }
        })
        .collect_view();
    view! { <section class="card"><ul class="recent">{items}</ul></section> }.into_any()
}
