//! The client form as it arrives (strings) and its validation into domain values, shared by the
//! browser and the server so both give the same messages.

use super::Contact;
use crate::money::{parse_optional, parse_rate, CurrencyCode, Money, Rate};
use crate::validation::{self, FieldErrors};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

/// Form fields posted as `form[name]`, `form[contacts][0][email]`, … The rate and budget fields
/// are absent when the user may not manage rates; absent means "leave as they are".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub company_number: String,
    #[serde(default)]
    pub vat_number: String,
    /// Two letters (ISO 3166); e-invoices need it.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub contacts: Vec<ContactForm>,
    #[serde(default)]
    pub rate_amount: Option<String>,
    #[serde(default)]
    pub rate_currency: Option<String>,
    #[serde(default)]
    pub rate_unit: Option<String>,
    #[serde(default)]
    pub budget_amount: Option<String>,
    #[serde(default)]
    pub budget_currency: Option<String>,
}

/// Rates and budget as submitted, when the form carried them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub default_rate: Option<Rate>,
    pub budget: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInput {
    pub name: String,
    pub company: String,
    pub address: String,
    pub company_number: String,
    pub vat_number: String,
    pub country_code: Option<String>,
    pub notes: String,
    pub contacts: Vec<Contact>,
    /// `None`: the form did not include pricing fields.
    pub pricing: Option<Pricing>,
}

fn at_most(text: String, max: usize, what: &str) -> Result<String, String> {
    if text.chars().count() > max {
        Err(format!("Keep {what} to {max} characters or fewer."))
    } else {
        Ok(text)
    }
}

fn optional_text(input: &str, max: usize, what: &str) -> Result<String, String> {
    at_most(validation::single_line(input)?, max, what)
}

/// A multi-line field: trailing spaces go, the lines stay.
fn multiline(input: &str, max: usize, what: &str) -> Result<String, String> {
    at_most(validation::multi_line(input)?, max, what)
}

/// Why a rate or budget was refused to someone without "Manage client rates".
pub const RATES_NOT_ALLOWED: &str =
    "You can't set rates or budgets: that needs the \"Manage client rates\" permission.";

impl ClientInput {
    /// The pricing rule, for every way a client is written (form, import, API): someone who may not
    /// manage rates cannot set a rate or budget (refused), and pricing fields they sent empty are
    /// dropped, so the stored values stay as they are.
    pub fn restrict_pricing(mut self, may_manage_rates: bool) -> Result<ClientInput, &'static str> {
        if may_manage_rates {
            return Ok(self);
        }
        if self.pricing.as_ref().is_some_and(|p| p.default_rate.is_some() || p.budget.is_some()) {
            return Err(RATES_NOT_ALLOWED);
        }
        self.pricing = None;
        Ok(self)
    }
}

/// The labels of what an edit changes, for the client's timeline ("Dana updated name, VAT number").
/// `default_rate` and `budget` are the values that will be stored (unchanged when the input
/// carried no pricing).
pub fn changed_fields(
    before: &super::Client,
    after: &ClientInput,
    default_rate: Option<Rate>,
    budget: Option<Money>,
) -> Vec<String> {
    [
        (before.name != after.name, "name"),
        (before.company != after.company, "company"),
        (before.address != after.address, "address"),
        (before.company_number != after.company_number, "company number"),
        (before.vat_number != after.vat_number, "VAT number"),
        (before.country_code != after.country_code, "country"),
        (before.notes != after.notes, "notes"),
        (before.contacts != after.contacts, "contacts"),
        (before.default_rate != default_rate, "default rate"),
        (before.budget != budget, "budget"),
    ]
    .into_iter()
    .filter(|(differs, _)| *differs)
    .map(|(_, label)| label.to_owned())
    .collect()
}

