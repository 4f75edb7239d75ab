//! `/settings/branding`: the logo, the accent colour of invoices and their footer note.

use crate::branding::{
    contrast_warning, get_branding, LogoProblem, UpdateBranding, FOOTER_NOTE_MAX_CHARS, LOGO_MAX_BYTES,
};
use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SavedNotice, SubmitButton, TextField,
};
use crate::components::loading::Load;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
                    <LogoCard logo_url=current.logo_url.clone() can_edit=current.can_edit />
                }
            }
        </Load>
    }
}

/// Upload and removal are plain multipart form posts to `/api/branding/logo` (they work without
/// JavaScript); the server answers with a redirect back here carrying `?logo=<outcome>`.
#[component]
fn LogoCard(logo_url: Option<String>, can_edit: bool) -> impl IntoView {
    let query = use_query_map();
    let outcome = query.read_untracked().get("logo").unwrap_or_default();
    let problem = LogoProblem::parse(&outcome);
    let status = match outcome.as_str() {
        "saved" => Some("Logo saved."),
        "removed" => Some("Logo removed."),
        _ => None,
    };
    // With JavaScript, a file that is too large is caught before it is sent.
    let browser_error = RwSignal::new(None::<String>);
    let error = Signal::derive(move || browser_error.get().or_else(|| problem.map(|p| p.to_string())));
    let check_before_sending = move |ev: leptos::ev::SubmitEvent| {
        let input = document().get_element_by_id("logo-file").and_then(|e| {
            use wasm_bindgen::JsCast;
            e.dyn_into::<web_sys::HtmlInputElement>().ok()
        });
        let file = input.and_then(|i| i.files()).and_then(|files| files.get(0));
        let refused = match file {
            None => Some(LogoProblem::Empty),
            Some(file) if file.size() > LOGO_MAX_BYTES as f64 => Some(LogoProblem::TooLarge),
            Some(_) => None,
        };
        if let Some(refused) = refused {
            ev.prevent_default();
            browser_error.set(Some(refused.to_string()));
        }
    };
    let has_logo = logo_url.is_some();
    view! {
        <section class="card narrow" aria-labelledby="logo-heading">
            <h2 id="logo-heading">"Logo"</h2>
            <p class="hint">"Shown at the top of your invoices and in the app's sidebar."</p>
            {match logo_url {
                Some(url) => view! { <img class="logo-preview" src=url alt="Your current logo" /> }.into_any(),
                None => view! { <p class="hint">"No logo yet."</p> }.into_any(),
            }}
            {status.map(|text| view! { <p class="saved" role="status">{text}</p> })}
            {can_edit.then(|| view! {
                <form method="post" action="/api/branding/logo" enctype="multipart/form-data" on:submit=check_before_sending>
                    <div class="field">
                        <label for="logo-file">"Logo image"</label>
                        <p class="hint" id="logo-file-hint">"PNG, JPEG, WebP or SVG, up to 1.5 MB. It is stored as a PNG of at most 800 × 800 pixels."</p>
                        <input id="logo-file" type="file" name="logo" accept="image/png,image/jpeg,image/webp,image/svg+xml"
                            aria-describedby="logo-file-hint logo-file-error"
                            aria-invalid=move || error.get().map(|_| "true")
                            on:change=move |_| browser_error.set(None) />
                        <FieldError id="logo-file-error".to_owned() message=error />
                    </div>
                    <button type="submit" class="primary">"Upload logo"</button>
                </form>
                {has_logo.then(|| view! {
                    <form method="post" action="/api/branding/logo/remove">
                        <button type="submit" class="danger">"Remove logo"</button>
                    </form>
                })}
            })}
        </section>
    }
}
