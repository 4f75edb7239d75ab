//! The task board (To do / In progress / In review / Done) and the list view. Cards move by drag
//! and drop once the page is live, and by each card's status form before (or without) JavaScript.

use crate::components::table::{Column, DataTable};
use crate::ids::TaskId;
use crate::tasks::{SetTaskStatus, Task, TaskStatus};
use leptos::prelude::*;
use leptos_router::components::A;

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
pub fn TaskBoard(tasks: Vec<Task>, can_edit: bool, set_status: ServerAction<SetTaskStatus>) -> impl IntoView {
    // The card being dragged (drag data is also set, for browsers that insist on it).
    let dragging = RwSignal::new(None::<TaskId>);
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
                    let move_form = can_edit.then(|| view! { <MoveForm task set_status /> });
                    view! {
                        <li class="task-card" draggable=if can_edit { "true" } else { "false" } on:dragstart=on_dragstart>
                            <A href=format!("?task={id}")>{title}</A>
                            {estimate.map(|e| view! { <span class="hint">{e}</span> })}
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
            view! {
                <section class="column" aria-labelledby=labelled_by
                    on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                    on:drop=on_drop>
                    <h3 id=heading_id>{format!("{} ({count})", status.label())}</h3>
                    <ul class="cards">{items}</ul>
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
            let move_form = can_edit.then(|| view! { <MoveForm task set_status /> });
            view! {
                <tr>
                    <td><A href=format!("?view=list&task={id}")>{title}</A></td>
                    <td>{status}</td>
                    <td>{estimate.unwrap_or_default()}</td>
                    <td>{move_form}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] =
        &[Column::shown("Task"), Column::shown("Status"), Column::shown("Estimate"), Column::hidden("Move")];
    view! { <DataTable columns=COLUMNS>{rows}</DataTable> }.into_any()
}
