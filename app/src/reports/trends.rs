//! Trends: hours per week by project (the last 12 weeks) and revenue against expenses per month
//! (the last 12 months, one chart per currency), drawn as SVG on the server so they read without
//! JavaScript. Each chart has a title, a description, and its data as a table beside it.

use crate::money::{format_amount, CurrencyCode};
use crate::time::format_hm;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const WEEKS: usize = 12;
pub const MONTHS: usize = 12;
/// Projects named in the hours chart; the rest are summed as "Other projects".
pub const NAMED_PROJECTS: usize = 5;

/// Hours of one project in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectHours {
    pub project: String,
    pub seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours {
    /// The Monday.
    pub week: NaiveDate,
    /// In the order of [`Trends::projects`].
    pub projects: Vec<ProjectHours>,
}

impl WeekHours {
    pub fn total(&self) -> i64 {
        self.projects.iter().map(|p| p.seconds).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthMoney {
    /// The first of the month.
    pub month: NaiveDate,
    /// Issued invoices' subtotals (void left out), by issue date.
    pub revenue: i64,
    /// Expenses by their date.
    pub expenses: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyMonths {
    pub currency: CurrencyCode,
    pub months: Vec<MonthMoney>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trends {
    /// The projects in the legend, most hours first, then "Other projects" when there are more.
    pub projects: Vec<String>,
    pub weeks: Vec<WeekHours>,
    pub currencies: Vec<CurrencyMonths>,
}

/// Escapes text for SVG (element content and attribute values).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A round top for the axis: 1, 2 or 5 times a power of ten, at least `max`.
pub fn nice_ceiling(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate >= max {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// `value / by` rounded up, for non-negative values.
fn ceil_div(value: i64, by: i64) -> i64 {
    (value.max(0) + by - 1) / by
}

/// Fill classes for the series, in legend order (colours live in the stylesheet).
pub fn series_class(index: usize) -> String {
    format!("series-{}", index % 6)
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 260;
const LEFT: i64 = 56;
const BOTTOM: i64 = 28;
const TOP: i64 = 12;

fn frame(id: &str, title: &str, description: &str, body: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"#,
        escape(title),
        escape(description)
    )
}

/// The y axis: three gridlines labelled with `label(value)`.
fn y_axis(top_value: i64, label: impl Fn(i64) -> String) -> String {
    let plot = HEIGHT - BOTTOM - TOP;
    let mut out = String::new();
    for step in 0..=2 {
        let value = top_value * step / 2;
        let y = HEIGHT - BOTTOM - plot * step / 2;
        out.push_str(&format!(
            r#"<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
            LEFT - 6,
            y + 4,
            escape(&label(value))
        ));
    }
    out
}

fn height_of(value: i64, top_value: i64) -> i64 {
    let plot = i128::from(HEIGHT - BOTTOM - TOP);
    i64::try_from(i128::from(value.max(0)) * plot / i128::from(top_value.max(1))).unwrap_or(0)
}

/// Stacked bars: one per week, one segment per project.
pub fn hours_chart(trends: &Trends) -> String {
    let top = nice_ceiling(ceil_div(trends.weeks.iter().map(WeekHours::total).max().unwrap_or(0), 3600)) * 3600;
    let slot = (WIDTH - LEFT) / WEEKS as i64;
    let bar = slot * 6 / 10;
    let mut body = y_axis(top, |seconds| format!("{} h", seconds / 3600));
    for (i, week) in trends.weeks.iter().enumerate() {
        let x = LEFT + slot * i as i64 + (slot - bar) / 2;
        let mut y = HEIGHT - BOTTOM;
        for (p, hours) in week.projects.iter().enumerate().filter(|(_, h)| h.seconds > 0) {
            let h = height_of(hours.seconds, top);
            y -= h;
            body.push_str(&format!(
                r#"<rect class="{}" x="{x}" y="{y}" width="{bar}" height="{h}"><title>{}</title></rect>"#,
                series_class(p),
                escape(&format!(
                    "Week of {}: {} {} h",
                    week.week.format("%-d %b"),
                    hours.project,
                    format_hm(hours.seconds)
                ))
            ));
        }
        body.push_str(&format!(
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + bar / 2,
            HEIGHT - 8,
            week.week.format("%-d %b")
        ));
    }
    frame(
        "chart-hours",
        "Hours per week",
        &format!(
            "Hours logged in each of the last {WEEKS} weeks, stacked by project. The table below lists the figures."
        ),
        &body,
    )
}

/// Paired bars per month: revenue, then expenses.
pub fn money_chart(chart: &CurrencyMonths) -> String {
    let digits = chart.currency.info().minor_units;
    let scale = 10i64.pow(u32::from(digits));
    let max = chart.months.iter().map(|m| m.revenue.max(m.expenses)).max().unwrap_or(0);
    let top = nice_ceiling(ceil_div(max, scale)) * scale;
    let slot = (WIDTH - LEFT) / MONTHS as i64;
    let bar = slot * 35 / 100;
    let mut body = y_axis(top, |minor| format_amount(minor - minor % scale, digits).trim_end_matches(".00").to_owned());
    for (i, month) in chart.months.iter().enumerate() {
        let x = LEFT + slot * i as i64 + slot / 2 - bar;
        for (k, (value, what)) in [(month.revenue, "Revenue"), (month.expenses, "Expenses")].into_iter().enumerate() {
            let h = height_of(value, top);
            body.push_str(&format!(
                r#"<rect class="{}" x="{}" y="{}" width="{bar}" height="{h}"><title>{}</title></rect>"#,
                if k == 0 { "revenue" } else { "expenses" },
                x + bar * k as i64,
                HEIGHT - BOTTOM - h,
                escape(&format!(
                    "{} {}: {} {}",
                    what,
                    month.month.format("%b %Y"),
                    format_amount(value, digits),
                    chart.currency
                ))
            ));
        }
        body.push_str(&format!(
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + bar,
            HEIGHT - 8,
            month.month.format("%b")
        ));
    }
    let id = format!("chart-money-{}", chart.currency.as_str().to_lowercase());
    frame(
        &id,
        &format!("Revenue and expenses in {}", chart.currency),
        &format!(
            "Per month over the last {MONTHS} months: invoices issued (without VAT, void left out) against expenses, in {}. The table below lists the figures.",
            chart.currency
        ),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn axis_tops_are_round_numbers() {
        assert_eq!([0, 1, 3, 7, 10, 11, 45, 120, 999].map(nice_ceiling), [1, 1, 5, 10, 10, 20, 50, 200, 1000]);
    }

    #[test]
    fn the_hours_chart_stacks_projects_and_escapes_their_names() {
        let trends = Trends {
            projects: vec!["Site <beta>".into(), "Other projects".into()],
            weeks: vec![WeekHours {
                week: d("2026-11-23"),
                projects: vec![
                    ProjectHours { project: "Site <beta>".into(), seconds: 3 * 3600 },
                    ProjectHours { project: "Other projects".into(), seconds: 5400 },
                ],
            }],
            currencies: vec![],
        };
        let svg = hours_chart(&trends);
        assert!(svg.starts_with(r#"<svg class="chart""#) && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"<title id="chart-hours-title">Hours per week</title>"#));
        assert!(svg.contains("Week of 23 Nov: Site &lt;beta&gt; 3:00 h"), "{svg}");
        assert!(!svg.contains("<beta>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        // 4.5 h rounds the axis up to 5 h (220 px): 3 h is 132 px up from the bottom line (y = 232),
        // and the 1.5 h above it 66 px more.
        assert!(svg.contains(">5 h</text>"));
        assert!(svg.contains(r#"y="100" width="33" height="132""#), "{svg}");
        assert!(svg.contains(r#"y="34" width="33" height="66""#), "{svg}");
    }

    #[test]
    fn the_money_chart_pairs_revenue_and_expenses_per_month() {
        let chart = CurrencyMonths {
            currency: CurrencyCode::parse("EUR").expect("EUR"),
            months: vec![MonthMoney { month: d("2026-11-01"), revenue: 123_450, expenses: 2000 }],
        };
        let svg = money_chart(&chart);
        assert!(svg.contains("Revenue Nov 2026: 1,234.50 EUR"));
        assert!(svg.contains("Expenses Nov 2026: 20.00 EUR"));
        assert!(svg.contains(r#"aria-labelledby="chart-money-eur-title chart-money-eur-desc""#));
        assert!(svg.contains(">2,000</text>"), "the axis tops at 2,000: {svg}");
    }
}
