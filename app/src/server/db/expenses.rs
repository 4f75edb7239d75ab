//! Expense and receipt SQL. Listing never reads receipt bytes: only `vendor_receipts`' small
//! columns are selected, and the bytes (stored out of line) are read one receipt at a time.

use crate::error::{AppError, AppResult};
use crate::expenses::{
    BilledOn, Expense, ExpenseChoice, ExpenseFilter, ExpenseInput, ExpenseStatus, ReceiptInfo, LIST_LIMIT,
};
use crate::ids::{BusinessId, ClientId, ExpenseId, InvoiceId, ProjectId, UserId};
use crate::money::{CurrencyCode, Money};
use crate::server::db::like_pattern;
use crate::server::errors::ResultExt;
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub(crate) fn currency(code: &str) -> AppResult<CurrencyCode> {
    CurrencyCode::parse(code).map_err(|e| crate::server::errors::internal("a stored currency is malformed", e))
}

/// Expenses matching the filter (or the one expense `id`), newest first, at most `limit`.
async fn select(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: Option<ExpenseId>,
    filter: &ExpenseFilter,
    limit: i64,
) -> AppResult<Vec<Expense>> {
    let rows = sqlx::query!(
        r#"select e.id, e.description, e.amount_minor as "amount_minor!", e.currency::text as "currency!", e.incurred_on,
                  e.vendor, e.category, e.notes, e.client_id, c.name as "client_name?", e.project_id,
                  p.name as "project_name?", e.status as "status: ExpenseStatus", e.paid_on, e.billable,
                  l.invoice_id as "invoice_id?", i.number as "invoice_number?",
                  r.filename as "receipt_filename?", r.mime_type as "receipt_mime?",
                  r.size_bytes as "receipt_size?", r.sha256 as "receipt_sha256?"
           from vendor_expenses e
           left join clients c on c.business_id = e.business_id and c.id = e.client_id
           left join projects p on p.business_id = e.business_id and p.id = e.project_id
           left join sales_lines l on l.business_id = e.business_id and l.id = e.invoice_line_id
           left join sales_invoices i on i.business_id = l.business_id and i.id = l.invoice_id
           left join vendor_receipts r on r.business_id = e.business_id and r.expense_id = e.id
           where e.business_id = $1 and ($2::uuid is null or e.id = $2) and ($3::text is null or e.status = $3)
             and ($4 = '%%' or e.description ilike $4 or e.vendor ilike $4 or e.category ilike $4
                  or e.notes ilike $4 or c.name ilike $4 or p.name ilike $4)
             and ($5::date is null or e.incurred_on >= $5) and ($6::date is null or e.incurred_on <= $6)
           order by e.incurred_on desc, e.id desc
           limit $7"#,
        business_id.0,
        id.map(|id| id.0),
        filter.status.map(|s| s.as_str()),
        like_pattern(&filter.search),
        filter.from,
        filter.to,
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let receipt = match (r.receipt_filename, r.receipt_mime, r.receipt_size, r.receipt_sha256) {
                (Some(filename), Some(mime_type), Some(size), Some(sha256)) => {
                    Some(ReceiptInfo { filename, mime_type, size_bytes: i64::from(size), sha256 })
                }
                _ => None,
            };
            Ok(Expense {
                id: r.id.into(),
                description: r.description,
                amount: Money::new(r.amount_minor, currency(&r.currency)?),
                incurred_on: r.incurred_on,
                vendor: r.vendor,
                category: r.category,
                notes: r.notes,
                client_id: r.client_id.map(ClientId),
                client_name: r.client_name,
                project_id: r.project_id.map(ProjectId),
                project_name: r.project_name,
                status: r.status,
                paid_on: r.paid_on,
                billable: r.billable,
                billed_on: r.invoice_id.map(|id| BilledOn { invoice_id: InvoiceId(id), number: r.invoice_number }),
                receipt,
            })
        })
        .collect()
}

