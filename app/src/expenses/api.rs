//! Expense server functions: thin adapters from a request to the operations in
//! `server::expenses`. Receipts travel over plain HTTP routes instead (multipart uploads and
//! downloads), see `server/src/receipts.rs`.

use super::{ExpenseForm, ExpenseList, ExpenseOptions, ExpensePage};
use crate::error::AppResult;
use crate::ids::ExpenseId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "expenses/list")]
pub async fn list_expenses(
    #[server(default)] status: String,
    #[server(default)] search: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> AppResult<ExpenseList> {
    let filter = super::ExpenseFilter::parse(&status, &search, &from, &to)?;
    crate::server::expenses::list(&crate::server::business()?, &filter).await
}

#[server(prefix = "/api", endpoint = "expenses/get")]
pub async fn get_expense(id: ExpenseId) -> AppResult<ExpensePage> {
    crate::server::expenses::page(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "expenses/choices")]
pub async fn expense_form_choices() -> AppResult<ExpenseOptions> {
    let ctx = crate::server::business()?;
    let mut options = crate::server::expenses::choices(&ctx).await?;
    options.can_scan =
        crate::server::state()?.receipt_scan.is_some() && ctx.can(crate::permissions::Permission::ExpensesCreate);
    Ok(options)
}

#[server(prefix = "/api", endpoint = "expenses/create")]
pub async fn create_expense(form: ExpenseForm) -> AppResult<ExpenseId> {
    let id = crate::server::expenses::create(&crate::server::business()?, form.validate()?).await?;
    leptos_axum::redirect(&format!("/expenses/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "expenses/update")]
pub async fn update_expense(id: ExpenseId, form: ExpenseForm) -> AppResult<()> {
    crate::server::expenses::update(&crate::server::business()?, id, form.validate()?).await?;
    leptos_axum::redirect(&format!("/expenses/{id}"));
    Ok(())
}

/// `status` is `paid` or `unpaid`; `paid_on` (`YYYY-MM-DD`) defaults to the business's today.
#[server(prefix = "/api", endpoint = "expenses/status")]
pub async fn set_expense_status(id: ExpenseId, status: String, #[server(default)] paid_on: String) -> AppResult<()> {
    let status = super::ExpenseStatus::parse(&status)
        .ok_or_else(|| crate::error::AppError::field("status", "Choose paid or unpaid."))?;
    let paid_on = match paid_on.trim() {
        "" => None,
        text => Some(crate::validation::date(text).map_err(|m| crate::error::AppError::field("paid_on", m))?),
    };
    crate::server::expenses::set_status(&crate::server::business()?, id, status, paid_on).await
}

#[server(prefix = "/api", endpoint = "expenses/delete")]
pub async fn delete_expense(id: ExpenseId) -> AppResult<()> {
    crate::server::expenses::delete(&crate::server::business()?, id).await?;
    leptos_axum::redirect("/expenses");
    Ok(())
}
