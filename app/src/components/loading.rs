//! What a page shows while its data loads, and when it cannot be loaded.

use crate::error::AppError;
use leptos::prelude::*;

/// The `<Transition>`/`<Suspense>` fallback of every page, announced politely.
pub fn loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// Why a page's data could not be loaded (not found, no permission, server trouble).
#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    view! { <p class="form-error" role="alert">{error.to_string()}</p> }
}
