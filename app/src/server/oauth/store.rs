//! The authorization server's rows: registered clients, authorization codes, and the token
//! exchanges (code → grant + tokens, refresh rotation with reuse detection, revocation). Codes and
//! tokens are stored as SHA-256 hashes only.

use super::rules::pkce_matches;
use super::CODE_TTL;
use crate::error::AppResult;
use crate::server::access_tokens::{new_token, store, token_hash, TokenKind, ACCESS_TTL};
use crate::server::session;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// A registered (public) client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: Uuid,
    /// The identifier the client sends.
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
}

/// No generated identifier is longer; a longer one is not looked up.
const CLIENT_ID_MAX: usize = 64;

/// Registers a client; returns it with the moment it was issued.
pub async fn insert_client(
    pool: &PgPool,
    name: &str,
    redirect_uris: &[String],
    client_uri: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<(Client, DateTime<Utc>)> {
    // 256 random bits, URL-safe; it names the client, it is not a secret.
    let client_id = session::new_token();
    let id = sqlx::query_scalar!(
        "insert into oauth_clients (id, client_id, name, redirect_uris, client_uri, created_at)
         values ($1, $2, $3, $4, $5, $6) returning id",
        Uuid::now_v7(),
        client_id,
        name,
        redirect_uris,
        client_uri,
        now
    )
    .fetch_one(pool)
    .await?;
    Ok((Client { id, client_id, name: name.to_owned(), redirect_uris: redirect_uris.to_vec() }, now))
}

pub async fn find_client(pool: &PgPool, client_id: &str) -> AppResult<Option<Client>> {
    if client_id.is_empty() || client_id.len() > CLIENT_ID_MAX {
        return Ok(None);
    }
    let row =
        sqlx::query!("select id, client_id, name, redirect_uris from oauth_clients where client_id = $1", client_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|r| Client { id: r.id, client_id: r.client_id, name: r.name, redirect_uris: r.redirect_uris }))
}

/// What a code was issued for.
pub struct NewCode<'a> {
    pub client: Uuid,
    pub business: Uuid,
    pub user: Uuid,
    pub redirect_uri: &'a str,
    pub code_challenge: &'a str,
    pub resource: &'a str,
}

/// Issues a single-use code valid for [`CODE_TTL`]. `None` when the user is not a member of the
/// business (the membership foreign key decides, so a membership removed a moment ago counts).
pub async fn insert_code(pool: &PgPool, code: NewCode<'_>, now: DateTime<Utc>) -> AppResult<Option<String>> {
    // Codes nobody exchanged would otherwise stay forever; the index on expires_at keeps this cheap.
    sqlx::query!("delete from oauth_codes where expires_at < $1", now).execute(pool).await?;
    let secret = session::new_token();
    let inserted = sqlx::query!(
        "insert into oauth_codes (code_hash, client_id, business_id, user_id, redirect_uri, code_challenge, resource,
                                  expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        token_hash(&secret),
        code.client,
        code.business,
        code.user,
        code.redirect_uri,
        code.code_challenge,
        code.resource,
        now + CODE_TTL,
        now
    )
    .execute(pool)
    .await
    .map(|_| true)
    .or_else(|error| match &error {
        sqlx::Error::Database(db) if db.constraint() == Some("oauth_codes_membership_fkey") => Ok(false),
        _ => Err(error),
    })?;
    Ok(inserted.then_some(secret))
}

/// Why a token request fails (RFC 6749 §5.2); the HTTP layer turns it into the JSON answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    InvalidGrant(&'static str),
    InvalidTarget(&'static str),
}

/// A fresh access and refresh token pair.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

/// What the client presents with a code at the token endpoint.
pub struct CodeExchange<'a> {
    pub code: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub verifier: &'a str,
    pub resource: Option<&'a str>,
}

