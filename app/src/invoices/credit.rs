//! Credit notes (issue 19): an issued invoice is corrected, in full or for part of its lines, by a
//! credit note with its own gap-free sequence (`CN-2026-0001`). A credit note holds positive
//! amounts (what it takes back), so the money core stays non-negative, and it never changes the
//! invoice it corrects.

use crate::billing::{self, Decimal};
use crate::ids::{CreditNoteId, InvoiceLineId};
use crate::money::{parse_amount, MAX_MINOR};
use crate::validation::{self, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const REASON_MAX_CHARS: usize = 500;
/// More lines than any invoice the product makes; bounds the work one post can ask for.
pub const MAX_FORM_LINES: usize = 1000;

/// `CN-2026-0001`: the year of its issue date and its place in that year's sequence.
pub fn format_credit_number(year: i32, sequence: i32) -> String {
    format!("CN-{year}-{sequence:04}")
}

/// One line of a credit note: part or all of one invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditedLine {
    pub invoice_line_id: InvoiceLineId,
    pub description: String,
    pub total_minor: i64,
}

/// A credit note as the invoice page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNote {
    pub id: CreditNoteId,
    pub number: String,
    pub issue_date: NaiveDate,
    pub reason: String,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub lines: Vec<CreditedLine>,
}

/// How much of an invoice its credit notes take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credited {
    Nothing,
    Partially,
    Fully,
}

impl Credited {
    /// From an invoice's subtotal (or total) and what its credit notes took back of it.
    pub fn of(subtotal_minor: i64, credited_subtotal_minor: i64) -> Credited {
        match credited_subtotal_minor {
            0 => Credited::Nothing,
            c if c >= subtotal_minor => Credited::Fully,
            _ => Credited::Partially,
        }
    }

    pub fn label(self) -> Option<&'static str> {
        match self {
            Credited::Nothing => None,
            Credited::Partially => Some("Partially credited"),
            Credited::Fully => Some("Credited"),
        }
    }
}

/// What the credit form posts: a reason, and one amount per invoice line (`lines[i]` names the
/// line `amounts[i]` is for; an empty or zero amount leaves that line alone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub amounts: Vec<String>,
}

/// A validated request: the reason and each line's amount with the form row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRequest {
    pub reason: String,
    /// (form row, line, amount in minor units > 0).
    pub amounts: Vec<(usize, InvoiceLineId, i64)>,
}

/// The field an amount's error is shown beside.
pub fn amount_key(row: usize) -> String {
    format!("amounts[{row}]")
}

pub fn reason(input: &str) -> Result<String, String> {
    let reason = validation::multi_line(input)?;
    if reason.is_empty() {
        Err("Say why the invoice is credited.".into())
    } else if reason.chars().count() > REASON_MAX_CHARS {
        Err(format!("Keep the reason to {REASON_MAX_CHARS} characters or fewer."))
    } else {
        Ok(reason)
    }
}

impl CreditForm {
    /// `digits`: the invoice currency's minor-unit digits. Checks the form on its own; whether
    /// each amount fits what is left on its line is [`plan`]'s job, against the stored invoice.
    pub fn validate(&self, digits: u8) -> Result<CreditRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", reason(&self.reason));
        if self.lines.len() != self.amounts.len() || self.lines.len() > MAX_FORM_LINES {
            errors.add(FieldErrors::FORM, "The form's lines did not arrive whole. Reload the page and try again.");
            return Err(errors);
        }
        let mut amounts = Vec::new();
        for (row, (line, amount)) in self.lines.iter().zip(&self.amounts).enumerate() {
            if amount.trim().is_empty() {
                continue;
            }
            let Ok(line) = line.trim().parse::<InvoiceLineId>() else {
                errors.add(FieldErrors::FORM, "The form names a line this invoice doesn't have. Reload the page.");
                continue;
            };
            let parsed = parse_amount(amount, digits).and_then(|minor| {
                if minor > MAX_MINOR {
                    Err("This amount is too large.".to_owned())
                } else {
                    Ok(minor)
                }
            });
            if let Some(minor) = errors.check(&amount_key(row), parsed) {
                if minor > 0 {
                    amounts.push((row, line, minor));
                }
            }
        }
        if errors.is_empty() && amounts.is_empty() {
            errors.add(FieldErrors::FORM, "Enter an amount to credit on at least one line.");
        }
        errors.into_result()?;
        Ok(CreditRequest { reason: reason.unwrap_or_default(), amounts })
    }
}

