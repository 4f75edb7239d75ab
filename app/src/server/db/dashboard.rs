//! The dashboard's one statement: every card is a scalar or a JSON value built by Postgres, and a
//! card the member may not see is switched off by its flag (its subquery then reads nothing).

use crate::clients::{EventKind, TimelineEntry};
use crate::dashboard::{Activity, GettingStarted, OutstandingTotal, WeekHours, RECENT_ACTIVITY, RECENT_INVOICES};
use crate::error::AppResult;
use crate::ids::{BusinessId, ClientId, ProjectId, TaskId, TimeEntryId, UserId};
use crate::money::{CurrencyCode, Money};
use crate::server::errors::internal;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;

/// Which cards to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cards {
    pub invoices: bool,
    pub own_time: bool,
    pub projects: bool,
    pub tasks: bool,
    pub expenses: bool,
    pub activity: bool,
    pub timer: bool,
}

/// The member's week as instants, `[start, end)`.
pub struct Week {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Unbilled time at one rate (or at none: `rate` is `None`).
#[derive(Debug, Deserialize)]
pub struct UnbilledGroup {
    pub currency: Option<CurrencyCode>,
    pub rate: Option<i64>,
    pub seconds: i64,
    pub entries: i64,
}

#[derive(Debug, Deserialize)]
struct OutstandingRow {
    total: Money,
    overdue: Money,
    count: i64,
    overdue_count: i64,
}

#[derive(Debug, Deserialize)]
struct ActivityRow {
    client_id: ClientId,
    client_name: String,
    seq: i64,
    kind: EventKind,
    body: String,
    fields: Option<serde_json::Value>,
    actor: Option<String>,
    at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct TimerRow {
    pub id: TimeEntryId,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub started_at: DateTime<Utc>,
}

/// What the statement returns, before the operation prices and labels it.
pub struct Summary {
    pub getting_started: GettingStarted,
    pub outstanding: Vec<OutstandingTotal>,
    pub outstanding_count: i64,
    pub overdue_count: i64,
    pub week: WeekHours,
    pub active_projects: i64,
    pub open_tasks: i64,
    pub unbilled: Vec<UnbilledGroup>,
    pub unpaid_expenses: Vec<Money>,
    pub recent_invoices: Vec<crate::server::db::invoices::SummaryRow>,
    pub activity: Vec<Activity>,
    pub timer: Option<TimerRow>,
}

fn parse<T: for<'de> Deserialize<'de>>(value: serde_json::Value, what: &str) -> AppResult<T> {
    serde_json::from_value(value).map_err(|e| internal(&format!("the dashboard's {what} card is malformed"), e))
}

pub async fn summary(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    user_id: UserId,
    today: NaiveDate,
    week: Week,
    cards: Cards,
) -> AppResult<Summary> {
    // Sums are numeric in Postgres; they are capped into bigint (far beyond any real total) so an
    // absurd sum reads as a large number instead of failing the page.
    let row = sqlx::query!(
        r#"select
             exists(select 1 from clients where business_id = $1) as "has_client!",
             exists(select 1 from projects where business_id = $1) as "has_project!",
             exists(select 1 from time_entries where business_id = $1) as "has_time!",
             exists(select 1 from sales_invoices where business_id = $1) as "has_invoice!",
             (select coalesce(json_agg(json_build_object(
                        'total', json_build_object('minor', o.total, 'currency', o.currency),
                        'overdue', json_build_object('minor', o.overdue, 'currency', o.currency),
                        'count', o.n, 'overdue_count', o.overdue_n) order by o.currency), '[]')
              from (select i.currency::text as currency,
                           least(sum(i.total_minor), 9223372036854775807)::bigint as total,
                           least(coalesce(sum(i.total_minor) filter (where i.due_date < $3), 0),
                                 9223372036854775807)::bigint as overdue,
                           count(*) as n, count(*) filter (where i.due_date < $3) as overdue_n
                    -- What is still owed: each sent invoice's total less its credit notes.
                    from (select s.currency, s.due_date,
                                 s.total_minor - coalesce((select sum(cn.total_minor) from sales_notes cn
                                                           where cn.business_id = $1 and cn.invoice_id = s.id), 0)
                                   as total_minor
                          from sales_invoices s
                          where $6 and s.business_id = $1 and s.status = 'sent') i
                    where i.total_minor > 0
                    group by i.currency) o) as "outstanding!",
             (select json_build_object('seconds', least(coalesce(sum(e.duration_seconds), 0), 9223372036854775807)::bigint,
                                       'projects', count(distinct t.project_id))
              from time_entries e join tasks t on t.business_id = e.business_id and t.id = e.task_id
              where $7 and e.business_id = $1 and e.user_id = $2 and e.ended_at is not null
                and e.started_at >= $4 and e.started_at < $5) as "week!",
             (select count(*) from projects p where $8 and p.business_id = $1 and p.status = 'active') as "active_projects!",
             (select count(*) from tasks t where $9 and t.business_id = $1 and t.status <> 'done') as "open_tasks!",
             (select coalesce(json_agg(json_build_object('currency', u.currency, 'rate', u.rate,
                                                         'seconds', u.seconds, 'entries', u.entries)
                                       order by u.currency, u.rate), '[]')
              from (select e.rate_currency::text as currency, e.rate_minor as rate,
                           least(sum(e.duration_seconds), 9223372036854775807)::bigint as seconds, count(*) as entries
                    from time_entries e
                    where $6 and e.business_id = $1 and e.ended_at is not null and e.billable
                      and e.invoice_line_id is null
                    group by e.rate_currency, e.rate_minor) u) as "unbilled!",
             (select coalesce(json_agg(json_build_object('minor', x.minor, 'currency', x.currency)
                                       order by x.currency), '[]')
              from (select x.currency::text as currency,
                           least(sum(x.amount_minor), 9223372036854775807)::bigint as minor
                    from vendor_expenses x
                    where $10 and x.business_id = $1 and x.status = 'unpaid'
                    group by x.currency) x) as "unpaid_expenses!",
             (select coalesce(json_agg(json_build_object(
                        'id', r.id, 'number', r.number, 'client_id', r.client_id, 'client_name', r.client_name,
                        'status', r.status, 'issue_date', r.issue_date, 'due_date', r.due_date,
                        'total', json_build_object('minor', r.total_minor, 'currency', r.currency))
                      order by r.issue_date desc, r.id desc), '[]')
              from (select i.id, i.number, i.client_id, c.name as client_name, i.status, i.issue_date,
                           i.due_date, i.total_minor, i.currency::text as currency
                    from sales_invoices i join clients c on c.business_id = i.business_id and c.id = i.client_id
                    where $6 and i.business_id = $1
                    order by i.issue_date desc, i.id desc limit $12) r) as "recent_invoices!",
             (select coalesce(json_agg(json_build_object(
                        'client_id', t.client_id, 'client_name', c.name, 'seq', t.seq, 'kind', t.kind,
                        'body', t.body, 'fields', t.payload -> 'fields', 'actor', a.name, 'at', t.created_at)
                      order by t.seq desc), '[]')
              from (select * from timeline_entries t where $11 and t.business_id = $1
                    order by t.seq desc limit $13) t
              join clients c on c.business_id = t.business_id and c.id = t.client_id
              left join accounts a on a.id = t.actor_id) as "activity!",
             (select json_build_object('id', e.id, 'task_id', e.task_id, 'task_title', t.title,
                                       'project_id', p.id, 'project_name', p.name, 'started_at', e.started_at)
              from time_entries e
              join tasks t on t.business_id = e.business_id and t.id = e.task_id
              join projects p on p.business_id = t.business_id and p.id = t.project_id
              where $14 and e.business_id = $1 and e.user_id = $2 and e.ended_at is null) as "timer""#,
        business_id.0,
        user_id.0,
        today,
        week.start,
        week.end,
        cards.invoices,
        cards.own_time,
        cards.projects,
        cards.tasks,
        cards.expenses,
        cards.activity,
        RECENT_INVOICES,
        RECENT_ACTIVITY,
        cards.timer,
    )
    .fetch_one(db)
    .await?;

    let outstanding: Vec<OutstandingRow> = parse(row.outstanding, "outstanding")?;
    let activity: Vec<ActivityRow> = parse(row.activity, "activity")?;
    Ok(Summary {
        getting_started: GettingStarted {
            client: row.has_client,
            project: row.has_project,
            time: row.has_time,
            invoice: row.has_invoice,
        },
        outstanding_count: outstanding.iter().map(|o| o.count).sum(),
        overdue_count: outstanding.iter().map(|o| o.overdue_count).sum(),
        outstanding: outstanding.into_iter().map(|o| OutstandingTotal { total: o.total, overdue: o.overdue }).collect(),
        week: parse(row.week, "week")?,
        active_projects: row.active_projects,
        open_tasks: row.open_tasks,
        unbilled: parse(row.unbilled, "unbilled")?,
        unpaid_expenses: parse(row.unpaid_expenses, "expenses")?,
        recent_invoices: parse(row.recent_invoices, "invoices")?,
        activity: activity
            .into_iter()
            .map(|a| Activity {
                client_id: a.client_id,
                client_name: a.client_name,
                entry: TimelineEntry {
                    seq: a.seq,
                    kind: a.kind,
                    body: a.body,
                    fields: a.fields.and_then(|f| serde_json::from_value(f).ok()).unwrap_or_default(),
                    actor: a.actor,
                    at: a.at,
                    when: String::new(),
                },
            })
            .collect(),
        timer: row.timer.map(|t| parse(t, "timer")).transpose()?,
    })
}
