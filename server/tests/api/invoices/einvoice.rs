//! E-invoices (issue 19): issued invoices and credit notes, downloaded through the router as CII,
//! UBL and Factur-X PDF, pass the official XSDs and EN 16931 Schematron rules
//! (`scripts/einvoice-check.py`); what is missing is listed, and refuses issuing once the business
//! makes e-invoices.

use super::{conflict, generate_form, ops, project, task, time, World};
use app::clients::form::ClientForm;
use app::ids::{ClientId, InvoiceId};
use app::invoices::credit::CreditForm;
use app::invoices::forms::InvoiceSettingsForm;
use http::StatusCode;
use sqlx::PgPool;
use std::path::{Path, PathBuf};

fn settings(einvoicing: bool) -> InvoiceSettingsForm {
    InvoiceSettingsForm {
        vat_rate: "21".into(),
        vat_number: "DE123456789".into(),
        payment_terms: "14".into(),
        country: "DE".into(),
        einvoicing: einvoicing.then(|| "on".into()),
    }
}

async fn make_einvoices(w: &World, on: bool) {
    ops::update_settings(&w.ctx().await, settings(on).validate().expect("valid")).await.expect("settings");
}

/// A Dutch client with everything an e-invoice names.
async fn dutch_client(w: &World) -> ClientId {
    let form = ClientForm {
        name: "Jan de Vries".into(),
        company: "Acme BV".into(),
        address: "Damrak 1\n1012 LG Amsterdam".into(),
        company_number: "12345678".into(),
        vat_number: "NL123456789B01".into(),
        country: "nl".into(),
        ..ClientForm::default()
    };
    app::server::clients::create(&w.ctx().await, form.validate().expect("valid client")).await.expect("client")
}

async fn draft_for(w: &World, client: ClientId, treatment: &str) -> InvoiceId {
    let mut form = w.draft_form("2026-11-20", treatment);
    form.client_id = client.to_string();
    w.draft_with(form).await
}

