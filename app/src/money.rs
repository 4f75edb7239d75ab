//! Money: integer minor units in a currency, parsed and formatted from strings (never floats), and
//! the one rounding primitive (half-up division) every calculation goes through.

use crate::currency::{self, Currency};
use serde::{Deserialize, Serialize};

/// The largest amount accepted anywhere: 10^15 minor units (ten trillion euros). Far beyond any
/// invoice, and products of amounts with rates and seconds stay inside i128.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// An amount in a currency. Amounts are never negative in this version (no credit notes yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: CurrencyCode,
}

/// A validated ISO 4217 code (3 upper-case letters from the table), cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode([u8; 3]);

impl CurrencyCode {
    pub fn parse(input: &str) -> Result<CurrencyCode, String> {
        currency::parse(input).map(CurrencyCode::from)
    }

    pub fn as_str(&self) -> &str {
        // Built only from table entries, which are ASCII.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    pub fn info(&self) -> &'static Currency {
        currency::find(self.as_str()).unwrap_or(&currency::CURRENCIES[0])
    }
}

impl From<&'static Currency> for CurrencyCode {
    fn from(currency: &'static Currency) -> Self {
        let bytes = currency.code.as_bytes();
        CurrencyCode([bytes[0], bytes[1], bytes[2]])
    }
}

impl TryFrom<String> for CurrencyCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CurrencyCode::parse(&value)
    }
}

impl From<CurrencyCode> for String {
    fn from(code: CurrencyCode) -> Self {
        code.as_str().to_owned()
    }
}

impl std::fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Money {
    pub fn new(minor: i64, currency: CurrencyCode) -> Self {
        Money { minor, currency }
    }

    /// "1,234.50 EUR": unambiguous in every locale, and what tests compare against.
    pub fn format(&self) -> String {
        format!("{} {}", format_amount(self.minor, self.currency.info().minor_units), self.currency)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format())
    }
}

/// `round(n / d)` with halves rounded up, on non-negative integers: `(2n + d) / (2d)`.
pub fn div_round_half_up(n: i128, d: i128) -> i128 {
    debug_assert!(n >= 0 && d > 0, "half-up division is defined on non-negative amounts");
    (2 * n + d) / (2 * d)
}

/// Formats minor units with `digits` decimals and comma thousands separators: 123450 → "1,234.50".
pub fn format_amount(minor: i64, digits: u8) -> String {
    let negative = minor < 0;
    let abs = minor.unsigned_abs();
    let scale = 10u64.pow(u32::from(digits));
    let (whole, fraction) = (abs / scale, abs % scale);
    let whole = whole.to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if negative { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction:0width$}", width = usize::from(digits))
    }
}

/// Formats minor units without grouping, for form fields: 123450 → "1234.50".
pub fn format_plain(minor: i64, digits: u8) -> String {
    format_amount(minor, digits).replace(',', "")
}

/// Parses a non-negative amount typed by a person into minor units of a currency with `digits`
/// decimals. Accepts "1234.5", "1,234.50", "1 234.50" and a decimal comma ("80,50") when it cannot
/// be a thousands separator. More decimals than the currency has are refused, never rounded.
pub fn parse_amount(input: &str, digits: u8) -> Result<i64, String> {
    let text: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '_' | '\'')).collect();
    if text.is_empty() {
        return Err("Enter an amount.".into());
    }
    if text.starts_with('-') {
        return Err("Enter an amount of zero or more.".into());
    }
    let text = text.strip_prefix('+').unwrap_or(&text);
    let (whole, fraction) = split_decimal(text, digits)?;
    if whole.is_empty() && fraction.is_none() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err("Enter a number, like 1234.50.".into());
    }
    let fraction = fraction.unwrap_or("");
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err("Enter a number, like 1234.50.".into());
    }
    if fraction.len() > usize::from(digits) {
        return Err(match digits {
            0 => "This currency has no decimals.".to_owned(),
            1 => "Use at most 1 decimal.".to_owned(),
            n => format!("Use at most {n} decimals."),
        });
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
    let padded = format!("{fraction:0<width$}", width = usize::from(digits));
    let fraction: i128 = if padded.is_empty() { 0 } else { padded.parse().map_err(|_| too_large())? };
    let minor =
        whole.checked_mul(10i128.pow(u32::from(digits))).and_then(|w| w.checked_add(fraction)).ok_or_else(too_large)?;
    if minor > i128::from(MAX_MINOR) {
        return Err(too_large());
    }
    i64::try_from(minor).map_err(|_| too_large())
}

