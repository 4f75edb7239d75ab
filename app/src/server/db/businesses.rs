//! Businesses (tenants), memberships and the active-business choice.

use crate::business::{BusinessSummary, Role};
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, UserId};
use crate::server::errors::ResultExt;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// Creates a business with `user_id` as its owner and makes it their active one, atomically.
pub async fn create_with_owner(db: &PgPool, user_id: UserId, name: &str, currency: &str) -> AppResult<BusinessSummary> {
    let mut tx = db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into businesses (id, name, currency, created_by) values ($1, $2, $3, $4) returning id",
        Uuid::now_v7(),
        name,
        currency,
        user_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into memberships (business_id, user_id, role) values ($1, $2, $3)",
        id,
        user_id.0,
        Role::Owner as _
    )
    .execute(&mut *tx)
    .await?;
    set_active(&mut *tx, user_id, id.into()).await?;
    tx.commit().await?;
    Ok(BusinessSummary { id: id.into(), name: name.to_owned(), currency: currency.to_owned(), role: Role::Owner })
}

/// Every business the user belongs to, oldest membership first, with its logo's SHA-256 if it has
/// one (the shell shows the active business's logo).
pub async fn list_for_user(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> AppResult<Vec<(BusinessSummary, Option<String>)>> {
    let rows = sqlx::query!(
        r#"select b.id, b.name, b.currency, m.role as "role: Role", l.sha256 as "logo?"
           from memberships m join businesses b on b.id = m.business_id
           left join logos l on l.business_id = b.id
           where m.user_id = $1
           order by m.created_at, b.id"#,
        user_id.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (BusinessSummary { id: r.id.into(), name: r.name, currency: r.currency, role: r.role }, r.logo))
        .collect())
}

/// Makes `business_id` the user's active business. A business they don't belong to is `NotFound`
/// (the foreign key to memberships refuses it, so there is no check-then-act race).
pub async fn set_active(db: impl PgExecutor<'_>, user_id: UserId, business_id: BusinessId) -> AppResult<()> {
    sqlx::query!(
        "insert into user_active_business (user_id, business_id) values ($1, $2)
         on conflict (user_id) do update set business_id = excluded.business_id",
        user_id.0,
        business_id.0
    )
    .execute(db)
    .await
    .on_constraint("user_active_business_membership_fkey", |_| AppError::NotFound)?;
    Ok(())
}

pub async fn settings(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
) -> AppResult<crate::settings::BusinessSettings> {
    let row = sqlx::query!(
        "select name, address, currency, hours_per_day, forgotten_timer_hours, timezone from businesses where id = $1",
        business_id.0
    )
    .fetch_one(db)
    .await?;
    Ok(stored_settings(row.name, row.address, row.currency, row.hours_per_day, row.forgotten_timer_hours, row.timezone))
}

/// The settings as stored; the operation adds what the viewer may do and the zone list.
fn stored_settings(
    name: String,
    address: String,
    currency: String,
    hours_per_day: i32,
    forgotten_timer_hours: i32,
    timezone: String,
) -> crate::settings::BusinessSettings {
    crate::settings::BusinessSettings {
        name,
        address,
        currency,
        hours_per_day,
        forgotten_timer_hours,
        timezone,
        timezones: Vec::new(),
        can_edit: false,
    }
}

/// New settings; `None` leaves a value as it is.
pub struct SettingsUpdate<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub currency: &'a str,
    pub hours_per_day: Option<i32>,
    pub forgotten_timer_hours: Option<i32>,
    pub timezone: Option<&'a str>,
}

pub async fn update_settings(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    update: &SettingsUpdate<'_>,
) -> AppResult<()> {
    sqlx::query!(
        "update businesses set name = $2, address = $3, currency = $4,
                hours_per_day = coalesce($5, hours_per_day),
                forgotten_timer_hours = coalesce($6, forgotten_timer_hours),
                timezone = coalesce($7, timezone)
         where id = $1",
        business_id.0,
        update.name,
        update.address,
        update.currency,
        update.hours_per_day,
        update.forgotten_timer_hours,
        update.timezone
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What an invoice PDF prints of its business, logo included, in one statement.
pub struct PrintProfile {
    pub settings: crate::settings::BusinessSettings,
    pub vat_number: String,
    pub brand_color: String,
    pub footer_note: String,
    pub logo_png: Option<Vec<u8>>,
    pub country_code: Option<String>,
    /// PDFs of issued documents are Factur-X.
    pub einvoicing: bool,
}

pub async fn print_profile(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<PrintProfile> {
    let row = sqlx::query!(
        r#"select b.name, b.address, b.currency, b.hours_per_day, b.forgotten_timer_hours, b.timezone, b.vat_number,
                  b.brand_color, b.footer_note, l.png as "png?", b.country_code, b.einvoicing
           from businesses b left join logos l on l.business_id = b.id where b.id = $1"#,
        business_id.0
    )
    .fetch_one(db)
    .await?;
    Ok(PrintProfile {
        settings: stored_settings(
            row.name,
            row.address,
            row.currency,
            row.hours_per_day,
            row.forgotten_timer_hours,
            row.timezone,
        ),
        vat_number: row.vat_number,
        brand_color: row.brand_color,
        footer_note: row.footer_note,
        logo_png: row.png,
        country_code: row.country_code,
        einvoicing: row.einvoicing,
    })
}

pub async fn branding(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<(String, String)> {
    let row = sqlx::query!("select brand_color, footer_note from businesses where id = $1", business_id.0)
        .fetch_one(db)
        .await?;
    Ok((row.brand_color, row.footer_note))
}

pub async fn set_branding(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    brand_color: &str,
    footer_note: &str,
) -> AppResult<()> {
    sqlx::query!(
        "update businesses set brand_color = $2, footer_note = $3 where id = $1",
        business_id.0,
        brand_color,
        footer_note
    )
    .execute(db)
    .await?;
    Ok(())
}
