//! The browser side: `GET /oauth/authorize` checks the request and sends the person to the consent
//! page (through sign-in when needed); `POST /oauth/consent` takes the page's answer, checks
//! everything again, and sends the person back to the client with a code or an error.

use super::{issuer, now, unique_pairs, value};
use app::auth::with_redirect;
use app::oauth::AuthorizeParams;
use app::server::oauth::store::{insert_code, NewCode};
use app::server::oauth::{code_redirect, error_redirect, verify, Refusal, Verified};
use app::server::session::Principal;
use app::server::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use http::{header, StatusCode};

/// `GET /oauth/authorize`
pub async fn authorize(State(state): State<AppState>, parts: Parts, RawQuery(query): RawQuery) -> Response {
    let Some(pairs) = unique_pairs(query.unwrap_or_default().as_bytes()) else {
        return error_page(StatusCode::BAD_REQUEST, "The request repeats a parameter.");
    };
    let params = AuthorizeParams::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let issuer = issuer(&state, &parts);
    let verified = match checked(&state, &params, &issuer).await {
        Ok(verified) => verified,
        Err(response) => return response,
    };
    let consent = verified.params().consent_url();
    if parts.extensions.get::<Principal>().is_some() {
        Redirect::to(&consent).into_response()
    } else {
        Redirect::to(&with_redirect("/sign-in", &consent)).into_response()
    }
}

/// `POST /oauth/consent`: the consent form (a plain, same-origin form post; the CSRF layer checks
/// its origin like any other).
pub async fn consent(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let Some(pairs) = unique_pairs(&body) else {
        return error_page(StatusCode::BAD_REQUEST, "The form repeats a field.");
    };
    let params = AuthorizeParams::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let Some(principal) = parts.extensions.get::<Principal>() else {
        // The session ended while the page was open: sign in and answer again.
        return Redirect::to(&with_redirect("/sign-in", &params.consent_url())).into_response();
    };
    let issuer = issuer(&state, &parts);
    let verified = match checked(&state, &params, &issuer).await {
        Ok(verified) => verified,
        Err(response) => return response,
    };
    if value(&pairs, "decision") != Some("allow") {
        return back_with_error(&verified, "access_denied", "The person declined the request.", &issuer);
    }
    let Some(business) = value(&pairs, "business_id").and_then(|id| uuid::Uuid::parse_str(id).ok()) else {
        return error_page(StatusCode::BAD_REQUEST, "Choose one of your businesses.");
    };
    let code = NewCode {
        client: verified.client.id,
        business,
        user: principal.user.id.0,
        redirect_uri: &verified.redirect_uri,
        code_challenge: &verified.code_challenge,
        resource: &verified.resource,
    };
    match insert_code(&state.pool, code, now(&state, &parts)).await {
        Ok(Some(code)) => match code_redirect(&verified.redirect_uri, &code, &verified.state, &issuer) {
            Some(target) => Redirect::to(&target).into_response(),
            None => error_page(StatusCode::BAD_REQUEST, "The app's redirect URI cannot be used."),
        },
        Ok(None) => error_page(
            StatusCode::FORBIDDEN,
            "You are not a member of that business. Choose one of your own businesses and try again.",
        ),
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again."),
    }
}

/// The verified request, or the answer for a refused one: an error page while the client or its
/// redirect URI is in doubt, else a redirect back to the client carrying the error.
async fn checked(state: &AppState, params: &AuthorizeParams, issuer: &str) -> Result<Verified, Response> {
    match verify(&state.pool, params, issuer).await {
        Ok(Ok(verified)) => Ok(verified),
        Ok(Err(Refusal::Page(message))) => Err(error_page(StatusCode::BAD_REQUEST, message)),
        Ok(Err(Refusal::Redirect { redirect_uri, error, description, state })) => {
            match error_redirect(&redirect_uri, error, description, &state, issuer) {
                Some(target) => Err(Redirect::to(&target).into_response()),
                None => Err(error_page(StatusCode::BAD_REQUEST, description)),
            }
        }
        Err(_) => {
            Err(error_page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again."))
        }
    }
}

fn back_with_error(verified: &Verified, error: &str, description: &str, issuer: &str) -> Response {
    match error_redirect(&verified.redirect_uri, error, description, &verified.state, issuer) {
        Some(target) => Redirect::to(&target).into_response(),
        None => error_page(StatusCode::BAD_REQUEST, description),
    }
}

/// A small page for a request that cannot be sent back to its client.
fn error_page(status: StatusCode, message: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>This app can't be connected · Clerq</title>\
         <main><h1>This app can't be connected</h1><p role=\"alert\">{}</p>\
         <p><a href=\"/\">Go to Clerq</a></p></main></html>",
        escape(message)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn error_pages_escape_their_message() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
