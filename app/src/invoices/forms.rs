//! What invoice forms post, and the validation both the browser and the server run on it.

use super::{Grouping, TaxTreatment};
use crate::billing::Decimal;
use crate::ids::{ClientId, ProjectId};
use crate::money::{parse_amount, CurrencyCode, MAX_MINOR};
use crate::validation::{self, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const NOTES_MAX_CHARS: usize = 2000;
pub const VOID_REASON_MAX_CHARS: usize = 500;
pub const LINE_DESCRIPTION_MAX_CHARS: usize = 500;

fn optional_date(errors: &mut FieldErrors, field: &str, input: &str) -> Option<NaiveDate> {
    match input.trim() {
        "" => None,
        text => errors.check(field, validation::date(text)),
    }
}

fn optional_id<T: std::str::FromStr>(errors: &mut FieldErrors, field: &str, input: &str, message: &str) -> Option<T> {
    match input.trim() {
        "" => None,
        text => errors.check(field, text.parse::<T>().map_err(|_| message.to_owned())),
    }
}

/// The draft's details: `/invoices/new` and the details form of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub issue_date: String,
    #[serde(default)]
    pub due_date: String,
    #[serde(default)]
    pub tax_treatment: String,
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub period_end: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInput {
    pub client_id: ClientId,
    pub project_id: Option<ProjectId>,
    pub currency: CurrencyCode,
    /// Empty: today, in the business's time zone.
    pub issue_date: Option<NaiveDate>,
    /// Empty: the issue date plus the business's payment terms.
    pub due_date: Option<NaiveDate>,
    pub tax_treatment: TaxTreatment,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl DraftForm {
    pub fn validate(&self) -> Result<DraftInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let client_id = self.client_id.trim().parse::<ClientId>().ok();
        if client_id.is_none() {
            errors.add("client_id", "Choose a client.");
        }
        let project_id = optional_id(&mut errors, "project_id", &self.project_id, "Choose one of the projects.");
        let currency = errors.check("currency", CurrencyCode::parse(&self.currency));
        let issue_date = optional_date(&mut errors, "issue_date", &self.issue_date);
        let due_date = optional_date(&mut errors, "due_date", &self.due_date);
        if let (Some(issue), Some(due)) = (issue_date, due_date) {
            if due < issue {
                errors.add("due_date", "The due date can't be before the issue date.");
            }
        }
        let tax_treatment = errors.check(
            "tax_treatment",
            TaxTreatment::parse(&self.tax_treatment).ok_or_else(|| "Choose a VAT treatment.".to_owned()),
        );
        let start = optional_date(&mut errors, "period_start", &self.period_start);
        let end = optional_date(&mut errors, "period_end", &self.period_end);
        let period = match (self.period_start.trim().is_empty(), self.period_end.trim().is_empty()) {
            (true, true) => None,
            (false, true) => {
                errors.add("period_end", "Enter both ends of the billing period, or neither.");
                None
            }
            (true, false) => {
                errors.add("period_start", "Enter both ends of the billing period, or neither.");
                None
            }
            (false, false) => match (start, end) {
                (Some(s), Some(e)) if e < s => {
                    errors.add("period_end", "The period can't end before it starts.");
                    None
                }
                (Some(s), Some(e)) => Some((s, e)),
                _ => None,
            },
        };
        let (Some(client_id), Some(currency), Some(tax_treatment)) = (client_id, currency, tax_treatment) else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(DraftInput { client_id, project_id, currency, issue_date, due_date, tax_treatment, period })
    }
}

/// A fixed line: description and amount in the invoice's currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineForm {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub description: String,
    pub amount_minor: i64,
}

pub fn line_description(input: &str) -> Result<String, String> {
    validation::required_name_max(input, "a description", LINE_DESCRIPTION_MAX_CHARS)
}

impl LineForm {
    /// `digits`: the invoice currency's minor-unit digits (an amount with more decimals is refused).
    pub fn validate(&self, digits: u8) -> Result<LineInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let description = errors.check("description", line_description(&self.description));
        let amount = errors.check(
            "amount",
            parse_amount(&self.amount, digits).and_then(|minor| {
                if minor > MAX_MINOR {
                    Err("This amount is too large.".to_owned())
                } else {
                    Ok(minor)
                }
            }),
        );
        let (Some(description), Some(amount_minor)) = (description, amount) else { return Err(errors) };
        Ok(LineInput { description, amount_minor })
    }
}