/// The list page: at most [`LIST_LIMIT`] expenses and whether more matched.
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    filter: &ExpenseFilter,
) -> AppResult<(Vec<Expense>, bool)> {
    let mut rows = select(db, business_id, None, filter, LIST_LIMIT as i64 + 1).await?;
    let truncated = rows.len() > LIST_LIMIT;
    rows.truncate(LIST_LIMIT);
    Ok((rows, truncated))
}

/// Totals per currency of every expense matching the filter (for a list cut at its limit).
pub async fn totals(db: impl PgExecutor<'_>, business_id: BusinessId, filter: &ExpenseFilter) -> AppResult<Vec<Money>> {
    let rows = sqlx::query!(
        r#"select e.currency::text as "currency!", sum(e.amount_minor)::bigint as "total!"
           from vendor_expenses e
           left join clients c on c.business_id = e.business_id and c.id = e.client_id
           left join projects p on p.business_id = e.business_id and p.id = e.project_id
           where e.business_id = $1 and ($2::text is null or e.status = $2)
             and ($3 = '%%' or e.description ilike $3 or e.vendor ilike $3 or e.category ilike $3
                  or e.notes ilike $3 or c.name ilike $3 or p.name ilike $3)
             and ($4::date is null or e.incurred_on >= $4) and ($5::date is null or e.incurred_on <= $5)
           group by e.currency order by e.currency"#,
        business_id.0,
        filter.status.map(|s| s.as_str()),
        like_pattern(&filter.search),
        filter.from,
        filter.to
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|r| Ok(Money::new(r.total, currency(&r.currency)?))).collect()
}

pub async fn get(db: impl PgExecutor<'_>, business_id: BusinessId, id: ExpenseId) -> AppResult<Expense> {
    select(db, business_id, Some(id), &ExpenseFilter::default(), 1).await?.into_iter().next().ok_or(AppError::NotFound)
}

/// The clients (active), projects and earlier categories the form offers, in one statement.
pub async fn choices(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
) -> AppResult<(Vec<ExpenseChoice>, Vec<ExpenseChoice>, Vec<String>)> {
    let rows = sqlx::query!(
        r#"(select 0 as "kind!", c.id::text as "id!", c.name as "name!", lower(c.name) as sort, 0::bigint as uses
            from clients c where c.business_id = $1 and c.archived_at is null
            order by lower(c.name), c.id limit 1000)
           union all
           (select 1, p.id::text, p.name || ' (' || c.name || ')', lower(p.name), 0
            from projects p join clients c on c.business_id = p.business_id and c.id = p.client_id
            where p.business_id = $1 and p.status <> 'completed'
            order by lower(p.name), p.id limit 1000)
           union all
           (select 2, '', min(e.category), lower(e.category), count(*)
            from vendor_expenses e where e.business_id = $1 and e.category <> ''
            group by lower(e.category) order by count(*) desc, lower(e.category) limit 50)
           order by 1, 5 desc, 4, 2"#,
        business_id.0
    )
    .fetch_all(db)
    .await?;
    let (mut clients, mut projects, mut categories) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        match r.kind {
            0 => clients.push(ExpenseChoice { id: r.id, name: r.name }),
            1 => projects.push(ExpenseChoice { id: r.id, name: r.name }),
            _ => categories.push(r.name),
        }
    }
    Ok((clients, projects, categories))
}

/// The client a project belongs to, if the project is the business's.
pub async fn client_of_project(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    project: ProjectId,
) -> AppResult<Option<ClientId>> {
    let client = sqlx::query_scalar!(
        "select client_id from projects where business_id = $1 and id = $2",
        business_id.0,
        project.0
    )
    .fetch_optional(db)
    .await?;
    Ok(client.map(ClientId))
}

