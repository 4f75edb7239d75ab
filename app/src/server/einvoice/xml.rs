//! A few helpers over quick-xml's writer: an element with text, an element holding others. Text
//! is escaped by quick-xml; characters XML 1.0 cannot carry are dropped first.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

pub type W = Writer<Vec<u8>>;

/// A writer with the XML declaration written, indented for people who open the file.
pub fn document() -> W {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    w
}

pub fn finish(w: W) -> String {
    // quick-xml writes what it was given, which is UTF-8.
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

/// Keeps only what XML 1.0's `Char` production allows: tab, line feed, carriage return, and
/// everything from U+0020 except U+FFFE and U+FFFF (Rust chars are never surrogates).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'))
        .collect()
}

pub fn leaf(w: &mut W, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

pub fn leaf_with(w: &mut W, name: &str, attribute: (&str, &str), text: &str) -> io::Result<()> {
    w.create_element(name).with_attribute(attribute).write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

pub fn node(w: &mut W, name: &str, inner: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
    w.create_element(name).write_inner_content(inner)?;
    Ok(())
}

/// `20261130`: CII's date format 102.
pub fn date_102(date: chrono::NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        let mut w = document();
        leaf(&mut w, "a", "<b> & \u{1}\u{FFFE}\"c\"").expect("written");
        assert!(finish(w).ends_with("<a>&lt;b&gt; &amp; &quot;c&quot;</a>"));
    }
}
