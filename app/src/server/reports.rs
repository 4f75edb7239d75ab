//! The profit report (PRODUCT §3.12): at most two statements (the period's rows, then the ECB
//! rates of the currencies they hold for the base-currency total), then the sums in Rust with the money core's rounding.
//! Income is invoice subtotals less their credit notes' (VAT is the state's money, not income); labour is the internal cost
//! of time billed on the invoices counted, each cost rate's seconds priced once per invoice.

use crate::billing::line_from_time;
use crate::error::AppResult;
use crate::money::CurrencyCode;
use crate::permissions::Permission;
use crate::reports::{BaseTotal, Basis, BasisKind, BilledTime, BreakdownRow, Period, ProfitLine, ProfitReport};
use crate::server::db::reports::{self as db, ReportRow, RowKind};
use crate::server::fx::{rates_on, DayRates};
use crate::server::BusinessCtx;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub async fn profit(ctx: &BusinessCtx, period: Period) -> AppResult<ProfitReport> {
    ctx.require(Permission::ReportsViewProfit)?;
    let base = CurrencyCode::parse(&ctx.business.currency)
        .map_err(|e| crate::server::errors::internal("the business's currency is malformed", e))?;
    let rows = db::rows(&ctx.pool, ctx.business.id, period).await?;
    // Rates only for the currencies the rows hold (and the base, quoted per euro too).
    let mut needed: BTreeSet<String> =
        rows.iter().map(|r| r.currency).filter(|c| *c != base).map(|c| c.to_string()).collect();
    let days = if needed.is_empty() {
        Vec::new()
    } else {
        needed.insert(base.to_string());
        needed.remove("EUR");
        db::rates_between(&ctx.pool, period.from, period.to, &needed.into_iter().collect::<Vec<_>>()).await?
    };
    Ok(ProfitReport {
        period,
        base_currency: base,
        cash: basis(BasisKind::Cash, &rows, base, &days),
        accrual: basis(BasisKind::Accrual, &rows, base, &days),
        billed_time: billed_time(&rows),
    })
}

/// Hours tracked and billed per client on the invoices issued in the period.
pub fn billed_time(rows: &[ReportRow]) -> Vec<BilledTime> {
    let mut clients: BTreeMap<(String, Option<Uuid>), BilledTime> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.kind == RowKind::Time) {
        let (key, name) = match &row.client {
            Some((id, name)) => ((name.to_lowercase(), Some(*id)), name.clone()),
            None => (("~".to_owned(), None), "No client".to_owned()),
        };
        let entry = clients.entry(key).or_insert(BilledTime { client: name, tracked_seconds: 0, billed_seconds: 0 });
        entry.tracked_seconds = entry.tracked_seconds.saturating_add(row.seconds);
        entry.billed_seconds = entry.billed_seconds.saturating_add(row.amount);
    }
    clients.into_values().collect()
}

/// A row's money: its amount, or for labour its seconds at the cost rate, rounded half-up.
fn value(row: &ReportRow) -> i64 {
    match row.kind {
        RowKind::Labour => line_from_time(row.seconds, row.cost_rate).unwrap_or(i64::MAX),
        RowKind::Income | RowKind::Expense | RowKind::Credit => row.amount,
        RowKind::Time => 0,
    }
}

fn add(line: &mut ProfitLine, kind: RowKind, minor: i64) {
    match kind {
        RowKind::Income => line.income = line.income.saturating_add(minor),
        RowKind::Expense => line.expenses = line.expenses.saturating_add(minor),
        RowKind::Labour => line.labour = line.labour.saturating_add(minor),
        RowKind::Credit => line.income = line.income.saturating_sub(minor),
        RowKind::Time => return,
    }
    line.profit = line.income.saturating_sub(line.expenses).saturating_sub(line.labour);
}

