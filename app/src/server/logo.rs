//! Turning an uploaded logo into something safe to store and show (PRODUCT §3.2). The type is
//! sniffed from the bytes (the file name is not trusted); raster images are decoded with limits
//! on size and memory; SVGs are refused if they hold scripts, links or embedded files, then
//! rasterised. Whatever came in, what comes out is a fresh PNG of at most 800 × 800 pixels, so
//! nothing stored can ever run as active content.

pub use crate::branding::{LogoProblem as LogoError, LOGO_MAX_BYTES as MAX_UPLOAD_BYTES};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::sync::{Arc, OnceLock};

/// The largest stored logo side, in pixels: sharp at print size on an A4 header.
pub const MAX_SIDE: u32 = 800;
/// Images claiming more pixels than this per side are refused before decoding.
const MAX_SOURCE_SIDE: u32 = 8192;
/// Memory a decoder may allocate for one upload.
const MAX_DECODE_ALLOC: u64 = 128 * 1024 * 1024;
/// Elements an SVG logo may hold.
const MAX_SVG_ELEMENTS: usize = 20_000;

/// A re-encoded logo, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Hex SHA-256 of `png`.
    pub sha256: String,
    /// What was uploaded: `image/png`, `image/jpeg`, `image/webp` or `image/svg+xml`.
    pub source_type: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Png,
    Jpeg,
    Webp,
    Svg,
}

impl Kind {
    fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Svg => "image/svg+xml",
        }
    }
}

/// The type the bytes say they are.
fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(Kind::Webp);
    }
    // An SVG is UTF-8 text whose root element is <svg>; checked properly when parsed.
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok().or_else(|| {
        // The 4 KiB cut may split a character: retry without the last few bytes.
        std::str::from_utf8(&bytes[..bytes.len().min(4093)]).ok()
    })?;
    text.contains("<svg").then_some(Kind::Svg)
}

/// Checks, decodes and re-encodes an upload. CPU-bound: call it off the async executor.
pub fn process(bytes: &[u8]) -> Result<Logo, LogoError> {
    if bytes.is_empty() {
        return Err(LogoError::Empty);
    }
    if bytes.len() as u64 > MAX_UPLOAD_BYTES {
        return Err(LogoError::TooLarge);
    }
    let kind = sniff(bytes).ok_or(LogoError::UnknownType)?;
    let image = match kind {
        Kind::Png => decode_raster(bytes, ImageFormat::Png)?,
        Kind::Jpeg => decode_raster(bytes, ImageFormat::Jpeg)?,
        Kind::Webp => decode_raster(bytes, ImageFormat::WebP)?,
        Kind::Svg => rasterise_svg(bytes)?,
    };
    let image = if image.width() > MAX_SIDE || image.height() > MAX_SIDE {
        image.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let image = DynamicImage::ImageRgba8(image.to_rgba8());
    let mut png = Vec::new();
    image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).map_err(|_| LogoError::Damaged)?;
    let sha256 = Sha256::digest(&png).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Logo { width: image.width(), height: image.height(), png, sha256, source_type: kind.mime() })
}

fn decode_raster(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, LogoError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => LogoError::TooManyPixels,
        _ => LogoError::Damaged,
    })
}

/// Elements that run code, embed other documents or media.
const ACTIVE_ELEMENTS: [&str; 10] =
    ["script", "foreignObject", "iframe", "object", "embed", "audio", "video", "image", "feImage", "handler"];

/// Whether a parsed SVG is plain shapes, text and gradients: no scripts, event handlers, links to
/// anything outside the document, embedded files, stylesheets importing others, or nested `<use>`
/// (which can multiply a small file into billions of shapes).
fn is_inert(doc: &roxmltree::Document) -> bool {
    let elements: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.is_element()).collect();
    if elements.len() > MAX_SVG_ELEMENTS {
        return false;
    }
    let refers_outside = |value: &str| {
        let lower = value.to_ascii_lowercase();
        lower.contains("@import")
            || lower.contains("javascript:")
            || lower.split("url(").skip(1).any(|rest| !rest.trim_start_matches(['\'', '"', ' ']).starts_with('#'))
    };
    for node in &elements {
        if ACTIVE_ELEMENTS.contains(&node.tag_name().name()) {
            return false;
        }
        for attribute in node.attributes() {
            let name = attribute.name();
            if name.to_ascii_lowercase().starts_with("on") {
                return false;
            }
            if name == "href" && !attribute.value().starts_with('#') {
                return false;
            }
            if refers_outside(attribute.value()) {
                return false;
            }
        }
        if node.tag_name().name() == "style" && node.text().is_some_and(refers_outside) {
            return false;
        }
        if node.tag_name().name() == "use" {
            let target = node.attributes().find(|a| a.name() == "href").map(|a| a.value().trim_start_matches('#'));
            let nested = target
                .and_then(|id| doc.descendants().find(|n| n.attribute("id") == Some(id)))
                .is_some_and(|target| target.descendants().any(|n| n.tag_name().name() == "use"));
            if nested {
                return false;
            }
        }
    }
    true
}

