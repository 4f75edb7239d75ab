//! Backups are plain `pg_dump` files (the self-hosting guide). These tests take a real dump of a
//! database the app wrote and load it with `psql` both ways the guide describes: into an empty
//! database, and over a fresh instance whose schema the migrations already created; then the app
//! runs on the restore and renders the same invoice PDF, byte for byte.

use crate::common::{database_url_of, email, TestApp};
use sqlx::PgPool;
use std::process::{Command, Stdio};

/// Every table of the app, with a content fingerprint (independent of physical row order).
async fn fingerprint(pool: &PgPool) -> Vec<(String, i64, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = 'public' and tablename <> '_sqlx_migrations' order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut out = Vec::new();
    for table in tables {
        let sql =
            format!("select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from \"{table}\" t");
        let (count, hash): (i64, String) =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.expect("fingerprint");
        out.push((table, count, hash));
    }
    out
}

fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is installed with PostgreSQL: {e}"));
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    }
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

struct ScratchDb {
    admin: PgPool,
    name: String,
    url: String,
}

impl ScratchDb {
    async fn create(admin: &PgPool, base_url: &str, suffix: &str) -> Self {
        let name = format!("clerq_restore_{}_{suffix}", uuid::Uuid::now_v7().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\"")))
            .execute(admin)
            .await
            .expect("create db");
        let url = format!("{}/{name}", base_url.rsplit_once('/').expect("db path").0);
        Self { admin: admin.clone(), name, url }
    }

    async fn drop(self) {
        let sql = format!("drop database if exists \"{}\" with (force)", self.name);
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&self.admin).await.expect("drop db");
    }
}

/// SHA-256 of the stored logo and receipt bytes, computed by PostgreSQL from what it holds.
async fn stored_file_hashes(pool: &PgPool) -> [String; 2] {
    sqlx::query_as(
        "select (select encode(sha256(png), 'hex') from logos), (select encode(sha256(bytes), 'hex') from vendor_receipts)",
    )
    .fetch_one(pool)
    .await
    .map(|(logo, receipt): (String, String)| [logo, receipt])
    .expect("one logo and one receipt")
}

/// The app started on a restore: the same session signs in, the invoice list shows the issued
/// invoice, and its PDF comes out byte for byte as before the dump.
async fn serves_the_same_invoice(restored: &PgPool, cookie: &str, invoice: &str, pdf: &[u8]) {
    let app = TestApp::new(restored.clone());
    let business: uuid::Uuid = sqlx::query_scalar("select business_id from sales_invoices where id = $1::uuid")
        .bind(invoice)
        .fetch_one(restored)
        .await
        .expect("the invoice");
    let switched = app.call("/api/business/switch", &[("business_id", &business.to_string())], Some(cookie)).await;
    assert!(switched.status.is_success(), "{}", switched.text());
    let list = app.get("/invoices", Some(cookie)).await;
    assert_eq!(list.status, http::StatusCode::OK);
    assert!(list.text().contains("2026-0001"), "the issued invoice is listed");
    let restored_pdf = app.get(&format!("/api/invoices/{invoice}/pdf"), Some(cookie)).await;
    assert_eq!(restored_pdf.status, http::StatusCode::OK, "{}", restored_pdf.text());
    assert!(restored_pdf.body == pdf, "the restored app renders the same PDF bytes");
}

