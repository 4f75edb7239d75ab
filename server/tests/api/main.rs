//! Integration tests in one binary (one link instead of one per file). Each `#[sqlx::test]` gets its
//! own fresh database, migrated by `app::server::MIGRATOR`.
#![recursion_limit = "256"]

mod admin;
mod auth;
mod authz;
mod backup;
mod branding;
mod budgets;
mod businesses;
mod clients;
mod common;
mod dashboard;
mod deployment;
mod drills;
mod expenses;
mod export;
mod fx_refresh;
mod health;
mod import;
mod import_page;
mod install;
mod invoice_pdf;
mod invoices;
mod logos;
mod mcp;
mod migrations;
mod money;
mod oauth;
mod operations;
mod outage;
mod page_access;
mod pdf_golden;
mod process;
mod projects;
mod receipt_scan;
mod receipts;
mod recurring;
mod reports;
mod round_trips;
mod schema;
mod security;
mod sessions;
mod team;
mod time;
mod typed_values;
mod updates;
