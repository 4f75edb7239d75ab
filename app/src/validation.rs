//! Field errors and the pure validators shared by the browser and the server, so both sides give
//! the same message for the same input.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages keyed by form field name (`FieldErrors::FORM` for errors about the whole form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub const FORM: &'static str = "form";

    pub fn new() -> Self {
        Self::default()
    }

    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Keeps the first message per field: it is the most basic problem to fix.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_insert_with(|| message.into());
    }

    /// Records the error of `result` under `field` and passes the value on.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(())` when nothing was recorded, so validators can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Records the error of a money or rate parser, which names the part it is about (`amount`,
    /// `currency`, `unit`), under that part's key in `group` (see [`money_key`]).
    pub fn check_money<T>(&mut self, group: &str, result: Result<T, (&'static str, String)>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err((part, message)) => {
                self.add(&money_key(group, part), message);
                None
            }
        }
    }

    pub fn summary(&self) -> String {
        match (self.get(Self::FORM), self.0.len()) {
            (Some(message), _) => message.to_owned(),
            (None, 1) => self.0.values().next().cloned().unwrap_or_default(),
            _ => "Please correct the highlighted fields.".to_owned(),
        }
    }
}

/// The parts of a money or rate field group, in the order `MoneyFields` shows them.
pub const MONEY_PARTS: [&str; 3] = ["amount", "currency", "unit"];

/// The one spelling of a money field's name and error key: `rate_amount`, `budget_currency`, …
pub fn money_key(group: &str, part: &str) -> String {
    format!("{group}_{part}")
}

pub const CONTROL_CHARACTERS: &str = "Remove the control characters (like NUL) from this text.";

/// Characters that change how the text around them is displayed while being invisible themselves:
/// bidi overrides and isolates, zero-width spaces and joiners, the BOM. In names shown to
/// teammates they can disguise one name as another, so names lose them.
fn is_invisible_formatting(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// One line of text as typed: trimmed, invisible formatting removed, control characters (NUL,
/// tabs, line breaks, escapes) refused, because Postgres cannot store NUL and the rest has no
/// place in a name or title.
pub fn single_line(input: &str) -> Result<String, String> {
    let text: String = input.trim().chars().filter(|c| !is_invisible_formatting(*c)).collect();
    if text.chars().any(char::is_control) {
        Err(CONTROL_CHARACTERS.into())
    } else {
        Ok(text.trim().to_owned())
    }
}

/// Several lines as typed (addresses, notes): line breaks and tabs stay, trailing spaces and
/// other control characters do not; `\r\n` becomes `\n`.
pub fn multi_line(input: &str) -> Result<String, String> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(CONTROL_CHARACTERS.into());
    }
    Ok(text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned())
}

/// Dates people can mean: from 1900 to 9999. Anything outside is a typo (or a probe), and keeping
/// to it means date arithmetic on user input can never overflow.
pub fn in_date_range(date: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (1900..=9999).contains(&date.year())
}

/// A `YYYY-MM-DD` date between 1900 and 9999.
pub fn date(input: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| in_date_range(*d))
        .ok_or_else(|| "Enter a date like 2026-11-25, between the years 1900 and 9999.".to_owned())
}

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 100;
pub const EMAIL_MAX_CHARS: usize = 254;

/// Trims and checks an e-mail address. Deliberately permissive (the only real test of an address is
/// mail reaching it) but rejects what can never be one.
pub fn email(input: &str) -> Result<String, String> {
    let email = input.trim();
    if email.is_empty() {
        return Err("Enter your e-mail address.".into());
    }
    let valid = email.chars().count() <= EMAIL_MAX_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || is_invisible_formatting(c))
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid {
        Ok(email.to_owned())
    } else {
        Err("Enter a valid e-mail address, like name@example.com.".into())
    }
}

/// Passwords are not trimmed: every character the user typed counts.
pub fn new_password(input: &str) -> Result<String, String> {
    let chars = input.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(format!("Use at least {PASSWORD_MIN_CHARS} characters."))
    } else if chars > PASSWORD_MAX_CHARS {
        Err(format!("Use at most {PASSWORD_MAX_CHARS} characters."))
    } else {
        Ok(input.to_owned())
    }
}

