//! The trends page (charts): the last 12 weeks' hours by project and the last 12 months' revenue
//! and expenses per currency, in one statement.

use crate::error::AppResult;
use crate::money::CurrencyCode;
use crate::permissions::Permission;
use crate::reports::trends::{
    CurrencyMonths, MonthMoney, ProjectHours, Trends, WeekHours, MONTHS, NAMED_PROJECTS, WEEKS,
};
use crate::server::db::trends::{self as db, HoursRow, MoneyRow};
use crate::server::time::{week_bounds, zone};
use crate::server::BusinessCtx;
use crate::time::week_start;
use chrono::{Datelike, Duration, Months, NaiveDate};
use std::collections::BTreeMap;

pub async fn trends(ctx: &BusinessCtx) -> AppResult<Trends> {
    ctx.require(Permission::ReportsViewProfit)?;
    let today = ctx.today();
    let tz = zone(&ctx.local.timezone);
    let this_week = week_start(today);
    let first_week = this_week - Duration::weeks(WEEKS as i64 - 1);
    let since = week_bounds(tz, first_week).0;
    let until = week_bounds(tz, this_week).1;
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let first_month = this_month.checked_sub_months(Months::new(MONTHS as u32 - 1)).unwrap_or(this_month);
    let last_day = this_month.checked_add_months(Months::new(1)).map_or(today, |next| next - Duration::days(1));
    let (hours, money) =
        db::read(&ctx.pool, ctx.business.id, &ctx.local.timezone, (since, until), (first_month, last_day)).await?;
    let weeks: Vec<NaiveDate> = (0..WEEKS as i64).map(|i| first_week + Duration::weeks(i)).collect();
    let months: Vec<NaiveDate> =
        (0..MONTHS as u32).filter_map(|i| first_month.checked_add_months(Months::new(i))).collect();
    Ok(build(&weeks, &months, hours, money))
}

/// Places the rows in every week and month of the range (zeros where nothing happened), names the
/// projects with the most hours and sums the others.
pub fn build(weeks: &[NaiveDate], months: &[NaiveDate], hours: Vec<HoursRow>, money: Vec<MoneyRow>) -> Trends {
    let mut totals: BTreeMap<uuid::Uuid, (String, i64)> = BTreeMap::new();
    for row in &hours {
        let total = totals.entry(row.project_id).or_insert_with(|| (row.project.clone(), 0));
        total.1 = total.1.saturating_add(row.seconds);
    }
    let mut ranked: Vec<(uuid::Uuid, String, i64)> = totals.into_iter().map(|(id, (name, s))| (id, name, s)).collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase())));
    let has_other = ranked.len() > NAMED_PROJECTS;
    let named: Vec<(uuid::Uuid, String)> =
        ranked.into_iter().take(NAMED_PROJECTS).map(|(id, name, _)| (id, name)).collect();
    let mut projects: Vec<String> = named.iter().map(|(_, name)| name.clone()).collect();
    if has_other {
        projects.push("Other projects".to_owned());
    }
    let weeks = weeks
        .iter()
        .map(|&week| {
            let mut seconds = vec![0i64; projects.len()];
            for row in hours.iter().filter(|r| r.week == week) {
                let slot =
                    named.iter().position(|(id, _)| *id == row.project_id).unwrap_or(projects.len().saturating_sub(1));
                seconds[slot] = seconds[slot].saturating_add(row.seconds);
            }
            WeekHours {
                week,
                projects: projects
                    .iter()
                    .zip(seconds)
                    .map(|(project, seconds)| ProjectHours { project: project.clone(), seconds })
                    .collect(),
            }
        })
        .collect();
    let mut by_currency: BTreeMap<CurrencyCode, BTreeMap<NaiveDate, (i64, i64)>> = BTreeMap::new();
    for row in money {
        let month = by_currency.entry(row.currency).or_default().entry(row.month).or_default();
        match row.kind.as_str() {
            "revenue" => month.0 = month.0.saturating_add(row.minor),
            _ => month.1 = month.1.saturating_add(row.minor),
        }
    }
    let currencies = by_currency
        .into_iter()
        .map(|(currency, values)| CurrencyMonths {
            currency,
            months: months
                .iter()
                .map(|&month| {
                    let (revenue, expenses) = values.get(&month).copied().unwrap_or_default();
                    MonthMoney { month, revenue, expenses }
                })
                .collect(),
        })
        .collect();
    Trends { projects, weeks, currencies }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn hours(week: &str, project: u128, name: &str, seconds: i64) -> HoursRow {
        HoursRow { week: d(week), project_id: uuid::Uuid::from_u128(project), project: name.into(), seconds }
    }

    #[test]
    fn the_top_projects_are_named_and_the_rest_summed_in_every_week() {
        let weeks = [d("2026-11-16"), d("2026-11-23")];
        let mut rows: Vec<HoursRow> =
            (1..=6).map(|p| hours("2026-11-16", p, &format!("P{p}"), 3600 * p as i64)).collect();
        rows.push(hours("2026-11-23", 1, "P1", 60));
        let trends = build(&weeks, &[], rows, vec![]);
        assert_eq!(trends.projects, ["P6", "P5", "P4", "P3", "P2", "Other projects"]);
        assert_eq!(trends.weeks[0].total(), 21 * 3600);
        assert_eq!(trends.weeks[0].projects[5].seconds, 3600, "P1 is the smallest: other");
        assert_eq!(trends.weeks[1].projects[5].seconds, 60);
        assert_eq!(trends.weeks[1].total(), 60);
    }

    #[test]
    fn every_month_appears_per_currency_with_zeros_where_nothing_happened() {
        let eur = CurrencyCode::parse("EUR").expect("EUR");
        let months = [d("2026-10-01"), d("2026-11-01")];
        let money = vec![
            MoneyRow { month: d("2026-11-01"), currency: eur, kind: "revenue".into(), minor: 500 },
            MoneyRow { month: d("2026-11-01"), currency: eur, kind: "expenses".into(), minor: 120 },
        ];
        let trends = build(&[], &months, vec![], money);
        assert_eq!(trends.currencies.len(), 1);
        assert_eq!(
            trends.currencies[0].months,
            vec![
                MonthMoney { month: d("2026-10-01"), revenue: 0, expenses: 0 },
                MonthMoney { month: d("2026-11-01"), revenue: 500, expenses: 120 },
            ]
        );
        assert!(trends.projects.is_empty());
    }
}
