//! Clerq's shared crate, compiled twice: with `ssr` into the server (pages rendered to HTML, server
//! functions, SQL) and with `hydrate` into the browser's wasm (the same components, made live).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![recursion_limit = "256"]

pub mod admin;
pub mod app;
pub mod auth;
pub mod billing;
pub mod branding;
pub mod budgets;
pub mod business;
pub mod clients;
pub mod components;
pub mod connected_apps;
pub mod country;
pub mod currency;
pub mod dashboard;
pub mod error;
pub mod expenses;
pub mod ids;
pub mod import;
pub mod invoices;
pub mod money;
pub mod oauth;
pub mod permissions;
pub mod projects;
pub mod recurring;
pub mod reports;
pub mod roles;
pub mod routes;
pub mod settings;
pub mod tasks;
pub mod team;
pub mod text_enum;
pub mod time;
pub mod updates;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod architecture;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod server_html;
