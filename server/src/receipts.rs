//! Receipts over plain HTTP, so uploading works without JavaScript (a multipart form post) and a
//! receipt can be an `<img>` or a download:
//! - `GET /api/expenses/{id}/receipt`: the file, images inline, PDFs (and `?download=1`) as an
//!   attachment; `expenses.view`.
//! - `POST /api/expenses/{id}/receipt`: upload or replace (field `receipt`), `expenses.edit`;
//!   answers with a redirect to the expense carrying the outcome (`?receipt=saved` or a problem).
//! - `POST /api/expenses/{id}/receipt/remove`: back to no receipt.
//! - `GET /api/expenses/receipts?from=&to=`: every receipt of the expenses incurred in the range
//!   (inclusive dates, either end open) as a ZIP, streamed: one receipt in memory at a time.

use crate::member::{business_ctx, busy, error_response};
use app::error::AppError;
use app::expenses::receipts::ReceiptProblem;
use app::ids::{BusinessId, ExpenseId};
use app::server::db::receipts::{receipt_bytes, ReceiptEntry};
use app::server::expenses::receipts::{self, UploadError};
use app::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Deserialize;
use std::collections::HashSet;
use std::io::Write;

/// Where an upload's outcome is shown.
pub fn outcome(id: &str, code: &str) -> Redirect {
    // Only a well-formed id goes back into a URL.
    match id.parse::<ExpenseId>() {
        Ok(id) => Redirect::to(&format!("/expenses/{id}?receipt={code}")),
        Err(_) => Redirect::to("/expenses"),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found.").into_response()
}

/// `filename="…"` for old clients (ASCII, no quotes) and `filename*=` with the real name.
pub fn content_disposition(kind: &str, filename: &str) -> HeaderValue {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[derive(Deserialize)]
pub struct ShowQuery {
    download: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(id) = id.parse::<ExpenseId>() else { return not_found() };
    match receipts::download(&ctx, id).await {
        Ok(receipt) => {
            // Only images the bytes proved are shown in place; anything else is a download.
            let inline = receipt.mime_type.starts_with("image/") && query.download.is_none();
            let disposition = content_disposition(if inline { "inline" } else { "attachment" }, &receipt.filename);
            let mut response = receipt.bytes.into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&receipt.mime_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            headers.insert(header::CONTENT_DISPOSITION, disposition);
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            response
        }
        Err(error) => error_response(error),
    }
}

pub async fn upload(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(expense) = id.parse::<ExpenseId>() else { return not_found() };
    let problem = |problem: ReceiptProblem| outcome(&id, problem.code()).into_response();
    let Ok(mut multipart) = Multipart::from_request(Request::from_parts(parts, body), &state).await else {
        return problem(ReceiptProblem::Empty);
    };
    let mut upload = None;
    // Only the `receipt` field counts; anything else in the form is skipped.
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("receipt") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(data) => {
                        upload = Some((name, data));
                        break;
                    }
                    Err(_) => return problem(ReceiptProblem::Damaged),
                }
            }
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return problem(ReceiptProblem::Damaged),
        }
    }
    let (name, bytes) = upload.unwrap_or_default();
    match receipts::upload(&ctx, expense, &name, &bytes).await {
        Ok(()) => outcome(&id, "saved").into_response(),
        Err(UploadError::Refused(refused)) => problem(refused),
        Err(UploadError::App(AppError::Forbidden)) => problem(ReceiptProblem::Forbidden),
        Err(UploadError::App(AppError::NotFound)) => not_found(),
        Err(UploadError::App(_)) => problem(ReceiptProblem::Failed),
    }
}

pub async fn remove(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(expense) = id.parse::<ExpenseId>() else { return not_found() };
    match receipts::remove(&ctx, expense).await {
        Ok(()) => outcome(&id, "removed").into_response(),
        Err(AppError::Forbidden) => outcome(&id, ReceiptProblem::Forbidden.code()).into_response(),
        Err(error) => error_response(error),
    }
}

#[derive(Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// ZIPs being written at once: each holds a blocking thread and reads receipts one after the
/// other; more than a few at a time would only slow every one of them down.
static ZIPS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Bytes handed to the response per chunk: large enough for few channel hops, small enough that
/// the archive never sits in memory.
const CHUNK_BYTES: usize = 256 * 1024;
/// Chunks waiting to be sent before the writer waits for the client.
const CHUNKS_IN_FLIGHT: usize = 4;

