//! When a recurring schedule's occurrences fall. Pure date arithmetic,
//! shared by the schedule pages (next run dates) and the runner (which catches up missed
//! occurrences in order).
//!
//! - Weekly: the start date, then every `interval` weeks (the anchor day does not apply).
//! - Monthly, quarterly, yearly: the anchor day (1–31) of every `interval` months, quarters or
//!   years from the start's month, clamped to the month's last day: the 31st runs on 30 April and
//!   28 or 29 February, and on the 31st again in May. The first occurrence is the first such day on
//!   or after the start date.
//! - A schedule stops after its end date (inclusive) or its occurrence limit, whichever is given.
//!
//! A stored schedule has made `generated` invoices, and its next falls on occurrence
//! `generated + offset`: the offset skips occurrences that were never invoiced (before a start in
//! the past, during a pause) and restarts the count when the cadence changes. The limit counts
//! invoices, not skipped occurrences.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub const MAX_INTERVAL: u32 = 52;
pub const MAX_OCCURRENCES: u32 = 1000;
/// Bounds the search for the first occurrence from today: a weekly schedule started in 1900 skips
/// about 6,500.
const MAX_SKIPPED: i64 = 100_000;

crate::text_enum! {
    pub enum Frequency {
        Weekly = "weekly",
        Monthly = "monthly",
        Quarterly = "quarterly",
        Yearly = "yearly",
    }
}

impl Frequency {
    /// Months per step for the calendar frequencies.
    fn months(self) -> Option<u32> {
        match self {
            Frequency::Weekly => None,
            Frequency::Monthly => Some(1),
            Frequency::Quarterly => Some(3),
            Frequency::Yearly => Some(12),
        }
    }
}

/// When a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadence {
    pub frequency: Frequency,
    /// 1–52.
    pub interval: u32,
    /// 1–31, for monthly, quarterly and yearly schedules.
    pub anchor_day: u32,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: Option<NaiveDate>,
    /// 1–1000.
    pub limit: Option<u32>,
}

/// `day` of the month `months` after `first`'s month, clamped to that month's last day.
fn clamped(first: NaiveDate, months: u32, day: u32) -> Option<NaiveDate> {
    let month_start =
        NaiveDate::from_ymd_opt(first.year(), first.month(), 1)?.checked_add_months(Months::new(months))?;
    let next_month = month_start.checked_add_months(Months::new(1))?;
    let last_day = (next_month - Duration::days(1)).day();
    NaiveDate::from_ymd_opt(month_start.year(), month_start.month(), day.clamp(1, 31).min(last_day))
}

impl Cadence {
    /// The `n`th occurrence (0-based) ignoring the end date and limit; `None` past the calendar.
    fn raw(&self, n: u32) -> Option<NaiveDate> {
        let interval = self.interval.clamp(1, MAX_INTERVAL);
        match self.frequency.months() {
            None => self.start.checked_add_signed(Duration::weeks(i64::from(interval) * i64::from(n))),
            Some(per_step) => {
                // Past the anchor in the start's month: the sequence starts a month later.
                let first = clamped(self.start, 0, self.anchor_day)?;
                let offset = u32::from(first < self.start);
                clamped(
                    self.start,
                    offset.checked_add(n.checked_mul(per_step)?.checked_mul(interval)?)?,
                    self.anchor_day,
                )
            }
        }
    }

    /// The `n`th occurrence (0-based), or `None` once the schedule has ended.
    pub fn occurrence(&self, n: u32) -> Option<NaiveDate> {
        if self.limit.is_some_and(|limit| n >= limit.min(MAX_OCCURRENCES)) {
            return None;
        }
        self.raw(n).filter(|date| self.end.is_none_or(|end| *date <= end))
    }

    /// The date of the next invoice of a schedule that has made `generated` and is at `offset`;
    /// `None` once it has made its limit or its next occurrence is past the end date.
    pub fn next_date(&self, generated: u32, offset: i32) -> Option<NaiveDate> {
        if self.limit.is_some_and(|limit| generated >= limit.min(MAX_OCCURRENCES)) {
            return None;
        }
        let index = u32::try_from(i64::from(generated) + i64::from(offset)).ok()?;
        self.raw(index).filter(|date| self.end.is_none_or(|end| *date <= end))
    }

