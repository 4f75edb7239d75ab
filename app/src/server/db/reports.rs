//! The profit report's rows: income, expenses and billed labour per basis, day, currency, client and
//! project (credit notes taken off income), summed by Postgres so a year reads a few hundred rows instead of every transaction.
//! Labour comes as seconds at each cost rate per invoice: the operation prices it in Rust.

use crate::error::AppResult;
use crate::ids::BusinessId;
use crate::money::CurrencyCode;
use crate::reports::{BasisKind, Period};
use crate::server::fx::DayRates;
use chrono::NaiveDate;
use sqlx::PgExecutor;
use std::collections::BTreeMap;
use uuid::Uuid;

crate::text_enum! {
    pub enum RowKind {
        Income = "income",
        Expense = "expense",
        Labour = "labour",
        /// Credit notes: taken off income.
        Credit = "credit",
        /// Time billed on the invoices (accrual basis only): `amount` holds the billed seconds and
        /// `seconds` the tracked ones. Not money.
        Time = "time",
    }
}

#[derive(Debug, Clone)]
pub struct ReportRow {
    pub basis: BasisKind,
    pub kind: RowKind,
    pub day: NaiveDate,
    pub currency: CurrencyCode,
    pub client: Option<(Uuid, String)>,
    pub project: Option<(Uuid, String)>,
    /// Income and expenses: the sum in minor units.
    pub amount: i64,
    /// Labour: billed seconds at `cost_rate` (hourly, minor units).
    pub seconds: i64,
    pub cost_rate: i64,
}

