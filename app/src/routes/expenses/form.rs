//! `/expenses/new` and `/expenses/:id/edit`.

use crate::auth::query_param;
use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SelectField, SubmitButton, TextField,
};
use crate::components::gate::Require;
use crate::components::loading::LoadFailed;
use crate::components::money::currency_options;
use crate::error::AppError;
use crate::expenses::receipts::ScanProblem;
use crate::expenses::{
    expense_form_choices, get_expense, CreateExpense, Expense, ExpenseForm, ExpenseOptions, UpdateExpense,
    CATEGORY_MAX_CHARS, DESCRIPTION_MAX_CHARS, NOTES_MAX_CHARS, VENDOR_MAX_CHARS,
};
use crate::ids::param;
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

fn choices_with_none(none: &str, choices: &[crate::expenses::ExpenseChoice]) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(choices.iter().map(|c| (c.id.clone(), c.name.clone())))
        .collect()
}

/// The fields, filled from `initial` (the expense being edited, a scanned receipt's suggestions,
/// or nothing); `current` is the stored expense, whose archived client or completed project stays
/// selectable.
#[component]
fn ExpenseFields(
    initial: ExpenseForm,
    current: Option<Expense>,
    options: ExpenseOptions,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let fe = move |key: &'static str| field_error(error, key);
    let e = current.as_ref();
    let currency = if initial.currency.is_empty() { options.base_currency.clone() } else { initial.currency.clone() };
    let date = if initial.incurred_on.is_empty() { options.today.to_string() } else { initial.incurred_on.clone() };
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
            value=initial.description.clone() error=fe("description") />
        <div class="two-columns">
            <TextField id="expense-amount" name="form[amount]" label="Amount" required=true value=initial.amount.clone() error=fe("amount") />
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
                value=initial.vendor.clone() error=fe("vendor") />
        </div>
        <div class="field">
            <label for="expense-category">"Category"</label>
            <p class="hint" id="expense-category-hint">"Free text; your earlier categories are suggested."</p>
            <input id="expense-category" name="form[category]" list="expense-categories" maxlength=CATEGORY_MAX_CHARS
                value=initial.category.clone() autocomplete="off"
                aria-invalid=move || category_error.get().map(|_| "true")
                aria-describedby="expense-category-hint expense-category-error" />
            <datalist id="expense-categories">{categories}</datalist>
            <FieldError id="expense-category-error".to_owned() message=category_error />
        </div>
        <div class="two-columns">
            <SelectField id="expense-client" name="form[client_id]" label="Client" options=clients
                selected=initial.client_id.clone() error=fe("client_id") />
            <SelectField id="expense-project" name="form[project_id]" label="Project" options=projects
                hint="A project sets the client."
                selected=initial.project_id.clone() error=fe("project_id") />
        </div>
        <div class="check">
            <input id="expense-billable" type="checkbox" name="form[billable]" value="on"
                checked=initial.billable.is_some()
                aria-invalid=move || billable_error.get().map(|_| "true")
                aria-describedby="expense-billable-error" />
            <label for="expense-billable">"Billable to the client (added to one of their invoices)"</label>
        </div>
        <FieldError id="expense-billable-error".to_owned() message=billable_error />
        <div class="field">
            <label for="expense-notes">"Notes"</label>
            <textarea id="expense-notes" name="form[notes]" rows="3" maxlength=NOTES_MAX_CHARS
                aria-invalid=move || notes_error.get().map(|_| "true")
                aria-describedby="expense-notes-error">{initial.notes.clone()}</textarea>
            <FieldError id="expense-notes-error".to_owned() message=notes_error />
        </div>
        <FormError error />
    }
    .into_any()
}

/// A scanned receipt's suggestions, as the scan route put them in the query string.
fn suggested(search: &str) -> ExpenseForm {
    let get = |name| query_param(search, name).unwrap_or_default();
    ExpenseForm {
        description: get("description"),
        amount: get("amount"),
        currency: get("currency"),
        incurred_on: get("incurred_on"),
        vendor: get("vendor"),
        category: get("category"),
        ..ExpenseForm::default()
    }
}

#[component]
pub fn NewExpensePage() -> impl IntoView {
    let action = ServerAction::<CreateExpense>::new();
    let error = action_error(action);
    let options = Resource::new(|| (), |_| expense_form_choices());
    let location = use_location();
    view! {
        <Title text="New expense" />
        <Require any_of=&[Permission::ExpensesCreate]>
            <section class="page narrow">
                <h1>"New expense"</h1>
                <p class="hint">"You can attach the receipt on the next page."</p>
                <Suspense fallback=|| ()>
                    {move || {
                        let search = location.search.get();
                        Suspend::new(async move {
                        match options.await {
                            Ok(options) => view! {
                                {options.can_scan.then(|| view! { <ScanCard search=search.clone() /> })}
                                <ActionForm action on:submit:capture=validate_before_posting(action, |a: &CreateExpense| a.form.validate().map(|_| ()))>
                                    <ExpenseFields initial=suggested(&search) current=None options error />
                                    <SubmitButton label="Save expense" busy_label="Saving…" pending=action.pending() />
                                </ActionForm>
                            }
                            .into_any(),
                            Err(error) => view! { <LoadFailed error /> }.into_any(),
                        }
                        })
                    }}
                </Suspense>
            </section>
        </Require>
    }
}

/// "Scan a receipt": a plain multipart post to the scan route, which answers with a redirect back
/// here carrying the suggested fields (or `?scan=<problem>`).
#[component]
fn ScanCard(search: String) -> impl IntoView {
    let problem = query_param(&search, "scan").and_then(|code| ScanProblem::parse(&code));
    let scanned = query_param(&search, "scanned").is_some();
    let error = Signal::stored(problem.map(|p| p.to_string()));
    view! {
        <section class="card" aria-labelledby="scan-heading">
            <h2 id="scan-heading">"Scan a receipt"</h2>
            {scanned.then(|| view! { <p class="saved" role="status">"Filled in from the receipt. Check every field before saving."</p> })}
            <form method="post" action="/api/expenses/scan" enctype="multipart/form-data">
                <div class="field">
                    <label for="scan-file">"Receipt photo"</label>
                    <p class="hint" id="scan-file-hint">"PNG or JPEG, up to 2 MB. It is sent to the AI service this instance is configured with, which suggests the fields below; nothing is saved until you save the expense."</p>
                    <input id="scan-file" type="file" name="receipt" accept="image/png,image/jpeg" required=true
                        aria-describedby="scan-file-hint scan-file-error"
                        aria-invalid=move || error.get().map(|_| "true") />
                    <FieldError id="scan-file-error".to_owned() message=error />
                </div>
                <button type="submit">"Scan receipt"</button>
            </form>
        </section>
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
                                        <ExpenseFields initial=ExpenseForm::from(&e) current=Some(e) options error />
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
