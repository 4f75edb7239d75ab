//! The schedule form, validated the same way in the browser and on the server.

use super::{
    Cadence, Frequency, Schedule, LINE_DESCRIPTION_MAX_CHARS, MAX_INTERVAL, MAX_LINES, MAX_NET_TERMS_DAYS,
    MAX_OCCURRENCES, NAME_MAX_CHARS, NOTES_MAX_CHARS,
};
use crate::ids::{ClientId, ProjectId};
use crate::invoices::TaxTreatment;
use crate::money::{format_plain, parse_amount, CurrencyCode};
use crate::validation::{self, FieldErrors};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

/// One line row: both fields empty means an unused row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineForm {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount: String,
}

/// Posted as `form[name]`, …, `form[lines][0][description]`, `form[lines][0][amount]`, …
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub tax_treatment: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub interval: String,
    /// Empty: the start date's day.
    #[serde(default)]
    pub anchor_day: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub occurrence_limit: String,
    #[serde(default)]
    pub net_terms_days: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    #[serde(default)]
    pub auto_issue: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub lines: Vec<LineForm>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleInput {
    pub name: String,
    pub client_id: ClientId,
    pub project_id: Option<ProjectId>,
    pub currency: CurrencyCode,
    pub tax_treatment: TaxTreatment,
    pub cadence: Cadence,
    pub net_terms_days: i32,
    pub auto_issue: bool,
    pub notes: String,
    /// (description, amount in minor units), in order.
    pub lines: Vec<(String, i64)>,
}

/// The error key of a line's field: `lines.2.amount` (0-based, as posted).
pub fn line_key(index: usize, field: &str) -> String {
    format!("lines.{index}.{field}")
}

fn whole_number(errors: &mut FieldErrors, field: &str, input: &str, range: (i64, i64), what: &str) -> Option<i64> {
    let (low, high) = range;
    match input.trim().parse::<i64>() {
        Ok(n) if (low..=high).contains(&n) => Some(n),
        _ => {
            errors.add(field, format!("Enter {what} from {low} to {high}."));
            None
        }
    }
}

