//! `/reports/trends`: hours per week by project and revenue against expenses per month, as SVG
//! charts drawn on the server, each with its figures as a table to open.

use crate::components::loading::Load;
use crate::money::format_amount;
use crate::reports::get_trends;
use crate::reports::trends::{hours_chart, money_chart, series_class, CurrencyMonths, Trends};
use crate::routes::reports::ReportTabs;
use crate::time::format_hm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TrendsPage() -> impl IntoView {
    let trends = Resource::new(|| (), |_| get_trends());
    view! {
        <Title text="Trends" />
        <section class="page">
            <div class="page-head">
                <h1>"Trends"</h1>
            </div>
            <ReportTabs current="trends" />
            <Load resource=trends let:trends>
                <HoursCard trends=trends.clone() />
                {if trends.currencies.is_empty() {
                    view! {
                        <section class="card" aria-labelledby="money-heading">
                            <h2 id="money-heading">"Revenue and expenses"</h2>
                            <p>"No invoice was issued and no expense recorded in the last 12 months."</p>
                        </section>
                    }
                    .into_any()
                } else {
                    trends.currencies.into_iter().map(|chart| view! { <MoneyCard chart /> }).collect_view().into_any()
                }}
            </Load>
        </section>
    }
}

#[component]
fn HoursCard(trends: Trends) -> impl IntoView {
    if trends.projects.is_empty() {
        return view! {
            <section class="card" aria-labelledby="hours-heading">
                <h2 id="hours-heading">"Hours per week"</h2>
                <p>"No time was logged in the last 12 weeks."</p>
            </section>
        }
        .into_any();
    }
    let legend = trends
        .projects
        .iter()
        .enumerate()
        .map(|(i, name)| view! { <li><span class=format!("swatch {}", series_class(i)) aria-hidden="true"></span>{name.clone()}</li> })
        .collect_view();
    let heads = trends.projects.iter().map(|name| view! { <th scope="col">{name.clone()}</th> }).collect_view();
    let rows = trends
        .weeks
        .iter()
        .map(|week| {
            let cells =
                week.projects.iter().map(|p| view! { <td class="amount">{format_hm(p.seconds)}</td> }).collect_view();
            view! {
                <tr>
                    <th scope="row">{week.week.format("%-d %b %Y").to_string()}</th>
                    {cells}
                    <td class="amount">{format_hm(week.total())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart-card" aria-labelledby="hours-heading">
            <h2 id="hours-heading">"Hours per week"</h2>
            <div class="chart-box" inner_html=hours_chart(&trends)></div>
            <ul class="legend">{legend}</ul>
            <details>
                <summary>"Hours per week as a table"</summary>
                <div class="table-scroll">
                    <table class="data">
                        <thead><tr><th scope="col">"Week of"</th>{heads}<th scope="col">"Total"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
    .into_any()
}

#[component]
fn MoneyCard(chart: CurrencyMonths) -> impl IntoView {
    let digits = chart.currency.info().minor_units;
    let currency = chart.currency.to_string();
    let heading = format!("Revenue and expenses in {currency}");
    let id = format!("money-{}", currency.to_lowercase());
    let labelled_by = id.clone();
    let rows = chart
        .months
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{m.month.format("%B %Y").to_string()}</th>
                    <td class="amount">{format!("{} {currency}", format_amount(m.revenue, digits))}</td>
                    <td class="amount">{format!("{} {currency}", format_amount(m.expenses, digits))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart-card" aria-labelledby=labelled_by>
            <h2 id=id>{heading.clone()}</h2>
            <div class="chart-box" inner_html=money_chart(&chart)></div>
            <ul class="legend">
                <li><span class="swatch revenue" aria-hidden="true"></span>"Revenue (invoices issued, without VAT)"</li>
                <li><span class="swatch expenses" aria-hidden="true"></span>"Expenses"</li>
            </ul>
            <details>
                <summary>{format!("{heading} as a table")}</summary>
                <div class="table-scroll">
                    <table class="data">
                        <thead><tr><th scope="col">"Month"</th><th scope="col">"Revenue"</th><th scope="col">"Expenses"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
