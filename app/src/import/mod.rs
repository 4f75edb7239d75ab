//! Client CSV import: map columns to client fields, preview, then create the clients whose names
//! don't exist yet (so re-running an import is safe). Values are stored as text, never evaluated:
//! a cell like `=SUM(A1)` is just a name or a note.

pub mod csv;

use crate::clients::form::{ClientForm, ContactForm};
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a column of the file becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Ignore,
    Name,
    Company,
    ContactName,
    ContactEmail,
    VatNumber,
    Notes,
    DefaultRate,
    Currency,
    Address,
    Country,
}

impl Target {
    pub const ALL: [Target; 11] = [
        Target::Ignore,
        Target::Name,
        Target::Company,
        Target::ContactName,
        Target::ContactEmail,
        Target::VatNumber,
        Target::Notes,
        Target::DefaultRate,
        Target::Currency,
        Target::Address,
        Target::Country,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Target::Ignore => "ignore",
            Target::Name => "name",
            Target::Company => "company",
            Target::ContactName => "contact_name",
            Target::ContactEmail => "contact_email",
            Target::VatNumber => "vat_number",
            Target::Notes => "notes",
            Target::DefaultRate => "default_rate",
            Target::Currency => "currency",
            Target::Address => "address",
            Target::Country => "country",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Target::Ignore => "Don't import",
            Target::Name => "Client name",
            Target::Company => "Company",
            Target::ContactName => "Contact name",
            Target::ContactEmail => "Contact e-mail",
            Target::VatNumber => "VAT number",
            Target::Notes => "Notes",
            Target::DefaultRate => "Default hourly rate",
            Target::Currency => "Rate currency",
            Target::Address => "Address",
            Target::Country => "Country code",
        }
    }

    pub fn parse(key: &str) -> Target {
        Self::ALL.into_iter().find(|t| t.key() == key.trim()).unwrap_or(Target::Ignore)
    }

    /// Clerq's guess for a header: case, spaces and punctuation don't matter.
    pub fn guess(header: &str) -> Target {
        let normalized: String = header.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        match normalized.as_str() {
            "name" | "client" | "clientname" | "customer" | "customername" => Target::Name,
            "company" | "companyname" | "organisation" | "organization" | "business" | "businessname" => {
                Target::Company
            }
            "contact" | "contactname" | "contactperson" | "person" | "fullname" => Target::ContactName,
            "email" | "emailaddress" | "contactemail" | "mail" => Target::ContactEmail,
            "vat" | "vatnumber" | "vatno" | "vatid" | "taxid" | "taxnumber" => Target::VatNumber,
            "notes" | "note" | "comments" | "comment" => Target::Notes,
            "rate" | "defaultrate" | "hourlyrate" | "rateperhour" => Target::DefaultRate,
            "currency" | "ccy" | "ratecurrency" => Target::Currency,
            "address" | "billingaddress" | "postaladdress" => Target::Address,
            "country" | "countrycode" | "iso" => Target::Country,
            _ => Target::Ignore,
        }
    }
}

/// One mapping per column; each field is taken by at most its first column.
pub fn auto_map(headers: &[String]) -> Vec<Target> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let target = Target::guess(h);
            if target == Target::Ignore || taken.contains(&target) {
                Target::Ignore
            } else {
                taken.push(target);
                target
            }
        })
        .collect()
}

/// A data row after mapping: the values for each client field (empty when unmapped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: usize,
    pub name: String,
    pub company: String,
    pub contact_name: String,
    pub contact_email: String,
    pub vat_number: String,
    pub notes: String,
    pub default_rate: String,
    pub currency: String,
    pub address: String,
    #[serde(default)]
    pub country: String,
}

impl ImportRow {
    /// The client form this row stands for. Without a name column the company names the client;
    /// a rate without a currency is in the business's currency, per hour.
    pub fn to_form(&self, default_currency: &str) -> ClientForm {
        let name = if self.name.trim().is_empty() { self.company.clone() } else { self.name.clone() };
        let has_rate = !self.default_rate.trim().is_empty();
        let currency =
            if self.currency.trim().is_empty() { default_currency.to_owned() } else { self.currency.clone() };
        // A file with e-mail addresses but no contact names still gets its contacts, named by address.
        let contact_name =
            if self.contact_name.trim().is_empty() { self.contact_email.clone() } else { self.contact_name.clone() };
        let contact = ContactForm { name: contact_name, email: self.contact_email.clone(), role: String::new() };
        ClientForm {
            name,
            company: self.company.clone(),
            address: self.address.clone(),
            vat_number: self.vat_number.clone(),
            country: self.country.clone(),
            notes: self.notes.clone(),
            contacts: vec![contact],
            rate_amount: has_rate.then(|| self.default_rate.clone()),
            rate_currency: has_rate.then_some(currency),
            rate_unit: has_rate.then(|| "hour".to_owned()),
            ..ClientForm::default()
        }
    }

