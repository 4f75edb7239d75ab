//! Bearer tokens for the MCP endpoint: OAuth access and refresh tokens and personal access tokens.
//! Every token belongs to a grant (one member, one business, one client or a named personal
//! token); the grant hangs off the membership, so removing the member ends its tokens at once.
//! Only SHA-256 hashes are stored. Tokens carry a prefix so a leaked one is recognisable in a
//! secret scanner and its kind is visible without a lookup.

use crate::connected_apps::ConnectedApp;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, UserId};
use crate::server::context::BusinessCtx;
use crate::server::oauth::rules::host_of;
use crate::server::session;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// How long an OAuth access token works: short, because a refresh is cheap.
pub const ACCESS_TTL: Duration = Duration::hours(1);
/// How long an unused refresh token stays exchangeable.
pub const REFRESH_TTL: Duration = Duration::days(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
    Personal,
}

impl TokenKind {
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Access => "clerq_at_",
            TokenKind::Refresh => "clerq_rt_",
            TokenKind::Personal => "clerq_pat_",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::Personal => "personal",
        }
    }
}

/// A fresh token of `kind`: its prefix and 256 random bits.
pub fn new_token(kind: TokenKind) -> String {
    format!("{}{}", kind.prefix(), session::new_token())
}

pub use session::token_hash;

/// Who a valid bearer token acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub grant: Uuid,
    pub user: UserId,
    pub business: BusinessId,
}

/// The caller behind an access or personal token that is live now (not expired, grant not revoked,
/// business not suspended, membership still there), touching the grant's last use at most once a minute. One statement.
pub async fn authenticate(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<Option<Caller>> {
    if !(token.starts_with(TokenKind::Access.prefix()) || token.starts_with(TokenKind::Personal.prefix())) {
        return Ok(None);
    }
    let row = sqlx::query!(
        r#"with hit as (
               select g.id, g.user_id, g.business_id, g.last_used_at
               from oauth_tokens t join oauth_grants g on g.id = t.grant_id
               join businesses b on b.id = g.business_id
               where t.token_hash = $1 and t.kind in ('access', 'personal')
                 and (t.expires_at is null or t.expires_at > $2) and g.revoked_at is null
                 -- A suspended business's tokens are refused until it is unsuspended.
                 and b.suspended_at is null
           ),
           touched as (
               update oauth_grants g set last_used_at = $2
               from hit
               where g.id = hit.id and (hit.last_used_at is null or hit.last_used_at < $2 - interval '1 minute')
           )
           select id as "id!", user_id as "user_id!", business_id as "business_id!" from hit"#,
        token_hash(token),
        now
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Caller { grant: r.id, user: UserId(r.user_id), business: BusinessId(r.business_id) }))
}

/// Stores `token` of `kind` for `grant`, expiring `ttl` after `now` (personal tokens never expire).
pub async fn store(
    db: impl PgExecutor<'_>,
    grant: Uuid,
    kind: TokenKind,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let expires_at = match kind {
        TokenKind::Access => Some(now + ACCESS_TTL),
        TokenKind::Refresh => Some(now + REFRESH_TTL),
        TokenKind::Personal => None,
    };
    let stored = sqlx::query!(
        "insert into oauth_tokens (token_hash, business_id, grant_id, kind, expires_at, created_at)
         select $1, business_id, id, $3, $4, $5 from oauth_grants where id = $2",
        token_hash(token),
        grant,
        kind.as_str(),
        expires_at,
        now
    )
    .execute(db)
    .await?;
    if stored.rows_affected() != 1 {
        return Err(crate::server::errors::internal("storing a token", format!("grant {grant} does not exist")));
    }
    Ok(())
}

pub const PERSONAL_TOKEN_NAME_MAX: usize = 100;
/// Bounds what one member can pile up; each token is a row checked on every MCP request.
pub const PERSONAL_TOKENS_PER_MEMBER: i64 = 50;

/// A personal access token for a CLI client, acting as the caller in the active business. The
/// token is returned once and never stored in the clear.
pub async fn create_personal(ctx: &BusinessCtx, name: &str) -> AppResult<String> {
    let name = crate::validation::required_name_max(name, "a name for the token", PERSONAL_TOKEN_NAME_MAX)
        .map_err(|message| AppError::field("name", message))?;
    let name = name.as_str();
    let mut tx = ctx.pool.begin().await?;
    let live = sqlx::query_scalar!(
        r#"select count(*) as "n!" from oauth_grants
           where business_id = $1 and user_id = $2 and client_id is null and revoked_at is null"#,
        ctx.business.id.0,
        ctx.user.id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    if live >= PERSONAL_TOKENS_PER_MEMBER {
        return Err(AppError::field(
            "name",
            format!("You already have {PERSONAL_TOKENS_PER_MEMBER} tokens here; revoke one you no longer use"),
        ));
    }
    let grant = sqlx::query_scalar!(
        "insert into oauth_grants (id, business_id, user_id, name, created_at) values ($1, $2, $3, $4, $5) returning id",
        Uuid::now_v7(),
        ctx.business.id.0,
        ctx.user.id.0,
        name,
        ctx.now()
    )
    .fetch_one(&mut *tx)
    .await?;
    let token = new_token(TokenKind::Personal);
    store(&mut *tx, grant, TokenKind::Personal, &token, ctx.now()).await?;
    tx.commit().await?;
    Ok(token)
}

/// The caller's own live authorizations in every business they belong to, newest first.
pub async fn connections(pool: &PgPool, user: UserId) -> AppResult<Vec<ConnectedApp>> {
    let rows = sqlx::query!(
        r#"select g.id, g.name, g.client_id, c.redirect_uris as "redirect_uris?", b.name as business_name,
                  g.created_at, g.last_used_at
           from oauth_grants g
           join businesses b on b.id = g.business_id
           left join oauth_clients c on c.id = g.client_id
           where g.user_id = $1 and g.revoked_at is null
           order by g.created_at desc, g.id
           limit 500"#,
        user.0
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ConnectedApp {
            id: r.id,
            name: r.name,
            oauth_client: r.client_id.is_some(),
            redirect_host: r.redirect_uris.and_then(|uris| uris.first().and_then(|u| host_of(u))),
            business_name: r.business_name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// Revokes one of the caller's own authorizations and deletes its tokens. Someone else's (or an
/// unknown id) is `NotFound`.
pub async fn revoke(pool: &PgPool, user: UserId, grant: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query_scalar!(
        "update oauth_grants set revoked_at = $3 where id = $1 and user_id = $2 and revoked_at is null returning id",
        grant,
        user.0,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    if revoked.is_none() {
        return Err(AppError::NotFound);
    }
    sqlx::query!("delete from oauth_tokens where grant_id = $1", grant).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_kind_and_256_random_bits() {
        let a = new_token(TokenKind::Personal);
        let b = new_token(TokenKind::Personal);
        assert!(a.starts_with("clerq_pat_") && a.len() == "clerq_pat_".len() + 43, "{a}");
        assert_ne!(a, b);
        assert!(new_token(TokenKind::Access).starts_with("clerq_at_"));
        assert!(new_token(TokenKind::Refresh).starts_with("clerq_rt_"));
    }
}
