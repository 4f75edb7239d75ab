//! SQL, one module per domain. Functions take `&PgPool` or a connection explicitly so tests can hand
//! each one its own database, and every business-scoped query filters by `business_id`.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod budgets;
pub mod businesses;
pub mod client_panels;
pub mod clients;
pub mod credit_notes;
pub mod dashboard;
pub mod expenses;
pub mod export;
pub mod fx;
pub mod invoices;
pub mod logos;
pub mod projects;
pub mod receipts;
pub mod recurring;
pub mod reports;
pub mod sessions;
pub mod tasks;
pub mod team;
pub mod team_rates;
pub mod time;
pub mod timeline;
pub mod trends;

use crate::money::{CurrencyCode, Money, Rate, RateUnit};

/// A nullable (minor, currency) column pair as money.
pub fn money(minor: Option<i64>, currency: Option<String>) -> Option<Money> {
    match (minor, currency.as_deref().map(CurrencyCode::parse)) {
        (Some(minor), Some(Ok(code))) => Some(Money::new(minor, code)),
        _ => None,
    }
}

/// A nullable (minor, currency, unit) column triple as a rate.
pub fn rate(minor: Option<i64>, currency: Option<String>, unit: Option<String>) -> Option<Rate> {
    let unit = unit.as_deref().map(RateUnit::parse)?.ok()?;
    money(minor, currency).map(|amount| Rate { amount, unit })
}

/// Columns for an optional rate.
pub fn rate_columns(rate: Option<Rate>) -> (Option<i64>, Option<String>, Option<String>) {
    match rate {
        Some(r) => (Some(r.amount.minor), Some(r.amount.currency.to_string()), Some(r.unit.as_str().to_owned())),
        None => (None, None, None),
    }
}

/// Columns for optional money.
pub fn money_columns(money: Option<Money>) -> (Option<i64>, Option<String>) {
    match money {
        Some(m) => (Some(m.minor), Some(m.currency.to_string())),
        None => (None, None),
    }
}

/// `%term%` for ILIKE, with the term's own wildcards escaped. Control characters are dropped:
/// no stored text holds them, and PostgreSQL refuses a NUL in any text parameter.
pub fn like_pattern(term: &str) -> String {
    let term: String = term.trim().chars().filter(|c| !c.is_control()).collect();
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards_and_drop_control_characters() {
        assert_eq!(super::like_pattern(" 50%_off\\ "), "%50\\%\\_off\\\\%");
        assert_eq!(super::like_pattern("a\0b\u{7}c\n"), "%abc%");
    }
}
