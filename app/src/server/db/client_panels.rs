//! The panels of a client page (projects, member rates, the team to give rates to, the timeline) in
//! one statement: each panel is a JSON array built by Postgres, so the page costs one round trip
//! beside the client itself, and the rates and timeline operations reuse the same query.

use crate::clients::{MemberRate, ProjectLink, TimelineEntry, TIMELINE_LIMIT};
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, ProjectId, UserId};
use crate::projects::ProjectStatus;
use crate::server::db::{money, rate};
use crate::server::errors::internal;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;
use uuid::Uuid;

/// Which panels to read; the others come back empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sections {
    pub projects: bool,
    pub rates: bool,
    pub team: bool,
    pub timeline: bool,
    /// Time logged for the client per member and rate, and the latest ECB rates, for budgets.
    pub budgets: bool,
}

#[derive(Debug, Default)]
pub struct Panels {
    pub projects: Vec<ProjectLink>,
    pub rates: Vec<MemberRate>,
    /// Every member of the business, in the order they joined.
    pub team: Vec<(UserId, String)>,
    pub timeline: Vec<TimelineEntry>,
    pub budget_time: Vec<crate::server::budgets::TimeGroup>,
    pub fx: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ProjectRow {
    id: Uuid,
    name: String,
    status: ProjectStatus,
}

#[derive(Deserialize)]
struct RateRow {
    user_id: Uuid,
    name: String,
    email: String,
    bill_minor: Option<i64>,
    bill_currency: Option<String>,
    bill_unit: Option<String>,
    cost_minor: Option<i64>,
    cost_currency: Option<String>,
    cost_unit: Option<String>,
    budget_minor: Option<i64>,
    budget_currency: Option<String>,
}

#[derive(Deserialize)]
struct MemberRow {
    user_id: Uuid,
    name: String,
}

#[derive(Deserialize)]
struct TimelineRow {
    seq: i64,
    kind: crate::clients::EventKind,
    body: String,
    fields: Option<serde_json::Value>,
    actor: Option<String>,
    at: DateTime<Utc>,
}

fn parse<T: for<'de> Deserialize<'de>>(value: serde_json::Value, what: &str) -> AppResult<Vec<T>> {
    serde_json::from_value(value).map_err(|e| internal(&format!("client {what} panel is malformed"), e))
}

/// The client's panels; someone else's (or an unknown) client is NotFound.
pub async fn read(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    client_id: ClientId,
    sections: Sections,
    today: chrono::NaiveDate,
) -> AppResult<Panels> {
    let row = sqlx::query!(
        r#"select
             exists(select 1 from clients c where c.business_id = $1 and c.id = $2) as "found!",
             (select coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'status', p.status)
                                       order by (p.status = 'completed'), lower(p.name), p.id), '[]')
              from projects p where $3 and p.business_id = $1 and p.client_id = $2) as "projects!",
             (select coalesce(json_agg(json_build_object(
                        'user_id', r.user_id, 'name', a.name, 'email', a.email,
                        'bill_minor', r.bill_rate_minor, 'bill_currency', r.bill_rate_currency, 'bill_unit', r.bill_rate_unit,
                        'cost_minor', r.cost_minor, 'cost_currency', r.cost_currency, 'cost_unit', r.cost_unit,
                        'budget_minor', r.budget_minor, 'budget_currency', r.budget_currency)
                      order by lower(a.name), r.user_id), '[]')
              from team_rates r join accounts a on a.id = r.user_id
              where $4 and r.business_id = $1 and r.client_id = $2) as "rates!",
             (select coalesce(json_agg(json_build_object('user_id', m.user_id, 'name', a.name)
                                       order by m.created_at, m.user_id), '[]')
              from memberships m join accounts a on a.id = m.user_id where $5 and m.business_id = $1) as "team!",
             (select coalesce(json_agg(json_build_object('seq', t.seq, 'kind', t.kind, 'body', t.body,
                                       'fields', t.payload -> 'fields', 'actor', a.name, 'at', t.created_at)
                                       order by t.seq desc), '[]')
              from (select * from timeline_entries t where $6 and t.business_id = $1 and t.client_id = $2
                    order by t.seq desc limit $7) t
              left join accounts a on a.id = t.actor_id) as "timeline!",
             (select coalesce(json_agg(json_build_object('user_id', g.user_id, 'currency', g.currency,
                                                         'rate_minor', g.rate_minor, 'seconds', g.seconds)), '[]')
              from (select e.user_id, e.rate_currency::text as currency, e.rate_minor,
                           least(sum(e.duration_seconds), 9223372036854775807)::bigint as seconds
                    from projects p
                    join tasks t on t.business_id = p.business_id and t.project_id = p.id
                    join time_entries e on e.business_id = t.business_id and e.task_id = t.id
                    where $8 and p.business_id = $1 and p.client_id = $2 and e.ended_at is not null
                      and e.rate_minor is not null
                    group by e.user_id, e.rate_currency, e.rate_minor) g) as "budget_time!",
             (select json_object_agg(f.currency, f.per_euro) from fx_rates f
              where $8 and f.rate_date = (select max(rate_date) from fx_rates where rate_date <= $9)) as "fx""#,
        business_id.0,
        client_id.0,
        sections.projects,
        sections.rates,
        sections.team,
        sections.timeline,
        TIMELINE_LIMIT,
        sections.budgets,
        today,
    )
    .fetch_one(db)
    .await?;
    if !row.found {
        return Err(AppError::NotFound);
    }
    let projects = parse::<ProjectRow>(row.projects, "projects")?
        .into_iter()
        .map(|p| ProjectLink { id: ProjectId(p.id), name: p.name, status: p.status })
        .collect();
    let rates = parse::<RateRow>(row.rates, "rates")?
        .into_iter()
        .map(|r| MemberRate {
            user_id: r.user_id.into(),
            name: r.name,
            email: r.email,
            bill_rate: rate(r.bill_minor, r.bill_currency, r.bill_unit),
            cost: rate(r.cost_minor, r.cost_currency, r.cost_unit),
            budget: money(r.budget_minor, r.budget_currency),
        })
        .collect();
    let team = parse::<MemberRow>(row.team, "team")?.into_iter().map(|m| (m.user_id.into(), m.name)).collect();
    let timeline = parse::<TimelineRow>(row.timeline, "timeline")?
        .into_iter()
        .map(|t| TimelineEntry {
            seq: t.seq,
            kind: t.kind,
            body: t.body,
            // Updates list the changed fields; other events have none.
            fields: t.fields.and_then(|f| serde_json::from_value(f).ok()).unwrap_or_default(),
            actor: t.actor,
            at: t.at,
            when: String::new(),
        })
        .collect();
    let budget_time = crate::server::budgets::groups(row.budget_time)?;
    Ok(Panels { projects, rates, team, timeline, budget_time, fx: row.fx })
}
