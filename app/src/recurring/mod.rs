//! Recurring invoices (PRODUCT §3.10): a schedule of fixed lines for one client that becomes one
//! invoice per occurrence, as a draft or issued at once. The runner (`server::recurring::sweep`)
//! makes the occurrences that fall due; "Generate now" makes the next one today.

pub mod api;
pub mod cadence;
pub mod forms;

pub use api::*;
pub use cadence::{Cadence, Frequency, MAX_INTERVAL, MAX_OCCURRENCES};
pub use forms::{LineForm, ScheduleForm, ScheduleInput};

use crate::ids::{ClientId, ProjectId, ScheduleId};
use crate::invoices::{Choice, InvoiceSummary, TaxTreatment};
use crate::money::{CurrencyCode, Money};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const NAME_MAX_CHARS: usize = 200;
pub const NOTES_MAX_CHARS: usize = 2000;
pub const LINE_DESCRIPTION_MAX_CHARS: usize = 500;
pub const MAX_LINES: usize = 50;
pub const MAX_NET_TERMS_DAYS: i32 = 365;
/// A business has at most this many schedules; the list shows them all.
pub const MAX_SCHEDULES: i64 = 500;

crate::text_enum! {
    pub enum ScheduleStatus {
        Active = "active",
        Paused = "paused",
        Ended = "ended",
    }
}

impl ScheduleStatus {
    pub fn label(self) -> &'static str {
        match self {
            ScheduleStatus::Active => "Active",
            ScheduleStatus::Paused => "Paused",
            ScheduleStatus::Ended => "Ended",
        }
    }
}

/// A fixed line every generated invoice carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleLine {
    pub description: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub id: ScheduleId,
    pub name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub project_id: Option<ProjectId>,
    pub project_name: Option<String>,
    pub currency: CurrencyCode,
    pub tax_treatment: TaxTreatment,
    pub cadence: Cadence,
    pub net_terms_days: i32,
    pub auto_issue: bool,
    pub status: ScheduleStatus,
    pub notes: String,
    /// Invoices made so far.
    pub generated_count: u32,
    /// See [`Cadence::next_date`].
    pub cadence_offset: i32,
    /// The next occurrence's date; `None` once the schedule has none left.
    pub next_run_on: Option<NaiveDate>,
    pub last_run_at: Option<DateTime<Utc>>,
    /// Why the last run failed; cleared by the next success.
    pub last_error: Option<String>,
    pub lines: Vec<ScheduleLine>,
}

impl Schedule {
    /// The lines' sum, before VAT.
    pub fn subtotal(&self) -> Money {
        Money::new(self.lines.iter().map(|l| l.amount_minor).sum(), self.currency)
    }

    pub fn line_amount(&self, line: &ScheduleLine) -> Money {
        Money::new(line.amount_minor, self.currency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePage {
    pub schedule: Schedule,
    /// The few invoice dates after `next_run_on`, while the schedule is active.
    pub upcoming: Vec<NaiveDate>,
    /// The invoices it made, newest first (at most [`GENERATED_LIMIT`]).
    pub generated: Vec<InvoiceSummary>,
}

/// The detail page lists at most this many of a schedule's invoices.
pub const GENERATED_LIMIT: i64 = 100;

/// What the new and edit forms offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleOptions {
    pub clients: Vec<Choice>,
    /// "Project (Client)", with the client's id.
    pub projects: Vec<Choice>,
    pub currency: String,
    pub today: NaiveDate,
    /// The business's standard VAT rate, when set.
    pub standard_rate: Option<String>,
}

/// What the edit form needs: the schedule and the clients and projects to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEdit {
    pub schedule: Schedule,
    pub clients: Vec<Choice>,
    pub projects: Vec<Choice>,
}

/// What one sweep of the runner did, for logs and `POST /api/cron/run`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    /// Invoices made.
    pub generated: u32,
    /// Of those, issued at once.
    pub issued: u32,
    /// Schedules whose run failed (their `last_error` says why).
    pub failed: u32,
    /// Schedules that reached their end.
    pub ended: u32,
}
