//! Clients: everything needed to bill them (company details, contacts, VAT number, default rate and
//! budget), archived rather than deleted, with an activity timeline and per-member rates.

pub mod api;
pub mod form;

use crate::ids::{ClientId, ProjectId, UserId};
use crate::money::{Money, Rate};
use crate::projects::ProjectStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use api::*;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub company: String,
    pub address: String,
    pub company_number: String,
    pub vat_number: String,
    /// ISO 3166 alpha-2, for e-invoices.
    #[serde(default)]
    pub country_code: Option<String>,
    pub notes: String,
    pub contacts: Vec<Contact>,
    pub default_rate: Option<Rate>,
    pub budget: Option<Money>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Its own billing rounding rule; `None` follows the business's.
    #[serde(default)]
    pub billing_rounding: Option<crate::invoices::rounding::ClientRounding>,
}

/// A row of the clients list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: ClientId,
    pub name: String,
    pub company: String,
    pub primary_contact: Option<String>,
    pub default_rate: Option<Rate>,
    pub archived: bool,
    /// The day it was added, on the business's calendar.
    pub created_on: NaiveDate,
}

/// What a client page shows: the client, and what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub client: Client,
    pub can_edit: bool,
    pub can_archive: bool,
    pub can_manage_rates: bool,
    pub can_see_costs: bool,
}

/// Everything the client page shows, read in two statements that run side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientOverview {
    pub page: ClientPage,
    /// Empty for viewers without `projects.view`.
    pub projects: Vec<ProjectLink>,
    pub rates: MemberRates,
    /// Newest first, at most [`TIMELINE_LIMIT`].
    pub timeline: Vec<TimelineEntry>,
    /// The client's budget against the value of all time logged for it.
    pub budget: Option<crate::budgets::BudgetUse>,
    /// Each member's budget for this client against the value of their time.
    pub member_budgets: Vec<MemberBudget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBudget {
    pub user_id: UserId,
    pub name: String,
    pub usage: crate::budgets::BudgetUse,
}

/// A project as the client page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectLink {
    pub id: ProjectId,
    pub name: String,
    pub status: ProjectStatus,
}

/// How many timeline entries a client page shows.
pub const TIMELINE_LIMIT: i64 = 200;

crate::text_enum! {
    /// What a timeline entry records.
    pub enum EventKind {
        Note = "note",
        ClientCreated = "client_created",
        ClientUpdated = "client_updated",
        ClientArchived = "client_archived",
        ClientRestored = "client_restored",
        InvoiceIssued = "invoice_issued",
        InvoicePaid = "invoice_paid",
        InvoiceVoided = "invoice_voided",
        RecurringGenerated = "recurring_generated",
    }
}

/// One item of a client's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub kind: EventKind,
    /// The note's text, for notes.
    pub body: String,
    /// For updates: the names of the fields that changed.
    pub fields: Vec<String>,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
    /// `at` on the business's clock, as the page shows it: "1 Dec 2026, 09:30 CET".
    pub when: String,
}

impl TimelineEntry {
    /// "Dana Lee archived the client", for events; notes show their body instead.
    pub fn headline(&self) -> String {
        let who = self.actor.clone().unwrap_or_else(|| "Someone".to_owned());
        match self.kind {
            EventKind::Note => format!("{who} added a note"),
            EventKind::ClientCreated => format!("{who} created the client"),
            EventKind::ClientUpdated if self.fields.is_empty() => format!("{who} updated the client"),
            EventKind::ClientUpdated => format!("{who} updated {}", self.fields.join(", ")),
            EventKind::ClientArchived => format!("{who} archived the client"),
            EventKind::ClientRestored => format!("{who} restored the client"),
            EventKind::InvoiceIssued => format!("{who} issued an invoice"),
            EventKind::InvoicePaid => format!("{who} marked an invoice paid"),
            EventKind::InvoiceVoided => format!("{who} voided an invoice"),
            EventKind::RecurringGenerated => "A recurring invoice was generated".to_owned(),
        }
    }
}

/// A member's rates for one client. `cost` is `None` for viewers without `reports.viewProfit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRate {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub bill_rate: Option<Rate>,
    pub cost: Option<Rate>,
    pub budget: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRates {
    pub rates: Vec<MemberRate>,
    pub can_see_costs: bool,
    pub can_manage: bool,
    /// Members who can be given a rate (for the form's select).
    pub team: Vec<(UserId, String)>,
    /// The business's currency, the form's default.
    pub currency: String,
}

/// The member-rate form, posted as `rate[client_id]`, `rate[bill_amount]`, … Empty amounts mean
/// "no such rate".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRateForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub bill_amount: String,
    #[serde(default)]
    pub bill_currency: String,
    #[serde(default)]
    pub bill_unit: String,
    #[serde(default)]
    pub cost_amount: String,
    #[serde(default)]
    pub cost_currency: String,
    #[serde(default)]
    pub cost_unit: String,
    #[serde(default)]
    pub budget_amount: String,
    #[serde(default)]
    pub budget_currency: String,
}

pub const NOTE_MAX_CHARS: usize = 10_000;

/// Trims a note and checks its length (1..10 000 characters).
pub fn note_text(input: &str) -> Result<String, String> {
    let text = crate::validation::multi_line(input)?;
    if text.is_empty() {
        Err("Write something first.".into())
    } else if text.chars().count() > NOTE_MAX_CHARS {
        Err(format!("Keep notes to {NOTE_MAX_CHARS} characters or fewer."))
    } else {
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_between_1_and_10000_characters() {
        assert_eq!(note_text("  Called Dana.  ").as_deref(), Ok("Called Dana."));
        assert!(note_text("   ").is_err());
        assert!(note_text(&"é".repeat(10_000)).is_ok());
        assert!(note_text(&"é".repeat(10_001)).is_err());
    }

    #[test]
    fn event_kinds_round_trip() {
        for kind in ["note", "client_created", "client_updated", "client_archived", "client_restored", "invoice_paid"] {
            assert_eq!(EventKind::parse(kind).map(EventKind::as_str), Some(kind));
        }
        assert_eq!(EventKind::parse("party"), None);
    }

    #[test]
    fn timeline_headlines_name_the_actor_and_the_change() {
        let entry = TimelineEntry {
            seq: 1,
            kind: EventKind::ClientUpdated,
            body: String::new(),
            fields: vec!["name".into(), "VAT number".into()],
            actor: Some("Dana Lee".into()),
            at: Utc::now(),
            when: String::new(),
        };
        assert_eq!(entry.headline(), "Dana Lee updated name, VAT number");
    }
}
