//! CORS for the endpoints browser-based MCP clients call from their own origin: `/api/mcp` and the
//! OAuth machine endpoints. They read no cookie (bearer tokens and PKCE only), so any origin may.

use axum::response::Response;
use http::{header, HeaderValue};

/// Lets any origin call with `methods`, sending `request_headers`; preflights are cached a day.
pub fn allow_any_origin(response: &mut Response, methods: &'static str, request_headers: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(request_headers));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
}
