//! The signed-in app shell: sidebar navigation, the top bar with the business switcher and the user
//! menu, and the page outlet. It also guards every page under it: visitors go to sign-in, users
//! without a business go to onboarding.

use crate::auth::{get_session, SessionInfo, SignOut};
use crate::business::{CreateBusiness, SwitchBusiness};
use crate::error::{AppError, AppResult};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

/// The session resource of the shell, for pages that need the user or the active business.
#[derive(Clone, Copy)]
pub struct ShellSession(pub Resource<AppResult<Option<SessionInfo>>>);

/// Actions that change what the shell shows; it refetches the session after each of them.
#[derive(Clone, Copy)]
pub struct ShellActions {
    pub switch_business: ServerAction<SwitchBusiness>,
    pub create_business: ServerAction<CreateBusiness>,
}

pub fn use_shell_session() -> Option<ShellSession> {
    use_context::<ShellSession>()
}

#[component]
pub fn AppShell() -> impl IntoView {
    let actions = ShellActions { switch_business: ServerAction::new(), create_business: ServerAction::new() };
    let session = Resource::new(
        move || (actions.switch_business.version().get(), actions.create_business.version().get()),
        |_| get_session(),
    );
    provide_context(ShellSession(session));
    provide_context(actions);

    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) if info.active_business.is_some() => EitherOf3::A(view! { <Frame info actions /> }),
                    Ok(Some(_)) => EitherOf3::B(view! { <Redirect path="/onboarding" /> }),
                    Ok(None) | Err(AppError::Unauthorized) => EitherOf3::B(view! { <Redirect path="/sign-in" /> }),
                    Err(error) => EitherOf3::C(view! { <ShellError error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Frame(info: SessionInfo, actions: ShellActions) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let active_id = info.active_business.as_ref().map(|b| b.id);
    let business_options = info
        .businesses
        .iter()
        .map(|b| view! { <option value=b.id.to_string() selected=Some(b.id) == active_id>{b.name.clone()}</option> })
        .collect_view();
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <aside class="sidebar">
                <A href="/" attr:class="brand">"Clerq"</A>
                <nav aria-label="Main">
                    <ul>
                        <li><A href="/" exact=true>"Dashboard"</A></li>
                    </ul>
                </nav>
            </aside>
            <header class="topbar">
                <div class="switcher">
                    <ActionForm action=actions.switch_business>
                        <label for="business-switch">"Business"</label>
                        <select id="business-switch" name="business_id">{business_options}</select>
                        <button type="submit">"Switch"</button>
                    </ActionForm>
                    <A href="/businesses/new">"Create business"</A>
                </div>
                <details class="user-menu">
                    <summary>{info.user.name.clone()}</summary>
                    <div class="menu">
                        <p class="menu-email">{info.user.email.clone()}</p>
                        <ActionForm action=sign_out>
                            <button type="submit">"Sign out"</button>
                        </ActionForm>
                    </div>
                </details>
            </header>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn ShellError(error: AppError) -> impl IntoView {
    view! {
        <main class="centered">
            <h1>"Clerq is having trouble"</h1>
            <p role="alert">{error.to_string()}</p>
            <p><a href="/">"Try again"</a></p>
        </main>
    }
}
