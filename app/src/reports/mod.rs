//! Reports (PRODUCT §3.12): profit on cash and accrual bases for a period, per currency and per
//! client and project, with a total in the base currency at each transaction date's ECB rate.

pub mod csv;
pub mod period;
pub mod trends;

use crate::error::AppResult;
use crate::money::{format_amount, CurrencyCode};
use leptos::prelude::*;
pub use period::{Period, PeriodKind};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// When income and costs count: when money moved (cash) or when they were incurred (accrual).
    pub enum BasisKind {
        Cash = "cash",
        Accrual = "accrual",
    }
}

impl BasisKind {
    pub fn label(self) -> &'static str {
        match self {
            BasisKind::Cash => "Cash basis",
            BasisKind::Accrual => "Accrual basis",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            BasisKind::Cash => {
                "Invoices paid in the period (by paid date, without VAT, less their credit notes), expenses paid in it, and the internal cost of the time billed on those invoices."
            }
            BasisKind::Accrual => {
                "Invoices issued in the period (by issue date, without VAT; void ones left out) less credit notes issued in it, every expense dated in it, and the internal cost of the time billed on those invoices."
            }
        }
    }
}

/// Income, expenses, internal labour cost and profit in one currency, in signed minor units
/// (profit can be negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitLine {
    pub currency: CurrencyCode,
    pub income: i64,
    pub expenses: i64,
    pub labour: i64,
    pub profit: i64,
}

impl ProfitLine {
    pub fn zero(currency: CurrencyCode) -> Self {
        ProfitLine { currency, income: 0, expenses: 0, labour: 0, profit: 0 }
    }

    /// "-1,234.50 EUR".
    pub fn format(&self, minor: i64) -> String {
        format!("{} {}", format_amount(minor, self.currency.info().minor_units), self.currency)
    }
}

/// A breakdown row: a client or project (`None`: none) with its figures per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownRow {
    pub id: Option<uuid::Uuid>,
    pub name: String,
    pub line: ProfitLine,
}

/// Everything converted into the base currency, or what was missing to do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseTotal {
    /// `None` when a rate was missing.
    pub line: Option<ProfitLine>,
    /// "USD on 2026-11-03", for each currency and date without an ECB rate on or before it.
    pub missing_rates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    pub kind: BasisKind,
    pub currencies: Vec<ProfitLine>,
    pub total: BaseTotal,
    pub clients: Vec<BreakdownRow>,
    pub projects: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitReport {
    pub period: Period,
    pub base_currency: CurrencyCode,
    pub cash: Basis,
    pub accrual: Basis,
    /// Per client, the time billed on the invoices issued in the period, as tracked and as billed
    /// (they differ by the billing rounding rules).
    #[serde(default)]
    pub billed_time: Vec<BilledTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledTime {
    pub client: String,
    pub tracked_seconds: i64,
    pub billed_seconds: i64,
}

impl BilledTime {
    /// "+0:05" when more was billed than tracked, "-0:03" when less, "0:00" when the same.
    pub fn difference_label(&self) -> String {
        let difference = self.billed_seconds - self.tracked_seconds;
        let sign = match difference.signum() {
            1 => "+",
            -1 => "-",
            _ => "",
        };
        format!("{sign}{}", crate::time::format_hm(difference.abs()))
    }
}

crate::text_enum! {
    /// Which table a CSV download holds.
    pub enum ReportTable {
        Currencies = "currencies",
        Clients = "clients",
        Projects = "projects",
        /// Hours tracked and billed per client (invoices issued in the period).
        Time = "time",
    }
}

/// The report for `period` (`month`, `quarter`, `year` or `custom`), around `at` (a date in the
/// period; default today) or from `from` to `to` for a custom one.
#[server(prefix = "/api", endpoint = "reports/profit")]
pub async fn get_profit_report(
    #[server(default)] period: String,
    #[server(default)] at: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> AppResult<ProfitReport> {
    let ctx = crate::server::business()?;
    let period = Period::parse(&period, &at, &from, &to, ctx.today())?;
    crate::server::reports::profit(&ctx, period).await
}

/// `/api/reports/profit.csv?…`: one table of the report as CSV, with the page's own filters.
pub fn csv_link(period: &Period, basis: BasisKind, table: ReportTable) -> String {
    format!("/api/reports/profit.csv?{}&basis={}&table={}", period.query(), basis.as_str(), table.as_str())
}

/// The last 12 weeks' hours by project and the last 12 months' revenue and expenses.
#[server(prefix = "/api", endpoint = "reports/trends")]
pub async fn get_trends() -> AppResult<trends::Trends> {
    crate::server::trends::trends(&crate::server::business()?).await
}
