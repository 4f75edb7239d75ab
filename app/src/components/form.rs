//! Form building blocks. Every input has a visible label; a field's error sits right under it in a
//! `role="alert"` element the input points at with `aria-describedby`.

use crate::error::AppError;
use leptos::prelude::*;
use server_fn::ServerFn;

/// `aria-describedby` for a field: its hint, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> {
    move || {
        let ids: Vec<&str> =
            [hint_id.as_deref(), error.get().map(|_| error_id.as_str())].into_iter().flatten().collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The error of an action's last run, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// An `on:submit:capture` handler for an `ActionForm`: runs the same validation the server runs on
/// the posted arguments, in the browser, before anything is sent. When it fails the errors appear
/// beside their fields exactly as the server's would, and nothing is posted. (Without JavaScript
/// the server's validation does the same job after the post.)
pub fn validate_before_posting<S>(
    action: ServerAction<S>,
    check: impl Fn(&S) -> Result<(), crate::validation::FieldErrors> + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static
where
    S: ServerFn<Error = AppError> + leptos::form::FromFormData + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move |ev: leptos::ev::SubmitEvent| {
        let Ok(input) = S::from_event(&ev) else { return };
        if let Err(errors) = check(&input) {
            ev.prevent_default();
            action.value().set(Some(Err(AppError::Validation(errors))));
        }
    }
}

/// The message for one field from an action's error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_message(field)))
}

#[component]
pub fn TextField(
    /// Unique on the page; ties the label and the error to the input.
    #[prop(into)]
    id: String,
    /// The form field name the server function reads.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                minlength=minlength
                maxlength=maxlength
                value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            <FieldError id=error_id message=error />
        </div>
    }
}

/// A field's error message, announced by screen readers as soon as it appears.
#[component]
pub fn FieldError(id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || message.get().map(|text| view! { <p class="field-error" role="alert" id=id.clone()>{text}</p> })
}

/// The form-level error (wrong password, rate limit, server trouble) above the submit button.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.form_message()).map(|text| view! { <p class="form-error" role="alert">{text}</p> })
    }
}

/// A submit button that says what it is doing while the action runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" aria-disabled=move || pending.get().then_some("true")>
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}

/// A labelled `<select>` with its error, like [`TextField`].
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), error);
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <select
                id=id
                name=name
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            >
                {options}
            </select>
            <FieldError id=error_id message=error />
        </div>
    }
}

/// A short-lived confirmation ("Saved.") after an action succeeds, announced politely.
#[component]
pub fn SavedNotice<S>(action: ServerAction<S>, #[prop(default = "Saved.")] text: &'static str) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let saved = move || matches!(action.value().get(), Some(Ok(_))) && !action.pending().get();
    view! { <p class="saved" role="status">{move || saved().then_some(text)}</p> }
}