impl ScheduleForm {
    pub fn validate(&self) -> Result<ScheduleInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", validation::required_name_max(&self.name, "a name", NAME_MAX_CHARS));
        let client_id = match self.client_id.trim().parse::<ClientId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("client_id", "Choose a client.");
                None
            }
        };
        let project_id = match self.project_id.trim() {
            "" => None,
            text => {
                let id = text.parse::<ProjectId>().ok();
                if id.is_none() {
                    errors.add("project_id", "Choose one of your projects, or none.");
                }
                id
            }
        };
        let currency = errors.check("currency", CurrencyCode::parse(&self.currency));
        let tax_treatment = TaxTreatment::parse(self.tax_treatment.trim());
        if tax_treatment.is_none() {
            errors.add("tax_treatment", "Choose a VAT treatment.");
        }
        let frequency = Frequency::parse(self.frequency.trim());
        if frequency.is_none() {
            errors.add("frequency", "Choose how often to invoice.");
        }
        let interval = match self.interval.trim() {
            "" => Some(1),
            text => whole_number(&mut errors, "interval", text, (1, i64::from(MAX_INTERVAL)), "a number"),
        };
        let start = errors.check("start_date", validation::date(&self.start_date));
        let anchor_day = match self.anchor_day.trim() {
            "" => start.map(|s| i64::from(s.day())),
            text => whole_number(&mut errors, "anchor_day", text, (1, 31), "a day"),
        };
        let end = match self.end_date.trim() {
            "" => None,
            text => errors.check("end_date", validation::date(text)),
        };
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                errors.add("end_date", "The end date can't be before the start date.");
            }
        }
        let limit = match self.occurrence_limit.trim() {
            "" => None,
            text => whole_number(&mut errors, "occurrence_limit", text, (1, i64::from(MAX_OCCURRENCES)), "a number"),
        };
        let net_terms_days = match self.net_terms_days.trim() {
            "" => Some(0),
            text => whole_number(
                &mut errors,
                "net_terms_days",
                text,
                (0, i64::from(MAX_NET_TERMS_DAYS)),
                "a number of days",
            ),
        };
        let auto_issue = self.auto_issue.as_deref().is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let notes = errors.check("notes", validation::multi_line(&self.notes)).unwrap_or_default();
        if notes.chars().count() > NOTES_MAX_CHARS {
            errors.add("notes", format!("Keep the notes to {NOTES_MAX_CHARS} characters or fewer."));
        }
        let lines = self.lines(currency, &mut errors);
        let (
            Some(name),
            Some(client_id),
            Some(currency),
            Some(tax_treatment),
            Some(frequency),
            Some(interval),
            Some(start),
            Some(anchor_day),
            Some(net_terms_days),
        ) = (name, client_id, currency, tax_treatment, frequency, interval, start, anchor_day, net_terms_days)
        else {
            return Err(errors);
        };
        errors.into_result()?;
        // The ranges were checked above, so the conversions cannot fail.
        let cadence = Cadence {
            frequency,
            interval: interval as u32,
            anchor_day: anchor_day as u32,
            start,
            end,
            limit: limit.map(|l| l as u32),
        };
        if cadence.occurrence(0).is_none() {
            return Err(FieldErrors::one("end_date", "This schedule ends before its first invoice."));
        }
        Ok(ScheduleInput {
            name,
            client_id,
            project_id,
            currency,
            tax_treatment,
            cadence,
            net_terms_days: net_terms_days as i32,
            auto_issue,
            notes,
            lines,
        })
    }

    /// The filled rows, checked; errors are keyed by row (see [`line_key`]).
    fn lines(&self, currency: Option<CurrencyCode>, errors: &mut FieldErrors) -> Vec<(String, i64)> {
        let mut lines = Vec::new();
        for (index, row) in self.lines.iter().enumerate() {
            if row.description.trim().is_empty() && row.amount.trim().is_empty() {
                continue;
            }
            let description = errors.check(
                &line_key(index, "description"),
                validation::required_name_max(&row.description, "a description", LINE_DESCRIPTION_MAX_CHARS),
            );
            let amount = currency.and_then(|code| {
                let minor =
                    errors.check(&line_key(index, "amount"), parse_amount(&row.amount, code.info().minor_units))?;
                if minor > crate::money::MAX_MINOR {
                    errors.add(&line_key(index, "amount"), "This amount is too large.");
                    return None;
                }
                Some(minor)
            });
            if let (Some(description), Some(amount)) = (description, amount) {
                lines.push((description, amount));
            }
        }
        let filled =
            self.lines.iter().filter(|r| !(r.description.trim().is_empty() && r.amount.trim().is_empty())).count();
        if filled == 0 {
            errors.add("lines", "Add at least one line: what each invoice charges.");
        } else if filled > MAX_LINES {
            errors.add("lines", format!("A schedule has at most {MAX_LINES} lines."));
        }
        let total = lines.iter().try_fold(0i64, |sum, (_, minor)| sum.checked_add(*minor));
        if total.is_none_or(|t| t > crate::money::MAX_MINOR) {
            errors.add("lines", "These lines add up to more than an invoice can hold.");
        }
        lines
    }
}