/// An issued EUR invoice for `client` with one fixed line; returns its id.
async fn invoice_with_a_line(app: &TestApp, cookie: &str, client: &str) -> String {
    let id: uuid::Uuid = app
        .call(
            "/api/invoices/create",
            &[
                ("form[client_id]", client),
                ("form[currency]", "EUR"),
                ("form[issue_date]", "2026-11-30"),
                ("form[tax_treatment]", "zero_rated"),
            ],
            Some(cookie),
        )
        .await
        .json();
    let id = id.to_string();
    let line = app
        .call(
            "/api/invoices/lines/add",
            &[("id", &id), ("form[description]", "Retainer"), ("form[amount]", "500")],
            Some(cookie),
        )
        .await;
    assert!(line.status.is_success(), "{}", line.text());
    let issued = app.call("/api/invoices/issue", &[("id", &id)], Some(cookie)).await;
    assert!(issued.status.is_success(), "{}", issued.text());
    id
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_plain_dump_restores_into_an_empty_database_and_over_a_fresh_schema(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let alice = app.owner_of("Alice Studio", &email("alice")).await;
    app.create_business(&alice, "Alice Side Project", "JPY").await;
    let bob = app.owner_of("Bob & Co", &email("bob")).await;
    // Team data: a custom role, a member on it with an override, a pending invitation.
    let role: app::team::CustomRole = app
        .call("/api/team/create_role", &[("name", "Designer"), ("permissions[0]", "projects.view")], Some(&alice))
        .await
        .json();
    let designer = app.teammate(&alice, "Dee", &format!("custom:{}", role.id)).await;
    let designer_id = app.user_id(&designer).await.to_string();
    app.call(
        "/api/team/set_permission",
        &[("user_id", &designer_id), ("permission", "clients.view"), ("effect", "grant")],
        Some(&alice),
    )
    .await;
    app.invite(&alice, &email("later"), "viewer").await;
    // Clients, projects, tasks, a member rate and a note.
    let client: uuid::Uuid = app
        .call(
            "/api/clients/create",
            &[
                ("form[name]", "Acme"),
                ("form[contacts][0][name]", "Dana"),
                ("form[rate_amount]", "80"),
                ("form[rate_currency]", "EUR"),
                ("form[rate_unit]", "day"),
            ],
            Some(&alice),
        )
        .await
        .json();
    let client = client.to_string();
    app.call("/api/clients/add_note", &[("client_id", &client), ("text", "Hello")], Some(&alice)).await;
    app.call(
        "/api/clients/set_member_rate",
        &[
            ("rate[client_id]", &client),
            ("rate[user_id]", &designer_id),
            ("rate[bill_amount]", "50"),
            ("rate[bill_currency]", "EUR"),
        ],
        Some(&alice),
    )
    .await;
    let project: uuid::Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &client), ("form[name]", "Site")], Some(&alice))
        .await
        .json();
    let task: app::tasks::Task = app
        .call("/api/tasks/create", &[("project_id", &project.to_string()), ("title", "Design")], Some(&alice))
        .await
        .json();
    let logged = app
        .call(
            "/api/time/log",
            &[("entry[task_id]", &task.id.to_string()), ("entry[date]", "2026-11-23"), ("entry[duration]", "1:30")],
            Some(&alice),
        )
        .await;
    assert!(logged.status.is_success(), "{}", logged.text());
    // An issued invoice billing that time: a line linked to the entry, and the year's number counter.
    let invoice: uuid::Uuid = app
        .call(
            "/api/invoices/create",
            &[
                ("form[client_id]", &client),
                ("form[currency]", "EUR"),
                ("form[issue_date]", "2026-11-30"),
                ("form[tax_treatment]", "zero_rated"),
            ],
            Some(&alice),
        )
        .await
        .json();
    let invoice = invoice.to_string();
    let generated =
        app.call("/api/invoices/generate", &[("id", &invoice), ("form[grouping]", "task")], Some(&alice)).await;
    assert!(generated.status.is_success(), "{}", generated.text());
    let issued = app.call("/api/invoices/issue", &[("id", &invoice)], Some(&alice)).await;
    assert!(issued.status.is_success(), "{}", issued.text());
    // Invoices in the other statuses: one paid, one void (the recurring run below adds a draft).
    let paid = invoice_with_a_line(&app, &alice, &client).await;
    let marked = app.call("/api/invoices/mark-paid", &[("id", &paid), ("paid_on", "2026-11-30")], Some(&alice)).await;
    assert!(marked.status.is_success(), "{}", marked.text());
    // A credit note on the paid invoice, numbered from its own sequence.
    let line: String = sqlx::query_scalar("select id::text from sales_lines where invoice_id = $1::uuid")
        .bind(&paid)
        .fetch_one(&pool)
        .await
        .expect("the paid invoice's line");
    let credit =
        [("id", paid.as_str()), ("form[reason]", "Goodwill"), ("form[lines][0]", &line), ("form[amounts][0]", "1.00")];
    let credited = app.call("/api/invoices/credit", &credit, Some(&alice)).await;
    assert!(credited.status.is_success(), "{}", credited.text());
    let void = invoice_with_a_line(&app, &alice, &client).await;
    let voided = app.call("/api/invoices/void", &[("id", &void), ("reason", "Sent twice")], Some(&alice)).await;
    assert!(voided.status.is_success(), "{}", voided.text());
    // A recurring schedule and the draft it made (the invoice points at the schedule).
    let schedule = crate::recurring::schedule_via_api(&app, &alice, &client).await;
    let made = app.call("/api/recurring/generate-now", &[("id", &schedule)], Some(&alice)).await;
    assert!(made.status.is_success(), "{}", made.text());
    // The instance's own settings row (update checks off).
    let switched = app.call("/api/settings/updates/set", &[], Some(&alice)).await;
    assert!(switched.status.is_success(), "{}", switched.text());
    // A logo: bytes in Postgres like everything else.
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(8, 4, image::Rgba([34, 142, 128, 255])))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG");
    let logo = app::server::logo::process(&png).expect("a logo");
    app::server::db::logos::put(&pool, app.business_id(&alice).await, &logo).await.expect("stored");
    // An expense with its receipt: the receipt's bytes are in Postgres too.
    let expense: uuid::Uuid = app
        .call(
            "/api/expenses/create",
            &[
                ("form[description]", "Train"),
                ("form[amount]", "12.50"),
                ("form[currency]", "EUR"),
                ("form[incurred_on]", "2026-11-23"),
                ("form[client_id]", &client),
                ("form[billable]", "on"),
            ],
            Some(&alice),
        )
        .await
        .json();
    let receipt = app::server::db::receipts::NewReceipt {
        filename: "train.png",
        mime_type: "image/png",
        sha256: &logo.sha256,
        bytes: &logo.png,
    };
    app::server::db::receipts::put_receipt(
        &pool,
        app.business_id(&alice).await,
        app::ids::ExpenseId(expense),
        app.user_id(&alice).await,
        &receipt,
    )
    .await
    .expect("receipt");
    // MCP access: a registered client, a consent's code not yet exchanged, a personal token.
    let (assistant, _) = app::server::oauth::store::insert_client(
        &pool,
        "Backup Assistant",
        &["https://assistant.example/callback".to_owned()],
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("client");
    let code = app::server::oauth::store::NewCode {
        client: assistant.id,
        business: app.business_id(&alice).await.0,
        user: app.user_id(&alice).await.0,
        redirect_uri: "https://assistant.example/callback",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        resource: "http://localhost/api/mcp",
    };
    app::server::oauth::store::insert_code(&pool, code, chrono::Utc::now()).await.expect("code").expect("a member");
    let token = app.call("/api/connected-apps/create-token", &[("name", "Backup CLI")], Some(&alice)).await;
    assert!(token.status.is_success(), "{}", token.text());
    // The issued invoice's PDF as the app renders it now, to compare with the restored app's.
    let pdf = app.get(&format!("/api/invoices/{invoice}/pdf"), Some(&alice)).await;
    assert_eq!(pdf.status, http::StatusCode::OK, "{}", pdf.text());
    app.call("/api/time/start", &[("task_id", &task.id.to_string())], Some(&alice)).await;
    let first = app.session(Some(&alice)).await.expect("alice").businesses[0].id.to_string();
    app.call("/api/business/switch", &[("business_id", &first)], Some(&alice)).await;
    app.call("/api/auth/sign_out", &[], Some(&bob)).await;
    let ecb = app::server::fx::parse_ecb(include_str!("../../../app/src/server/fixtures/eurofxref-sample.xml"))
        .expect("ECB sample");
    app::server::db::fx::store(&pool, &ecb).await.expect("exchange rates");
    let source = fingerprint(&pool).await;
    assert!(source.iter().all(|(_, rows, _)| *rows > 0), "every table holds data: {source:?}");

    let source_url = database_url_of(&pool).await;
    // The guide's command: `pg_dump -U clerq clerq | gzip`, then `gunzip -c … | psql -U clerq clerq`.
    let dump = run("pg_dump", &["--no-owner", "--dbname", &source_url], None);

    let empty = ScratchDb::create(&pool, &source_url, "empty").await;
    run("psql", &["--quiet", "--dbname", &empty.url], Some(&dump));
    let empty_pool = PgPool::connect(&empty.url).await.expect("connect");
    assert_eq!(fingerprint(&empty_pool).await, source, "restore into an empty database");
    assert_eq!(stored_file_hashes(&empty_pool).await, [logo.sha256.clone(), logo.sha256.clone()], "logo and receipt");
    serves_the_same_invoice(&empty_pool, &alice, &invoice, &pdf.body).await;
    empty_pool.close().await;
    empty.drop().await;

    // "Bring the stack up once so the database and schema exist, then load your dump over it."
    let fresh = ScratchDb::create(&pool, &source_url, "fresh").await;
    let fresh_pool = PgPool::connect(&fresh.url).await.expect("connect");
    app::server::MIGRATOR.run(&fresh_pool).await.expect("migrations");
    // psql carries on past the "already exists" errors of the schema statements, as in the guide.
    let output = Command::new("psql")
        .args(["--quiet", "--dbname", &fresh.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(&dump)?;
            child.wait_with_output()
        })
        .expect("psql");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("violates foreign key constraint"), "table data loaded in a safe order:\n{stderr}");
    assert_eq!(fingerprint(&fresh_pool).await, source, "restore over a migrated schema");
    assert_eq!(stored_file_hashes(&fresh_pool).await, [logo.sha256.clone(), logo.sha256.clone()], "logo and receipt");
    serves_the_same_invoice(&fresh_pool, &alice, &invoice, &pdf.body).await;
    fresh_pool.close().await;
    fresh.drop().await;
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_foreign_key_points_at_a_table_that_sorts_earlier(pool: PgPool) {
    // pg_dump writes table data in name order; this is what lets a dump load over an existing schema.
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "select conname::text, conrelid::regclass::text, confrelid::regclass::text
         from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace order by 1",
    )
    .fetch_all(&pool)
    .await
    .expect("foreign keys");
    assert!(!keys.is_empty());
    for (name, table, referenced) in keys {
        assert!(
            referenced.as_bytes() < table.as_bytes(),
            "{name}: {table} references {referenced}, which sorts after it; rename one table (see migrations' naming rule)"
        );
    }
}
