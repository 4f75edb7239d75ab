//! Budgets (PRODUCT §3.12): a client's, each member's for a client, a project's. Consumed is the
//! value of the time logged against it (each rate's hours priced once, half-up), in the budget's
//! currency: time at rates in other currencies is converted at the latest ECB rate, and when no
//! rate exists the budget is flagged as not comparable instead of guessing.

use crate::money::{div_round_half_up, CurrencyCode, Money};
use serde::{Deserialize, Serialize};

/// From this share of the budget on, it is "near" (in basis points: 80.00 %).
pub const NEAR_BASIS_POINTS: i64 = 8000;

crate::text_enum! {
    pub enum BudgetStatus {
        Ok = "ok",
        Near = "near",
        Over = "over",
    }
}

impl BudgetStatus {
    /// `over` once the budget is used up (100 % and more), `near` from 80 %.
    pub fn of(consumed: i64, budget: i64) -> BudgetStatus {
        if budget <= 0 {
            return if consumed > 0 { BudgetStatus::Over } else { BudgetStatus::Ok };
        }
        let consumed = i128::from(consumed.max(0)) * 10_000;
        let budget = i128::from(budget);
        if consumed >= budget * 10_000 {
            BudgetStatus::Over
        } else if consumed >= budget * i128::from(NEAR_BASIS_POINTS) {
            BudgetStatus::Near
        } else {
            BudgetStatus::Ok
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BudgetStatus::Ok => "On track",
            BudgetStatus::Near => "Near the budget",
            BudgetStatus::Over => "Over budget",
        }
    }
}

/// Logged time at one hourly rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeAtRate {
    pub currency: CurrencyCode,
    pub rate_minor: i64,
    pub seconds: i64,
}

/// A budget against what has been used of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetUse {
    pub budget: Money,
    /// `None` when some time could not be converted into the budget's currency.
    pub consumed: Option<Money>,
    /// Consumed as a share of the budget, in basis points (8000 = 80.00 %), rounded half-up.
    pub basis_points: Option<i64>,
    pub status: Option<BudgetStatus>,
    /// Currencies of logged time with no ECB rate to the budget's currency.
    pub not_comparable: Vec<CurrencyCode>,
}

impl BudgetUse {
    /// "80.0 %".
    pub fn percent_label(&self) -> Option<String> {
        let tenths = div_round_half_up(i128::from(self.basis_points?.max(0)), 10);
        Some(format!("{}.{} %", tenths / 10, tenths % 10))
    }

    /// The bar's fill, capped at the whole bar.
    pub fn fill_percent(&self) -> i64 {
        self.basis_points.map_or(0, |p| (p / 100).clamp(0, 100))
    }
}

/// How budget currencies relate: `convert(amount, from, to)` in minor units, `None` without a rate.
pub fn assess(
    budget: Money,
    time: &[TimeAtRate],
    convert: impl Fn(i64, CurrencyCode, CurrencyCode) -> Option<i64>,
) -> BudgetUse {
    let mut consumed: i64 = 0;
    let mut not_comparable = Vec::new();
    for group in time {
        let value = crate::billing::line_from_time(group.seconds, group.rate_minor).unwrap_or(i64::MAX);
        let in_budget = if group.currency == budget.currency {
            Some(value)
        } else {
            convert(value, group.currency, budget.currency)
        };
        match in_budget {
            Some(value) => consumed = consumed.saturating_add(value),
            None if !not_comparable.contains(&group.currency) => not_comparable.push(group.currency),
            None => {}
        }
    }
    if !not_comparable.is_empty() {
        return BudgetUse { budget, consumed: None, basis_points: None, status: None, not_comparable };
    }
    let basis_points = (budget.minor > 0).then(|| {
        i64::try_from(div_round_half_up(i128::from(consumed) * 10_000, i128::from(budget.minor))).unwrap_or(i64::MAX)
    });
    BudgetUse {
        budget,
        consumed: Some(Money::new(consumed, budget.currency)),
        basis_points,
        status: Some(BudgetStatus::of(consumed, budget.minor)),
        not_comparable,
    }
}

