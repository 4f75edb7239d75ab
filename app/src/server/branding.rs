//! Branding operations.

use crate::branding::{Branding, BrandingInput};
use crate::error::AppResult;
use crate::permissions::Permission;
use crate::server::db::businesses as db;
use crate::server::BusinessCtx;

pub async fn get(ctx: &BusinessCtx) -> AppResult<Branding> {
    ctx.require(Permission::SettingsView)?;
    let (brand_color, footer_note) = db::branding(&ctx.pool, ctx.business.id).await?;
    Ok(Branding { brand_color, footer_note, can_edit: ctx.can(Permission::BrandingEdit) })
}

pub async fn update(ctx: &BusinessCtx, input: BrandingInput) -> AppResult<()> {
    ctx.require(Permission::BrandingEdit)?;
    db::set_branding(&ctx.pool, ctx.business.id, &input.brand_color, &input.footer_note).await
}
