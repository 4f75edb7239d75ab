//! The task board (To do / In progress / In review / Done) and the list view. Cards move by drag
//! and drop once the page is live, and by each card's status form before (or without) JavaScript.
//! Each column adds tasks in its own status; each card shows its tracked time and starts a timer.

use super::task_dialog::card_link_id;
use crate::components::form::{field_error, FormError, TextField};
use crate::components::table::{Column, DataTable};
use crate::components::timer::StartTimerButton;
use crate::ids::{ProjectId, TaskId};
use crate::tasks::{CreateTask, SetTaskStatus, Task, TaskStatus};
use crate::time::format_hm;
use leptos::prelude::*;
use leptos_router::components::A;

/// What the board's forms may do, from the viewer's permissions.
#[derive(Clone, Copy)]
pub struct BoardActions {
    pub project_id: ProjectId,
    pub set_status: ServerAction<SetTaskStatus>,
    /// `None` without `tasks.create`.
    pub create: Option<ServerAction<CreateTask>>,
    pub can_edit: bool,
    pub can_log: bool,
}

/// A column's "Add a task": the title, posted with the column's status. Errors show in the column
/// that posted.
#[component]
fn AddToColumn(
    status: TaskStatus,
    project_id: ProjectId,
    create: ServerAction<CreateTask>,
    posted_from: RwSignal<Option<TaskStatus>>,
) -> impl IntoView {
    let id = format!("add-task-{}", status.as_str());
    let mine = move || posted_from.get() == Some(status);
    let error = Signal::derive(move || if mine() { create.value().get().and_then(Result::err) } else { None });
    // Empty the title once its task is added (the board is rebuilt in place, keeping typed text).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if mine() && matches!(create.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <ActionForm action=create node_ref=form attr:class="add-to-column" on:submit=move |_| posted_from.set(Some(status))>
            <input type="hidden" name="project_id" value=project_id.to_string() />
            <input type="hidden" name="status" value=status.as_str() />
            <TextField id=id name="title" label=format!("Add a task to {}", status.label()) required=true maxlength=300
                error=field_error(error, "title") />
            <button type="submit">"Add"</button>
            <FormError error />
        </ActionForm>
    }
}

fn estimate_label(minutes: Option<i32>) -> Option<String> {
    minutes.map(|m| match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    })
}

#[component]
fn MoveForm(task: Task, set_status: ServerAction<SetTaskStatus>) -> impl IntoView {
    let id = task.id.to_string();
    let options = TaskStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=*s == task.status>{s.label()}</option> })
        .collect_view();
    view! {
        <ActionForm action=set_status attr:class="move-form">
            <input type="hidden" name="id" value=id.clone() />
            <label for=format!("move-{id}")>{format!("Move “{}” to", task.title)}</label>
            <select id=format!("move-{id}") name="status">{options}</select>
            <button type="submit">"Move"</button>
        </ActionForm>
    }
}

#[component]
pub fn TaskBoard(tasks: Vec<Task>, actions: BoardActions) -> impl IntoView {
    let BoardActions { project_id, set_status, create, can_edit, can_log } = actions;
    // The card being dragged (drag data is also set, for browsers that insist on it).
    let dragging = RwSignal::new(None::<TaskId>);
    let posted_from = RwSignal::new(None::<TaskStatus>);
    let columns = TaskStatus::ALL
        .iter()
        .map(|status| {
            let status = *status;
            let cards: Vec<Task> = tasks.iter().filter(|t| t.status == status).cloned().collect();
            let count = cards.len();
            let heading_id = format!("column-{}", status.as_str());
            let items = cards
                .into_iter()
                .map(|task| {
                    let id = task.id.to_string();
                    let drag_id = task.id;
                    let on_dragstart = move |ev: web_sys::DragEvent| {
                        if let Some(data) = ev.data_transfer() {
                            let _ = data.set_data("text/plain", &drag_id.to_string());
                        }
                        dragging.set(Some(drag_id));
                    };
                    let (title, estimate) = (task.title.clone(), estimate_label(task.estimate_minutes));
                    let tracked = task.tracked_seconds.filter(|s| *s > 0).map(|s| format!("{} tracked", format_hm(s)));
                    let start = (can_log && task.status != TaskStatus::Done)
                        .then(|| view! {
                            <StartTimerButton task=task.id origin=format!("card-{}", task.id)
                                label=format!("Start timer on {}", task.title) text="▶ Start" />
                        });
                    let link_id = card_link_id(task.id);
                    let move_form = can_edit.then(|| view! { <MoveForm task set_status /> });
                    view! {
                        <li class="task-card" draggable=if can_edit { "true" } else { "false" } on:dragstart=on_dragstart>
                            <A href=format!("?task={id}") attr:id=link_id.clone()>{title}</A>
                            <p class="card-facts">
                                {tracked.map(|t| view! { <span>{t}</span> })}
                                {estimate.map(|e| view! { <span class="hint">{format!("estimate {e}")}</span> })}
                            </p>
                            {start}
                            {move_form}
                        </li>
                    }
                })
                .collect_view();
            let on_drop = move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                if let Some(id) = dragging.get_untracked() {
                    dragging.set(None);
                    set_status.dispatch(SetTaskStatus { id, status: status.as_str().to_owned() });
                }
            };
            let labelled_by = heading_id.clone();
            let add = create.map(|create| view! { <AddToColumn status project_id create posted_from /> });
            // An empty column still renders its list, so a card can be dropped into it.
            view! {
                <section class="column" aria-labelledby=labelled_by
                    on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                    on:drop=on_drop>
                    <h3 id=heading_id>{format!("{} ({count})", status.label())}</h3>
                    <ul class="cards" aria-label=format!("{} tasks", status.label())>{items}</ul>
                    {(count == 0).then(|| view! { <p class="hint">"No tasks."</p> })}
                    {add}
                </section>
            }
        })
        .collect_view();
    view! { <div class="board">{columns}</div> }.into_any()
}

#[component]
pub fn TaskList(tasks: Vec<Task>, can_edit: bool, set_status: ServerAction<SetTaskStatus>) -> impl IntoView {
    let rows = tasks
        .into_iter()
        .map(|task| {
            let id = task.id.to_string();
            let (title, status, estimate) =
                (task.title.clone(), task.status.label(), estimate_label(task.estimate_minutes));
            let tracked = task.tracked_seconds.map(format_hm).unwrap_or_default();
            let link_id = card_link_id(task.id);
            let move_form = can_edit.then(|| view! { <MoveForm task set_status /> });
            view! {
                <tr>
                    <td><A href=format!("?view=list&task={id}") attr:id=link_id.clone()>{title}</A></td>
                    <td>{status}</td>
                    <td>{estimate.unwrap_or_default()}</td>
                    <td>{tracked}</td>
                    <td>{move_form}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::shown("Task"),
        Column::shown("Status"),
        Column::shown("Estimate"),
        Column::shown("Tracked"),
        Column::hidden("Move"),
    ];
    view! { <DataTable columns=COLUMNS>{rows}</DataTable> }.into_any()
}
