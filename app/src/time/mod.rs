//! Time tracking: the live timer, manual entries, the weekly timesheet, and the rules they share:
//! how durations are typed and rounded, which rate an entry freezes, and where weeks begin.

pub mod api;

use crate::money::{div_round_half_up, Money, Rate};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use api::*;

/// The longest single entry: 7 days.
pub const MAX_DURATION_SECONDS: i64 = 7 * 24 * 3600;
pub const NOTE_MAX_CHARS: usize = 1000;

/// A stopped timer's length: whole seconds, rounded half-up, and never less than one.
pub fn timer_duration(started: DateTime<Utc>, ended: DateTime<Utc>) -> i64 {
    let millis = (ended - started).num_milliseconds().max(0);
    i64::try_from(div_round_half_up(i128::from(millis), 1000)).unwrap_or(i64::MAX).max(1)
}

/// Parses a duration as people type it: `1:30` (h:mm), `1:30:15`, `1h 30m`, `90m`, `1.5h`, `45s`,
/// or a plain number of hours (`2`, `0.25`). Between 1 second and 7 days.
pub fn parse_duration(input: &str) -> Result<i64, String> {
    let text = input.trim().to_lowercase().replace(',', ".");
    if text.is_empty() {
        return Err("Enter how long, like 1:30 or 1h 30m.".into());
    }
    let invalid = || "Write durations like 1:30, 1h 30m, 90m or 1.5h.".to_owned();
    let seconds = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let numbers: Option<Vec<i64>> = parts.iter().map(|p| p.trim().parse::<i64>().ok()).collect();
        match numbers.as_deref() {
            Some([h, m]) if (0..60).contains(m) && *h >= 0 => h * 3600 + m * 60,
            Some([h, m, s]) if (0..60).contains(m) && (0..60).contains(s) && *h >= 0 => h * 3600 + m * 60 + s,
            _ => return Err(invalid()),
        }
    } else {
        // Units: h, m, s (also "hr", "min", "sec" spellings); a bare number is hours.
        let compact: String = text.split_whitespace().collect();
        let mut total_millis: i128 = 0;
        let mut number = String::new();
        let mut chars = compact.chars().peekable();
        let mut saw_unit = false;
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let mut unit = c.to_string();
            while chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) {
                unit.push(chars.next().unwrap_or_default());
            }
            let per_unit: i128 = match unit.as_str() {
                "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
                "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
                "s" | "sec" | "secs" | "second" | "seconds" => 1000,
                _ => return Err(invalid()),
            };
            total_millis += decimal_times(&number, per_unit).ok_or_else(invalid)?;
            number.clear();
            saw_unit = true;
        }
        if !number.is_empty() {
            if saw_unit {
                return Err(invalid());
            }
            total_millis += decimal_times(&number, 3_600_000).ok_or_else(invalid)?;
        }
        i64::try_from(div_round_half_up(total_millis, 1000)).map_err(|_| invalid())?
    };
    if seconds < 1 {
        Err("A time entry must be at least 1 second long.".into())
    } else if seconds > MAX_DURATION_SECONDS {
        Err("A time entry can be at most 7 days long.".into())
    } else {
        Ok(seconds)
    }
}

/// `number × unit` for a decimal string, exactly (no floats).
fn decimal_times(number: &str, unit: i128) -> Option<i128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 6 {
        return None;
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let scale = 10i128.pow(fraction.len() as u32);
    let fraction: i128 = if fraction.is_empty() { 0 } else { fraction.parse().ok()? };
    Some(whole.checked_mul(unit)? + div_round_half_up(fraction * unit, scale))
}

/// `01:05:09` for the running timer.
pub fn format_hms(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// `1:05` (hours:minutes, seconds dropped) for timesheet cells and totals.
pub fn format_hm(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 3600, s % 3600 / 60)
}

/// The Monday of the ISO week `date` falls in.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    Manual,
    Member,
    Project,
    Client,
}

impl RateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RateSource::Manual => "manual",
            RateSource::Member => "member",
            RateSource::Project => "project",
            RateSource::Client => "client",
        }
    }

    pub fn parse(value: &str) -> Option<RateSource> {
        [RateSource::Manual, RateSource::Member, RateSource::Project, RateSource::Client]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            RateSource::Manual => "set on the entry",
            RateSource::Member => "member's client rate",
            RateSource::Project => "project rate",
            RateSource::Client => "client rate",
        }
    }
}

/// Where an entry's rate can come from, highest priority first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInputs {
    /// Typed on the entry (always hourly).
    pub manual: Option<Money>,
    /// The member's bill rate for the task's client.
    pub member: Option<Rate>,
    pub project: Option<Rate>,
    pub client: Option<Rate>,
    /// The member's internal cost for the client.
    pub member_cost: Option<Rate>,
    pub hours_per_day: i64,
}

/// What an entry freezes: its effective hourly rate (with where it came from) and hourly cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrozenRate {
    pub rate: Option<(Money, RateSource)>,
    pub cost: Option<Money>,
}

