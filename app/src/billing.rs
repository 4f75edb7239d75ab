//! The money core of invoices (PRODUCT §3.8): integer minor units, half-up rounding at exactly
//! three points (time → line, tax on the subtotal, currency conversion) and never again on sums.
//! Rates and percentages are exact decimal strings; no floating point anywhere. Wasm-safe, so the
//! browser's previews and the server's invoices are computed by the same code.

use crate::money::div_round_half_up;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A non-negative decimal as typed (`"21"`, `"1.1734"`): `units / 10^scale`, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal {
    units: u128,
    scale: u32,
}

/// Integer and fraction digits a decimal string may have: rates like `"0.000123456"` and
/// percentages like `"100"` fit, and the products below stay inside `i128`.
const MAX_INTEGER_DIGITS: usize = 9;
const MAX_FRACTION_DIGITS: usize = 9;

impl Decimal {
    /// `^\d+(\.\d+)?$`, at most 9 digits either side of the point.
    pub fn parse(input: &str) -> Result<Decimal, String> {
        let invalid = || format!("Write a plain number like 21 or 1.1734 (got {input:?}).");
        let (whole, fraction) = input.split_once('.').unwrap_or((input, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (input.contains('.') && !digits(fraction)) {
            return Err(invalid());
        }
        if whole.len() > MAX_INTEGER_DIGITS || fraction.len() > MAX_FRACTION_DIGITS {
            return Err(format!(
                "Use at most {MAX_INTEGER_DIGITS} digits before and {MAX_FRACTION_DIGITS} after the point."
            ));
        }
        let units = format!("{whole}{fraction}").parse::<u128>().map_err(|_| invalid())?;
        Ok(Decimal { units, scale: fraction.len() as u32 })
    }

    /// `units / denominator`, the exact value as a fraction.
    fn fraction(self) -> (i128, i128) {
        (self.units as i128, 10i128.pow(self.scale))
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    /// `numerator / denominator` rounded half up to `places` decimals, trailing zeros dropped:
    /// hours on a line are seconds / 3600 to six places.
    pub fn from_fraction(numerator: i128, denominator: i128, places: u32) -> Option<Decimal> {
        if numerator < 0 || denominator <= 0 || places > MAX_FRACTION_DIGITS as u32 {
            return None;
        }
        let mut units = div_round_half_up(numerator.checked_mul(10i128.pow(places))?, denominator);
        let mut scale = places;
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        Some(Decimal { units: u128::try_from(units).ok()?, scale })
    }

    /// Half up to `places` decimals, printed with exactly that many: "1.166667" → "1.17".
    pub fn round_to(self, places: u32) -> String {
        let (units, denominator) = self.fraction();
        let rounded = div_round_half_up(units * 10i128.pow(places), denominator);
        Decimal { units: rounded as u128, scale: places }.to_string()
    }

    pub fn exceeds(self, other: Decimal) -> bool {
        let (a, da) = self.fraction();
        let (b, db) = other.fraction();
        a * db > b * da
    }

    /// Compares values, not spellings ("1.50" = "1.5").
    pub fn same_value(self, other: Decimal) -> bool {
        let (a, da) = self.fraction();
        let (b, db) = other.fraction();
        a * db == b * da
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.to_string();
        if self.scale == 0 {
            return f.write_str(&digits);
        }
        let scale = self.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{whole}.{fraction}")
    }
}

impl TryFrom<String> for Decimal {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Decimal::parse(&value)
    }
}

impl From<Decimal> for String {
    fn from(value: Decimal) -> Self {
        value.to_string()
    }
}

/// An amount no invoice can hold (past `i64`, or an intermediate past `i128`): refused, never
/// wrapped or saturated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("This amount is too large.")]
pub struct TooLarge;

/// `round(numerator / denominator)` half up, for non-negative inputs, checked end to end.
fn rounded(numerator: Option<i128>, denominator: i128) -> Result<i64, TooLarge> {
    let n = numerator.filter(|n| *n >= 0 && n.checked_mul(2).is_some()).ok_or(TooLarge)?;
    i64::try_from(div_round_half_up(n, denominator)).map_err(|_| TooLarge)
}

/// Rounding point 1: a line from tracked time, `round(seconds × hourly rate / 3600)`.
pub fn line_from_time(seconds: i64, hourly_rate_minor: i64) -> Result<i64, TooLarge> {
    rounded(i128::from(seconds.max(0)).checked_mul(i128::from(hourly_rate_minor.max(0))), 3600)
}

/// Rounding point 2: tax on the subtotal, `round(subtotal × percent / 100)`.
pub fn tax(subtotal_minor: i64, percent: Decimal) -> Result<i64, TooLarge> {
    let (units, denominator) = percent.fraction();
    rounded(i128::from(subtotal_minor.max(0)).checked_mul(units), 100 * denominator)
}

/// An exchange rate as an exact fraction: target units per source unit. A published rate is a
/// decimal; a cross rate through the euro is the quotient of two, which no decimal represents
/// exactly, so it stays a fraction and the amount is rounded once, at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactRate {
    numerator: i128,
    denominator: i128,
}

impl ExactRate {
    pub fn of(rate: Decimal) -> ExactRate {
        let (numerator, denominator) = rate.fraction();
        ExactRate { numerator, denominator }
    }