crate::text_enum! {
    /// What a budget belongs to.
    pub enum BudgetKind {
        Client = "client",
        Member = "member",
        Project = "project",
    }
}

/// A line of the budgets report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub kind: BudgetKind,
    /// The client's id for client and member budgets, the project's for project budgets.
    pub id: uuid::Uuid,
    /// The client, member or project.
    pub name: String,
    pub client_name: String,
    pub usage: BudgetUse,
}

impl BudgetLine {
    pub fn href(&self) -> String {
        match self.kind {
            BudgetKind::Client | BudgetKind::Member => format!("/clients/{}", self.id),
            BudgetKind::Project => format!("/projects/{}", self.id),
        }
    }
}

/// Every budget of the business with what has been used of it (`reports.viewProfit`).
#[leptos::server(prefix = "/api", endpoint = "reports/budgets")]
pub async fn get_budgets() -> crate::error::AppResult<Vec<BudgetLine>> {
    crate::server::budgets::report(&crate::server::business()?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> CurrencyCode {
        CurrencyCode::parse("EUR").expect("EUR")
    }

    fn usd() -> CurrencyCode {
        CurrencyCode::parse("USD").expect("USD")
    }

    fn hours_at(hours_minor: i64, rate: i64, currency: CurrencyCode) -> TimeAtRate {
        TimeAtRate { currency, rate_minor: rate, seconds: hours_minor * 36 }
    }

    #[test]
    fn the_status_turns_near_at_80_percent_and_over_when_used_up() {
        assert_eq!(BudgetStatus::of(7990, 10_000), BudgetStatus::Ok, "79.9 %");
        assert_eq!(BudgetStatus::of(7999, 10_000), BudgetStatus::Ok);
        assert_eq!(BudgetStatus::of(8000, 10_000), BudgetStatus::Near, "80 %");
        assert_eq!(BudgetStatus::of(9999, 10_000), BudgetStatus::Near);
        assert_eq!(BudgetStatus::of(10_000, 10_000), BudgetStatus::Over, "100 %");
        assert_eq!(BudgetStatus::of(0, 0), BudgetStatus::Ok);
        assert_eq!(BudgetStatus::of(1, 0), BudgetStatus::Over);
    }

    #[test]
    fn consumed_is_logged_time_priced_per_rate_and_converted_or_flagged() {
        let budget = Money::new(100_000, eur());
        // 10 h at 50.00 and 6 h at 50.00 USD converted at 0.5 → 500.00 + 150.00.
        let time = [hours_at(1000, 5000, eur()), hours_at(600, 5000, usd())];
        let used = assess(budget, &time, |minor, _, _| Some(minor / 2));
        assert_eq!(used.consumed, Some(Money::new(65_000, eur())));
        assert_eq!((used.basis_points, used.status), (Some(6500), Some(BudgetStatus::Ok)));
        assert_eq!(used.percent_label().as_deref(), Some("65.0 %"));

        let flagged = assess(budget, &time, |_, _, _| None);
        assert_eq!((flagged.consumed, flagged.status), (None, None));
        assert_eq!(flagged.not_comparable, vec![usd()]);

        // 79.9 % shown with one decimal; a share past 100 % fills the whole bar.
        let near = assess(budget, &[hours_at(799, 10_000, eur())], |_, _, _| None);
        assert_eq!((near.percent_label().as_deref(), near.status), (Some("79.9 %"), Some(BudgetStatus::Ok)));
        let over = assess(budget, &[hours_at(2000, 10_000, eur())], |_, _, _| None);
        assert_eq!((over.fill_percent(), over.status), (100, Some(BudgetStatus::Over)));
        let rounded = BudgetUse { basis_points: Some(8095), ..near };
        assert_eq!(rounded.percent_label().as_deref(), Some("81.0 %"), "80.95 % rounds half-up");
    }
}
