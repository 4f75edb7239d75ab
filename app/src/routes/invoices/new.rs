//! `/invoices/new`: a draft for a client (`?client=` preselects one).

use super::editor::DraftFields;
use crate::components::form::{action_error, validate_before_posting, SubmitButton};
use crate::components::loading::Load;
use crate::invoices::forms::DraftForm;
use crate::invoices::{new_invoice_defaults, CreateInvoice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewInvoicePage() -> impl IntoView {
    let action = ServerAction::<CreateInvoice>::new();
    let error = action_error(action);
    let query = use_query_map();
    let defaults = Resource::new(|| (), |_| new_invoice_defaults());
    view! {
        <Title text="New invoice" />
        <section class="page narrow">
            <h1>"New invoice"</h1>
            <Load resource=defaults let:defaults>
                {
                    let client = query.read_untracked().get("client").unwrap_or_default();
                    let form = DraftForm {
                        client_id: client,
                        currency: defaults.currency.clone(),
                        issue_date: defaults.issue_date.to_string(),
                        due_date: defaults.due_date.to_string(),
                        tax_treatment: if defaults.standard_rate.is_some() { "standard" } else { "zero_rated" }.to_owned(),
                        ..DraftForm::default()
                    };
                    let hint = if defaults.standard_rate.is_none() {
                        Some("Set your standard VAT rate in Settings → General to use the standard treatment.")
                    } else {
                        None
                    };
                    view! {
                        <ActionForm action on:submit:capture=validate_before_posting(action, |a: &CreateInvoice| a.form.validate().map(|_| ()))>
                            <DraftFields prefix="form" form clients=defaults.clients projects=defaults.projects error vat_hint=hint />
                            <SubmitButton label="Create draft" busy_label="Creating…" pending=action.pending() />
                        </ActionForm>
                    }
                }
            </Load>
        </section>
    }
}