pub async fn rows(db: impl PgExecutor<'_>, business_id: BusinessId, period: Period) -> AppResult<Vec<ReportRow>> {
    let rows = sqlx::query!(
        r#"with inv as (
             select i.id, i.client_id, i.project_id, i.currency::text as currency, i.subtotal_minor::bigint as subtotal,
                    i.issue_date, i.paid_on, i.status
             from sales_invoices i
             where i.business_id = $1 and i.status in ('sent', 'paid')
               and (i.issue_date between $2 and $3 or i.paid_on between $2 and $3)
           ), dated as (
             select 'accrual' as basis, inv.*, inv.issue_date as day from inv where inv.issue_date between $2 and $3
             union all
             select 'cash', inv.*, inv.paid_on from inv where inv.status = 'paid' and inv.paid_on between $2 and $3
           ), summed as (
             select d.basis, 'income' as kind, d.day, d.currency, d.client_id, d.project_id,
                    least(sum(d.subtotal), 9223372036854775807)::bigint as amount, 0::bigint as seconds, 0::bigint as rate
             from dated d group by d.basis, d.day, d.currency, d.client_id, d.project_id
             union all
             select d.basis, 'labour', d.day, e.cost_currency::text, d.client_id, t.project_id,
                    0, least(sum(e.duration_seconds), 9223372036854775807)::bigint, e.cost_minor
             from dated d
             join sales_lines l on l.business_id = $1 and l.invoice_id = d.id
             join time_entries e on e.business_id = $1 and e.invoice_line_id = l.id
             join tasks t on t.business_id = e.business_id and t.id = e.task_id
             where e.cost_minor is not null and e.duration_seconds is not null
             group by d.basis, d.id, d.day, e.cost_currency, d.client_id, t.project_id, e.cost_minor
             union all
             select 'accrual', 'expense', x.incurred_on, x.currency::text, x.client_id, x.project_id,
                    least(sum(x.amount_minor), 9223372036854775807)::bigint, 0, 0
             from vendor_expenses x
             where x.business_id = $1 and x.incurred_on between $2 and $3
             group by x.incurred_on, x.currency, x.client_id, x.project_id
             union all
             select 'cash', 'expense', x.paid_on, x.currency::text, x.client_id, x.project_id,
                    least(sum(x.amount_minor), 9223372036854775807)::bigint, 0, 0
             from vendor_expenses x
             where x.business_id = $1 and x.status = 'paid' and x.paid_on between $2 and $3
             group by x.paid_on, x.currency, x.client_id, x.project_id
             union all
             -- Credit notes: on accrual when issued; on cash once the invoice is paid and the note
             -- exists (a note before payment lowered what was paid; one after it is a refund).
             select b.basis, 'credit', b.day, cn.currency::text, i.client_id, i.project_id,
                    least(sum(cn.subtotal_minor), 9223372036854775807)::bigint, 0, 0
             from sales_notes cn
             join sales_invoices i on i.business_id = cn.business_id and i.id = cn.invoice_id
             cross join lateral (values ('accrual', cn.issue_date),
                                        ('cash', case when i.status = 'paid' then greatest(cn.issue_date, i.paid_on) end)) b(basis, day)
             where cn.business_id = $1 and i.status in ('sent', 'paid') and b.day between $2 and $3
             group by b.basis, b.day, cn.currency, i.client_id, i.project_id
             union all
             -- Hours billed (a line's quantity) against the hours its entries tracked.
             select d.basis, 'time', d.day, d.currency, d.client_id, d.project_id,
                    least(sum(round(l.quantity::numeric * 3600)), 9223372036854775807)::bigint,
                    least(sum(t.seconds), 9223372036854775807)::bigint, 0
             from dated d
             join sales_lines l on l.business_id = $1 and l.invoice_id = d.id
             cross join lateral (select sum(e.duration_seconds) as seconds from time_entries e
                                 where e.business_id = $1 and e.invoice_line_id = l.id) t
             where d.basis = 'accrual' and l.quantity is not null and t.seconds is not null
             group by d.basis, d.day, d.currency, d.client_id, d.project_id
           )
           select s.basis as "basis!: BasisKind", s.kind as "kind!: RowKind", s.day as "day!", s.currency as "currency!",
                  s.client_id, c.name as "client_name?", s.project_id, p.name as "project_name?",
                  s.amount as "amount!", s.seconds as "seconds!", s.rate as "rate!"
           from summed s
           left join clients c on c.business_id = $1 and c.id = s.client_id
           left join projects p on p.business_id = $1 and p.id = s.project_id
           order by s.day"#,
        business_id.0,
        period.from,
        period.to,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let currency = CurrencyCode::parse(&r.currency)
                .map_err(|e| crate::server::errors::internal("a stored currency is malformed", e))?;
            Ok(ReportRow {
                basis: r.basis,
                kind: r.kind,
                day: r.day,
                currency,
                client: r.client_id.zip(r.client_name),
                project: r.project_id.zip(r.project_name),
                amount: r.amount,
                seconds: r.seconds,
                cost_rate: r.rate,
            })
        })
        .collect()
}

/// Every stored day of ECB rates from the last one on or before `from` up to `to`, for the
/// currencies named (the euro needs none).
pub async fn rates_between(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
    currencies: &[String],
) -> AppResult<Vec<DayRates>> {
    let rows = sqlx::query!(
        r#"select rate_date, currency::text as "currency!", per_euro from fx_rates
           where currency = any($3::text[])
             and rate_date between coalesce((select max(rate_date) from fx_rates where rate_date <= $1), $1) and $2
           order by rate_date"#,
        from,
        to,
        currencies,
    )
    .fetch_all(db)
    .await?;
    let mut days: BTreeMap<NaiveDate, DayRates> = BTreeMap::new();
    for row in rows {
        let rate = crate::billing::Decimal::parse(&row.per_euro)
            .map_err(|e| crate::server::errors::internal("a stored ECB rate is malformed", e))?;
        days.entry(row.rate_date)
            .or_insert_with(|| DayRates { date: row.rate_date, rates: BTreeMap::new() })
            .rates
            .insert(row.currency, rate);
    }
    Ok(days.into_values().collect())
}
