//! The invoice page's PDF card: a signed link to share and a preview of the first page.

use crate::components::team::LinkToCopy;
use crate::invoices::InvoicePage;
use leptos::prelude::*;

#[component]
pub fn PdfCard(page: InvoicePage) -> impl IntoView {
    let id = page.invoice.id;
    let link = page.pdf_link;
    // Each page load mints a link, so its expiry doubles as the preview's cache buster.
    let preview = format!("/api/invoices/{id}/preview.svg?v={}", link.expires_at.timestamp());
    view! {
        <section class="card" aria-labelledby="pdf-heading">
            <h2 id="pdf-heading">"PDF"</h2>
            <p class="hint">
                "Anyone with this link can download the PDF, without signing in, until "
                {link.expires_at.format("%H:%M UTC").to_string()}" (15 minutes)."
            </p>
            <LinkToCopy id="pdf-link".to_owned() label="PDF link".to_owned() link=link.url button="Copy PDF link" />
            <details class="preview">
                <summary>"Preview"</summary>
                // Loaded only when opened: rendering costs a few milliseconds of server CPU.
                <img class="pdf-preview" src=preview loading="lazy" alt="Preview of the invoice's first page" />
            </details>
        </section>
    }
}
