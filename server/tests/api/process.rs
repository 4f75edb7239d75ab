//! The `server` binary as operators run it: exit codes and messages for missing configuration,
//! `migrate`, boot-time migrations, the weak-secret warning, `healthcheck` and graceful shutdown.

use crate::common::{database_url_of, SECRET};
use sqlx::PgPool;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const EXIT_CONFIG: i32 = 78;

/// The binary with an empty environment (PATH aside), run from a scratch directory so no `.env`
/// or working-directory file can leak in.
fn server(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_OUTPUT_NAME", "clerq")
        .current_dir(std::env::temp_dir());
    command
}

/// `server serve` on `addr` against `database_url`, quiet; tests add or override what they need.
pub(crate) fn serving(database_url: &str, addr: &str) -> Command {
    let mut command = server(&[]);
    command
        .env("DATABASE_URL", database_url)
        .env("BETTER_AUTH_SECRET", SECRET)
        .env("LEPTOS_SITE_ADDR", addr)
        .env("LEPTOS_SITE_ROOT", "target/site")
        // Tests never reach the internet: no ECB rates fetch.
        .env("CLERQ_FX_FETCH", "off")
        .stderr(Stdio::null())
        .stdout(Stdio::null());
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let Output { status, stdout, stderr } = command.output().expect("server binary runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// Polls `server healthcheck` (as the compose healthcheck does) for up to a minute.
pub(crate) async fn wait_until_healthy(child: &mut std::process::Child, addr: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let probe = server(&["healthcheck"]).env("LEPTOS_SITE_ADDR", addr).stderr(Stdio::null()).status();
        if probe.is_ok_and(|s| s.success()) {
            return true;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited early with {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[test]
fn serve_without_database_url_prints_the_documented_message() {
    let (code, _, stderr) = run(server(&[]).env("BETTER_AUTH_SECRET", SECRET));
    assert_eq!(stderr, "DATABASE_URL is not set.\n");
    assert_eq!(code, EXIT_CONFIG);
}

#[test]
fn serve_without_the_secret_prints_the_documented_message() {
    let (code, _, stderr) = run(server(&["serve"]).env("DATABASE_URL", "postgres://clerq@127.0.0.1:9/clerq"));
    assert_eq!(stderr, "BETTER_AUTH_SECRET is not set; cannot sign invoice PDF links.\n");
    assert_eq!(code, EXIT_CONFIG);
}

#[test]
fn migrate_without_database_url_prints_the_documented_message() {
    let (code, _, stderr) = run(&mut server(&["migrate"]));
    assert_eq!(stderr, "DATABASE_URL is not set.\n");
    assert_eq!(code, EXIT_CONFIG);
}

#[test]
fn an_unknown_command_shows_usage() {
    let (code, _, stderr) = run(&mut server(&["frobnicate"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Usage: server [serve | migrate | healthcheck | fx import FILE | grant-admin EMAIL"),
        "{stderr}"
    );
}

#[test]
fn healthcheck_fails_when_nothing_listens() {
    let port = free_port();
    let (code, _, stderr) = run(server(&["healthcheck"]).env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")));
    assert_eq!(code, 1);
    assert!(stderr.starts_with("healthcheck failed: cannot connect"), "{stderr}");
}

#[sqlx::test(migrations = false)]
async fn migrate_applies_everything_once_and_can_run_again(pool: PgPool) {
    let url = database_url_of(&pool).await;
    let total = app::server::MIGRATOR.iter().count();
    let (code, stdout, stderr) = run(server(&["migrate"]).env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("Migrations are up to date ({total} applied now, {total} in total).\n"));
    let (code, stdout, stderr) = run(server(&["migrate"]).env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!("Migrations are up to date (0 applied now, {total} in total).\n"),
        "re-running is a no-op"
    );
    let users_table: Option<String> =
        sqlx::query_scalar("select to_regclass('accounts')::text").fetch_one(&pool).await.expect("query");
    assert_eq!(users_table.as_deref(), Some("accounts"));
}

#[sqlx::test(migrations = false)]
async fn a_failing_migration_aborts_boot_with_a_clear_message(pool: PgPool) {
    // A stray table with a clashing name makes the users migration fail.
    sqlx::query("create table accounts (id int)").execute(&pool).await.expect("stray table");
    let url = database_url_of(&pool).await;
    let (code, _, stderr) = run(server(&[])
        .env("DATABASE_URL", &url)
        .env("BETTER_AUTH_SECRET", SECRET)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port())));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Database migration failed: "), "{stderr}");
    assert!(
        stderr.contains("migration 20261125000002_accounts_sessions_businesses did not apply"),
        "names the file: {stderr}"
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_weak_secret_is_warned_about_and_the_server_still_becomes_healthy(pool: PgPool) {
    let url = database_url_of(&pool).await;
    let addr = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let mut child = serving(&url, &addr)
        .env("BETTER_AUTH_SECRET", "hunter2")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server");

    let healthy = wait_until_healthy(&mut child, &addr).await;
    let to_healthy = started.elapsed();

    // SIGTERM, as `docker stop` sends it: the server drains and exits cleanly.
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("read stderr");

    assert!(healthy, "never became healthy:\n{stderr}");
    println!("start to healthy (debug build, migrations already applied): {to_healthy:?}");
    assert!(status.success(), "graceful shutdown exits 0, got {status}:\n{stderr}");
    let warning =
        stderr.lines().find(|l| l.contains("low entropy")).unwrap_or_else(|| panic!("no warning in:\n{stderr}"));
    assert!(warning.contains("BETTER_AUTH_SECRET") && warning.contains("openssl rand -base64 32"), "{warning}");
    assert!(!stderr.contains("hunter2"), "the secret itself is never logged");
}

#[sqlx::test(migrations = false)]
async fn clerq_skip_migrations_starts_without_touching_the_schema(pool: PgPool) {
    let url = database_url_of(&pool).await;
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = serving(&url, &addr).env("CLERQ_SKIP_MIGRATIONS", "yes").spawn().expect("spawn server");
    let healthy = wait_until_healthy(&mut child, &addr).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "the server starts with CLERQ_SKIP_MIGRATIONS set");
    let tables: i64 = sqlx::query_scalar("select count(*) from pg_tables where schemaname = 'public'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(tables, 0, "no migration ran");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sigterm_during_a_slow_request_lets_it_finish_then_exits(pool: PgPool) {
    use std::io::Write;
    let url = database_url_of(&pool).await;
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = serving(&url, &addr).spawn().expect("spawn server");
    assert!(wait_until_healthy(&mut child, &addr).await, "never became healthy");

    // A slow client: headers and half the body now, the rest after the stop signal.
    let body = "email=slow%40example.com&password=not+the+password";
    let (first, rest) = body.split_at(20);
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        stream,
        "POST /api/auth/sign_in HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .expect("send the first half");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(child.try_wait().expect("poll").is_none(), "the server waits for the request in flight");
    // While it drains, it takes no new connections.
    assert!(std::net::TcpStream::connect(&addr).is_err(), "a new connection is refused while draining");
    stream.write_all(rest.as_bytes()).expect("send the rest");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    assert!(response.starts_with("HTTP/1.1 422"), "the request was answered: {response}");
    assert!(response.contains("Invalid email or password"), "{response}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit after draining");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exits 0 after draining, got {status}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn fx_import_stores_a_downloaded_ecb_file(pool: PgPool) {
    let url = database_url_of(&pool).await;
    let file = std::env::temp_dir().join(format!("ecb-{}.xml", uuid::Uuid::now_v7()));
    std::fs::write(&file, include_str!("../../../app/src/server/fixtures/eurofxref-sample.xml")).expect("write");
    let (code, stdout, stderr) = run(server(&["fx", "import", file.to_str().expect("path")]).env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), "Stored 10 rates for 2 days, 2026-11-26 to 2026-11-27.");
    let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    let rates = app::server::db::fx::rates_on(&pool, sunday).await.expect("query").expect("Friday's rates");
    assert_eq!(
        (rates.date.to_string(), rates.rates["JPY"].to_string()),
        ("2026-11-27".to_owned(), "162.50".to_owned())
    );

    std::fs::write(&file, "<html>not rates</html>").expect("write");
    let (code, _, stderr) = run(server(&["fx", "import", file.to_str().expect("path")]).env("DATABASE_URL", &url));
    assert_eq!(code, 1);
    assert!(stderr.starts_with("This is not an ECB reference-rate file"), "{stderr}");
    let _ = std::fs::remove_file(&file);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn stored_rates_answer_for_a_date_with_the_latest_day_on_or_before_it(pool: PgPool) {
    let days = app::server::fx::parse_ecb(include_str!("../../../app/src/server/fixtures/eurofxref-sample.xml"))
        .expect("parses");
    assert_eq!(app::server::db::fx::store(&pool, &days).await.expect("store"), 10);
    assert_eq!(app::server::db::fx::store(&pool, &days).await.expect("again"), 10, "re-importing replaces");
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let thursday = app::server::db::fx::rates_on(&pool, day(26)).await.expect("query").expect("rates");
    assert_eq!(thursday.rates["USD"].to_string(), "1.0561");
    assert!(app::server::db::fx::rates_on(&pool, day(25)).await.expect("query").is_none(), "nothing before the file");
    let count: i64 = sqlx::query_scalar("select count(*) from fx_rates").fetch_one(&pool).await.expect("count");
    assert_eq!(count, 10);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn grant_admin_and_revoke_admin_set_the_flag_by_email(pool: PgPool) {
    let url = database_url_of(&pool).await;
    let app = crate::common::TestApp::new(pool.clone());
    let email = crate::common::email("operator");
    app.sign_up("Olga Operator", &email).await;
    let flag = || async {
        sqlx::query_scalar::<_, bool>("select platform_admin from accounts where email = $1::citext")
            .bind(&email)
            .fetch_one(&pool)
            .await
            .expect("account")
    };
    // Any case: email addresses compare case-insensitively.
    let (code, out, _) = run(server(&["grant-admin", &email.to_uppercase()]).env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("is now a platform admin"), "{out}");
    assert!(flag().await);
    let (code, _, _) = run(server(&["revoke-admin", &email]).env("DATABASE_URL", &url));
    assert_eq!(code, 0);
    assert!(!flag().await);
    let (code, _, err) = run(server(&["grant-admin", "nobody@example.com"]).env("DATABASE_URL", &url));
    assert_eq!(code, 1);
    assert!(err.contains("No account has the email nobody@example.com"), "{err}");
    let (code, _, err) = run(&mut server(&["grant-admin", &email]));
    assert_eq!(code, EXIT_CONFIG, "{err}");
}
