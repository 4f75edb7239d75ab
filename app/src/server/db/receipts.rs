//! Receipt SQL: one row per expense that has a receipt, its bytes stored out of line. Only this
//! module reads the bytes, one receipt at a time.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ExpenseId, UserId};
use crate::money::Money;
use crate::server::errors::ResultExt;
use chrono::NaiveDate;
use sqlx::PgExecutor;

/// A receipt ready to store.
pub struct NewReceipt<'a> {
    pub filename: &'a str,
    pub mime_type: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
}

/// Stores (or replaces) the expense's receipt. An expense of another business is `NotFound`
/// (the foreign key when it has no receipt yet, the conflict's condition when it has one).
pub async fn put_receipt(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ExpenseId,
    actor: UserId,
    receipt: &NewReceipt<'_>,
) -> AppResult<()> {
    let stored = sqlx::query!(
        "insert into vendor_receipts (expense_id, business_id, filename, mime_type, size_bytes, sha256, bytes, uploaded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (expense_id) do update set filename = excluded.filename, mime_type = excluded.mime_type,
             size_bytes = excluded.size_bytes, sha256 = excluded.sha256, bytes = excluded.bytes,
             uploaded_by = excluded.uploaded_by, uploaded_at = now()
         where vendor_receipts.business_id = excluded.business_id",
        id.0,
        business_id.0,
        receipt.filename,
        receipt.mime_type,
        receipt.bytes.len() as i32,
        receipt.sha256,
        receipt.bytes,
        actor.0
    )
    .execute(db)
    .await
    .on_constraint("vendor_receipts_expense_fkey", |_| AppError::NotFound)?;
    if stored.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn remove_receipt(db: impl PgExecutor<'_>, business_id: BusinessId, id: ExpenseId) -> AppResult<bool> {
    let removed =
        sqlx::query!("delete from vendor_receipts where business_id = $1 and expense_id = $2", business_id.0, id.0)
            .execute(db)
            .await?;
    Ok(removed.rows_affected() > 0)
}

/// A stored receipt with its bytes.
pub struct StoredReceipt {
    pub filename: String,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

pub async fn receipt(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ExpenseId,
) -> AppResult<Option<StoredReceipt>> {
    let row = sqlx::query!(
        "select filename, mime_type, bytes from vendor_receipts where business_id = $1 and expense_id = $2",
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| StoredReceipt { filename: r.filename, mime_type: r.mime_type, bytes: r.bytes }))
}

/// What names a receipt in the ZIP, without its bytes.
#[derive(Debug, Clone)]
pub struct ReceiptEntry {
    pub expense_id: ExpenseId,
    pub incurred_on: NaiveDate,
    pub vendor: String,
    pub description: String,
    pub amount: Money,
    pub mime_type: String,
    pub size_bytes: i64,
}

/// Receipts of expenses incurred in `[from, to]` (either end open), oldest first, at most `limit`.
pub async fn receipts_in_range(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: i64,
) -> AppResult<Vec<ReceiptEntry>> {
    let rows = sqlx::query!(
        r#"select e.id, e.incurred_on, e.vendor, e.description, e.amount_minor as "amount_minor!",
                  e.currency::text as "currency!", r.mime_type, r.size_bytes
           from vendor_receipts r
           join vendor_expenses e on e.business_id = r.business_id and e.id = r.expense_id
           where r.business_id = $1 and ($2::date is null or e.incurred_on >= $2) and ($3::date is null or e.incurred_on <= $3)
           order by e.incurred_on, e.id
           limit $4"#,
        business_id.0,
        from,
        to,
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ReceiptEntry {
                expense_id: ExpenseId(r.id),
                incurred_on: r.incurred_on,
                vendor: r.vendor,
                description: r.description,
                amount: Money::new(r.amount_minor, super::expenses::currency(&r.currency)?),
                mime_type: r.mime_type,
                size_bytes: i64::from(r.size_bytes),
            })
        })
        .collect()
}

/// One receipt's bytes (gone since it was listed: `None`).
pub async fn receipt_bytes(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ExpenseId,
) -> AppResult<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar!(
        "select bytes from vendor_receipts where business_id = $1 and expense_id = $2",
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?)
}