/// Exchanges an authorization code. The code is deleted first, in the same statement that reads
/// it, so of two concurrent exchanges only one sees it, and a failed check burns it too. The grant
/// (the "connection" the member sees and can revoke) is created here, so a consent whose code was
/// never exchanged leaves nothing behind.
pub async fn exchange_code(
    pool: &PgPool,
    client: &Client,
    exchange: CodeExchange<'_>,
    now: DateTime<Utc>,
) -> AppResult<Result<Issued, TokenError>> {
    let mut tx = pool.begin().await?;
    let code = sqlx::query!(
        "delete from oauth_codes where code_hash = $1
         returning client_id, business_id, user_id, redirect_uri, code_challenge, resource, expires_at",
        token_hash(exchange.code)
    )
    .fetch_optional(&mut *tx)
    .await?;
    let refusal = match &code {
        None => Some(TokenError::InvalidGrant("The code is unknown, expired or already used.")),
        Some(code) if code.client_id != client.id => {
            Some(TokenError::InvalidGrant("The code was issued to another client."))
        }
        Some(code) if code.expires_at <= now => {
            Some(TokenError::InvalidGrant("The code is unknown, expired or already used."))
        }
        Some(code) if exchange.redirect_uri.is_some_and(|uri| uri != code.redirect_uri) => {
            Some(TokenError::InvalidGrant("redirect_uri differs from the one the code was issued for."))
        }
        Some(code) if !pkce_matches(exchange.verifier, &code.code_challenge) => {
            Some(TokenError::InvalidGrant("The code_verifier does not match the code_challenge."))
        }
        Some(code) if exchange.resource.is_some_and(|resource| resource != code.resource) => {
            Some(TokenError::InvalidTarget("resource differs from the one the code was issued for."))
        }
        Some(_) => None,
    };
    let (Some(code), None) = (code, refusal.clone()) else {
        tx.commit().await?;
        return Ok(Err(refusal.unwrap_or(TokenError::InvalidGrant("The code is invalid."))));
    };
    let grant = sqlx::query_scalar!(
        "insert into oauth_grants (id, business_id, user_id, client_id, name, created_at)
         values ($1, $2, $3, $4, $5, $6) returning id",
        Uuid::now_v7(),
        code.business_id,
        code.user_id,
        client.id,
        client.name,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    let issued = issue_pair(&mut tx, grant, now).await?;
    tx.commit().await?;
    Ok(Ok(issued))
}

async fn issue_pair(tx: &mut sqlx::PgConnection, grant: Uuid, now: DateTime<Utc>) -> AppResult<Issued> {
    let access_token = new_token(TokenKind::Access);
    let refresh_token = new_token(TokenKind::Refresh);
    store(&mut *tx, grant, TokenKind::Access, &access_token, now).await?;
    store(&mut *tx, grant, TokenKind::Refresh, &refresh_token, now).await?;
    Ok(Issued { access_token, refresh_token, expires_in: ACCESS_TTL.num_seconds() })
}

/// Rotates a refresh token: marks it used and issues a new pair. A refresh token that was already
/// rotated has leaked (or its client is confused): its whole grant is revoked, so the thief's and
/// the client's newer tokens both stop working (OAuth 2.1 §4.3.1).
pub async fn refresh(
    pool: &PgPool,
    client: &Client,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> AppResult<Result<Issued, TokenError>> {
    const INVALID: TokenError = TokenError::InvalidGrant("The refresh token is invalid, expired or revoked.");
    if !refresh_token.starts_with(TokenKind::Refresh.prefix()) {
        return Ok(Err(INVALID));
    }
    let hash = token_hash(refresh_token);
    let mut tx = pool.begin().await?;
    // The row lock makes concurrent uses of one token queue: the second sees it rotated.
    let row = sqlx::query!(
        r#"select t.grant_id, t.rotated_at, t.expires_at, g.client_id, g.revoked_at
           from oauth_tokens t join oauth_grants g on g.id = t.grant_id
           where t.token_hash = $1 and t.kind = 'refresh'
           for update of t"#,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(Err(INVALID)) };
    if row.client_id != Some(client.id) {
        return Ok(Err(TokenError::InvalidGrant("The refresh token was issued to another client.")));
    }
    if row.rotated_at.is_some() {
        revoke_grant(&mut tx, row.grant_id, now).await?;
        tx.commit().await?;
        tracing::warn!(grant = %row.grant_id, "a rotated refresh token was presented again; revoked its grant");
        return Ok(Err(TokenError::InvalidGrant("The refresh token was already used; the authorization is revoked.")));
    }
    if row.revoked_at.is_some() || row.expires_at.is_none_or(|at| at <= now) {
        return Ok(Err(INVALID));
    }
    sqlx::query!("update oauth_tokens set rotated_at = $2 where token_hash = $1", hash, now).execute(&mut *tx).await?;
    // A connection refreshes about hourly; its expired tokens are of no use any more, not even for
    // reuse detection (an expired refresh token is refused either way), so they go here.
    sqlx::query!("delete from oauth_tokens where grant_id = $1 and expires_at <= $2", row.grant_id, now)
        .execute(&mut *tx)
        .await?;
    let issued = issue_pair(&mut tx, row.grant_id, now).await?;
    tx.commit().await?;
    Ok(Ok(issued))
}

async fn revoke_grant(tx: &mut sqlx::PgConnection, grant: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update oauth_grants set revoked_at = $2 where id = $1 and revoked_at is null", grant, now)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from oauth_tokens where grant_id = $1", grant).execute(&mut *tx).await?;
    Ok(())
}

/// RFC 7009: an access token is deleted; a refresh token (or a personal token) revokes its whole
/// grant. Unknown tokens, and tokens of another client than `client` (when given), change nothing:
/// the answer is the same either way, so it tells nothing about the token.
pub async fn revoke(pool: &PgPool, token: &str, client: Option<Uuid>, now: DateTime<Utc>) -> AppResult<()> {
    let hash = token_hash(token);
    let mut tx = pool.begin().await?;
    let hit = sqlx::query!(
        r#"select t.kind, t.grant_id, g.client_id from oauth_tokens t join oauth_grants g on g.id = t.grant_id
           where t.token_hash = $1"#,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(hit) = hit.filter(|hit| client.is_none() || hit.client_id == client) else { return Ok(()) };
    if hit.kind == TokenKind::Access.as_str() {
        sqlx::query!("delete from oauth_tokens where token_hash = $1", hash).execute(&mut *tx).await?;
    } else {
        revoke_grant(&mut tx, hit.grant_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
