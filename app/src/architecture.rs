//! Arrows point down: this test reads the crate's sources and fails when a layer reaches up.
//! - `components/` (reusable UI) never uses `routes/` (pages);
//! - `server/db/` (SQL) never uses the operations built on it;
//! - core modules (money, currency, ids, roles, permissions, validation, error) use no domain,
//!   UI or server module, so both sides of the wire can build on them.

use std::path::{Path, PathBuf};

const OPERATION_MODULES: &[&str] = &[
    "auth",
    "branding",
    "businesses",
    "clients",
    "import",
    "invoices",
    "projects",
    "settings",
    "tasks",
    "team",
    "time",
];
const CORE_MODULES: &[&str] =
    &["money", "currency", "ids", "roles", "permissions", "validation", "error", "text_enum", "billing"];
const ABOVE_CORE: &[&str] = &[
    "auth",
    "branding",
    "business",
    "clients",
    "components",
    "import",
    "invoices",
    "projects",
    "routes",
    "server",
    "settings",
    "tasks",
    "team",
    "time",
    "app",
];

pub(crate) fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

pub(crate) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Every `crate::a::b…` path in a file's code (comments skipped), as its segments.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            let path: String =
                tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{').collect();
            let segments: Vec<String> =
                path.split("::").map(|s| s.trim_matches('{').to_owned()).filter(|s| !s.is_empty()).collect();
            paths.push(segments);
            rest = &tail[path.len().min(tail.len())..];
        }
        // `use crate::{a, b}` style groups name their modules after the brace.
        if let Some(group) = line.strip_prefix("use crate::{") {
            for name in group.split([',', '}', ';']).map(str::trim).filter(|s| !s.is_empty()) {
                paths.push(vec![name.split("::").next().unwrap_or_default().to_owned()]);
            }
        }
    }
    paths
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src()).expect("under src").to_string_lossy().replace('\\', "/")
}

fn violations(rule: impl Fn(&str, &[String]) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&src()) {
        let name = relative(&file);
        if name == "architecture.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        for path in crate_paths(&text) {
            if rule(&name, &path) {
                found.push(format!("{name}: crate::{}", path.join("::")));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn components_never_use_pages() {
    let found = violations(|file, path| file.starts_with("components/") && path.first().is_some_and(|m| m == "routes"));
    assert!(found.is_empty(), "components/ must not import routes/:\n{}", found.join("\n"));
}

#[test]
fn sql_never_uses_the_operations_built_on_it() {
    let found = violations(|file, path| {
        file.starts_with("server/db/")
            && path.first().is_some_and(|m| m == "server")
            && path.get(1).is_some_and(|m| OPERATION_MODULES.contains(&m.as_str()))
    });
    assert!(found.is_empty(), "server/db/ must not import operations:\n{}", found.join("\n"));
}

#[test]
fn core_modules_use_nothing_above_them() {
    let found = violations(|file, path| {
        let module = file.trim_end_matches(".rs");
        CORE_MODULES.contains(&module) && path.first().is_some_and(|m| ABOVE_CORE.contains(&m.as_str()))
    });
    assert!(found.is_empty(), "core modules must stay below the domains:\n{}", found.join("\n"));
}

#[test]
fn the_rules_would_catch_a_violation() {
    let paths = crate_paths("use crate::routes::settings::team::refresh_after;\nlet x = crate::server::time::zone(y);");
    assert_eq!(paths[0], ["routes", "settings", "team", "refresh_after"]);
    assert_eq!(paths[1][..2], ["server".to_owned(), "time".to_owned()]);
    assert!(crate_paths("// use crate::routes::x;").is_empty(), "comments are not code");
    assert_eq!(crate_paths("use crate::{money, ids::ClientId};").len(), 3);
}
