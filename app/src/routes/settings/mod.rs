//! `/settings/*`: the business settings area, one tab per page.

pub mod branding;
pub mod connected_apps;
pub mod data;
pub mod general;
pub mod import;
pub mod invoicing;
pub mod system;
pub mod team;

use crate::components::layout::{session_info, use_shell_session};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn SettingsLayout() -> impl IntoView {
    let session = use_shell_session();
    view! {
        <section class="page">
            <h1>"Settings"</h1>
            <nav class="tabs" aria-label="Settings">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let info = session_info(session).await;
                        let can = |p| info.as_ref().is_some_and(|i| i.can(p));
                        let (general, team) = (can(Permission::SettingsView), can(Permission::TeamView));
                        let data = can(Permission::ClientsCreate) || can(Permission::DataExport) || can(Permission::ExpensesView);
                        view! {
                            {general.then(|| view! { <A href="/settings" exact=true>"General"</A> })}
                            {general.then(|| view! { <A href="/settings/branding">"Branding"</A> })}
                            {team.then(|| view! { <A href="/settings/team">"Team"</A> })}
                            {data.then(|| view! { <A href="/settings/data">"Data"</A> })}
                            <A href="/settings/connected-apps">"Connected apps"</A>
                            {general.then(|| view! { <A href="/settings/system">"System"</A> })}
                        }
                    })}
                </Suspense>
            </nav>
            <Outlet />
        </section>
    }
}
