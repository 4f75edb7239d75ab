//! The task dialog (`?task=<id>`): edit the task, start a timer, log time on it, and its entries
//! with their frozen rates and amounts. A real modal once the page is live: focus moves in, Tab
//! stays inside, Escape closes it, and focus returns to the task's card; without JavaScript it is a
//! page section reached by a link and closed by one.

use super::detail::TaskActions;
use crate::components::form::{action_error, field_error, FormError, SelectField, SubmitButton, TextField};
use crate::components::time_entries::{BillableAndNote, TimeEntries};
use crate::components::timer::{use_timer, StartTimerButton};
use crate::error::AppResult;
use crate::ids::{param, TaskId};
use crate::projects::ProjectPage;
use crate::tasks::{Task, TaskStatus};
use crate::time::{format_hm, list_task_time, DeleteTimeEntry, TimeEntryView, UpdateTimeNote};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The id of a task's card link, where focus returns when its dialog closes.
pub fn card_link_id(task: TaskId) -> String {
    format!("task-link-{task}")
}

/// The open task's time entries and the actions on them. The page creates them with itself, not
/// inside the dialog: a resource created inside loaded content is numbered differently by the
/// server and the browser, and a dialog opened by a link (`?task=`) would then fail to hydrate.
#[derive(Clone, Copy)]
pub struct TaskTimeData {
    update_note: ServerAction<UpdateTimeNote>,
    delete: ServerAction<DeleteTimeEntry>,
    entries: Resource<AppResult<Option<Vec<TimeEntryView>>>>,
}

impl TaskTimeData {
    pub fn for_page() -> Self {
        let query = use_query_map();
        let timer = use_timer();
        let update_note = ServerAction::<UpdateTimeNote>::new();
        let delete = ServerAction::<DeleteTimeEntry>::new();
        let entries = Resource::new(
            move || {
                (
                    query.read().get("task"),
                    timer.map(|t| (t.stop.version().get(), t.log.version().get())),
                    update_note.version().get(),
                    delete.version().get(),
                )
            },
            |(task, ..)| async move {
                match task {
                    Some(id) => list_task_time(param(&id)?).await.map(Some),
                    None => Ok(None),
                }
            },
        );
        Self { update_note, delete, entries }
    }
}

/// What the viewer may do in the dialog, from the project page.
#[derive(Clone, Copy)]
pub struct DialogRights {
    pub edit_task: bool,
    pub delete_task: bool,
    pub log_time: bool,
    pub edit_time: bool,
    pub delete_time: bool,
}

impl DialogRights {
    pub fn of(page: &ProjectPage) -> Self {
        DialogRights {
            edit_task: page.can_edit_tasks,
            delete_task: page.can_delete_tasks,
            log_time: page.can_log_time,
            edit_time: page.can_edit_time,
            delete_time: page.can_delete_time,
        }
    }
}