/// "Generate lines from time".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateForm {
    #[serde(default)]
    pub grouping: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pub include_task_list: String,
    /// A manual rate for one source currency (the ECB's is used otherwise).
    #[serde(default)]
    pub fx_currency: String,
    #[serde(default)]
    pub fx_rate: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateInput {
    pub grouping: Grouping,
    pub project_id: Option<ProjectId>,
    /// Inclusive local dates of the entries' start.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_task_list: bool,
    /// Invoice-currency units per unit of each listed currency.
    pub manual_rates: Vec<(CurrencyCode, Decimal)>,
}

/// A manual exchange rate: a positive plain decimal.
pub fn exchange_rate(input: &str) -> Result<Decimal, String> {
    let rate = Decimal::parse(input.trim())?;
    if rate.is_zero() {
        Err("An exchange rate must be more than zero.".into())
    } else {
        Ok(rate)
    }
}

impl GenerateForm {
    pub fn validate(&self) -> Result<GenerateInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let grouping = if self.grouping.trim().is_empty() {
            Some(Grouping::PersonAndRate)
        } else {
            errors.check("grouping", Grouping::parse(&self.grouping).ok_or_else(|| "Choose a grouping.".to_owned()))
        };
        let project_id = optional_id(&mut errors, "project_id", &self.project_id, "Choose one of the projects.");
        let from = optional_date(&mut errors, "from", &self.from);
        let to = optional_date(&mut errors, "to", &self.to);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.add("to", "The range can't end before it starts.");
            }
        }
        let manual_rates = manual_rates(&mut errors, &self.fx_currency, &self.fx_rate);
        let Some(grouping) = grouping else { return Err(errors) };
        errors.into_result()?;
        Ok(GenerateInput {
            grouping,
            project_id,
            from,
            to,
            include_task_list: !self.include_task_list.trim().is_empty(),
            manual_rates,
        })
    }
}

/// The optional manual rate of a form's `fx_currency` and `fx_rate` fields: both or neither.
fn manual_rates(errors: &mut FieldErrors, currency: &str, rate: &str) -> Vec<(CurrencyCode, Decimal)> {
    match (currency.trim(), rate.trim()) {
        ("", "") => Vec::new(),
        ("", _) => {
            errors.add("fx_currency", "Choose the currency this rate converts from.");
            Vec::new()
        }
        (_, "") => {
            errors.add("fx_rate", "Enter the rate, or clear the currency.");
            Vec::new()
        }
        (currency, rate) => {
            let currency = errors.check("fx_currency", CurrencyCode::parse(currency));
            let rate = errors.check("fx_rate", exchange_rate(rate));
            currency.zip(rate).into_iter().collect()
        }
    }
}

/// "Add billable expenses": an optional manual rate for expenses in another currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddExpensesForm {
    #[serde(default)]
    pub fx_currency: String,
    #[serde(default)]
    pub fx_rate: String,
}

impl AddExpensesForm {
    pub fn validate(&self) -> Result<Vec<(CurrencyCode, Decimal)>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let rates = manual_rates(&mut errors, &self.fx_currency, &self.fx_rate);
        errors.into_result()?;
        Ok(rates)
    }
}

/// Notes: trimmed, at most 2000 characters; whitespace only clears them.
pub fn notes(input: &str) -> Result<String, String> {
    let notes = validation::multi_line(input)?;
    if notes.chars().count() > NOTES_MAX_CHARS {
        Err(format!("Keep the notes to {NOTES_MAX_CHARS} characters or fewer."))
    } else {
        Ok(notes)
    }
}

/// Why an invoice is voided: required, at most 500 characters.
pub fn void_reason(input: &str) -> Result<String, String> {
    let reason = validation::multi_line(input)?;
    if reason.is_empty() {
        Err("Say why the invoice is void.".into())
    } else if reason.chars().count() > VOID_REASON_MAX_CHARS {
        Err(format!("Keep the reason to {VOID_REASON_MAX_CHARS} characters or fewer."))
    } else {
        Ok(reason)
    }
}

/// The Invoices section of the General settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSettingsForm {
    #[serde(default)]
    pub vat_rate: String,
    #[serde(default)]
    pub vat_number: String,
    #[serde(default)]
    pub payment_terms: String,
    /// The business's country, two letters.
    #[serde(default)]
    pub country: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pub einvoicing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceSettingsInput {
    pub vat_rate: Option<Decimal>,
    pub vat_number: String,
    pub payment_terms_days: i32,
    pub country_code: Option<String>,
    /// Issued invoices' PDFs are Factur-X (PDF/A-3 with the EN 16931 XML inside).
    pub einvoicing: bool,
}