fn too_large() -> String {
    "That amount is too large.".into()
}

/// Splits on the decimal separator. '.' always is one; ',' is one only when there is no '.', it
/// appears once, and what follows cannot be a thousands group (not exactly three digits), or the
/// currency has no way to read it as grouping.
fn split_decimal(text: &str, digits: u8) -> Result<(String, Option<&str>), String> {
    if let Some((whole, fraction)) = text.split_once('.') {
        if fraction.contains('.') || fraction.contains(',') {
            return Err("Enter a number, like 1234.50.".into());
        }
        return Ok((ungroup(whole)?, Some(fraction)));
    }
    let commas = text.matches(',').count();
    if commas == 1 {
        if let Some((whole, fraction)) = text.split_once(',') {
            if fraction.len() != 3 && !fraction.is_empty() && fraction.len() <= usize::from(digits.max(1)) {
                return Ok((whole.to_owned(), Some(fraction)));
            }
        }
    }
    Ok((ungroup(text)?, None))
}

/// Removes comma thousands separators, insisting they sit every three digits.
fn ungroup(whole: &str) -> Result<String, String> {
    if !whole.contains(',') {
        return Ok(whole.to_owned());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let valid = !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if valid {
        Ok(groups.concat())
    } else {
        Err("Enter a number, like 1234.50.".into())
    }
}

/// A rate's time unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateUnit {
    Hour,
    Day,
}

impl RateUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            RateUnit::Hour => "hour",
            RateUnit::Day => "day",
        }
    }

    pub fn parse(input: &str) -> Result<RateUnit, String> {
        match input.trim() {
            "" | "hour" => Ok(RateUnit::Hour),
            "day" => Ok(RateUnit::Day),
            _ => Err("Choose per hour or per day.".into()),
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            RateUnit::Hour => "h",
            RateUnit::Day => "day",
        }
    }
}

/// A rate: an amount per hour or per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub amount: Money,
    pub unit: RateUnit,
}

impl Rate {
    /// "80.00 EUR/day".
    pub fn format(&self) -> String {
        format!("{}/{}", self.amount, self.unit.short())
    }

    /// The hourly equivalent: a day rate divided by the business's hours per day, half-up.
    pub fn hourly_minor(&self, hours_per_day: i64) -> i64 {
        match self.unit {
            RateUnit::Hour => self.amount.minor,
            RateUnit::Day => {
                let hourly = div_round_half_up(i128::from(self.amount.minor), i128::from(hours_per_day.max(1)));
                i64::try_from(hourly).unwrap_or(i64::MAX)
            }
        }
    }
}

/// A price in minor units, a currency and a unit; all empty means none. Errors name the part
/// (`amount`, `currency`, `unit`) they belong to.
pub fn parse_rate(amount: &str, currency: &str, unit: &str) -> Result<Option<Rate>, (&'static str, String)> {
    let money = parse_optional(amount, currency, "the rate")?;
    let unit = RateUnit::parse(unit).map_err(|e| ("unit", e))?;
    Ok(money.map(|amount| Rate { amount, unit }))
}

