//! Invoice server functions: thin adapters from a request to the operations in
//! `server::invoices`. Posts without JavaScript return to the page they came from, except where a
//! redirect names the next page (a new draft, a deleted one).

use super::forms::{AddExpensesForm, DraftForm, GenerateForm, InvoiceSettingsForm, LineForm};
use super::{InvoiceDefaults, InvoiceList, InvoicePage, InvoiceSettings};
use crate::error::AppResult;
use crate::ids::{InvoiceId, InvoiceLineId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "invoices/list")]
pub async fn list_invoices(
    #[server(default)] status: String,
    #[server(default)] search: String,
    #[server(default)] page: u32,
) -> AppResult<InvoiceList> {
    crate::server::invoices::list(&crate::server::business()?, &status, &search, page).await
}

#[server(prefix = "/api", endpoint = "invoices/get")]
pub async fn get_invoice(id: InvoiceId) -> AppResult<InvoicePage> {
    crate::server::invoices::page(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "invoices/new")]
pub async fn new_invoice_defaults() -> AppResult<InvoiceDefaults> {
    crate::server::invoices::new_defaults(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "invoices/create")]
pub async fn create_invoice(form: DraftForm) -> AppResult<InvoiceId> {
    let id = crate::server::invoices::create_draft(&crate::server::business()?, form.validate()?).await?;
    leptos_axum::redirect(&format!("/invoices/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "invoices/details")]
pub async fn update_invoice_details(id: InvoiceId, form: DraftForm) -> AppResult<()> {
    crate::server::invoices::update_details(&crate::server::business()?, id, form.validate()?).await
}

#[server(prefix = "/api", endpoint = "invoices/notes")]
pub async fn set_invoice_notes(id: InvoiceId, #[server(default)] notes: String) -> AppResult<()> {
    let notes = super::forms::notes(&notes).map_err(|m| crate::error::AppError::field("notes", m))?;
    crate::server::invoices::set_notes(&crate::server::business()?, id, &notes).await
}

#[server(prefix = "/api", endpoint = "invoices/lines/add")]
pub async fn add_invoice_line(id: InvoiceId, form: LineForm) -> AppResult<()> {
    crate::server::invoices::add_line(&crate::server::business()?, id, &form).await
}

#[server(prefix = "/api", endpoint = "invoices/lines/update")]
pub async fn update_invoice_line(id: InvoiceId, line: InvoiceLineId, form: LineForm) -> AppResult<()> {
    crate::server::invoices::update_line(&crate::server::business()?, id, line, &form).await
}

#[server(prefix = "/api", endpoint = "invoices/lines/delete")]
pub async fn delete_invoice_line(id: InvoiceId, line: InvoiceLineId) -> AppResult<()> {
    crate::server::invoices::delete_line(&crate::server::business()?, id, line).await
}

/// `direction`: `up` or `down`.
#[server(prefix = "/api", endpoint = "invoices/lines/move")]
pub async fn move_invoice_line(id: InvoiceId, line: InvoiceLineId, direction: String) -> AppResult<()> {
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(crate::error::AppError::field("direction", "Move a line up or down.")),
    };
    crate::server::invoices::move_line(&crate::server::business()?, id, line, up).await
}

/// Returns how many lines were added and how many unpriced entries were left unbilled.
#[server(prefix = "/api", endpoint = "invoices/generate")]
pub async fn generate_invoice_lines(id: InvoiceId, form: GenerateForm) -> AppResult<super::Generated> {
    crate::server::invoices::generate(&crate::server::business()?, id, form.validate()?).await
}

#[server(prefix = "/api", endpoint = "invoices/issue")]
pub async fn issue_invoice(id: InvoiceId) -> AppResult<String> {
    crate::server::invoices::issue(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "invoices/mark-paid")]
pub async fn mark_invoice_paid(id: InvoiceId, #[server(default)] paid_on: String) -> AppResult<()> {
    let paid_on = match paid_on.trim() {
        "" => None,
        text => Some(crate::validation::date(text).map_err(|m| crate::error::AppError::field("paid_on", m))?),
    };
    crate::server::invoices::mark_paid(&crate::server::business()?, id, paid_on).await
}

#[server(prefix = "/api", endpoint = "invoices/void")]
pub async fn void_invoice(id: InvoiceId, #[server(default)] reason: String) -> AppResult<()> {
    let reason = super::forms::void_reason(&reason).map_err(|m| crate::error::AppError::field("reason", m))?;
    crate::server::invoices::void(&crate::server::business()?, id, &reason).await
}

/// Issues a credit note for the posted amounts of the invoice's lines; returns its number.
#[server(prefix = "/api", endpoint = "invoices/credit")]
pub async fn credit_invoice(id: InvoiceId, #[server(default)] form: super::credit::CreditForm) -> AppResult<String> {
    crate::server::invoices::credit(&crate::server::business()?, id, &form).await
}

#[server(prefix = "/api", endpoint = "invoices/duplicate")]
pub async fn duplicate_invoice(id: InvoiceId) -> AppResult<InvoiceId> {
    let copy = crate::server::invoices::duplicate(&crate::server::business()?, id).await?;
    leptos_axum::redirect(&format!("/invoices/{copy}"));
    Ok(copy)
}

#[server(prefix = "/api", endpoint = "invoices/delete")]
pub async fn delete_invoice(id: InvoiceId) -> AppResult<()> {
    crate::server::invoices::delete_draft(&crate::server::business()?, id).await?;
    leptos_axum::redirect("/invoices");
    Ok(())
}

/// The rate from one currency to another on a date (the latest ECB day on or before it).
#[server(prefix = "/api", endpoint = "invoices/rate")]
pub async fn fetch_rate(from: String, to: String, #[server(default)] date: String) -> AppResult<super::RateQuote> {
    crate::server::invoices::fetch_rate(&crate::server::business()?, &from, &to, &date).await
}

#[server(prefix = "/api", endpoint = "invoices/settings")]
pub async fn get_invoice_settings() -> AppResult<InvoiceSettings> {
    crate::server::invoices::settings(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "invoices/settings/update")]
pub async fn update_invoice_settings(form: InvoiceSettingsForm) -> AppResult<()> {
    crate::server::invoices::update_settings(&crate::server::business()?, form.validate()?).await
}

/// How time is rounded on invoices generated from now on.
#[server(prefix = "/api", endpoint = "invoices/settings/rounding")]
pub async fn set_billing_rounding(form: super::rounding::RoundingForm) -> AppResult<()> {
    crate::server::invoices::set_billing_rounding(&crate::server::business()?, form.validate()?).await
}

#[server(prefix = "/api", endpoint = "invoices/next-number")]
pub async fn configure_next_number(year: String, next_number: String) -> AppResult<()> {
    let (year, next) = super::forms::next_number(&year, &next_number)?;
    crate::server::invoices::configure_next_number(&crate::server::business()?, year, next).await
}

/// Adds the client's unbilled billable expenses to the draft, one line each; returns how many.
#[server(prefix = "/api", endpoint = "invoices/expenses/add")]
pub async fn add_invoice_expenses(id: InvoiceId, #[server(default)] form: AddExpensesForm) -> AppResult<usize> {
    let rates = form.validate()?;
    crate::server::invoices::add_expenses(&crate::server::business()?, id, &rates).await
}
