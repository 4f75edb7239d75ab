//! Headers every response carries: no MIME sniffing, no framing, no referrer beyond this origin
//! (invitation links carry tokens), HSTS when the public origin is https, and a Content Security
//! Policy. Pages get a policy that allows only this origin and the scripts carrying the page's
//! nonce (Leptos puts it on its hydration and resource scripts); everything else gets one that
//! allows nothing at all.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderValue};
use std::sync::Arc;

/// For responses that are not pages (JSON, files): nothing may run or be framed.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of a server-rendered page with this request's nonce.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// `Strict-Transport-Security`, only when users reach the instance over https.
    pub hsts: bool,
}

pub async fn middleware(State(policy): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let form_action = response.headers_mut().remove(app::server::oauth::FORM_ACTION_HEADER);
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        response = with_policy_from_nonce(response).await;
    }
    if is_html {
        if let Some(source) = form_action.as_ref().and_then(|v| v.to_str().ok()).and_then(form_action_source) {
            allow_form_action(&mut response, source);
        }
    }
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CSP));
    }
    if policy.hsts {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// `https://host[:port]` (or `http://`) as a CSP source: only an origin, nothing that could end
/// the directive or add another. The OAuth consent page names its client's redirect origin.
fn form_action_source(origin: &str) -> Option<&str> {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))?;
    let plain = !rest.is_empty()
        && rest.len() <= 300
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then_some(origin)
}

/// Lets the page's forms lead to `source` as well as to this origin: the OAuth consent form's answer
/// redirects to the client, and browsers hold that redirect to `form-action` too.
fn allow_form_action(response: &mut Response, source: &str) {
    let policy = response.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok());
    let Some(policy) = policy.filter(|p| p.contains("form-action 'self';")) else { return };
    let widened = policy.replace("form-action 'self';", &format!("form-action 'self' {source};"));
    if let Ok(value) = HeaderValue::from_str(&widened) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// A page whose policy did not reach its response. The shell sets it through Leptos' response
/// options, and the browser suite caught a few pages in a hundred arriving without it (with the
/// nothing-allowed policy, the page's own CSS, scripts and form posts were refused). The nonce
/// Leptos put on the page's scripts is in the HTML, so the page's policy is rebuilt from it.
/// Pages render whole before they are sent, so reading the body here delays nothing.
async fn with_policy_from_nonce(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Some(value) = nonce_in(&bytes).and_then(|nonce| HeaderValue::from_str(&page_csp(nonce)).ok()) {
        tracing::debug!("a page arrived without its policy; rebuilt it from the page's nonce");
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The first `nonce="…"` of a page: base64 of Leptos' 16 random bytes.
fn nonce_in(html: &[u8]) -> Option<&str> {
    const MARK: &[u8] = b"nonce=\"";
    let start = html.windows(MARK.len()).position(|w| w == MARK)? + MARK.len();
    let len = html[start..].iter().position(|b| *b == b'"')?;
    let nonce = std::str::from_utf8(&html[start..start + len]).ok()?;
    let plausible = (16..=64).contains(&nonce.len())
        && nonce.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    plausible.then_some(nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_without_its_policy_gets_one_for_its_own_nonce() {
        let page = br#"<head><script type="module" nonce="ZIMHgcR9Heke8dawfNSoIw">hydrate()</script>"#;
        assert_eq!(nonce_in(page), Some("ZIMHgcR9Heke8dawfNSoIw"));
        assert_eq!(nonce_in(b"<p>no scripts</p>"), None);
        assert_eq!(nonce_in(br#"<script nonce="x'; script-src *">"#), None, "only a real nonce goes into the policy");
        assert_eq!(nonce_in(br#"<script nonce="short">"#), None);
    }

    #[tokio::test]
    async fn the_rebuilt_policy_keeps_the_page_intact() {
        let html = r#"<script nonce="ZIMHgcR9Heke8dawfNSoIw"></script><form method="post"></form>"#;
        let response = Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(axum::body::Body::from(html))
            .expect("response");
        let (parts, body) = with_policy_from_nonce(response).await.into_parts();
        let csp = parts.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("'nonce-ZIMHgcR9Heke8dawfNSoIw'") && csp.contains("form-action 'self'"), "{csp}");
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        assert_eq!(bytes, html.as_bytes());
    }

    #[test]
    fn only_a_plain_origin_can_widen_form_action() {
        assert_eq!(form_action_source("https://claude.ai"), Some("https://claude.ai"));
        assert_eq!(form_action_source("http://127.0.0.1:33418"), Some("http://127.0.0.1:33418"));
        for bad in [
            "",
            "https://",
            "claude.ai",
            "https://a.example; script-src *",
            "https://a.example 'unsafe-inline'",
            "*",
            "data:",
        ] {
            assert_eq!(form_action_source(bad), None, "{bad:?}");
        }
        let mut response = Response::new(axum::body::Body::empty());
        let csp = HeaderValue::from_str(&page_csp("abc123")).expect("csp");
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp);
        allow_form_action(&mut response, "https://claude.ai");
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(csp.contains("form-action 'self' https://claude.ai;"), "{csp}");
        assert!(csp.contains("script-src 'nonce-abc123'"), "{csp}");
    }

    #[test]
    fn a_page_policy_trusts_only_its_own_origin_and_nonce() {
        let csp = page_csp("abc123");
        assert!(csp.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(HeaderValue::from_str(&csp).is_ok(), "a valid header value");
    }
}
