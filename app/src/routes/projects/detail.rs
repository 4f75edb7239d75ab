//! `/projects/:id`: the project, its task board (or list) and the task dialog (`?task=<id>`).

use super::board::{BoardActions, TaskBoard, TaskList};
use super::task_dialog::{DialogRights, TaskDialog, TaskTimeData};
use crate::components::budget::BudgetBar;
use crate::components::form::{action_error, field_error, FormError, TextField};
use crate::components::loading::Load;
use crate::components::timer::use_timer;
use crate::ids::param;
use crate::projects::{get_project, ProjectPage};
use crate::tasks::{list_tasks, CreateTask, DeleteTask, SetTaskStatus, Task, UpdateTask};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Copy)]
pub struct TaskActions {
    pub create: ServerAction<CreateTask>,
    pub set_status: ServerAction<SetTaskStatus>,
    pub update: ServerAction<UpdateTask>,
    pub delete: ServerAction<DeleteTask>,
}

#[component]
pub fn ProjectDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let project = Resource::new(id, |id| async move { get_project(param(&id)?).await });
    let actions = TaskActions {
        create: ServerAction::new(),
        set_status: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // Cards show tracked time: the board follows the timer too.
    let timer = use_timer();
    let tasks = Resource::new(
        move || {
            (
                id(),
                actions.create.version().get(),
                actions.set_status.version().get(),
                actions.update.version().get(),
                actions.delete.version().get(),
                timer.map(|t| (t.stop.version().get(), t.log.version().get())),
            )
        },
        |(id, ..)| async move { list_tasks(param(&id)?).await },
    );
    let time = TaskTimeData::for_page();
    view! {
        <Title text="Project" />
        <section class="page">
            <Load resource=project let:page>
                <ProjectView page tasks actions time />
            </Load>
        </section>
    }
}

#[component]
fn ProjectView(
    page: ProjectPage,
    tasks: Resource<crate::error::AppResult<Vec<Task>>>,
    actions: TaskActions,
    time: TaskTimeData,
) -> impl IntoView {
    let p = page.project.clone();
    let query = use_query_map();
    let list_view = move || query.read().get("view").is_some_and(|v| v == "list");
    let open_task = move || query.read().get("task");
    let (can_edit, can_log) = (page.can_edit_tasks, page.can_log_time);
    let create_error = action_error(actions.create);
    let move_error = action_error(actions.set_status);
    let (rights, today) = (DialogRights::of(&page), page.today);
    let board = BoardActions {
        project_id: p.id,
        set_status: actions.set_status,
        create: page.can_create_tasks.then_some(actions.create),
        can_edit,
        can_log,
    };
    let facts = [
        Some(p.status.label().to_owned()),
        p.due_date.map(|d| format!("due {d}")),
        p.default_rate.map(|r| format!("rate {}", r.format())),
        p.budget.map(|b| format!("budget {}", b.format())),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <Title text=p.name.clone() />
        <div class="page-head">
            <div>
                <p class="eyebrow"><A href=format!("/clients/{}", p.client_id)>{p.client_name.clone()}</A></p>
                <h1>{p.name.clone()}</h1>
                <p class="lead">{facts}</p>
            </div>
            {page.can_edit.then(|| view! { <A href=format!("/projects/{}/edit", p.id) attr:class="button">"Edit"</A> })}
        </div>
        {page.budget.clone().map(|usage| view! { <BudgetBar label="Budget".to_owned() usage /> })}
        <section aria-labelledby="tasks-heading">
            <div class="section-head">
                <h2 id="tasks-heading">"Tasks"</h2>
                <nav class="toggle" aria-label="Task view">
                    <a href="?view=board" aria-current=move || (!list_view()).then_some("page")>"Board"</a>
                    <a href="?view=list" aria-current=move || list_view().then_some("page")>"List"</a>
                </nav>
            </div>
            // The board adds tasks in each column; the list has one form.
            {(page.can_create_tasks && list_view()).then(|| view! {
                <ActionForm action=actions.create attr:class="inline-form add-task">
                    <input type="hidden" name="project_id" value=p.id.to_string() />
                    <TextField id="new-task-title" name="title" label="+ Add a task" required=true maxlength=300 error=field_error(create_error, "title") />
                    <button type="submit">"Add task"</button>
                    <FormError error=create_error />
                </ActionForm>
            })}
            <FormError error=move_error />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = tasks.await.unwrap_or_default();
                    let dialog = open_task()
                        .and_then(|id| list.iter().find(|t| t.id.to_string() == id).cloned())
                        .map(|task| view! { <TaskDialog task rights actions list_view=list_view() today time /> });
                    let body = if !list_view() {
                        view! { <TaskBoard tasks=list actions=board /> }.into_any()
                    } else if list.is_empty() {
                        view! { <p class="hint">"No tasks yet. Add the first one above."</p> }.into_any()
                    } else {
                        view! { <TaskList tasks=list can_edit set_status=actions.set_status /> }.into_any()
                    };
                    view! { {body} {dialog} }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
