//! Time added by hand: the form as posted, its validation (shared by the browser and the server),
//! and notes.

use super::parse_duration;
use crate::ids::TaskId;
use crate::money::{parse_optional, Money};
use crate::validation::FieldErrors;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

pub const NOTE_MAX_CHARS: usize = 1000;

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

/// A manual entry, validated: what the form said, in domain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualEntry {
    pub task: TaskId,
    /// Local date and start time in the business's time zone.
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub duration_seconds: i64,
    pub billable: bool,
    pub note: String,
    /// An hourly rate typed on the entry, overriding the resolved one.
    pub rate: Option<Money>,
}

impl ManualEntryForm {
    pub fn validate(&self) -> Result<ManualEntry, FieldErrors> {
        let mut errors = FieldErrors::new();
        let task = errors.check("task_id", self.task_id.parse::<TaskId>().map_err(|_| "Choose a task.".to_owned()));
        let date = errors.check("date", crate::validation::date(&self.date));
        let start = match self.start_time.trim() {
            "" => Some(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)),
            text => errors.check(
                "start_time",
                NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| "Enter a time like 09:30.".to_owned()),
            ),
        };
        let duration = errors.check("duration", parse_duration(&self.duration));
        let note = errors.check("note", note(&self.note));
        let rate =
            errors.check_money("rate", parse_optional(&self.rate_amount, &self.rate_currency, "the rate")).flatten();
        match (task, date, start, duration, note) {
            (Some(task), Some(date), Some(start), Some(duration_seconds), Some(note)) if errors.is_empty() => {
                Ok(ManualEntry { task, date, start, duration_seconds, billable: self.is_billable(), note, rate })
            }
            _ => Err(errors),
        }
    }
}

/// The "when did you stop?" field of a forgotten timer: `YYYY-MM-DDTHH:MM`, local.
pub fn parse_local_datetime(input: &str) -> Result<NaiveDateTime, FieldErrors> {
    NaiveDateTime::parse_from_str(input.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .filter(|at| crate::validation::in_date_range(at.date()))
        .ok_or_else(|| FieldErrors::one("ended_at", "Enter a date and time, like 2026-11-25T17:30."))
}

pub fn note(input: &str) -> Result<String, String> {
    let note = crate::validation::multi_line(input)?;
    if note.chars().count() > NOTE_MAX_CHARS {
        Err(format!("Keep notes to {NOTE_MAX_CHARS} characters or fewer."))
    } else {
        Ok(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_manual_entry_form_validates_every_field_at_once() {
        let form = ManualEntryForm {
            task_id: "nope".into(),
            date: "25/11/2026".into(),
            duration: "".into(),
            ..Default::default()
        };
        let errors = form.validate().unwrap_err();
        for field in ["task_id", "date", "duration"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let form = ManualEntryForm {
            task_id: uuid::Uuid::from_u128(7).to_string(),
            date: "2026-11-25".into(),
            duration: "1h 30m".into(),
            billable_field: Some("1".into()),
            ..Default::default()
        };
        let entry = form.validate().expect("valid");
        assert_eq!((entry.duration_seconds, entry.billable), (5400, false), "an unticked box is not billable");
        assert_eq!(entry.start, NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"));
    }
}
