//! The Invoices card of `/settings`: VAT rate and number, payment terms, country and e-invoices,
//! billing rounding, the next invoice number.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FormError, SavedNotice, SubmitButton, TextField,
};
use crate::components::rounding::rounding_fields;
use crate::invoices::rounding::{RoundingForm, RoundingRule};
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
                                <TextField id="settings-country" name="form[country]" label="Your country code" maxlength=2
                                    hint="Two letters, like DE or FR. E-invoices need it."
                                    value=current.country_code.clone().unwrap_or_default() error=field_error(error, "country") />
                                <div class="field checkbox">
                                    <input id="settings-einvoicing" type="checkbox" name="form[einvoicing]" value="on"
                                        checked=current.einvoicing aria-describedby="settings-einvoicing-hint" />
                                    <label for="settings-einvoicing">"Make e-invoices (Factur-X)"</label>
                                    <p class="hint" id="settings-einvoicing-hint">"Issued invoices and credit notes download as PDF/A-3 with their EN 16931 XML inside, readable by accounting software. Each invoice also offers the XML alone (CII and UBL)."</p>
                                </div>
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

/// The business's billing rounding form.
fn rounding_form(
    action: ServerAction<SetBillingRounding>,
    error: Signal<Option<crate::error::AppError>>,
    rule: &Option<RoundingRule>,
    can_edit: bool,
) -> impl IntoView {
    let current = RoundingForm::of(rule.as_ref());
    view! {
        <ActionForm action on:submit:capture=validate_before_posting(action, |a: &SetBillingRounding| a.form.validate().map(|_| ()))>
            <fieldset disabled=!can_edit>
                {rounding_fields("settings", current, error, false)}
                <FormError error />
                <SubmitButton label="Save rounding" busy_label="Saving…" pending=action.pending() />
                <SavedNotice action />
            </fieldset>
        </ActionForm>
    }
}
