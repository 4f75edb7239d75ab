//! Issue, mark paid, void, duplicate and delete, each behind a confirmation that is a disclosure
//! (`<details>`), so it needs no JavaScript.

use super::detail::InvoiceActions;
use crate::components::form::{action_error, field_error, validate_before_posting, FieldError, FormError, TextField};
use crate::invoices::forms::{void_reason, VOID_REASON_MAX_CHARS};
use crate::invoices::{InvoicePage, VoidInvoice};
use crate::validation::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn LifecycleActions(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let id = page.invoice.id.to_string();
    let issue_error = action_error(actions.issue);
    let paid_error = action_error(actions.mark_paid);
    let void_error = action_error(actions.void);
    let duplicate_error = action_error(actions.duplicate);
    let delete_error = action_error(actions.delete);
    let hidden = {
        let id = id.clone();
        move || view! { <input type="hidden" name="id" value=id.clone() /> }
    };
    let (h1, h2, h3, h4, h5) = (hidden.clone(), hidden.clone(), hidden.clone(), hidden.clone(), hidden);
    let today = page.today.to_string();
    let einvoice = &page.invoice.einvoice;
    let issued = page.invoice.number.is_some();
    // Said before issuing (issuing is refused) and after (the PDF is then a plain one).
    let einvoice_gap = einvoice.enabled.then(|| einvoice.sentence()).flatten();
    let xml_links = (issued && einvoice.ready()).then(|| {
        let href = |syntax: &str| format!("/api/invoices/{id}/xml/{syntax}");
        view! {
            <a class="button" href=href("cii") rel="external" download="" aria-label="Download the e-invoice as XML (CII)">"XML (CII)"</a>
            <a class="button" href=href("ubl") rel="external" download="" aria-label="Download the e-invoice as XML (UBL)">"XML (UBL)"</a>
        }
    });
    let pdf_label =
        if issued && einvoice.enabled && einvoice.ready() { "Download PDF (Factur-X)" } else { "Download PDF" };
    view! {
        {einvoice_gap.map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <div class="actions lifecycle">
            // A download, not a page: rel=external keeps the router from handling the click.
            <a class="button" href=format!("/api/invoices/{id}/pdf") rel="external" download="">{pdf_label}</a>
            {xml_links}
            {page.can_issue.then(|| view! {
                <details class="confirm">
                    <summary class="button primary">"Issue invoice…"</summary>
                    <ActionForm action=actions.issue>
                        {h1()}
                        <p>"Issuing gives the invoice the next number of its year and locks it. This can't be undone; an issued invoice can only be voided."</p>
                        <button type="submit" class="primary">"Issue invoice"</button>
                    </ActionForm>
                </details>
            })}
            {page.can_mark_paid.then(|| view! {
                <details class="confirm" open=move || paid_error.get().is_some()>
                    <summary class="button primary">"Mark paid…"</summary>
                    <ActionForm action=actions.mark_paid>
                        {h2()}
                        <TextField id="paid-on" name="paid_on" label="Paid on" kind="date" value=today.clone()
                            error=field_error(paid_error, "paid_on") />
                        <button type="submit" class="primary">"Mark paid"</button>
                    </ActionForm>
                </details>
            })}
            {page.can_void.then(|| view! {
                <details class="confirm" open=move || void_error.get().is_some()>
                    <summary class="button">"Void…"</summary>
                    <ActionForm action=actions.void on:submit:capture=validate_before_posting(actions.void, |a: &VoidInvoice| {
                        void_reason(&a.reason).map(|_| ()).map_err(|m| FieldErrors::one("reason", m))
                    })>
                        {h3()}
                        <div class="field">
                            <label for="void-reason">"Reason for voiding"</label>
                            <textarea id="void-reason" name="reason" rows="3" maxlength=VOID_REASON_MAX_CHARS
                                aria-describedby="void-reason-error"></textarea>
                            <FieldError id="void-reason-error".to_owned() message=field_error(void_error, "reason") />
                        </div>
                        <p class="hint">"A void invoice keeps its number, stops counting as income, and its time can be billed again."</p>
                        <button type="submit" class="danger">"Void invoice"</button>
                    </ActionForm>
                </details>
            })}
            {page.can_duplicate.then(|| view! {
                <ActionForm action=actions.duplicate>
                    {h4()}
                    <button type="submit">"Duplicate"</button>
                </ActionForm>
            })}
            {page.can_delete.then(|| view! {
                <details class="confirm">
                    <summary class="button">"Delete draft…"</summary>
                    <ActionForm action=actions.delete>
                        {h5()}
                        <p>"The draft and its lines are deleted; its time can be billed again."</p>
                        <button type="submit" class="danger">"Delete draft"</button>
                    </ActionForm>
                </details>
            })}
        </div>
        <FormError error=issue_error />
        <FormError error=Signal::derive(move || paid_error.get().filter(|e| e.field_message("paid_on").is_none())) />
        <FormError error=Signal::derive(move || void_error.get().filter(|e| e.field_message("reason").is_none())) />
        <FormError error=duplicate_error />
        <FormError error=delete_error />
    }
}
