//! Puts posted values back into the form they came from, in a rendered page: the page renders
//! from the database, so without this a failed no-JavaScript post would show its errors beside
//! the old values.
//!
//! The form is the page's `<form action=…>` for the action whose hidden fields (ids) match the
//! posted ones, so the right row's form is chosen when a page repeats a form per row. Hidden,
//! password and file inputs are never written.

use lol_html::html_content::{ContentType, Element};
use lol_html::{element, rewrite_str, HandlerResult, RewriteStrSettings};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

type Fields = [(String, String)];

/// Input types whose value is not the person's typing, or must never be echoed.
const NOT_RESTORED: [&str; 7] = ["hidden", "password", "file", "submit", "button", "reset", "image"];

fn posted<'a>(fields: &'a Fields, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    fields.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The index (among all the page's forms) of the form `fields` were posted from, if it is there.
fn find_form(html: &str, action: &str, fields: &Fields) -> Option<usize> {
    // Per form with this action: does every hidden field that was posted match?
    let forms = RefCell::new(Vec::<(usize, bool)>::new());
    let seen = Cell::new(0usize);
    rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("form", |form| {
                if form.get_attribute("action").as_deref() == Some(action) {
                    forms.borrow_mut().push((seen.get(), true));
                }
                seen.set(seen.get() + 1);
                Ok(())
            }))
            .append_element_content_handler(element!("form input[type=hidden][name]", |input| {
                let mut forms = forms.borrow_mut();
                // Only inputs of the latest matching form, which is this input's form (forms do not nest).
                if let Some((_, matches)) = forms.last_mut().filter(|(index, _)| *index + 1 == seen.get()) {
                    let name = input.get_attribute("name").unwrap_or_default();
                    let value = input.get_attribute("value").unwrap_or_default();
                    let mut sent = posted(fields, &name).peekable();
                    if sent.peek().is_some() && !sent.any(|v| v == value) {
                        *matches = false;
                    }
                }
                Ok(())
            })),
    )
    .ok()?;
    forms.into_inner().into_iter().find(|(_, matches)| *matches).map(|(index, _)| index)
}