/// A VAT percentage: 0 to 100, at most four decimals (`21`, `7.7`).
pub fn vat_rate(input: &str) -> Result<Decimal, String> {
    let text = input.trim().trim_end_matches('%').trim();
    let rate = Decimal::parse(text).map_err(|_| "Enter a percentage like 21 or 7.7.".to_owned())?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let hundred = Decimal::parse("100").map_err(|e| e.to_string())?;
    if fraction.len() > 4 || whole.len() > 3 || rate.exceeds(hundred) {
        Err("Enter a percentage from 0 to 100, with at most 4 decimals.".into())
    } else {
        Ok(rate)
    }
}

impl InvoiceSettingsForm {
    pub fn validate(&self) -> Result<InvoiceSettingsInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let vat_rate = match self.vat_rate.trim() {
            "" => Some(None),
            text => errors.check("vat_rate", vat_rate(text)).map(Some),
        };
        let vat_number = errors.check(
            "vat_number",
            validation::single_line(&self.vat_number).and_then(|v| {
                if v.chars().count() > 50 {
                    Err("Keep the VAT number to 50 characters or fewer.".into())
                } else {
                    Ok(v)
                }
            }),
        );
        let terms = errors.check(
            "payment_terms",
            match self.payment_terms.trim().parse::<i32>() {
                Ok(days) if (0..=365).contains(&days) => Ok(days),
                _ => Err("Enter payment terms from 0 to 365 days.".to_owned()),
            },
        );
        let country_code = errors.check("country", crate::country::parse_optional(&self.country)).flatten();
        let einvoicing = self.einvoicing.as_deref().is_some_and(|v| !v.is_empty());
        if einvoicing {
            // Every e-invoice names the seller's country and VAT number (EN 16931 BR-09, BR-S-02).
            if country_code.is_none() && errors.get("country").is_none() {
                errors.add("country", "E-invoices need your country: enter its two-letter code.");
            }
            if vat_number.as_deref().is_some_and(|v| v.trim().is_empty()) {
                errors.add("vat_number", "E-invoices need your VAT number.");
            }
        }
        let (Some(vat_rate), Some(vat_number), Some(payment_terms_days)) = (vat_rate, vat_number, terms) else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(InvoiceSettingsInput { vat_rate, vat_number, payment_terms_days, country_code, einvoicing })
    }
}