impl ClientForm {
    pub fn validate(&self) -> Result<ClientInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", validation::required_name_max(&self.name, "the client's name", 200));
        let company = errors.check("company", optional_text(&self.company, 200, "the company"));
        let address = errors.check("address", multiline(&self.address, 1000, "the address"));
        let company_number =
            errors.check("company_number", optional_text(&self.company_number, 50, "the company number"));
        let vat_number = errors.check("vat_number", optional_text(&self.vat_number, 50, "the VAT number"));
        let country_code = errors.check("country", crate::country::parse_optional(&self.country));
        let notes = errors.check("notes", multiline(&self.notes, 10_000, "the notes"));

        let mut contacts = Vec::new();
        for (index, contact) in self.contacts.iter().enumerate() {
            let (name, email, role) = (contact.name.trim(), contact.email.trim(), contact.role.trim());
            if name.is_empty() && email.is_empty() && role.is_empty() {
                continue; // an unused row
            }
            let key = |field: &str| format!("contacts.{index}.{field}");
            for (field, value) in [("name", name), ("role", role)] {
                if let Err(message) = validation::single_line(value) {
                    errors.add(&key(field), message);
                }
            }
            if name.is_empty() {
                errors.add(&key("name"), "Enter the contact's name.");
            } else if name.chars().count() > 100 {
                errors.add(&key("name"), "Keep names to 100 characters or fewer.");
            }
            let email = if email.is_empty() {
                String::new()
            } else {
                errors.check(&key("email"), validation::email(email)).unwrap_or_default()
            };
            if role.chars().count() > 100 {
                errors.add(&key("role"), "Keep the role to 100 characters or fewer.");
            }
            contacts.push(Contact { name: name.to_owned(), email, role: role.to_owned() });
        }
        if contacts.len() > 50 {
            errors.add("contacts", "A client can have at most 50 contacts.");
        }

        let pricing = if self.rate_amount.is_some() || self.budget_amount.is_some() {
            let default_rate = errors
                .check_money(
                    "rate",
                    parse_rate(
                        self.rate_amount.as_deref().unwrap_or(""),
                        self.rate_currency.as_deref().unwrap_or(""),
                        self.rate_unit.as_deref().unwrap_or(""),
                    ),
                )
                .flatten();
            let budget = errors
                .check_money(
                    "budget",
                    parse_optional(
                        self.budget_amount.as_deref().unwrap_or(""),
                        self.budget_currency.as_deref().unwrap_or(""),
                        "the budget",
                    ),
                )
                .flatten();
            Some(Pricing { default_rate, budget })
        } else {
            None
        };

        errors.into_result()?;
        Ok(ClientInput {
            name: name.unwrap_or_default(),
            company: company.unwrap_or_default(),
            address: address.unwrap_or_default(),
            company_number: company_number.unwrap_or_default(),
            vat_number: vat_number.unwrap_or_default(),
            country_code: country_code.flatten(),
            notes: notes.unwrap_or_default(),
            contacts,
            pricing,
        })
    }
}

