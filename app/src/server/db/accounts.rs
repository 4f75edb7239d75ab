//! Accounts: the people who sign in (a table named so it sorts before every table that references it).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::server::errors::ResultExt;
use sqlx::PgExecutor;
use uuid::Uuid;

pub async fn insert(db: impl PgExecutor<'_>, email: &str, name: &str, password_hash: &str) -> AppResult<CurrentUser> {
    let row = sqlx::query!(
        r#"insert into accounts (id, email, name, password_hash) values ($1, $2, $3, $4)
           returning id, email::text as "email!", name"#,
        Uuid::now_v7(),
        email,
        name,
        password_hash
    )
    .fetch_one(db)
    .await
    .on_constraint("accounts_email_key", |_| {
        AppError::field("email", "An account with this e-mail address already exists. Sign in instead.")
    })?;
    Ok(CurrentUser { id: UserId(row.id), email: row.email, name: row.name })
}

/// An address as the database compares it (`citext` compares lower-cased text under the
/// database's collation, which Rust's lower-casing does not always match).
pub async fn comparable_email(db: impl PgExecutor<'_>, email: &str) -> AppResult<String> {
    Ok(sqlx::query_scalar!(r#"select lower($1::citext::text) as "lower!""#, email).fetch_one(db).await?)
}

/// The id and password hash for an e-mail address (case-insensitive), if there is such an account.
pub async fn credentials(db: impl PgExecutor<'_>, email: &str) -> AppResult<Option<(UserId, String)>> {
    let row = sqlx::query!("select id, password_hash from accounts where email = $1::citext", email)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (UserId(r.id), r.password_hash)))
}
