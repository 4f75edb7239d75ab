//! `/invoices`, `/invoices/new` and `/invoices/:id`.

pub mod actions;
pub mod credit;
pub mod detail;
pub mod editor;
pub mod list;
pub mod new;
pub mod pdf;

use crate::invoices::Shown;
use leptos::prelude::*;

/// The status as a badge whose text says it (colour only repeats it).
#[component]
pub fn StatusBadge(shown: Shown) -> impl IntoView {
    view! { <span class=format!("badge status-{}", shown.as_str())>{shown.label()}</span> }
}
