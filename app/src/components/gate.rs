//! Permission-aware rendering: show something only to members who may use it. The server enforces
//! every permission anyway; this keeps the UI honest about what works.

use crate::components::layout::use_shell_session;
use crate::permissions::Permission;
use leptos::prelude::*;

/// Renders `children` when the signed-in member holds `permission`.
#[component]
pub fn IfCan(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let session = use_shell_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let allowed = match session {
                    Some(s) => s.0.await.ok().flatten().is_some_and(|info| info.can(permission)),
                    None => false,
                };
                allowed.then(|| children.with_value(|c| c()))
            })}
        </Suspense>
    }
}
