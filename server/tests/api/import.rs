//! CSV import through the server functions: idempotency, edge cases, fatal errors, permissions.

use crate::common::{email, TestApp};
use app::clients::ClientSummary;
use app::error::AppError;
use app::import::{ImportAnalysis, ImportOutcome, Target};
use http::StatusCode;
use sqlx::PgPool;

async fn import(app: &TestApp, cookie: &str, text: &str) -> crate::common::Reply {
    app.call("/api/import/clients", &[("text", text)], Some(cookie)).await
}

async fn names(app: &TestApp, cookie: &str) -> Vec<String> {
    let list: Vec<ClientSummary> = app.call("/api/clients/list", &[], Some(cookie)).await.json();
    list.into_iter().map(|c| c.name).collect()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn importing_twice_creates_once_then_skips_everything(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let csv = "company,contact_name,email,vat_number,default_rate,currency\n\
               Acme Industries,Dana Lee,dana@acme.test,GB123456789,95,GBP\n\
               Globex,Hank Scorpio,hank@globex.test,,120.50,EUR\n\
               Initech,Bill Lumbergh,bill@initech.test,,,\n";
    let first = import(&app, &owner, csv).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.location(), Some("/settings/import?created=3&skipped=0&failed=0"));
    let outcome: ImportOutcome = first.json();
    assert_eq!((outcome.created, outcome.skipped, outcome.failed), (3, 0, 0));
    let second: ImportOutcome = import(&app, &owner, csv).await.json();
    assert_eq!((second.created, second.skipped, second.failed), (0, 3, 0), "re-running is safe");
    assert_eq!(names(&app, &owner).await, ["Acme Industries", "Globex", "Initech"]);
    let (rate, currency): (i64, String) =
        sqlx::query_as("select default_rate_minor, default_rate_currency from clients where name = 'Globex'")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((rate, currency.as_str()), (12050, "EUR"));
    let events: Vec<(i64, String)> = sqlx::query_as(
        "select t.seq, c.name from timeline_entries t join clients c on c.id = t.client_id
         where t.kind = 'client_created' order by t.seq",
    )
    .fetch_all(&app.pool)
    .await
    .expect("events");
    let expected = [(1, "Acme Industries"), (2, "Globex"), (3, "Initech")].map(|(seq, name)| (seq, name.to_owned()));
    assert_eq!(events, expected, "each imported client gets its created event, numbered in file order");
    let next: i64 = sqlx::query_scalar("select timeline_seq from businesses").fetch_one(&app.pool).await.expect("seq");
    assert_eq!(next, 3, "the business's sequence moved past every number it handed out");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn quotes_bom_semicolons_and_duplicates_within_the_file(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let csv = "\u{feff}name;notes;email\n\"Acme; Inc.\";\"Line one\nline \"\"two\"\"\";a@acme.test\n\" acme; inc. \";dupe;\n=HYPERLINK(\"x\");+1;\n";
    let outcome: ImportOutcome = import(&app, &owner, csv).await.json();
    assert_eq!((outcome.created, outcome.skipped, outcome.failed), (2, 1, 0), "{outcome:?}");
    let notes: String = sqlx::query_scalar("select notes from clients where name = 'Acme; Inc.'")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(notes, "Line one\nline \"two\"");
    let formula: String = sqlx::query_scalar("select notes from clients where name like '=HYPERLINK%'")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(formula, "+1", "formula-like values are stored as text");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn bad_rows_fail_alone_and_fatal_problems_import_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let outcome: ImportOutcome =
        import(&app, &owner, "name,email,rate\nGood,ok@x.test,10\n,x@y.test,\nBad,nope,\n").await.json();
    assert_eq!((outcome.created, outcome.failed), (1, 2));
    assert_eq!(outcome.failures[0], (3, "No client name or company.".to_owned()));
    assert_eq!(outcome.failures[1].0, 4);

    for (text, message) in [
        ("name\n\"Unclosed\nNext\n", "Line 2: a quoted field is never closed."),
        ("", "The file is empty."),
        ("PK\u{3}\u{4}\u{0}binary", "This doesn't look like a CSV file (it contains binary data). Export your spreadsheet as CSV and try again."),
        ("email\nx@y.test\n", "No column holds the client's name: map one to \"Client name\" or \"Company\"."),
    ] {
        let reply = import(&app, &owner, text).await;
        assert_eq!(reply.app_error(), AppError::field("text", message), "{text:?}");
    }
    assert_eq!(names(&app, &owner).await, ["Good"], "nothing else was imported");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn analysis_guesses_the_mapping_and_previews_the_first_rows(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let mut csv = String::from("Client,E-mail,Notes\n");
    for i in 0..25 {
        csv.push_str(&format!("Client {i},c{i}@example.com,\n"));
    }
    let analysis: ImportAnalysis = app.call("/api/import/analyze", &[("text", &csv)], Some(&owner)).await.json();
    assert_eq!(analysis.mapping, [Target::Name, Target::ContactEmail, Target::Notes]);
    assert_eq!((analysis.total_rows, analysis.preview.len()), (25, 10));
    let remapped: ImportAnalysis = app
        .call(
            "/api/import/analyze",
            &[("text", &csv), ("mapping[0]", "company"), ("mapping[1]", "ignore"), ("mapping[2]", "ignore")],
            Some(&owner),
        )
        .await
        .json();
    assert_eq!(remapped.mapping, [Target::Company, Target::Ignore, Target::Ignore]);
    assert_eq!(remapped.preview[0].row.company, "Client 0");
    assert_eq!(remapped.preview[0].row.contact_email, "");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ten_thousand_rows_import_in_chunks(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let rows: Vec<serde_json::Value> = (0..10_000)
        .map(|i| serde_json::json!({"line": i + 2, "name": format!("Client {i:05}"), "company": "", "contact_name": "",
            "contact_email": format!("c{i}@example.com"), "vat_number": "", "notes": "", "default_rate": "", "currency": "", "address": ""}))
        .collect();
    let mut created = 0;
    for chunk in rows.chunks(app::import::CHUNK_ROWS) {
        let request = http::Request::post("/api/import/rows")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("cookie", format!("clerq_session={owner}"))
            .body(axum::body::Body::from(serde_json::to_vec(&serde_json::json!({ "rows": chunk })).expect("json")))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        created += reply.json::<ImportOutcome>().created;
    }
    assert_eq!(created, 10_000);
    let too_many = serde_json::json!({ "rows": &rows[..501] });
    let request = http::Request::post("/api/import/rows")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("cookie", format!("clerq_session={owner}"))
        .body(axum::body::Body::from(serde_json::to_vec(&too_many).expect("json")))
        .expect("request");
    assert!(matches!(app.send(request).await.app_error(), AppError::Validation(_)));
}