/// Currency code of an optional price, for storage.
pub fn currency_of(money: Option<Money>) -> Option<CurrencyCode> {
    money.map(|m| m.currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ClientForm {
        ClientForm { name: " Acme Industries ".into(), ..ClientForm::default() }
    }

    #[test]
    fn only_the_name_is_required() {
        let input = form().validate().expect("valid");
        assert_eq!(input.name, "Acme Industries");
        assert!(input.contacts.is_empty() && input.pricing.is_none());
        let errors = ClientForm::default().validate().unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter the client's name."));
    }

    #[test]
    fn contacts_skip_empty_rows_and_check_each_field() {
        let mut f = form();
        f.contacts = vec![
            ContactForm { name: "Dana Lee".into(), email: "dana@acme.test".into(), role: "Finance".into() },
            ContactForm::default(),
            ContactForm { name: "".into(), email: "not-an-email".into(), role: "".into() },
        ];
        let errors = f.validate().unwrap_err();
        assert_eq!(errors.get("contacts.2.name"), Some("Enter the contact's name."));
        assert!(errors.get("contacts.2.email").is_some());
        f.contacts.truncate(2);
        let input = f.validate().expect("valid");
        assert_eq!(
            input.contacts,
            vec![Contact { name: "Dana Lee".into(), email: "dana@acme.test".into(), role: "Finance".into() }]
        );
    }

    #[test]
    fn a_day_rate_and_a_budget_parse_into_minor_units() {
        let mut f = form();
        f.rate_amount = Some("80".into());
        f.rate_currency = Some("EUR".into());
        f.rate_unit = Some("day".into());
        f.budget_amount = Some("12,500".into());
        f.budget_currency = Some("EUR".into());
        let pricing = f.validate().expect("valid").pricing.expect("pricing");
        assert_eq!(pricing.default_rate.map(|r| r.format()).as_deref(), Some("80.00 EUR/day"));
        assert_eq!(pricing.budget.map(|b| b.minor), Some(1_250_000));
    }

    #[test]
    fn pricing_errors_name_their_field() {
        let mut f = form();
        f.rate_amount = Some("80.123".into());
        f.rate_currency = Some("EUR".into());
        f.budget_amount = Some("100".into());
        f.budget_currency = Some("".into());
        let errors = f.validate().unwrap_err();
        assert_eq!(errors.get("rate_amount"), Some("Use at most 2 decimals."));
        assert_eq!(errors.get("budget_currency"), Some("Choose the currency of the budget."));
    }

    #[test]
    fn empty_pricing_fields_mean_no_rate() {
        let mut f = form();
        f.rate_amount = Some("".into());
        f.rate_currency = Some("EUR".into());
        f.budget_amount = Some("".into());
        let pricing = f.validate().expect("valid").pricing.expect("pricing fields were present");
        assert_eq!(pricing, Pricing { default_rate: None, budget: None });
    }

    #[test]
    fn only_rate_managers_set_prices_and_empty_pricing_changes_nothing() {
        let priced = ClientForm {
            name: "Acme".into(),
            rate_amount: Some("80".into()),
            rate_currency: Some("EUR".into()),
            rate_unit: Some("hour".into()),
            ..ClientForm::default()
        };
        let input = priced.validate().expect("valid");
        assert_eq!(input.clone().restrict_pricing(false), Err(RATES_NOT_ALLOWED));
        assert!(input.restrict_pricing(true).expect("allowed").pricing.is_some());
        let empty = ClientForm { name: "Acme".into(), rate_amount: Some(String::new()), ..ClientForm::default() };
        let kept = empty.validate().expect("valid").restrict_pricing(false).expect("nothing to refuse");
        assert_eq!(kept.pricing, None, "empty pricing fields leave the stored values alone");
    }

    #[test]
    fn an_edit_lists_exactly_the_fields_it_changes() {
        let before_form = ClientForm { name: "Acme".into(), vat_number: "GB1".into(), ..ClientForm::default() };
        let before_input = before_form.validate().expect("valid");
        let before = super::super::Client {
            id: crate::ids::ClientId(uuid::Uuid::nil()),
            name: before_input.name.clone(),
            company: String::new(),
            address: String::new(),
            company_number: String::new(),
            vat_number: before_input.vat_number.clone(),
            country_code: None,
            notes: String::new(),
            contacts: Vec::new(),
            default_rate: None,
            budget: None,
            archived_at: None,
            created_at: chrono::Utc::now(),
            billing_rounding: None,
        };
        assert!(changed_fields(&before, &before_input, None, None).is_empty(), "saving unchanged changes nothing");
        let after = ClientForm { name: "Acme Ltd".into(), vat_number: "GB2".into(), ..ClientForm::default() };
        let rate = Some(Rate {
            amount: Money::new(8000, CurrencyCode::parse("EUR").expect("EUR")),
            unit: crate::money::RateUnit::Hour,
        });
        assert_eq!(
            changed_fields(&before, &after.validate().expect("valid"), rate, None),
            ["name", "VAT number", "default rate"]
        );
    }
}
