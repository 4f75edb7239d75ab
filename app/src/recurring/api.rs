//! Recurring-invoice server functions: thin adapters to `server::recurring`.

use super::{Schedule, ScheduleEdit, ScheduleForm, ScheduleOptions, SchedulePage};
use crate::error::AppResult;
use crate::ids::{InvoiceId, ScheduleId};
use crate::invoices::InvoiceSummary;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "recurring/list")]
pub async fn list_schedules() -> AppResult<Vec<Schedule>> {
    crate::server::recurring::list(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "recurring/get")]
pub async fn get_schedule(id: ScheduleId) -> AppResult<SchedulePage> {
    crate::server::recurring::page(&crate::server::business()?, id).await
}

/// The invoices a schedule made, newest first.
#[server(prefix = "/api", endpoint = "recurring/generated")]
pub async fn list_generated_invoices(id: ScheduleId) -> AppResult<Vec<InvoiceSummary>> {
    crate::server::recurring::generated(&crate::server::business()?, id).await
}

/// The edit form's data: the schedule and the choices, in two statements.
#[server(prefix = "/api", endpoint = "recurring/edit")]
pub async fn get_schedule_for_edit(id: ScheduleId) -> AppResult<ScheduleEdit> {
    crate::server::recurring::edit(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "recurring/choices")]
pub async fn schedule_form_choices() -> AppResult<ScheduleOptions> {
    crate::server::recurring::choices(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "recurring/create")]
pub async fn create_schedule(form: ScheduleForm) -> AppResult<ScheduleId> {
    let id = crate::server::recurring::create(&crate::server::business()?, form.validate()?).await?;
    leptos_axum::redirect(&format!("/invoices/recurring/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "recurring/update")]
pub async fn update_schedule(id: ScheduleId, form: ScheduleForm) -> AppResult<()> {
    crate::server::recurring::update(&crate::server::business()?, id, form.validate()?).await?;
    leptos_axum::redirect(&format!("/invoices/recurring/{id}"));
    Ok(())
}

/// `status` is `active` (resume), `paused` or `ended`.
#[server(prefix = "/api", endpoint = "recurring/status")]
pub async fn set_schedule_status(id: ScheduleId, status: String) -> AppResult<()> {
    let status = super::ScheduleStatus::parse(status.trim())
        .ok_or_else(|| crate::error::AppError::field("status", "Choose active, paused or ended."))?;
    crate::server::recurring::set_status(&crate::server::business()?, id, status).await
}

/// Makes the schedule's next invoice today; opens it.
#[server(prefix = "/api", endpoint = "recurring/generate-now")]
pub async fn generate_schedule_now(id: ScheduleId) -> AppResult<InvoiceId> {
    let invoice = crate::server::recurring::generate_now(&crate::server::business()?, id).await?;
    leptos_axum::redirect(&format!("/invoices/{invoice}"));
    Ok(invoice)
}

#[server(prefix = "/api", endpoint = "recurring/delete")]
pub async fn delete_schedule(id: ScheduleId) -> AppResult<()> {
    crate::server::recurring::delete(&crate::server::business()?, id).await?;
    leptos_axum::redirect("/invoices/recurring");
    Ok(())
}
