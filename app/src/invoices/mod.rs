//! Invoices (PRODUCT §3.9): what a page shows and what a form posts. Drafts are editable; issuing
//! assigns a gap-free `YYYY-NNNN` number; paid and void invoices are read-only; "overdue" is derived
//! when read, never stored.

pub mod api;
pub mod credit;
pub mod forms;
pub mod plan;
pub mod rounding;

use crate::ids::{ClientId, InvoiceId, InvoiceLineId, ProjectId};
use crate::money::{CurrencyCode, Money};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use api::*;

/// Invoices per page of the list (the operation pages; the page names the range).
pub const PAGE_SIZE: usize = 50;

crate::text_enum! {
    /// The stored status. `Overdue` is not one of them: see [`Shown`].
    pub enum InvoiceStatus {
        Draft = "draft",
        Sent = "sent",
        Paid = "paid",
        Void = "void",
    }
}

crate::text_enum! {
    /// The status a person sees: a sent invoice past its due date is overdue.
    pub enum Shown {
        Draft = "draft",
        Sent = "sent",
        Overdue = "overdue",
        Paid = "paid",
        Void = "void",
    }
}

impl Shown {
    pub fn of(status: InvoiceStatus, due_date: NaiveDate, today: NaiveDate) -> Shown {
        match status {
            InvoiceStatus::Draft => Shown::Draft,
            InvoiceStatus::Sent if due_date < today => Shown::Overdue,
            InvoiceStatus::Sent => Shown::Sent,
            InvoiceStatus::Paid => Shown::Paid,
            InvoiceStatus::Void => Shown::Void,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Shown::Draft => "Draft",
            Shown::Sent => "Sent",
            Shown::Overdue => "Overdue",
            Shown::Paid => "Paid",
            Shown::Void => "Void",
        }
    }
}

crate::text_enum! {
    pub enum TaxTreatment {
        Standard = "standard",
        ZeroRated = "zero_rated",
        ReverseCharge = "reverse_charge",
    }
}

/// The note reverse-charge invoices carry (EU VAT Directive, Art. 196).
pub const REVERSE_CHARGE_NOTE: &str =
    "VAT reverse charged to the recipient under Article 196 of Council Directive 2006/112/EC";

impl TaxTreatment {
    pub fn label(self) -> &'static str {
        match self {
            TaxTreatment::Standard => "Standard rate",
            TaxTreatment::ZeroRated => "Zero-rated",
            TaxTreatment::ReverseCharge => "EU reverse charge",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            TaxTreatment::Standard => "Domestic sales at your standard VAT rate.",
            TaxTreatment::ZeroRated => "Exports and zero-rated supplies.",
            TaxTreatment::ReverseCharge => "B2B to VAT-registered EU clients; both VAT numbers are required.",
        }
    }

    pub fn tax_note(self) -> &'static str {
        match self {
            TaxTreatment::ReverseCharge => REVERSE_CHARGE_NOTE,
            _ => "",
        }
    }
}

crate::text_enum! {
    pub enum FxSource {
        Ecb = "ecb",
        Manual = "manual",
    }
}

impl FxSource {
    pub fn label(self) -> &'static str {
        match self {
            FxSource::Ecb => "ECB rate",
            FxSource::Manual => "agreed rate",
        }
    }
}

crate::text_enum! {
    /// How "Generate lines" groups the time entries.
    pub enum Grouping {
        PersonAndRate = "person_rate",
        Task = "task",
        Single = "single",
    }
}

impl Grouping {
    pub fn label(self) -> &'static str {
        match self {
            Grouping::PersonAndRate => "By person and rate",
            Grouping::Task => "Per task",
            Grouping::Single => "Single line",
        }
    }
}

/// `2026-0001`: the year of the issue date and the business's sequence for that year.
pub fn format_number(year: i32, sequence: i32) -> String {
    format!("{year}-{sequence:04}")
}

