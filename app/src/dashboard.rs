//! The dashboard (PRODUCT §3.13): what is owed, this week's hours, open work, unbilled time, the
//! latest invoices and activity, read in one SQL statement. Each part is `None` when the member may
//! not see what it summarises (a contractor sees their own hours, not what clients owe).

use crate::clients::TimelineEntry;
use crate::error::AppResult;
use crate::ids::ClientId;
use crate::invoices::InvoiceSummary;
use crate::money::Money;
use crate::time::RunningTimer;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many invoices and activity items the dashboard lists.
pub const RECENT_INVOICES: i64 = 5;
pub const RECENT_ACTIVITY: i64 = 6;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub business_name: String,
    /// The business's local date, and the Monday of its week.
    pub today: NaiveDate,
    pub week_start: NaiveDate,
    pub getting_started: GettingStarted,
    /// Sent invoices, overdue included (`invoices.view`).
    pub outstanding: Option<Outstanding>,
    /// The member's own stopped entries this week (`time.viewOwn` or `time.log`).
    pub week: Option<WeekHours>,
    /// Active projects (`projects.view`).
    pub active_projects: Option<i64>,
    /// Tasks not done (`tasks.view`).
    pub open_tasks: Option<i64>,
    /// Stopped, billable time on no invoice line yet (`invoices.view`).
    pub unbilled: Option<Unbilled>,
    /// Unpaid expenses per currency (`expenses.view`).
    pub unpaid_expenses: Option<Vec<Money>>,
    /// Newest first (`invoices.view`).
    pub recent_invoices: Option<Vec<InvoiceSummary>>,
    /// The business's latest client activity, newest first (`clients.view`).
    pub activity: Option<Vec<Activity>>,
    /// The member's running timer, and whether it has run past the forgotten-timer threshold.
    pub timer: Option<RunningTimer>,
    pub timer_forgotten: bool,
}

/// The first steps of a new business, ticked off as they happen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GettingStarted {
    pub client: bool,
    pub project: bool,
    pub time: bool,
    pub invoice: bool,
}

impl GettingStarted {
    pub fn done(&self) -> bool {
        self.client && self.project && self.time && self.invoice
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outstanding {
    /// Per currency: everything sent and unpaid, and the overdue part of it.
    pub totals: Vec<OutstandingTotal>,
    pub count: i64,
    pub overdue_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutstandingTotal {
    pub total: Money,
    pub overdue: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours {
    pub seconds: i64,
    /// Distinct projects the time went to.
    pub projects: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unbilled {
    pub seconds: i64,
    pub entries: i64,
    /// What it would bill per currency: each rate's hours priced once, half-up.
    pub values: Vec<Money>,
    /// Entries without a rate, which "Generate lines" leaves out until they get one.
    pub unpriced_seconds: i64,
}

/// One timeline item with the client it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub client_id: ClientId,
    pub client_name: String,
    pub entry: TimelineEntry,
}

#[server(prefix = "/api", endpoint = "dashboard/summary")]
pub async fn dashboard_summary() -> AppResult<Dashboard> {
    crate::server::dashboard::summary(&crate::server::business()?).await
}
