//! Errors of plain (no-JavaScript) form posts travel back in the redirect URL as `__err` (and the
//! action's `__path`), and the page shows them. Unchecked, anyone could link to a Clerq page
//! showing any text as if Clerq said it. So the server signs the pair when it redirects, and a
//! page request carrying an unsigned or forged pair is sent to the same address without it.
//!
//! What the person typed comes back too: the posted fields are [kept](crate::kept_forms) under a
//! random `__form` handle added to the redirect, and the page's HTML gets them put back into the
//! form before it is sent.

use crate::kept_forms::{self, KeptForms};
use app::server::session::Principal;
use app::server::signing::{sign_for, verify_for};
use app::server::AppState;
use axum::body::{to_bytes, Body, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{header, HeaderValue, Method, StatusCode};
use std::sync::Arc;

const PURPOSE: &[u8] = b"clerq-form-error:";
const ERROR_KEYS: [&str; 4] = ["__err", "__path", "__sig", "__form"];
/// A page longer than this is sent as rendered, without the typed values.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct FormErrors {
    pub state: AppState,
    pub kept: Arc<KeptForms>,
}

fn message(path: &str, err: &str) -> Vec<u8> {
    [path.as_bytes(), b"\n", err.as_bytes()].concat()
}

/// The query pairs of `query` (decoded), in order.
fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub async fn middleware(State(forms): State<FormErrors>, request: Request, next: Next) -> Response {
    let state = &forms.state;
    let query = request.uri().query().unwrap_or_default().to_owned();
    let owner = request.extensions().get::<Principal>().map(|p| p.session_id);
    if request.method() == Method::POST && is_plain_form_post(&request) {
        return keep_typed_values(&forms, owner, request, next).await;
    }
    if request.method() == Method::GET && query.contains("__err") {
        let pairs = pairs(&query);
        let genuine = match (value(&pairs, "__path"), value(&pairs, "__err"), value(&pairs, "__sig")) {
            (Some(path), Some(err), Some(sig)) => {
                URL_SAFE_NO_PAD.decode(sig).is_ok_and(|sig| verify_for(&state.auth, PURPOSE, &message(path, err), &sig))
            }
            _ => false,
        };
        if !genuine {
            let kept: Vec<(String, String)> =
                pairs.into_iter().filter(|(k, _)| !ERROR_KEYS.contains(&k.as_str())).collect();
            let mut target = request.uri().path().to_owned();
            if !kept.is_empty() {
                target.push('?');
                target.push_str(&url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish());
            }
            return Redirect::to(&target).into_response();
        }
        let typed = value(&pairs, "__form")
            .zip(value(&pairs, "__path"))
            .and_then(|(id, action)| Some((action.to_owned(), forms.kept.get(id, owner, action)?)));
        if let Some((action, fields)) = typed {
            return with_typed_values(next.run(request).await, &action, &fields).await;
        }
    }
    let response = next.run(request).await;
    signed_redirect(state, response)
}

/// A form posted by a browser without JavaScript (it wants a page back, not JSON).
fn is_plain_form_post(request: &Request) -> bool {
    let headers = request.headers();
    let header_has =
        |name, needle| headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v: &str| v.contains(needle));
    // The body's known length (from Content-Length); a longer or unknown one is not kept.
    let small = request.body().size_hint().upper().is_some_and(|length| length <= kept_forms::MAX_FORM_BYTES as u64);
    small
        && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        && header_has(header::ACCEPT, "text/html")
}

/// Runs a plain form post; when it fails (a redirect carrying the error), keeps what was typed.
async fn keep_typed_values(forms: &FormErrors, owner: Option<uuid::Uuid>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    // The server function redirects back to the Referer with its error appended; a page that
    // already carries an earlier failure's keys would keep them first in line.
    if let Some(clean) = parts.headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(without_error_keys) {
        if let Ok(value) = HeaderValue::from_str(&clean) {
            parts.headers.insert(header::REFERER, value);
        }
    }
    // The body's length is known and small (checked above), so this reads at most that much.
    let Ok(bytes) = to_bytes(body, kept_forms::MAX_FORM_BYTES).await else {
        return (StatusCode::BAD_REQUEST, "The form could not be read. Please send it again.").into_response();
    };
    let fields = pairs(&String::from_utf8_lossy(&bytes));
    let mut response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if let Some(location) = redirect_location(&response) {
        let kept = with_kept_handle(&forms.kept, owner, fields, location);
        if let Ok(value) = HeaderValue::from_str(&kept) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    signed_redirect(&forms.state, response)
}

/// `url` without an earlier failure's keys, when it had any.
fn without_error_keys(url: &str) -> Option<String> {
    let mut url = url::Url::parse(url).ok()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if !pairs.iter().any(|(k, _)| ERROR_KEYS.contains(&k.as_str())) {
        return None;
    }
    let kept: Vec<_> = pairs.into_iter().filter(|(k, _)| !ERROR_KEYS.contains(&k.as_str())).collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.to_string())
}

fn redirect_location(response: &Response) -> Option<String> {
    if !response.status().is_redirection() {
        return None;
    }
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `response`, with the form error in its redirect signed.
fn signed_redirect(state: &AppState, mut response: Response) -> Response {
    if let Some(signed) = redirect_location(&response).and_then(|l| sign_location(state, &l)) {
        if let Ok(value) = HeaderValue::from_str(&signed) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
}

/// `location` with `__form=<handle>` when it carries a form error and the fields could be kept.
fn with_kept_handle(
    kept: &KeptForms,
    owner: Option<uuid::Uuid>,
    fields: Vec<(String, String)>,
    location: String,
) -> String {
    let Some((_, query)) = location.split_once('?') else { return location };
    let query_pairs = pairs(query.split('#').next().unwrap_or_default());
    let (Some(action), Some(_)) = (value(&query_pairs, "__path"), value(&query_pairs, "__err")) else {
        return location;
    };
    match kept.keep(owner, action, fields) {
        Some(id) => format!("{location}&__form={id}"),
        None => location,
    }
}

/// The rendered page with `fields` put back into the form they were posted from.
async fn with_typed_values(response: Response, action: &str, fields: &[(String, String)]) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        tracing::error!("a page was too large or failed while its typed values were restored");
        return (StatusCode::INTERNAL_SERVER_ERROR, "Clerq could not show this page. Please reload it.")
            .into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let Some(restored) = kept_forms::restore(&html, action, fields) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(restored))
}

/// `location` with `__sig` added when it carries a form error.
fn sign_location(state: &AppState, location: &str) -> Option<String> {
    let (_, query) = location.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    let pairs = pairs(query);
    let (path, err) = (value(&pairs, "__path")?, value(&pairs, "__err")?);
    let signature = URL_SAFE_NO_PAD.encode(sign_for(&state.auth, PURPOSE, &message(path, err)));
    Some(format!("{location}&__sig={signature}"))
}