/// One row of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub id: InvoiceId,
    pub number: Option<String>,
    pub client_id: ClientId,
    pub client_name: String,
    pub shown: Shown,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    /// How much of it credit notes took back.
    #[serde(default = "nothing_credited")]
    pub credited: credit::Credited,
}

fn nothing_credited() -> credit::Credited {
    credit::Credited::Nothing
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceSummary>,
    /// Per currency, of the invoices listed that count as revenue (void left out).
    pub totals: Vec<Money>,
    /// More matched than the list can show (see `LIST_LIMIT`).
    pub truncated: bool,
    /// How many invoices matched (at most the list's limit).
    pub matched: usize,
    /// This page, 1-based, of `pages` (at least one, even when nothing matched).
    pub page: u32,
    pub pages: u32,
}

/// What a converted line was converted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSource {
    pub total: Money,
    /// Target units per source unit, as printed: `1.1734`.
    pub rate: String,
    pub fx_source: FxSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub id: InvoiceLineId,
    pub position: i32,
    pub description: String,
    /// Hours, for lines from time.
    pub quantity: Option<String>,
    /// The hourly price, in the source currency when the line was converted.
    pub unit_price_minor: Option<i64>,
    pub total_minor: i64,
    pub source: Option<LineSource>,
    /// Time entries billed on this line.
    pub entries: i64,
    /// Those entries' tracked seconds, as tracked (the line's hours may be rounded).
    pub tracked_seconds: Option<i64>,
    /// What credit notes took back of this line.
    pub credited_minor: i64,
}

impl InvoiceLine {
    /// `2.00 h × 62.00 EUR/h`, for lines from time.
    pub fn quantity_label(&self, currency: CurrencyCode) -> Option<String> {
        let hours = crate::billing::Decimal::parse(self.quantity.as_deref()?).ok()?;
        let price_currency = self.source.as_ref().map_or(currency, |s| s.total.currency);
        let price = Money::new(self.unit_price_minor?, price_currency);
        Some(format!("{} h × {}/h", hours.round_to(2), price.format()))
    }

    /// `Tracked 0:14` when the hours billed differ from the hours tracked (a rounding rule).
    pub fn tracked_label(&self) -> Option<String> {
        let tracked = self.tracked_seconds?;
        // Quantities are written the same way, hours to six places, so the texts compare.
        let tracked_hours = crate::billing::Decimal::from_fraction(i128::from(tracked), 3600, 6)?.to_string();
        (self.quantity.as_deref()? != tracked_hours).then(|| format!("Tracked {}", crate::time::format_hm(tracked)))
    }

