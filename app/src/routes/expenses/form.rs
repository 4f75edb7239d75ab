//! `/expenses/new` and `/expenses/:id/edit`.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SelectField, SubmitButton, TextField,
};
use crate::components::gate::Require;
use crate::components::loading::LoadFailed;
use crate::components::money::currency_options;
use crate::error::AppError;
use crate::expenses::{
    expense_form_choices, get_expense, CreateExpense, Expense, ExpenseOptions, UpdateExpense, CATEGORY_MAX_CHARS,
    DESCRIPTION_MAX_CHARS, NOTES_MAX_CHARS, VENDOR_MAX_CHARS,
};
use crate::ids::param;
use crate::money::format_plain;
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn choices_with_none(none: &str, choices: &[crate::expenses::ExpenseChoice]) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(choices.iter().map(|c| (c.id.clone(), c.name.clone())))
        .collect()
}

#[component]
fn ExpenseFields(expense: Option<Expense>, options: ExpenseOptions, error: Signal<Option<AppError>>) -> impl IntoView {
    let fe = move |key: &'static str| field_error(error, key);
    let e = expense.as_ref();
    let amount = e.map(|e| format_plain(e.amount.minor, e.amount.currency.info().minor_units)).unwrap_or_default();
    let currency = e.map(|e| e.amount.currency.to_string()).unwrap_or_else(|| options.base_currency.clone());
    let date = e.map(|e| e.incurred_on).unwrap_or(options.today).to_string();
    let mut clients = choices_with_none("No client", &options.clients);
    let mut projects = choices_with_none("No project", &options.projects);
    // An archived client or a completed project stays selectable on the expense that has it.
    if let Some(e) = e {
        if let (Some(id), Some(name)) = (e.client_id, &e.client_name) {
            if !clients.iter().any(|(value, _)| *value == id.to_string()) {
                clients.push((id.to_string(), name.clone()));
            }
        }
        if let (Some(id), Some(name)) = (e.project_id, &e.project_name) {
            if !projects.iter().any(|(value, _)| *value == id.to_string()) {
                projects.push((id.to_string(), name.clone()));
            }
        }
    }
    let categories = options.categories.into_iter().map(|c| view! { <option value=c></option> }).collect_view();
    let category_error = fe("category");
    let notes_error = fe("notes");
    let billable_error = fe("billable");
    view! {
        <TextField id="expense-description" name="form[description]" label="Description" required=true
            maxlength=DESCRIPTION_MAX_CHARS as u32 hint="What it was for, as it should appear on an invoice if you bill it."
            value=e.map(|e| e.description.clone()).unwrap_or_default() error=fe("description") />
        <div class="two-columns">
            <TextField id="expense-amount" name="form[amount]" label="Amount" required=true value=amount error=fe("amount") />
            <div class="field">
                <label for="expense-currency">"Currency"</label>
                <select id="expense-currency" name="form[currency]" aria-describedby="expense-currency-error">
                    {currency_options(&currency)}
                </select>
                <FieldError id="expense-currency-error".to_owned() message=fe("currency") />
            </div>
        </div>
        <div class="two-columns">
            <TextField id="expense-date" name="form[incurred_on]" label="Date" kind="date" required=true value=date error=fe("incurred_on") />
            <TextField id="expense-vendor" name="form[vendor]" label="Vendor" maxlength=VENDOR_MAX_CHARS as u32
                value=e.map(|e| e.vendor.clone()).unwrap_or_default() error=fe("vendor") />
        </div>
        <div class="field">
            <label for="expense-category">"Category"</label>
            <p class="hint" id="expense-category-hint">"Free text; your earlier categories are suggested."</p>
            <input id="expense-category" name="form[category]" list="expense-categories" maxlength=CATEGORY_MAX_CHARS
                value=e.map(|e| e.category.clone()).unwrap_or_default() autocomplete="off"
                aria-invalid=move || category_error.get().map(|_| "true")
                aria-describedby="expense-category-hint expense-category-error" />
            <datalist id="expense-categories">{categories}</datalist>
            <FieldError id="expense-category-error".to_owned() message=category_error />
        </div>
        <div class="two-columns">
            <SelectField id="expense-client" name="form[client_id]" label="Client" options=clients
                selected=e.and_then(|e| e.client_id).map(|c| c.to_string()).unwrap_or_default() error=fe("client_id") />
            <SelectField id="expense-project" name="form[project_id]" label="Project" options=projects
                hint="A project sets the client."
                selected=e.and_then(|e| e.project_id).map(|p| p.to_string()).unwrap_or_default() error=fe("project_id") />
        </div>
        <div class="check">
            <input id="expense-billable" type="checkbox" name="form[billable]" value="on"
                checked=e.is_some_and(|e| e.billable)
                aria-invalid=move || billable_error.get().map(|_| "true")
                aria-describedby="expense-billable-error" />
            <label for="expense-billable">"Billable to the client (added to one of their invoices)"</label>
        </div>
        <FieldError id="expense-billable-error".to_owned() message=billable_error />
        <div class="field">
            <label for="expense-notes">"Notes"</label>
            <textarea id="expense-notes" name="form[notes]" rows="3" maxlength=NOTES_MAX_CHARS
                aria-invalid=move || notes_error.get().map(|_| "true")
                aria-describedby="expense-notes-error">{e.map(|e| e.notes.clone()).unwrap_or_default()}</textarea>
            <FieldError id="expense-notes-error".to_owned() message=notes_error />
        </div>
        <FormError error />
    }
    .into_any()
}

