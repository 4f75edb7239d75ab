//! Reliability drills that fit in-process (issue 20): an exhausted connection pool.

use crate::common::{email, TestApp};
use http::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::{Duration, Instant};

/// A request that cannot get a connection must not hang: the guard only catches a hang, the
/// pool's acquire timeout (3 s) is what bounds the answer.
const HANG: Duration = Duration::from_secs(30);

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn with_every_pooled_connection_held_pages_answer_503_and_ping_still_answers(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    // The server's own pool settings, small enough to hold every connection.
    let pool = server::startup::pool_options(2).connect_with(connect).await.expect("pool");
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Studio", &email("drill")).await;
    assert_eq!(app.get("/clients", Some(&owner)).await.status, StatusCode::OK);

    let held = (pool.acquire().await.expect("first"), pool.acquire().await.expect("second"));
    for (path, cookie) in [("/clients", Some(owner.as_str())), ("/api/trpc/health.ready", None)] {
        let started = Instant::now();
        let reply = tokio::time::timeout(HANG, app.get(path, cookie)).await.expect("an answer, not a hang");
        println!("{path} with the pool exhausted: {} in {:?}", reply.status, started.elapsed());
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {}", reply.text());
        assert!(!reply.text().to_lowercase().contains("pool"), "no internals in the answer: {}", reply.text());
    }
    let ping = app.get("/api/trpc/health.ping", None).await;
    assert_eq!(ping.status, StatusCode::OK, "ping needs no database");

    drop(held);
    assert_eq!(app.get("/clients", Some(&owner)).await.status, StatusCode::OK, "recovered once released");
}

/// Field names the app's forms use, for the fuzzer to aim with (plus made-up and broken ones).
const NAMES: &[&str] = &[
    "id",
    "name",
    "email",
    "password",
    "currency",
    "status",
    "page",
    "search",
    "q",
    "role",
    "token",
    "business_id",
    "form[name]",
    "form[amount]",
    "form[currency]",
    "form[date]",
    "form[notes]",
    "form[client_id]",
    "form[project_id]",
    "form[rate_amount]",
    "form[rate_currency]",
    "form[rate_unit]",
    "form[budget_amount]",
    "form[contacts][0][email]",
    "form[lines][0][amount]",
    "form[lines][0][description]",
    "form[vat_rate]",
    "form[payment_terms]",
    "form[scope]",
    "form[step]",
    "form[minimum]",
    "entry[task_id]",
    "entry[date]",
    "entry[duration]",
    "entry[start_time]",
    "week",
    "hours_per_day",
    "timezone",
    "csv",
    "mapping[0]",
    "permission",
    "a[",
    "form[[x]]",
    "]",
    "form[lines][99999999]",
];

/// Values: real ids of the business among dates, numbers, junk and the odd very long string.
fn fuzz_value(rng: &mut impl rand::Rng, ids: &[String]) -> String {
    const PIECES: &[&str] = &[
        "",
        "0",
        "-1",
        "1.5",
        "12,50",
        "2026-02-30",
        "2026-12-07",
        "99999999999999999999",
        "1:30",
        "CHF",
        "entry",
        "15",
        "true",
        "on",
        "\u{0}",
        "\u{202e}",
        "é",
        "%",
        "[",
        "null",
    ];
    match rng.random_range(0..10) {
        0 | 1 => ids[rng.random_range(0..ids.len())].clone(),
        2 => uuid::Uuid::from_u128(rng.random()).to_string(),
        3 => "x".repeat(rng.random_range(0..5_000)),
        _ => (0..rng.random_range(0..4)).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect(),
    }
}

/// Inputs sent to the server functions, spread over all of them.
const FORM_FUZZ_CASES: usize = 10_000;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ten_thousand_fuzzed_forms_to_every_server_function_get_no_server_error(pool: sqlx::PgPool) {
    use rand::{Rng, SeedableRng};
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Studio", &email("fuzz")).await;
    let client = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await;
    assert_eq!(client.status, StatusCode::OK, "{}", client.text());
    let ids: Vec<String> = sqlx::query_scalar("SELECT id::text FROM clients UNION ALL SELECT id::text FROM businesses")
        .fetch_all(&pool)
        .await
        .expect("ids");
    // Signing out would end the fuzzing session; fetching rates and release feeds goes outside.
    let targets: Vec<&str> = app::server::registry::SERVER_FUNCTIONS
        .iter()
        .map(|entry| entry.path)
        .filter(|path| {
            !["/api/auth/sign_out", "/api/invoices/rate", "/api/settings/updates/check"]
                .iter()
                .any(|skip| path.contains(skip))
        })
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xC1E7_F022);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    // The first failing input of each server function.
    let mut failures = std::collections::BTreeMap::<&str, String>::new();
    for case in 0..FORM_FUZZ_CASES {
        let path = targets[case % targets.len()];
        let fields: Vec<(String, String)> = (0..rng.random_range(0..6))
            .map(|_| (NAMES[rng.random_range(0..NAMES.len())].to_owned(), fuzz_value(&mut rng, &ids)))
            .collect();
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let reply = app.call(path, &form, Some(&owner)).await;
        *statuses.entry(reply.status.as_u16()).or_default() += 1;
        let text = reply.text();
        if reply.status.as_u16() >= 500 || text.contains("sqlx") || text.contains("SQL") {
            failures.entry(path).or_insert_with(|| format!("{path} {form:?}: {} {text}", reply.status));
        }
    }
    println!("{FORM_FUZZ_CASES} fuzzed forms to {} server functions, by status: {statuses:?}", targets.len());
    assert!(
        failures.is_empty(),
        "server errors or leaked internals:\n{}",
        failures.into_values().collect::<Vec<_>>().join("\n")
    );
}
