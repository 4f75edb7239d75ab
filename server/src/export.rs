//! `GET /api/export` (PRODUCT §3.15, `data.export`): every table of the business as one JSON file,
//! `clerq-export-<business id>-<date>.json`, streamed row by row from one read-only snapshot so
//! the file is consistent and never sits in memory. Shape:
//! `{"kind":"clerq.business-export","formatVersion":"1","exportedAt":…,"businessId":…,"data":{…}}`
//! with the sections of `app::server::db::export::SECTIONS`.

use crate::member::{business_ctx, busy, error_response};
use app::ids::BusinessId;
use app::permissions::Permission;
use app::server::db::export::SECTIONS;
use app::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use http::{header, HeaderValue};
use sqlx::PgPool;

/// Exports hold a connection for their whole run: a few at once, the rest are asked to retry.
static EXPORTS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
const CHUNK_BYTES: usize = 256 * 1024;
const CHUNKS_IN_FLIGHT: usize = 4;

type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

pub async fn download(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ctx = match business_ctx(&state, &parts) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    if let Err(error) = ctx.require(Permission::DataExport) {
        return error_response(error);
    }
    let Ok(permit) = EXPORTS_AT_ONCE.try_acquire() else {
        return busy("Other exports are being written right now. Please try again in a minute.");
    };
    let now = ctx.now();
    let business = ctx.business.id;
    let filename = format!("clerq-export-{business}-{}.json", ctx.today());
    let header = format!(
        r#"{{"kind":"clerq.business-export","formatVersion":"1","exportedAt":{},"businessId":"{business}","data":{{"#,
        serde_json::Value::String(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    );
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    let pool = ctx.pool.clone();
    tokio::spawn(async move {
        let _permit = permit;
        if let Err(error) = write(&pool, business, header, &sender).await {
            tracing::warn!(%error, "the data export stopped early");
            // A broken download, never a complete-looking short file.
            let _ = sender.send(Err(std::io::Error::other("the export could not be completed"))).await;
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// Buffers text into chunks for the response.
struct Chunks<'a> {
    sender: &'a Sender,
    buffer: String,
}

impl Chunks<'_> {
    async fn push(&mut self, text: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.buffer.push_str(text);
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if !self.buffer.is_empty() {
            let chunk = Bytes::from(std::mem::replace(&mut self.buffer, String::with_capacity(CHUNK_BYTES)));
            self.sender.send(Ok(chunk)).await.map_err(|_| "the download was cancelled")?;
        }
        Ok(())
    }
}

async fn write(
    pool: &PgPool,
    business: BusinessId,
    header: String,
    sender: &Sender,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut tx = pool.begin().await?;
    // One snapshot for every section: rows added meanwhile are in all of them or none.
    sqlx::query("set transaction isolation level repeatable read, read only").execute(&mut *tx).await?;
    let mut out = Chunks { sender, buffer: String::with_capacity(CHUNK_BYTES) };
    out.push(&header).await?;
    for (index, section) in SECTIONS.iter().enumerate() {
        if index > 0 {
            out.push(",").await?;
        }
        out.push(&format!("\"{}\":", section.key)).await?;
        let mut rows = sqlx::query_scalar::<_, String>(section.sql).bind(business).fetch(&mut *tx);
        if section.single {
            let row = rows.try_next().await?;
            out.push(row.as_deref().unwrap_or("null")).await?;
        } else {
            out.push("[").await?;
            let mut first = true;
            while let Some(row) = rows.try_next().await? {
                if !first {
                    out.push(",").await?;
                }
                first = false;
                out.push(&row).await?;
            }
            out.push("]").await?;
        }
    }
    out.push("}}\n").await?;
    out.flush().await?;
    tx.commit().await?;
    Ok(())
}