/// Manual > member's client rate > project default > client default > none. Day rates become
/// hourly through the business's hours per day (half-up). The cost always comes from the member's
/// client rate: overriding what is billed doesn't change what the work costs.
pub fn resolve_rate(inputs: &RateInputs) -> FrozenRate {
    let hourly = |rate: Rate| Money::new(rate.hourly_minor(inputs.hours_per_day), rate.amount.currency);
    let rate = inputs
        .manual
        .map(|m| (m, RateSource::Manual))
        .or_else(|| inputs.member.map(|r| (hourly(r), RateSource::Member)))
        .or_else(|| inputs.project.map(|r| (hourly(r), RateSource::Project)))
        .or_else(|| inputs.client.map(|r| (hourly(r), RateSource::Client)));
    FrozenRate { rate, cost: inputs.member_cost.map(hourly) }
}

/// The timer running for the signed-in member, with what the top bar needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningTimer {
    pub entry_id: Uuid,
    pub task_id: Uuid,
    pub task_title: String,
    pub project_id: Uuid,
    pub project_name: String,
    pub started_at: DateTime<Utc>,
    /// "Tue 25 Nov, 09:00" in the business's time zone.
    pub started_local: String,
    /// For the "when did you stop?" field: `YYYY-MM-DDTHH:MM`, local.
    pub started_input: String,
    pub now_input: String,
    /// After this many hours the timer counts as forgotten.
    pub forgotten_after_hours: i32,
}

