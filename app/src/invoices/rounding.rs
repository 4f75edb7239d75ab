//! Billing rounding (issue 19): how tracked time is rounded when it becomes invoice lines. The
//! tracked entries are never changed; only the hours billed on a line are. A rule rounds each
//! entry, or each line's total, up, down or to the nearest step of 1, 6, 15 or 30 minutes, after
//! raising every entry to a minimum. The rule in force is copied onto an invoice when its lines
//! are first generated, so changing the setting never changes an invoice already started.
//!
//! Stored as one checked text column: `none`, or `entry:up:15:0` (scope, direction, step and
//! minimum in minutes).

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// What is rounded: every entry on its own, or each line's total.
    pub enum Scope {
        Entry = "entry",
        Line = "line",
    }
}

crate::text_enum! {
    pub enum Direction {
        Up = "up",
        Down = "down",
        /// Half a step or more goes up.
        Nearest = "nearest",
    }
}

/// The steps offered, in minutes (a tenth of an hour among them).
pub const STEPS: [u32; 4] = [1, 6, 15, 30];
/// The largest minimum per entry, in minutes (a working day).
pub const MAX_MINIMUM_MINUTES: u32 = 480;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingRule {
    pub scope: Scope,
    pub direction: Direction,
    pub step_minutes: u32,
    pub minimum_minutes: u32,
}

impl RoundingRule {
    /// The stored form: `None` for `none`, `None` too for anything unreadable (the column's check
    /// constraint keeps that from happening).
    pub fn decode(text: &str) -> Option<RoundingRule> {
        let mut parts = text.split(':');
        let rule = RoundingRule {
            scope: Scope::parse(parts.next()?)?,
            direction: Direction::parse(parts.next()?)?,
            step_minutes: parts.next()?.parse().ok().filter(|s| STEPS.contains(s))?,
            minimum_minutes: parts.next()?.parse().ok().filter(|m| *m <= MAX_MINIMUM_MINUTES)?,
        };
        parts.next().is_none().then_some(rule)
    }

    pub fn encode(rule: Option<&RoundingRule>) -> String {
        match rule {
            None => "none".to_owned(),
            Some(r) => format!("{}:{}:{}:{}", r.scope, r.direction, r.step_minutes, r.minimum_minutes),
        }
    }

    /// "Each entry rounded up to 15 minutes, at least 30 minutes".
    pub fn describe(rule: Option<&RoundingRule>) -> String {
        let Some(r) = rule else { return "Time is billed as tracked".to_owned() };
        let what = match r.scope {
            Scope::Entry => "Each entry",
            Scope::Line => "Each line's time",
        };
        let how = match r.direction {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Nearest => "to the nearest",
        };
        let step = minutes_label(r.step_minutes);
        let mut text = if r.step_minutes == 1 && r.direction != Direction::Nearest {
            format!("{what} rounded {how} to the minute")
        } else if r.direction == Direction::Nearest {
            format!("{what} rounded {how} {step}")
        } else {
            format!("{what} rounded {how} to {step}")
        };
        if r.minimum_minutes > 0 {
            text.push_str(&format!(", at least {} per entry", minutes_label(r.minimum_minutes)));
        }
        text
    }

    /// The seconds an entry of `raw` tracked seconds counts for: raised to the minimum, then, when
    /// entries are rounded, rounded.
    pub fn entry_seconds(&self, raw: i64) -> i64 {
        let at_least = raw.max(i64::from(self.minimum_minutes) * 60);
        match self.scope {
            Scope::Entry => round_to_step(at_least, self.step_seconds(), self.direction),
            Scope::Line => at_least,
        }
    }

    /// The seconds a line bills for the sum of its entries' [`entry_seconds`](Self::entry_seconds).
    pub fn line_seconds(&self, entries_total: i64) -> i64 {
        match self.scope {
            Scope::Entry => entries_total,
            Scope::Line => round_to_step(entries_total, self.step_seconds(), self.direction),
        }
    }

    fn step_seconds(&self) -> i64 {
        i64::from(self.step_minutes) * 60
    }
}

/// `seconds` rounded to a multiple of `step` (both non-negative; `step` > 0).
pub fn round_to_step(seconds: i64, step: i64, direction: Direction) -> i64 {
    let seconds = seconds.max(0);
    let below = seconds / step * step;
    match direction {
        Direction::Down => below,
        Direction::Up if below == seconds => below,
        Direction::Up => below + step,
        Direction::Nearest if (seconds - below) * 2 >= step => below + step,
        Direction::Nearest => below,
    }
}

/// `1 minute`, `15 minutes`, `1 h`.
pub fn minutes_label(minutes: u32) -> String {
    match minutes {
        1 => "1 minute".to_owned(),
        m if m % 60 == 0 && m >= 60 => format!("{} h", m / 60),
        m => format!("{m} minutes"),
    }
}

