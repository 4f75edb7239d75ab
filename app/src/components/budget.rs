//! A budget's use: the figures in words, and a bar drawn as SVG on the server (readable without
//! JavaScript; the words carry the data, the bar repeats them).

use crate::budgets::{BudgetStatus, BudgetUse, NEAR_BASIS_POINTS};
use leptos::prelude::*;

/// "Used 650.00 EUR of 1,000.00 EUR (65.0 %) · On track", or why it cannot be compared.
pub fn summary(usage: &BudgetUse) -> String {
    match (&usage.consumed, usage.status) {
        (Some(consumed), Some(status)) => {
            let share = usage.percent_label().map(|p| format!(" ({p})")).unwrap_or_default();
            format!("Used {} of {}{share} · {}", consumed.format(), usage.budget.format(), status.label())
        }
        _ => {
            let currencies = usage.not_comparable.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
            format!(
                "Budget {}: not comparable, time was logged in {currencies} and there is no ECB rate to {} yet.",
                usage.budget.format(),
                usage.budget.currency
            )
        }
    }
}

#[component]
pub fn BudgetBar(label: String, usage: BudgetUse) -> impl IntoView {
    let text = summary(&usage);
    let status = usage.status.map_or("unknown", BudgetStatus::as_str);
    let fill = usage.fill_percent();
    let near = NEAR_BASIS_POINTS / 100;
    let comparable = usage.status.is_some();
    view! {
        <div class="budget">
            <p><strong>{label}</strong>": "{text.clone()}</p>
            {comparable.then(|| view! {
                <svg class=format!("budget-bar budget-{status}") viewBox="0 0 100 10" preserveAspectRatio="none"
                    role="img" aria-label=text width="100%" height="10">
                    <rect class="track" x="0" y="0" width="100" height="10" rx="2" />
                    <rect class="fill" x="0" y="0" width=fill.to_string() height="10" rx="2" />
                    <line class="mark" x1=near.to_string() x2=near.to_string() y1="0" y2="10" />
                </svg>
            })}
        </div>
    }
}
