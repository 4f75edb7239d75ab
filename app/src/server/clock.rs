//! What "now" is. Rules that depend on today (the timesheet's week, a timer's start, "that time
//! hasn't happened yet") read it from the request's context, never from the system clock directly,
//! so tests can run them on any weekday, including the days around a DST change.

use chrono::{DateTime, Duration, Utc};
use http::request::Parts;

/// The request header that shifts the clock when the server runs with `CLERQ_TEST_CLOCK` (the
/// browser suite only): a whole number of seconds added to the system clock.
pub const OFFSET_HEADER: &str = "x-clerq-clock-offset";

/// At most ten years either way: enough for any test date, and no overflow in chrono arithmetic.
const MAX_OFFSET_SECONDS: i64 = 10 * 366 * 24 * 3600;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    /// The system clock moved by a fixed amount: time still flows, so timers tick.
    Shifted(Duration),
    /// One instant, for data-rule tests.
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Shifted(offset) => Utc::now() + *offset,
            Clock::Fixed(at) => *at,
        }
    }

    /// The clock a request runs on: this one, or (when the operator allowed it for tests) shifted
    /// by the request's [`OFFSET_HEADER`]. A malformed or out-of-range header is ignored.
    pub fn for_request(self, parts: &Parts, allow_header: bool) -> Clock {
        if !allow_header {
            return self;
        }
        let offset = parts
            .headers
            .get(OFFSET_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|s| s.abs() <= MAX_OFFSET_SECONDS);
        match offset {
            Some(seconds) => Clock::Shifted(Duration::seconds(seconds)),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(header: Option<&str>) -> Parts {
        let mut builder = http::Request::builder();
        if let Some(value) = header {
            builder = builder.header(OFFSET_HEADER, value);
        }
        builder.body(()).expect("request").into_parts().0
    }

    #[test]
    fn the_offset_header_counts_only_when_the_operator_allows_it() {
        let day = parts(Some("86400"));
        assert_eq!(Clock::System.for_request(&day, false), Clock::System);
        assert_eq!(Clock::System.for_request(&day, true), Clock::Shifted(Duration::days(1)));
    }

    #[test]
    fn malformed_or_huge_offsets_leave_the_clock_alone() {
        for value in ["", "tomorrow", "1.5", "99999999999999999999", &(MAX_OFFSET_SECONDS + 1).to_string()] {
            assert_eq!(Clock::System.for_request(&parts(Some(value)), true), Clock::System, "{value:?}");
        }
        assert_eq!(Clock::System.for_request(&parts(None), true), Clock::System);
    }

    #[test]
    fn a_shifted_clock_keeps_flowing_and_a_fixed_one_does_not() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z").expect("instant").with_timezone(&Utc);
        assert_eq!(Clock::Fixed(at).now(), at);
        let shifted = Clock::Shifted(Duration::days(-2)).now() - Utc::now();
        assert!((shifted + Duration::days(2)).num_seconds().abs() <= 1, "{shifted}");
    }
}
