//! Branding (Settings → Branding): the accent colour of invoices and the footer note printed at
//! their end. Validation and the contrast check are shared by the browser and the server.

use crate::error::AppResult;
use crate::validation::{self, FieldErrors};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const DEFAULT_BRAND_COLOR: &str = "#228E80";
pub const FOOTER_NOTE_MAX_CHARS: usize = 280;
/// WCAG AA for large text and graphics, as a ratio × 100 (3:1): the colour marks headings, rules
/// and badges, never body text.
const READABLE_CONTRAST_X100: u32 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub brand_color: String,
    pub footer_note: String,
    pub can_edit: bool,
    /// The logo's address, if the business has one.
    pub logo_url: Option<String>,
}

/// The largest logo upload accepted (1.5 MB), checked in the browser before posting and again on
/// the server.
pub const LOGO_MAX_BYTES: u64 = 1_500_000;

/// Where a business's logo is served; the hash in the query makes a new logo a new address, so
/// browsers may cache each one.
pub fn logo_url(sha256: &str) -> String {
    format!("/api/branding/logo?v={}", sha256.get(..16).unwrap_or(sha256))
}

/// Why a logo upload was refused. Uploads are plain form posts (they work without JavaScript), so
/// the outcome travels back to the page as `?logo=<code>`; only these fixed messages can appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoProblem {
    #[error("Choose an image file.")]
    Empty,
    #[error("This file is larger than 1.5 MB. Choose a smaller image.")]
    TooLarge,
    #[error("This file is not a PNG, JPEG, WebP or SVG image.")]
    UnknownType,
    #[error("This image could not be read: the file may be damaged or cut short.")]
    Damaged,
    #[error("This image has too many pixels to process. Use one under 5,000 × 5,000 pixels.")]
    TooManyPixels,
    #[error("This SVG contains scripts, links or embedded files. Export it again as plain shapes, or upload a PNG.")]
    ActiveSvg,
    #[error("This SVG has no visible size.")]
    EmptySvg,
    #[error("You don't have permission to change the logo.")]
    Forbidden,
    #[error("The logo could not be saved. Please try again.")]
    Failed,
}

impl LogoProblem {
    pub const ALL: [LogoProblem; 9] = [
        Self::Empty,
        Self::TooLarge,
        Self::UnknownType,
        Self::Damaged,
        Self::TooManyPixels,
        Self::ActiveSvg,
        Self::EmptySvg,
        Self::Forbidden,
        Self::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge => "too_large",
            Self::UnknownType => "unknown_type",
            Self::Damaged => "damaged",
            Self::TooManyPixels => "too_many_pixels",
            Self::ActiveSvg => "active_svg",
            Self::EmptySvg => "empty_svg",
            Self::Forbidden => "forbidden",
            Self::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// `#rrggbb`, upper-cased so equal colours compare equal.
pub fn brand_color(input: &str) -> Result<String, String> {
    let text = input.trim();
    let hex = text.strip_prefix('#').unwrap_or(text);
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_uppercase()))
    } else {
        Err("Enter a colour as # and six hex digits, like #228E80.".into())
    }
}

/// Contrast of `color` (a valid `#RRGGBB`) against white, × 100 (WCAG 2 relative luminance).
/// (Colour maths, not money: the sRGB curve needs a power, so this one place uses floating point.)
pub fn contrast_on_white_x100(color: &str) -> u32 {
    let channel = |i: usize| u8::from_str_radix(color.get(1 + 2 * i..3 + 2 * i).unwrap_or("00"), 16).unwrap_or(0);
    // Linear light × 10^6 for an 8-bit sRGB value.
    let linear = |c: u8| -> u64 {
        let c = f64::from(c) / 255.0;
        let l = if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        (l * 1_000_000.0).round() as u64
    };
    let luminance = (2126 * linear(channel(0)) + 7152 * linear(channel(1)) + 722 * linear(channel(2))) / 10_000;
    // (1.05) / (L + 0.05), with L in millionths.
    (105_000_000 / (luminance + 50_000)) as u32
}

