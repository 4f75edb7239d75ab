//! The shell's navigation as a `<details>` disclosure: on a phone its summary is the menu button
//! and its content a drawer over the page; on wider screens the stylesheet hides the summary and
//! shows the content as the sidebar. Without JavaScript it opens and closes like any disclosure;
//! with it, the open drawer keeps Tab inside itself, Escape closes it and returns focus to the menu
//! button, and following a link closes it.

use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::html::Details;
use leptos::prelude::*;

#[component]
pub fn NavDrawer(children: Children) -> impl IntoView {
    let drawer = NodeRef::<Details>::new();
    // A client-side navigation keeps the document, so a followed link closes the drawer itself.
    let on_click = move |event: MouseEvent| {
        if let Some(details) = drawer.get_untracked() {
            if focus::is_link(&event) {
                details.set_open(false);
            }
        }
    };
    let on_keydown = move |event: KeyboardEvent| {
        let Some(details) = drawer.get_untracked() else { return };
        if !details.open() || !focus::is_overlay(&details) {
            return;
        }
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                details.set_open(false);
                focus::summary(&details);
            }
            "Tab" => focus::keep_inside(&details, &event),
            _ => {}
        }
    };
    view! {
        <details class="nav-drawer" node_ref=drawer on:keydown=on_keydown>
            <summary class="menu-button">"Menu"</summary>
            <div class="drawer" on:click=on_click>{children()}</div>
        </details>
    }
}

/// Runs only in the browser, from event handlers.
mod focus {
    use leptos::ev::KeyboardEvent;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlDetailsElement, HtmlElement};

    const FOCUSABLE: &str =
        "summary, a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

    /// Whether a click was on a link (or inside one).
    pub fn is_link(event: &web_sys::MouseEvent) -> bool {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .is_some()
    }

    const IN_CLOSED_DISCLOSURE: &str = "details:not([open]) > :not(summary), details:not([open]) > :not(summary) *";

    /// The menu button is shown only where the content is a drawer over the page.
    pub fn is_overlay(details: &HtmlDetailsElement) -> bool {
        first_summary(details).is_some_and(|summary| summary.offset_width() > 0)
    }

    fn first_summary(details: &HtmlDetailsElement) -> Option<HtmlElement> {
        details.query_selector(":scope > summary").ok().flatten().and_then(|e| e.dyn_into().ok())
    }

    pub fn summary(details: &HtmlDetailsElement) {
        if let Some(summary) = first_summary(details) {
            let _ = summary.focus();
        }
    }

    /// Tab from the last visible control goes to the menu button, Shift+Tab from the menu button to
    /// the last control: focus never leaves for the page underneath.
    pub fn keep_inside(details: &HtmlDetailsElement, event: &KeyboardEvent) {
        let Ok(nodes) = details.query_selector_all(FOCUSABLE) else { return };
        // Skipped: what is not displayed, and what a closed inner disclosure (the user menu) holds
        // (Chromium still gives those a box).
        let visible: Vec<HtmlElement> = (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
            .filter(|element| element.offset_width() > 0 || element.offset_height() > 0)
            .filter(|element| !element.matches(IN_CLOSED_DISCLOSURE).unwrap_or(false))
            .collect();
        let (Some(first), Some(last)) = (visible.first(), visible.last()) else { return };
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        let is =
            |element: &HtmlElement| active.as_ref().is_some_and(|a| a == element.unchecked_ref::<web_sys::Element>());
        let wrap_to = if event.shift_key() && is(first) {
            Some(last)
        } else if !event.shift_key() && is(last) {
            Some(first)
        } else {
            None
        };
        if let Some(target) = wrap_to {
            event.prevent_default();
            let _ = target.focus();
        }
    }
}
