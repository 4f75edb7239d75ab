//! Lists as tables: the header row and the empty state every list shares.

use leptos::prelude::*;

/// A column heading; `hidden` ones are read by screen readers only (action or badge columns).
#[derive(Clone, Copy)]
pub struct Column {
    pub label: &'static str,
    pub hidden: bool,
}

impl Column {
    pub const fn shown(label: &'static str) -> Self {
        Column { label, hidden: false }
    }

    pub const fn hidden(label: &'static str) -> Self {
        Column { label, hidden: true }
    }
}

/// `<table class="data">`, in a scroll box, with a header row of `columns` and `children` as the body rows.
#[component]
pub fn DataTable(columns: &'static [Column], children: Children) -> impl IntoView {
    let headings = columns
        .iter()
        .map(|c| {
            if c.hidden {
                view! { <th scope="col"><span class="visually-hidden">{c.label}</span></th> }.into_any()
            } else {
                view! { <th scope="col">{c.label}</th> }.into_any()
            }
        })
        .collect_view();
    view! {
        // A wide table scrolls inside its own box (first column pinned) instead of the page.
        <div class="table-scroll">
            <table class="data">
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// What a list shows when it has nothing yet: what belongs here and how to add it.
#[component]
pub fn EmptyState(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>{title}</h2>
            <p>{text}</p>
        </div>
    }
}
