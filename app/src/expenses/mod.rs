//! Expenses (PRODUCT §3.11): what the business spent, in any currency, with an optional receipt
//! stored in Postgres, paid or unpaid, optionally billable to a client and then billed on an
//! invoice line like tracked time.

pub mod api;
pub mod receipts;

use crate::ids::{ClientId, ExpenseId, InvoiceId, ProjectId};
use crate::money::{parse_amount, CurrencyCode, Money};
use crate::validation::{self, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use api::*;

/// Longest description, vendor, category and notes, as the table allows.
pub const DESCRIPTION_MAX_CHARS: usize = 500;
pub const VENDOR_MAX_CHARS: usize = 200;
pub const CATEGORY_MAX_CHARS: usize = 100;
pub const NOTES_MAX_CHARS: usize = 2000;
/// The list shows at most this many expenses (newest first); filters narrow it.
pub const LIST_LIMIT: usize = 1000;

crate::text_enum! {
    pub enum ExpenseStatus {
        Unpaid = "unpaid",
        Paid = "paid",
    }
}

impl ExpenseStatus {
    pub fn label(self) -> &'static str {
        match self {
            ExpenseStatus::Unpaid => "Unpaid",
            ExpenseStatus::Paid => "Paid",
        }
    }
}

/// What is known about a stored receipt, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptInfo {
    pub filename: String,
    pub mime_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

impl ReceiptInfo {
    /// Images are shown on the page; PDFs are downloaded.
    pub fn is_image(&self) -> bool {
        self.mime_type.starts_with("image/")
    }
}

/// The invoice an expense is billed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledOn {
    pub invoice_id: InvoiceId,
    /// Null while the invoice is a draft.
    pub number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expense {
    pub id: ExpenseId,
    pub description: String,
    pub amount: Money,
    pub incurred_on: NaiveDate,
    pub vendor: String,
    pub category: String,
    pub notes: String,
    pub client_id: Option<ClientId>,
    pub client_name: Option<String>,
    pub project_id: Option<ProjectId>,
    pub project_name: Option<String>,
    pub status: ExpenseStatus,
    pub paid_on: Option<NaiveDate>,
    pub billable: bool,
    pub billed_on: Option<BilledOn>,
    pub receipt: Option<ReceiptInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseList {
    pub expenses: Vec<Expense>,
    /// Per currency, of every expense listed.
    pub totals: Vec<Money>,
    /// More matched than the list shows (see [`LIST_LIMIT`]).
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpensePage {
    pub expense: Expense,
    pub can_edit: bool,
    pub can_approve: bool,
    pub can_delete: bool,
    /// The business's date today: the "mark paid" form starts on it.
    pub today: NaiveDate,
}

/// A client or project to choose on the form; a project names its client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseChoice {
    pub id: String,
    pub name: String,
}

/// What the new and edit forms offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseOptions {
    pub clients: Vec<ExpenseChoice>,
    /// "Project (Client)".
    pub projects: Vec<ExpenseChoice>,
    /// The business's earlier categories, most used first.
    pub categories: Vec<String>,
    pub base_currency: String,
    pub today: NaiveDate,
    /// Receipt scanning is configured and the member may record expenses.
    pub can_scan: bool,
}

/// The expense form, posted as `form[description]`, `form[amount]`, …
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseForm {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub incurred_on: String,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub project_id: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    #[serde(default)]
    pub billable: Option<String>,
}

