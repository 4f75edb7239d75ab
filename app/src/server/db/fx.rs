//! Stored ECB reference rates.

use crate::billing::Decimal;
use crate::error::AppResult;
use crate::server::errors::internal;
use crate::server::fx::DayRates;
use chrono::NaiveDate;
use sqlx::PgExecutor;
use std::collections::BTreeMap;

/// Stores every day's rates (a re-import of the same day replaces them). Returns the rows written.
pub async fn store(db: impl PgExecutor<'_>, days: &[DayRates]) -> AppResult<u64> {
    let (mut dates, mut currencies, mut rates) = (Vec::new(), Vec::new(), Vec::new());
    for day in days {
        for (currency, rate) in &day.rates {
            dates.push(day.date);
            currencies.push(currency.clone());
            rates.push(rate.to_string());
        }
    }
    let written = sqlx::query!(
        "insert into fx_rates (rate_date, currency, per_euro)
         select * from unnest($1::date[], $2::text[], $3::text[])
         on conflict (rate_date, currency) do update set per_euro = excluded.per_euro, fetched_at = now()",
        &dates,
        &currencies,
        &rates
    )
    .execute(db)
    .await?;
    Ok(written.rows_affected())
}

/// The rates in force on `date`: the latest stored day on or before it.
pub async fn rates_on(db: impl PgExecutor<'_>, date: NaiveDate) -> AppResult<Option<DayRates>> {
    let rows = sqlx::query!(
        r#"select rate_date, currency::text as "currency!", per_euro from fx_rates
           where rate_date = (select max(rate_date) from fx_rates where rate_date <= $1)"#,
        date
    )
    .fetch_all(db)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let date = first.rate_date;
    let mut rates = BTreeMap::new();
    for row in rows {
        let rate = Decimal::parse(&row.per_euro).map_err(|e| internal("a stored ECB rate is malformed", e))?;
        rates.insert(row.currency, rate);
    }
    Ok(Some(DayRates { date, rates }))
}
