//! `/settings`: the business's name, address and base currency.

use crate::components::form::{
    action_error, field_error, FormError, SavedNotice, SelectField, SubmitButton, TextField,
};
use crate::components::layout::{session_info, use_shell_session, ShellActions};
use crate::components::loading::{loading, LoadFailed};
use crate::currency::CURRENCIES;
use crate::error::AppError;
use crate::permissions::Permission;
use crate::settings::{get_business_settings, UpdateBusinessSettings, ADDRESS_MAX_CHARS};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn GeneralSettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateBusinessSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_business_settings());
    // The top bar shows the business name: refresh it after a save.
    if let Some(shell) = use_context::<ShellActions>() {
        Effect::new(move |_| {
            if matches!(save.value().get(), Some(Ok(()))) {
                shell.refresh.update(|n| *n += 1);
            }
        });
    }
    let error = action_error(save);
    let session = use_shell_session();
    view! {
        <Title text="General settings" />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let can_see_team = session_info(session).await.is_some_and(|info| info.can(Permission::TeamView));
                match settings.await {
                    Ok(current) => {
                        let currencies = CURRENCIES
                            .iter()
                            .map(|c| (c.code.to_owned(), format!("{} · {}", c.code, c.name)))
                            .collect::<Vec<_>>();
                        let disabled = !current.can_edit;
                        EitherOf3::A(view! {
                            <div class="card narrow">
                                <h2>"Business details"</h2>
                                {disabled.then(|| view! { <p class="hint">"You can see these settings but not change them."</p> })}
                                <ActionForm action=save>
                                    <fieldset disabled=disabled>
                                        <TextField
                                            id="settings-name"
                                            name="name"
                                            label="Business name"
                                            required=true
                                            maxlength=100
                                            value=current.name.clone()
                                            error=field_error(error, "name")
                                        />
                                        <div class="field">
                                            <label for="settings-address">"Address"</label>
                                            <p class="hint" id="settings-address-hint">"Printed on invoices, one line per line."</p>
                                            <textarea
                                                id="settings-address"
                                                name="address"
                                                rows="4"
                                                maxlength=ADDRESS_MAX_CHARS
                                                aria-describedby="settings-address-hint"
                                            >
                                                {current.address.clone()}
                                            </textarea>
                                            <crate::components::form::FieldError
                                                id="settings-address-error".to_owned()
                                                message=field_error(error, "address")
                                            />
                                        </div>
                                        <SelectField
                                            id="settings-currency".to_owned()
                                            name="currency"
                                            label="Base currency".to_owned()
                                            options=currencies
                                            selected=current.currency.clone()
                                            error=field_error(error, "currency")
                                        />
                                        <h3>"Time tracking"</h3>
                                        <div class="two-columns">
                                            <TextField
                                                id="settings-hours"
                                                name="hours_per_day"
                                                label="Hours per day"
                                                kind="number"
                                                hint="Turns day rates into hourly ones."
                                                value=current.hours_per_day.to_string()
                                                error=field_error(error, "hours_per_day")
                                            />
                                            <TextField
                                                id="settings-forgotten"
                                                name="forgotten_timer_hours"
                                                label="Forgotten timer after (hours)"
                                                kind="number"
                                                hint="A timer running longer asks when you stopped."
                                                value=current.forgotten_timer_hours.to_string()
                                                error=field_error(error, "forgotten_timer_hours")
                                            />
                                        </div>
                                        <SelectField
                                            id="settings-timezone".to_owned()
                                            name="timezone"
                                            label="Time zone".to_owned()
                                            hint="Days and weeks on the timesheet follow it."
                                            options=current.timezones.iter().map(|z| (z.clone(), z.clone())).collect()
                                            selected=current.timezone.clone()
                                            error=field_error(error, "timezone")
                                        />
                                        <FormError error />
                                        <SubmitButton label="Save changes" busy_label="Saving…" pending=save.pending() />
                                        <SavedNotice action=save />
                                    </fieldset>
                                </ActionForm>
                            </div>
                        })
                    }
                    // Members who may see the team but not the settings land on the team tab.
                    Err(AppError::Forbidden) if can_see_team => EitherOf3::B(view! { <Redirect path="/settings/team" /> }),
                    Err(error) => EitherOf3::C(view! { <LoadFailed error /> }),
                }
            })}
        </Transition>
        <super::invoicing::InvoiceSettingsCard />
    }
}