impl RunningTimer {
    pub fn is_forgotten(&self, now: DateTime<Utc>) -> bool {
        now - self.started_at > Duration::hours(i64::from(self.forgotten_after_hours))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntryView {
    pub id: Uuid,
    pub task_id: Uuid,
    pub task_title: String,
    pub project_name: String,
    pub client_name: String,
    pub user_name: String,
    pub started_at: DateTime<Utc>,
    /// Local date and time, "Mon 24 Nov 09:00".
    pub started_local: String,
    pub duration_seconds: i64,
    pub billable: bool,
    pub note: String,
    pub rate: Option<Money>,
    pub rate_source: Option<RateSource>,
    /// Internal hourly cost; only for viewers who may see profit.
    pub cost: Option<Money>,
    /// On an invoice line: locked.
    pub billed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimesheetRow {
    pub task_id: Uuid,
    pub task_title: String,
    pub project_name: String,
    pub client_name: String,
    /// Seconds per day, Monday first.
    pub seconds: Vec<i64>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOption {
    pub id: Uuid,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timesheet {
    pub week_start: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub today: NaiveDate,
    pub rows: Vec<TimesheetRow>,
    pub day_totals: Vec<i64>,
    pub week_total: i64,
    pub member_id: Uuid,
    pub member_name: String,
    /// Everyone whose time the viewer may see (just themselves without `time.viewAll`).
    pub members: Vec<(Uuid, String)>,
    pub entries: Vec<TimeEntryView>,
    pub tasks: Vec<TaskOption>,
    pub viewing_self: bool,
    pub can_log: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub timezone: String,
    pub business_currency: String,
}

/// The manual entry form (`entry[task_id]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualEntryForm {
    #[serde(default)]
    pub task_id: String,
    /// `YYYY-MM-DD`, in the business's time zone.
    #[serde(default)]
    pub date: String,
    /// `HH:MM`; empty means 09:00.
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub duration: String,
    /// Present (any value) when the box is ticked.
    #[serde(default)]
    pub billable: Option<String>,
    /// The form sends this so that an unticked box means "not billable"; callers that leave both
    /// out get the default, billable.
    #[serde(default)]
    pub billable_field: Option<String>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub rate_amount: String,
    #[serde(default)]
    pub rate_currency: String,
}

impl ManualEntryForm {
    pub fn is_billable(&self) -> bool {
        match (&self.billable, &self.billable_field) {
            (Some(value), _) => !matches!(value.trim(), "false" | "0" | "off" | "no"),
            (None, Some(_)) => false,
            (None, None) => true,
        }
    }
}

pub fn note(input: &str) -> Result<String, String> {
    let note = input.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        Err(format!("Keep notes to {NOTE_MAX_CHARS} characters or fewer."))
    } else {
        Ok(note.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{CurrencyCode, RateUnit};
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32, ms: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, s).single().expect("valid") + Duration::milliseconds(i64::from(ms))
    }

    #[test]
    fn stopped_timers_round_half_up_to_whole_seconds_and_last_at_least_one() {
        let start = at(9, 0, 0, 0);
        assert_eq!(timer_duration(start, at(9, 0, 0, 0)), 1, "zero becomes one second");
        assert_eq!(timer_duration(start, at(9, 0, 0, 499)), 1);
        assert_eq!(timer_duration(start, at(9, 0, 1, 499)), 1);
        assert_eq!(timer_duration(start, at(9, 0, 1, 500)), 2, "half a second rounds up");
        assert_eq!(timer_duration(start, at(10, 10, 0, 0)), 4200);
    }

    #[test]
    fn durations_are_typed_the_way_people_write_them() {
        for (input, seconds) in [
            ("1:30", 5400),
            ("0:45", 2700),
            ("1:30:15", 5415),
            ("1h 30m", 5400),
            ("1h30m", 5400),
            ("90m", 5400),
            ("90 min", 5400),
            ("1.5h", 5400),
            ("1,5h", 5400),
            ("2", 7200),
            ("0.25", 900),
            ("45s", 45),
            ("2h 15m 30s", 8130),
            (" 7:59 ", 28_740),
        ] {
            assert_eq!(parse_duration(input), Ok(seconds), "{input:?}");
        }
    }

    #[test]
    fn durations_outside_one_second_to_seven_days_or_unreadable_are_refused() {
        assert_eq!(parse_duration("0:00").unwrap_err(), "A time entry must be at least 1 second long.");
        assert_eq!(parse_duration("169h").unwrap_err(), "A time entry can be at most 7 days long.");
        assert!(parse_duration("168h").is_ok());
        for bad in ["", "abc", "1:75", "1h 30", "1x", "-1h", "1:2:3:4"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timer_and_timesheet_formats() {
        assert_eq!(format_hms(3_723), "01:02:03");
        assert_eq!(format_hms(100 * 3600), "100:00:00");
        assert_eq!(format_hm(5_459), "1:30");
        assert_eq!(format_hm(0), "0:00");
    }

    #[test]
    fn weeks_start_on_monday_even_across_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(week_start(d(2026, 11, 25)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 23)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 29)), d(2026, 11, 23), "Sunday belongs to the week before it");
        assert_eq!(week_start(d(2027, 1, 1)), d(2026, 12, 28));
        assert_eq!(week_start(d(2026, 1, 1)), d(2025, 12, 29));
    }

    fn eur(minor: i64, unit: RateUnit) -> Rate {
        Rate { amount: Money::new(minor, CurrencyCode::parse("EUR").expect("EUR")), unit }
    }

    #[test]
    fn rate_resolution_takes_the_first_rate_that_is_set() {
        let gbp = Money::new(9000, CurrencyCode::parse("GBP").expect("GBP"));
        let full = RateInputs {
            manual: Some(gbp),
            member: Some(eur(8000, RateUnit::Hour)),
            project: Some(eur(7000, RateUnit::Hour)),
            client: Some(eur(6000, RateUnit::Hour)),
            member_cost: Some(eur(4000, RateUnit::Hour)),
            hours_per_day: 8,
        };
        let source = |inputs: &RateInputs| resolve_rate(inputs).rate.map(|(m, s)| (m.minor, m.currency.to_string(), s));
        assert_eq!(source(&full), Some((9000, "GBP".into(), RateSource::Manual)));
        let no_manual = RateInputs { manual: None, ..full };
        assert_eq!(source(&no_manual), Some((8000, "EUR".into(), RateSource::Member)));
        let no_member = RateInputs { member: None, ..no_manual };
        assert_eq!(source(&no_member), Some((7000, "EUR".into(), RateSource::Project)));
        let no_project = RateInputs { project: None, ..no_member };
        assert_eq!(source(&no_project), Some((6000, "EUR".into(), RateSource::Client)));
        let nothing = RateInputs { client: None, ..no_project };
        assert_eq!(source(&nothing), None, "unpriced");
    }

    #[test]
    fn day_rates_become_hourly_through_hours_per_day_half_up() {
        let inputs = RateInputs { client: Some(eur(80_000, RateUnit::Day)), hours_per_day: 8, ..RateInputs::default() };
        assert_eq!(resolve_rate(&inputs).rate.map(|(m, _)| m.minor), Some(10_000));
        let odd = RateInputs { client: Some(eur(10_004, RateUnit::Day)), hours_per_day: 8, ..RateInputs::default() };
        assert_eq!(resolve_rate(&odd).rate.map(|(m, _)| m.minor), Some(1251), "1250.5 rounds up");
        let seven = RateInputs { member: Some(eur(70_000, RateUnit::Day)), hours_per_day: 7, ..RateInputs::default() };
        assert_eq!(resolve_rate(&seven).rate.map(|(m, _)| m.minor), Some(10_000));
    }

    #[test]
    fn the_cost_comes_from_the_member_even_when_the_bill_rate_is_overridden() {
        let inputs = RateInputs {
            manual: Some(Money::new(1, CurrencyCode::parse("EUR").expect("EUR"))),
            member_cost: Some(eur(32_000, RateUnit::Day)),
            hours_per_day: 8,
            ..RateInputs::default()
        };
        let frozen = resolve_rate(&inputs);
        assert_eq!(frozen.rate.map(|(m, s)| (m.minor, s)), Some((1, RateSource::Manual)));
        assert_eq!(frozen.cost.map(|c| c.minor), Some(4000));
    }

    #[test]
    fn unticked_billable_boxes_mean_not_billable_but_the_default_is_billable() {
        let form = |billable: Option<&str>, field: Option<&str>| ManualEntryForm {
            billable: billable.map(str::to_owned),
            billable_field: field.map(str::to_owned),
            ..ManualEntryForm::default()
        };
        assert!(form(Some("on"), Some("1")).is_billable());
        assert!(!form(None, Some("1")).is_billable());
        assert!(form(None, None).is_billable());
        assert!(!form(Some("false"), None).is_billable());
    }
}
