//! A report's period: a calendar month, quarter or year around a date, or a custom range.

use crate::error::{AppError, AppResult};
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest custom range: three years and a day (a year's report is the common case).
pub const MAX_DAYS: i64 = 3 * 366;

crate::text_enum! {
    pub enum PeriodKind {
        Month = "month",
        Quarter = "quarter",
        Year = "year",
        Custom = "custom",
    }
}

impl PeriodKind {
    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Month => "Month",
            PeriodKind::Quarter => "Quarter",
            PeriodKind::Year => "Year",
            PeriodKind::Custom => "Custom",
        }
    }
}

/// `[from, to]`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn date(field: &'static str, text: &str) -> AppResult<NaiveDate> {
    crate::validation::date(text.trim()).map_err(|m| AppError::field(field, m))
}

impl Period {
    /// `kind` (default month) around `at` (default `today`); a custom period needs `from` and `to`.
    pub fn parse(kind: &str, at: &str, from: &str, to: &str, today: NaiveDate) -> AppResult<Period> {
        let kind = match kind.trim() {
            "" => PeriodKind::Month,
            other => PeriodKind::parse(other)
                .ok_or_else(|| AppError::field("period", "Choose a month, quarter, year or custom range."))?,
        };
        if kind == PeriodKind::Custom {
            let (from, to) = (date("from", from)?, date("to", to)?);
            if to < from {
                return Err(AppError::field("to", "Choose an end date on or after the start date."));
            }
            if (to - from).num_days() >= MAX_DAYS {
                return Err(AppError::field("to", "A custom period can be at most three years long."));
            }
            return Ok(Period { kind, from, to });
        }
        let at = if at.trim().is_empty() { today } else { date("at", at)? };
        Ok(Period::around(kind, at))
    }

    /// The month, quarter or year `at` falls in.
    pub fn around(kind: PeriodKind, at: NaiveDate) -> Period {
        let first_month = match kind {
            PeriodKind::Month => at.month(),
            PeriodKind::Quarter => (at.month() - 1) / 3 * 3 + 1,
            PeriodKind::Year | PeriodKind::Custom => 1,
        };
        let months = match kind {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year | PeriodKind::Custom => 12,
        };
        let from = NaiveDate::from_ymd_opt(at.year(), first_month, 1).unwrap_or(at);
        let to = from.checked_add_months(Months::new(months)).map_or(from, |next| next - Duration::days(1));
        Period { kind, from, to }
    }

    /// The period before (`-1`) or after (`1`) this one, of the same kind and length.
    pub fn step(&self, direction: i32) -> Period {
        match self.kind {
            PeriodKind::Custom => {
                let days = (self.to - self.from).num_days() + 1;
                let shift = Duration::days(days * i64::from(direction));
                Period { kind: self.kind, from: self.from + shift, to: self.to + shift }
            }
            kind if direction < 0 => Period::around(kind, self.from - Duration::days(1)),
            kind => Period::around(kind, self.to + Duration::days(1)),
        }
    }

    /// "November 2026", "Q4 2026", "2026", "1 Mar 2026 – 15 Apr 2026".
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => self.from.format("%B %Y").to_string(),
            PeriodKind::Quarter => format!("Q{} {}", (self.from.month() - 1) / 3 + 1, self.from.year()),
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Custom => format!("{} – {}", self.from.format("%-d %b %Y"), self.to.format("%-d %b %Y")),
        }
    }

    /// The query string that selects this period on `/reports` and its CSV links.
    pub fn query(&self) -> String {
        match self.kind {
            PeriodKind::Custom => format!("period=custom&from={}&to={}", self.from, self.to),
            kind => format!("period={}&at={}", kind.as_str(), self.from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn presets_cover_the_calendar_month_quarter_and_year_around_a_date() {
        let today = d("2026-11-30");
        let month = Period::parse("", "", "", "", today).expect("month");
        assert_eq!((month.kind, month.from, month.to), (PeriodKind::Month, d("2026-11-01"), d("2026-11-30")));
        assert_eq!(month.label(), "November 2026");
        let february = Period::parse("month", "2028-02-10", "", "", today).expect("leap February");
        assert_eq!((february.from, february.to), (d("2028-02-01"), d("2028-02-29")));
        let quarter = Period::parse("quarter", "2026-08-15", "", "", today).expect("quarter");
        assert_eq!((quarter.from, quarter.to, quarter.label()), (d("2026-07-01"), d("2026-09-30"), "Q3 2026".into()));
        let year = Period::parse("year", "", "", "", today).expect("year");
        assert_eq!((year.from, year.to, year.label()), (d("2026-01-01"), d("2026-12-31"), "2026".into()));
    }

    #[test]
    fn stepping_moves_by_whole_periods_across_year_ends() {
        let december = Period::around(PeriodKind::Month, d("2026-12-05"));
        assert_eq!(december.step(1).from, d("2027-01-01"));
        assert_eq!(december.step(-1).to, d("2026-11-30"));
        let q1 = Period::around(PeriodKind::Quarter, d("2027-02-01"));
        assert_eq!((q1.step(-1).from, q1.step(-1).to), (d("2026-10-01"), d("2026-12-31")));
        let custom = Period::parse("custom", "", "2026-03-01", "2026-03-10", d("2026-11-30")).expect("custom");
        assert_eq!((custom.step(1).from, custom.step(1).to), (d("2026-03-11"), d("2026-03-20")));
        assert_eq!(custom.query(), "period=custom&from=2026-03-01&to=2026-03-10");
        assert_eq!(q1.query(), "period=quarter&at=2027-01-01");
    }

    #[test]
    fn bad_periods_are_field_errors() {
        let today = d("2026-11-30");
        let on = |result: AppResult<Period>, field: &str| matches!(&result, Err(AppError::Validation(errors)) if errors.get(field).is_some());
        assert!(on(Period::parse("decade", "", "", "", today), "period"));
        assert!(on(Period::parse("month", "30/11/2026", "", "", today), "at"));
        assert!(on(Period::parse("custom", "", "", "2026-01-01", today), "from"));
        assert!(on(Period::parse("custom", "", "2026-02-01", "2026-01-01", today), "to"));
        assert!(on(Period::parse("custom", "", "2020-01-01", "2026-01-01", today), "to"));
        assert!(Period::parse("custom", "", "2024-01-01", "2026-12-31", today).is_ok());
    }
}
