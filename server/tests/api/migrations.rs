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