/// A required single-line name (a person's or a business's), trimmed.
pub fn required_name(input: &str, what: &str) -> Result<String, String> {
    required_name_max(input, what, NAME_MAX_CHARS)
}

/// [`required_name`] with another length limit.
pub fn required_name_max(input: &str, what: &str, max: usize) -> Result<String, String> {
    let name = single_line(input).map_err(|_| "Use letters, numbers and punctuation only.".to_owned())?;
    if name.is_empty() {
        Err(format!("Enter {what}."))
    } else if name.chars().count() > max {
        Err(format!("Keep it to {max} characters or fewer."))
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_accepts_ordinary_addresses_and_trims_them() {
        for (input, expected) in
            [("dana@example.com", "dana@example.com"), ("  Dana.Lee+work@studio.co.uk ", "Dana.Lee+work@studio.co.uk")]
        {
            assert_eq!(email(input).as_deref(), Ok(expected), "input {input:?}");
        }
    }

    #[test]
    fn email_rejects_what_can_never_be_an_address() {
        for input in [
            "",
            "   ",
            "dana",
            "dana@",
            "@example.com",
            "dana@example",
            "da na@example.com",
            "a@b@c.com",
            "a@.com",
            "a@com.",
        ] {
            assert!(email(input).is_err(), "{input:?} should be rejected");
        }
        assert_eq!(email("").unwrap_err(), "Enter your e-mail address.");
    }

    #[test]
    fn password_length_is_counted_in_characters_between_8_and_128() {
        assert!(new_password("1234567").is_err());
        assert!(new_password("12345678").is_ok());
        assert!(new_password(&"é".repeat(128)).is_ok(), "128 two-byte characters are 128 characters");
        assert_eq!(new_password(&"x".repeat(129)).unwrap_err(), "Use at most 128 characters.");
        assert_eq!(new_password("short").unwrap_err(), "Use at least 8 characters.");
        assert_eq!(new_password(" spaces ").as_deref(), Ok(" spaces "), "passwords are never trimmed");
    }

    #[test]
    fn names_are_trimmed_required_and_bounded() {
        assert_eq!(required_name("  Studio Demo ", "a name").as_deref(), Ok("Studio Demo"));
        assert_eq!(required_name("   ", "a business name").unwrap_err(), "Enter a business name.");
        assert!(required_name(&"x".repeat(101), "a name").is_err());
        assert!(required_name("tab\there", "a name").is_err());
    }

    #[test]
    fn field_errors_keep_the_first_message_per_field() {
        let mut errors = FieldErrors::new();
        errors.add("email", "first");
        errors.add("email", "second");
        assert_eq!(errors.get("email"), Some("first"));
        assert_eq!(errors.summary(), "first");
        errors.add("name", "x");
        assert_eq!(errors.summary(), "Please correct the highlighted fields.");
        assert!(errors.into_result().is_err());
        assert!(FieldErrors::new().into_result().is_ok());
    }

    #[test]
    fn text_with_nul_or_control_characters_is_refused_and_invisible_formatting_dropped() {
        assert_eq!(single_line("Design\0").unwrap_err(), CONTROL_CHARACTERS);
        assert_eq!(single_line("a\u{1b}[31m").unwrap_err(), CONTROL_CHARACTERS);
        assert_eq!(single_line(" Ad\u{202E}min\u{200B} ").as_deref(), Ok("Admin"), "bidi and zero-width go");
        assert_eq!(multi_line("1 Long Lane  \r\nLondon\t \n").as_deref(), Ok("1 Long Lane\nLondon"));
        assert_eq!(multi_line("note\0").unwrap_err(), CONTROL_CHARACTERS);
        assert!(email("dana\0@example.com").is_err());
        assert_eq!(required_name("\u{202E}Dana", "a name").as_deref(), Ok("Dana"));
    }

    #[test]
    fn dates_are_iso_and_between_1900_and_9999() {
        assert_eq!(date(" 2026-11-30 ").map(|d| d.to_string()).as_deref(), Ok("2026-11-30"));
        for bad in ["+262142-12-31", "1899-12-31", "10000-01-01", "30/11/2026", "2026-02-30", ""] {
            assert!(date(bad).is_err(), "{bad:?}");
        }
    }
}