fn unknown_reference(constraint: &str) -> Option<AppError> {
    match constraint {
        "vendor_expenses_client_fkey" => Some(AppError::field("client_id", "Choose one of your clients, or none.")),
        "vendor_expenses_project_fkey" => Some(AppError::field("project_id", "Choose one of your projects, or none.")),
        _ => None,
    }
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    actor: UserId,
    input: &ExpenseInput,
) -> AppResult<ExpenseId> {
    sqlx::query_scalar!(
        "insert into vendor_expenses (id, business_id, description, amount_minor, currency, incurred_on, vendor, category,
                                      notes, client_id, project_id, billable, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
        Uuid::now_v7(),
        business_id.0,
        input.description,
        input.amount.minor,
        input.amount.currency.as_str() as _,
        input.incurred_on,
        input.vendor,
        input.category,
        input.notes,
        input.client_id.map(|c| c.0),
        input.project_id.map(|p| p.0),
        input.billable,
        actor.0
    )
    .fetch_one(db)
    .await
    .on_constraints(unknown_reference)
    .map(ExpenseId)
}

/// Whether the expense is billed (locked for edits), read under a row lock.
pub async fn lock(db: &mut PgConnection, business_id: BusinessId, id: ExpenseId) -> AppResult<Option<InvoiceId>> {
    let row = sqlx::query!(
        r#"select l.invoice_id as "invoice_id?" from vendor_expenses e
           left join sales_lines l on l.business_id = e.business_id and l.id = e.invoice_line_id
           where e.business_id = $1 and e.id = $2
           for update of e"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(row.invoice_id.map(InvoiceId))
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ExpenseId,
    input: &ExpenseInput,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update vendor_expenses set description = $3, amount_minor = $4, currency = $5, incurred_on = $6, vendor = $7,
                category = $8, notes = $9, client_id = $10, project_id = $11, billable = $12
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        input.description,
        input.amount.minor,
        input.amount.currency.as_str() as _,
        input.incurred_on,
        input.vendor,
        input.category,
        input.notes,
        input.client_id.map(|c| c.0),
        input.project_id.map(|p| p.0),
        input.billable
    )
    .execute(db)
    .await
    .on_constraints(unknown_reference)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ExpenseId,
    status: ExpenseStatus,
    paid_on: Option<NaiveDate>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update vendor_expenses set status = $3, paid_on = $4 where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        status.as_str(),
        paid_on
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: BusinessId, id: ExpenseId) -> AppResult<()> {
    let deleted = sqlx::query!("delete from vendor_expenses where business_id = $1 and id = $2", business_id.0, id.0)
        .execute(db)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// An unbilled billable expense, about to become an invoice line.
#[derive(Debug, Clone)]
pub struct BillableExpense {
    pub id: ExpenseId,
    pub description: String,
    pub vendor: String,
    pub incurred_on: NaiveDate,
    pub amount: Money,
}

/// The client's (and project's, if given) unbilled billable expenses, oldest first, locked so two
/// drafts adding them at once cannot both bill one. At most `limit`.
pub async fn billable(
    db: &mut PgConnection,
    business_id: BusinessId,
    client: ClientId,
    project: Option<ProjectId>,
    limit: i64,
) -> AppResult<Vec<BillableExpense>> {
    let rows = sqlx::query!(
        r#"select id, description, vendor, incurred_on, amount_minor as "amount_minor!", currency::text as "currency!"
           from vendor_expenses
           where business_id = $1 and client_id = $2 and ($3::uuid is null or project_id = $3)
             and billable and invoice_line_id is null
           order by incurred_on, id
           limit $4
           for update"#,
        business_id.0,
        client.0,
        project.map(|p| p.0),
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(BillableExpense {
                id: ExpenseId(r.id),
                description: r.description,
                vendor: r.vendor,
                incurred_on: r.incurred_on,
                amount: Money::new(r.amount_minor, currency(&r.currency)?),
            })
        })
        .collect()
}

/// Points each expense at its line (pairs of equal index).
pub async fn link_to_lines(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    expenses: &[Uuid],
    lines: &[Uuid],
) -> AppResult<u64> {
    let linked = sqlx::query!(
        "update vendor_expenses x set invoice_line_id = u.line
         from unnest($2::uuid[], $3::uuid[]) as u(expense, line)
         where x.business_id = $1 and x.id = u.expense and x.invoice_line_id is null and x.billable",
        business_id.0,
        expenses,
        lines
    )
    .execute(db)
    .await?;
    Ok(linked.rows_affected())
}