/// A warning when text in this colour would be hard to read on white paper.
pub fn contrast_warning(color: &str) -> Option<String> {
    let ratio = contrast_on_white_x100(color);
    (ratio < READABLE_CONTRAST_X100).then(|| {
        format!(
            "This colour has a contrast of {}.{:02}:1 on white; headings in it may be hard to read (3:1 or more is readable).",
            ratio / 100,
            ratio % 100
        )
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingForm {
    #[serde(default)]
    pub brand_color: String,
    #[serde(default)]
    pub footer_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingInput {
    pub brand_color: String,
    pub footer_note: String,
}

impl BrandingForm {
    pub fn validate(&self) -> Result<BrandingInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let brand_color = errors.check("brand_color", brand_color(&self.brand_color));
        let footer_note = errors.check(
            "footer_note",
            validation::multi_line(&self.footer_note).and_then(|note| {
                if note.chars().count() > FOOTER_NOTE_MAX_CHARS {
                    Err(format!("Keep the footer note to {FOOTER_NOTE_MAX_CHARS} characters or fewer."))
                } else {
                    Ok(note)
                }
            }),
        );
        match (brand_color, footer_note) {
            (Some(brand_color), Some(footer_note)) => Ok(BrandingInput { brand_color, footer_note }),
            _ => Err(errors),
        }
    }
}

#[server(prefix = "/api", endpoint = "branding/get")]
pub async fn get_branding() -> AppResult<Branding> {
    crate::server::branding::get(&crate::server::business()?).await
}

#[server(prefix = "/api", endpoint = "branding/update")]
pub async fn update_branding(form: BrandingForm) -> AppResult<()> {
    crate::server::branding::update(&crate::server::business()?, form.validate()?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logo_problems_round_trip_through_their_codes() {
        for problem in LogoProblem::ALL {
            assert_eq!(LogoProblem::parse(problem.code()), Some(problem));
        }
        assert_eq!(LogoProblem::parse("saved"), None);
    }

    #[test]
    fn colours_are_hash_and_six_hex_digits_upper_cased() {
        assert_eq!(brand_color(" #228e80 ").as_deref(), Ok("#228E80"));
        assert_eq!(brand_color("228e80").as_deref(), Ok("#228E80"), "the # is optional");
        for bad in ["", "#fff", "#12345G", "red", "#1234567", "rgb(0,0,0)"] {
            assert!(brand_color(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contrast_on_white_follows_wcag() {
        assert_eq!(contrast_on_white_x100("#000000"), 2100, "black is 21:1");
        assert_eq!(contrast_on_white_x100("#FFFFFF"), 100, "white on white is 1:1");
        // #949494 is the lightest grey that reaches 3:1 (3.03:1); #959595 is 2.99:1.
        assert!(contrast_on_white_x100("#949494") >= 300);
        assert!(contrast_on_white_x100("#959595") < 300);
        assert_eq!(contrast_on_white_x100(DEFAULT_BRAND_COLOR), 400, "the default teal is 4.00:1");
        assert_eq!(contrast_warning(DEFAULT_BRAND_COLOR), None, "the default teal is readable");
        let warning = contrast_warning("#FFFF00").expect("yellow is unreadable on white");
        assert!(warning.starts_with("This colour has a contrast of 1.07:1"), "{warning}");
    }

    #[test]
    fn the_footer_note_is_bounded_and_trimmed() {
        let form = |note: &str| BrandingForm { brand_color: "#228E80".into(), footer_note: note.into() };
        assert_eq!(form("  Thank you!  ").validate().map(|b| b.footer_note).as_deref(), Ok("Thank you!"));
        assert!(form(&"x".repeat(281)).validate().unwrap_err().get("footer_note").is_some());
        assert!(form(&"x".repeat(280)).validate().is_ok());
        assert!(form("a\0b").validate().is_err());
    }
}
