//! Time entries as a list, each with its facts (when, how long, billable, the rate frozen on it and
//! the amount it bills), its note (editable until billed) and a delete button: the timesheet's
//! week and the task dialog show the same list.

use crate::billing::line_from_time;
use crate::components::form::{action_error, field_error, FieldError, FormError};
use crate::error::AppError;
use crate::money::Money;
use crate::time::{format_hm, DeleteTimeEntry, TimeEntryView, UpdateTimeNote};
use leptos::prelude::*;

/// What the entry bills at its frozen hourly rate, rounded half-up as an invoice line would be.
fn amount(entry: &TimeEntryView) -> Option<Money> {
    let rate = entry.rate?;
    line_from_time(entry.duration_seconds, rate.minor).ok().map(|minor| Money::new(minor, rate.currency))
}

/// "Mon 24 Nov 09:00 · 1:30 · billable · 80.00 EUR/h (client) · 120.00 EUR"
fn facts(entry: &TimeEntryView) -> String {
    let rate = entry
        .rate
        .map(|r| format!("{r}/h ({})", entry.rate_source.map(|s| s.label()).unwrap_or("")))
        .unwrap_or_else(|| "unpriced".to_owned());
    [
        Some(entry.started_local.clone()),
        Some(format_hm(entry.duration_seconds)),
        Some(if entry.billable { "billable".to_owned() } else { "not billable".to_owned() }),
        Some(rate),
        amount(entry).map(|m| m.to_string()),
        entry.billed.then(|| "billed".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

#[component]
pub fn TimeEntries(
    entries: Vec<TimeEntryView>,
    can_edit: bool,
    can_delete: bool,
    update_note: ServerAction<UpdateTimeNote>,
    delete: ServerAction<DeleteTimeEntry>,
    /// Name each entry's task, client and project (the timesheet mixes tasks; a task's dialog does not).
    #[prop(optional)]
    show_task: bool,
) -> impl IntoView {
    let note_error = action_error(update_note);
    let delete_error = action_error(delete);
    let items = entries
        .into_iter()
        .map(|e| {
            let id = e.id.to_string();
            let editable = can_edit && !e.billed;
            let note_id = format!("note-{id}");
            let delete_id = id.clone();
            // Labels name the entry by task and start, so two entries' fields never share a name.
            let which = format!("{}, {}", e.task_title, e.started_local);
            let facts = facts(&e);
            let delete_label = format!("Delete entry {which}");
            let heading = show_task.then(|| {
                view! {
                    <p>
                        <a href=format!("/projects/{}?task={}", e.project_id, e.task_id)><strong>{e.task_title.clone()}</strong></a>
                        " · "{format!("{} · {}", e.client_name, e.project_name)}
                    </p>
                }
            });
            let note_text = e.note.clone();
            let note = if editable {
                view! {
                    <ActionForm action=update_note attr:class="inline-form">
                        <input type="hidden" name="id" value=id.clone() />
                        <div class="field">
                            <label for=note_id.clone()>{format!("Note for {which}")}</label>
                            <input id=note_id name="note" maxlength="1000" value=note_text />
                        </div>
                        <button type="submit">"Save note"</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                (!note_text.is_empty()).then(|| view! { <p class="pre">{note_text}</p> }).into_any()
            };
            view! {
                <li class="time-entry">
                    {heading}
                    <p class="hint">{facts}</p>
                    {note}
                    {(can_delete && !e.billed).then(|| view! {
                        <ActionForm action=delete attr:class="inline">
                            <input type="hidden" name="id" value=delete_id />
                            <button type="submit" class="link danger" aria-label=delete_label>"Delete entry"</button>
                        </ActionForm>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <FormError error=note_error />
        <FormError error=delete_error />
        <ul class="entries">{items}</ul>
    }
}

/// The "Billable" box (ticked) and the note of a new entry's form, posted as `entry[billable]` and
/// `entry[note]`; `id` prefixes the fields' ids. The hidden `billable_field` tells an unticked box
/// from a form without one.
#[component]
pub fn BillableAndNote(id: &'static str, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="check">
            <input type="hidden" name="entry[billable_field]" value="1" />
            <input id=format!("{id}-billable") type="checkbox" name="entry[billable]" value="on" checked />
            <label for=format!("{id}-billable")>"Billable"</label>
        </div>
        <div class="field">
            <label for=format!("{id}-note")>"Note"</label>
            <textarea id=format!("{id}-note") name="entry[note]" rows="2" maxlength="1000"></textarea>
            <FieldError id=format!("{id}-note-error") message=field_error(error, "note") />
        </div>
    }
}