/// Parses an optional money amount from a form: amount and currency both given, or both empty.
/// `what` names the field in messages ("a rate", "a budget").
pub fn parse_optional(amount: &str, currency: &str, what: &str) -> Result<Option<Money>, (&'static str, String)> {
    let (amount, currency) = (amount.trim(), currency.trim());
    match (amount.is_empty(), currency.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(("currency", format!("Choose the currency of {what}."))),
        (true, false) => Ok(None),
        (false, false) => {
            let code = CurrencyCode::parse(currency).map_err(|e| ("currency", e))?;
            let minor = parse_amount(amount, code.info().minor_units).map_err(|e| ("amount", e))?;
            Ok(Some(Money::new(minor, code)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(c: &str) -> CurrencyCode {
        CurrencyCode::parse(c).expect("code")
    }

    #[test]
    fn half_up_rounds_halves_up_and_nothing_else() {
        for (n, d, expected) in [(5, 2, 3), (4, 2, 2), (7, 3, 2), (8, 3, 3), (0, 7, 0), (1, 3, 0), (3, 6, 1)] {
            assert_eq!(div_round_half_up(n, d), expected, "{n}/{d}");
        }
    }

    #[test]
    fn amounts_format_with_grouping_and_the_currency_decimals() {
        assert_eq!(format_amount(123450, 2), "1,234.50");
        assert_eq!(format_amount(5, 2), "0.05");
        assert_eq!(format_amount(1_000_000, 0), "1,000,000");
        assert_eq!(format_amount(1234, 3), "1.234");
        assert_eq!(Money::new(8000, code("EUR")).format(), "80.00 EUR");
        assert_eq!(Money::new(5000, code("JPY")).format(), "5,000 JPY");
        assert_eq!(format_plain(123450, 2), "1234.50");
    }

    #[test]
    fn people_can_type_amounts_the_way_they_write_them() {
        for (input, digits, expected) in [
            ("1234.5", 2, 123450),
            ("1,234.50", 2, 123450),
            ("1 234.50", 2, 123450),
            ("80,50", 2, 8050),
            ("80,5", 2, 8050),
            ("1,234", 2, 123400),
            ("95", 2, 9500),
            (".5", 2, 50),
            ("+12", 2, 1200),
            ("5000", 0, 5000),
            ("1.234", 3, 1234),
            ("0", 2, 0),
        ] {
            assert_eq!(parse_amount(input, digits), Ok(expected), "{input:?} with {digits} decimals");
        }
    }

    #[test]
    fn amounts_that_cannot_be_meant_are_refused() {
        for (input, digits, message) in [
            ("", 2, "Enter an amount."),
            ("-5", 2, "Enter an amount of zero or more."),
            ("12.345", 2, "Use at most 2 decimals."),
            ("5.5", 0, "This currency has no decimals."),
            ("abc", 2, "Enter a number, like 1234.50."),
            ("1.2.3", 2, "Enter a number, like 1234.50."),
            ("12,34,5", 2, "Enter a number, like 1234.50."),
            ("1e5", 2, "Enter a number, like 1234.50."),
            ("99999999999999999999", 2, "That amount is too large."),
        ] {
            assert_eq!(parse_amount(input, digits), Err(message.to_owned()), "{input:?}");
        }
    }

    #[test]
    fn day_rates_become_hourly_with_half_up_rounding() {
        let day = |minor| Rate { amount: Money::new(minor, code("EUR")), unit: RateUnit::Day };
        assert_eq!(day(80000).hourly_minor(8), 10000);
        assert_eq!(day(10001).hourly_minor(8), 1250, "1250.125 rounds down");
        assert_eq!(day(10004).hourly_minor(8), 1251, "1250.5 rounds up");
        let hour = Rate { amount: Money::new(6200, code("EUR")), unit: RateUnit::Hour };
        assert_eq!(hour.hourly_minor(8), 6200);
        assert_eq!(day(8000).format(), "80.00 EUR/day");
    }

    #[test]
    fn an_optional_amount_needs_its_currency() {
        assert_eq!(parse_optional("", "", "a rate"), Ok(None));
        assert_eq!(parse_optional("80", "", "a rate"), Err(("currency", "Choose the currency of a rate.".to_owned())));
        assert_eq!(parse_optional("80", "eur", "a rate"), Ok(Some(Money::new(8000, code("EUR")))));
        assert!(parse_optional("80.123", "EUR", "a rate").is_err());
    }

    #[test]
    fn currency_codes_serialize_as_strings() {
        assert_eq!(serde_json::to_string(&code("GBP")).expect("json"), "\"GBP\"");
        assert!(serde_json::from_str::<CurrencyCode>("\"XYZ\"").is_err());
    }

    proptest! {
        /// Every ISO exponent in the table: what we print, we read back exactly, with and
        /// without grouping.
        #[test]
        fn formatting_then_parsing_returns_the_same_minor_units(
            index in 0..crate::currency::CURRENCIES.len(),
            minor in 0..=MAX_MINOR,
        ) {
            let currency = &crate::currency::CURRENCIES[index];
            let digits = currency.minor_units;
            prop_assert_eq!(parse_amount(&format_amount(minor, digits), digits), Ok(minor));
            prop_assert_eq!(parse_amount(&format_plain(minor, digits), digits), Ok(minor));
        }

        #[test]
        fn every_exponent_round_trips_small_amounts(digits in 0u8..=3, minor in 0i64..100_000) {
            prop_assert_eq!(parse_amount(&format_amount(minor, digits), digits), Ok(minor));
        }
    }
}
