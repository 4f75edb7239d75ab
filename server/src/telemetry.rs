//! Logging: `tracing` with an `EnvFilter` from `RUST_LOG`; human-readable by default, JSON lines when
//! `CLERQ_LOG_FORMAT=json` (or in production, where log shippers want structure).

use tracing_subscriber::{filter::Directive, fmt, EnvFilter};

pub const DEFAULT_FILTER: &str = "server=info,app=info,tower_http=info,sqlx=warn,warn";

/// Directives no `RUST_LOG` can lift: rmcp's debug and trace events print every tool call's arguments
/// (client names, notes, amounts), and the MCP promise is that arguments never reach the log.
const ALWAYS: &[&str] = &["rmcp=info"];

/// The filter from a `RUST_LOG`-style spec (or the default), with the [`ALWAYS`] caps applied last.
pub fn filter(spec: Option<&str>) -> EnvFilter {
    let base = spec.and_then(|spec| EnvFilter::try_new(spec).ok()).unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    ALWAYS.iter().fold(base, |filter, directive| {
        filter.add_directive(directive.parse::<Directive>().expect("a valid directive"))
    })
}

pub fn init() {
    let filter = filter(std::env::var("RUST_LOG").ok().as_deref());
    let json = match std::env::var("CLERQ_LOG_FORMAT") {
        Ok(format) => format.eq_ignore_ascii_case("json"),
        Err(_) => std::env::var("LEPTOS_ENV").is_ok_and(|env| env.eq_ignore_ascii_case("prod")),
    };
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(true);
    // A second init (tests) keeps the first subscriber.
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_log_spec_lifts_the_rmcp_cap() {
        for spec in [None, Some("trace"), Some("rmcp=trace"), Some("debug,rmcp=debug"), Some("not a [filter")] {
            let filter = filter(spec).to_string();
            assert!(filter.contains("rmcp=info"), "{spec:?} gave {filter}");
            assert!(!filter.contains("rmcp=trace") && !filter.contains("rmcp=debug"), "{spec:?} gave {filter}");
        }
    }
}
