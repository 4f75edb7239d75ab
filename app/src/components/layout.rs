//! The signed-in app shell: sidebar navigation, the top bar with the business switcher and the user
//! menu, and the page outlet. It also guards every page under it: visitors go to sign-in, users
//! without a business go to onboarding.
//!
//! The frame and the outlet render once; only the parts that show session data (navigation,
//! switcher, user menu) re-render when the session is refetched, so a page keeps its state when,
//! say, the business is renamed.

use crate::auth::{get_session, SessionInfo, SignOut, SignOutEverywhere};
use crate::business::{CreateBusiness, SwitchBusiness};
use crate::components::nav_drawer::NavDrawer;
use crate::components::timer::{ForgottenTimerBanner, TimerActions, TimerChip};
use crate::error::{AppError, AppResult};
use crate::permissions::Permission;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

/// The session resource of the shell, for pages that need the user or the active business.
#[derive(Clone, Copy)]
pub struct ShellSession(pub Resource<AppResult<Option<SessionInfo>>>);

/// The signed-in member's session once the shell has read it: `None` for a visitor, or outside the
/// shell.
pub async fn session_info(session: Option<ShellSession>) -> Option<SessionInfo> {
    match session {
        Some(session) => session.0.await.ok().flatten(),
        None => None,
    }
}

/// Things that change what the shell shows; the session is refetched after each.
#[derive(Clone, Copy)]
pub struct ShellActions {
    pub switch_business: ServerAction<SwitchBusiness>,
    pub create_business: ServerAction<CreateBusiness>,
    /// Bumped by pages whose changes the shell displays (business name, permissions).
    pub refresh: RwSignal<u64>,
}

pub fn use_shell_session() -> Option<ShellSession> {
    use_context::<ShellSession>()
}

#[component]
pub fn AppShell() -> impl IntoView {
    let actions = ShellActions {
        switch_business: ServerAction::new(),
        create_business: ServerAction::new(),
        refresh: RwSignal::new(0),
    };
    let session = Resource::new(
        move || {
            (actions.switch_business.version().get(), actions.create_business.version().get(), actions.refresh.get())
        },
        |_| get_session(),
    );
    provide_context(ShellSession(session));
    provide_context(actions);
    let timer = TimerActions::new();
    provide_context(timer);
    let sign_out = ServerAction::<SignOut>::new();

    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) if info.active_business.is_some() => EitherOf3::A(()),
                    Ok(Some(_)) => EitherOf3::B(view! { <Redirect path="/onboarding" /> }),
                    Ok(None) | Err(AppError::Unauthorized) => EitherOf3::B(view! { <Redirect path="/sign-in" /> }),
                    Err(error) => EitherOf3::C(view! { <p class="form-error banner" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Suspense>
        <div class="app">
            <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to content"</a>
            // On a phone the top bar is the whole frame: the business, the running timer with Stop,
            // and the menu button; the sidebar folds into the menu's drawer. Both stay in view.
            <header class="topbar">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        session.await.ok().flatten().and_then(|info| info.active_business).map(|business| view! {
                            <p class="current-business">{business.name}</p>
                        })
                    })}
                </Transition>
                <div class="timer-slot">
                    <TimerChip actions=timer />
                </div>
            </header>
            // Every suspense boundary of the shell is created while the shell renders, never inside
            // another boundary's async block: the server numbers boundaries and resources in the
            // order it creates them, and a boundary created late (after some query returned) would
            // shift the numbers the browser expects, so hydration would fail now and then.
            <aside class="sidebar">
                <NavDrawer>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            session.await.ok().flatten().and_then(|info| {
                                let alt = info.active_business.as_ref().map(|b| format!("{} logo", b.name)).unwrap_or_default();
                                info.logo_url.map(|url| view! { <img class="brand-logo" src=url alt=alt /> })
                            })
                        })}
                    </Transition>
                    <A href="/" attr:class="brand">"Clerq"</A>
                    <div class="switcher-slot">
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                session.await.ok().flatten().map(|info| view! { <BusinessSwitcher info actions /> })
                            })}
                        </Transition>
                    </div>
                    <nav aria-label="Main">
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                session.await.ok().flatten().map(|info| view! { <MainNav info /> })
                            })}
                        </Transition>
                    </nav>
                    <div class="user-slot">
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                session.await.ok().flatten().map(|info| view! { <UserMenu info sign_out /> })
                            })}
                        </Transition>
                    </div>
                </NavDrawer>
            </aside>
            <main id="main" class="content" tabindex="-1">
                <div class="banner-slot">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            session.await.ok().flatten().and_then(|info| info.suspended).map(|reason| view! {
                                <p class="notice warning" role="alert">
                                    <strong>"This business is suspended and read-only. "</strong>
                                    {format!("Reason: {reason} Ask the administrator of this Clerq instance to lift it.")}
                                </p>
                            })
                        })}
                    </Transition>
                    <ForgottenTimerBanner actions=timer />
                </div>
                <Outlet />
            </main>
        </div>
    }
}

