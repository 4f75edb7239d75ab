//! Every form field must carry its value in the server's HTML: a page posted before the wasm loads,
//! or without JavaScript, sends what the HTML held, so a field whose value is set only by
//! `prop:value` (a DOM property, applied after hydration) posts empty and erases what was saved.
//! This test reads the crate's sources: each element with `prop:value` also has `value=` (inputs)
//! or text content (textareas).

use crate::architecture::{rust_files, src};

/// The element around byte `at`: from its `<tag` to the end of the element.
fn element_around(text: &str, at: usize) -> Option<(&str, &str)> {
    let start = text[..at].rfind('<')?;
    let tag = text[start + 1..].split(|c: char| !c.is_ascii_alphanumeric()).next()?;
    let rest = &text[start..];
    let end = match tag {
        "textarea" => rest.find("</textarea>")?,
        _ => rest.find("/>")?,
    };
    Some((tag, &rest[..end]))
}

/// Problems in one file's markup, as "line: what".
fn unrendered_values(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, _) in text.match_indices("prop:value") {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].trim_start().starts_with("//") {
            continue; // a comment mentioning it
        }
        let line = text[..at].lines().count();
        match element_around(text, at) {
            Some(("input", element)) => {
                let has_value = element.match_indices("value=").any(|(i, _)| !element[..i].ends_with("prop:"));
                if !has_value {
                    problems.push(format!("{line}: <input> has prop:value but no value="));
                }
            }
            Some(("textarea", element)) => {
                let content = element.rsplit_once('>').map_or("", |(_, c)| c);
                if content.trim().is_empty() {
                    problems.push(format!("{line}: <textarea> has prop:value but no content"));
                }
            }
            Some((tag, _)) => problems.push(format!("{line}: <{tag}> with prop:value; render its value in the HTML")),
            None => problems.push(format!("{line}: prop:value outside an element")),
        }
    }
    problems
}

#[test]
fn the_rule_catches_fields_whose_value_is_only_a_property() {
    assert_eq!(unrendered_values(r#"<input name="a" prop:value=move || a.get() />"#).len(), 1);
    assert!(unrendered_values(r#"<input name="a" value=a.get_untracked() prop:value=move || a.get() />"#).is_empty());
    assert_eq!(unrendered_values(r#"<textarea name="t" prop:value=move || t.get()></textarea>"#).len(), 1);
    assert!(
        unrendered_values(r#"<textarea name="t" prop:value=move || t.get()>{t.get_untracked()}</textarea>"#).is_empty()
    );
}

#[test]
fn every_field_renders_its_value_in_the_server_html() {
    let mut problems = Vec::new();
    for file in rust_files(&src()) {
        if file.ends_with("server_html.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let relative = file.strip_prefix(src()).unwrap_or(&file).display().to_string();
        problems.extend(unrendered_values(&text).into_iter().map(|p| format!("{relative}:{p}")));
    }
    assert!(problems.is_empty(), "fields whose value only JavaScript sets:\n{}", problems.join("\n"));
}
