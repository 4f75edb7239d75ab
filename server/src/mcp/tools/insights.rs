//! Insights: the dashboard and the profit report.

use crate::mcp::catalog::{output, tool, ToolDef};
use crate::mcp::tools::context::NoArgs;
use app::dashboard::DashboardSummary;
use app::error::AppError;
use app::reports::{GetProfitReport, Period};
use app::server::{dashboard, reports, BusinessCtx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

pub fn tools() -> Vec<ToolDef> {
    vec![tool!(get_dashboard, NoArgs, Reads, DashboardSummary, "Dashboard",
        "The business at a glance, as the dashboard shows it: outstanding invoice totals per currency (sent, with the overdue part) and their counts, the caller's own hours this week (seconds) and how many projects they went to, active projects, open tasks, unbilled billable time (seconds, entries, value per currency in minor units, and unpriced seconds), unpaid expenses per currency, the 5 newest invoices, the 6 latest client activity items, and the caller's running timer. Parts the caller may not see are null."),
        tool!(get_profit_summary, PeriodArgs, Reads, GetProfitReport, "Profit summary",
            "Profit for a period on the cash basis (invoices paid in it by paid date, expenses paid in it, internal cost of the time billed on those invoices) and the accrual basis (invoices issued in it, void excluded; expenses dated in it; cost of the time billed on them). Income is invoice subtotals without VAT. Per currency (income, expenses, labour, profit in signed minor units), a total in the base currency at each date's ECB rate (null with missing_rates when a rate is missing), and per client and per project. period: month, quarter or year around `at` (YYYY-MM-DD, default today), or custom with from and to."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodArgs {
    /// "month" (default), "quarter", "year" or "custom".
    #[serde(default)]
    pub period: String,
    /// A date in the month, quarter or year, YYYY-MM-DD; default today.
    #[serde(default)]
    pub at: String,
    /// Custom periods: first day, YYYY-MM-DD.
    #[serde(default)]
    pub from: String,
    /// Custom periods: last day (inclusive), YYYY-MM-DD.
    #[serde(default)]
    pub to: String,
}

async fn get_dashboard(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    output(&dashboard::summary(ctx).await?)
}

async fn get_profit_summary(ctx: &BusinessCtx, args: PeriodArgs) -> Result<Value, AppError> {
    let period = Period::parse(&args.period, &args.at, &args.from, &args.to, ctx.today())?;
    output(&reports::profit(ctx, period).await?)
}
