//! A form that fails without JavaScript comes back with the errors *and* what the person typed
//! (passwords excepted), for that session only.

use crate::common::{email, Reply, TestApp};
use http::StatusCode;
use sqlx::PgPool;

/// Where a failed post sends the browser (this instance's path and query).
fn back_to(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.text());
    let location = reply.location().expect("a redirect").trim_start_matches("http://127.0.0.1:3000").to_owned();
    assert!(location.contains("__err=") && location.contains("__form="), "{location}");
    location
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_failed_sign_up_keeps_the_name_and_email_but_never_the_password(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("typed");
    let fields = [("name", "Dana \"D\" Lee & Co"), ("email", address.as_str()), ("password", "short7!")];
    let failed = app.post_form("/api/auth/sign_up", "/sign-up", &fields, None).await;
    let page = app.get(&back_to(&failed), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Use at least 8 characters."), "the error shows: {html}");
    assert!(html.contains(r#"value="Dana &quot;D&quot; Lee &amp; Co""#), "the name is back: {html}");
    assert!(html.contains(&format!(r#"value="{address}""#)), "the email is back");
    assert!(!html.contains("short7!"), "the password is not");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_failed_client_form_keeps_every_typed_field_for_its_session_only(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let fields = [
        ("form[name]", "Acme & Sons"),
        ("form[company]", "Acme Holdings"),
        ("form[address]", "1 Long Road\nSpringfield"),
        ("form[vat_number]", "GB123"),
        ("form[notes]", "Pays <late>"),
        ("form[rate_amount]", "12.3.4"),
        ("form[rate_currency]", "CHF"),
        ("form[rate_unit]", "day"),
    ];
    let failed = app.post_form("/api/clients/create", "/clients/new", &fields, Some(&owner)).await;
    let back = back_to(&failed);
    let html = app.get(&back, Some(&owner)).await.text();
    assert!(html.contains(r#"role="alert""#), "the field error shows: {html}");
    for typed in [
        r#"value="Acme &amp; Sons""#,
        r#"value="Acme Holdings""#,
        "1 Long Road\nSpringfield</textarea>",
        r#"value="GB123""#,
        "Pays &lt;late&gt;</textarea>",
        r#"value="12.3.4""#,
        r#"<option value="CHF" selected="""#,
        r#"<option value="day" selected="""#,
    ] {
        assert!(html.contains(typed), "{typed} is back: {html}");
    }
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM clients").fetch_one(&app.pool).await.expect("count");
    assert_eq!(saved, 0, "nothing was saved");
    assert!(
        app.get(&back, Some(&owner)).await.text().contains(r#"value="Acme Holdings""#),
        "a reload shows them again"
    );

    // Failing again from the page that shows the first failure: the new typing comes back, not
    // the old, and only one error and one handle travel in the address.
    let mut again = fields;
    again[1] = ("form[company]", "Acme Group");
    let second = back_to(&app.post_form("/api/clients/create", &back, &again, Some(&owner)).await);
    assert_eq!(second.matches("__err=").count() + second.matches("__form=").count(), 2, "{second}");
    let html = app.get(&second, Some(&owner)).await.text();
    assert!(html.contains(r#"value="Acme Group""#) && !html.contains("Acme Holdings"), "{html}");

    // The handle is useless to anyone else, even a teammate with the very same link.
    let teammate = app.teammate(&owner, "Sam", "admin").await;
    let theirs = app.get(&back, Some(&teammate)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.text().contains("Acme Holdings"), "{}", theirs.text());
    // A made-up handle beside a genuine error shows the page as stored.
    let at = back.find("__form=").expect("a handle") + "__form=".len();
    let made_up = format!("{}{}{}", &back[..at], "0".repeat(32), &back[at + 32..]);
    let page = app.get(&made_up, Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"role="alert""#) && !page.text().contains("Acme Holdings"));
}