    /// The rate from `source` to `target`, given the euro's rate to each (ECB reference rates are
    /// quoted per euro; the euro itself is 1).
    pub fn cross(euro_to_source: Decimal, euro_to_target: Decimal) -> Option<ExactRate> {
        let (s_units, s_den) = euro_to_source.fraction();
        let (t_units, t_den) = euro_to_target.fraction();
        if s_units == 0 {
            return None;
        }
        Some(ExactRate { numerator: t_units.checked_mul(s_den)?, denominator: s_units.checked_mul(t_den)? })
    }
}

impl ExactRate {
    /// The rate as the decimal printed on an invoice and used for its conversion: rounded half up
    /// once, to six significant digits (at most nine decimals), so that "465.00 at 1.19832"
    /// reproduces the line's amount for anyone checking it. ECB quotes carry five or six.
    pub fn to_decimal(self) -> Option<Decimal> {
        const SIGNIFICANT: i32 = 6;
        if self.numerator <= 0 || self.denominator <= 0 {
            return None;
        }
        // A rate the ECB printed (euro to a currency) is a decimal already: keep it as published.
        let billion = 10i128.pow(MAX_FRACTION_DIGITS as u32);
        if self.numerator.checked_mul(billion)? % self.denominator == 0 {
            let exact = Decimal::from_fraction(self.numerator, self.denominator, MAX_FRACTION_DIGITS as u32)?;
            let integer_digits = exact.to_string().split('.').next().map_or(0, str::len);
            return (integer_digits <= MAX_INTEGER_DIGITS).then_some(exact);
        }
        // Exponent of the leading digit: 10^e <= n/d < 10^(e+1).
        let mut exponent = 0i32;
        let (mut n, mut d) = (self.numerator, self.denominator);
        while n >= d.checked_mul(10)? {
            d *= 10;
            exponent += 1;
        }
        while n < d {
            n = n.checked_mul(10)?;
            exponent -= 1;
        }
        let scale = (SIGNIFICANT - 1 - exponent).clamp(0, MAX_FRACTION_DIGITS as i32) as u32;
        let units = crate::money::div_round_half_up(self.numerator.checked_mul(10i128.pow(scale))?, self.denominator);
        let (mut units, mut scale) = (u128::try_from(units).ok()?, scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        let rate = Decimal { units, scale };
        let integer_digits = rate.to_string().split('.').next().map_or(0, str::len);
        (!rate.is_zero() && integer_digits <= MAX_INTEGER_DIGITS).then_some(rate)
    }
}

/// Rounding point 3: an amount in one currency at `rate` (target per source unit) in another,
/// rounded once, honouring each currency's minor-unit digits (EUR 2, JPY 0, KWD 3).
pub fn convert(amount_minor: i64, from_digits: u8, to_digits: u8, rate: Decimal) -> Result<i64, TooLarge> {
    convert_exact(amount_minor, from_digits, to_digits, ExactRate::of(rate))
}

/// [`convert`] at an exact rate (a cross rate through the euro).
pub fn convert_exact(amount_minor: i64, from_digits: u8, to_digits: u8, rate: ExactRate) -> Result<i64, TooLarge> {
    let numerator = i128::from(amount_minor.max(0))
        .checked_mul(rate.numerator)
        .and_then(|n| n.checked_mul(10i128.pow(u32::from(to_digits.min(4)))));
    let denominator = rate.denominator.checked_mul(10i128.pow(u32::from(from_digits.min(4)))).ok_or(TooLarge)?;
    rounded(numerator, denominator)
}

/// An invoice's totals: lines are already rounded, so the subtotal is their plain sum, the tax is
/// rounded once on it, and the total is their plain sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
}

pub fn totals(lines: &[i64], tax_percent: Option<Decimal>) -> Result<Totals, TooLarge> {
    let subtotal = lines.iter().try_fold(0i64, |sum, line| sum.checked_add(*line)).ok_or(TooLarge)?;
    let tax = match tax_percent {
        Some(percent) => tax(subtotal, percent)?,
        None => 0,
    };
    Ok(Totals { subtotal, tax, total: subtotal.checked_add(tax).ok_or(TooLarge)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).expect("decimal")
    }

    #[test]
    fn the_three_rounding_points_match_the_specification_examples() {
        assert_eq!(line_from_time(70 * 60, 3100), Ok(3617), "70 min at EUR 31.00/h is 36.17");
        assert_eq!(line_from_time(4 * 3600 + 5 * 60, 6200), Ok(25317), "4 h 05 min at EUR 62/h is 253.17");
        assert_eq!(tax(3333, d("21")), Ok(700));
        assert_eq!(tax(25317, d("21")), Ok(5317));
        assert_eq!(totals(&[25317], Some(d("21"))).map(|t| t.total), Ok(30634));
        assert_eq!(convert(46500, 2, 2, d("1.1734")), Ok(54563), "465.00 GBP at 1.1734 is 545.63 EUR");
    }

    #[test]
    fn conversion_honours_each_currencys_digits() {
        assert_eq!(convert(10000, 2, 0, d("162.5")), Ok(16250), "100.00 EUR is 16250 JPY");
        assert_eq!(convert(16250, 0, 2, d("0.006154")), Ok(10000), "16250 JPY back to 100.00 EUR");
        assert_eq!(convert(1000, 2, 3, d("0.3312")), Ok(3312), "10.00 EUR is 3.312 KWD");
        assert_eq!(convert(5, 2, 2, d("0.1")), Ok(1), "0.5 cent rounds half up");
    }

    #[test]
    fn hours_and_display_rounding_go_half_up() {
        assert_eq!(Decimal::from_fraction(70 * 60, 3600, 6).map(|d| d.to_string()).as_deref(), Some("1.166667"));
        assert_eq!(Decimal::from_fraction(7200, 3600, 6).map(|d| d.to_string()).as_deref(), Some("2"));
        assert_eq!(d("1.166667").round_to(2), "1.17");
        assert_eq!(d("2").round_to(2), "2.00");
        assert_eq!(d("0.125").round_to(2), "0.13");
        assert!(d("1.50").same_value(d("1.5")));
    }

    #[test]
    fn decimal_strings_are_plain_numbers_only() {
        for bad in ["", ".5", "5.", "-1", "1e3", "1,5", " 21", "21 ", "0x10", "1.2.3", "1234567890", "0.0000000001"] {
            assert!(Decimal::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(d("21").to_string(), "21");
        assert_eq!(d("0.05").to_string(), "0.05");
        assert_eq!(d("1.1734").to_string(), "1.1734");
        assert_eq!(serde_json::to_string(&d("7.5")).expect("json"), "\"7.5\"", "strings on the wire, never floats");
        assert!(serde_json::from_str::<Decimal>("7.5").is_err(), "a JSON number is refused");
    }

    proptest! {
        #[test]
        fn the_total_is_the_sum_of_the_lines_plus_the_tax(
            lines in proptest::collection::vec(0i64..10_000_000_000, 0..50),
            percent_units in 0u32..10_000,
        ) {
            let percent = d(&format!("{}.{:02}", percent_units / 100, percent_units % 100));
            let t = totals(&lines, Some(percent)).expect("fits");
            prop_assert_eq!(t.subtotal, lines.iter().sum::<i64>());
            prop_assert_eq!(t.total, t.subtotal + t.tax);
            prop_assert_eq!(Ok(t.tax), tax(t.subtotal, percent), "tax is rounded once, on the subtotal");
        }

        #[test]
        fn conversion_rounds_once_to_the_nearest_minor_unit_with_halves_up(
            amount in 0i64..100_000_000_000,
            rate_units in 1u64..1_000_000_000,
            scale in 0u32..10,
            from in 0u8..4,
            to in 0u8..4,
        ) {
            let rate = Decimal { units: u128::from(rate_units), scale };
            // The exact value is N / D; the result is the nearest integer, halves going up.
            let n = i128::from(amount) * i128::from(rate_units) * 10i128.pow(u32::from(to));
            let den = 10i128.pow(scale) * 10i128.pow(u32::from(from));
            match convert(amount, from, to, rate) {
                Ok(result) => {
                    let result = i128::from(result);
                    prop_assert!(2 * (result * den - n) <= den, "not above the half: {} vs {}/{}", result, n, den);
                    prop_assert!(2 * (n - result * den) < den, "not below the half: {} vs {}/{}", result, n, den);
                }
                Err(TooLarge) => prop_assert!(n / den >= i128::from(i64::MAX), "refused only past i64: {}/{}", n, den),
            }
        }
    }

    #[test]
    fn a_cross_rate_through_the_euro_rounds_the_amount_once() {
        // GBP → USD with EUR→GBP 0.8345 and EUR→USD 1.0573: 100.00 GBP = 100 / 0.8345 × 1.0573 USD.
        let rate = ExactRate::cross(d("0.8345"), d("1.0573")).expect("rate");
        assert_eq!(convert_exact(10000, 2, 2, rate), Ok(12670), "126.6986… USD");
        // Rounding the cross rate first (to 4 places, 1.2670) would give the same here but not in
        // general: 1,000,000.00 GBP is 1,266,986.22 USD, not 1,267,000.00.
        assert_eq!(convert_exact(100_000_000, 2, 2, rate), Ok(126_698_622));
        assert_eq!(ExactRate::cross(d("0"), d("1")), None, "no rate from a currency quoted at zero");
        assert_eq!(convert_exact(10000, 2, 2, ExactRate::of(d("1"))), Ok(10000));
    }

    #[test]
    fn a_cross_rate_prints_as_six_significant_digits_rounded_once() {
        let gbp_to_eur = ExactRate::cross(d("0.8345"), d("1")).expect("rate");
        assert_eq!(gbp_to_eur.to_decimal(), Some(d("1.19832")), "1 / 0.8345 = 1.198322…");
        assert_eq!(ExactRate::of(d("0.8345")).to_decimal(), Some(d("0.8345")), "a published rate is kept");
        assert_eq!(ExactRate::of(d("162.5")).to_decimal(), Some(d("162.5")));
        assert_eq!(ExactRate::of(d("17613.06")).to_decimal(), Some(d("17613.06")), "seven digits, as the ECB printed");
        let idr_to_eur = ExactRate::cross(d("17000"), d("1")).expect("rate");
        assert_eq!(idr_to_eur.to_decimal(), Some(d("0.000058824")), "nine decimals at most: 1 / 17000 = 0.0000588235…");
        let third = ExactRate { numerator: 2, denominator: 3 };
        assert_eq!(third.to_decimal(), Some(d("0.666667")), "rounded once, half up");
        assert_eq!(ExactRate { numerator: 0, denominator: 1 }.to_decimal(), None);
    }

    #[test]
    fn amounts_past_what_an_invoice_can_hold_are_refused_not_wrapped() {
        assert_eq!(line_from_time(i64::MAX, i64::MAX), Err(TooLarge));
        assert_eq!(convert(i64::MAX, 0, 4, d("999999999.999999999")), Err(TooLarge));
        assert_eq!(totals(&[i64::MAX, 1], None), Err(TooLarge));
        assert_eq!(tax(i64::MAX, d("100")), Ok(i64::MAX));
    }
}