/// The rounding form of the Invoices settings card (`form[scope]` is `none`, `entry` or `line`).
/// A client's own rule, which may be to bill as tracked (`ClientRounding(None)`), as opposed to
/// following the business's (no `ClientRounding` at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRounding(pub Option<RoundingRule>);

impl ClientRounding {
    pub fn decode(text: &str) -> ClientRounding {
        ClientRounding(RoundingRule::decode(text))
    }
}

/// The client form's "Rounding" value that follows the business's rule.
pub const FOLLOW_BUSINESS: &str = "business";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingForm {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub minimum: String,
}

impl RoundingForm {
    pub fn of(rule: Option<&RoundingRule>) -> RoundingForm {
        match rule {
            None => RoundingForm {
                scope: "none".into(),
                direction: Direction::Up.to_string(),
                step: "15".into(),
                minimum: "0".into(),
            },
            Some(r) => RoundingForm {
                scope: r.scope.to_string(),
                direction: r.direction.to_string(),
                step: r.step_minutes.to_string(),
                minimum: r.minimum_minutes.to_string(),
            },
        }
    }

    /// A client's form: the business's rule is the first choice.
    pub fn of_client(rule: Option<&ClientRounding>) -> RoundingForm {
        match rule {
            None => RoundingForm { scope: FOLLOW_BUSINESS.into(), ..RoundingForm::of(None) },
            Some(own) => RoundingForm::of(own.0.as_ref()),
        }
    }

    /// `Ok(None)` when the client follows the business's rule.
    pub fn validate_for_client(&self) -> Result<Option<ClientRounding>, FieldErrors> {
        if self.scope.trim() == FOLLOW_BUSINESS {
            Ok(None)
        } else {
            self.validate().map(|rule| Some(ClientRounding(rule)))
        }
    }

