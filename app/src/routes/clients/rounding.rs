//! A client's billing rounding: its own rule, or the business's.

use crate::clients::SetClientBillingRounding;
use crate::components::form::{action_error, validate_before_posting, FormError, SavedNotice, SubmitButton};
use crate::components::rounding::rounding_fields;
use crate::ids::ClientId;
use crate::invoices::rounding::{ClientRounding, RoundingForm, RoundingRule};
use leptos::prelude::*;

/// What the client's invoices round to, and (for those who manage rates) the form to change it.
#[component]
pub fn ClientRoundingCard(
    client_id: ClientId,
    rule: Option<ClientRounding>,
    can_manage: bool,
    action: ServerAction<SetClientBillingRounding>,
) -> impl IntoView {
    let error = action_error(action);
    let summary = match rule {
        None => "Follows the business's rule (Settings → Invoices).".to_owned(),
        Some(own) => format!("{}, for this client only.", RoundingRule::describe(own.0.as_ref())),
    };
    let current = RoundingForm::of_client(rule.as_ref());
    view! {
        <section class="card" aria-labelledby="rounding-heading">
            <h2 id="rounding-heading">"Billing rounding"</h2>
            <p class="hint">{summary}" Tracked time is never changed; an invoice keeps the rule it was first generated with."</p>
            {can_manage.then(|| view! {
                <ActionForm action on:submit:capture=validate_before_posting(action, |a: &SetClientBillingRounding| {
                    a.form.validate_for_client().map(|_| ())
                })>
                    <input type="hidden" name="client_id" value=client_id.to_string() />
                    {rounding_fields("client", current, error, true)}
                    <FormError error />
                    <SubmitButton label="Save client rounding" busy_label="Saving…" pending=action.pending() />
                    <SavedNotice action />
                </ActionForm>
            })}
        </section>
    }
}
