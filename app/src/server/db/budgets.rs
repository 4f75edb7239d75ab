//! Every budget of a business with the time logged against it, and the latest ECB rates, in one
//! statement. Time comes grouped by currency and rate; only stopped entries with a rate count.

use crate::budgets::BudgetKind;
use crate::error::AppResult;
use crate::ids::BusinessId;
use crate::money::CurrencyCode;
use crate::server::errors::internal;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgExecutor;

#[derive(Debug, Deserialize)]
pub struct BudgetRow {
    pub kind: BudgetKind,
    pub id: uuid::Uuid,
    pub name: String,
    pub client_name: String,
    pub budget_minor: i64,
    pub budget_currency: CurrencyCode,
    /// `[{currency, rate_minor, seconds}]`.
    pub time: serde_json::Value,
}

pub async fn all(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    today: NaiveDate,
) -> AppResult<(Vec<BudgetRow>, Option<serde_json::Value>)> {
    let row = sqlx::query!(
        r#"with priced as (
             select e.user_id, p.client_id, t.project_id, e.rate_currency::text as currency, e.rate_minor,
                    least(sum(e.duration_seconds), 9223372036854775807)::bigint as seconds
             from time_entries e
             join tasks t on t.business_id = e.business_id and t.id = e.task_id
             join projects p on p.business_id = t.business_id and p.id = t.project_id
             where e.business_id = $1 and e.ended_at is not null and e.rate_minor is not null
             group by e.user_id, p.client_id, t.project_id, e.rate_currency, e.rate_minor
           ), budgets as (
             select 'client' as kind, c.id, c.name, c.name as client_name, c.budget_minor,
                    c.budget_currency::text as budget_currency,
                    (select coalesce(json_agg(json_build_object('currency', g.currency, 'rate_minor', g.rate_minor,
                                                                'seconds', g.seconds)), '[]')
                     from (select currency, rate_minor, least(sum(seconds), 9223372036854775807)::bigint as seconds
                           from priced where client_id = c.id group by currency, rate_minor) g) as time
             from clients c
             where c.business_id = $1 and c.budget_minor is not null and c.archived_at is null
             union all
             select 'member', c.id, a.name, c.name, r.budget_minor, r.budget_currency::text,
                    (select coalesce(json_agg(json_build_object('currency', g.currency, 'rate_minor', g.rate_minor,
                                                                'seconds', g.seconds)), '[]')
                     from (select currency, rate_minor, least(sum(seconds), 9223372036854775807)::bigint as seconds
                           from priced where client_id = c.id and user_id = r.user_id group by currency, rate_minor) g)
             from team_rates r
             join clients c on c.business_id = r.business_id and c.id = r.client_id
             join accounts a on a.id = r.user_id
             where r.business_id = $1 and r.budget_minor is not null and c.archived_at is null
             union all
             select 'project', p.id, p.name, c.name, p.budget_minor, p.budget_currency::text,
                    (select coalesce(json_agg(json_build_object('currency', g.currency, 'rate_minor', g.rate_minor,
                                                                'seconds', g.seconds)), '[]')
                     from (select currency, rate_minor, least(sum(seconds), 9223372036854775807)::bigint as seconds
                           from priced where project_id = p.id group by currency, rate_minor) g)
             from projects p
             join clients c on c.business_id = p.business_id and c.id = p.client_id
             where p.business_id = $1 and p.budget_minor is not null and c.archived_at is null
           )
           select
             (select coalesce(json_agg(json_build_object(
                        'kind', b.kind, 'id', b.id, 'name', b.name, 'client_name', b.client_name,
                        'budget_minor', b.budget_minor, 'budget_currency', b.budget_currency, 'time', b.time)
                      order by lower(b.client_name), b.kind, lower(b.name), b.id), '[]')
              from budgets b) as "budgets!",
             (select json_object_agg(f.currency, f.per_euro) from fx_rates f
              where f.rate_date = (select max(rate_date) from fx_rates where rate_date <= $2)) as "fx""#,
        business_id.0,
        today,
    )
    .fetch_one(db)
    .await?;
    let budgets = serde_json::from_value(row.budgets).map_err(|e| internal("the budgets are malformed", e))?;
    Ok((budgets, row.fx))
}
