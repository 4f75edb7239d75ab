//! A client's activity: the note box and the timeline, newest first.

use crate::clients::{AddClientNote, EventKind, TimelineEntry, NOTE_MAX_CHARS};
use crate::components::form::{action_error, field_error, FieldError, FormError, SubmitButton};
use crate::ids::ClientId;
use leptos::prelude::*;

/// The note action and the note being typed, created by the page: the page reloads when a note is
/// saved, and the typed text outlives that reload (and a failed save).
#[derive(Clone, Copy)]
pub struct TimelineData {
    add: ServerAction<AddClientNote>,
    note: RwSignal<String>,
}

impl TimelineData {
    pub fn for_page() -> Self {
        let add = ServerAction::<AddClientNote>::new();
        let note = RwSignal::new(String::new());
        // Clear the box once the note is saved.
        Effect::new(move |_| {
            if matches!(add.value().get(), Some(Ok(()))) {
                note.set(String::new());
            }
        });
        Self { add, note }
    }

    /// Changes whenever a note save completes.
    pub fn version(&self) -> usize {
        self.add.version().get()
    }
}

#[component]
pub fn TimelineCard(
    client_id: ClientId,
    can_note: bool,
    entries: Vec<TimelineEntry>,
    data: TimelineData,
) -> impl IntoView {
    let TimelineData { add, note } = data;
    let error = action_error(add);
    let items = entries
        .into_iter()
        .map(|entry| {
            let note = entry.kind == EventKind::Note;
            view! {
                <li class=if note { "entry note" } else { "entry event" }>
                    <p class="entry-head">{entry.headline()}" · "<time datetime=entry.at.to_rfc3339()>{entry.when.clone()}</time></p>
                    {note.then(|| view! { <p class="pre">{entry.body.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity"</h2>
            {can_note.then(|| view! {
                <ActionForm action=add>
                    <input type="hidden" name="client_id" value=client_id.to_string() />
                    <div class="field">
                        <label for="note-text">"Add a note"</label>
                        <textarea id="note-text" name="text" rows="3" maxlength=NOTE_MAX_CHARS
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))>
                            {note.get_untracked()}
                        </textarea>
                        <FieldError id="note-text-error".to_owned() message=field_error(error, "text") />
                    </div>
                    <FormError error />
                    <SubmitButton label="Save note" busy_label="Saving…" pending=add.pending() />
                </ActionForm>
            })}
            <ol class="timeline" aria-label="Activity, newest first">{items}</ol>
        </section>
    }
    .into_any()
}
