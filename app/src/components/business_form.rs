//! The "create a business" form, shared by onboarding and the switcher's "Create business" page.

use crate::business::CreateBusiness;
use crate::components::form::{action_error, field_error, FieldError, FormError, SubmitButton, TextField};
use crate::currency::CURRENCIES;
use leptos::prelude::*;

const DEFAULT_CURRENCY: &str = "EUR";

#[component]
pub fn BusinessForm(action: ServerAction<CreateBusiness>, submit_label: &'static str) -> impl IntoView {
    let error = action_error(action);
    let currency_error = field_error(error, "currency");
    let options = CURRENCIES
        .iter()
        .map(|c| view! { <option value=c.code selected=c.code == DEFAULT_CURRENCY>{format!("{} · {}", c.code, c.name)}</option> })
        .collect_view();
    view! {
        <ActionForm action>
            <TextField
                id="business-name"
                name="name"
                label="Business name"
                autocomplete="organization"
                required=true
                maxlength=100
                error=field_error(error, "name")
            />
            <div class="field">
                <label for="business-currency">"Base currency"</label>
                <p class="hint" id="business-currency-hint">
                    "Reports total up in this currency. Each invoice can still use its own."
                </p>
                <select
                    id="business-currency"
                    name="currency"
                    required
                    aria-describedby=move || {
                        if currency_error.get().is_some() {
                            "business-currency-hint business-currency-error"
                        } else {
                            "business-currency-hint"
                        }
                    }
                >
                    {options}
                </select>
                <FieldError id="business-currency-error".to_owned() message=currency_error />
            </div>
            <FormError error />
            <SubmitButton label=submit_label busy_label="Creating…" pending=action.pending() />
        </ActionForm>
    }
}