impl From<&Schedule> for ScheduleForm {
    /// The form as the schedule stands: what the edit page shows.
    fn from(s: &Schedule) -> Self {
        let digits = s.currency.info().minor_units;
        ScheduleForm {
            name: s.name.clone(),
            client_id: s.client_id.to_string(),
            project_id: s.project_id.map(|p| p.to_string()).unwrap_or_default(),
            currency: s.currency.to_string(),
            tax_treatment: s.tax_treatment.as_str().to_owned(),
            frequency: s.cadence.frequency.as_str().to_owned(),
            interval: s.cadence.interval.to_string(),
            anchor_day: s.cadence.anchor_day.to_string(),
            start_date: s.cadence.start.to_string(),
            end_date: s.cadence.end.map(|d| d.to_string()).unwrap_or_default(),
            occurrence_limit: s.cadence.limit.map(|l| l.to_string()).unwrap_or_default(),
            net_terms_days: s.net_terms_days.to_string(),
            auto_issue: s.auto_issue.then(|| "on".to_owned()),
            notes: s.notes.clone(),
            lines: s
                .lines
                .iter()
                .map(|l| LineForm { description: l.description.clone(), amount: format_plain(l.amount_minor, digits) })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn form() -> ScheduleForm {
        ScheduleForm {
            name: "Monthly retainer".into(),
            client_id: Uuid::now_v7().to_string(),
            currency: "EUR".into(),
            tax_treatment: "zero_rated".into(),
            frequency: "monthly".into(),
            start_date: "2026-01-31".into(),
            lines: vec![
                LineForm { description: "Retainer".into(), amount: "1500.00".into() },
                LineForm::default(),
                LineForm { description: "Hosting".into(), amount: "20".into() },
            ],
            ..ScheduleForm::default()
        }
    }

    #[test]
    fn a_schedule_defaults_to_monthly_on_its_start_day_with_no_end() {
        let input = form().validate().expect("valid");
        assert_eq!(input.cadence.anchor_day, 31);
        assert_eq!(input.cadence.interval, 1);
        assert_eq!(input.cadence.start, NaiveDate::from_ymd_opt(2026, 1, 31).expect("date"));
        assert_eq!((input.cadence.end, input.cadence.limit), (None, None));
        assert_eq!(input.net_terms_days, 0);
        assert!(!input.auto_issue);
        assert_eq!(
            input.lines,
            vec![("Retainer".to_owned(), 150_000), ("Hosting".to_owned(), 2000)],
            "blank rows skipped"
        );
    }

    #[test]
    fn every_field_says_what_is_wrong_with_it() {
        let errors = ScheduleForm::default().validate().unwrap_err();
        for field in ["name", "client_id", "currency", "tax_treatment", "frequency", "start_date", "lines"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let errors = ScheduleForm {
            interval: "53".into(),
            anchor_day: "32".into(),
            occurrence_limit: "1001".into(),
            net_terms_days: "366".into(),
            end_date: "2026-01-30".into(),
            lines: vec![LineForm { description: "".into(), amount: "12.345".into() }],
            ..form()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.get("interval"), Some("Enter a number from 1 to 52."));
        assert_eq!(errors.get("anchor_day"), Some("Enter a day from 1 to 31."));
        assert_eq!(errors.get("occurrence_limit"), Some("Enter a number from 1 to 1000."));
        assert_eq!(errors.get("net_terms_days"), Some("Enter a number of days from 0 to 365."));
        assert_eq!(errors.get("end_date"), Some("The end date can't be before the start date."));
        assert_eq!(errors.get("lines.0.description"), Some("Enter a description."));
        assert_eq!(errors.get("lines.0.amount"), Some("Use at most 2 decimals."));
    }

    #[test]
    fn at_most_fifty_lines_and_a_schedule_that_can_run() {
        let many = ScheduleForm {
            lines: (0..51).map(|n| LineForm { description: format!("Line {n}"), amount: "1".into() }).collect(),
            ..form()
        };
        assert_eq!(many.validate().unwrap_err().get("lines"), Some("A schedule has at most 50 lines."));
        // Monthly on the 31st from 1 Feb, ending 27 Feb: the first run (28 Feb) is past the end.
        let never = ScheduleForm {
            start_date: "2026-02-01".into(),
            anchor_day: "31".into(),
            end_date: "2026-02-27".into(),
            ..form()
        };
        assert_eq!(never.validate().unwrap_err().get("end_date"), Some("This schedule ends before its first invoice."));
    }

    #[test]
    fn the_edit_form_round_trips_a_schedule() {
        let input = ScheduleForm { auto_issue: Some("on".into()), occurrence_limit: "12".into(), ..form() }
            .validate()
            .expect("valid");
        let schedule = Schedule {
            id: crate::ids::ScheduleId(Uuid::now_v7()),
            name: input.name.clone(),
            client_id: input.client_id,
            client_name: "Acme".into(),
            project_id: None,
            project_name: None,
            currency: input.currency,
            tax_treatment: input.tax_treatment,
            cadence: input.cadence,
            net_terms_days: input.net_terms_days,
            auto_issue: input.auto_issue,
            status: super::super::ScheduleStatus::Active,
            notes: String::new(),
            generated_count: 0,
            cadence_offset: 0,
            next_run_on: None,
            last_run_at: None,
            last_error: None,
            lines: input
                .lines
                .iter()
                .map(|(d, a)| super::super::ScheduleLine { description: d.clone(), amount_minor: *a })
                .collect(),
        };
        assert_eq!(ScheduleForm::from(&schedule).validate().expect("valid"), input);
    }
}
