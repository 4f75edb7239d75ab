//! Money inputs: an amount typed as text (parsed by `money::parse_amount` on both sides), a
//! currency from the ISO list, and for rates a per-hour/per-day unit.

use crate::components::form::FieldError;
use crate::currency::CURRENCIES;
use crate::money::{format_plain, Money, RateUnit};
use leptos::prelude::*;

/// `<option>`s for every currency, with `selected` marked.
pub fn currency_options(selected: &str) -> impl IntoView {
    CURRENCIES
        .iter()
        .map(|c| view! { <option value=c.code selected=c.code == selected>{format!("{} · {}", c.code, c.name)}</option> })
        .collect_view()
}

/// Amount + currency (+ unit for rates) under one legend. Field names are `{prefix}amount`,
/// `{prefix}currency`, `{prefix}unit`; error keys follow the same names.
/// The errors of one money field group (`group` as in [`crate::validation::money_key`]), in the
/// order `MoneyFields` takes them.
pub fn money_errors(error: Signal<Option<crate::error::AppError>>, group: &'static str) -> [Signal<Option<String>>; 3] {
    crate::validation::MONEY_PARTS.map(|part| {
        let key = crate::validation::money_key(group, part);
        Signal::derive(move || error.get().and_then(|e| e.field_message(&key)))
    })
}

#[component]
pub fn MoneyFields(
    /// Unique on the page, used for element ids.
    #[prop(into)]
    id: String,
    /// The legend, e.g. "Default rate"; labels read "Default rate amount", "… currency", "… unit".
    #[prop(into)]
    legend: String,
    /// Prefix of the form field names, e.g. `form[rate_`.
    #[prop(into)]
    name_prefix: String,
    /// Suffix closing the names, e.g. `]` for nested names, empty for flat ones.
    #[prop(optional, into)]
    name_suffix: String,
    #[prop(default = None)] initial: Option<Money>,
    #[prop(default = None)] initial_unit: Option<RateUnit>,
    /// Show the per-hour/per-day choice.
    #[prop(optional)]
    with_unit: bool,
    #[prop(into)] default_currency: String,
    #[prop(optional)] hint: Option<&'static str>,
    /// Errors for amount, currency and unit.
    errors: [Signal<Option<String>>; 3],
) -> impl IntoView {
    let [amount_error, currency_error, unit_error] = errors;
    let amount = initial.map(|m| format_plain(m.minor, m.currency.info().minor_units)).unwrap_or_default();
    let currency = initial.map(|m| m.currency.to_string()).unwrap_or(default_currency);
    let unit = initial_unit.unwrap_or(RateUnit::Hour);
    let field = |what: &str| format!("{name_prefix}{what}{name_suffix}");
    let ids = (format!("{id}-amount"), format!("{id}-currency"), format!("{id}-unit"));
    view! {
        <fieldset class="money">
            <legend>{legend.clone()}</legend>
            {hint.map(|text| view! { <p class="hint">{text}</p> })}
            <div class="money-row">
                <div class="field">
                    <label for=ids.0.clone()>{format!("{legend} amount")}</label>
                    <input
                        id=ids.0.clone()
                        name=field("amount")
                        inputmode="decimal"
                        autocomplete="off"
                        value=amount
                        aria-invalid=move || amount_error.get().map(|_| "true")
                        aria-describedby=format!("{}-error", ids.0)
                    />
                    <FieldError id=format!("{}-error", ids.0) message=amount_error />
                </div>
                <div class="field">
                    <label for=ids.1.clone()>{format!("{legend} currency")}</label>
                    <select id=ids.1.clone() name=field("currency") aria-describedby=format!("{}-error", ids.1)>
                        {currency_options(&currency)}
                    </select>
                    <FieldError id=format!("{}-error", ids.1) message=currency_error />
                </div>
                {with_unit.then(|| view! {
                    <div class="field">
                        <label for=ids.2.clone()>{format!("{legend} unit")}</label>
                        <select id=ids.2.clone() name=field("unit")>
                            <option value="hour" selected=unit == RateUnit::Hour>"Per hour"</option>
                            <option value="day" selected=unit == RateUnit::Day>"Per day"</option>
                        </select>
                        <FieldError id=format!("{}-error", ids.2) message=unit_error />
                    </div>
                })}
            </div>
        </fieldset>
    }
    .into_any()
}
