//! `GET /api/invoices/{id}/pdf`: the invoice as a PDF download, for a signed-in member with
//! `invoices.view` in the invoice's business.

use app::error::AppError;
use app::ids::InvoiceId;
use app::server::session::Principal;
use app::server::{AppState, BusinessCtx};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, request::Parts, HeaderValue, StatusCode};

pub async fn download(State(state): State<AppState>, Path(id): Path<String>, parts: Parts) -> Response {
    let Some(principal) = parts.extensions.get::<Principal>().cloned() else {
        return (StatusCode::UNAUTHORIZED, "Sign in first").into_response();
    };
    // A malformed id names nothing: the same 404 as someone else's invoice.
    let Ok(id) = id.parse::<InvoiceId>() else { return (StatusCode::NOT_FOUND, "Not found.").into_response() };
    let clock = state.clock.for_request(&parts, state.clock_header);
    let origin = app::server::origin(&state.auth, &parts);
    let result = match BusinessCtx::from_principal(&state, principal, clock, origin) {
        Ok(ctx) => app::server::invoices::pdf(&ctx, id).await,
        Err(error) => Err(error),
    };
    match result {
        Ok((file_name, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error @ AppError::Internal) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, error.to_string()).into_response()
        }
    }
}
