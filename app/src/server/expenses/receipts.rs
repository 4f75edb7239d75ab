//! Receipts: checked from their bytes (the name and the browser's type are not trusted), stored
//! whole in Postgres, served back with a type the bytes proved, and named for the receipts ZIP.

use crate::error::{AppError, AppResult};
use crate::expenses::receipts::{ReceiptProblem, RECEIPT_MAX_BYTES};
use crate::ids::ExpenseId;
use crate::permissions::Permission;
use crate::server::db::expenses as expense_db;
use crate::server::db::receipts::{self as db, NewReceipt, ReceiptEntry, StoredReceipt};
use crate::server::BusinessCtx;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// A receipt that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub mime_type: &'static str,
    pub filename: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Png,
    Jpeg,
    Webp,
    Pdf,
}

impl Kind {
    fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }
}

/// The file extension for a stored type.
pub fn extension(mime_type: &str) -> &'static str {
    match mime_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "pdf",
    }
}

fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// A PDF ends with `startxref`, the offset of its cross-reference data, and `%%EOF`; a file cut
/// short (the usual damage) or whose offset points outside it is refused. Readers repair worse,
/// but a receipt kept for the tax office should open everywhere.
fn pdf_is_whole(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let text = String::from_utf8_lossy(tail);
    let Some(eof) = text.rfind("%%EOF") else { return false };
    let Some(start) = text[..eof].rfind("startxref") else { return false };
    let offset = text[start + "startxref".len()..eof].trim();
    offset.parse::<usize>().is_ok_and(|offset| offset > 0 && offset < bytes.len())
}

/// Whether an image's header is readable and names a real size (decoding the pixels of a 10 MB
/// photo just to store it would cost far more than the upload).
fn image_header_is_sound(bytes: &[u8], kind: Kind) -> bool {
    let format = match kind {
        Kind::Png => image::ImageFormat::Png,
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Webp => image::ImageFormat::WebP,
        Kind::Pdf => return false,
    };
    image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .is_ok_and(|(width, height)| width > 0 && height > 0)
}

/// The uploaded name without folders or control characters, at most 120 characters, ending in
/// the extension of what the bytes are.
pub fn clean_filename(uploaded: &str, mime_type: &str) -> String {
    let base = uploaded.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = base.chars().filter(|c| !c.is_control()).collect();
    let base = base.trim().trim_start_matches('.');
    let extension = extension(mime_type);
    let stem = match base.rsplit_once('.') {
        Some((stem, ext))
            if ext.eq_ignore_ascii_case(extension) || (extension == "jpg" && ext.eq_ignore_ascii_case("jpeg")) =>
        {
            stem
        }
        _ => base,
    };
    let stem: String = stem.trim().chars().take(110).collect();
    let stem = if stem.is_empty() { "receipt".to_owned() } else { stem };
    format!("{stem}.{extension}")
}

/// Checks an upload: not empty, within the limit, a PNG, JPEG, WebP or PDF by its bytes, and
/// whole. CPU-light (headers only), so it runs on the request's task.
pub fn check(bytes: &[u8], uploaded_name: &str) -> Result<Checked, ReceiptProblem> {
    if bytes.is_empty() {
        return Err(ReceiptProblem::Empty);
    }
    if bytes.len() as u64 > RECEIPT_MAX_BYTES {
        return Err(ReceiptProblem::TooLarge);
    }
    let kind = sniff(bytes).ok_or(ReceiptProblem::UnknownType)?;
    let sound = match kind {
        Kind::Pdf => pdf_is_whole(bytes),
        image => image_header_is_sound(bytes, image),
    };
    if !sound {
        return Err(ReceiptProblem::Damaged);
    }
    let sha256 = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Checked { mime_type: kind.mime(), filename: clean_filename(uploaded_name, kind.mime()), sha256 })
}

/// Why an upload failed: a refusal the person can fix, or the app's own error.
#[derive(Debug)]
pub enum UploadError {
    Refused(ReceiptProblem),
    App(AppError),
}

impl From<AppError> for UploadError {
    fn from(error: AppError) -> Self {
        UploadError::App(error)
    }
}