/// The fonts an SVG's text may use: the ones embedded for PDFs, never the system's.
fn font_database() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = usvg::fontdb::Database::new();
            for font in typst_assets::fonts() {
                database.load_font_data(font.to_vec());
            }
            database.set_serif_family("Libertinus Serif");
            database.set_sans_serif_family("New Computer Modern");
            Arc::new(database)
        })
        .clone()
}

fn rasterise_svg(bytes: &[u8]) -> Result<DynamicImage, LogoError> {
    let text = std::str::from_utf8(bytes).map_err(|_| LogoError::Damaged)?;
    // No DTDs: entity expansion is the classic XML bomb.
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 100_000, ..Default::default() },
    )
    .map_err(|_| LogoError::Damaged)?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(LogoError::UnknownType);
    }
    if !is_inert(&doc) {
        return Err(LogoError::ActiveSvg);
    }
    let options = usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        fontdb: font_database(),
        font_family: "Libertinus Serif".to_owned(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_xmltree(&doc, &options).map_err(|_| LogoError::Damaged)?;
    let size = tree.size();
    let longest = size.width().max(size.height());
    if !(longest.is_finite() && longest > 0.0) {
        return Err(LogoError::EmptySvg);
    }
    let scale = MAX_SIDE as f32 / longest;
    let width = ((size.width() * scale).round() as u32).clamp(1, MAX_SIDE);
    let height = ((size.height() * scale).round() as u32).clamp(1, MAX_SIDE);
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(LogoError::EmptySvg)?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    // tiny-skia keeps premultiplied alpha; PNG wants it straight.
    let straight: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    image::RgbaImage::from_raw(width, height, straight).map(DynamicImage::ImageRgba8).ok_or(LogoError::EmptySvg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 68 bytes: a valid PNG (checksums included) whose header claims 100,000 × 100,000 pixels.
    const PNG_BOMB: &[u8] = include_bytes!("fixtures/png-bomb-100000x100000.png");

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([34, 142, 128, 255]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(image).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).expect("encoded");
        out
    }

    #[test]
    fn a_png_is_re_encoded_and_a_large_one_scaled_down() {
        let logo = process(&png(120, 40)).expect("accepted");
        assert_eq!((logo.width, logo.height, logo.source_type), (120, 40, "image/png"));
        assert!(logo.png.starts_with(b"\x89PNG"));
        assert_eq!(logo.sha256.len(), 64);
        let big = process(&png(1600, 400)).expect("accepted");
        assert_eq!((big.width, big.height), (800, 200));
    }

    #[test]
    fn jpeg_and_webp_are_accepted_as_png() {
        let source = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(30, 20, image::Rgb([200, 10, 10])));
        for format in [ImageFormat::Jpeg, ImageFormat::WebP] {
            let mut bytes = Vec::new();
            source.write_to(&mut Cursor::new(&mut bytes), format).expect("encoded");
            let logo = process(&bytes).expect("accepted");
            assert_eq!((logo.width, logo.height), (30, 20));
            assert!(logo.png.starts_with(b"\x89PNG"));
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(process(b""), Err(LogoError::Empty));
        assert_eq!(process(&vec![0u8; MAX_UPLOAD_BYTES as usize + 1]), Err(LogoError::TooLarge));
        assert_eq!(process(b"name,email\nAda,ada@example.com\n"), Err(LogoError::UnknownType), "text named .png");
        let whole = png(64, 64);
        assert_eq!(process(&whole[..whole.len() / 2]), Err(LogoError::Damaged), "truncated");
    }

    /// A well-formed PNG claiming 100,000 × 100,000 pixels: refused before anything is allocated.
    /// And a real one of 6,000 × 6,000 (a 140 MB bitmap from a small file) is refused by memory.
    #[test]
    fn large_images_are_refused_before_decoding() {
        assert_eq!(process(PNG_BOMB), Err(LogoError::TooManyPixels));
        let big = png(6000, 6000);
        assert!(big.len() < MAX_UPLOAD_BYTES as usize, "a small file: {} bytes", big.len());
        assert_eq!(process(&big), Err(LogoError::TooManyPixels));
    }

    #[test]
    fn an_inert_svg_is_rasterised() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><defs><linearGradient id="g"><stop offset="0" stop-color="#228E80"/></linearGradient></defs><rect width="200" height="100" fill="url(#g)"/><text x="10" y="50">Acme</text></svg>"##;
        let logo = process(svg).expect("accepted");
        assert_eq!((logo.width, logo.height, logo.source_type), (800, 400, "image/svg+xml"));
    }

    #[test]
    fn an_svg_with_scripts_links_or_bombs_is_refused() {
        let cases: [&[u8]; 8] = [
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/a.svg#x"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p)" width="1" height="1"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/s.css);</style></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>"#,
            br##"<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><rect width="1" height="1"/></g><g id="b"><use href="#a"/><use href="#a"/></g><use href="#b"/></svg>"##,
        ];
        for svg in cases {
            assert_eq!(process(svg), Err(LogoError::ActiveSvg), "{}", String::from_utf8_lossy(svg));
        }
        let entities = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#;
        assert_eq!(process(entities), Err(LogoError::Damaged), "DTDs are refused");
    }
}
