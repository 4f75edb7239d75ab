//! Branding operations: colour, footer note and logo.

use crate::branding::{logo_url, Branding, BrandingInput, LogoProblem};
use crate::error::{AppError, AppResult};
use crate::permissions::Permission;
use crate::server::db::{businesses as db, logos};
use crate::server::errors::internal;
use crate::server::BusinessCtx;

pub async fn get(ctx: &BusinessCtx) -> AppResult<Branding> {
    ctx.require(Permission::SettingsView)?;
    let (brand_color, footer_note) = db::branding(&ctx.pool, ctx.business.id).await?;
    let logo = logos::info(&ctx.pool, ctx.business.id).await?;
    Ok(Branding {
        brand_color,
        footer_note,
        can_edit: ctx.can(Permission::BrandingEdit),
        logo_url: logo.map(|(sha, _, _)| logo_url(&sha)),
    })
}

pub async fn update(ctx: &BusinessCtx, input: BrandingInput) -> AppResult<()> {
    ctx.require(Permission::BrandingEdit)?;
    db::set_branding(&ctx.pool, ctx.business.id, &input.brand_color, &input.footer_note).await
}

/// Why an upload failed: something the person can fix, or the server's trouble.
#[derive(Debug)]
pub enum UploadError {
    Refused(LogoProblem),
    App(AppError),
}

impl From<AppError> for UploadError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

/// Checks, re-encodes and stores an uploaded logo, replacing any earlier one. The decoding runs
/// off the async executor and shares the PDF renderer's slots, so a burst of uploads cannot take
/// every core.
pub async fn upload_logo(ctx: &BusinessCtx, bytes: Vec<u8>) -> Result<(), UploadError> {
    ctx.require(Permission::BrandingEdit)?;
    let _slot = crate::server::invoices::pdf::rendering_slots()
        .acquire()
        .await
        .map_err(|e| internal("the rendering slots closed", e))?;
    let logo = tokio::task::spawn_blocking(move || crate::server::logo::process(&bytes))
        .await
        .map_err(|e| internal("the logo decoder panicked", e))?
        .map_err(UploadError::Refused)?;
    logos::put(&ctx.pool, ctx.business.id, &logo).await?;
    Ok(())
}

pub async fn remove_logo(ctx: &BusinessCtx) -> AppResult<()> {
    ctx.require(Permission::BrandingEdit)?;
    logos::delete(&ctx.pool, ctx.business.id).await
}

/// The logo's PNG and SHA-256, for any member (the app shell shows it to everyone).
pub async fn logo(ctx: &BusinessCtx) -> AppResult<Option<(Vec<u8>, String)>> {
    logos::png(&ctx.pool, ctx.business.id).await
}
