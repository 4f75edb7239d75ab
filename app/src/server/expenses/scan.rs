//! Receipt scanning (PRODUCT §3.11, §8.3): an optional OpenAI-compatible chat-completions service
//! reads a photo of a receipt and suggests the new expense's fields. Without a configured key the
//! feature is hidden. What the service answers is only a suggestion: every field goes through the
//! form's own validation when the person saves, and anything unreadable is left empty.

use crate::expenses::ExpenseForm;
use crate::money::{parse_amount, CurrencyCode};
use secrecy::SecretString;

/// The service: `CLERQ_RECEIPT_SCAN_URL` (the API's base, e.g. `https://api.openai.com/v1` or
/// `https://openrouter.ai/api/v1`), `CLERQ_RECEIPT_SCAN_KEY`, `CLERQ_RECEIPT_SCAN_MODEL`.
#[derive(Clone)]
pub struct ScanService {
    pub base_url: String,
    pub key: SecretString,
    pub model: String,
}

impl std::fmt::Debug for ScanService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanService").field("base_url", &self.base_url).field("model", &self.model).finish()
    }
}

/// The largest image sent to the service.
pub const SCAN_MAX_BYTES: usize = 2 * 1024 * 1024;

/// What the model is asked to do.
pub const INSTRUCTIONS: &str = "You read photos of receipts for a bookkeeping app. Answer with one JSON object and nothing else, with these keys: \"description\" (what was bought, a few words), \"vendor\" (the shop or company), \"amount\" (the total paid, as a decimal string with a dot, e.g. \"23.40\"), \"currency\" (the ISO 4217 code, e.g. \"EUR\"), \"date\" (YYYY-MM-DD) and \"category\" (one or two words, e.g. \"Meals\", \"Travel\", \"Software\"). Use null for anything you cannot read.";

/// PNG or JPEG, by its bytes: what vision models accept everywhere.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

fn text(value: &serde_json::Value, key: &str, max_chars: usize) -> String {
    let raw = match &value[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    crate::validation::single_line(&raw).unwrap_or_default().chars().take(max_chars).collect()
}

/// The form fields a model's answer suggests (the JSON object it was asked for), each kept only
/// when it is valid on its own; `None` when nothing usable came back.
pub fn suggestion(answer: &str) -> Option<ExpenseForm> {
    // Models sometimes wrap JSON in a Markdown fence.
    let trimmed = answer.trim().trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```");
    let value: serde_json::Value = serde_json::from_str(trimmed.trim()).ok()?;
    let currency = CurrencyCode::parse(&text(&value, "currency", 3).to_ascii_uppercase()).ok();
    let amount = text(&value, "amount", 30).replace(',', ".");
    let amount = match currency {
        Some(code) if parse_amount(&amount, code.info().minor_units).is_ok_and(|minor| minor > 0) => amount,
        _ => String::new(),
    };
    let date = text(&value, "date", 10);
    let form = ExpenseForm {
        description: text(&value, "description", crate::expenses::DESCRIPTION_MAX_CHARS),
        amount,
        currency: currency.map(|c| c.to_string()).unwrap_or_default(),
        incurred_on: if crate::validation::date(&date).is_ok() { date } else { String::new() },
        vendor: text(&value, "vendor", crate::expenses::VENDOR_MAX_CHARS),
        category: text(&value, "category", crate::expenses::CATEGORY_MAX_CHARS),
        ..ExpenseForm::default()
    };
    let found = [&form.description, &form.amount, &form.incurred_on, &form.vendor].iter().any(|f| !f.is_empty());
    found.then_some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_models_answer_becomes_checked_suggestions() {
        let answer = r#"```json
        {"description": "Lunch with client", "vendor": "Café Nord", "amount": "23,40", "currency": "eur", "date": "2026-03-04", "category": "Meals"}
        ```"#;
        let form = suggestion(answer).expect("fields");
        assert_eq!(
            (form.description.as_str(), form.vendor.as_str(), form.amount.as_str(), form.currency.as_str()),
            ("Lunch with client", "Café Nord", "23.40", "EUR")
        );
        assert_eq!((form.incurred_on.as_str(), form.category.as_str()), ("2026-03-04", "Meals"));
    }

    #[test]
    fn what_does_not_validate_is_left_empty() {
        let form =
            suggestion(r#"{"description": "Taxi", "amount": "12.345", "currency": "EUR", "date": "04/03/2026"}"#)
                .expect("a description");
        assert_eq!((form.amount.as_str(), form.incurred_on.as_str()), ("", ""), "three decimals, not ISO");
        let form = suggestion(r#"{"vendor": "Shop", "amount": 9.5, "currency": "XYZ"}"#).expect("a vendor");
        assert_eq!((form.amount.as_str(), form.currency.as_str()), ("", ""), "no amount without a known currency");
        assert_eq!(suggestion("I cannot read this receipt."), None);
        assert_eq!(suggestion(r#"{"description": null, "amount": null}"#), None);
    }

    #[test]
    fn only_png_and_jpeg_are_sent() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"%PDF-1.4"), None);
    }
}
