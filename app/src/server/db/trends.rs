//! The trends page's one statement: hours per local week and project, and revenue and expenses
//! per month and currency.

use crate::error::AppResult;
use crate::ids::BusinessId;
use crate::money::CurrencyCode;
use crate::server::errors::internal;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;

#[derive(Debug, Deserialize)]
pub struct HoursRow {
    pub week: NaiveDate,
    pub project_id: uuid::Uuid,
    pub project: String,
    pub seconds: i64,
}

#[derive(Debug, Deserialize)]
pub struct MoneyRow {
    pub month: NaiveDate,
    pub currency: CurrencyCode,
    /// `revenue` or `expenses`.
    pub kind: String,
    pub minor: i64,
}

/// Hours from `since` to `until` (instants; weeks in `timezone`), money from `first` to `last`.
pub async fn read(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    timezone: &str,
    (since, until): (DateTime<Utc>, DateTime<Utc>),
    (first, last): (NaiveDate, NaiveDate),
) -> AppResult<(Vec<HoursRow>, Vec<MoneyRow>)> {
    let row = sqlx::query!(
        r#"select
             (select coalesce(json_agg(json_build_object('week', w.week, 'project_id', w.project_id,
                                                         'project', w.name, 'seconds', w.seconds)), '[]')
              from (select date_trunc('week', e.started_at at time zone $2)::date as week, p.id as project_id, p.name,
                           least(sum(e.duration_seconds), 9223372036854775807)::bigint as seconds
                    from time_entries e
                    join tasks t on t.business_id = e.business_id and t.id = e.task_id
                    join projects p on p.business_id = t.business_id and p.id = t.project_id
                    where e.business_id = $1 and e.ended_at is not null and e.started_at >= $3 and e.started_at < $4
                    group by 1, 2, 3) w) as "hours!",
             (select coalesce(json_agg(json_build_object('month', m.month, 'currency', m.currency,
                                                         'kind', m.kind, 'minor', m.minor)), '[]')
              from (select date_trunc('month', i.issue_date::timestamp)::date as month, i.currency::text as currency,
                           'revenue' as kind, least(sum(i.subtotal_minor), 9223372036854775807)::bigint as minor
                    from sales_invoices i
                    where i.business_id = $1 and i.status in ('sent', 'paid') and i.issue_date between $5 and $6
                    group by 1, 2
                    union all
                    select date_trunc('month', x.incurred_on::timestamp)::date, x.currency::text, 'expenses',
                           least(sum(x.amount_minor), 9223372036854775807)::bigint
                    from vendor_expenses x
                    where x.business_id = $1 and x.incurred_on between $5 and $6
                    group by 1, 2) m) as "money!""#,
        business_id.0,
        timezone,
        since,
        until,
        first,
        last,
    )
    .fetch_one(db)
    .await?;
    let hours = serde_json::from_value(row.hours).map_err(|e| internal("the hours per week are malformed", e))?;
    let money = serde_json::from_value(row.money).map_err(|e| internal("the money per month is malformed", e))?;
    Ok((hours, money))
}
