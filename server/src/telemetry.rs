//! Logging: `tracing` with an `EnvFilter` from `RUST_LOG`; human-readable by default, JSON lines when
//! `CLERQ_LOG_FORMAT=json` (or in production, where log shippers want structure).

use tracing_subscriber::{fmt, EnvFilter};

pub const DEFAULT_FILTER: &str = "server=info,app=info,tower_http=info,sqlx=warn,warn";

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let json = match std::env::var("CLERQ_LOG_FORMAT") {
        Ok(format) => format.eq_ignore_ascii_case("json"),
        Err(_) => std::env::var("LEPTOS_ENV").is_ok_and(|env| env.eq_ignore_ascii_case("prod")),
    };
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(true);
    // A second init (tests) keeps the first subscriber.
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
