//! `GET /api/reports/profit.csv?period=&at=&from=&to=&basis=&table=`: one table of the profit
//! report as a CSV download, from the same operation and figures as the page.

use crate::member::{business_ctx, error_response};
use app::error::AppError;
use app::reports::{csv, BasisKind, Period, ReportTable};
use app::server::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, request::Parts};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CsvQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    table: String,
}

pub async fn profit_csv(State(state): State<AppState>, parts: Parts, Query(query): Query<CsvQuery>) -> Response {
    match csv_download(&state, &parts, query).await {
        Ok(response) => response,
        Err(error) => error_response(error),
    }
}

async fn csv_download(state: &AppState, parts: &Parts, query: CsvQuery) -> Result<Response, AppError> {
    let ctx = business_ctx(state, parts)?;
    let basis = BasisKind::parse(&query.basis).ok_or_else(|| AppError::field("basis", "Choose cash or accrual."))?;
    let table = ReportTable::parse(&query.table)
        .ok_or_else(|| AppError::field("table", "Choose currencies, clients or projects."))?;
    let period = Period::parse(&query.period, &query.at, &query.from, &query.to, ctx.today())?;
    let report = app::server::reports::profit(&ctx, period).await?;
    let basis = match basis {
        BasisKind::Cash => &report.cash,
        BasisKind::Accrual => &report.accrual,
    };
    let filename = csv::filename(&report, basis, table);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        csv::table(&report, basis, table),
    )
        .into_response())
}