/// Keeps Tab and Shift+Tab among the dialog's own controls.
#[cfg(feature = "hydrate")]
fn trap_tab(dialog: &web_sys::HtmlElement, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Ok(list) =
        dialog.query_selector_all("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea")
    else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> =
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

#[component]
pub fn TaskDialog(
    task: Task,
    rights: DialogRights,
    actions: TaskActions,
    list_view: bool,
    today: chrono::NaiveDate,
    time: TaskTimeData,
) -> impl IntoView {
    let update_error = action_error(actions.update);
    let delete_error = action_error(actions.delete);
    let close = if list_view { "?view=list" } else { "?view=board" };
    let id = task.id.to_string();
    let (delete_id, origin) = (id.clone(), format!("dialog-{id}"));
    let task_id = task.id;
    let statuses: Vec<(String, String)> =
        TaskStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
    let dialog = NodeRef::<leptos::html::Div>::new();
    let navigate = use_navigate();

    // Focus moves into the dialog when it opens, and back to the task's card when it closes. The
    // dialog is rebuilt in place when its data reloads: focus already inside stays where it is.
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            let active = document().active_element();
            if active.is_some_and(|a| dialog.contains(Some(&a))) {
                return;
            }
            if let Ok(Some(first)) = dialog.query_selector("input:not([type=hidden]), select, textarea, button") {
                use wasm_bindgen::JsCast;
                if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                    let _ = first.focus();
                }
            }
        }
    });
    #[cfg(feature = "hydrate")]
    on_cleanup(move || {
        request_animation_frame(move || {
            // Still open (this instance was replaced by a reload of its data): focus stays inside.
            if document().query_selector("[role=dialog]").ok().flatten().is_some() {
                return;
            }
            let card = document().get_element_by_id(&card_link_id(task_id));
            if let Some(card) = card.and_then(|c| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(c).ok()) {
                let _ = card.focus();
            }
        })
    });
    // Saving closes the dialog (a save before it opened does not).
    let opened_at = actions.update.version().get_untracked();
    let after_save = navigate.clone();
    Effect::new(move |_| {
        if actions.update.version().get() > opened_at && matches!(actions.update.value().get(), Some(Ok(()))) {
            after_save(close, Default::default());
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            navigate(close, Default::default());
        }
        #[cfg(feature = "hydrate")]
        if ev.key() == "Tab" {
            if let Some(dialog) = dialog.get() {
                trap_tab(&dialog, &ev);
            }
        }
    };
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="task-dialog-title" node_ref=dialog on:keydown=on_keydown>
                <div class="section-head">
                    <h2 id="task-dialog-title">"Task"</h2>
                    <a href=close>"Close"</a>
                </div>
                <ActionForm action=actions.update>
                    <fieldset disabled=!rights.edit_task>
                        <input type="hidden" name="id" value=id.clone() />
                        <TextField id="task-title" name="title" label="Title" required=true maxlength=300 value=task.title.clone()
                            error=field_error(update_error, "title") />
                        <SelectField id="task-status" name="status" label="Status" options=statuses selected=task.status.as_str().to_owned()
                            error=field_error(update_error, "status") />
                        <TextField id="task-estimate" name="estimate_minutes" label="Estimate (minutes)" kind="number"
                            value=task.estimate_minutes.map(|m| m.to_string()).unwrap_or_default()
                            hint="Whole minutes, up to 60 000." error=field_error(update_error, "estimate_minutes") />
                        <FormError error=update_error />
                        {rights.edit_task.then(|| view! { <SubmitButton label="Save task" busy_label="Saving…" pending=actions.update.pending() /> })}
                    </fieldset>
                </ActionForm>
                {rights.log_time.then(|| view! {
                    <StartTimerButton task=task_id origin=origin.clone() label="Start timer" class="primary" />
                })}
                <TaskTime task_id rights today time />
                {rights.delete_task.then(|| view! {
                    <ActionForm action=actions.delete>
                        <input type="hidden" name="id" value=delete_id.clone() />
                        <button type="submit" class="danger">"Delete task"</button>
                        <FormError error=delete_error />
                    </ActionForm>
                })}
            </div>
        </div>
    }
    .into_any()
}

/// The task's time: the total, a form to log more, and the entries (the viewer's own, or
/// everyone's with `time.viewAll`).
#[component]
fn TaskTime(task_id: TaskId, rights: DialogRights, today: chrono::NaiveDate, time: TaskTimeData) -> impl IntoView {
    let timer = use_timer();
    let TaskTimeData { update_note, delete, entries } = time;
    let log_form = timer.filter(|_| rights.log_time).map(|timer| {
        let error = action_error(timer.log);
        let fe = move |key: &'static str| field_error(error, key);
        // Empty the form once its time is logged; the list below shows the new entry.
        let form = NodeRef::<leptos::html::Form>::new();
        let opened_at = timer.log.version().get_untracked();
        Effect::new(move |_| {
            if timer.log.version().get() > opened_at && matches!(timer.log.value().get(), Some(Ok(_))) {
                if let Some(form) = form.get() {
                    form.reset();
                }
            }
        });
        view! {
            <details class="log-time">
                <summary>"Log time on this task"</summary>
                <ActionForm action=timer.log node_ref=form>
                    <input type="hidden" name="entry[task_id]" value=task_id.to_string() />
                    <div class="two-columns">
                        <TextField id="task-entry-duration" name="entry[duration]" label="Duration" required=true
                            hint="Like 1:30, 1h 30m, 90m or 1.5h." error=fe("duration") />
                        <TextField id="task-entry-date" name="entry[date]" label="Date" kind="date" required=true
                            value=today.to_string() error=fe("date") />
                    </div>
                    <BillableAndNote id="task-entry" error />
                    <FormError error />
                    <SubmitButton label="Log time" busy_label="Logging…" pending=timer.log.pending() />
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="task-time" aria-labelledby="task-time-heading">
            <h3 id="task-time-heading">"Time"</h3>
            {log_form}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    entries.await.ok().flatten().map(|list| {
                        let total: i64 = list.iter().map(|e| e.duration_seconds).sum();
                        view! {
                            <p class="hint">{format!("Tracked: {} in {} {}", format_hm(total), list.len(), if list.len() == 1 { "entry" } else { "entries" })}</p>
                            <TimeEntries entries=list can_edit=rights.edit_time can_delete=rights.delete_time update_note delete />
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}
