//! `/`: the dashboard of the active business.

use crate::components::layout::{session_info, use_shell_session};
use crate::components::loading::LoadFailed;
use crate::error::AppError;
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_shell_session();
    view! {
        <Title text="Dashboard" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let info = session_info(session).await;
                if info.as_ref().is_some_and(|i| i.active_business.is_some() && !i.can(Permission::DashboardView)) {
                    return view! { <LoadFailed error=AppError::Forbidden /> }.into_any();
                }
                let name = info.and_then(|i| i.active_business).map(|b| b.name).unwrap_or_default();
                view! {
                    <section class="page">
                        <p class="eyebrow">"Dashboard"</p>
                        <h1>{name}</h1>
                        <div class="empty-state">
                            <h2>"Nothing to report yet"</h2>
                            <p>
                                "This is where your week comes together: hours tracked, work not yet billed, "
                                "invoices waiting to be paid and what happened recently. It fills up as soon as "
                                "you start working in Clerq."
                            </p>
                        </div>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}
