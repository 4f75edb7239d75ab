//! A draft's editors: its details, its lines (add, edit, reorder, delete), "Generate lines from
//! time" and its notes. Every one is a plain form post, so all of it works without JavaScript.

use super::detail::InvoiceActions;
use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SelectField, SubmitButton, TextField,
};
use crate::currency::CURRENCIES;
use crate::error::AppError;
use crate::invoices::forms::{DraftForm, GenerateForm, LINE_DESCRIPTION_MAX_CHARS, NOTES_MAX_CHARS};
use crate::invoices::{Choice, Grouping, Invoice, InvoiceLine, InvoicePage, TaxTreatment};
use crate::money::format_plain;
use leptos::prelude::*;

pub(crate) fn choice_options(first: &str, choices: &[Choice]) -> Vec<(String, String)> {
    std::iter::once((String::new(), first.to_owned()))
        .chain(choices.iter().map(|c| (c.id.clone(), c.name.clone())))
        .collect()
}

pub(crate) fn currency_options() -> Vec<(String, String)> {
    CURRENCIES.iter().map(|c| (c.code.to_owned(), format!("{} · {}", c.code, c.name))).collect()
}

/// Client, project, currency, dates, VAT treatment and billing period, named `{prefix}[field]`.
#[component]
pub fn DraftFields(
    prefix: &'static str,
    form: DraftForm,
    clients: Vec<Choice>,
    projects: Vec<Choice>,
    error: Signal<Option<AppError>>,
    #[prop(default = None)] vat_hint: Option<&'static str>,
) -> impl IntoView {
    let name = move |field: &str| format!("{prefix}[{field}]");
    let id = move |field: &str| format!("{prefix}-{field}");
    let fe = move |key: &'static str| field_error(error, key);
    let treatments: Vec<(String, String)> =
        TaxTreatment::ALL.iter().map(|t| (t.as_str().to_owned(), format!("{} — {}", t.label(), t.hint()))).collect();
    view! {
        <SelectField id=id("client") name=name("client_id") label="Client" options=choice_options("Choose a client", &clients)
            selected=form.client_id.clone() error=fe("client_id") />
        <SelectField id=id("project") name=name("project_id") label="Project (optional)"
            options=choice_options("No project", &projects) selected=form.project_id.clone() error=fe("project_id") />
        <SelectField id=id("currency") name=name("currency") label="Currency" options=currency_options()
            selected=form.currency.clone() error=fe("currency") />
        <div class="two-columns">
            <TextField id=id("issue") name=name("issue_date") label="Issue date" kind="date" value=form.issue_date.clone()
                error=fe("issue_date") />
            <TextField id=id("due") name=name("due_date") label="Due date" kind="date" value=form.due_date.clone()
                hint="Empty: the issue date plus your payment terms." error=fe("due_date") />
        </div>
        <SelectField id=id("vat") name=name("tax_treatment") label="VAT treatment" options=treatments
            selected=form.tax_treatment.clone() hint=vat_hint.unwrap_or("Copied onto the invoice with its rate.")
            error=fe("tax_treatment") />
        <fieldset class="period">
            <legend>"Billing period (optional)"</legend>
            <div class="two-columns">
                <TextField id=id("period-start") name=name("period_start") label="Period from" kind="date"
                    value=form.period_start.clone() error=fe("period_start") />
                <TextField id=id("period-end") name=name("period_end") label="Period to" kind="date"
                    value=form.period_end.clone() error=fe("period_end") />
            </div>
        </fieldset>
        <FormError error />
    }
}

/// The details form of a draft.
#[component]
pub fn DetailsEditor(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let action = actions.details;
    let error = action_error(action);
    let i = page.invoice.clone();
    let form = DraftForm {
        client_id: i.client_id.to_string(),
        project_id: i.project_id.map(|p| p.to_string()).unwrap_or_default(),
        currency: i.currency.to_string(),
        issue_date: i.issue_date.to_string(),
        due_date: i.due_date.to_string(),
        tax_treatment: i.tax_treatment.as_str().to_owned(),
        period_start: i.period.map(|p| p.0.to_string()).unwrap_or_default(),
        period_end: i.period.map(|p| p.1.to_string()).unwrap_or_default(),
    };
    view! {
        // Open again after a failed save, so its errors are in sight.
        <details class="card editor" open=move || error.get().is_some()>
            <summary>"Edit details"</summary>
            <ActionForm action on:submit:capture=validate_before_posting(action, |a: &crate::invoices::UpdateInvoiceDetails| a.form.validate().map(|_| ()))>
                <input type="hidden" name="id" value=i.id.to_string() />
                <DraftFields prefix="form" form clients=page.clients.clone() projects=page.projects.clone() error />
                <SubmitButton label="Save details" busy_label="Saving…" pending=action.pending() />
            </ActionForm>
        </details>
    }
}