impl From<&Expense> for ExpenseForm {
    /// The form as the expense stands: what the edit page shows and what partial updates start from.
    fn from(expense: &Expense) -> Self {
        ExpenseForm {
            description: expense.description.clone(),
            amount: crate::money::format_plain(expense.amount.minor, expense.amount.currency.info().minor_units),
            currency: expense.amount.currency.to_string(),
            incurred_on: expense.incurred_on.to_string(),
            vendor: expense.vendor.clone(),
            category: expense.category.clone(),
            notes: expense.notes.clone(),
            client_id: expense.client_id.map(|c| c.to_string()).unwrap_or_default(),
            project_id: expense.project_id.map(|p| p.to_string()).unwrap_or_default(),
            billable: expense.billable.then(|| "on".to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenseInput {
    pub description: String,
    pub amount: Money,
    pub incurred_on: NaiveDate,
    pub vendor: String,
    pub category: String,
    pub notes: String,
    pub client_id: Option<ClientId>,
    pub project_id: Option<ProjectId>,
    pub billable: bool,
}

fn optional_line(errors: &mut FieldErrors, field: &str, input: &str, max: usize) -> String {
    let text = errors.check(field, validation::single_line(input)).unwrap_or_default();
    if text.chars().count() > max {
        errors.add(field, format!("Keep it to {max} characters or fewer."));
    }
    text
}

fn optional_id<T: std::str::FromStr>(errors: &mut FieldErrors, field: &str, input: &str, what: &str) -> Option<T> {
    match input.trim() {
        "" => None,
        text => {
            let id = text.parse().ok();
            if id.is_none() {
                errors.add(field, format!("Choose one of your {what}, or none."));
            }
            id
        }
    }
}

impl ExpenseForm {
    pub fn validate(&self) -> Result<ExpenseInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let description = errors.check(
            "description",
            validation::required_name_max(&self.description, "what the expense was for", DESCRIPTION_MAX_CHARS),
        );
        let currency = errors.check("currency", CurrencyCode::parse(&self.currency));
        let amount = currency.and_then(|code| {
            let minor = errors.check("amount", parse_amount(&self.amount, code.info().minor_units))?;
            if minor == 0 {
                errors.add("amount", "Enter an amount greater than zero.");
                return None;
            }
            if minor > crate::money::MAX_MINOR {
                errors.add("amount", "This amount is too large.");
                return None;
            }
            Some(Money::new(minor, code))
        });
        if currency.is_none() && self.amount.trim().is_empty() {
            errors.add("amount", "Enter an amount.");
        }
        let incurred_on = errors.check("incurred_on", validation::date(&self.incurred_on));
        let vendor = optional_line(&mut errors, "vendor", &self.vendor, VENDOR_MAX_CHARS);
        let category = optional_line(&mut errors, "category", &self.category, CATEGORY_MAX_CHARS);
        let notes = errors.check("notes", validation::multi_line(&self.notes)).unwrap_or_default();
        if notes.chars().count() > NOTES_MAX_CHARS {
            errors.add("notes", format!("Keep the notes to {NOTES_MAX_CHARS} characters or fewer."));
        }
        let client_id = optional_id(&mut errors, "client_id", &self.client_id, "clients");
        let project_id = optional_id(&mut errors, "project_id", &self.project_id, "projects");
        let billable = self.billable.as_deref().is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        if billable && client_id.is_none() && project_id.is_none() {
            errors.add("billable", "Choose the client (or project) to bill this expense to.");
        }
        let (Some(description), Some(amount), Some(incurred_on)) = (description, amount, incurred_on) else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(ExpenseInput { description, amount, incurred_on, vendor, category, notes, client_id, project_id, billable })
    }
}

/// The list's filters as they arrive from the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseFilter {
    pub status: Option<ExpenseStatus>,
    pub search: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ExpenseFilter {
    /// `status` is `""`/`all`, `unpaid` or `paid`; dates are `YYYY-MM-DD` or empty.
    pub fn parse(status: &str, search: &str, from: &str, to: &str) -> Result<ExpenseFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = match status.trim() {
            "" | "all" => None,
            other => errors.check("status", ExpenseStatus::parse(other).ok_or_else(|| "Choose a status.".to_owned())),
        };
        let date = |errors: &mut FieldErrors, field: &str, text: &str| match text.trim() {
            "" => None,
            text => errors.check(field, validation::date(text)),
        };
        let from = date(&mut errors, "from", from);
        let to = date(&mut errors, "to", to);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.add("to", "The end date comes before the start date.");
            }
        }
        let search: String = search.trim().chars().take(200).collect();
        errors.into_result()?;
        Ok(ExpenseFilter { status, search, from, to })
    }
}

