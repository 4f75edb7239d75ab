//! `/settings/system`: the running version, the newest release, and the instance-wide switch for
//! update checks. The page shows the last answer; it never waits for the release feed.

use crate::components::form::{action_error, FormError, SavedNotice};
use crate::components::gate::Require;
use crate::components::loading::Load;
use crate::permissions::Permission;
use crate::updates::{get_update_status, CheckForUpdates, SetUpdateChecks, UpdateStatus};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SystemSettingsPage() -> impl IntoView {
    let check = ServerAction::<CheckForUpdates>::new();
    let switch = ServerAction::<SetUpdateChecks>::new();
    let status = Resource::new(move || (check.version().get(), switch.version().get()), |_| get_update_status());
    view! {
        <Title text="System" />
        <Require any_of=&[Permission::SettingsView]>
            <Load resource=status let:status>
                <SystemView status check switch />
            </Load>
        </Require>
    }
}

#[component]
fn SystemView(
    status: UpdateStatus,
    check: ServerAction<CheckForUpdates>,
    switch: ServerAction<SetUpdateChecks>,
) -> impl IntoView {
    let check_error = action_error(check);
    let switch_error = action_error(switch);
    let latest = match (&status.latest, status.update_available) {
        (Some(latest), true) => format!("{latest} — an update is available"),
        (Some(latest), false) => format!("{latest} — you are up to date"),
        (None, _) => "Not known yet".to_owned(),
    };
    let checked =
        status.checked_at.map_or_else(|| "Never".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string());
    let state = if !status.configured {
        "No release feed is configured (CLERQ_UPDATE_URL), so Clerq does not check."
    } else if status.enabled {
        "Clerq checks the release feed at most every 6 hours, when this page is opened."
    } else {
        "Update checks are off."
    };
    view! {
        <section class="card" aria-labelledby="version-heading">
            <h2 id="version-heading">"Version"</h2>
            {status.update_available.then(|| view! { <p class="notice" role="status">"A newer Clerq is released. See the README's upgrade steps."</p> })}
            <dl class="facts">
                <dt>"Running"</dt><dd>{status.running.clone()}</dd>
                <dt>"Newest release"</dt><dd>{latest}</dd>
                <dt>"Last checked"</dt><dd>{checked}</dd>
            </dl>
            {status.error.clone().map(|error| view! { <p class="notice warning">{format!("The last check failed: {error}")}</p> })}
            <p class="hint">{state}</p>
        </section>
        {status.can_manage.then(|| view! {
            <section class="card" aria-labelledby="updates-heading">
                <h2 id="updates-heading">"Update checks"</h2>
                <ActionForm action=switch>
                    <div class="check">
                        <input id="update-checks" type="checkbox" name="enabled" value="on" checked=status.enabled />
                        <label for="update-checks">"Check for new releases (for this whole instance)"</label>
                    </div>
                    <button type="submit">"Save"</button>
                    <SavedNotice action=switch />
                    <FormError error=switch_error />
                </ActionForm>
                {(status.configured && status.enabled).then(|| view! {
                    <ActionForm action=check>
                        <button type="submit">"Check now"</button>
                        <FormError error=check_error />
                    </ActionForm>
                })}
            </section>
        })}
    }
}
