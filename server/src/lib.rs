//! The Clerq server: configuration, telemetry, the HTTP surface around the Leptos app, and start-up.
#![recursion_limit = "256"]

pub mod body_limit;
pub mod config;
pub mod cors;
pub mod cron;
pub mod csrf;
pub mod error_status;
pub mod export;
pub mod form_errors;
pub mod fx_refresh;
pub mod health;
pub mod healthcheck;
pub mod import_page;
pub mod invoice_pdf;
pub mod kept_forms;
pub mod logo;
pub mod mcp;
pub mod member;
pub mod oauth;
pub mod proxy_hint;
pub mod receipt_scan;
pub mod receipts;
pub mod reports;
pub mod security_headers;
pub mod startup;
pub mod telemetry;
