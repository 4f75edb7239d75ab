//! Sign-in limits count per client address. Behind a reverse proxy that is not trusted
//! (`CLERQ_TRUST_PROXY_HEADERS` off), every visitor arrives from the proxy's one address and shares
//! one budget. The first request that shows a proxy is in front (an `X-Forwarded-For` header from
//! a private or loopback peer) logs a warning saying so, once per process.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

static WARNED: AtomicBool = AtomicBool::new(false);

/// Whether a request looks proxied while proxy headers are ignored.
pub fn looks_proxied(trust_proxy_headers: bool, peer: Option<IpAddr>, forwarded: bool) -> bool {
    let private = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.is_unique_local() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_private())
        }
    };
    !trust_proxy_headers && forwarded && peer.is_some_and(private)
}

pub async fn middleware(State(trust): State<Arc<bool>>, request: Request, next: Next) -> Response {
    if !*trust && !WARNED.load(Ordering::Relaxed) {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let forwarded = request.headers().contains_key("x-forwarded-for");
        if looks_proxied(*trust, peer, forwarded) && !WARNED.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "requests arrive through a reverse proxy (X-Forwarded-For from {}), but CLERQ_TRUST_PROXY_HEADERS \
                 is off: every visitor shares the proxy's sign-in limit. Set CLERQ_TRUST_PROXY_HEADERS=true if \
                 the proxy is yours.",
                peer.map(|p| p.to_string()).unwrap_or_default()
            );
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_forwarded_request_from_a_private_peer_with_untrusted_headers_looks_proxied() {
        let private: Option<IpAddr> = "10.0.0.2".parse().ok();
        let public: Option<IpAddr> = "203.0.113.9".parse().ok();
        assert!(looks_proxied(false, private, true));
        assert!(!looks_proxied(true, private, true), "trusted: nothing to say");
        assert!(!looks_proxied(false, private, false), "no proxy header");
        assert!(!looks_proxied(false, public, true), "a public client sending the header itself");
        assert!(looks_proxied(false, "::1".parse().ok(), true));
    }
}
