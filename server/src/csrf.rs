//! Cross-site request forgery guard. State-changing requests (anything but GET/HEAD/OPTIONS) from a
//! browser carry `Origin`; it must be `BETTER_AUTH_URL`'s origin, or without that setting, the origin
//! of the `Host` the request was sent to. Server functions (`/api/…`, which also take the plain
//! HTML form posts) and the import page's posts additionally need one of `Origin`/`Referer`: every browser sends one, and a
//! request that hides both gets no benefit of the doubt. Other paths let such clients (curl,
//! monitors) pass unless `Sec-Fetch-Site` says the request is cross-site.

use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, Method, StatusCode};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    /// The normalised public origin, when configured.
    pub public_origin: Option<String>,
}

/// Why a request was refused, for the log and the operator-facing message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub sent: String,
    pub expected: String,
}

/// Endpoints that never read the session cookie: a request proves itself with a bearer token,
/// a PKCE verifier or a token to revoke, so a forged cross-site post gains nothing, and MCP and
/// OAuth clients (including browser-based ones) post to them from other origins by design.
pub const COOKIELESS_PATHS: &[&str] =
    &["/api/mcp", "/oauth/register", "/oauth/token", "/oauth/revoke", crate::cron::PATH];

impl CsrfPolicy {
    pub fn check(&self, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), Refusal> {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) || COOKIELESS_PATHS.contains(&path) {
            return Ok(());
        }
        let header_str = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        let sent =
            header_str(header::ORIGIN).map(str::to_owned).or_else(|| header_str(header::REFERER).and_then(origin_of));
        let expected = match (&self.public_origin, header_str(header::HOST)) {
            (Some(origin), _) => Some(origin.clone()),
            (None, Some(host)) => Some(host.to_ascii_lowercase()),
            (None, None) => None,
        };
        match (sent, expected) {
            (Some(sent), Some(expected)) => {
                let sent_lower = sent.to_ascii_lowercase();
                let matches = if self.public_origin.is_some() {
                    sent_lower == expected
                } else {
                    // Without a configured origin only the host can be compared (the scheme is
                    // unknown behind a TLS-terminating proxy).
                    sent_lower.split_once("://").is_some_and(|(_, host)| host == expected)
                };
                if matches {
                    Ok(())
                } else {
                    Err(Refusal { sent, expected })
                }
            }
            (Some(sent), None) => Err(Refusal { sent, expected: "a Host header".to_owned() }),
            (None, _) if header_str(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") => {
                Err(Refusal { sent: "a cross-site request".to_owned(), expected: "same-origin".to_owned() })
            }
            (None, expected) if needs_origin(path) => Err(Refusal {
                sent: "a request without Origin or Referer".to_owned(),
                expected: expected.unwrap_or_else(|| "this instance".to_owned()),
            }),
            (None, _) => Ok(()),
        }
    }
}

/// Server functions and the import page's steps; the tRPC health routes stay open to monitors.
fn needs_origin(path: &str) -> bool {
    (path.starts_with("/api/") && !path.starts_with("/api/trpc")) || path == app::import::IMPORT_PAGE
}

/// `https://host:port` of a Referer URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

pub async fn middleware(State(policy): State<Arc<CsrfPolicy>>, request: Request, next: Next) -> Response {
    match policy.check(request.method(), request.uri().path(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(
                sent = %refusal.sent, expected = %refusal.expected, path = %request.uri().path(),
                "refused a cross-origin request; if this is your own site, set BETTER_AUTH_URL to the URL users open"
            );
            let wants_html = request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"));
            if wants_html {
                let message = format!(
                    "This form was sent from {}, but this Clerq instance is at {}. The request was refused \
                     to protect your account. If you opened Clerq at that address, ask your administrator to \
                     set BETTER_AUTH_URL to it.",
                    refusal.sent, refusal.expected
                );
                (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
            } else {
                let body = serde_json::to_vec(&AppError::Forbidden).unwrap_or_default();
                (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], Body::from(body)).into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn cookieless_endpoints_take_posts_from_anywhere_and_nothing_else_does() {
        let policy = CsrfPolicy { public_origin: Some("https://clerq.example.com".into()) };
        let foreign = headers(&[("origin", "https://claude.ai")]);
        for path in COOKIELESS_PATHS {
            assert!(policy.check(&Method::POST, path, &foreign).is_ok(), "{path}");
            assert!(policy.check(&Method::POST, path, &HeaderMap::new()).is_ok(), "{path} without Origin");
        }
        assert!(policy.check(&Method::POST, "/api/mcp/x", &foreign).is_err(), "exact paths only");
        assert!(policy.check(&Method::POST, "/oauth/consent", &foreign).is_err(), "consent uses the session");
    }

    #[test]
    fn safe_methods_always_pass() {
        let policy = CsrfPolicy { public_origin: Some("https://clerq.example.com".into()) };
        assert!(policy.check(&Method::GET, "/api/x", &headers(&[("origin", "https://evil.example")])).is_ok());
    }

    #[test]
    fn with_a_public_url_the_origin_must_match_exactly() {
        let policy = CsrfPolicy { public_origin: Some("https://clerq.example.com".into()) };
        assert!(policy.check(&Method::POST, "/api/x", &headers(&[("origin", "https://clerq.example.com")])).is_ok());
        assert!(policy.check(&Method::POST, "/api/x", &headers(&[("origin", "https://evil.example")])).is_err());
        assert!(
            policy.check(&Method::POST, "/api/x", &headers(&[("origin", "http://clerq.example.com")])).is_err(),
            "scheme counts"
        );
        assert!(policy.check(&Method::POST, "/api/x", &headers(&[("origin", "null")])).is_err());
        assert!(policy.check(&Method::POST, "/api/x", &headers(&[("referer", "https://evil.example/page")])).is_err());
        assert!(policy
            .check(&Method::POST, "/api/x", &headers(&[("referer", "https://clerq.example.com/sign-in?x=1")]))
            .is_ok());
    }

    #[test]
    fn without_a_public_url_the_origin_must_match_the_host() {
        let policy = CsrfPolicy { public_origin: None };
        let same = headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]);
        let cross = headers(&[("origin", "http://127.0.0.1:4000"), ("host", "127.0.0.1:3000")]);
        assert!(policy.check(&Method::POST, "/api/x", &same).is_ok());
        assert_eq!(
            policy.check(&Method::POST, "/api/x", &cross),
            Err(Refusal { sent: "http://127.0.0.1:4000".into(), expected: "127.0.0.1:3000".into() })
        );
    }

    #[test]
    fn a_server_function_post_without_origin_or_referer_is_refused() {
        let policy = CsrfPolicy { public_origin: Some("https://clerq.example.com".into()) };
        assert!(policy.check(&Method::POST, "/api/clients/create", &HeaderMap::new()).is_err());
        assert!(policy.check(&Method::POST, "/settings/import", &HeaderMap::new()).is_err(), "the import's steps");
        assert!(policy.check(&Method::POST, "/api/trpc/health.ping", &HeaderMap::new()).is_ok(), "monitors");
        assert!(policy.check(&Method::POST, "/elsewhere", &HeaderMap::new()).is_ok());
        assert!(policy.check(&Method::POST, "/elsewhere", &headers(&[("sec-fetch-site", "cross-site")])).is_err());
    }
}
