//! One module per page, named after its URL.

pub mod clients;
pub mod dashboard;
pub mod expenses;
pub mod invite;
pub mod invoices;
pub mod new_business;
pub mod not_found;
pub mod oauth_consent;
pub mod onboarding;
pub mod projects;
pub mod recurring;
pub mod reports;
pub mod settings;
pub mod sign_in;
pub mod sign_up;
pub mod system_admin;
pub mod time;
pub mod trends;

use crate::auth::get_session;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Renders `children` for visitors only; a signed-in user is sent on to the app (or the invitation
/// they were following).
#[component]
pub fn VisitorsOnly(#[prop(into)] signed_in_target: Signal<String>, children: ChildrenFn) -> impl IntoView {
    let session = Resource::new(|| (), |_| get_session());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(_)) => Either::Left(view! { <Redirect path=signed_in_target.get_untracked() /> }),
                    _ => Either::Right(children.with_value(|children| children())),
                }
            })}
        </Suspense>
    }
}