/// The lines with their totals; editable ones get edit, move and delete controls.
#[component]
pub fn LinesTable(invoice: Invoice, editable: bool, actions: InvoiceActions) -> impl IntoView {
    let count = invoice.lines.len();
    let rows = invoice
        .lines
        .iter()
        .map(|line| {
            let label = line.quantity_label(invoice.currency);
            let tracked = line.tracked_label();
            let conversion = line.conversion_label();
            let credited =
                (line.credited_minor > 0).then(|| format!("Credited {}", invoice.money(line.credited_minor).format()));
            let amount = invoice.money(line.total_minor).format();
            let controls =
                editable.then(|| view! { <LineControls invoice=invoice.clone() line=line.clone() count actions /> });
            view! {
                <tr>
                    <td>
                        <span class="line-description">{line.description.clone()}</span>
                        {label.map(|l| view! { <br /><small class="hint">{l}</small> })}
                        {tracked.map(|t| view! { <br /><small class="hint">{t}</small> })}
                        {conversion.map(|c| view! { <br /><small class="hint">{c}</small> })}
                        {credited.map(|c| view! { <br /><small class="hint">{c}</small> })}
                        {controls}
                    </td>
                    <td class="amount">{amount}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data invoice-lines">
                <caption class="visually-hidden">"Invoice lines"</caption>
                <thead>
                    <tr><th scope="col">"Description"</th><th scope="col" class="amount">"Amount"</th></tr>
                </thead>
                <tbody>
                    {rows}
                    {(count == 0).then(|| view! { <tr><td colspan="2" class="hint">"No lines yet. Generate them from tracked time or add one below."</td></tr> })}
                </tbody>
                <tfoot>
                    <tr><th scope="row">"Subtotal"</th><td class="amount">{invoice.money(invoice.subtotal_minor).format()}</td></tr>
                    <tr><th scope="row">{invoice.tax_label()}</th><td class="amount">{invoice.money(invoice.tax_minor).format()}</td></tr>
                    <tr class="grand-total"><th scope="row">"Total"</th><td class="amount">{invoice.money(invoice.total_minor).format()}</td></tr>
                </tfoot>
            </table>
        </div>
        {(!invoice.tax_note.is_empty()).then(|| view! { <p class="hint">{invoice.tax_note.clone()}</p> })}
        {invoice.rounding.map(|rule| view! {
            <p class="hint">{format!("Billing rounding: {}.", crate::invoices::rounding::RoundingRule::describe(Some(&rule)))}</p>
        })}
    }
}

#[component]
fn LineControls(invoice: Invoice, line: InvoiceLine, count: usize, actions: InvoiceActions) -> impl IntoView {
    let id = invoice.id.to_string();
    let line_id = line.id.to_string();
    let n = line.position;
    let digits = invoice.currency.info().minor_units;
    let prefix = format!("line-{n}");
    let update_error = action_error(actions.update_line);
    // One action serves every line: its errors belong to the line that was submitted (known with
    // JavaScript; without it, the summary above the table says what went wrong).
    let this_line = line.id;
    let editing = actions.editing_line;
    let line_error = Signal::derive(move || if editing.get() == Some(this_line) { update_error.get() } else { None });
    let hidden = {
        let (id, line_id) = (id.clone(), line_id.clone());
        move || view! { <input type="hidden" name="id" value=id.clone() /><input type="hidden" name="line" value=line_id.clone() /> }
    };
    let hidden2 = hidden.clone();
    let hidden3 = hidden.clone();
    let hidden4 = hidden.clone();
    view! {
        <div class="line-controls">
            <details open=move || line_error.get().is_some()>
                <summary>{format!("Edit line {n}")}</summary>
                <ActionForm action=actions.update_line on:submit:capture=move |_| editing.set(Some(this_line))>
                    {hidden()}
                    <TextField id=format!("{prefix}-description") name="form[description]" label=format!("Line {n} description")
                        maxlength=LINE_DESCRIPTION_MAX_CHARS as u32 value=line.description.clone()
                        error=field_error(line_error, "description") />
                    <TextField id=format!("{prefix}-amount") name="form[amount]" label=format!("Line {n} amount ({})", invoice.currency)
                        value=format_plain(line.total_minor, digits)
                        hint="Changing the amount turns the line into a fixed amount."
                        error=field_error(line_error, "amount") />
                    <button type="submit">{format!("Save line {n}")}</button>
                </ActionForm>
            </details>
            <div class="actions">
                {(n > 1).then(|| view! {
                    <ActionForm action=actions.move_line>
                        {hidden2()}
                        <input type="hidden" name="direction" value="up" />
                        <button type="submit" class="link">{format!("Move line {n} up")}</button>
                    </ActionForm>
                })}
                {((n as usize) < count).then(|| view! {
                    <ActionForm action=actions.move_line>
                        {hidden3()}
                        <input type="hidden" name="direction" value="down" />
                        <button type="submit" class="link">{format!("Move line {n} down")}</button>
                    </ActionForm>
                })}
                <ActionForm action=actions.delete_line>
                    {hidden4()}
                    <button type="submit" class="link danger">{format!("Delete line {n}")}</button>
                </ActionForm>
            </div>
        </div>
    }
}

/// Errors of the line actions that have no field of their own on screen.
#[component]
pub fn LineErrors(actions: InvoiceActions) -> impl IntoView {
    let update = action_error(actions.update_line);
    let delete = action_error(actions.delete_line);
    let moved = action_error(actions.move_line);
    // Field errors of an edit show in the edited line's form; the summary here says which.
    let update_summary =
        Signal::derive(move || update.get().filter(|e| matches!(e, AppError::Validation(_))).map(|e| e.to_string()));
    let update_other = Signal::derive(move || update.get().filter(|e| !matches!(e, AppError::Validation(_))));
    view! {
        <FormError error=update_other />
        <FormError error=delete />
        <FormError error=moved />
        <FieldError id="line-edit-error".to_owned() message=update_summary />
    }
}

#[component]
pub fn AddLineForm(invoice: Invoice, actions: InvoiceActions) -> impl IntoView {
    let action = actions.add_line;
    let error = action_error(action);
    let digits = invoice.currency.info().minor_units;
    view! {
        <section class="card" aria-labelledby="add-line-heading">
            <h2 id="add-line-heading">"Add a line"</h2>
            <ActionForm action on:submit:capture=validate_before_posting(action, move |a: &crate::invoices::AddInvoiceLine| a.form.validate(digits).map(|_| ()))>
                <input type="hidden" name="id" value=invoice.id.to_string() />
                <div class="two-columns">
                    <TextField id="new-line-description" name="form[description]" label="Description" required=true
                        maxlength=LINE_DESCRIPTION_MAX_CHARS as u32 error=field_error(error, "description") />
                    <TextField id="new-line-amount" name="form[amount]" label=format!("Amount ({})", invoice.currency)
                        error=field_error(error, "amount") />
                </div>
                <FormError error />
                <SubmitButton label="Add line" busy_label="Adding…" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn GenerateLinesForm(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let action = actions.generate;
    let error = action_error(action);
    let fe = move |key: &'static str| field_error(error, key);
    let invoice = page.invoice.clone();
    let groupings: Vec<(String, String)> =
        Grouping::ALL.iter().map(|g| (g.as_str().to_owned(), g.label().to_owned())).collect();
    let done = move || match action.value().get() {
        Some(Ok(generated)) => Some(generated.summary()),
        _ => None,
    };
    let form = GenerateForm::default();
    let client = invoice.client_id.to_string();
    // An invoice for one project bills only that project's time, so it offers nothing else.
    let project_options = match invoice.project_id.map(|p| p.to_string()) {
        Some(own) => page.projects.iter().filter(|p| p.id == own).map(|p| (p.id.clone(), p.name.clone())).collect(),
        None => {
            let of_client: Vec<Choice> =
                page.projects.iter().filter(|p| p.client_id.as_deref() == Some(client.as_str())).cloned().collect();
            choice_options("All of the client's projects", &of_client)
        }
    };
    let unbilled = page.unbilled_entries;
    let no_lines = invoice.lines.is_empty();
    view! {
        // Stays open after a run, so its result stays in view when the page reloads with the new lines.
        <details class="card editor" open=move || (unbilled > 0 && no_lines) || action.value().get().is_some()>
            <summary>"Generate lines from time"</summary>
            <p class="hint">
                {match unbilled {
                    0 => "This client has no unbilled, billable time right now.".to_owned(),
                    1 => "1 unbilled, billable time entry of this client can be billed.".to_owned(),
                    n => format!("{n} unbilled, billable time entries of this client can be billed."),
                }}
            </p>
            <ActionForm action on:submit:capture=validate_before_posting(action, |a: &crate::invoices::GenerateInvoiceLines| a.form.validate().map(|_| ()))>
                <input type="hidden" name="id" value=invoice.id.to_string() />
                <SelectField id="generate-grouping" name="form[grouping]" label="Group as" options=groupings
                    selected=form.grouping.clone() error=fe("grouping") />
                <SelectField id="generate-project" name="form[project_id]" label="Project"
                    options=project_options
                    selected=invoice.project_id.map(|p| p.to_string()).unwrap_or_default() error=fe("project_id") />
                <div class="two-columns">
                    <TextField id="generate-from" name="form[from]" label="Time from" kind="date" error=fe("from") />
                    <TextField id="generate-to" name="form[to]" label="Time to" kind="date" error=fe("to") />
                </div>
                <div class="field checkbox">
                    <input id="generate-tasks" type="checkbox" name="form[include_task_list]" value="on" />
                    <label for="generate-tasks">"List the task names in each line's description"</label>
                </div>
                <ManualRateFields id="generate" converted="Time priced in another currency is converted" currency_label="Convert from"
                    rate_label="Manual rate" invoice_currency=invoice.currency error />
                <FormError error />
                <SubmitButton label="Generate lines" busy_label="Generating…" pending=action.pending() />
                <p class="saved" role="status">{done}</p>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn NotesEditor(invoice: Invoice, actions: InvoiceActions) -> impl IntoView {
    let action = actions.notes;
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Notes"</h2>
            <ActionForm action>
                <input type="hidden" name="id" value=invoice.id.to_string() />
                <div class="field">
                    <label for="invoice-notes">"Notes printed on the invoice"</label>
                    <textarea id="invoice-notes" name="notes" rows="4" maxlength=NOTES_MAX_CHARS
                        aria-describedby="invoice-notes-error">{invoice.notes.clone()}</textarea>
                    <FieldError id="invoice-notes-error".to_owned() message=field_error(error, "notes") />
                </div>
                <FormError error />
                <SubmitButton label="Save notes" busy_label="Saving…" pending=action.pending() />
                <crate::components::form::SavedNotice action />
            </ActionForm>
        </section>
    }
}

/// Adds the client's unbilled billable expenses as lines, one each.
#[component]
pub fn AddExpensesForm(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let action = actions.add_expenses;
    let error = action_error(action);
    let invoice = page.invoice.clone();
    let done = move || match action.value().get() {
        Some(Ok(1)) => Some("Added 1 expense.".to_owned()),
        Some(Ok(n)) => Some(format!("Added {n} expenses.")),
        _ => None,
    };
    let unbilled = page.unbilled_expenses;
    view! {
        <details class="card editor" open=move || action.value().get().is_some()>
            <summary>"Add billable expenses"</summary>
            <p class="hint">
                {match unbilled {
                    0 => "This client has no unbilled, billable expenses right now.".to_owned(),
                    1 => "1 unbilled, billable expense of this client can be billed, as its own line.".to_owned(),
                    n => format!("{n} unbilled, billable expenses of this client can be billed, each as its own line."),
                }}
            </p>
            <ActionForm action on:submit:capture=validate_before_posting(action, |a: &crate::invoices::AddInvoiceExpenses| a.form.validate().map(|_| ()))>
                <input type="hidden" name="id" value=invoice.id.to_string() />
                <ManualRateFields id="expenses" converted="Expenses in another currency are converted" currency_label="Convert expenses from"
                    rate_label="Manual rate for expenses" invoice_currency=invoice.currency error />
                <FormError error />
                <SubmitButton label="Add expenses" busy_label="Adding…" pending=action.pending() />
                <p class="saved" role="status">{done}</p>
            </ActionForm>
        </details>
    }
}

/// The optional manual exchange rate of "Generate lines" and "Add billable expenses": a source
/// currency (any but the invoice's) and its rate, posted as `form[fx_currency]` and `form[fx_rate]`.
#[component]
fn ManualRateFields(
    id: &'static str,
    /// The hint's start: "Expenses in another currency are converted".
    converted: &'static str,
    currency_label: &'static str,
    rate_label: &'static str,
    invoice_currency: crate::money::CurrencyCode,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let currencies: Vec<(String, String)> = std::iter::once((String::new(), "No manual rate".to_owned()))
        .chain(
            CURRENCIES
                .iter()
                .filter(|c| c.code != invoice_currency.as_str())
                .map(|c| (c.code.to_owned(), c.code.to_owned())),
        )
        .collect();
    view! {
        <fieldset>
            <legend>"Exchange rate (optional)"</legend>
            <p class="hint" id=format!("{id}-rate-hint")>
                {format!("{converted} at the ECB rate of the issue date, or at the rate you give here (1 unit of that currency = this many {invoice_currency}).")}
            </p>
            <div class="two-columns">
                <SelectField id=format!("{id}-fx-currency") name="form[fx_currency]" label=currency_label options=currencies
                    error=field_error(error, "fx_currency") />
                <TextField id=format!("{id}-fx-rate") name="form[fx_rate]" label=rate_label error=field_error(error, "fx_rate") />
            </div>
        </fieldset>
    }
}
