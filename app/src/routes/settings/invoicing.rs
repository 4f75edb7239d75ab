//! The Invoices card of `/settings`: VAT rate and number, payment terms, the next invoice number.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FormError, SavedNotice, SubmitButton, TextField,
};
use crate::invoices::{get_invoice_settings, ConfigureNextNumber, UpdateInvoiceSettings};
use leptos::prelude::*;

#[component]
pub fn InvoiceSettingsCard() -> impl IntoView {
    let save = ServerAction::<UpdateInvoiceSettings>::new();
    let numbering = ServerAction::<ConfigureNextNumber>::new();
    let settings = Resource::new(move || (save.version().get(), numbering.version().get()), |_| get_invoice_settings());
    let error = action_error(save);
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
