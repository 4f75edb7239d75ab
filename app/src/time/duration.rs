//! Durations as people type and read them, and how long a stopped timer ran.

use crate::money::div_round_half_up;
use chrono::{DateTime, Utc};

/// The longest single entry: 7 days.
pub const MAX_DURATION_SECONDS: i64 = 7 * 24 * 3600;

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

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
}