/// `html` with the form `fields` were posted to `action` from showing them, or `None` when the
/// page has no such form.
pub fn restore(html: &str, action: &str, fields: &Fields) -> Option<String> {
    let target = find_form(html, action, fields)?;
    let seen = Cell::new(0usize);
    let in_target = || seen.get() == target + 1;
    // The how-manieth field of each name this is, for names posted more than once.
    let occurrences = RefCell::new(HashMap::<String, usize>::new());
    let nth = |name: &str| {
        let mut occurrences = occurrences.borrow_mut();
        let n = occurrences.entry(name.to_owned()).or_default();
        *n += 1;
        posted(fields, name).nth(*n - 1).map(str::to_owned)
    };
    let select: RefCell<Option<String>> = RefCell::new(None);
    let rewritten = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("form", |_form| {
                seen.set(seen.get() + 1);
                Ok(())
            }))
            .append_element_content_handler(element!("form input[name]", |input| {
                if in_target() {
                    restore_input(input, fields, &nth)?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("form textarea[name]", |textarea| {
                if in_target() {
                    let name = textarea.get_attribute("name").unwrap_or_default();
                    if let Some(value) = nth(&name) {
                        // A parser drops one newline right after `<textarea>`; keep the person's.
                        let value = if value.starts_with('\n') { format!("\n{value}") } else { value };
                        textarea.set_inner_content(&value, ContentType::Text);
                    }
                }
                Ok(())
            }))
            .append_element_content_handler(element!("form select[name]", |element| {
                let name = element.get_attribute("name").unwrap_or_default();
                *select.borrow_mut() = if in_target() { nth(&name) } else { None };
                Ok(())
            }))
            .append_element_content_handler(element!("form select option", |option| {
                if let Some(chosen) = select.borrow().as_deref() {
                    select_if(option, option.get_attribute("value").as_deref() == Some(chosen));
                }
                Ok(())
            })),
    )
    .ok()?;
    Some(rewritten)
}

fn select_if(option: &mut Element, selected: bool) {
    if selected {
        let _ = option.set_attribute("selected", "");
    } else {
        option.remove_attribute("selected");
    }
}

fn restore_input(input: &mut Element, fields: &Fields, nth: &impl Fn(&str) -> Option<String>) -> HandlerResult {
    let kind = input.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
    let name = input.get_attribute("name").unwrap_or_default();
    if NOT_RESTORED.contains(&kind.as_str()) || input.has_attribute("disabled") {
        return Ok(());
    }
    if kind == "checkbox" || kind == "radio" {
        // Posted means checked; a box left unchecked is not posted at all.
        let value = input.get_attribute("value").unwrap_or_else(|| "on".to_owned());
        if posted(fields, &name).any(|v| v == value) {
            input.set_attribute("checked", "")?;
        } else {
            input.remove_attribute("checked");
        }
    } else if let Some(value) = nth(&name) {
        // lol_html escapes quotes only; an `&` left alone could read as a character reference.
        input.set_attribute("value", &value.replace('&', "&amp;"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kept_forms::tests::form as fields;

    #[test]
    fn typed_text_replaces_the_stored_value_and_secrets_stay_out() {
        let html = r#"<form action="/api/a" method="post"><input name="name" value="Old"><input type="email" name="email"><input type="password" name="password"><input type="hidden" name="token" value="t1"><textarea name="notes">old</textarea></form>"#;
        let posted = fields(&[
            ("name", "New & \"quoted\" &amp;"),
            ("email", "dana@"),
            ("password", "hunter22"),
            ("token", "t1"),
            ("notes", "<b>hi</b>"),
        ]);
        let out = restore(html, "/api/a", &posted).expect("the form is there");
        assert!(out.contains(r#"name="name" value="New &amp; &quot;quoted&quot; &amp;amp;""#), "{out}");
        assert!(out.contains(r#"name="email" value="dana@""#), "{out}");
        assert!(out.contains(r#"<input type="password" name="password">"#), "a password is never echoed: {out}");
        assert!(out.contains(r#"name="token" value="t1""#));
        assert!(out.contains("<textarea name=\"notes\">&lt;b&gt;hi&lt;/b&gt;</textarea>"), "{out}");
    }

    #[test]
    fn selects_checkboxes_and_radios_follow_what_was_posted() {
        let html = concat!(
            r#"<form action="/api/a"><select name="currency"><option value="EUR" selected>EUR</option><option value="CHF">CHF</option></select>"#,
            r#"<input type="checkbox" name="billable" checked><input type="checkbox" name="tags" value="x"><input type="checkbox" name="tags" value="y">"#,
            r#"<input type="radio" name="kind" value="a" checked><input type="radio" name="kind" value="b"></form>"#
        );
        let out = restore(html, "/api/a", &fields(&[("currency", "CHF"), ("tags", "y"), ("kind", "b")])).expect("form");
        assert!(out.contains(r#"<option value="EUR">EUR</option><option value="CHF" selected="">"#), "{out}");
        assert!(out.contains(r#"<input type="checkbox" name="billable">"#), "unchecked is not posted: {out}");
        assert!(
            out.contains(r#"name="tags" value="x">"#) && out.contains(r#"name="tags" value="y" checked="">"#),
            "{out}"
        );
        assert!(out.contains(r#"value="a">"#) && out.contains(r#"value="b" checked="">"#), "{out}");
    }

    #[test]
    fn only_the_posted_rows_form_changes() {
        let row = |id: &str, amount: &str| {
            format!(
                r#"<form action="/api/line"><input type="hidden" name="id" value="{id}"><input name="amount" value="{amount}"></form>"#
            )
        };
        let html = format!(
            r#"{}{}<form action="/api/other"><input name="amount" value="9"></form>"#,
            row("1", "10"),
            row("2", "20")
        );
        let out = restore(&html, "/api/line", &fields(&[("id", "2"), ("amount", "abc")])).expect("row 2");
        assert!(out.contains(&row("1", "10")), "{out}");
        assert!(out.contains(&row("2", "abc")), "{out}");
        assert!(out.contains(r#"<input name="amount" value="9">"#), "{out}");
        assert_eq!(restore(&html, "/api/line", &fields(&[("id", "3"), ("amount", "x")])), None, "no row 3");
        assert_eq!(restore(&html, "/api/missing", &fields(&[("amount", "x")])), None);
    }

    #[test]
    fn repeated_names_are_restored_in_order_and_disabled_fields_are_left() {
        let html = r#"<form action="/api/a"><input name="line" value=""><input name="line" value=""><input name="locked" value="k" disabled></form><input name="line" value="outside">"#;
        let out = restore(html, "/api/a", &fields(&[("line", "one"), ("line", "two"), ("locked", "x")])).expect("form");
        assert!(out.contains(r#"<input name="line" value="one"><input name="line" value="two"><input name="locked" value="k" disabled>"#), "{out}");
        assert!(out.ends_with(r#"<input name="line" value="outside">"#), "{out}");
    }

    #[test]
    fn a_textarea_keeps_a_leading_newline() {
        let out = restore(r#"<form action="/a"><textarea name="t"></textarea></form>"#, "/a", &fields(&[("t", "\nx")]));
        assert_eq!(out.as_deref(), Some("<form action=\"/a\"><textarea name=\"t\">\n\nx</textarea></form>"));
    }
}