    /// `Converted from 465.00 GBP at 1.1734 (ECB rate)`.
    pub fn conversion_label(&self) -> Option<String> {
        let source = self.source.as_ref()?;
        Some(format!("Converted from {} at {} ({})", source.total.format(), source.rate, source.fx_source.label()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub shown: Shown,
    pub client_id: ClientId,
    pub client_name: String,
    pub project_id: Option<ProjectId>,
    pub project_name: Option<String>,
    pub currency: CurrencyCode,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub tax_treatment: TaxTreatment,
    pub tax_rate_percent: String,
    pub tax_note: String,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub notes: String,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub paid_on: Option<NaiveDate>,
    pub void_reason: Option<String>,
    /// The billing rounding rule its lines from time were generated with (`None`: as tracked).
    pub rounding: Option<rounding::RoundingRule>,
    pub lines: Vec<InvoiceLine>,
    /// Its credit notes, oldest first.
    pub credit_notes: Vec<credit::CreditNote>,
    /// Whether it can be an EN 16931 e-invoice, and whether its PDF is one.
    #[serde(default)]
    pub einvoice: EInvoiceStatus,
}

/// An invoice's standing as an e-invoice (issue 19).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EInvoiceStatus {
    /// The business makes Factur-X PDFs (Settings, Invoices).
    pub enabled: bool,
    /// What must be filled in first, as a person would say it; empty when ready.
    pub missing: Vec<String>,
}

impl EInvoiceStatus {
    pub fn ready(&self) -> bool {
        self.missing.is_empty()
    }

    pub fn sentence(&self) -> Option<String> {
        let items: Vec<&str> = self.missing.iter().map(String::as_str).collect();
        einvoice_sentence(&items)
    }
}

/// "To make an e-invoice, add your country code (Settings, Invoices) and the client's …", or
/// `None` when nothing is missing.
pub fn einvoice_sentence(missing: &[&str]) -> Option<String> {
    let listed = match missing {
        [] => return None,
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    Some(format!("To make an e-invoice, add {listed}."))
}

impl Invoice {
    /// "Draft invoice" or "Invoice 2026-0001".
    pub fn title(&self) -> String {
        match &self.number {
            Some(number) => format!("Invoice {number}"),
            None => "Draft invoice".to_owned(),
        }
    }

    pub fn money(&self, minor: i64) -> Money {
        Money::new(minor, self.currency)
    }

    /// The subtotal and the total its credit notes take back.
    pub fn credited_minor(&self) -> (i64, i64) {
        self.credit_notes.iter().fold((0, 0), |(sub, total), n| (sub + n.subtotal_minor, total + n.total_minor))
    }

    pub fn credited(&self) -> credit::Credited {
        credit::Credited::of(self.subtotal_minor, self.credited_minor().0)
    }

    /// What the client still owes: an issued invoice's total less its credit notes.
    pub fn balance_due_minor(&self) -> i64 {
        match self.status {
            InvoiceStatus::Sent => (self.total_minor - self.credited_minor().1).max(0),
            InvoiceStatus::Draft => self.total_minor,
            InvoiceStatus::Paid | InvoiceStatus::Void => 0,
        }
    }

    /// "VAT (21%)" for the standard rate, "VAT" otherwise.
    pub fn tax_label(&self) -> String {
        match self.tax_treatment {
            TaxTreatment::Standard => format!("VAT ({}%)", self.tax_rate_percent),
            _ => "VAT".to_owned(),
        }
    }
}

/// A choice in a select: id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
    /// For projects: their client's id (the generate form offers only the invoice client's).
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub invoice: Invoice,
    pub can_edit: bool,
    pub can_issue: bool,
    pub can_mark_paid: bool,
    pub can_void: bool,
    /// Issued, not yet credited in full, and the caller may correct invoices.
    pub can_credit: bool,
    pub can_delete: bool,
    pub can_duplicate: bool,
    /// For the details form and the project filter of "Generate lines".
    pub clients: Vec<Choice>,
    pub projects: Vec<Choice>,
    /// Unbilled, billable, stopped entries of the client: what "Generate lines" would pull in.
    pub unbilled_entries: i64,
    /// Unbilled billable expenses of the client (and project): what "Add expenses" would bill.
    pub unbilled_expenses: i64,
    /// The business's local date, for date defaults.
    pub today: NaiveDate,
    /// A signed link to the PDF that works without signing in, minted as the page loads.
    pub pdf_link: PdfLink,
}

/// A signed link to an invoice's PDF (PRODUCT §3.9.8): anyone holding it can download that one
/// invoice until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfLink {
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Defaults for the new-invoice form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDefaults {
    pub clients: Vec<Choice>,
    pub projects: Vec<Choice>,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Without a standard rate in settings, a standard-VAT invoice cannot be created.
    pub standard_rate: Option<String>,
}

/// What "Generate lines" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub lines: usize,
    pub entries: usize,
    /// Entries without a rate, left unbilled.
    pub unpriced_skipped: i64,
}

impl Generated {
    pub fn summary(&self) -> String {
        let lines = if self.lines == 1 { "1 line".to_owned() } else { format!("{} lines", self.lines) };
        let entries =
            if self.entries == 1 { "1 time entry".to_owned() } else { format!("{} time entries", self.entries) };
        let mut text = format!("Added {lines} from {entries}.");
        if self.unpriced_skipped > 0 {
            text.push_str(&format!(
                " {} without a rate left unbilled: set a rate on the client, project or member to bill them.",
                if self.unpriced_skipped == 1 {
                    "1 entry".to_owned()
                } else {
                    format!("{} entries", self.unpriced_skipped)
                }
            ));
        }
        text
    }
}

/// An exchange rate looked up for a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateQuote {
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    /// Units of `to` per unit of `from`, six significant digits.
    pub rate: String,
    /// The ECB publishing day used (the latest on or before the date asked for).
    pub rate_date: NaiveDate,
}