    /// The offset at which the next invoice falls on or after `today`: what a new schedule with a
    /// start in the past, or a resumed one, skips instead of invoicing late.
    pub fn skip_past(&self, generated: u32, offset: i32, today: NaiveDate) -> i32 {
        let from = (i64::from(generated) + i64::from(offset)).max(0);
        let first = (from..from + MAX_SKIPPED)
            .find(|&index| u32::try_from(index).ok().and_then(|i| self.raw(i)).is_none_or(|date| date >= today))
            .unwrap_or(from);
        i32::try_from(first - i64::from(generated)).unwrap_or(i32::MAX)
    }

    /// "Every month on the 31st", "Every 2 weeks", "Every year on the 15th of June".
    pub fn describe(&self) -> String {
        let interval = self.interval.clamp(1, MAX_INTERVAL);
        let (one, many) = match self.frequency {
            Frequency::Weekly => ("week", "weeks"),
            Frequency::Monthly => ("month", "months"),
            Frequency::Quarterly => ("quarter", "quarters"),
            Frequency::Yearly => ("year", "years"),
        };
        let every = if interval == 1 { format!("Every {one}") } else { format!("Every {interval} {many}") };
        match self.frequency {
            Frequency::Weekly => format!("{every} on {}", self.start.format("%A")),
            Frequency::Monthly | Frequency::Quarterly => format!("{every} on the {}", ordinal(self.anchor_day)),
            Frequency::Yearly => {
                let month = self.raw(0).unwrap_or(self.start).format("%B");
                format!("{every} on the {} of {month}", ordinal(self.anchor_day))
            }
        }
    }

    /// The occurrences due on or before `today`, from the `done`th on (what a catch-up run makes),
    /// at most `max` of them.
    pub fn due(&self, done: u32, today: NaiveDate, max: usize) -> Vec<(u32, NaiveDate)> {
        (done..)
            .map_while(|n| self.occurrence(n).map(|date| (n, date)))
            .take_while(|(_, date)| *date <= today)
            .take(max)
            .collect()
    }
}

