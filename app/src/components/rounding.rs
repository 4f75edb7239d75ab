//! The billing rounding fields, shared by Settings → Invoices and a client's own rule.

use crate::components::form::{field_error, SelectField, TextField};
use crate::error::AppError;
use crate::invoices::rounding::{minutes_label, RoundingForm, FOLLOW_BUSINESS, STEPS};
use leptos::prelude::*;

/// What to round, which way, to what step, and a minimum per entry, named `form[...]` as
/// [`RoundingForm`] reads them. `follow_business` offers the business's rule as the first choice.
pub fn rounding_fields(
    prefix: &'static str,
    current: RoundingForm,
    error: Signal<Option<AppError>>,
    follow_business: bool,
) -> impl IntoView {
    let pairs =
        |items: &[(&str, &str)]| items.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect::<Vec<_>>();
    let mut scopes = if follow_business { pairs(&[(FOLLOW_BUSINESS, "Use the business's rule")]) } else { Vec::new() };
    scopes.extend(pairs(&[
        ("none", "Bill time as tracked"),
        ("entry", "Round each entry"),
        ("line", "Round each line's total"),
    ]));
    let directions = pairs(&[("up", "Up"), ("down", "Down"), ("nearest", "To the nearest")]);
    let steps = STEPS.iter().map(|s| (s.to_string(), minutes_label(*s))).collect();
    view! {
        <SelectField id=format!("{prefix}-rounding-scope") name="form[scope]" label="Rounding" options=scopes
            selected=current.scope error=field_error(error, "scope") />
        <div class="two-columns">
            <SelectField id=format!("{prefix}-rounding-direction") name="form[direction]" label="Direction" options=directions
                selected=current.direction error=field_error(error, "direction") />
            <SelectField id=format!("{prefix}-rounding-step") name="form[step]" label="Step" options=steps
                selected=current.step error=field_error(error, "step") />
        </div>
        <TextField id=format!("{prefix}-rounding-minimum") name="form[minimum]" label="Minimum per entry (minutes)" kind="number"
            hint="Each entry bills at least this long; 0 for no minimum."
            value=current.minimum error=field_error(error, "minimum") />
    }
}