#[component]
pub fn NewExpensePage() -> impl IntoView {
    let action = ServerAction::<CreateExpense>::new();
    let error = action_error(action);
    let options = Resource::new(|| (), |_| expense_form_choices());
    view! {
        <Title text="New expense" />
        <Require any_of=&[Permission::ExpensesCreate]>
            <section class="page narrow">
                <h1>"New expense"</h1>
                <p class="hint">"You can attach the receipt on the next page."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match options.await {
                            Ok(options) => view! {
                                <ActionForm action on:submit:capture=validate_before_posting(action, |a: &CreateExpense| a.form.validate().map(|_| ()))>
                                    <ExpenseFields expense=None options error />
                                    <SubmitButton label="Save expense" busy_label="Saving…" pending=action.pending() />
                                </ActionForm>
                            }
                            .into_any(),
                            Err(error) => view! { <LoadFailed error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Require>
    }
}

#[component]
pub fn EditExpensePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let expense = Resource::new(id, |id| async move { get_expense(param(&id)?).await });
    let options = Resource::new(|| (), |_| expense_form_choices());
    let action = ServerAction::<UpdateExpense>::new();
    let error = action_error(action);
    view! {
        <Title text="Edit expense" />
        <Require any_of=&[Permission::ExpensesEdit]>
        <section class="page narrow">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match (expense.await, options.await) {
                        (Ok(page), Ok(options)) => {
                            let e = page.expense;
                            let billed = e.billed_on.is_some();
                            view! {
                                <h1>{format!("Edit {}", e.description)}</h1>
                                {billed.then(|| view! {
                                    <p class="notice" role="status">"This expense is billed on an invoice, so it can't be changed. Remove its line from the draft, or void the invoice, first."</p>
                                })}
                                <ActionForm action on:submit:capture=validate_before_posting(action, |a: &UpdateExpense| a.form.validate().map(|_| ()))>
                                    <input type="hidden" name="id" value=e.id.to_string() />
                                    <fieldset disabled=billed>
                                        <ExpenseFields expense=Some(e) options error />
                                        <SubmitButton label="Save expense" busy_label="Saving…" pending=action.pending() />
                                    </fieldset>
                                </ActionForm>
                            }
                            .into_any()
                        }
                        (Err(error), _) | (_, Err(error)) => view! { <LoadFailed error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        </Require>
    }
}
