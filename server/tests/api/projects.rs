//! Projects and tasks.

use crate::common::{email, TestApp};
use app::error::AppError;
use app::projects::{Project, ProjectPage, ProjectStatus};
use app::tasks::{Task, TaskStatus};
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

async fn client(app: &TestApp, cookie: &str, name: &str) -> String {
    let id: Uuid = app.call("/api/clients/create", &[("form[name]", name)], Some(cookie)).await.json();
    id.to_string()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn projects_are_created_filtered_and_edited(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let acme = client(&app, &owner, "Acme").await;
    let globex = client(&app, &owner, "Globex").await;
    let reply = app
        .call(
            "/api/projects/create",
            &[
                ("form[client_id]", &acme),
                ("form[name]", "Website relaunch"),
                ("form[due_date]", "2026-12-31"),
                ("form[rate_amount]", "95"),
                ("form[rate_currency]", "GBP"),
                ("form[rate_unit]", "hour"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let website: Uuid = reply.json();
    app.call("/api/projects/create", &[("form[client_id]", &globex), ("form[name]", "Audit")], Some(&owner)).await;

    let by_client: Vec<Project> = app.call("/api/projects/list", &[("client_id", &acme)], Some(&owner)).await.json();
    assert_eq!(by_client.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Website relaunch"]);
    let searched: Vec<Project> = app.call("/api/projects/list", &[("search", "glob")], Some(&owner)).await.json();
    assert_eq!(
        searched.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Audit"],
        "search covers the client name"
    );

    let reply = app
        .call(
            "/api/projects/update",
            &[
                ("id", &website.to_string()),
                ("form[client_id]", &acme),
                ("form[name]", "Website"),
                ("form[status]", "on_hold"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page: ProjectPage = app.call("/api/projects/get", &[("id", &website.to_string())], Some(&owner)).await.json();
    assert_eq!((page.project.name.as_str(), page.project.status), ("Website", ProjectStatus::OnHold));
    assert_eq!(page.project.default_rate, None, "an empty rate field clears the rate");

    let bad = app
        .call(
            "/api/projects/create",
            &[("form[client_id]", &Uuid::now_v7().to_string()), ("form[name]", "X")],
            Some(&owner),
        )
        .await;
    assert_eq!(bad.app_error(), AppError::field("client_id", "Choose one of your clients."));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn tasks_move_across_the_board_and_validate_their_fields(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let acme = client(&app, &owner, "Acme").await;
    let project: Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &acme), ("form[name]", "Website")], Some(&owner))
        .await
        .json();
    let project = project.to_string();
    let mut ids = Vec::new();
    for title in ["Design", "Build", "Launch"] {
        let task: Task =
            app.call("/api/tasks/create", &[("project_id", &project), ("title", title)], Some(&owner)).await.json();
        assert_eq!(task.status, TaskStatus::Todo);
        ids.push(task.id.to_string());
    }
    let moved = app.call("/api/tasks/set_status", &[("id", &ids[0]), ("status", "in_progress")], Some(&owner)).await;
    assert_eq!(moved.status, StatusCode::OK);
    let reply = app
        .call(
            "/api/tasks/update",
            &[("id", &ids[1]), ("title", "Build it"), ("status", "in_review"), ("estimate_minutes", "90")],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let tasks: Vec<Task> = app.call("/api/tasks/list", &[("project_id", &project)], Some(&owner)).await.json();
    let summary: Vec<(&str, TaskStatus, Option<i32>)> =
        tasks.iter().map(|t| (t.title.as_str(), t.status, t.estimate_minutes)).collect();
    assert_eq!(
        summary,
        [
            ("Design", TaskStatus::InProgress, None),
            ("Build it", TaskStatus::InReview, Some(90)),
            ("Launch", TaskStatus::Todo, None)
        ]
    );

    let invalid = app
        .call(
            "/api/tasks/update",
            &[("id", &ids[2]), ("title", " "), ("status", "blocked"), ("estimate_minutes", "60001")],
            Some(&owner),
        )
        .await;
    let AppError::Validation(errors) = invalid.app_error() else { panic!("validation") };
    assert!(
        errors.get("title").is_some() && errors.get("status").is_some() && errors.get("estimate_minutes").is_some()
    );
    let bad_move = app.call("/api/tasks/set_status", &[("id", &ids[2]), ("status", "blocked")], Some(&owner)).await;
    assert_eq!(bad_move.app_error(), AppError::field("status", "Choose a status."));

    let deleted = app.call("/api/tasks/delete", &[("id", &ids[2])], Some(&owner)).await;
    assert_eq!(deleted.status, StatusCode::OK);
    let page: ProjectPage = app.call("/api/projects/get", &[("id", &project)], Some(&owner)).await.json();
    assert_eq!(page.project.open_tasks, 2);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn another_business_cannot_reach_projects_or_tasks(pool: PgPool) {
    let app = TestApp::new(pool);
    let alice = app.owner_of("Alice Studio", &email("alice")).await;
    let bob = app.owner_of("Bob Studio", &email("bob")).await;
    let acme = client(&app, &alice, "Acme").await;
    let project: Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &acme), ("form[name]", "Secret")], Some(&alice))
        .await
        .json();
    let project = project.to_string();
    for (path, form) in [
        ("/api/projects/list", vec![("client_id", acme.as_str())]),
        ("/api/projects/get", vec![("id", project.as_str())]),
        ("/api/tasks/list", vec![("project_id", project.as_str())]),
        ("/api/tasks/create", vec![("project_id", project.as_str()), ("title", "Sneaky")]),
        ("/api/projects/create", vec![("form[client_id]", acme.as_str()), ("form[name]", "Sneaky")]),
    ] {
        let reply = app.call(path, &form, Some(&bob)).await;
        let error = reply.app_error();
        assert!(
            error == AppError::NotFound || error == AppError::field("client_id", "Choose one of your clients."),
            "{path}: {error:?}"
        );
    }
    let bobs: Vec<Project> = app.call("/api/projects/list", &[], Some(&bob)).await.json();
    assert!(bobs.is_empty());
}