/// "Next invoice number" for a year.
pub fn next_number(year: &str, next: &str) -> Result<(i32, i32), FieldErrors> {
    let mut errors = FieldErrors::new();
    let year = errors.check(
        "year",
        match year.trim().parse::<i32>() {
            Ok(y) if (2000..=2200).contains(&y) => Ok(y),
            _ => Err("Enter a year from 2000 to 2200.".to_owned()),
        },
    );
    let next = errors.check(
        "next_number",
        match next.trim().parse::<i32>() {
            Ok(n) if (1..=9999).contains(&n) => Ok(n),
            _ => Err("Enter a number from 1 to 9999.".to_owned()),
        },
    );
    match (year, next) {
        (Some(year), Some(next)) => Ok((year, next)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn draft() -> DraftForm {
        DraftForm {
            client_id: Uuid::now_v7().to_string(),
            currency: "EUR".into(),
            tax_treatment: "standard".into(),
            ..DraftForm::default()
        }
    }

    #[test]
    fn a_draft_needs_a_client_a_currency_and_a_treatment() {
        let errors = DraftForm::default().validate().unwrap_err();
        assert_eq!(errors.get("client_id"), Some("Choose a client."));
        assert!(errors.get("currency").is_some());
        assert_eq!(errors.get("tax_treatment"), Some("Choose a VAT treatment."));
        let input = draft().validate().expect("valid");
        assert_eq!((input.issue_date, input.due_date, input.period), (None, None, None), "dates default later");
    }

    #[test]
    fn the_billing_period_has_both_ends_or_none_in_order() {
        let one_end = DraftForm { period_start: "2026-11-01".into(), ..draft() };
        assert_eq!(
            one_end.validate().unwrap_err().get("period_end"),
            Some("Enter both ends of the billing period, or neither.")
        );
        let backwards = DraftForm { period_start: "2026-11-30".into(), period_end: "2026-11-01".into(), ..draft() };
        assert_eq!(backwards.validate().unwrap_err().get("period_end"), Some("The period can't end before it starts."));
        let ok = DraftForm { period_start: "2026-11-01".into(), period_end: "2026-11-30".into(), ..draft() };
        assert!(ok.validate().expect("valid").period.is_some());
        let due_first = DraftForm { issue_date: "2026-11-30".into(), due_date: "2026-11-01".into(), ..draft() };
        assert_eq!(
            due_first.validate().unwrap_err().get("due_date"),
            Some("The due date can't be before the issue date.")
        );
    }

    #[test]
    fn line_amounts_follow_the_currency_digits() {
        let line = LineForm { description: " Hosting ".into(), amount: "120.50".into() };
        assert_eq!(line.validate(2), Ok(LineInput { description: "Hosting".into(), amount_minor: 12050 }));
        assert!(line.validate(0).unwrap_err().get("amount").is_some(), "JPY has no decimals");
        let empty = LineForm::default().validate(2).unwrap_err();
        assert_eq!(empty.get("description"), Some("Enter a description."));
        assert_eq!(empty.get("amount"), Some("Enter an amount."));
        let negative = LineForm { description: "Refund".into(), amount: "-5".into() };
        assert!(negative.validate(2).is_err(), "no negative amounts in v1");
    }

    #[test]
    fn generate_defaults_to_person_and_rate_and_takes_one_manual_rate() {
        let input = GenerateForm::default().validate().expect("valid");
        assert_eq!(input.grouping, Grouping::PersonAndRate);
        assert!(!input.include_task_list && input.manual_rates.is_empty());
        let rate = GenerateForm { fx_currency: "GBP".into(), fx_rate: "1.1734".into(), ..GenerateForm::default() };
        assert_eq!(rate.validate().expect("valid").manual_rates.len(), 1);
        let zero = GenerateForm { fx_currency: "GBP".into(), fx_rate: "0".into(), ..GenerateForm::default() };
        assert_eq!(zero.validate().unwrap_err().get("fx_rate"), Some("An exchange rate must be more than zero."));
        let float = GenerateForm { fx_currency: "GBP".into(), fx_rate: "1e3".into(), ..GenerateForm::default() };
        assert!(float.validate().unwrap_err().get("fx_rate").is_some());
        let half = GenerateForm { fx_rate: "1.2".into(), ..GenerateForm::default() };
        assert!(half.validate().unwrap_err().get("fx_currency").is_some());
    }

    #[test]
    fn notes_and_void_reasons_are_bounded() {
        assert_eq!(notes("   \n ").as_deref(), Ok(""), "whitespace only clears the notes");
        assert!(notes(&"x".repeat(2001)).is_err());
        assert!(notes(&"x".repeat(2000)).is_ok());
        assert_eq!(void_reason("  ").unwrap_err(), "Say why the invoice is void.");
        assert!(void_reason(&"x".repeat(501)).is_err());
        assert_eq!(void_reason(" Sent twice ").as_deref(), Ok("Sent twice"));
    }

    #[test]
    fn vat_rates_are_percentages_from_0_to_100() {
        assert_eq!(vat_rate("21").map(|r| r.to_string()).as_deref(), Ok("21"));
        assert_eq!(vat_rate("7.7 %").map(|r| r.to_string()).as_deref(), Ok("7.7"));
        for bad in ["101", "-1", "21.12345", "abc", "1e2", "100.0001"] {
            assert!(vat_rate(bad).is_err(), "{bad:?}");
        }
        assert!(vat_rate("100").is_ok());
        let form = InvoiceSettingsForm { payment_terms: "400".into(), ..InvoiceSettingsForm::default() };
        assert_eq!(form.validate().unwrap_err().get("payment_terms"), Some("Enter payment terms from 0 to 365 days."));
        let einvoices = InvoiceSettingsForm {
            payment_terms: "14".into(),
            einvoicing: Some("on".into()),
            ..InvoiceSettingsForm::default()
        };
        let errors = einvoices.validate().unwrap_err();
        assert_eq!(errors.get("country"), Some("E-invoices need your country: enter its two-letter code."));
        assert_eq!(errors.get("vat_number"), Some("E-invoices need your VAT number."));
        let ready = InvoiceSettingsForm { country: "de".into(), vat_number: "DE123456789".into(), ..einvoices };
        let input = ready.validate().expect("valid");
        assert!(input.einvoicing);
        assert_eq!(input.country_code.as_deref(), Some("DE"));
        assert_eq!(next_number("1999", "0").unwrap_err().iter().count(), 2);
        assert_eq!(next_number("2026", "42"), Ok((2026, 42)));
    }
}