    /// `Ok(None)` when time is billed as tracked.
    pub fn validate(&self) -> Result<Option<RoundingRule>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let scope = match self.scope.trim() {
            "none" | "" => Some(None),
            text => {
                errors.check("scope", Scope::parse(text).map(Some).ok_or_else(|| "Choose what to round.".to_owned()))
            }
        };
        let direction = errors.check(
            "direction",
            Direction::parse(&self.direction).ok_or_else(|| "Choose up, down or nearest.".to_owned()),
        );
        let step = errors.check(
            "step",
            self.step
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|s| STEPS.contains(s))
                .ok_or_else(|| "Choose a step of 1, 6, 15 or 30 minutes.".to_owned()),
        );
        let minimum = errors.check(
            "minimum",
            match self.minimum.trim() {
                "" => Ok(0),
                text => text
                    .parse::<u32>()
                    .ok()
                    .filter(|m| *m <= MAX_MINIMUM_MINUTES)
                    .ok_or_else(|| format!("Enter a minimum from 0 to {MAX_MINIMUM_MINUTES} minutes.")),
            },
        );
        match (scope, direction, step, minimum) {
            (Some(None), ..) if errors.is_empty() => Ok(None),
            (Some(Some(scope)), Some(direction), Some(step_minutes), Some(minimum_minutes)) => {
                Ok(Some(RoundingRule { scope, direction, step_minutes, minimum_minutes }))
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(scope: Scope, direction: Direction, step: u32, minimum: u32) -> RoundingRule {
        RoundingRule { scope, direction, step_minutes: step, minimum_minutes: minimum }
    }

    #[test]
    fn each_entry_rounded_by_direction_and_step() {
        use Direction::*;
        // (tracked seconds, direction, step, minimum, billed seconds)
        let cases = [
            (7 * 60, Up, 15, 0, 15 * 60),
            (7 * 60, Down, 15, 0, 0),
            (7 * 60, Nearest, 15, 0, 0),
            (7 * 60 + 30, Nearest, 15, 0, 15 * 60),
            (8 * 60, Nearest, 15, 0, 15 * 60),
            (15 * 60, Up, 15, 0, 15 * 60),
            (15 * 60 + 1, Up, 15, 0, 30 * 60),
            (61, Up, 1, 0, 120),
            (59, Down, 1, 0, 0),
            (67 * 60, Up, 6, 0, 72 * 60),
            (63 * 60, Nearest, 6, 0, 66 * 60),
            (62 * 60, Nearest, 6, 0, 60 * 60),
            (44 * 60, Down, 30, 0, 30 * 60),
            // The minimum comes first, then the rounding.
            (5 * 60, Up, 15, 10, 15 * 60),
            (5 * 60, Down, 15, 20, 15 * 60),
            (5 * 60, Up, 1, 30, 30 * 60),
            (45 * 60, Up, 15, 30, 45 * 60),
        ];
        for (raw, direction, step, minimum, billed) in cases {
            let r = rule(Scope::Entry, direction, step, minimum);
            assert_eq!(r.entry_seconds(raw), billed, "{raw} s, {direction} to {step} min, at least {minimum} min");
            assert_eq!(r.line_seconds(billed), billed, "an entry rule leaves the line's sum alone");
        }
    }

    #[test]
    fn a_line_rule_rounds_the_sum_once_after_each_entry_minimum() {
        let up = rule(Scope::Line, Direction::Up, 15, 0);
        let entries: i64 = [7 * 60, 7 * 60, 7 * 60].iter().map(|s| up.entry_seconds(*s)).sum();
        assert_eq!(up.line_seconds(entries), 30 * 60, "21 minutes up to 30");
        let per_entry = rule(Scope::Entry, Direction::Up, 15, 0);
        let billed: i64 = [7 * 60, 7 * 60, 7 * 60].iter().map(|s| per_entry.entry_seconds(*s)).sum();
        assert_eq!(billed, 45 * 60, "each entry up to 15");
        let with_minimum = rule(Scope::Line, Direction::Nearest, 30, 10);
        let entries: i64 = [2 * 60, 12 * 60].iter().map(|s| with_minimum.entry_seconds(*s)).sum();
        assert_eq!(entries, 22 * 60, "the minimum still applies per entry");
        assert_eq!(with_minimum.line_seconds(entries), 30 * 60);
    }

    #[test]
    fn the_stored_form_round_trips_and_refuses_anything_else() {
        let r = rule(Scope::Line, Direction::Nearest, 6, 30);
        assert_eq!(RoundingRule::encode(Some(&r)), "line:nearest:6:30");
        assert_eq!(RoundingRule::decode("line:nearest:6:30"), Some(r));
        assert_eq!(RoundingRule::encode(None), "none");
        for bad in
            ["none", "", "entry:up:15", "entry:up:7:0", "entry:up:15:481", "entry:sideways:15:0", "entry:up:15:0:1"]
        {
            assert_eq!(RoundingRule::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn descriptions_say_what_happens() {
        assert_eq!(RoundingRule::describe(None), "Time is billed as tracked");
        assert_eq!(
            RoundingRule::describe(Some(&rule(Scope::Entry, Direction::Up, 15, 30))),
            "Each entry rounded up to 15 minutes, at least 30 minutes per entry"
        );
        assert_eq!(
            RoundingRule::describe(Some(&rule(Scope::Line, Direction::Nearest, 6, 0))),
            "Each line's time rounded to the nearest 6 minutes"
        );
        assert_eq!(
            RoundingRule::describe(Some(&rule(Scope::Entry, Direction::Down, 1, 60))),
            "Each entry rounded down to the minute, at least 1 h per entry"
        );
    }

    #[test]
    fn the_form_names_each_bad_field_and_reads_none() {
        let none = RoundingForm { scope: "none".into(), direction: "junk".into(), ..RoundingForm::default() };
        assert!(none.validate().is_err(), "the other fields must still be readable");
        assert_eq!(RoundingForm::of(None).validate(), Ok(None));
        let r = rule(Scope::Entry, Direction::Down, 30, 15);
        assert_eq!(RoundingForm::of(Some(&r)).validate(), Ok(Some(r)));
        let bad =
            RoundingForm { scope: "entry".into(), direction: "up".into(), step: "7".into(), minimum: "999".into() };
        let errors = bad.validate().expect_err("invalid");
        assert!(errors.get("step").is_some() && errors.get("minimum").is_some(), "{errors:?}");
    }

    #[test]
    fn a_client_follows_the_business_or_keeps_its_own_rule() {
        let follow = RoundingForm::of_client(None);
        assert_eq!(follow.scope, FOLLOW_BUSINESS);
        assert_eq!(follow.validate_for_client(), Ok(None));
        let as_tracked = RoundingForm { scope: "none".into(), ..follow.clone() };
        assert_eq!(as_tracked.validate_for_client(), Ok(Some(ClientRounding(None))), "its own rule: no rounding");
        let own =
            RoundingForm { scope: "line".into(), direction: "nearest".into(), step: "6".into(), minimum: "0".into() };
        let rule =
            RoundingRule { scope: Scope::Line, direction: Direction::Nearest, step_minutes: 6, minimum_minutes: 0 };
        assert_eq!(own.validate_for_client(), Ok(Some(ClientRounding(Some(rule)))));
        assert_eq!(ClientRounding::decode(&RoundingRule::encode(Some(&rule))), ClientRounding(Some(rule)));
        assert_eq!(RoundingForm::of_client(Some(&ClientRounding(Some(rule)))), own);
        let junk = RoundingForm { scope: "weekly".into(), ..follow };
        assert!(junk.validate_for_client().is_err());
    }
}