/// 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st, 31st.
fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn cadence(frequency: Frequency, interval: u32, anchor_day: u32, start: &str) -> Cadence {
        Cadence { frequency, interval, anchor_day, start: d(start), end: None, limit: None }
    }

    fn first(cadence: &Cadence, count: u32) -> Vec<String> {
        (0..count).filter_map(|n| cadence.occurrence(n)).map(|date| date.to_string()).collect()
    }

    #[test]
    fn occurrences_fall_where_the_calendar_puts_them() {
        let cases: &[(Cadence, &[&str])] = &[
            // The 31st clamps to short months and returns to the 31st.
            (
                cadence(Frequency::Monthly, 1, 31, "2026-01-31"),
                &["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"],
            ),
            // Leap years: the 29th of February exists in 2028 only.
            (cadence(Frequency::Yearly, 1, 29, "2027-02-01"), &["2027-02-28", "2028-02-29", "2029-02-28"]),
            (cadence(Frequency::Monthly, 1, 30, "2028-01-30"), &["2028-01-30", "2028-02-29", "2028-03-30"]),
            // Quarterly from the 31st.
            (
                cadence(Frequency::Quarterly, 1, 31, "2026-01-31"),
                &["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31", "2027-01-31"],
            ),
            // Past the anchor in the start's month: the first run is next month's.
            (cadence(Frequency::Monthly, 1, 5, "2026-03-20"), &["2026-04-05", "2026-05-05"]),
            (cadence(Frequency::Monthly, 1, 25, "2026-03-20"), &["2026-03-25", "2026-04-25"]),
            // Intervals.
            (cadence(Frequency::Monthly, 2, 1, "2026-11-01"), &["2026-11-01", "2027-01-01", "2027-03-01"]),
            (cadence(Frequency::Weekly, 2, 1, "2026-11-30"), &["2026-11-30", "2026-12-14", "2026-12-28", "2027-01-11"]),
            (cadence(Frequency::Yearly, 3, 15, "2026-06-15"), &["2026-06-15", "2029-06-15"]),
            (cadence(Frequency::Quarterly, 2, 1, "2026-01-01"), &["2026-01-01", "2026-07-01", "2027-01-01"]),
        ];
        for (cadence, expected) in cases {
            assert_eq!(first(cadence, expected.len() as u32), *expected, "{cadence:?}");
        }
    }

    #[test]
    fn a_schedule_ends_at_its_end_date_or_its_limit() {
        let monthly = cadence(Frequency::Monthly, 1, 31, "2026-01-31");
        let ended = Cadence { end: Some(d("2026-04-30")), ..monthly };
        assert_eq!(first(&ended, 10), ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"], "inclusive");
        let limited = Cadence { limit: Some(2), ..monthly };
        assert_eq!(first(&limited, 10), ["2026-01-31", "2026-02-28"]);
        assert_eq!(limited.occurrence(2), None);
    }

    #[test]
    fn the_offset_skips_what_was_never_invoiced_but_the_limit_counts_invoices() {
        let monthly = Cadence { limit: Some(3), ..cadence(Frequency::Monthly, 1, 15, "2026-01-15") };
        // Started in the past: the first invoice is the first occurrence from today.
        let offset = monthly.skip_past(0, 0, d("2026-04-16"));
        assert_eq!(offset, 4);
        assert_eq!(monthly.next_date(0, offset), Some(d("2026-05-15")));
        assert_eq!(monthly.skip_past(0, 0, d("2026-04-15")), 3, "today's occurrence is not skipped");
        // Three invoices later the limit is reached, however many occurrences were skipped.
        assert_eq!(monthly.next_date(2, offset), Some(d("2026-07-15")));
        assert_eq!(monthly.next_date(3, offset), None);
        // A restart: two invoices made, the new cadence starts at its own first occurrence.
        let weekly = cadence(Frequency::Weekly, 1, 1, "2026-12-07");
        assert_eq!(weekly.next_date(2, -2), Some(d("2026-12-07")));
        assert_eq!(weekly.skip_past(2, -2, d("2026-12-01")), -2, "nothing to skip");
        assert_eq!(weekly.next_date(0, -1), None, "never before the first occurrence");
    }

    #[test]
    fn cadences_read_as_people_say_them() {
        assert_eq!(cadence(Frequency::Monthly, 1, 31, "2026-01-31").describe(), "Every month on the 31st");
        assert_eq!(cadence(Frequency::Weekly, 2, 1, "2026-11-30").describe(), "Every 2 weeks on Monday");
        assert_eq!(cadence(Frequency::Quarterly, 1, 2, "2026-01-01").describe(), "Every quarter on the 2nd");
        assert_eq!(cadence(Frequency::Yearly, 1, 13, "2026-06-20").describe(), "Every year on the 13th of July");
        assert_eq!(cadence(Frequency::Monthly, 3, 23, "2026-01-01").describe(), "Every 3 months on the 23rd");
    }

    #[test]
    fn a_catch_up_makes_the_missed_occurrences_in_order_and_no_more() {
        let weekly = cadence(Frequency::Weekly, 1, 1, "2026-11-02");
        // Two runs done (2 and 9 November); by the 30th, 16, 23 and 30 November are due.
        let due = weekly.due(2, d("2026-11-30"), 100);
        assert_eq!(due, vec![(2, d("2026-11-16")), (3, d("2026-11-23")), (4, d("2026-11-30"))]);
        assert_eq!(weekly.due(2, d("2026-11-30"), 1), vec![(2, d("2026-11-16"))], "bounded per run");
        assert!(weekly.due(5, d("2026-11-30"), 100).is_empty(), "nothing is due before its day");
        let limited = Cadence { limit: Some(3), ..weekly };
        assert_eq!(limited.due(2, d("2027-01-31"), 100), vec![(2, d("2026-11-16"))]);
    }

    fn any_cadence() -> impl Strategy<Value = Cadence> {
        (0usize..4, 1u32..=MAX_INTERVAL, 1u32..=31, 0i64..20_000).prop_map(|(f, interval, anchor_day, days)| Cadence {
            frequency: Frequency::ALL[f],
            interval,
            anchor_day,
            start: d("2000-01-01") + Duration::days(days),
            end: None,
            limit: None,
        })
    }

    proptest! {
        #[test]
        fn occurrences_strictly_increase_and_never_precede_the_start(cadence in any_cadence()) {
            let dates: Vec<NaiveDate> = (0..40).map_while(|n| cadence.occurrence(n)).collect();
            prop_assert!(!dates.is_empty());
            prop_assert!(dates[0] >= cadence.start);
            for pair in dates.windows(2) {
                prop_assert!(pair[0] < pair[1], "{:?}: {} then {}", cadence, pair[0], pair[1]);
            }
            if cadence.frequency != Frequency::Weekly {
                // Each run is on its anchor day, or on the last day of a shorter month.
                for date in &dates {
                    let last = clamped(*date, 0, 31).map(|l| l.day()).unwrap_or(31);
                    prop_assert_eq!(date.day(), cadence.anchor_day.min(last));
                }
            }
        }
    }
}
