//! `GET /api/invoices/{id}/pdf`: the invoice as a PDF download, for a signed-in member with
//! `invoices.view`, or for anyone holding a signed link (`?token=`, 15 minutes).
//! `GET /api/invoices/{id}/preview.svg`: its first page, for the preview on the invoice page.
//! `GET /api/credit-notes/{id}/pdf`: a credit note, for a signed-in member with `invoices.view`.
//! `GET /api/invoices/{id}/xml/{cii|ubl}` and `GET /api/credit-notes/{id}/xml/{cii|ubl}`: the
//! EN 16931 e-invoice as XML, for the same members.

use crate::member::{business_ctx, error_response};
use app::ids::InvoiceId;
use app::server::einvoice::Syntax;
use app::server::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, request::Parts, HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found.").into_response()
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<LinkQuery>,
    parts: Parts,
) -> Response {
    let parsed = id.parse::<InvoiceId>();
    let result = match query.token {
        Some(token) => {
            let now = state.clock.for_request(&parts, state.clock_header).now();
            // A malformed id cannot match any token.
            let found = match parsed {
                Ok(id) => app::server::invoices::pdf_by_link(&state, &token, id, now).await,
                Err(_) => Ok(None),
            };
            match found {
                Ok(Some(file)) => Ok(file),
                Ok(None) => return (StatusCode::UNAUTHORIZED, "Invalid or expired link").into_response(),
                Err(error) => Err(error),
            }
        }
        None => {
            let ctx = match business_ctx(&state, &parts) {
                Ok(ctx) => ctx,
                Err(error) => return error_response(error),
            };
            // A malformed id names nothing: the same 404 as someone else's invoice.
            let Ok(id) = parsed else { return not_found() };
            app::server::invoices::pdf(&ctx, id).await
        }
    };
    match result {
        Ok((file_name, bytes)) => pdf_response(file_name, bytes),
        Err(error) => error_response(error),
    }
}

/// `GET /api/credit-notes/{id}/pdf`: a credit note as a PDF, for members with `invoices.view`.
pub async fn credit_note(State(state): State<AppState>, Path(id): Path<String>, parts: Parts) -> Response {
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(id) = id.parse::<app::ids::CreditNoteId>() else { return not_found() };
    match app::server::invoices::credit_note_pdf(&ctx, id).await {
        Ok((file_name, bytes)) => pdf_response(file_name, bytes),
        Err(error) => error_response(error),
    }
}

/// `GET /api/invoices/{id}/xml/{syntax}`.
pub async fn invoice_xml(
    State(state): State<AppState>,
    Path((id, syntax)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let (Ok(id), Some(syntax)) = (id.parse::<InvoiceId>(), Syntax::parse(&syntax)) else { return not_found() };
    match app::server::invoices::invoice_xml(&ctx, id, syntax).await {
        Ok((file_name, xml)) => xml_response(file_name, xml),
        Err(error) => error_response(error),
    }
}

/// `GET /api/credit-notes/{id}/xml/{syntax}`.
pub async fn credit_note_xml(
    State(state): State<AppState>,
    Path((id, syntax)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let (Ok(id), Some(syntax)) = (id.parse::<app::ids::CreditNoteId>(), Syntax::parse(&syntax)) else {
        return not_found();
    };
    match app::server::invoices::credit_note_xml(&ctx, id, syntax).await {
        Ok((file_name, xml)) => xml_response(file_name, xml),
        Err(error) => error_response(error),
    }
}

fn xml_response(file_name: String, xml: String) -> Response {
    attachment(xml.into_bytes(), "application/xml; charset=utf-8", &file_name)
}

fn pdf_response(file_name: String, bytes: Vec<u8>) -> Response {
    attachment(bytes, "application/pdf", &file_name)
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub async fn preview(State(state): State<AppState>, Path(id): Path<String>, parts: Parts) -> Response {
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(id) = id.parse::<InvoiceId>() else { return not_found() };
    match app::server::invoices::preview(&ctx, id).await {
        // Shown through <img>, where an SVG cannot run anything; the API policy (default-src
        // 'none') and nosniff apply too.
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, no-store")], svg)
            .into_response(),
        Err(error) => error_response(error),
    }
}
