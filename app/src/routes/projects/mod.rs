//! `/projects/*`

pub mod board;
pub mod detail;
pub mod form;
pub mod list;
pub mod task_dialog;
