//! `/expenses`, `/expenses/new`, `/expenses/:id` and `/expenses/:id/edit`.

pub mod detail;
pub mod form;
pub mod list;

use crate::expenses::ExpenseStatus;
use leptos::prelude::*;

/// The status as a badge whose text says it (colour only repeats it).
#[component]
pub fn ExpenseStatusBadge(status: ExpenseStatus) -> impl IntoView {
    view! { <span class=format!("badge expense-{}", status.as_str())>{status.label()}</span> }
}

/// The receipts ZIP for a date range (either end may be empty).
pub fn receipts_zip_link(from: &str, to: &str) -> String {
    use leptos_router::location::Url;
    let mut link = String::from("/api/expenses/receipts");
    let parts: Vec<String> = [("from", from), ("to", to)]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", Url::escape(value)))
        .collect();
    if !parts.is_empty() {
        link.push('?');
        link.push_str(&parts.join("&"));
    }
    link
}