async fn download(w: &World, path: &str) -> Vec<u8> {
    let reply = w.app.get(path, Some(&w.owner_cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    reply.body
}

/// Writes the invoice's (or credit note's) three files into `dir` under the names the routes give.
async fn save_all(w: &World, dir: &Path, base: &str) {
    for syntax in ["cii", "ubl"] {
        let path = format!("{base}/xml/{syntax}");
        let reply = w.app.get(&path, Some(&w.owner_cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        assert_eq!(reply.headers["content-type"], "application/xml; charset=utf-8");
        let disposition = reply.headers["content-disposition"].to_str().expect("ascii").to_owned();
        let name = disposition.trim_start_matches("attachment; filename=\"").trim_end_matches('"');
        assert!(name.ends_with(&format!(".{syntax}.xml")), "{name}");
        std::fs::write(dir.join(name), &reply.body).expect("written");
        if syntax == "cii" {
            let pdf = download(w, &format!("{base}/pdf")).await;
            std::fs::write(dir.join(name.replace(".cii.xml", ".pdf")), pdf).expect("written");
        }
    }
}

/// The interpreter with factur-x and saxonche (`scripts/ensure-tools.sh` makes it).
fn validator_python() -> PathBuf {
    let python = std::env::var_os("CLERQ_EINVOICE_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/clerq/einvoice-venv/bin/python")
    });
    assert!(
        python.exists(),
        "{} is missing: run ./scripts/ensure-tools.sh to install the e-invoice validators",
        python.display()
    );
    python
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn invoices_and_credit_notes_pass_the_en16931_rules_in_cii_ubl_and_factur_x(pool: PgPool) {
    let w = World::new(pool).await;
    make_einvoices(&w, true).await;
    let client = dutch_client(&w).await;

    // Standard rate with hours from time (HUR lines) and a fixed line, then three partial credits
    // whose VAT is a cumulative difference (one of them is 2.34 on 11.11).
    let standard = draft_for(&w, client, "standard").await;
    let site = project(&w.ctx().await, client, "Site").await;
    let design = task(&w.ctx().await, site, "Design").await;
    w.log(time(design, "2026-11-16T09:00:00Z", 70)).await;
    w.generate(standard, generate_form("single")).await.expect("generated");
    w.add_line(standard, "Hosting <EU> & support", "33.33").await;
    w.issue(standard).await;
    for _ in 0..2 {
        let line = w.invoice(standard).await.lines[1].id.to_string();
        let form = CreditForm { reason: "Discount".into(), lines: vec![line], amounts: vec!["11.11".into()] };
        ops::credit(&w.ctx().await, standard, &form).await.expect("credited");
    }
    // Reverse charge, paid; and zero-rated.
    let reverse = draft_for(&w, client, "reverse_charge").await;
    w.add_line(reverse, "Consulting", "1200.00").await;
    w.issue(reverse).await;
    ops::mark_paid(&w.ctx().await, reverse, None).await.expect("paid");
    let everything = CreditForm { reason: "Cancelled".into(), ..CreditForm::default() };
    let everything = CreditForm {
        lines: vec![w.invoice(reverse).await.lines[0].id.to_string()],
        amounts: vec!["1200.00".into()],
        ..everything
    };
    ops::credit(&w.ctx().await, reverse, &everything).await.expect("credited");
    let zero = draft_for(&w, client, "zero_rated").await;
    w.add_line(zero, "Export", "99.99").await;
    w.issue(zero).await;

    let dir = std::env::temp_dir().join(format!("clerq-einvoices-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    for id in [standard, reverse, zero] {
        save_all(&w, &dir, &format!("/api/invoices/{id}")).await;
        for note in w.invoice(id).await.credit_notes {
            save_all(&w, &dir, &format!("/api/credit-notes/{}", note.id)).await;
        }
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 6 * 3, "{files:?}");
    assert!(files.contains(&"credit-note-CN-2026-0003.cii.xml".to_owned()), "{files:?}");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/einvoice-check.py");
    let output = std::process::Command::new(validator_python()).arg(script).arg(&dir).output().expect("validator ran");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "the e-invoices failed validation:\n{report}");
    assert_eq!(report.matches("\nok   ").count() + usize::from(report.starts_with("ok   ")), 18, "{report}");

    // A name the embedded fonts cannot draw (PDF/A forbids it): the plain PDF, not an error.
    let tokyo = ClientForm { company: "株式会社アクメ".into(), country: "JP".into(), ..ClientForm::default() };
    let tokyo = ClientForm { name: "Acme Japan".into(), ..tokyo };
    let tokyo = app::server::clients::create(&w.ctx().await, tokyo.validate().expect("valid")).await.expect("client");
    let japanese = draft_for(&w, tokyo, "zero_rated").await;
    w.add_line(japanese, "Design", "10.00").await;
    w.issue(japanese).await;
    let pdf = download(&w, &format!("/api/invoices/{japanese}/pdf")).await;
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(!pdf.windows(12).any(|bytes| bytes == b"factur-x.xml"), "the plain PDF, without the XML");
    let xml = download(&w, &format!("/api/invoices/{japanese}/xml/cii")).await;
    assert!(String::from_utf8(xml).expect("utf-8").contains("株式会社アクメ"));

    // What the XML says matches the invoice: hours, the credited VAT and the reference.
    let cii = String::from_utf8(download(&w, &format!("/api/invoices/{standard}/xml/cii")).await).expect("utf-8");
    assert!(cii.contains("<ram:BilledQuantity unitCode=\"HUR\">1.166667</ram:BilledQuantity>"), "{cii}");
    assert!(cii.contains("<ram:Name>Hosting &lt;EU&gt; &amp; support</ram:Name>"));
    let second = w.invoice(standard).await.credit_notes[1].id;
    let note = String::from_utf8(download(&w, &format!("/api/credit-notes/{second}/xml/ubl")).await).expect("utf-8");
    assert!(note.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
    assert!(note.contains("<cbc:TaxAmount currencyID=\"EUR\">2.34</cbc:TaxAmount>"), "{note}");
    assert!(note.contains("<cbc:ID>2026-0001</cbc:ID>"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn what_an_e_invoice_lacks_is_listed_and_refuses_issuing_once_they_are_made(pool: PgPool) {
    let w = World::new(pool).await;
    // E-invoices off: Acme has no country, an invoice issues, its PDF is plain and its XML refused.
    make_einvoices(&w, false).await;
    let plain = w.ready("2026-11-20").await;
    w.issue(plain).await;
    let invoice = w.invoice(plain).await;
    assert!(!invoice.einvoice.enabled);
    assert_eq!(invoice.einvoice.missing, ["the client's country code (on the client's page)"]);
    let pdf = download(&w, &format!("/api/invoices/{plain}/pdf")).await;
    assert!(!pdf.windows(12).any(|bytes| bytes == b"factur-x.xml"), "a plain PDF carries no XML");
    let refused = w.app.get(&format!("/api/invoices/{plain}/xml/cii"), Some(&w.owner_cookie)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("To make an e-invoice, add the client's country code"), "{}", refused.text());

    // On: the same gap now stops a draft from being issued, and says how to fix it.
    make_einvoices(&w, true).await;
    let draft = w.ready("2026-11-21").await;
    assert!(w.invoice(draft).await.einvoice.enabled);
    let message = conflict(ops::issue(&w.ctx().await, draft).await);
    assert_eq!(message, "To make an e-invoice, add the client's country code (on the client's page).");
    let draft_xml = w.app.get(&format!("/api/invoices/{draft}/xml/ubl"), Some(&w.owner_cookie)).await;
    assert_eq!(draft_xml.status, StatusCode::CONFLICT, "a draft has no number yet");

    // Settings refuse e-invoices without the business's own country and VAT number.
    let bare = InvoiceSettingsForm { country: String::new(), vat_number: String::new(), ..settings(true) };
    let errors = bare.validate().expect_err("refused");
    assert_eq!(errors.get("country"), Some("E-invoices need your country: enter its two-letter code."));

    // A void invoice is no e-invoice any more.
    let client = dutch_client(&w).await;
    let void = draft_for(&w, client, "standard").await;
    w.add_line(void, "Design", "100.00").await;
    w.issue(void).await;
    ops::void(&w.ctx().await, void, "Sent twice").await.expect("void");
    let refused = w.app.get(&format!("/api/invoices/{void}/xml/cii"), Some(&w.owner_cookie)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());

    // A VAT number without its country prefix, and a currency with three decimals.
    let kuwait = InvoiceSettingsForm { vat_number: "123456789".into(), ..settings(true) };
    ops::update_settings(&w.ctx().await, kuwait.validate().expect("valid")).await.expect("settings");
    let mut form = w.draft_form("2026-11-22", "zero_rated");
    form.client_id = client.to_string();
    form.currency = "KWD".into();
    let dinars = w.draft_with(form).await;
    assert_eq!(
        w.invoice(dinars).await.einvoice.missing,
        [
            "your VAT number with its country prefix, like DE123456789 (Settings, Invoices)",
            "a currency with at most two decimals (EN 16931 allows no more)"
        ]
    );

    // Elsewhere, or a syntax that does not exist: not found.
    let stranger = w.app.owner_of("Elsewhere", &crate::common::email("stranger")).await;
    assert_eq!(
        w.app.get(&format!("/api/invoices/{plain}/xml/cii"), Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.app.get(&format!("/api/invoices/{plain}/xml/pdf"), Some(&w.owner_cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.app.get(&format!("/api/invoices/{plain}/xml/cii"), None).await.status, StatusCode::UNAUTHORIZED);
}
