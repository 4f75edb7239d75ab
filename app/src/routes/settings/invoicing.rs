//! The Invoices card of `/settings`: VAT rate and number, payment terms, billing rounding, the next
//! invoice number.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FormError, SavedNotice, SelectField, SubmitButton, TextField,
};
use crate::invoices::rounding::{minutes_label, RoundingForm, RoundingRule, STEPS};
use crate::invoices::{get_invoice_settings, ConfigureNextNumber, SetBillingRounding, UpdateInvoiceSettings};
use leptos::prelude::*;

#[component]
pub fn InvoiceSettingsCard() -> impl IntoView {
    let save = ServerAction::<UpdateInvoiceSettings>::new();
    let numbering = ServerAction::<ConfigureNextNumber>::new();
    let rounding = ServerAction::<SetBillingRounding>::new();
    let settings = Resource::new(
        move || (save.version().get(), numbering.version().get(), rounding.version().get()),
        |_| get_invoice_settings(),
    );
    let error = action_error(save);
    let rounding_error = action_error(rounding);
    let number_error = action_error(numbering);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // Without settings.view the General card already says so; this one stays away.
                let Ok(current) = settings.await else { return ().into_any() };
                view! {
                    <div class="card narrow">
                        <h2>"Invoices"</h2>
                        <ActionForm action=save on:submit:capture=validate_before_posting(save, |a: &UpdateInvoiceSettings| a.form.validate().map(|_| ()))>
                            <fieldset disabled=!current.can_edit>
                                <div class="two-columns">
                                    <TextField id="settings-vat-rate" name="form[vat_rate]" label="Standard VAT rate (%)"
                                        hint="Required for standard-rate invoices, e.g. 21."
                                        value=current.vat_rate_percent.clone().unwrap_or_default() error=field_error(error, "vat_rate") />
                                    <TextField id="settings-vat-number" name="form[vat_number]" label="Your VAT number"
                                        hint="Required for reverse-charge invoices." maxlength=50
                                        value=current.vat_number.clone() error=field_error(error, "vat_number") />
                                </div>
                                <TextField id="settings-terms" name="form[payment_terms]" label="Payment terms (days)" kind="number"
                                    hint="New invoices are due this many days after they are issued."
                                    value=current.payment_terms_days.to_string() error=field_error(error, "payment_terms") />
                                <FormError error />
                                <SubmitButton label="Save invoice settings" busy_label="Saving…" pending=save.pending() />
                                <SavedNotice action=save />
                            </fieldset>
                        </ActionForm>
                        <h3>"Billing rounding"</h3>
                        <p class="hint">{format!("{}. Tracked time is never changed; an invoice keeps the rule it was first generated with.", RoundingRule::describe(current.rounding.as_ref()))}</p>
                        {rounding_form(rounding, rounding_error, &current.rounding, current.can_edit)}
                        <h3>"Numbering"</h3>
                        <p class="hint">{format!("Invoices are numbered YYYY-NNNN per year. The next invoice of {} gets number {}.", current.year, crate::invoices::format_number(current.year, current.next_number))}</p>
                        <ActionForm action=numbering>
                            <fieldset disabled=!current.can_configure>
                                <input type="hidden" name="year" value=current.year.to_string() />
                                <TextField id="settings-next-number" name="next_number" label=format!("Next invoice number for {}", current.year)
                                    kind="number" hint="To continue from another tool; it must be above the last number issued this year."
                                    value=current.next_number.to_string() error=field_error(number_error, "next_number") />
                                <FormError error=number_error />
                                <SubmitButton label="Set next number" busy_label="Saving…" pending=numbering.pending() />
                                <SavedNotice action=numbering />
                            </fieldset>
                        </ActionForm>
                    </div>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// The billing rounding form: what to round, which way, to what step, and a minimum per entry.
fn rounding_form(
    action: ServerAction<SetBillingRounding>,
    error: Signal<Option<crate::error::AppError>>,
    rule: &Option<RoundingRule>,
    can_edit: bool,
) -> impl IntoView {
    let current = RoundingForm::of(rule.as_ref());
    let pairs =
        |items: &[(&str, &str)]| items.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect::<Vec<_>>();
    let scopes =
        pairs(&[("none", "Bill time as tracked"), ("entry", "Round each entry"), ("line", "Round each line's total")]);
    let directions = pairs(&[("up", "Up"), ("down", "Down"), ("nearest", "To the nearest")]);
    let steps = STEPS.iter().map(|s| (s.to_string(), minutes_label(*s))).collect();
    view! {
        <ActionForm action on:submit:capture=validate_before_posting(action, |a: &SetBillingRounding| a.form.validate().map(|_| ()))>
            <fieldset disabled=!can_edit>
                <SelectField id="settings-rounding-scope" name="form[scope]" label="Rounding" options=scopes
                    selected=current.scope error=field_error(error, "scope") />
                <div class="two-columns">
                    <SelectField id="settings-rounding-direction" name="form[direction]" label="Direction" options=directions
                        selected=current.direction error=field_error(error, "direction") />
                    <SelectField id="settings-rounding-step" name="form[step]" label="Step" options=steps
                        selected=current.step error=field_error(error, "step") />
                </div>
                <TextField id="settings-rounding-minimum" name="form[minimum]" label="Minimum per entry (minutes)" kind="number"
                    hint="Each entry bills at least this long; 0 for no minimum."
                    value=current.minimum error=field_error(error, "minimum") />
                <FormError error />
                <SubmitButton label="Save rounding" busy_label="Saving…" pending=action.pending() />
                <SavedNotice action />
            </fieldset>
        </ActionForm>
    }
}
