//! `POST /api/expenses/scan`: a photo of a receipt (multipart field `receipt`, PNG or JPEG up to
//! 2 MB) is sent to the configured OpenAI-compatible service, and the person is sent back to the
//! new-expense form with the suggested fields filled in (`/expenses/new?description=…&scanned=1`)
//! or the reason it did not work (`?scan=<problem>`). A plain form post, so it works without
//! JavaScript. 404 when scanning is not configured; `expenses.create` otherwise.

use crate::member::{business_ctx, error_response};
use app::expenses::receipts::ScanProblem;
use app::permissions::Permission;
use app::server::expenses::scan::{image_type, suggestion, ScanService, INSTRUCTIONS, SCAN_MAX_BYTES};
use app::server::AppState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use http::StatusCode;
use secrecy::ExposeSecret;
use std::time::Duration;

const FORM: &str = "/expenses/new";
/// Requests to the service at once: each holds a connection open for seconds.
static SCANS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
/// How long the service may take to read one receipt.
const TIMEOUT: Duration = Duration::from_secs(30);

pub fn problem(problem: ScanProblem) -> Response {
    Redirect::to(&format!("{FORM}?scan={}", problem.code())).into_response()
}

/// Asks the service for the receipt's fields; its answer's text.
async fn ask(service: &ScanService, mime: &str, image: &[u8]) -> Result<String, ScanProblem> {
    let data_url = format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(image));
    let body = serde_json::json!({
        "model": service.model,
        "temperature": 0,
        "response_format": { "type": "json_object" },
        "messages": [
            { "role": "system", "content": INSTRUCTIONS },
            { "role": "user", "content": [
                { "type": "text", "text": "The receipt:" },
                { "type": "image_url", "image_url": { "url": data_url } }
            ] }
        ]
    });
    let client = reqwest::Client::builder().timeout(TIMEOUT).build().map_err(|_| ScanProblem::Unavailable)?;
    let url = format!("{}/chat/completions", service.base_url.trim_end_matches('/'));
    let response = client
        .post(url)
        .bearer_auth(service.key.expose_secret())
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|error| {
            tracing::warn!(error = %error.without_url(), "the receipt scanning service could not be reached");
            ScanProblem::Unavailable
        })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "the receipt scanning service refused a request");
        return Err(ScanProblem::Unavailable);
    }
    let bytes = response.bytes().await.map_err(|_| ScanProblem::Unavailable)?;
    let answer: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| ScanProblem::Unavailable)?;
    answer["choices"][0]["message"]["content"].as_str().map(str::to_owned).ok_or(ScanProblem::Unreadable)
}

pub async fn scan(State(state): State<AppState>, request: Request) -> Response {
    let Some(service) = state.receipt_scan.clone() else {
        return (StatusCode::NOT_FOUND, "Receipt scanning is not configured on this instance.").into_response();
    };
    let (parts, body) = request.into_parts();
    let ctx = match business_ctx(&state, &parts).and_then(|ctx| ctx.require(Permission::ExpensesCreate).map(|_| ctx)) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(error),
    };
    let Ok(mut multipart) = Multipart::from_request(Request::from_parts(parts, body), &state).await else {
        return problem(ScanProblem::Empty);
    };
    let mut image = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("receipt") {
            image = field.bytes().await.ok();
            break;
        }
    }
    let image = image.unwrap_or_default();
    if image.is_empty() {
        return problem(ScanProblem::Empty);
    }
    if image.len() > SCAN_MAX_BYTES {
        return problem(ScanProblem::TooLarge);
    }
    let Some(mime) = image_type(&image) else { return problem(ScanProblem::UnknownType) };
    let Ok(_permit) = SCANS_AT_ONCE.try_acquire() else { return problem(ScanProblem::Busy) };
    let answer = match ask(&service, mime, &image).await {
        Ok(answer) => answer,
        Err(refused) => return problem(refused),
    };
    let Some(form) = suggestion(&answer) else { return problem(ScanProblem::Unreadable) };
    tracing::info!(user = %ctx.user.id, business = %ctx.business.id, "receipt scanned");
    let query: Vec<String> = [
        ("description", &form.description),
        ("amount", &form.amount),
        ("currency", &form.currency),
        ("incurred_on", &form.incurred_on),
        ("vendor", &form.vendor),
        ("category", &form.category),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(key, value)| format!("{key}={}", url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()))
    .collect();
    Redirect::to(&format!("{FORM}?{}&scanned=1", query.join("&"))).into_response()
}