/// The archive's bytes on their way to the response: buffered into chunks, each handed over a
/// bounded channel, so a slow client slows the writer instead of filling memory.
struct ChannelWriter {
    sender: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES)));
        // The receiver is gone when the client went away: stop writing.
        self.sender.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other("the download was cancelled"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK_BYTES - self.buffer.len();
        let taken = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..taken]);
        if self.buffer.len() == CHUNK_BYTES {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Writes the archive on a blocking thread (the zip writer is synchronous), reading each
/// receipt's bytes from Postgres just before it is written.
fn write_zip(
    runtime: &tokio::runtime::Handle,
    pool: &sqlx::PgPool,
    business: BusinessId,
    entries: Vec<ReceiptEntry>,
    writer: ChannelWriter,
) -> Result<(), String> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new_stream(writer);
    let mut used = HashSet::new();
    for entry in entries {
        // Deleted since the list was read: leave it out rather than fail the whole archive.
        let Some(bytes) =
            runtime.block_on(receipt_bytes(pool, business, entry.expense_id)).map_err(|e| e.to_string())?
        else {
            continue;
        };
        let date = &entry.incurred_on;
        let mut options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        use chrono::Datelike;
        if let Ok(modified) = zip::DateTime::from_date_and_time(
            u16::try_from(date.year()).unwrap_or(1980),
            date.month() as u8,
            date.day() as u8,
            12,
            0,
            0,
        ) {
            options = options.last_modified_time(modified);
        }
        zip.start_file(receipts::zip_name(&entry, &mut used), options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let mut writer = zip.finish().map_err(|e| e.to_string())?.into_inner();
    writer.flush().map_err(|e| e.to_string())
}

/// `receipts-2026-01-01-to-2026-03-31.zip`, `receipts-from-…`, `receipts-until-…` or `receipts.zip`.
fn zip_filename(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> String {
    match (from, to) {
        (Some(from), Some(to)) => format!("receipts-{from}-to-{to}.zip"),
        (Some(from), None) => format!("receipts-from-{from}.zip"),
        (None, Some(to)) => format!("receipts-until-{to}.zip"),
        (None, None) => "receipts.zip".to_owned(),
    }
}

pub async fn zip(State(state): State<AppState>, Query(range): Query<RangeQuery>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let filter = match app::expenses::ExpenseFilter::parse("", "", &range.from, &range.to) {
        Ok(filter) => filter,
        Err(errors) => return error_response(AppError::Validation(errors)),
    };
    let entries = match receipts::for_zip(&ctx, filter.from, filter.to).await {
        Ok(entries) => entries,
        Err(error) => return error_response(error),
    };
    let Ok(permit) = ZIPS_AT_ONCE.try_acquire() else {
        return busy("Other receipt downloads are being prepared right now. Please try again in a minute.");
    };
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    let runtime = tokio::runtime::Handle::current();
    let (pool, business) = (ctx.pool.clone(), ctx.business.id);
    let count = entries.len();
    tokio::task::spawn_blocking(move || {
        // Held until the archive is written (or the client went away).
        let _permit = permit;
        let writer = ChannelWriter { sender: sender.clone(), buffer: Vec::with_capacity(CHUNK_BYTES) };
        if let Err(error) = write_zip(&runtime, &pool, business, entries, writer) {
            tracing::warn!(%error, receipts = count, "the receipts ZIP stopped early");
            // The client sees a broken download rather than a complete-looking, short archive.
            let _ = sender.blocking_send(Err(std::io::Error::other("the archive could not be completed")));
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers
        .insert(header::CONTENT_DISPOSITION, content_disposition("attachment", &zip_filename(filter.from, filter.to)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_survive_any_characters() {
        let value = content_disposition("attachment", "Reçu \"final\".pdf");
        assert_eq!(
            value.to_str().expect("ascii"),
            "attachment; filename=\"Re_u _final_.pdf\"; filename*=UTF-8''Re%C3%A7u%20%22final%22.pdf"
        );
    }

    #[test]
    fn zip_names_say_the_range() {
        let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        assert_eq!(zip_filename(date("2026-01-01"), date("2026-03-31")), "receipts-2026-01-01-to-2026-03-31.zip");
        assert_eq!(zip_filename(None, None), "receipts.zip");
    }
}
