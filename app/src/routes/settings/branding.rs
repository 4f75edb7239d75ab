//! `/settings/branding`: the accent colour of invoices and their footer note.

use crate::branding::{contrast_warning, get_branding, UpdateBranding, FOOTER_NOTE_MAX_CHARS};
use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SavedNotice, SubmitButton, TextField,
};
use crate::components::loading::Load;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BrandingPage() -> impl IntoView {
    let save = ServerAction::<UpdateBranding>::new();
    let branding = Resource::new(move || save.version().get(), |_| get_branding());
    let error = action_error(save);
    view! {
        <Title text="Branding" />
        <Load resource=branding let:current>
            {
                let warning = contrast_warning(&current.brand_color);
                view! {
                    <div class="card narrow">
                        <h2>"Branding"</h2>
                        <p class="hint">"How your invoices look: the accent colour of headings and the note printed at the end."</p>
                        {(!current.can_edit).then(|| view! { <p class="hint">"You can see the branding but not change it."</p> })}
                        <ActionForm action=save on:submit:capture=validate_before_posting(save, |a: &UpdateBranding| a.form.validate().map(|_| ()))>
                            <fieldset disabled=!current.can_edit>
                                <TextField id="brand-color" name="form[brand_color]" label="Brand colour"
                                    hint="# and six hex digits, like #228E80." maxlength=7
                                    value=current.brand_color.clone() error=field_error(error, "brand_color") />
                                // An SVG fill, not a style attribute: the page's CSP allows no inline styles.
                                <svg class="swatch" width="48" height="24" aria-hidden="true">
                                    <rect x="0.5" y="0.5" width="47" height="23" rx="6" fill=current.brand_color.clone() stroke="#dde3e8" />
                                </svg>
                                {warning.map(|text| view! { <p class="notice" role="status">{text}</p> })}
                                <div class="field">
                                    <label for="footer-note">"Footer note"</label>
                                    <p class="hint" id="footer-note-hint">{format!("Printed at the end of every invoice; at most {FOOTER_NOTE_MAX_CHARS} characters.")}</p>
                                    <textarea id="footer-note" name="form[footer_note]" rows="3" maxlength=FOOTER_NOTE_MAX_CHARS
                                        aria-describedby="footer-note-hint footer-note-error">{current.footer_note.clone()}</textarea>
                                    <FieldError id="footer-note-error".to_owned() message=field_error(error, "footer_note") />
                                </div>
                                <FormError error />
                                <SubmitButton label="Save branding" busy_label="Saving…" pending=save.pending() />
                                <SavedNotice action=save />
                            </fieldset>
                        </ActionForm>
                    </div>
                }
            }
        </Load>
    }
}
