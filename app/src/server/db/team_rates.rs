//! Per-member rates for a client: what a member bills, what they cost, and their budget.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, UserId};
use crate::money::{Money, Rate};
use crate::server::db::{money_columns, rate_columns};
use crate::server::errors::ResultExt;
use sqlx::PgExecutor;

/// Creates or replaces a member's rates for a client. `cost: None` leaves the stored internal cost
/// untouched (callers who may not see costs cannot change them either).
pub async fn upsert(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    client_id: ClientId,
    user_id: UserId,
    bill: Option<Rate>,
    cost: Option<Option<Rate>>,
    budget: Option<Money>,
) -> AppResult<()> {
    let (bill_minor, bill_currency, bill_unit) = rate_columns(bill);
    // Without a cost (None), the new row's cost columns are null and an existing row keeps its own.
    let keep_cost = cost.is_none();
    let (cost_minor, cost_currency, cost_unit) = rate_columns(cost.flatten());
    let (budget_minor, budget_currency) = money_columns(budget);
    sqlx::query!(
        "insert into team_rates (business_id, client_id, user_id, bill_rate_minor, bill_rate_currency, bill_rate_unit,
                                 cost_minor, cost_currency, cost_unit, budget_minor, budget_currency)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (business_id, client_id, user_id) do update set
           bill_rate_minor = excluded.bill_rate_minor, bill_rate_currency = excluded.bill_rate_currency,
           bill_rate_unit = excluded.bill_rate_unit,
           cost_minor = case when $12::bool then team_rates.cost_minor else excluded.cost_minor end,
           cost_currency = case when $12 then team_rates.cost_currency else excluded.cost_currency end,
           cost_unit = case when $12 then team_rates.cost_unit else excluded.cost_unit end,
           budget_minor = excluded.budget_minor, budget_currency = excluded.budget_currency",
        business_id.0,
        client_id.0,
        user_id.0,
        bill_minor,
        bill_currency as Option<String>,
        bill_unit,
        cost_minor,
        cost_currency as Option<String>,
        cost_unit,
        budget_minor,
        budget_currency as Option<String>,
        keep_cost
    )
    .execute(db)
    .await
    .on_constraint("team_rates_membership_fkey", |_| AppError::field("user_id", "That person isn't on your team."))
    .map(|_| ())
}

pub async fn delete(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    client_id: ClientId,
    user_id: UserId,
) -> AppResult<()> {
    let deleted = sqlx::query!(
        "delete from team_rates where business_id = $1 and client_id = $2 and user_id = $3",
        business_id.0,
        client_id.0,
        user_id.0
    )
    .execute(db)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
