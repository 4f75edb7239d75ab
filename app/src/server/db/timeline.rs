//! A client's activity timeline: events numbered from the business's gap-free sequence.

use crate::clients::EventKind;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, UserId};
use crate::server::errors::{internal, ResultExt};
use sqlx::PgConnection;
use uuid::Uuid;

/// Appends one event to a client's timeline.
pub async fn add_event(
    db: &mut PgConnection,
    business_id: BusinessId,
    client_id: ClientId,
    kind: EventKind,
    body: &str,
    payload: serde_json::Value,
    actor: Option<UserId>,
) -> AppResult<()> {
    add_events(db, business_id, &[client_id], kind, body, payload, actor).await
}

/// Appends the same event to each client's timeline in one statement, numbered in order from the
/// business's gap-free sequence (the row lock on the business orders concurrent writers).
pub async fn add_events(
    db: &mut PgConnection,
    business_id: BusinessId,
    client_ids: &[ClientId],
    kind: EventKind,
    body: &str,
    payload: serde_json::Value,
    actor: Option<UserId>,
) -> AppResult<()> {
    if client_ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = client_ids.iter().map(|_| Uuid::now_v7()).collect();
    let client_ids: Vec<Uuid> = client_ids.iter().map(|id| id.0).collect();
    let inserted = sqlx::query!(
        "with next as (update businesses set timeline_seq = timeline_seq + cardinality($3::uuid[])
                       where id = $1 returning timeline_seq - cardinality($3::uuid[]) as before)
         insert into timeline_entries (id, business_id, seq, client_id, kind, body, payload, actor_id)
         select u.id, $1, next.before + u.ord, u.client_id, $4, $5, $6, $7
         from next, unnest($2::uuid[], $3::uuid[]) with ordinality as u(id, client_id, ord)",
        business_id.0,
        &ids,
        &client_ids,
        kind as _,
        body,
        payload,
        actor.map(|a| a.0)
    )
    .execute(db)
    .await
    .on_constraint("timeline_entries_client_fkey", |_| AppError::NotFound)?;
    if inserted.rows_affected() != client_ids.len() as u64 {
        return Err(internal("timeline events were not all written", business_id));
    }
    Ok(())
}