    /// The first problem with this row, phrased for the preview.
    pub fn problem(&self, default_currency: &str) -> Option<String> {
        if self.name.trim().is_empty() && self.company.trim().is_empty() {
            return Some("No client name or company.".to_owned());
        }
        let errors = self.to_form(default_currency).validate().err()?;
        let (field, message) = errors.iter().next()?;
        let label = match field {
            "name" => "Name",
            "rate_amount" | "rate_currency" | "rate_unit" => "Rate",
            "contacts.0.email" => "E-mail",
            "contacts.0.name" => "Contact",
            "vat_number" => "VAT number",
            "country" => "Country",
            _ => "Value",
        };
        Some(format!("{label}: {message}"))
    }
}

pub fn map_rows(table: &csv::Table, mapping: &[Target]) -> Vec<ImportRow> {
    table
        .rows
        .iter()
        .map(|(line, cells)| {
            let mut row = ImportRow { line: *line, ..ImportRow::default() };
            for (cell, target) in cells.iter().zip(mapping) {
                let slot = match target {
                    Target::Ignore => continue,
                    Target::Name => &mut row.name,
                    Target::Company => &mut row.company,
                    Target::ContactName => &mut row.contact_name,
                    Target::ContactEmail => &mut row.contact_email,
                    Target::VatNumber => &mut row.vat_number,
                    Target::Notes => &mut row.notes,
                    Target::DefaultRate => &mut row.default_rate,
                    Target::Currency => &mut row.currency,
                    Target::Address => &mut row.address,
                    Target::Country => &mut row.country,
                };
                *slot = cell.trim().to_owned();
            }
            row
        })
        .collect()
}

/// Mapping keys as posted (`mapping[0]=name`…), completed or cut to the column count.
pub fn mapping_from(keys: &[String], headers: &[String]) -> Vec<Target> {
    if keys.is_empty() {
        return auto_map(headers);
    }
    (0..headers.len()).map(|i| keys.get(i).map_or(Target::Ignore, |k| Target::parse(k))).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: ImportRow,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAnalysis {
    pub headers: Vec<String>,
    pub mapping: Vec<Target>,
    pub total_rows: usize,
    pub preview: Vec<PreviewRow>,
    pub rows_with_problems: usize,
    pub default_currency: String,
}

pub const PREVIEW_ROWS: usize = 10;
/// Rows per request when the browser imports in chunks (and shows progress).
pub const CHUNK_ROWS: usize = 500;

/// Parses and maps the text; a fatal CSV problem becomes a `text` field error.
pub fn analyze(
    text: &str,
    mapping: &[String],
    default_currency: &str,
) -> Result<(ImportAnalysis, Vec<ImportRow>), String> {
    let table = csv::parse(text).map_err(|e| e.to_string())?;
    let mapping = mapping_from(mapping, &table.headers);
    if !mapping.iter().any(|t| matches!(t, Target::Name | Target::Company)) {
        return Err("No column holds the client's name: map one to \"Client name\" or \"Company\".".to_owned());
    }
    let rows = map_rows(&table, &mapping);
    let problems: Vec<Option<String>> = rows.iter().map(|r| r.problem(default_currency)).collect();
    let preview = rows
        .iter()
        .zip(&problems)
        .take(PREVIEW_ROWS)
        .map(|(row, problem)| PreviewRow { row: row.clone(), problem: problem.clone() })
        .collect();
    Ok((
        ImportAnalysis {
            headers: table.headers,
            mapping,
            total_rows: rows.len(),
            preview,
            rows_with_problems: problems.iter().filter(|p| p.is_some()).count(),
            default_currency: default_currency.to_owned(),
        },
        rows,
    ))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub created: usize,
    pub skipped: usize,
    pub failed: usize,
    /// (line, message) for the rows that failed, first 200.
    pub failures: Vec<(usize, String)>,
}

impl ImportOutcome {
    pub fn add(&mut self, other: ImportOutcome) {
        self.created += other.created;
        self.skipped += other.skipped;
        self.failed += other.failed;
        self.failures.extend(other.failures);
        self.failures.truncate(200);
    }
}

/// The import page's address: it also answers the wizard's form posts (multipart, so a file can be
/// uploaded without JavaScript), rendering the step the post asks for.
pub const IMPORT_PAGE: &str = "/settings/import";

/// What a post of the import page renders. The whole state of the wizard travels in the posts (the
/// CSV text in a hidden field), none of it in the browser's memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostedImport {
    /// Step 1 again: the text could not be read (or mapped), with the reason; the text is kept.
    Unreadable { text: String, message: String },
    /// Step 2: the mapping and preview of `text`.
    Preview { text: String, analysis: ImportAnalysis },
    /// Step 3: what the import did.
    Imported(ImportOutcome),
    /// The import itself failed (a permission, or an error on our side); nothing was half-done.
    Refused(String),
}

/// The posted step, given to the page by the server's import handler; `None` on a plain visit
/// (and always in the browser, which reads the server's answer from the page instead).
pub fn posted_import() -> Option<PostedImport> {
    #[cfg(feature = "ssr")]
    return use_context::<PostedImport>();
    #[cfg(not(feature = "ssr"))]
    return None;
}

