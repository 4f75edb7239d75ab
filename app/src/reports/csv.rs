//! A table of the profit report as CSV (RFC 4180): amounts as plain decimals in major units, names
//! quoted when needed and defused when a spreadsheet would read them as a formula.

use super::{Basis, ProfitLine, ProfitReport, ReportTable};
use crate::money::format_plain;

/// `text` as one CSV field.
pub fn field(text: &str) -> String {
    // A leading =, +, - or @ makes spreadsheets evaluate the cell (CSV injection).
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn figures(line: &ProfitLine) -> String {
    let digits = line.currency.info().minor_units;
    [line.income, line.expenses, line.labour, line.profit]
        .iter()
        .map(|minor| format_plain(*minor, digits))
        .collect::<Vec<_>>()
        .join(",")
}

const FIGURES: &str = "income,expenses,labour_cost,profit";

/// The table's CSV, with a header row and CRLF line ends.
pub fn table(report: &ProfitReport, basis: &Basis, table: ReportTable) -> String {
    let mut lines = Vec::new();
    match table {
        ReportTable::Currencies => {
            lines.push(format!("currency,{FIGURES}"));
            lines.extend(basis.currencies.iter().map(|l| format!("{},{}", l.currency, figures(l))));
            if let Some(total) = &basis.total.line {
                lines.push(format!("total {},{}", report.base_currency, figures(total)));
            }
        }
        ReportTable::Time => {}
        ReportTable::Clients | ReportTable::Projects => {
            let (name, rows) = match table {
                ReportTable::Clients => ("client", &basis.clients),
                _ => ("project", &basis.projects),
            };
            lines.push(format!("{name},currency,{FIGURES}"));
            lines.extend(rows.iter().map(|r| format!("{},{},{}", field(&r.name), r.line.currency, figures(&r.line))));
        }
    }
    if table == ReportTable::Time {
        // Hours to two places, rounded half-up from seconds.
        let hours = |seconds: i64| {
            crate::billing::Decimal::from_fraction(i128::from(seconds), 3600, 2)
                .map_or_else(String::new, |d| d.round_to(2))
        };
        lines.push("client,tracked_hours,billed_hours".to_owned());
        lines.extend(
            report
                .billed_time
                .iter()
                .map(|t| format!("{},{},{}", field(&t.client), hours(t.tracked_seconds), hours(t.billed_seconds))),
        );
    }
    let mut csv = lines.join("\r\n");
    csv.push_str("\r\n");
    csv
}

/// `clerq-profit-cash-clients-2026-11-01-2026-11-30.csv`.
pub fn filename(report: &ProfitReport, basis: &Basis, table: ReportTable) -> String {
    format!("clerq-profit-{}-{}-{}-{}.csv", basis.kind.as_str(), table.as_str(), report.period.from, report.period.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::CurrencyCode;
    use crate::reports::{BaseTotal, BasisKind, BreakdownRow, Period, PeriodKind};
    use chrono::NaiveDate;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Acme"), "Acme");
        assert_eq!(field("Acme, Inc."), "\"Acme, Inc.\"");
        assert_eq!(field("The \"Best\" Co"), "\"The \"\"Best\"\" Co\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1+1"), "'-1+1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn a_table_has_a_header_plain_amounts_and_the_base_total() {
        let eur = CurrencyCode::parse("EUR").expect("EUR");
        let line = ProfitLine { currency: eur, income: 123_450, expenses: 1250, labour: 200_000, profit: -77_800 };
        let basis = Basis {
            kind: BasisKind::Cash,
            currencies: vec![line],
            total: BaseTotal { line: Some(line), missing_rates: vec![] },
            clients: vec![BreakdownRow { id: None, name: "Acme, Inc.".into(), line }],
            projects: vec![],
        };
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date");
        let report = ProfitReport {
            period: Period { kind: PeriodKind::Month, from: day("2026-11-01"), to: day("2026-11-30") },
            base_currency: eur,
            cash: basis.clone(),
            accrual: basis.clone(),
            billed_time: vec![crate::reports::BilledTime {
                client: "Acme, Inc.".into(),
                tracked_seconds: 70 * 60,
                billed_seconds: 75 * 60,
            }],
        };
        assert_eq!(
            table(&report, &basis, ReportTable::Currencies),
            "currency,income,expenses,labour_cost,profit\r\nEUR,1234.50,12.50,2000.00,-778.00\r\ntotal EUR,1234.50,12.50,2000.00,-778.00\r\n"
        );
        assert_eq!(
            table(&report, &basis, ReportTable::Clients),
            "client,currency,income,expenses,labour_cost,profit\r\n\"Acme, Inc.\",EUR,1234.50,12.50,2000.00,-778.00\r\n"
        );
        // 70 minutes are 1.1666… hours, 1.17 to two places; 75 minutes 1.25.
        assert_eq!(
            table(&report, &basis, ReportTable::Time),
            "client,tracked_hours,billed_hours\r\n\"Acme, Inc.\",1.17,1.25\r\n"
        );
        assert_eq!(report.billed_time[0].difference_label(), "+0:05");
        assert_eq!(
            filename(&report, &basis, ReportTable::Projects),
            "clerq-profit-cash-projects-2026-11-01-2026-11-30.csv"
        );
    }
}
