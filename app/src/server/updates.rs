//! Update checks (Settings → System): the newest release from `CLERQ_UPDATE_URL`, fetched with a
//! 5 s timeout at most every 6 hours and kept in the instance's settings row, so every replica
//! shares one answer. Showing the page never waits for the feed: a stale answer starts a check
//! in the background and the page shows the last one.

use crate::error::{AppError, AppResult};
use crate::permissions::Permission;
use crate::server::BusinessCtx;
use crate::updates::{is_newer, newest_in, UpdateStatus, RUNNING};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Connect and total time for one check.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// How long an answer is reused.
pub const CACHE_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(6);
/// A release file or tag list is small; anything larger is not one.
const MAX_BODY: usize = 1024 * 1024;

/// Where releases are announced, and the client that asks.
#[derive(Debug, Clone)]
pub struct UpdateFeed {
    pub url: String,
    pub client: reqwest::Client,
}

impl UpdateFeed {
    pub fn new(url: String) -> AppResult<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!("Clerq/", env!("CARGO_PKG_VERSION"), " (update check)"))
            .build()
            .map_err(|e| crate::server::errors::internal("the update-check client could not be built", e))?;
        Ok(UpdateFeed { url, client })
    }

    /// The newest release the feed names now.
    pub async fn newest(&self) -> Result<String, String> {
        let response = self.client.get(&self.url).send().await.map_err(|e| {
            if e.is_timeout() {
                "The release feed did not answer within 5 seconds.".to_owned()
            } else {
                "The release feed could not be reached.".to_owned()
            }
        })?;
        if !response.status().is_success() {
            return Err(format!("The release feed answered {}.", response.status()));
        }
        if response.content_length().is_some_and(|length| length > MAX_BODY as u64) {
            return Err("The release feed's answer is too large.".to_owned());
        }
        let body = response.bytes().await.map_err(|_| "The release feed's answer was cut off.".to_owned())?;
        if body.len() > MAX_BODY {
            return Err("The release feed's answer is too large.".to_owned());
        }
        newest_in(&String::from_utf8_lossy(&body)).map(|v| v.to_string())
    }
}

struct Stored {
    enabled: bool,
    latest: Option<String>,
    checked_at: Option<DateTime<Utc>>,
    error: Option<String>,
}

async fn stored(pool: &PgPool) -> AppResult<Stored> {
    let row =
        sqlx::query!("select update_checks, latest_version, checked_at, check_error from instance_settings where id")
            .fetch_optional(pool)
            .await?;
    Ok(match row {
        Some(r) => Stored {
            enabled: r.update_checks,
            latest: r.latest_version,
            checked_at: r.checked_at,
            error: r.check_error,
        },
        None => Stored { enabled: true, latest: None, checked_at: None, error: None },
    })
}

async fn record(pool: &PgPool, outcome: Result<String, String>, at: DateTime<Utc>) -> AppResult<()> {
    let (latest, error) = match outcome {
        Ok(latest) => (Some(latest), None),
        Err(error) => (None, Some(error)),
    };
    sqlx::query!(
        "insert into instance_settings (id, latest_version, checked_at, check_error) values (true, $1, $2, $3)
         on conflict (id) do update set latest_version = coalesce($1, instance_settings.latest_version),
                                        checked_at = $2, check_error = $3",
        latest,
        at,
        error
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// One background check at a time per process.
static CHECKING: AtomicBool = AtomicBool::new(false);

async fn check(pool: &PgPool, feed: &UpdateFeed, at: DateTime<Utc>) -> AppResult<()> {
    let outcome = feed.newest().await;
    if let Err(error) = &outcome {
        tracing::info!(%error, "update check failed");
    }
    record(pool, outcome, at).await
}

fn status_of(ctx: &BusinessCtx, stored: Stored, feed: Option<&UpdateFeed>) -> UpdateStatus {
    UpdateStatus {
        running: RUNNING.to_owned(),
        enabled: stored.enabled,
        configured: feed.is_some(),
        update_available: stored.latest.as_deref().is_some_and(is_newer),
        latest: stored.latest,
        checked_at: stored.checked_at,
        error: stored.error,
        can_manage: ctx.can(Permission::SettingsManageUpdates),
    }
}

/// The last answer; a stale one starts a check in the background (never awaited here).
pub async fn status(ctx: &BusinessCtx, feed: Option<&UpdateFeed>) -> AppResult<UpdateStatus> {
    ctx.require(Permission::SettingsView)?;
    let now = ctx.now();
    let stored = stored(&ctx.pool).await?;
    if let Some(feed) = feed {
        let stale = stored.checked_at.is_none_or(|at| now - at >= CACHE_FOR);
        if stored.enabled && stale && !CHECKING.swap(true, Ordering::AcqRel) {
            let (pool, feed) = (ctx.pool.clone(), feed.clone());
            tokio::spawn(async move {
                let _ = check(&pool, &feed, now).await;
                CHECKING.store(false, Ordering::Release);
            });
        }
    }
    Ok(status_of(ctx, stored, feed))
}

/// "Check now": asks the feed (at most 5 s) and answers with the result.
pub async fn check_now(ctx: &BusinessCtx, feed: Option<&UpdateFeed>) -> AppResult<UpdateStatus> {
    ctx.require(Permission::SettingsManageUpdates)?;
    let Some(feed) = feed else {
        return Err(AppError::Conflict("No release feed is configured: set CLERQ_UPDATE_URL.".into()));
    };
    if !stored(&ctx.pool).await?.enabled {
        return Err(AppError::Conflict("Update checks are off. Turn them on first.".into()));
    }
    check(&ctx.pool, feed, ctx.now()).await?;
    Ok(status_of(ctx, stored(&ctx.pool).await?, Some(feed)))
}

/// The instance-wide switch.
pub async fn set_enabled(ctx: &BusinessCtx, enabled: bool) -> AppResult<()> {
    ctx.require(Permission::SettingsManageUpdates)?;
    sqlx::query!(
        "insert into instance_settings (id, update_checks) values (true, $1)
         on conflict (id) do update set update_checks = $1",
        enabled
    )
    .execute(&ctx.pool)
    .await?;
    Ok(())
}
