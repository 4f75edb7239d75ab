//! The running timer in the top bar: `HH:MM:SS` rendered by the server, then ticking in the
//! browser (a one-second interval, no polling), with a Stop button; and the banner that catches a
//! forgotten timer.

use crate::components::form::{action_error, field_error, FieldError, FormError};
use crate::error::{AppError, AppResult};
use crate::time::{format_hms, get_running_timer, LogTime, RunningTimer, StartTimer, StopTimer, StopTimerAt};
use chrono::Utc;
use leptos::prelude::*;
use std::time::Duration;

/// Timer actions shared by every page, so the chip follows a start anywhere.
#[derive(Clone, Copy)]
pub struct TimerActions {
    pub start: ServerAction<StartTimer>,
    pub stop: ServerAction<StopTimer>,
    pub stop_at: ServerAction<StopTimerAt>,
    pub log: ServerAction<LogTime>,
    pub running: Resource<AppResult<Option<RunningTimer>>>,
    /// Which start button posted last, so its error shows beside it and nowhere else.
    pub started_from: RwSignal<Option<String>>,
}

impl TimerActions {
    pub fn new() -> Self {
        let start = ServerAction::<StartTimer>::new();
        let stop = ServerAction::<StopTimer>::new();
        let stop_at = ServerAction::<StopTimerAt>::new();
        let log = ServerAction::<LogTime>::new();
        let running = Resource::new(
            move || (start.version().get(), stop.version().get(), stop_at.version().get()),
            // Members who may not log time have no timer.
            |_| async move {
                match get_running_timer().await {
                    Err(AppError::Forbidden) => Ok(None),
                    other => other,
                }
            },
        );
        TimerActions { start, stop, stop_at, log, running, started_from: RwSignal::new(None) }
    }
}

impl Default for TimerActions {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_timer() -> Option<TimerActions> {
    use_context::<TimerActions>()
}

/// Every message an action's error carries: field errors included (the start form has one field,
/// hidden, so its errors belong to the button).
fn whole_message(error: &AppError) -> String {
    error.form_message().unwrap_or_else(|| error.to_string())
}

/// A "Start timer" button for one task, wherever it appears (a board card, the task dialog, a
/// timesheet row). `origin` names the place: a refusal (an archived client, a deleted task) shows
/// in an alert beside the button that was pressed.
#[component]
pub fn StartTimerButton(
    task: crate::ids::TaskId,
    #[prop(into)] origin: String,
    #[prop(into)] label: String,
    /// The visible text when `label` is too long for the place.
    #[prop(optional, into)]
    text: Option<String>,
    #[prop(default = "link")] class: &'static str,
) -> impl IntoView {
    let Some(timer) = use_timer() else { return ().into_any() };
    let here = origin.clone();
    let error = move || {
        (timer.started_from.get().as_deref() == Some(here.as_str()))
            .then(|| timer.start.value().get().and_then(Result::err))
            .flatten()
    };
    let shown = text.unwrap_or_else(|| label.clone());
    let aria_label = (shown != label).then(|| label.clone());
    view! {
        <ActionForm action=timer.start attr:class="inline start-timer" on:submit=move |_| timer.started_from.set(Some(origin.clone()))>
            <input type="hidden" name="task_id" value=task.to_string() />
            <button type="submit" class=class aria-label=aria_label>{shown}</button>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{whole_message(&e)}</p> })}
        </ActionForm>
    }
    .into_any()
}

#[component]
pub fn TimerChip(actions: TimerActions) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                actions.running.await.ok().flatten().map(|timer| view! { <Ticking timer stop=actions.stop /> })
            })}
        </Transition>
    }
}

#[component]
fn Ticking(timer: RunningTimer, stop: ServerAction<StopTimer>) -> impl IntoView {
    // The server's count, then seconds by this browser's clock since it was shown: the first
    // render is the server's text, and a wrong browser clock shifts nothing.
    let shown_at = Utc::now();
    let now = RwSignal::new(shown_at);
    // Runs only in the browser: the page ticks by itself instead of asking the server.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || now.set(Utc::now()), Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let elapsed = timer.elapsed_seconds;
    view! {
        <div class="timer-chip">
            <span class="dot" aria-hidden="true"></span>
            <span role="timer" aria-label=format!("Timer on {}", timer.task_title)>
                {move || format_hms(elapsed + (now.get() - shown_at).num_seconds().max(0))}
            </span>
            <a class="timer-task" href=format!("/projects/{}?task={}", timer.project_id, timer.task_id)>{timer.task_title.clone()}</a>
            <ActionForm action=stop>
                // "Stop" fits a phone's top bar; the accessible name says what it stops.
                <button type="submit" aria-label="Stop timer">"Stop"</button>
            </ActionForm>
            {move || stop.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert">{whole_message(&e)}</p> })}
        </div>
    }
}

/// Shown when the running timer has gone on longer than the business's threshold.
#[component]
pub fn ForgottenTimerBanner(actions: TimerActions) -> impl IntoView {
    let error = action_error(actions.stop_at);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let timer = actions.running.await.ok().flatten().filter(|t| t.forgotten)?;
                Some(view! {
                    <div class="banner-forgotten" role="region" aria-label="Forgotten timer">
                        <p>{format!("Timer on {} running since {}: when did you stop?", timer.task_title, timer.started_local)}</p>
                        <ActionForm action=actions.stop_at attr:class="inline-form">
                            <div class="field">
                                <label for="forgotten-stop">"Stopped at"</label>
                                <input id="forgotten-stop" type="datetime-local" name="ended_at" required
                                    min=timer.started_input.clone() max=timer.now_input.clone() value=timer.now_input.clone() />
                                <FieldError id="forgotten-stop-error".to_owned() message=field_error(error, "ended_at") />
                            </div>
                            <button type="submit">"Stop the timer then"</button>
                            <FormError error />
                        </ActionForm>
                    </div>
                })
            })}
        </Transition>
    }
}
