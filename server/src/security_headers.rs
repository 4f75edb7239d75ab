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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_trusts_only_its_own_origin_and_nonce() {
        let csp = page_csp("abc123");
        assert!(csp.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(HeaderValue::from_str(&csp).is_ok(), "a valid header value");
    }
}