/// Stores (or replaces) the expense's receipt after checking it.
pub async fn upload(ctx: &BusinessCtx, id: ExpenseId, uploaded_name: &str, bytes: &[u8]) -> Result<(), UploadError> {
    ctx.require(Permission::ExpensesEdit)?;
    let checked = check(bytes, uploaded_name).map_err(UploadError::Refused)?;
    let receipt =
        NewReceipt { filename: &checked.filename, mime_type: checked.mime_type, sha256: &checked.sha256, bytes };
    db::put_receipt(&ctx.pool, ctx.business.id, id, ctx.user.id, &receipt).await?;
    Ok(())
}

pub async fn remove(ctx: &BusinessCtx, id: ExpenseId) -> AppResult<()> {
    ctx.require(Permission::ExpensesEdit)?;
    // An expense of another business has no receipt here either: both are NotFound.
    expense_db::get(&ctx.pool, ctx.business.id, id).await?;
    db::remove_receipt(&ctx.pool, ctx.business.id, id).await?;
    Ok(())
}

/// The receipt's bytes, for `expenses.view`. No receipt: `NotFound`.
pub async fn download(ctx: &BusinessCtx, id: ExpenseId) -> AppResult<StoredReceipt> {
    ctx.require(Permission::ExpensesView)?;
    db::receipt(&ctx.pool, ctx.business.id, id).await?.ok_or(AppError::NotFound)
}

/// The most receipts one ZIP holds: 10,000 × up to 10 MB is already far past a year of any small
/// business's receipts; a range with more asks for a narrower one.
pub const ZIP_MAX_RECEIPTS: i64 = 10_000;

