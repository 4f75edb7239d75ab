//! The business logo over plain HTTP, so uploading works without JavaScript (a multipart form post)
//! and the logo can be an `<img>`:
//! - `GET /api/branding/logo`: the active business's logo, for any member (the shell shows it).
//! - `POST /api/branding/logo`: upload (field `logo`), `branding.edit`; answers with a redirect to
//!   Settings → Branding carrying the outcome (`?logo=saved` or a problem's code).
//! - `POST /api/branding/logo/remove`: back to no logo.

use crate::member::{business_ctx, error_response};
use app::branding::LogoProblem;
use app::error::AppError;
use app::server::branding::{self, UploadError};
use app::server::AppState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, StatusCode};

const SETTINGS: &str = "/settings/branding";

/// Where an upload's outcome is shown.
pub fn outcome(code: &str) -> Redirect {
    Redirect::to(&format!("{SETTINGS}?logo={code}"))
}

fn problem(problem: LogoProblem) -> Response {
    outcome(problem.code()).into_response()
}

pub async fn show(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    match branding::logo(&ctx).await {
        // Each logo has its own address (`?v=` is its hash), so a browser may keep it.
        Ok(Some((png, _))) => (
            [(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, max-age=31536000, immutable")],
            png,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "This business has no logo.").into_response(),
        Err(error) => error_response(error),
    }
}

pub async fn upload(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let request = Request::from_parts(parts, body);
    let Ok(mut multipart) = Multipart::from_request(request, &state).await else {
        return problem(LogoProblem::Empty);
    };
    let mut bytes = None;
    // Only the `logo` field counts; anything else in the form is skipped.
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => match field.bytes().await {
                Ok(data) => {
                    bytes = Some(data.to_vec());
                    break;
                }
                Err(_) => return problem(LogoProblem::Damaged),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return problem(LogoProblem::Damaged),
        }
    }
    match branding::upload_logo(&ctx, bytes.unwrap_or_default()).await {
        Ok(()) => outcome("saved").into_response(),
        Err(UploadError::Refused(refused)) => problem(refused),
        Err(UploadError::App(AppError::Forbidden)) => problem(LogoProblem::Forbidden),
        Err(UploadError::App(_)) => problem(LogoProblem::Failed),
    }
}

pub async fn remove(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    match branding::remove_logo(&ctx).await {
        Ok(()) => outcome("removed").into_response(),
        Err(AppError::Forbidden) => problem(LogoProblem::Forbidden),
        Err(_) => problem(LogoProblem::Failed),
    }
}