/// The router takes over same-page links and only scrolls, so the skip link moves focus itself
/// (without JavaScript the browser does it).
fn skip_to_main(event: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    if let Some(main) = document().get_element_by_id("main").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        event.prevent_default();
        let _ = main.focus();
    }
}

/// Only what the member may use is listed; the server refuses the rest anyway.
#[component]
fn MainNav(info: SessionInfo) -> impl IntoView {
    let dashboard = info.can(Permission::DashboardView);
    let clients = info.can(Permission::ClientsView);
    let projects = info.can(Permission::ProjectsView);
    let timesheet = info.can(Permission::TimeViewOwn);
    let invoices = info.can(Permission::InvoicesView);
    let expenses = info.can(Permission::ExpensesView);
    let reports = info.can(Permission::ReportsViewProfit);
    let settings_href = if info.can(Permission::SettingsView) {
        Some("/settings")
    } else if info.can(Permission::TeamView) {
        Some("/settings/team")
    } else if info.can(Permission::ClientsCreate) {
        Some("/settings/data")
    } else {
        None
    };
    view! {
        <ul>
            {dashboard.then(|| view! { <li><A href="/" exact=true>"Dashboard"</A></li> })}
            {clients.then(|| view! { <li><A href="/clients">"Clients"</A></li> })}
            {projects.then(|| view! { <li><A href="/projects">"Projects"</A></li> })}
            {timesheet.then(|| view! { <li><A href="/time">"Timesheet"</A></li> })}
            {invoices.then(|| view! { <li><A href="/invoices">"Invoices"</A></li> })}
            {expenses.then(|| view! { <li><A href="/expenses">"Expenses"</A></li> })}
            {reports.then(|| view! { <li><A href="/reports">"Reports"</A></li> })}
            {settings_href.map(|href| view! { <li><A href=href>"Settings"</A></li> })}
        </ul>
    }
}

#[component]
fn BusinessSwitcher(info: SessionInfo, actions: ShellActions) -> impl IntoView {
    let active_id = info.active_business.as_ref().map(|b| b.id);
    let business_options = info
        .businesses
        .iter()
        .map(|b| view! { <option value=b.id.to_string() selected=Some(b.id) == active_id>{b.name.clone()}</option> })
        .collect_view();
    view! {
        <div class="switcher">
            <ActionForm action=actions.switch_business>
                <label for="business-switch">"Business"</label>
                <select id="business-switch" name="business_id">{business_options}</select>
                <button type="submit">"Switch"</button>
            </ActionForm>
            <A href="/businesses/new">"Create business"</A>
        </div>
    }
}

#[component]
fn UserMenu(info: SessionInfo, sign_out: ServerAction<SignOut>) -> impl IntoView {
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <details class="user-menu">
            <summary>{info.user.name.clone()}</summary>
            <div class="menu">
                <p class="menu-email">{info.user.email.clone()}</p>
                {info.platform_admin.then(|| view! { <A href="/system-admin">"System admin"</A> })}
                <ActionForm action=sign_out>
                    <button type="submit">"Sign out"</button>
                </ActionForm>
                <ActionForm action=everywhere>
                    <button type="submit">"Sign out everywhere"</button>
                </ActionForm>
            </div>
        </details>
    }
}
