//! The European Central Bank's reference rates, as the ECB publishes them: the daily file, the
//! 90-day file and the full history share one XML shape (a `Cube` per day holding a `Cube` per
//! currency, rates quoted per euro). Parsing keeps each rate as the exact decimal string printed.

use crate::billing::{Decimal, ExactRate};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One day of reference rates: currency code → units per euro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRates {
    pub date: NaiveDate,
    pub rates: BTreeMap<String, Decimal>,
}

impl DayRates {
    /// The rate from `source` to `target` on this day, through the euro (which is 1).
    pub fn rate(&self, source: &str, target: &str) -> Option<ExactRate> {
        let per_euro = |code: &str| -> Option<Decimal> {
            if code == "EUR" {
                Decimal::parse("1").ok()
            } else {
                self.rates.get(code).copied()
            }
        };
        ExactRate::cross(per_euro(source)?, per_euro(target)?)
    }

    /// `minor` of `from` in `to` at this day's rates, rounded once; `None` without a rate.
    pub fn convert(&self, minor: i64, from: crate::money::CurrencyCode, to: crate::money::CurrencyCode) -> Option<i64> {
        let rate = self.rate(from.as_str(), to.as_str())?;
        crate::billing::convert_exact(minor, from.info().minor_units, to.info().minor_units, rate).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    #[error("This is not an ECB reference-rate file: {0}")]
    NotEcb(String),
    #[error("The ECB file has a day with an unreadable date: {0:?}")]
    BadDate(String),
    #[error("The ECB file has an unreadable rate for {currency} on {date}: {rate:?}")]
    BadRate { date: NaiveDate, currency: String, rate: String },
}

/// The days in an ECB file, newest first as published. A file with no day is not an ECB file.
pub fn parse_ecb(xml: &str) -> Result<Vec<DayRates>, FxError> {
    let document = roxmltree::Document::parse(xml).map_err(|e| FxError::NotEcb(e.to_string()))?;
    let mut days = Vec::new();
    for day in document.descendants().filter(|n| n.has_tag_name("Cube") && n.has_attribute("time")) {
        let time = day.attribute("time").unwrap_or_default();
        let date = NaiveDate::parse_from_str(time, "%Y-%m-%d").map_err(|_| FxError::BadDate(time.to_owned()))?;
        let mut rates = BTreeMap::new();
        for quote in day.children().filter(|n| n.has_tag_name("Cube")) {
            let (Some(currency), Some(rate)) = (quote.attribute("currency"), quote.attribute("rate")) else { continue };
            let valid_code = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase());
            let parsed = Decimal::parse(rate.trim()).ok().filter(|r| !r.is_zero());
            match (valid_code, parsed) {
                (true, Some(parsed)) => {
                    rates.insert(currency.to_owned(), parsed);
                }
                _ => return Err(FxError::BadRate { date, currency: currency.to_owned(), rate: rate.to_owned() }),
            }
        }
        days.push(DayRates { date, rates });
    }
    if days.is_empty() {
        return Err(FxError::NotEcb("no day of rates in it".into()));
    }
    Ok(days)
}

/// The rates in force on `date`: the latest published on or before it (no rates on weekends and
/// TARGET holidays).
pub fn rates_on(days: &[DayRates], date: NaiveDate) -> Option<&DayRates> {
    days.iter().filter(|d| d.date <= date).max_by_key(|d| d.date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::convert_exact;

    const SAMPLE: &str = include_str!("fixtures/eurofxref-sample.xml");

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn an_ecb_file_reads_as_exact_rates_per_day() {
        let days = parse_ecb(SAMPLE).expect("parses");
        assert_eq!(days.iter().map(|d| d.date).collect::<Vec<_>>(), [date(2026, 11, 27), date(2026, 11, 26)]);
        assert_eq!(days[0].rates["JPY"].to_string(), "162.50", "the rate exactly as printed");
        assert_eq!(days[0].rates.len(), 5);
    }

    #[test]
    fn a_weekend_uses_fridays_rates_and_a_day_before_the_file_has_none() {
        let days = parse_ecb(SAMPLE).expect("parses");
        assert_eq!(rates_on(&days, date(2026, 11, 29)).map(|d| d.date), Some(date(2026, 11, 27)), "Sunday");
        assert_eq!(rates_on(&days, date(2026, 11, 26)).map(|d| d.date), Some(date(2026, 11, 26)));
        assert!(rates_on(&days, date(2026, 11, 25)).is_none());
    }

    #[test]
    fn cross_rates_go_through_the_euro_and_round_once() {
        let days = parse_ecb(SAMPLE).expect("parses");
        let friday = &days[0];
        let eur_to_usd = friday.rate("EUR", "USD").expect("rate");
        assert_eq!(convert_exact(10000, 2, 2, eur_to_usd), Ok(10573), "100.00 EUR is 105.73 USD");
        let gbp_to_usd = friday.rate("GBP", "USD").expect("rate");
        assert_eq!(convert_exact(10000, 2, 2, gbp_to_usd), Ok(12670));
        let usd_to_jpy = friday.rate("USD", "JPY").expect("rate");
        assert_eq!(convert_exact(10000, 2, 0, usd_to_jpy), Ok(15369), "100.00 USD is 15,369 JPY");
        assert!(friday.rate("EUR", "XYZ").is_none(), "a currency the ECB does not quote has no rate");
    }

    #[test]
    fn files_that_are_not_ecb_rates_are_refused_with_a_reason() {
        assert!(matches!(parse_ecb("not xml"), Err(FxError::NotEcb(_))));
        assert!(matches!(parse_ecb("<Envelope><Cube/></Envelope>"), Err(FxError::NotEcb(_))));
        let bad = SAMPLE.replace("rate='1.0573'", "rate='1,0573'");
        assert!(matches!(parse_ecb(&bad), Err(FxError::BadRate { .. })));
        let bad = SAMPLE.replace("time='2026-11-27'", "time='27.11.2026'");
        assert_eq!(parse_ecb(&bad), Err(FxError::BadDate("27.11.2026".into())));
    }
}
