//! The dashboard operation (PRODUCT §3.13): one statement, then pricing and labels in Rust so the
//! money rounding stays in the money core.

use crate::billing::line_from_time;
use crate::dashboard::{Dashboard, Outstanding, Unbilled};
use crate::error::AppResult;
use crate::money::{CurrencyCode, Money};
use crate::permissions::Permission;
use crate::server::db::dashboard::{self as db, Cards, UnbilledGroup, Week};
use crate::server::db::time::RunningRow;
use crate::server::time::{running_view, week_bounds, zone};
use crate::server::BusinessCtx;
use crate::time::week_start;
use std::collections::BTreeMap;

pub async fn summary(ctx: &BusinessCtx) -> AppResult<Dashboard> {
    ctx.require(Permission::DashboardView)?;
    let today = ctx.today();
    let monday = week_start(today);
    let tz = zone(&ctx.local.timezone);
    let (start, end) = week_bounds(tz, monday);
    let cards = Cards {
        invoices: ctx.can(Permission::InvoicesView),
        own_time: ctx.can(Permission::TimeViewOwn) || ctx.can(Permission::TimeLog),
        projects: ctx.can(Permission::ProjectsView),
        tasks: ctx.can(Permission::TasksView),
        expenses: ctx.can(Permission::ExpensesView),
        activity: ctx.can(Permission::ClientsView),
        timer: ctx.can(Permission::TimeLog),
    };
    let row = db::summary(&ctx.pool, ctx.business.id, ctx.user.id, today, Week { start, end }, cards).await?;
    let timer = row.timer.map(|t| {
        running_view(
            ctx,
            RunningRow {
                id: t.id,
                task_id: t.task_id,
                task_title: t.task_title,
                project_id: t.project_id,
                project_name: t.project_name,
                started_at: t.started_at,
            },
        )
    });
    let when = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).format("%-d %b %Y, %H:%M %Z").to_string();
    Ok(Dashboard {
        business_name: ctx.business.name.clone(),
        today,
        week_start: monday,
        getting_started: row.getting_started,
        outstanding: cards.invoices.then_some(Outstanding {
            totals: row.outstanding,
            count: row.outstanding_count,
            overdue_count: row.overdue_count,
        }),
        week: cards.own_time.then_some(row.week),
        active_projects: cards.projects.then_some(row.active_projects),
        open_tasks: cards.tasks.then_some(row.open_tasks),
        unbilled: cards.invoices.then(|| unbilled(&row.unbilled)),
        unpaid_expenses: cards.expenses.then_some(row.unpaid_expenses),
        recent_invoices: cards.invoices.then(|| row.recent_invoices.into_iter().map(|r| r.shown_on(today)).collect()),
        activity: cards.activity.then(|| {
            row.activity
                .into_iter()
                .map(|mut a| {
                    a.entry.when = when(a.entry.at);
                    a
                })
                .collect()
        }),
        timer_forgotten: timer.as_ref().is_some_and(|t| t.is_forgotten(ctx.now())),
        timer,
    })
}

/// Unbilled time, priced the way "Generate lines" prices it: each rate's hours once, half-up.
pub fn unbilled(groups: &[UnbilledGroup]) -> Unbilled {
    let mut values: BTreeMap<CurrencyCode, i64> = BTreeMap::new();
    let mut result = Unbilled { seconds: 0, entries: 0, values: Vec::new(), unpriced_seconds: 0 };
    for group in groups {
        result.seconds = result.seconds.saturating_add(group.seconds);
        result.entries = result.entries.saturating_add(group.entries);
        match (group.currency, group.rate) {
            (Some(currency), Some(rate)) => {
                let value = line_from_time(group.seconds, rate).unwrap_or(i64::MAX);
                let sum = values.entry(currency).or_default();
                *sum = sum.saturating_add(value);
            }
            _ => result.unpriced_seconds = result.unpriced_seconds.saturating_add(group.seconds),
        }
    }
    result.values = values.into_iter().map(|(currency, minor)| Money::new(minor, currency)).collect();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(currency: Option<&str>, rate: Option<i64>, seconds: i64) -> UnbilledGroup {
        UnbilledGroup {
            currency: currency.map(|c| CurrencyCode::parse(c).expect("currency")),
            rate,
            seconds,
            entries: 1,
        }
    }

    #[test]
    fn unbilled_time_is_priced_once_per_rate_half_up_and_unpriced_time_is_counted_apart() {
        // PRODUCT §3.8: 70 min at 31.00/h → 36.17 (3616.67 rounds up); 30 min at 10.01/h → 5.005 → 5.01.
        let groups = [
            group(Some("EUR"), Some(3100), 4200),
            group(Some("EUR"), Some(1001), 1800),
            group(Some("USD"), Some(10_000), 3600),
            group(None, None, 900),
        ];
        let unbilled = unbilled(&groups);
        let eur = CurrencyCode::parse("EUR").expect("EUR");
        let usd = CurrencyCode::parse("USD").expect("USD");
        assert_eq!(unbilled.values, vec![Money::new(3617 + 501, eur), Money::new(10_000, usd)]);
        assert_eq!(unbilled.seconds, 4200 + 1800 + 3600 + 900);
        assert_eq!(unbilled.entries, 4);
        assert_eq!(unbilled.unpriced_seconds, 900);
    }

    #[test]
    fn nothing_unbilled_is_zero_with_no_currencies() {
        let unbilled = unbilled(&[]);
        assert_eq!((unbilled.seconds, unbilled.entries, unbilled.unpriced_seconds), (0, 0, 0));
        assert!(unbilled.values.is_empty());
    }
}
