//! The invoice page's credit notes: the ones issued, each with its PDF, and the form that issues
//! the next one (a disclosure, so it needs no JavaScript).

use super::detail::InvoiceActions;
use crate::components::form::{action_error, validate_before_posting, FieldError, FormError};
use crate::invoices::credit::{amount_key, plan, Creditable, Credited, REASON_MAX_CHARS};
use crate::invoices::{CreditInvoice, Invoice, InvoicePage, TaxTreatment};
use crate::money::format_plain;
use leptos::prelude::*;

/// The credit notes issued for the invoice, newest last.
#[component]
pub fn CreditNotesCard(invoice: Invoice) -> impl IntoView {
    let xml = invoice.einvoice.ready();
    let rows = invoice
        .credit_notes
        .iter()
        .map(|note| {
            let lines = note
                .lines
                .iter()
                .map(|l| format!("{}: {}", l.description, invoice.money(l.total_minor).format()))
                .collect::<Vec<_>>()
                .join("; ");
            view! {
                <tr>
                    <td>
                        <a href=format!("/api/credit-notes/{}/pdf", note.id) rel="external" download=""
                            aria-label=format!("Download credit note {} as PDF", note.number)>{note.number.clone()}</a>
                        {xml.then(|| view! {
                            " · "
                            <a href=format!("/api/credit-notes/{}/xml/cii", note.id) rel="external" download=""
                                aria-label=format!("Download credit note {} as XML (CII)", note.number)>"CII"</a>
                            " · "
                            <a href=format!("/api/credit-notes/{}/xml/ubl", note.id) rel="external" download=""
                                aria-label=format!("Download credit note {} as XML (UBL)", note.number)>"UBL"</a>
                        })}
                        <br /><small class="hint">{note.reason.clone()}</small>
                        <br /><small class="hint">{lines}</small>
                    </td>
                    <td>{note.issue_date.to_string()}</td>
                    <td class="amount">{invoice.money(note.total_minor).format()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="credit-notes-heading">
            <h2 id="credit-notes-heading">"Credit notes"</h2>
            <div class="table-scroll">
                <table>
                    <thead><tr><th scope="col">"Credit note"</th><th scope="col">"Issued"</th><th scope="col" class="amount">"Amount (incl. VAT)"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Issues a credit note: each line with something left to credit offers that amount; lowering
/// or emptying amounts credits part of the invoice.
#[component]
pub fn CreditForm(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let invoice = page.invoice;
    let error = action_error(actions.credit);
    // After a note is issued the form offers what is left: reset drops what was typed, so each
    // amount follows its re-rendered default.
    let form = NodeRef::<leptos::html::Form>::new();
    let issued_before = actions.credit.version().get_untracked();
    Effect::new(move |_| {
        if actions.credit.version().get() > issued_before && matches!(actions.credit.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let digits = invoice.currency.info().minor_units;
    let percent = (invoice.tax_treatment == TaxTreatment::Standard)
        .then(|| crate::billing::Decimal::parse(&invoice.tax_rate_percent).ok())
        .flatten();
    let lines = Creditable::lines_of(&invoice);
    let open_lines: Vec<&Creditable> = lines.iter().filter(|l| l.total_minor > l.credited_minor).collect();
    let fields = open_lines
        .iter()
        .enumerate()
        .map(|(row, line)| {
            let left = line.total_minor - line.credited_minor;
            let key = amount_key(row);
            let id = format!("credit-amount-{row}");
            let error_id = format!("{id}-error");
            let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&key)));
            view! {
                <div class="field">
                    <input type="hidden" name=format!("form[lines][{row}]") value=line.id.to_string() />
                    <label for=id.clone()>{format!("Credit on “{}” ({})", line.description, invoice.currency)}</label>
                    <input id=id.clone() name=format!("form[amounts][{row}]") inputmode="decimal"
                        value=format_plain(left, digits) aria-describedby=error_id.clone() />
                    <small class="hint">{format!("{} left of {}", invoice.money(left).format(), invoice.money(line.total_minor).format())}</small>
                    <FieldError id=error_id message />
                </div>
            }
        })
        .collect_view();
    let check = move |a: &CreditInvoice| {
        let request = a.form.validate(digits)?;
        plan(&lines, &request, percent, digits).map(|_| ())
    };
    let id = invoice.id.to_string();
    let already = invoice.credited() != Credited::Nothing;
    view! {
        <details class="card editor" open=move || error.get().is_some()>
            <summary>{if already { "Credit more of this invoice…" } else { "Issue a credit note…" }}</summary>
            <ActionForm action=actions.credit node_ref=form on:submit:capture=validate_before_posting(actions.credit, check)>
                <input type="hidden" name="id" value=id />
                <p class="hint">
                    "A credit note takes back part or all of an issued invoice without changing it. It gets the next number of its own sequence (CN-year-number), and its VAT follows the invoice's. Lower or empty an amount to leave part of a line."
                </p>
                <div class="field">
                    <label for="credit-reason">"Reason for the credit note"</label>
                    <textarea id="credit-reason" name="form[reason]" rows="2" maxlength=REASON_MAX_CHARS
                        aria-describedby="credit-reason-error"></textarea>
                    <FieldError id="credit-reason-error".to_owned()
                        message=Signal::derive(move || error.get().and_then(|e| e.field_message("reason"))) />
                </div>
                {fields}
                <FormError error />
                <button type="submit" class="primary">"Issue credit note"</button>
            </ActionForm>
        </details>
    }
}