/// Step 2 of the wizard: the mapping Clerq guessed (or the one posted) and the first rows.
#[server(prefix = "/api", endpoint = "import/analyze")]
pub async fn analyze_import(text: String, #[server(default)] mapping: Vec<String>) -> AppResult<ImportAnalysis> {
    crate::server::import::analyze(&crate::server::business()?, &text, &mapping).map(|(analysis, _)| analysis)
}

/// Imports the whole file in one request (the path without JavaScript); the result comes back in
/// the redirect's query string.
#[server(prefix = "/api", endpoint = "import/clients")]
pub async fn import_clients(text: String, #[server(default)] mapping: Vec<String>) -> AppResult<ImportOutcome> {
    let ctx = crate::server::business()?;
    let (_, rows) = crate::server::import::analyze(&ctx, &text, &mapping)?;
    let outcome = crate::server::import::import(&ctx, &rows).await?;
    leptos_axum::redirect(&format!(
        "/settings/import?created={}&skipped={}&failed={}",
        outcome.created, outcome.skipped, outcome.failed
    ));
    Ok(outcome)
}

/// Imports up to 500 mapped rows; the browser sends a large file in chunks and shows progress.
#[server(prefix = "/api", endpoint = "import/rows", input = server_fn::codec::Json)]
pub async fn import_client_rows(rows: Vec<ImportRow>) -> AppResult<ImportOutcome> {
    if rows.len() > CHUNK_ROWS {
        return Err(crate::error::AppError::field("rows", format!("Send at most {CHUNK_ROWS} rows at a time.")));
    }
    crate::server::import::import(&crate::server::business()?, &rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_map_to_fields_whatever_their_spelling() {
        let headers: Vec<String> = [
            "company",
            "Contact Name",
            "E-mail",
            "VAT number",
            "default_rate",
            "Currency",
            "Notes",
            "Address",
            "Country",
            "whatever",
        ]
        .map(String::from)
        .to_vec();
        let keys: Vec<&str> = auto_map(&headers).into_iter().map(Target::key).collect();
        assert_eq!(
            keys,
            [
                "company",
                "contact_name",
                "contact_email",
                "vat_number",
                "default_rate",
                "currency",
                "notes",
                "address",
                "country",
                "ignore"
            ]
        );
    }

    #[test]
    fn a_country_column_becomes_the_clients_country_code() {
        let row = ImportRow { name: "Acme".into(), country: "nl".into(), ..ImportRow::default() };
        let input = row.to_form("EUR").validate().expect("valid");
        assert_eq!(input.country_code.as_deref(), Some("NL"));
        let narnia = ImportRow { country: "Narnia".into(), ..row };
        assert!(narnia.problem("EUR").expect("a problem").contains("two-letter ISO code"));
    }

    #[test]
    fn a_field_is_mapped_from_its_first_column_only() {
        let headers: Vec<String> = ["email", "mail"].map(String::from).to_vec();
        assert_eq!(auto_map(&headers), [Target::ContactEmail, Target::Ignore]);
    }

    #[test]
    fn the_documented_example_imports_with_the_company_as_name() {
        let text = "company,contact_name,email,vat_number,default_rate,currency\n\
                    Acme Industries,Dana Lee,dana@acme.test,GB123456789,95,GBP\n\
                    Globex,Hank Scorpio,hank@globex.test,,120.50,EUR\n";
        let (analysis, rows) = analyze(text, &[], "EUR").expect("valid");
        assert_eq!(analysis.total_rows, 2);
        assert_eq!(analysis.rows_with_problems, 0);
        let input = rows[0].to_form("EUR").validate().expect("valid");
        assert_eq!(input.name, "Acme Industries");
        assert_eq!(input.contacts[0].email, "dana@acme.test");
        let rate = input.pricing.and_then(|p| p.default_rate).expect("rate");
        assert_eq!(rate.format(), "95.00 GBP/h");
    }

    #[test]
    fn bad_rows_are_reported_without_stopping_the_others() {
        let text = "name,email,rate\nGood,ok@x.test,10\n,nobody@x.test,\nBad mail,not-an-email,\nBad rate,,12.345\n";
        let (analysis, _) = analyze(text, &[], "EUR").expect("valid");
        let problems: Vec<Option<&str>> = analysis.preview.iter().map(|p| p.problem.as_deref()).collect();
        assert_eq!(problems[0], None);
        assert_eq!(problems[1], Some("No client name or company."));
        assert!(problems[2].is_some_and(|p| p.starts_with("E-mail:")), "{problems:?}");
        assert_eq!(problems[3], Some("Rate: Use at most 2 decimals."));
        assert_eq!(analysis.rows_with_problems, 3);
    }

    #[test]
    fn a_file_without_a_name_column_is_refused() {
        let error = analyze("email\nx@y.test\n", &[], "EUR").unwrap_err();
        assert!(error.starts_with("No column holds the client's name"), "{error}");
        let explicit = analyze("email\nx@y.test\n", &["name".into()], "EUR").expect("mapped by hand");
        assert_eq!(explicit.0.mapping, [Target::Name]);
    }
}