/// One basis of the report from the rows of both.
pub fn basis(kind: BasisKind, rows: &[ReportRow], base: CurrencyCode, days: &[DayRates]) -> Basis {
    let rows: Vec<&ReportRow> = rows.iter().filter(|r| r.basis == kind && r.kind != RowKind::Time).collect();
    let mut currencies: BTreeMap<CurrencyCode, ProfitLine> = BTreeMap::new();
    let mut clients: BTreeMap<(String, Option<Uuid>, CurrencyCode), ProfitLine> = BTreeMap::new();
    let mut projects: BTreeMap<(String, Option<Uuid>, CurrencyCode), ProfitLine> = BTreeMap::new();
    let mut total = ProfitLine::zero(base);
    let mut missing = BTreeSet::new();
    for row in &rows {
        let minor = value(row);
        add(currencies.entry(row.currency).or_insert_with(|| ProfitLine::zero(row.currency)), row.kind, minor);
        let key = |named: &Option<(Uuid, String)>, none: &str| match named {
            Some((id, name)) => (name.to_lowercase(), Some(*id), row.currency),
            None => (none.to_owned(), None, row.currency),
        };
        // "~" sorts the rows without a client or project after the named ones.
        add(clients.entry(key(&row.client, "~")).or_insert_with(|| ProfitLine::zero(row.currency)), row.kind, minor);
        add(projects.entry(key(&row.project, "~")).or_insert_with(|| ProfitLine::zero(row.currency)), row.kind, minor);
        match to_base(minor, row.currency, base, row.day, days) {
            Some(converted) => add(&mut total, row.kind, converted),
            None => {
                missing.insert((row.currency.to_string(), row.day));
            }
        }
    }
    let names = |named: fn(&ReportRow) -> &Option<(Uuid, String)>| -> BTreeMap<Uuid, String> {
        rows.iter().filter_map(|r| named(r).clone()).collect()
    };
    let (client_names, project_names) = (names(|r| &r.client), names(|r| &r.project));
    let breakdown = |map: BTreeMap<(String, Option<Uuid>, CurrencyCode), ProfitLine>,
                     names: &BTreeMap<Uuid, String>,
                     none: &str| {
        map.into_iter()
            .map(|((_, id, _), line)| BreakdownRow {
                id,
                name: id.and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| none.to_owned()),
                line,
            })
            .collect()
    };
    Basis {
        kind,
        currencies: currencies.into_values().collect(),
        total: BaseTotal {
            line: missing.is_empty().then_some(total),
            missing_rates: missing.into_iter().map(|(currency, day)| format!("{currency} on {day}")).collect(),
        },
        clients: breakdown(clients, &client_names, "No client"),
        projects: breakdown(projects, &project_names, "No project"),
    }
}

/// `minor` of `currency` in `base` at the ECB rate in force on `day`, rounded once.
fn to_base(
    minor: i64,
    currency: CurrencyCode,
    base: CurrencyCode,
    day: chrono::NaiveDate,
    days: &[DayRates],
) -> Option<i64> {
    if currency == base || minor == 0 {
        return Some(minor);
    }
    rates_on(days, day)?.convert(minor, currency, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::Decimal;
    use chrono::NaiveDate;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn code(text: &str) -> CurrencyCode {
        CurrencyCode::parse(text).expect("code")
    }

    fn row(basis: BasisKind, kind: RowKind, day: &str, currency: &str, amount: i64) -> ReportRow {
        ReportRow {
            basis,
            kind,
            day: d(day),
            currency: code(currency),
            client: Some((Uuid::from_u128(1), "Acme".into())),
            project: None,
            amount,
            seconds: 0,
            cost_rate: 0,
        }
    }

    fn usd_on(day: &str, per_euro: &str) -> DayRates {
        DayRates { date: d(day), rates: [("USD".to_owned(), Decimal::parse(per_euro).expect("rate"))].into() }
    }

    #[test]
    fn profit_is_income_less_expenses_and_labour_per_currency_and_may_be_negative() {
        let labour = ReportRow {
            seconds: 4200,
            cost_rate: 3100,
            ..row(BasisKind::Cash, RowKind::Labour, "2026-11-03", "EUR", 0)
        };
        let rows = vec![
            row(BasisKind::Cash, RowKind::Income, "2026-11-03", "EUR", 100_000),
            row(BasisKind::Cash, RowKind::Expense, "2026-11-04", "EUR", 1250),
            labour,
            row(BasisKind::Cash, RowKind::Expense, "2026-11-05", "USD", 5000),
            row(BasisKind::Accrual, RowKind::Income, "2026-11-01", "EUR", 7),
        ];
        let cash = basis(BasisKind::Cash, &rows, code("EUR"), &[]);
        // 70 minutes at 31.00/h cost 36.17.
        assert_eq!(
            cash.currencies,
            vec![
                ProfitLine { currency: code("EUR"), income: 100_000, expenses: 1250, labour: 3617, profit: 95_133 },
                ProfitLine { currency: code("USD"), income: 0, expenses: 5000, labour: 0, profit: -5000 },
            ]
        );
        assert_eq!(cash.total.line, None, "no USD rate");
        assert_eq!(cash.total.missing_rates, vec!["USD on 2026-11-05".to_owned()]);
        assert_eq!(cash.clients.len(), 2, "one row per client and currency");
        assert_eq!(cash.projects[0].name, "No project");
        assert_eq!(basis(BasisKind::Accrual, &rows, code("EUR"), &[]).currencies[0].income, 7);
    }

    #[test]
    fn the_base_total_converts_each_row_at_its_days_rate() {
        let rows = vec![
            row(BasisKind::Cash, RowKind::Income, "2026-11-02", "USD", 11_000),
            row(BasisKind::Cash, RowKind::Income, "2026-11-09", "USD", 11_000),
            row(BasisKind::Cash, RowKind::Income, "2026-11-09", "EUR", 500),
        ];
        // The 2nd (a Monday) uses Friday's rate; the 9th its own.
        let days = [usd_on("2026-10-30", "1.1"), usd_on("2026-11-09", "1.25")];
        let total = basis(BasisKind::Cash, &rows, code("EUR"), &days).total;
        assert!(total.missing_rates.is_empty());
        assert_eq!(total.line.map(|l| l.income), Some(10_000 + 8800 + 500));
    }
}
