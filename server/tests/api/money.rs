//! Money columns: the Postgres domains new tables use for amounts and currencies.

use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn money_domains_enforce_their_rules_and_read_back_as_plain_integers_and_codes(pool: PgPool) {
    sqlx::query("create table priced (amount minor_units not null, currency currency_code not null)")
        .execute(&pool)
        .await
        .expect("a table states the domains");
    sqlx::query("insert into priced values (123456, 'EUR'), (-500, 'JPY')").execute(&pool).await.expect("valid rows");
    let rows: Vec<(i64, String)> = sqlx::query_as("select amount, currency from priced order by amount")
        .fetch_all(&pool)
        .await
        .expect("domains decode as their base types");
    assert_eq!(rows, [(-500, "JPY".to_owned()), (123456, "EUR".to_owned())]);

    for (values, constraint) in [
        ("(1, 'eur')", "currency_code_format"),
        ("(1, 'EU1')", "currency_code_format"),
        ("(1000000000000001, 'EUR')", "minor_units_range"),
    ] {
        let error = sqlx::query(sqlx::AssertSqlSafe(format!("insert into priced values {values}")))
            .execute(&pool)
            .await
            .unwrap_err();
        let constraint_name = error.as_database_error().and_then(|e| e.constraint()).map(str::to_owned);
        assert_eq!(constraint_name.as_deref(), Some(constraint), "{values}");
    }
}