/// The Invoices section of the General settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSettings {
    pub vat_rate_percent: Option<String>,
    pub vat_number: String,
    pub payment_terms_days: i32,
    /// How time is rounded when lines are generated (`None`: billed as tracked).
    pub rounding: Option<rounding::RoundingRule>,
    /// The business's country (ISO 3166 alpha-2), which e-invoices need.
    pub country_code: Option<String>,
    /// Issued invoices' PDFs carry their EN 16931 XML (Factur-X).
    pub einvoicing: bool,
    /// The current year and the number its next invoice gets.
    pub year: i32,
    pub next_number: i32,
    pub can_edit: bool,
    pub can_configure: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn overdue_is_a_sent_invoice_past_its_due_date() {
        let today = day("2026-11-30");
        assert_eq!(Shown::of(InvoiceStatus::Sent, day("2026-11-29"), today), Shown::Overdue);
        assert_eq!(Shown::of(InvoiceStatus::Sent, today, today), Shown::Sent, "due today is not yet overdue");
        assert_eq!(Shown::of(InvoiceStatus::Paid, day("2026-01-01"), today), Shown::Paid);
        assert_eq!(Shown::of(InvoiceStatus::Void, day("2026-01-01"), today), Shown::Void);
        assert_eq!(Shown::of(InvoiceStatus::Draft, day("2026-01-01"), today), Shown::Draft);
    }

    #[test]
    fn numbers_are_year_dash_four_digits() {
        assert_eq!(format_number(2026, 1), "2026-0001");
        assert_eq!(format_number(2026, 42), "2026-0042");
        assert_eq!(format_number(2027, 12345), "2027-12345", "past 9999 the number grows, never wraps");
    }

    #[test]
    fn line_labels_show_hours_price_and_conversion() {
        let eur = CurrencyCode::parse("EUR").expect("eur");
        let gbp = CurrencyCode::parse("GBP").expect("gbp");
        let line = InvoiceLine {
            id: InvoiceLineId(uuid::Uuid::nil()),
            position: 1,
            description: "Design".into(),
            quantity: Some("1.166667".into()),
            unit_price_minor: Some(3100),
            total_minor: 3617,
            source: None,
            entries: 1,
            tracked_seconds: Some(70 * 60),
            credited_minor: 0,
        };
        assert_eq!(line.quantity_label(eur).as_deref(), Some("1.17 h × 31.00 EUR/h"));
        assert_eq!(line.tracked_label(), None, "billed as tracked");
        let rounded = InvoiceLine { quantity: Some("1.250000".into()), ..line.clone() };
        assert_eq!(rounded.tracked_label().as_deref(), Some("Tracked 1:10"));
        assert_eq!(line.conversion_label(), None);
        let converted = InvoiceLine {
            quantity: Some("5".into()),
            unit_price_minor: Some(9300),
            total_minor: 54563,
            source: Some(LineSource { total: Money::new(46500, gbp), rate: "1.1734".into(), fx_source: FxSource::Ecb }),
            ..line
        };
        assert_eq!(converted.quantity_label(eur).as_deref(), Some("5.00 h × 93.00 GBP/h"));
        assert_eq!(converted.conversion_label().as_deref(), Some("Converted from 465.00 GBP at 1.1734 (ECB rate)"));
    }
}
