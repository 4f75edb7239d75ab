//! Errors of plain (no-JavaScript) form posts travel back in the redirect URL as `__err` (and the
//! action's `__path`), and the page shows them. Unchecked, anyone could link to a Clerq page
//! showing any text as if Clerq said it. So the server signs the pair when it redirects, and a
//! page request carrying an unsigned or forged pair is sent to the same address without it.

use app::server::signing::{sign_for, verify_for};
use app::server::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{header, HeaderValue, Method};

const PURPOSE: &[u8] = b"clerq-form-error:";
const ERROR_KEYS: [&str; 3] = ["__err", "__path", "__sig"];

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

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let query = request.uri().query().unwrap_or_default().to_owned();
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
    }
    let mut response = next.run(request).await;
    if response.status().is_redirection() {
        let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        if let Some(signed) = location.and_then(|l| sign_location(&state, &l)) {
            if let Ok(value) = HeaderValue::from_str(&signed) {
                response.headers_mut().insert(header::LOCATION, value);
            }
        }
    }
    response
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
