//! Business settings operations (the General tab).

use crate::error::{AppError, AppResult};
use crate::permissions::Permission;
use crate::server::db::businesses as db;
use crate::server::time::{valid_zone, zone_names};
use crate::server::BusinessCtx;
use crate::settings::{BusinessSettings, SettingsInput};

pub async fn get(ctx: &BusinessCtx) -> AppResult<BusinessSettings> {
    ctx.require(Permission::SettingsView)?;
    let stored = db::settings(&ctx.pool, ctx.business.id).await?;
    Ok(BusinessSettings { timezones: zone_names(), can_edit: ctx.can(Permission::SettingsEdit), ..stored })
}

pub async fn update(ctx: &BusinessCtx, input: SettingsInput) -> AppResult<()> {
    ctx.require(Permission::SettingsEdit)?;
    let timezone = input.timezone.as_deref().map(valid_zone).transpose().map_err(|e| AppError::field("timezone", e))?;
    let update = db::SettingsUpdate {
        name: &input.name,
        address: &input.address,
        currency: input.currency,
        hours_per_day: input.hours_per_day,
        forgotten_timer_hours: input.forgotten_timer_hours,
        timezone: timezone.as_deref(),
    };
    db::update_settings(&ctx.pool, ctx.business.id, &update).await
}
