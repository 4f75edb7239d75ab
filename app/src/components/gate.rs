//! Permission-aware rendering: show something only to members who may use it. The server enforces
//! every permission anyway; this keeps the UI honest about what works.

use crate::components::layout::{session_info, use_shell_session};
use crate::components::loading::LoadFailed;
use crate::error::AppError;
use crate::permissions::Permission;
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// Renders `children` when the signed-in member holds `permission`.
#[component]
pub fn IfCan(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let session = use_shell_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let allowed = session_info(session).await.is_some_and(|info| info.can(permission));
                allowed.then(|| children.with_value(|c| c()))
            })}
        </Suspense>
    }
}

/// A page for members holding any of `any_of`: everyone else gets the 403 page (and status), as a
/// page whose data the server refuses would. Visitors render nothing here: the shell sends them
/// to sign in.
#[component]
pub fn Require(any_of: &'static [Permission], children: ChildrenFn) -> impl IntoView {
    let session = use_shell_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session_info(session).await {
                    Some(info) if any_of.iter().any(|p| info.can(*p)) => EitherOf3::A(children.with_value(|c| c())),
                    Some(_) => EitherOf3::B(view! { <LoadFailed error=AppError::Forbidden /> }),
                    None => EitherOf3::C(()),
                }
            })}
        </Suspense>
    }
}
