//! The server keeps the European Central Bank's reference rates current by itself: it fetches the
//! ECB's daily file (`CLERQ_ECB_URL`) at start-up and then every few hours, and stores each day in
//! Postgres. Machines without internet set `CLERQ_FX_FETCH=off` and use `server fx import FILE`.

use crate::config::{loggable_url, Config};
use app::error::AppError;
use app::server::fx::{parse_ecb, FxError};
use sqlx::PgPool;
use std::time::Duration;

/// Connect and total time for one fetch (the daily file is about 2 KB).
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest response accepted: the full-history file (about 9 MB) fits with room to grow;
/// anything bigger is not an ECB file, and a bound keeps a wrong URL from filling memory.
pub const MAX_BODY: u64 = 20 * 1024 * 1024;

/// How often the job fetches. The ECB publishes once per working day at about 16:00 CET, but not
/// at an exact time; polling every 6 hours stores each day at most 6 hours after publication
/// without a time-zone database or a TARGET holiday calendar, for four 2 KB requests a day.
/// Until then, invoices use the previous day's rates (the latest stored on or before the date).
pub const EVERY: Duration = Duration::from_secs(6 * 3600);

/// After a failure (network not up yet, ECB briefly down) the job tries again sooner.
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30 * 60);

/// Why a fetch stored nothing. Messages never contain the URL: a mirror's URL could carry
/// credentials or a token.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the request for the ECB rates timed out")]
    Timeout,
    #[error("could not fetch the ECB rates: {0}")]
    Request(String),
    #[error("the ECB rates server answered {0}")]
    Status(http::StatusCode),
    #[error("the ECB rates response is larger than {limit} bytes; refused")]
    TooLarge { limit: u64 },
    #[error("the ECB rates response is not UTF-8 text")]
    NotText,
    #[error(transparent)]
    Parse(#[from] FxError),
    /// The database error itself is logged where it is converted.
    #[error("could not store the ECB rates")]
    Store(#[source] AppError),
}

/// The client the job uses: rustls with the bundled webpki roots, and `timeout` for connecting and
/// for the whole request including the body.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, RefreshError> {
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("Clerq/", env!("CARGO_PKG_VERSION"), " (ECB reference rates)"))
        .build()
        .map_err(request_error)
}

/// Fetches the ECB file at `url`, parses it and stores every day in it. Returns the rows written;
/// on any error nothing is stored.
pub async fn refresh(pool: &PgPool, client: &reqwest::Client, url: &str) -> Result<u64, RefreshError> {
    refresh_days(pool, client, url).await.map(|(rows, _)| rows)
}

/// `refresh`, also returning the newest day stored (for the log).
async fn refresh_days(
    pool: &PgPool,
    client: &reqwest::Client,
    url: &str,
) -> Result<(u64, Option<chrono::NaiveDate>), RefreshError> {
    let text = fetch(client, url).await?;
    let days = parse_ecb(&text)?;
    let rows = app::server::db::fx::store(pool, &days).await.map_err(RefreshError::Store)?;
    Ok((rows, days.iter().map(|d| d.date).max()))
}

/// The body of a 2xx answer as text, refused once it passes `MAX_BODY`: by its declared length
/// before reading, and while reading for a server that declares none (or lies).
async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, RefreshError> {
    let mut response = client.get(url).send().await.map_err(request_error)?;
    let status = response.status();
    if !status.is_success() {
        return Err(RefreshError::Status(status));
    }
    let too_large = RefreshError::TooLarge { limit: MAX_BODY };
    if response.content_length().is_some_and(|length| length > MAX_BODY) {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(request_error)? {
        if (body.len() + chunk.len()) as u64 > MAX_BODY {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| RefreshError::NotText)
}

/// A reqwest error without its URL, with its causes (reqwest's own message alone says only
/// "error sending request").
fn request_error(error: reqwest::Error) -> RefreshError {
    if error.is_timeout() {
        return RefreshError::Timeout;
    }
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    RefreshError::Request(message)
}

/// Starts the background job unless `CLERQ_FX_FETCH` is off; the caller aborts the handle on
/// shutdown. It runs right away and then every `EVERY`, logging each outcome; a failure is a
/// warning and never stops the job or the server.
///
/// It fetches at start-up unconditionally rather than only when the stored rates look stale:
/// knowing whether they are stale needs the ECB's holiday calendar, while an extra fetch of the
/// 2 KB daily file per restart costs nothing and re-storing a day is an idempotent upsert.
pub fn spawn_daily(pool: PgPool, config: &Config) -> Option<tokio::task::JoinHandle<()>> {
    if !config.fx_fetch {
        tracing::info!("CLERQ_FX_FETCH is off: not fetching ECB rates (load them with `server fx import FILE`)");
        return None;
    }
    let client = match http_client(FETCH_TIMEOUT) {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(%error, "cannot fetch ECB rates: no HTTP client");
            return None;
        }
    };
    let url = config.ecb_url.clone();
    let source = loggable_url(&url);
    Some(tokio::spawn(async move {
        loop {
            let wait = match refresh_days(&pool, &client, url.as_str()).await {
                Ok((rows, newest)) => {
                    let newest = newest.map(|d| d.to_string()).unwrap_or_default();
                    tracing::info!(rows, newest, %source, "stored the ECB reference rates");
                    EVERY
                }
                Err(error) => {
                    tracing::warn!(%error, %source, retry_in = ?RETRY_AFTER_FAILURE, "could not refresh the ECB reference rates");
                    RETRY_AFTER_FAILURE
                }
            };
            tokio::time::sleep(wait).await;
        }
    }))
}