/// The receipts of expenses incurred in the range, for the ZIP (`expenses.view`).
pub async fn for_zip(
    ctx: &BusinessCtx,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> AppResult<Vec<ReceiptEntry>> {
    ctx.require(Permission::ExpensesView)?;
    let entries = db::receipts_in_range(&ctx.pool, ctx.business.id, from, to, ZIP_MAX_RECEIPTS + 1).await?;
    if entries.len() as i64 > ZIP_MAX_RECEIPTS {
        return Err(AppError::field(
            "from",
            format!("More than {ZIP_MAX_RECEIPTS} receipts are in this range. Choose a shorter one."),
        ));
    }
    Ok(entries)
}

/// Characters no file system or archive tool minds.
fn safe_part(text: &str, max_chars: usize) -> String {
    let cleaned: String =
        text.chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    // ".." and friends mean "the folder above" to some unzip tools: no word is only dots.
    let words: Vec<&str> = cleaned.split_whitespace().filter(|w| !w.chars().all(|c| c == '.')).collect();
    let joined = words.join(" ");
    let trimmed: String = joined.chars().take(max_chars).collect();
    trimmed.trim().trim_matches('.').trim().to_owned()
}

/// `2026-03-04 Vendor 12.50 EUR.pdf`: the date, who was paid (or what for), the amount; unique
/// within the archive (a repeat gets ` (2)`, ` (3)`, … compared without case, as Windows and
/// macOS do).
pub fn zip_name(entry: &ReceiptEntry, used: &mut HashSet<String>) -> String {
    let who = match safe_part(&entry.vendor, 60) {
        vendor if !vendor.is_empty() => vendor,
        _ => match safe_part(&entry.description, 60) {
            description if !description.is_empty() => description,
            _ => "Receipt".to_owned(),
        },
    };
    let amount = crate::money::format_plain(entry.amount.minor, entry.amount.currency.info().minor_units);
    let stem = format!("{} {who} {amount} {}", entry.incurred_on, entry.amount.currency);
    let extension = extension(&entry.mime_type);
    let mut name = format!("{stem}.{extension}");
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{stem} ({n}).{extension}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{CurrencyCode, Money};
    use chrono::NaiveDate;

    pub(crate) fn png() -> Vec<u8> {
        let image = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("png");
        out
    }

    fn pdf() -> Vec<u8> {
        let body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n".to_vec();
        let xref = body.len();
        let mut pdf = body;
        pdf.extend_from_slice(format!("xref\n0 1\ntrailer<</Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
        pdf
    }

    #[test]
    fn receipts_are_known_by_their_bytes() {
        let checked = check(&png(), "IMG_0001.PNG").expect("a png");
        assert_eq!((checked.mime_type, checked.filename.as_str()), ("image/png", "IMG_0001.png"));
        assert_eq!(checked.sha256.len(), 64);
        let checked = check(&pdf(), "C:\\Users\\me\\Invoice 12.pdf").expect("a pdf");
        assert_eq!((checked.mime_type, checked.filename.as_str()), ("application/pdf", "Invoice 12.pdf"));
        let disguised = check(&pdf(), "photo.jpg").expect("a pdf named .jpg");
        assert_eq!(disguised.filename, "photo.jpg.pdf", "the true type's extension is added");
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(check(b"", "a.pdf"), Err(ReceiptProblem::Empty));
        assert_eq!(check(&vec![b'%'; RECEIPT_MAX_BYTES as usize + 1], "a.pdf"), Err(ReceiptProblem::TooLarge));
        assert_eq!(check(b"<html><script>alert(1)</script>", "receipt.pdf"), Err(ReceiptProblem::UnknownType));
        assert_eq!(check(b"GIF89a......", "receipt.png"), Err(ReceiptProblem::UnknownType));
        let whole = pdf();
        assert_eq!(check(&whole[..whole.len() - 12], "cut.pdf"), Err(ReceiptProblem::Damaged), "cut short");
        assert_eq!(check(b"%PDF-1.7\nstartxref\n999999\n%%EOF", "lies.pdf"), Err(ReceiptProblem::Damaged));
        let image = png();
        assert_eq!(check(&image[..20], "cut.png"), Err(ReceiptProblem::Damaged), "a header cut short");
    }

    #[test]
    fn filenames_lose_folders_and_control_characters() {
        assert_eq!(clean_filename("../../etc/passwd", "application/pdf"), "passwd.pdf");
        assert_eq!(clean_filename("", "image/jpeg"), "receipt.jpg");
        assert_eq!(clean_filename("scan\u{0}\n.JPEG", "image/jpeg"), "scan.jpg");
        assert_eq!(clean_filename(".hidden", "image/webp"), "hidden.webp");
        assert!(clean_filename(&"x".repeat(400), "application/pdf").chars().count() <= 120);
    }

    fn entry(vendor: &str, description: &str, minor: i64, currency: &str, mime: &str) -> ReceiptEntry {
        ReceiptEntry {
            expense_id: ExpenseId(uuid::Uuid::now_v7()),
            incurred_on: NaiveDate::from_ymd_opt(2026, 3, 4).expect("date"),
            vendor: vendor.into(),
            description: description.into(),
            amount: Money::new(minor, CurrencyCode::parse(currency).expect("code")),
            mime_type: mime.into(),
            size_bytes: 1,
        }
    }

    #[test]
    fn zip_names_are_readable_safe_and_unique() {
        let mut used = HashSet::new();
        let pdf = "application/pdf";
        assert_eq!(zip_name(&entry("Vendor", "x", 1250, "EUR", pdf), &mut used), "2026-03-04 Vendor 12.50 EUR.pdf");
        assert_eq!(zip_name(&entry("Vendor", "y", 1250, "EUR", pdf), &mut used), "2026-03-04 Vendor 12.50 EUR (2).pdf");
        assert_eq!(zip_name(&entry("VENDOR", "z", 1250, "EUR", pdf), &mut used), "2026-03-04 VENDOR 12.50 EUR (3).pdf");
        assert_eq!(
            zip_name(&entry("../../a:b*c?", "", 1500, "JPY", "image/jpeg"), &mut used),
            "2026-03-04 a b c 1500 JPY.jpg"
        );
        assert_eq!(
            zip_name(&entry("", "Taxi home", 99, "GBP", "image/png"), &mut used),
            "2026-03-04 Taxi home 0.99 GBP.png"
        );
        assert_eq!(
            zip_name(&entry(" ", "\u{1}", 100_000, "USD", pdf), &mut used),
            "2026-03-04 Receipt 1000.00 USD.pdf"
        );
    }
}
