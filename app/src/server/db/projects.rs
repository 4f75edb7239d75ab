//! Project SQL.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, ProjectId, UserId};
use crate::projects::{Project, ProjectInput, ProjectStatus};
use crate::server::db::{like_pattern, money, money_columns, rate, rate_columns};
use crate::server::errors::ResultExt;
use sqlx::PgExecutor;
use uuid::Uuid;

/// Projects of a business, optionally one project, one client's, or those matching a search.
/// With `budget_on` (a date), each budgeted project also carries the time logged on it per rate,
/// and every row the ECB rates in force that day: the project page needs them, lists do not.
async fn select(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: Option<ProjectId>,
    client_id: Option<ClientId>,
    search: &str,
    budget_on: Option<chrono::NaiveDate>,
) -> AppResult<Vec<(Project, Option<serde_json::Value>, Option<serde_json::Value>)>> {
    let pattern = like_pattern(search);
    let rows = sqlx::query!(
        r#"select p.id, p.client_id, c.name as client_name, p.name, p.status as "status: ProjectStatus", p.due_date,
                  p.default_rate_minor, p.default_rate_currency, p.default_rate_unit, p.budget_minor, p.budget_currency,
                  (select count(*) from tasks t where t.business_id = p.business_id and t.project_id = p.id and t.status <> 'done') as "open_tasks!",
                  case when $5::date is not null and p.budget_minor is not null then
                    (select coalesce(json_agg(json_build_object('currency', g.currency, 'rate_minor', g.rate_minor,
                                                                'seconds', g.seconds)), '[]')
                     from (select e.rate_currency::text as currency, e.rate_minor,
                                  least(sum(e.duration_seconds), 9223372036854775807)::bigint as seconds
                           from tasks t join time_entries e on e.business_id = t.business_id and e.task_id = t.id
                           where t.business_id = p.business_id and t.project_id = p.id and e.ended_at is not null
                             and e.rate_minor is not null
                           group by e.rate_currency, e.rate_minor) g)
                  end as "budget_time?",
                  case when $5::date is not null and p.budget_minor is not null then
                    (select json_object_agg(f.currency, f.per_euro) from fx_rates f
                     where f.rate_date = (select max(rate_date) from fx_rates where rate_date <= $5))
                  end as "fx?"
           from projects p join clients c on c.business_id = p.business_id and c.id = p.client_id
           where p.business_id = $1 and ($2::uuid is null or p.id = $2) and ($3::uuid is null or p.client_id = $3)
             and ($4 = '%%' or p.name ilike $4 or c.name ilike $4)
           order by (p.status = 'completed'), lower(p.name), p.id
           limit 1000"#,
        business_id.0,
        id.map(|id| id.0),
        client_id.map(|id| id.0),
        pattern,
        budget_on,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let project = Project {
                id: r.id.into(),
                client_id: r.client_id.into(),
                client_name: r.client_name,
                name: r.name,
                status: r.status,
                due_date: r.due_date,
                default_rate: rate(r.default_rate_minor, r.default_rate_currency, r.default_rate_unit),
                budget: money(r.budget_minor, r.budget_currency),
                open_tasks: r.open_tasks,
            };
            Ok((project, r.budget_time, r.fx))
        })
        .collect()
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    client_id: Option<ClientId>,
    search: &str,
) -> AppResult<Vec<Project>> {
    Ok(select(db, business_id, None, client_id, search, None).await?.into_iter().map(|(p, _, _)| p).collect())
}

pub async fn get(db: impl PgExecutor<'_>, business_id: BusinessId, id: ProjectId) -> AppResult<Project> {
    Ok(with_budget_time(db, business_id, id, None).await?.0)
}

/// The project and, when it has a budget and `on` is given, its time per rate and `on`'s ECB rates.
pub async fn with_budget_time(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ProjectId,
    on: Option<chrono::NaiveDate>,
) -> AppResult<(Project, Option<serde_json::Value>, Option<serde_json::Value>)> {
    select(db, business_id, Some(id), None, "", on).await?.into_iter().next().ok_or(AppError::NotFound)
}

fn unknown_client() -> AppError {
    AppError::field("client_id", "Choose one of your clients.")
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    actor: UserId,
    input: &ProjectInput,
) -> AppResult<ProjectId> {
    let (rate_minor, rate_currency, rate_unit) = rate_columns(input.default_rate);
    let (budget_minor, budget_currency) = money_columns(input.budget);
    sqlx::query_scalar!(
        "insert into projects (id, business_id, client_id, name, status, due_date, default_rate_minor, default_rate_currency,
                               default_rate_unit, budget_minor, budget_currency, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
        Uuid::now_v7(),
        business_id.0,
        input.client_id.0,
        input.name,
        input.status as _,
        input.due_date,
        rate_minor,
        rate_currency as Option<String>,
        rate_unit,
        budget_minor,
        budget_currency as Option<String>,
        actor.0
    )
    .fetch_one(db)
    .await
    .on_constraint("projects_client_fkey", |_| unknown_client())
    .map(ProjectId)
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ProjectId,
    input: &ProjectInput,
) -> AppResult<()> {
    let (rate_minor, rate_currency, rate_unit) = rate_columns(input.default_rate);
    let (budget_minor, budget_currency) = money_columns(input.budget);
    let updated = sqlx::query!(
        "update projects set client_id = $3, name = $4, status = $5, due_date = $6, default_rate_minor = $7,
                default_rate_currency = $8, default_rate_unit = $9, budget_minor = $10, budget_currency = $11
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        input.client_id.0,
        input.name,
        input.status as _,
        input.due_date,
        rate_minor,
        rate_currency as Option<String>,
        rate_unit,
        budget_minor,
        budget_currency as Option<String>
    )
    .execute(db)
    .await
    .on_constraint("projects_client_fkey", |_| unknown_client())?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
