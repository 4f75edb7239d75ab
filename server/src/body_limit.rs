//! How much a request may send. Most routes take small forms, so the default is small; the CSV
//! import (whole files posted without JavaScript) gets more. A declared length over the limit is
//! refused before anything is read; a body that turns out longer stops being read at the limit.
//! Either way the answer is 413.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Forms, server functions, everything not listed below.
pub const DEFAULT_LIMIT: usize = 256 * 1024;
/// `/api/import/*` and the import page's posts: a CSV of up to 20,000 rows.
pub const IMPORT_LIMIT: usize = 16 * 1024 * 1024;
/// `/api/branding/logo`: a 1.5 MB image with room for the multipart framing. A file between
/// 1.5 MB and this gets the form's own "larger than 1.5 MB" message from the upload handler.
pub const LOGO_LIMIT: usize = 2 * 1024 * 1024;
const LOGO_PATH: &str = "/api/branding/logo";
/// `/api/expenses/{id}/receipt`: a 10 MB receipt with room for the multipart framing.
pub const RECEIPT_LIMIT: usize = app::expenses::receipts::RECEIPT_MAX_BYTES as usize + 256 * 1024;

/// The expense id of a receipt upload's path.
fn receipt_upload(path: &str) -> Option<&str> {
    path.strip_prefix("/api/expenses/")?.strip_suffix("/receipt").filter(|id| !id.contains('/'))
}

/// `/api/expenses/scan`: a 2 MB photo with room for the multipart framing.
const SCAN_PATH: &str = "/api/expenses/scan";
pub const SCAN_LIMIT: usize = app::server::expenses::scan::SCAN_MAX_BYTES + 64 * 1024;

pub fn limit_for(path: &str) -> usize {
    if path.starts_with("/api/import/") || path == app::import::IMPORT_PAGE {
        IMPORT_LIMIT
    } else if path == LOGO_PATH {
        LOGO_LIMIT
    } else if receipt_upload(path).is_some() {
        RECEIPT_LIMIT
    } else if path == SCAN_PATH {
        SCAN_LIMIT
    } else {
        DEFAULT_LIMIT
    }
}

fn too_large(path: &str, limit: usize) -> Response {
    // The logo and receipt forms are plain posts: send their person back to the form with the reason.
    if path == LOGO_PATH {
        return crate::logo::outcome(app::branding::LogoProblem::TooLarge.code()).into_response();
    }
    if path == SCAN_PATH {
        return crate::receipt_scan::problem(app::expenses::receipts::ScanProblem::TooLarge);
    }
    if let Some(id) = receipt_upload(path) {
        return crate::receipts::outcome(id, app::expenses::receipts::ReceiptProblem::TooLarge.code()).into_response();
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("This request is larger than the {} KiB this address accepts.", limit / 1024),
    )
        .into_response()
}

pub async fn middleware(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let limit = limit_for(&path);
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(&path, limit);
    }
    // Read at most `limit` bytes here, so an over-long body (chunked, or lying about its length)
    // is a 413 too, not a half-read request the handler fails on.
    let (parts, body) = request.into_parts();
    match Limited::new(body, limit).collect().await {
        Ok(collected) => next.run(Request::from_parts(parts, Body::from(collected.to_bytes()))).await,
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => too_large(&path, limit),
        Err(_) => (StatusCode::BAD_REQUEST, "The request body could not be read.").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_import_takes_large_bodies() {
        assert_eq!(limit_for("/api/clients/create"), DEFAULT_LIMIT);
        assert_eq!(limit_for("/api/import/clients"), IMPORT_LIMIT);
        assert_eq!(limit_for("/settings/import"), IMPORT_LIMIT);
        assert_eq!(limit_for("/clients/new"), DEFAULT_LIMIT);
    }
}
