//! Business logos: one re-encoded PNG per business.

use crate::error::AppResult;
use crate::ids::BusinessId;
use crate::server::logo::Logo;
use sqlx::PgExecutor;

/// The stored PNG and its SHA-256, if the business has a logo.
pub async fn png(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<Option<(Vec<u8>, String)>> {
    let row =
        sqlx::query!("select png, sha256 from logos where business_id = $1", business_id.0).fetch_optional(db).await?;
    Ok(row.map(|r| (r.png, r.sha256)))
}

/// The logo's SHA-256 and size, without its bytes.
pub async fn info(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<Option<(String, i32, i32)>> {
    let row = sqlx::query!("select sha256, width, height from logos where business_id = $1", business_id.0)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.sha256, r.width, r.height)))
}

pub async fn put(db: impl PgExecutor<'_>, business_id: BusinessId, logo: &Logo) -> AppResult<()> {
    sqlx::query!(
        "insert into logos (business_id, png, width, height, sha256, source_type) values ($1, $2, $3, $4, $5, $6)
         on conflict (business_id) do update set png = excluded.png, width = excluded.width,
             height = excluded.height, sha256 = excluded.sha256, source_type = excluded.source_type,
             updated_at = now()",
        business_id.0,
        &logo.png,
        logo.width as i32,
        logo.height as i32,
        logo.sha256,
        logo.source_type
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<()> {
    sqlx::query!("delete from logos where business_id = $1", business_id.0).execute(db).await?;
    Ok(())
}
