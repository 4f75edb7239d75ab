//! The wasm entry point: hydrate the server-rendered page, then mark it as live.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else { return };
    // The pages are lazy routes, so hydrating waits for the current page's wasm file first.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, app::app::App).await.forget();
        // A zero-delay timeout runs after the microtasks that finish hydrating suspended sections,
        // so `data-hydrated` means "clicks now reach Rust", which is what end-to-end tests wait for.
        leptos::prelude::set_timeout(
            || {
                if let Some(body) = leptos::prelude::document().body() {
                    let _ = body.set_attribute("data-hydrated", "true");
                }
            },
            std::time::Duration::ZERO,
        );
    });
}
