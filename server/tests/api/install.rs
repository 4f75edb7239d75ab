//! "Add to Home Screen": every page links the web app manifest, and the manifest and its icons are
//! served from `public/` (which cargo-leptos copies into the site) as a browser needs them.

use crate::common::{fetch, static_site_router, TestApp};
use serde_json::Value;
use sqlx::PgPool;

const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../public");

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

#[tokio::test]
async fn the_manifest_opens_clerq_standalone_with_icons_that_exist_in_the_sizes_it_names() {
    let router = static_site_router(PUBLIC);
    let reply = fetch(&router, "/manifest.webmanifest", "identity").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/manifest+json");
    let manifest: Value = reply.json();
    assert_eq!(manifest["name"], "Clerq");
    assert_eq!(manifest["short_name"], "Clerq");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["scope"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().expect("icons");
    let mut purposes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let reply = fetch(&router, src, "identity").await;
        assert_eq!(reply.status, 200, "{src}");
        assert_eq!(reply.headers["content-type"], "image/png", "{src}");
        let (width, height) = png_size(&reply.body);
        assert_eq!(icon["sizes"], format!("{width}x{height}"), "{src}");
        purposes.push((icon["purpose"].as_str().unwrap_or("any").to_owned(), width));
    }
    // Browsers install only with a 192 and a 512 icon; Android crops the maskable one to its shape.
    for wanted in [("any", 192), ("any", 512), ("maskable", 512)] {
        assert!(purposes.iter().any(|(p, w)| p == wanted.0 && *w == wanted.1), "no {wanted:?} icon in {purposes:?}");
    }
    let apple = fetch(&router, "/icons/apple-touch-icon.png", "identity").await;
    assert_eq!((apple.status.as_u16(), png_size(&apple.body)), (200, (180, 180)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_page_links_the_manifest_and_the_home_screen_icon(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Install Studio", &crate::common::email("install")).await;
    for (path, cookie) in [("/sign-in", None), ("/", Some(owner.as_str())), ("/time", Some(owner.as_str()))] {
        let html = app.get(path, cookie).await.text();
        assert!(html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#), "{path}: {html}");
        assert!(html.contains(r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">"#), "{path}");
        assert!(html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#), "{path}");
    }
}