/// An invoice line with what its earlier credit notes took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creditable {
    pub id: InvoiceLineId,
    pub description: String,
    pub total_minor: i64,
    pub credited_minor: i64,
}

impl Creditable {
    /// The invoice's lines with what their credit notes took back.
    pub fn lines_of(invoice: &super::Invoice) -> Vec<Creditable> {
        invoice
            .lines
            .iter()
            .map(|l| Creditable {
                id: l.id,
                description: l.description.clone(),
                total_minor: l.total_minor,
                credited_minor: l.credited_minor,
            })
            .collect()
    }
}

/// The lines and totals of a new credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCredit {
    pub lines: Vec<CreditedLine>,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
}

/// Checks each amount against what is left on its line and totals the note. Its VAT is the VAT of
/// everything credited so far less the VAT the earlier notes carried: each term is the money
/// core's rounding point 2 on a subtotal, so the notes of a fully credited invoice add up to
/// exactly its VAT, however it was split.
pub fn plan(
    lines: &[Creditable],
    request: &CreditRequest,
    tax_percent: Option<Decimal>,
    digits: u8,
) -> Result<PlannedCredit, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut planned = Vec::with_capacity(request.amounts.len());
    let mut seen = std::collections::HashSet::new();
    for &(row, id, minor) in &request.amounts {
        let Some(line) = lines.iter().find(|l| l.id == id) else {
            errors.add(FieldErrors::FORM, "The form names a line this invoice doesn't have. Reload the page.");
            continue;
        };
        if !seen.insert(id) {
            errors.add(FieldErrors::FORM, "The form names a line twice. Reload the page.");
            continue;
        }
        let left = (line.total_minor - line.credited_minor).max(0);
        if minor > left {
            errors.add(
                &amount_key(row),
                if left == 0 {
                    "This line is already credited in full.".to_owned()
                } else {
                    format!("At most {} is left to credit on this line.", crate::money::format_plain(left, digits))
                },
            );
            continue;
        }
        planned.push(CreditedLine { invoice_line_id: id, description: line.description.clone(), total_minor: minor });
    }
    errors.into_result()?;
    let subtotal_minor: i64 = planned.iter().map(|l| l.total_minor).sum();
    let before: i64 = lines.iter().map(|l| l.credited_minor).sum();
    let tax_minor = match tax_percent {
        Some(percent) => {
            let vat = |subtotal: i64| billing::tax(subtotal, percent);
            match (vat(before + subtotal_minor), vat(before)) {
                (Ok(after), Ok(earlier)) => after - earlier,
                _ => return Err(FieldErrors::one(FieldErrors::FORM, "This credit note's total would be too large.")),
            }
        }
        None => 0,
    };
    Ok(PlannedCredit { lines: planned, subtotal_minor, tax_minor, total_minor: subtotal_minor + tax_minor })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn line(n: u128, total: i64, credited: i64) -> Creditable {
        Creditable {
            id: InvoiceLineId(Uuid::from_u128(n)),
            description: format!("Line {n}"),
            total_minor: total,
            credited_minor: credited,
        }
    }

    fn request(amounts: &[(u128, i64)]) -> CreditRequest {
        CreditRequest {
            reason: "Discount agreed".into(),
            amounts: amounts
                .iter()
                .enumerate()
                .map(|(row, &(n, minor))| (row, InvoiceLineId(Uuid::from_u128(n)), minor))
                .collect(),
        }
    }

    fn percent(text: &str) -> Option<Decimal> {
        Some(Decimal::parse(text).expect("percent"))
    }

    #[test]
    fn numbers_read_cn_year_and_four_digits() {
        assert_eq!(format_credit_number(2026, 1), "CN-2026-0001");
        assert_eq!(format_credit_number(2027, 12345), "CN-2027-12345");
    }

    #[test]
    fn the_form_keeps_positive_amounts_in_the_currencys_digits() {
        let id = Uuid::from_u128(7).to_string();
        let form = CreditForm {
            reason: "  Hours billed twice \r\n".into(),
            lines: vec![id.clone(), Uuid::from_u128(8).to_string(), Uuid::from_u128(9).to_string()],
            amounts: vec!["12.50".into(), "".into(), "0".into()],
        };
        let valid = form.validate(2).expect("valid");
        assert_eq!(valid.reason, "Hours billed twice");
        assert_eq!(valid.amounts, vec![(0, InvoiceLineId(Uuid::from_u128(7)), 1250)]);

        let jpy = CreditForm { amounts: vec!["1.5".into(), "".into(), "".into()], ..form.clone() };
        assert!(jpy.validate(0).unwrap_err().get("amounts[0]").is_some(), "JPY has no decimals");
        let negative = CreditForm { amounts: vec!["-5".into(), "".into(), "".into()], ..form.clone() };
        assert!(negative.validate(2).unwrap_err().get("amounts[0]").is_some());
        let nothing = CreditForm { amounts: vec!["".into(), "0".into(), "".into()], ..form.clone() };
        assert_eq!(
            nothing.validate(2).unwrap_err().get("form"),
            Some("Enter an amount to credit on at least one line.")
        );
        let no_reason = CreditForm { reason: " ".into(), ..form.clone() };
        assert_eq!(no_reason.validate(2).unwrap_err().get("reason"), Some("Say why the invoice is credited."));
        let torn = CreditForm { amounts: vec!["1".into()], ..form };
        assert!(torn.validate(2).unwrap_err().get("form").is_some(), "lines and amounts must pair up");
    }

    #[test]
    fn amounts_cannot_exceed_what_is_left_on_their_line() {
        let lines = [line(1, 10_000, 2500), line(2, 500, 500)];
        let over = plan(&lines, &request(&[(1, 7501)]), None, 2).unwrap_err();
        assert_eq!(over.get("amounts[0]"), Some("At most 75.00 is left to credit on this line."));
        let done = plan(&lines, &request(&[(2, 1)]), None, 2).unwrap_err();
        assert_eq!(done.get("amounts[0]"), Some("This line is already credited in full."));
        let foreign = plan(&lines, &request(&[(3, 1)]), None, 2).unwrap_err();
        assert!(foreign.get("form").is_some());
        let twice = plan(&lines, &request(&[(1, 1), (1, 1)]), None, 2).unwrap_err();
        assert!(twice.get("form").is_some());
        let exact = plan(&lines, &request(&[(1, 7500)]), None, 2).expect("the rest fits");
        assert_eq!((exact.subtotal_minor, exact.tax_minor, exact.total_minor), (7500, 0, 7500));
    }

    #[test]
    fn vat_of_split_credits_adds_up_to_the_invoices_vat() {
        // An invoice of 33.33 at 21 % carries 7.00 VAT (rounding point 2).
        let invoice_vat = billing::tax(3333, Decimal::parse("21").unwrap()).unwrap();
        assert_eq!(invoice_vat, 700);
        // Credited as 11.11 three times: each alone would carry round(2.3331) = 2.33, 6.99 in all.
        let mut credited = 0;
        let mut vat = 0;
        for _ in 0..3 {
            let note = plan(&[line(1, 3333, credited)], &request(&[(1, 1111)]), percent("21"), 2).expect("fits");
            credited += note.subtotal_minor;
            vat += note.tax_minor;
            assert_eq!(note.total_minor, note.subtotal_minor + note.tax_minor);
        }
        assert_eq!((credited, vat), (3333, invoice_vat));
    }

    #[test]
    fn credited_states_follow_the_subtotals() {
        assert_eq!(Credited::of(1000, 0), Credited::Nothing);
        assert_eq!(Credited::of(1000, 1), Credited::Partially);
        assert_eq!(Credited::of(1000, 1000), Credited::Fully);
        assert_eq!(Credited::Partially.label(), Some("Partially credited"));
        assert_eq!(Credited::Nothing.label(), None);
    }
}
