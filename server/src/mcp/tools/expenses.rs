//! Expenses (7). Receipts are files, uploaded and downloaded in the app; tools say whether an
//! expense has one (`hasReceipt`) and never carry its bytes.

use crate::mcp::catalog::{tool, ToolDef};
use app::error::AppError;
use app::expenses::{
    CreateExpense, DeleteExpense, Expense, ExpenseFilter, ExpenseForm, ExpenseStatus, GetExpense, ListExpenses,
    SetExpenseStatus, UpdateExpense,
};
use app::ids::ExpenseId;
use app::server::{expenses, BusinessCtx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_expenses, ListArgs, Reads, ListExpenses, "List expenses",
            "List expenses, newest first (at most 1000), with totals per currency. Amounts are integer minor units (1250 = 12.50 EUR). Filter by status (unpaid or paid), a search text (description, vendor, category, notes, client, project) and an inclusive date range (from, to: YYYY-MM-DD)."),
        tool!(get_expense, ExpenseRef, Reads, GetExpense, "Get an expense",
            "Get one expense: description, amount (minor units) and currency, date, vendor, category, notes, client and project, status and paid date, billable and the invoice it is billed on, and hasReceipt (the receipt itself is not returned)."),
        tool!(create_expense, ExpenseFields, Writes, CreateExpense, "Record an expense",
            "Record an expense. amount is a decimal string in major units (\"12.50\"), currency an ISO code, incurred_on YYYY-MM-DD. A project sets the client; billable needs a client or project. Returns the new expense's id."),
        tool!(update_expense, ExpensePatch, Writes, UpdateExpense, "Update an expense",
            "Change some of an expense's fields: only the fields you send change. Send \"\" to clear vendor, category, notes, client or project. Refused while the expense is billed on an invoice."),
        tool!(mark_expense_paid, PaidArgs, Writes, SetExpenseStatus, "Mark an expense paid",
            "Mark an expense paid, on paid_on (YYYY-MM-DD; default today in the business's time zone)."),
        tool!(mark_expense_unpaid, ExpenseRef, Writes, SetExpenseStatus, "Mark an expense unpaid",
            "Mark an expense unpaid again (clears its paid date)."),
        tool!(delete_expense, ExpenseRef, Destroys, DeleteExpense, "Delete an expense",
            "Delete an expense and its receipt for good. Refused while it is billed on an invoice."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// "unpaid" or "paid"; omit for both.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub search: String,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    pub from: String,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    pub to: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseRef {
    pub expense_id: Uuid,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseFields {
    /// What it was for, e.g. "Train to Lyon".
    pub description: String,
    /// Decimal string in major units, e.g. "12.50".
    pub amount: String,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// YYYY-MM-DD.
    pub incurred_on: String,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub notes: String,
    pub client_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    /// Billable to the client: it can then be added to one of their draft invoices.
    #[serde(default)]
    pub billable: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpensePatch {
    pub expense_id: Uuid,
    pub description: Option<String>,
    /// Decimal string in major units.
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// YYYY-MM-DD.
    pub incurred_on: Option<String>,
    pub vendor: Option<String>,
    pub category: Option<String>,
    pub notes: Option<String>,
    /// A client id, or "" for none.
    pub client_id: Option<String>,
    /// A project id, or "" for none.
    pub project_id: Option<String>,
    pub billable: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidArgs {
    pub expense_id: Uuid,
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    pub paid_on: String,
}

/// An expense as tools show it: everything but the receipt's bytes, with `hasReceipt`.
fn shown(expense: &Expense) -> Value {
    let mut value = serde_json::to_value(expense).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut value {
        map.insert("hasReceipt".to_owned(), Value::Bool(expense.receipt.is_some()));
    }
    value
}

async fn list_expenses(ctx: &BusinessCtx, args: ListArgs) -> Result<Value, AppError> {
    let filter = ExpenseFilter::parse(&args.status, &args.search, &args.from, &args.to)?;
    let list = expenses::list(ctx, &filter).await?;
    Ok(json!({
        "expenses": list.expenses.iter().map(shown).collect::<Vec<_>>(),
        "totals": list.totals,
        "truncated": list.truncated,
    }))
}

async fn get_expense(ctx: &BusinessCtx, args: ExpenseRef) -> Result<Value, AppError> {
    Ok(shown(&expenses::get(ctx, ExpenseId(args.expense_id)).await?))
}

fn flag(on: bool) -> Option<String> {
    on.then(|| "on".to_owned())
}

async fn create_expense(ctx: &BusinessCtx, args: ExpenseFields) -> Result<Value, AppError> {
    let form = ExpenseForm {
        description: args.description,
        amount: args.amount,
        currency: args.currency,
        incurred_on: args.incurred_on,
        vendor: args.vendor,
        category: args.category,
        notes: args.notes,
        client_id: args.client_id.map(|c| c.to_string()).unwrap_or_default(),
        project_id: args.project_id.map(|p| p.to_string()).unwrap_or_default(),
        billable: flag(args.billable),
    };
    let id = expenses::create(ctx, form.validate()?).await?;
    Ok(json!({ "expense_id": id }))
}

async fn update_expense(ctx: &BusinessCtx, patch: ExpensePatch) -> Result<Value, AppError> {
    let id = ExpenseId(patch.expense_id);
    let mut form = ExpenseForm::from(&expenses::get(ctx, id).await?);
    let fields = [
        (&mut form.description, patch.description),
        (&mut form.amount, patch.amount),
        (&mut form.currency, patch.currency),
        (&mut form.incurred_on, patch.incurred_on),
        (&mut form.vendor, patch.vendor),
        (&mut form.category, patch.category),
        (&mut form.notes, patch.notes),
        (&mut form.client_id, patch.client_id),
        (&mut form.project_id, patch.project_id),
    ];
    for (field, value) in fields {
        if let Some(value) = value {
            *field = value;
        }
    }
    if let Some(billable) = patch.billable {
        form.billable = flag(billable);
    }
    expenses::update(ctx, id, form.validate()?).await?;
    get_expense(ctx, ExpenseRef { expense_id: patch.expense_id }).await
}

async fn mark_expense_paid(ctx: &BusinessCtx, args: PaidArgs) -> Result<Value, AppError> {
    let paid_on = match args.paid_on.trim() {
        "" => None,
        text => Some(app::validation::date(text).map_err(|m| AppError::field("paid_on", m))?),
    };
    expenses::set_status(ctx, ExpenseId(args.expense_id), ExpenseStatus::Paid, paid_on).await?;
    get_expense(ctx, ExpenseRef { expense_id: args.expense_id }).await
}

async fn mark_expense_unpaid(ctx: &BusinessCtx, args: ExpenseRef) -> Result<Value, AppError> {
    expenses::set_status(ctx, ExpenseId(args.expense_id), ExpenseStatus::Unpaid, None).await?;
    get_expense(ctx, args).await
}

async fn delete_expense(ctx: &BusinessCtx, args: ExpenseRef) -> Result<Value, AppError> {
    expenses::delete(ctx, ExpenseId(args.expense_id)).await?;
    Ok(json!({ "deleted": true }))
}
