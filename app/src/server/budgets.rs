//! Budget use from logged time (see [`crate::budgets`]): the statements that read time send it as
//! JSON groups (per member, currency and rate) with the latest ECB rates, and this turns them into
//! [`BudgetUse`]s. The budgets report reads every budget of the business in one statement.

use crate::billing::Decimal;
use crate::budgets::{assess, BudgetUse, TimeAtRate};
use crate::error::AppResult;
use crate::ids::UserId;
use crate::money::{CurrencyCode, Money};
use crate::permissions::Permission;
use crate::server::errors::internal;
use crate::server::fx::DayRates;
use crate::server::BusinessCtx;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Logged time at one rate, as the statements send it.
#[derive(Debug, Clone, Deserialize)]
pub struct TimeGroup {
    #[serde(default)]
    pub user_id: Option<UserId>,
    pub currency: CurrencyCode,
    pub rate_minor: i64,
    pub seconds: i64,
}

impl TimeGroup {
    fn at_rate(&self) -> TimeAtRate {
        TimeAtRate { currency: self.currency, rate_minor: self.rate_minor, seconds: self.seconds }
    }
}

pub fn groups(value: serde_json::Value) -> AppResult<Vec<TimeGroup>> {
    serde_json::from_value(value).map_err(|e| internal("budget time is malformed", e))
}

/// The ECB rates in force on a day (units per euro), read as `{"USD": "1.0543", …}`.
#[derive(Debug, Clone)]
pub struct LatestRates(DayRates);

impl LatestRates {
    pub fn from_json(value: Option<serde_json::Value>, on: NaiveDate) -> AppResult<LatestRates> {
        let texts: BTreeMap<String, String> = match value {
            Some(value) => serde_json::from_value(value).map_err(|e| internal("stored ECB rates are malformed", e))?,
            None => BTreeMap::new(),
        };
        let mut rates = BTreeMap::new();
        for (currency, text) in texts {
            rates.insert(currency, Decimal::parse(&text).map_err(|e| internal("a stored ECB rate is malformed", e))?);
        }
        Ok(LatestRates(DayRates { date: on, rates }))
    }

    /// `minor` of `from` in `to`, rounded once; `None` without a rate for either.
    pub fn convert(&self, minor: i64, from: CurrencyCode, to: CurrencyCode) -> Option<i64> {
        self.0.convert(minor, from, to)
    }
}

/// `budget` against the time of `groups` (all of them: callers pass the ones that count).
pub fn usage<'a>(budget: Money, groups: impl IntoIterator<Item = &'a TimeGroup>, rates: &LatestRates) -> BudgetUse {
    let time: Vec<TimeAtRate> = groups.into_iter().map(TimeGroup::at_rate).collect();
    assess(budget, &time, |minor, from, to| rates.convert(minor, from, to))
}

/// One line of the budgets report.
pub use crate::budgets::BudgetLine;

/// Every budget of the business (clients, members for a client, projects) with its use.
pub async fn report(ctx: &BusinessCtx) -> AppResult<Vec<BudgetLine>> {
    ctx.require(Permission::ReportsViewProfit)?;
    let (rows, fx) = crate::server::db::budgets::all(&ctx.pool, ctx.business.id, ctx.today()).await?;
    let rates = LatestRates::from_json(fx, ctx.today())?;
    rows.into_iter()
        .map(|row| {
            let time = groups(row.time)?;
            Ok(BudgetLine {
                kind: row.kind,
                id: row.id,
                name: row.name,
                client_name: row.client_name,
                usage: usage(Money::new(row.budget_minor, row.budget_currency), &time, &rates),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
    }

    fn code(text: &str) -> CurrencyCode {
        CurrencyCode::parse(text).expect("code")
    }

    #[test]
    fn rates_convert_through_the_euro_and_say_when_they_cannot() {
        let rates =
            LatestRates::from_json(Some(serde_json::json!({ "USD": "1.25", "GBP": "0.8" })), day()).expect("rates");
        assert_eq!(rates.convert(12_500, code("USD"), code("EUR")), Some(10_000));
        assert_eq!(rates.convert(10_000, code("EUR"), code("GBP")), Some(8000));
        // 100.00 USD → 80.00 EUR → 64.00 GBP, as one exact cross rate.
        assert_eq!(rates.convert(10_000, code("USD"), code("GBP")), Some(6400));
        assert_eq!(rates.convert(10_000, code("JPY"), code("EUR")), None);
        assert_eq!(LatestRates::from_json(None, day()).expect("none").convert(1, code("USD"), code("EUR")), None);
    }
}
