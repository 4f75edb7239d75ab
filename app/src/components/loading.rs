//! How every page loads its data: one `<Load>` around a resource shows "Loading…" meanwhile, the
//! page once the data is there, and otherwise the error page with the error's real HTTP status
//! (during SSR), so a foreign or unknown id answers 404 and a missing permission 403.

use crate::error::{AppError, AppResult};
use leptos::either::Either;
use leptos::prelude::*;

/// The `<Transition>`/`<Suspense>` fallback of every page, announced politely.
pub fn loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// Renders `children` with the resource's data once it has loaded (keeping the previous page on
/// screen while it reloads), or [`LoadFailed`] when it could not be loaded.
#[component]
pub fn Load<T, V, F>(resource: Resource<AppResult<T>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=loading>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => Either::Left(children(data)),
                        Err(error) => Either::Right(view! { <LoadFailed error /> }),
                    }
                })
            }}
        </Transition>
    }
}

/// Why a page's data could not be loaded. During SSR the response takes the error's status.
#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    // The cfg gate sets the real status during SSR; the browser side has no response to change.
    // A visitor is sent to sign in (a 401 with a Location is a page browsers do not follow).
    #[cfg(feature = "ssr")]
    if error == AppError::Unauthorized {
        leptos_axum::redirect("/sign-in");
    } else if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(error.status()))
    {
        response.set_status(status);
    }
    match error {
        AppError::NotFound => Either::Left(view! {
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address in this business. It may have been deleted, or the link may be mistyped."</p>
                <p><a href="/">"Go to your dashboard"</a></p>
            </div>
        }),
        other => Either::Right(view! { <p class="form-error" role="alert">{other.to_string()}</p> }),
    }
}
