//! A client's activity: the note box and the timeline, newest first.

use crate::clients::{client_timeline, AddClientNote, EventKind, TimelineEntry, NOTE_MAX_CHARS};
use crate::components::form::{action_error, field_error, FieldError, FormError, SubmitButton};
use crate::error::AppResult;
use crate::ids::{param, ClientId};
use leptos::prelude::*;

/// The timeline and its note action, created by the page (see [`super::rates::RatesData`]).
#[derive(Clone, Copy)]
pub struct TimelineData {
    add: ServerAction<AddClientNote>,
    timeline: Resource<AppResult<Vec<TimelineEntry>>>,
}

impl TimelineData {
    /// `changes` ticks when something else on the page wrote to the timeline.
    pub fn new(client_id: impl Fn() -> String + Send + Sync + 'static, changes: RwSignal<u64>) -> Self {
        let add = ServerAction::<AddClientNote>::new();
        let timeline = Resource::new(
            move || (client_id(), add.version().get(), changes.get()),
            |(id, ..)| async move { client_timeline(param(&id)?).await },
        );
        Self { add, timeline }
    }
}

#[component]
pub fn TimelineCard(client_id: ClientId, can_note: bool, data: TimelineData) -> impl IntoView {
    let TimelineData { add, timeline } = data;
    let error = action_error(add);
    let note = RwSignal::new(String::new());
    // Clear the box once the note is saved.
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(()))) {
            note.set(String::new());
        }
    });
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity"</h2>
            {can_note.then(|| view! {
                <ActionForm action=add>
                    <input type="hidden" name="client_id" value=client_id.to_string() />
                    <div class="field">
                        <label for="note-text">"Add a note"</label>
                        <textarea id="note-text" name="text" rows="3" maxlength=NOTE_MAX_CHARS
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        <FieldError id="note-text-error".to_owned() message=field_error(error, "text") />
                    </div>
                    <FormError error />
                    <SubmitButton label="Save note" busy_label="Saving…" pending=add.pending() />
                </ActionForm>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let entries = timeline.await.unwrap_or_default();
                    let items = entries
                        .into_iter()
                        .map(|entry| {
                            let when = entry.at.format("%-d %b %Y, %H:%M UTC").to_string();
                            let note = entry.kind == EventKind::Note;
                            view! {
                                <li class=if note { "entry note" } else { "entry event" }>
                                    <p class="entry-head">{entry.headline()}" · "<time datetime=entry.at.to_rfc3339()>{when}</time></p>
                                    {note.then(|| view! { <p class="pre">{entry.body.clone()}</p> })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ol class="timeline" aria-label="Activity, newest first">{items}</ol> }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
