//! Reusable UI: form fields with their errors, the app shell.

pub mod budget;
pub mod business_form;
pub mod form;
pub mod gate;
pub mod layout;
pub mod loading;
pub mod money;
pub mod nav_drawer;
pub mod rounding;
pub mod table;
pub mod team;
pub mod time_entries;
pub mod timer;
