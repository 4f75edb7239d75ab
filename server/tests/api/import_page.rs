//! The CSV import wizard as server-rendered pages: each step is a multipart post to
//! `/settings/import` carrying the whole state, answered with the page showing the next step.

use crate::common::{email, TestApp};
use axum::body::Body;
use http::{header, Request, StatusCode};

const BOUNDARY: &str = "----clerq-import-boundary-2b9c";
const CSV: &str = "company,contact_name,email,vat_number,default_rate,currency\n\
                   Acme Industries,Dana Lee,dana@acme.test,GB123456789,95,GBP\n\
                   \"Globex, Inc.\",Hank Scorpio,hank@globex.test,,120.50,EUR\n\
                   Initech,Bill Lumbergh,bill@initech.test,,,\n";

enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a [u8]),
}

/// A browser's multipart post of the wizard's form.
fn post(cookie: Option<&str>, parts: &[Part<'_>]) -> Request<Body> {
    let mut body = Vec::new();
    for part in parts {
        let (disposition, value) = match part {
            Part::Field(name, value) => (format!("name=\"{name}\""), value.as_bytes()),
            Part::File(name, bytes) => {
                (format!("name=\"{name}\"; filename=\"clients.csv\"\r\nContent-Type: text/csv"), *bytes)
            }
        };
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::post("/settings/import")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
    }
    request.body(Body::from(body)).expect("request")
}

async fn page(app: &TestApp, cookie: Option<&str>, parts: &[Part<'_>]) -> (StatusCode, String) {
    let reply = app.send(post(cookie, parts)).await;
    // A page's own policy (its nonce, forms posting here), not the nothing-allowed one of files.
    let csp = reply.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("form-action 'self'") && csp.contains("'nonce-"), "{csp}");
    (reply.status, reply.text())
}

async fn client_names(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select name from clients order by name").fetch_all(&app.pool).await.expect("names")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_uploaded_file_is_previewed_remapped_and_imported_through_form_posts(pool: sqlx::PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;

    let visit = app.get("/settings/import", Some(&owner)).await;
    let csp = visit.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("form-action 'self'"), "the page itself lets its forms post: {csp}");

    // Step 1 → 2: the file (the pasted text is ignored when a file is chosen).
    let (status, html) = page(
        &app,
        Some(&owner),
        &[Part::File("file", CSV.as_bytes()), Part::Field("text", "ignored"), Part::Field("step", "preview")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("<template"), "the whole page is in place without JavaScript: {html}");
    assert!(html.contains(r#"<select id="map-0" name="mapping[0]">"#), "{html}");
    assert!(html.contains(r#"<option value="company" selected"#), "the guessed mapping is in the HTML");
    assert!(html.contains(r#"<option value="contact_email" selected"#));
    assert!(html.contains("Globex, Inc."), "the preview shows the rows");
    assert!(html.contains("3 rows found."));
    assert!(html.contains(r#"name="text" value="company,contact_name,email"#), "the text travels in the form");
    assert!(client_names(&app).await.is_empty(), "a preview creates nothing");

    // "Update preview" with another mapping: the contact becomes the client's name.
    let mapping = ["ignore", "name", "contact_email", "ignore", "ignore", "ignore"];
    let mut parts = vec![Part::Field("text", CSV), Part::Field("step", "preview")];
    let keys: Vec<String> = (0..mapping.len()).map(|i| format!("mapping[{i}]")).collect();
    parts.extend(keys.iter().zip(mapping).map(|(key, value)| Part::Field(key, value)));
    let (status, html) = page(&app, Some(&owner), &parts).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<td>Dana Lee</td>"), "{html}");
    assert!(!html.contains(r#"<option value="company" selected"#), "the posted mapping replaced the guess");

    // Step 3: import with the guessed mapping (as the browser posts it back).
    let guessed = ["company", "contact_name", "contact_email", "vat_number", "default_rate", "currency"];
    let mut parts = vec![Part::Field("text", CSV), Part::Field("step", "import")];
    parts.extend(keys.iter().zip(guessed).map(|(key, value)| Part::Field(key, value)));
    let (status, html) = page(&app, Some(&owner), &parts).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Import finished."), "{html}");
    assert!(html.contains("Created: 3") && html.contains("Skipped (name already exists): 0"));
    assert_eq!(client_names(&app).await, ["Acme Industries", "Globex, Inc.", "Initech"]);

    // Posting the same step again (a reload) skips every row instead of duplicating it.
    let (_, html) = page(&app, Some(&owner), &parts).await;
    assert!(html.contains("Created: 0") && html.contains("Skipped (name already exists): 3"), "{html}");
    assert_eq!(client_names(&app).await.len(), 3);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn unreadable_input_comes_back_with_its_reason_and_the_text_kept(pool: sqlx::PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;

    let (status, html) = page(&app, Some(&owner), &[Part::Field("text", "email\nx@y.test\n")]).await;
    assert_eq!(status, StatusCode::OK);
    let error = html.split(r#"id="import-text-error""#).nth(1).expect("the text field's error");
    assert!(error.starts_with(r#" class="field-error">No column holds the client's name"#), "{error}");
    assert!(html.contains("email\nx@y.test"), "the pasted text is back in its field");

    let latin1 = b"company\nCaf\xe9 M\xfcller\n";
    let (status, html) = page(&app, Some(&owner), &[Part::File("file", latin1)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("isn't UTF-8 text"), "{html}");

    let (status, html) = page(&app, Some(&owner), &[Part::Field("text", "")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The file is empty."), "{html}");
    assert!(client_names(&app).await.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_members_who_may_create_clients_import_and_only_from_this_site(pool: sqlx::PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let import = [Part::Field("text", CSV), Part::Field("step", "import")];

    let contractor = app.teammate(&owner, "Cam Contractor", "contractor").await;
    let (status, _) = page(&app, Some(&contractor), &import).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the page is refused as a visit would be");

    let reply = app.send(post(None, &import)).await;
    assert!(reply.status.is_redirection() && reply.location() == Some("/sign-in"), "{:?}", reply.status);

    let mut cross_site = post(Some(&owner), &import);
    cross_site.headers_mut().insert(header::ORIGIN, http::HeaderValue::from_static("https://evil.example"));
    assert_eq!(app.send(cross_site).await.status, StatusCode::FORBIDDEN);
    let mut bare = post(Some(&owner), &import);
    bare.headers_mut().insert(header::HOST, http::HeaderValue::from_static("localhost"));
    assert_eq!(app.send_raw(bare).await.status, StatusCode::FORBIDDEN, "no Origin or Referer");

    assert!(client_names(&app).await.is_empty(), "nothing was imported");
}
