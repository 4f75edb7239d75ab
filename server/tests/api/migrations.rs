//! Upgrades (issue 20): a database left at any earlier migration set upgrades to head and ends
//! with exactly the schema of a fresh database; replicas starting together apply each migration
//! once.

use app::server::MIGRATOR;
use sqlx::PgPool;

/// Every column, index, constraint, function and trigger of the public schema, as text.
async fn schema(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable,
                       coalesce(column_default, ''))
           FROM information_schema.columns WHERE table_schema = 'public'
         UNION ALL
         SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
         UNION ALL
         SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace
         UNION ALL
         SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc)
           FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
         UNION ALL
         SELECT format('trigger %s %s', tgrelid::regclass, pg_get_triggerdef(oid))
           FROM pg_trigger WHERE NOT tgisinternal
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("the schema")
}

/// An empty database again (the public schema holds everything, the migration table included).
async fn empty(pool: &PgPool) {
    sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;").execute(pool).await.expect("emptied");
}

async fn applied(pool: &PgPool) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(pool)
        .await
        .expect("the migration table")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_database_at_every_earlier_migration_set_upgrades_to_the_schema_of_a_fresh_one(pool: PgPool) {
    let fresh = schema(&pool).await;
    let versions: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    assert!(versions.len() > 1);
    for &earlier in &versions[..versions.len() - 1] {
        empty(&pool).await;
        MIGRATOR.run_to(earlier, &pool).await.unwrap_or_else(|e| panic!("up to {earlier}: {e}"));
        assert_eq!(applied(&pool).await.last(), Some(&earlier));
        MIGRATOR.run(&pool).await.unwrap_or_else(|e| panic!("from {earlier} to head: {e}"));
        assert_eq!(applied(&pool).await, versions, "from {earlier}");
        assert_eq!(schema(&pool).await, fresh, "upgraded from {earlier}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn two_replicas_starting_together_apply_each_migration_once(pool: PgPool) {
    let versions: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    empty(&pool).await;
    // Two replicas: two pools of their own, as two processes would have.
    let options = pool.connect_options().as_ref().clone();
    let (a, b) = (
        PgPool::connect_with(options.clone()).await.expect("replica a"),
        PgPool::connect_with(options).await.expect("replica b"),
    );
    let (ran_a, ran_b) = tokio::join!(MIGRATOR.run(&a), MIGRATOR.run(&b));
    ran_a.expect("replica a migrates or finds it done");
    ran_b.expect("replica b migrates or finds it done");
    assert_eq!(applied(&pool).await, versions, "each migration applied once");
}

/// Data written at an earlier release, in that release's schema (`tests/fixtures/upgrade/`).
const TIME_TRACKING_RELEASE: (i64, &str) =
    (20261126000003, include_str!("../fixtures/upgrade/20261126000003_time_tracking.sql"));

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_business_from_the_time_tracking_release_upgrades_with_its_data_and_signs_in(pool: PgPool) {
    let (version, fixture) = TIME_TRACKING_RELEASE;
    empty(&pool).await;
    MIGRATOR.run_to(version, &pool).await.expect("the release's schema");
    sqlx::raw_sql(sqlx::AssertSqlSafe(fixture)).execute(&pool).await.expect("the release's data");
    MIGRATOR.run(&pool).await.expect("upgraded to head");

    let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from accounts), (select count(*) from clients), (select count(*) from tasks),
                (select count(*) from time_entries), (select count(*) from invitations where status = 'pending')",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(counts, (2, 2, 2, 3, 1), "accounts, clients, tasks, time entries, invitations");
    let money: (i64, String, i64) = sqlx::query_as(
        "select default_rate_minor, default_rate_currency::text, (select sum(rate_minor)::bigint from time_entries)
           from clients where name = 'Northwind'",
    )
    .fetch_one(&pool)
    .await
    .expect("money");
    assert_eq!(money, (9500, "EUR".to_owned(), 16500), "rates kept in minor units");

    // The upgraded instance serves the old business: the old password signs in, the pages show it.
    let app = crate::common::TestApp::new(pool.clone());
    let signed_in = app
        .call("/api/auth/sign_in", &[("email", "dana@harbor.example"), ("password", crate::common::PASSWORD)], None)
        .await;
    assert_eq!(signed_in.status, http::StatusCode::OK, "{}", signed_in.text());
    let dana = signed_in.session_cookie().expect("a session");
    let clients = app.get("/clients", Some(&dana)).await;
    assert_eq!(clients.status, http::StatusCode::OK);
    assert!(clients.text().contains("Northwind"), "{}", clients.text());
    let project = app.get("/projects/0193a000-0000-7000-8000-0000000000d1", Some(&dana)).await;
    assert_eq!(project.status, http::StatusCode::OK);
    assert!(project.text().contains("Map illustrations"), "the project's tasks");
    let week = app.get("/time?week=2026-11-23", Some(&dana)).await;
    assert_eq!(week.status, http::StatusCode::OK);
    assert!(week.text().contains("2:30"), "Dana's 2 h 30 min on the 24th: {}", week.text());
}
