//! `/invoices/recurring`, `/invoices/recurring/new`, `/invoices/recurring/:id` and its edit page.

pub mod detail;
pub mod form;
pub mod list;

use crate::recurring::{Schedule, ScheduleStatus};
use leptos::prelude::*;

/// The status as a badge whose text says it (colour only repeats it).
#[component]
pub fn ScheduleBadge(status: ScheduleStatus) -> impl IntoView {
    view! { <span class=format!("badge schedule-{}", status.as_str())>{status.label()}</span> }
}

/// "Never", "On 2027-06-30", "After 12 invoices", or both.
pub fn ends_text(schedule: &Schedule) -> String {
    let cadence = &schedule.cadence;
    match (cadence.end, cadence.limit) {
        (None, None) => "Never".to_owned(),
        (Some(end), None) => format!("On {end}"),
        (None, Some(limit)) => format!("After {limit} invoice{}", if limit == 1 { "" } else { "s" }),
        (Some(end), Some(limit)) => format!("On {end} or after {limit} invoices, whichever comes first"),
    }
}