/// Sums per currency, in code order.
pub fn totals(amounts: impl IntoIterator<Item = Money>) -> Vec<Money> {
    let mut sums: std::collections::BTreeMap<CurrencyCode, i64> = std::collections::BTreeMap::new();
    for money in amounts {
        let sum = sums.entry(money.currency).or_default();
        *sum = sum.saturating_add(money.minor);
    }
    sums.into_iter().map(|(currency, minor)| Money::new(minor, currency)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn form() -> ExpenseForm {
        ExpenseForm {
            description: "Train to Lyon".into(),
            amount: "12.50".into(),
            currency: "EUR".into(),
            incurred_on: "2026-03-04".into(),
            ..ExpenseForm::default()
        }
    }

    #[test]
    fn an_expense_needs_a_description_an_amount_a_currency_and_a_date() {
        let errors = ExpenseForm::default().validate().unwrap_err();
        assert_eq!(errors.get("description"), Some("Enter what the expense was for."));
        assert_eq!(errors.get("amount"), Some("Enter an amount."));
        assert!(errors.get("currency").is_some());
        assert!(errors.get("incurred_on").is_some());
        let input = form().validate().expect("valid");
        assert_eq!(input.amount.minor, 1250);
        assert_eq!(input.incurred_on, NaiveDate::from_ymd_opt(2026, 3, 4).expect("date"));
        assert!(!input.billable);
    }

    #[test]
    fn amounts_are_positive_and_never_rounded() {
        let zero = ExpenseForm { amount: "0".into(), ..form() }.validate().unwrap_err();
        assert_eq!(zero.get("amount"), Some("Enter an amount greater than zero."));
        let too_precise = ExpenseForm { amount: "12.505".into(), ..form() }.validate().unwrap_err();
        assert!(too_precise.get("amount").is_some(), "three decimals in EUR are refused");
        let yen = ExpenseForm { amount: "1500".into(), currency: "JPY".into(), ..form() }.validate().expect("valid");
        assert_eq!(yen.amount.minor, 1500);
        let negative = ExpenseForm { amount: "-3".into(), ..form() }.validate().unwrap_err();
        assert!(negative.get("amount").is_some());
    }

    #[test]
    fn a_billable_expense_needs_someone_to_bill() {
        let errors = ExpenseForm { billable: Some("on".into()), ..form() }.validate().unwrap_err();
        assert_eq!(errors.get("billable"), Some("Choose the client (or project) to bill this expense to."));
        let client = Uuid::now_v7().to_string();
        let input =
            ExpenseForm { billable: Some("on".into()), client_id: client.clone(), ..form() }.validate().expect("ok");
        assert!(input.billable);
        assert_eq!(input.client_id.map(|c| c.to_string()), Some(client));
        let junk = ExpenseForm { project_id: "nope".into(), ..form() }.validate().unwrap_err();
        assert_eq!(junk.get("project_id"), Some("Choose one of your projects, or none."));
    }

    #[test]
    fn long_or_control_text_is_refused() {
        let errors =
            ExpenseForm { vendor: "x".repeat(201), category: "a\u{0}b".into(), ..form() }.validate().unwrap_err();
        assert_eq!(errors.get("vendor"), Some("Keep it to 200 characters or fewer."));
        assert!(errors.get("category").is_some());
    }

    #[test]
    fn filters_parse_status_and_dates() {
        let filter = ExpenseFilter::parse("unpaid", " taxi ", "2026-01-01", "2026-01-31").expect("valid");
        assert_eq!(filter.status, Some(ExpenseStatus::Unpaid));
        assert_eq!(filter.search, "taxi");
        let errors = ExpenseFilter::parse("lost", "", "2026-02-01", "2026-01-01").unwrap_err();
        assert_eq!(errors.get("status"), Some("Choose a status."));
        assert_eq!(errors.get("to"), Some("The end date comes before the start date."));
        assert_eq!(ExpenseFilter::parse("all", "", "", "").expect("valid"), ExpenseFilter::default());
    }

    #[test]
    fn totals_are_per_currency() {
        let eur = CurrencyCode::parse("EUR").expect("eur");
        let usd = CurrencyCode::parse("USD").expect("usd");
        let sums = totals([Money::new(150, usd), Money::new(1250, eur), Money::new(50, usd)]);
        assert_eq!(sums, vec![Money::new(1250, eur), Money::new(200, usd)]);
    }
}
