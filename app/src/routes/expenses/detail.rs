//! `/expenses/:id`: the expense, its receipt (upload, replace, remove, view), paid/unpaid, delete.

use super::ExpenseStatusBadge;
use crate::components::form::{action_error, field_error, FieldError, FormError, TextField};
use crate::components::loading::Load;
#[cfg(feature = "hydrate")]
use crate::expenses::receipts::RECEIPT_MAX_BYTES;
use crate::expenses::receipts::{human_size, ReceiptProblem, ACCEPT, RULES};
use crate::expenses::{get_expense, DeleteExpense, ExpensePage, ExpenseStatus, ReceiptInfo, SetExpenseStatus};
use crate::ids::{param, ExpenseId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ExpenseDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let status = ServerAction::<SetExpenseStatus>::new();
    let delete = ServerAction::<DeleteExpense>::new();
    let expense =
        Resource::new(move || (id(), status.version().get()), |(id, _)| async move { get_expense(param(&id)?).await });
    view! {
        <Title text="Expense" />
        <section class="page">
            <Load resource=expense let:page>
                <ExpenseView page status delete />
            </Load>
        </section>
    }
}

#[component]
fn ExpenseView(
    page: ExpensePage,
    status: ServerAction<SetExpenseStatus>,
    delete: ServerAction<DeleteExpense>,
) -> impl IntoView {
    let e = page.expense;
    let id = e.id;
    let billed = e.billed_on.clone();
    let status_error = action_error(status);
    let delete_error = action_error(delete);
    let client = match (e.client_id, e.client_name.clone()) {
        (Some(cid), Some(name)) => Some(view! { <A href=format!("/clients/{cid}")>{name}</A> }),
        _ => None,
    };
    let project = match (e.project_id, e.project_name.clone()) {
        (Some(pid), Some(name)) => Some(view! { <A href=format!("/projects/{pid}")>{name}</A> }),
        _ => None,
    };
    let billing = match (billed.clone(), e.billable) {
        (Some(on), _) => {
            let label = on.number.map_or_else(|| "a draft invoice".to_owned(), |n| format!("invoice {n}"));
            view! { "Billed on " <A href=format!("/invoices/{}", on.invoice_id)>{label}</A> }.into_any()
        }
        (None, true) => "Billable, not billed yet".into_any(),
        (None, false) => "Not billable".into_any(),
    };
    let paid_text = match (e.status, e.paid_on) {
        (ExpenseStatus::Paid, Some(on)) => format!("Paid on {on}"),
        _ => "Unpaid".to_owned(),
    };
    let can_change = billed.is_none();
    let today = page.today.to_string();
    view! {
        <Title text=e.description.clone() />
        <div class="page-head">
            <h1>{e.description.clone()}</h1>
            <ExpenseStatusBadge status=e.status />
        </div>
        <dl class="facts">
            <dt>"Amount"</dt><dd class="amount">{e.amount.format()}</dd>
            <dt>"Date"</dt><dd>{e.incurred_on.to_string()}</dd>
            <dt>"Vendor"</dt><dd>{if e.vendor.is_empty() { "—".to_owned() } else { e.vendor.clone() }}</dd>
            <dt>"Category"</dt><dd>{if e.category.is_empty() { "—".to_owned() } else { e.category.clone() }}</dd>
            <dt>"Client"</dt><dd>{client.map_or_else(|| "—".into_any(), IntoAny::into_any)}</dd>
            <dt>"Project"</dt><dd>{project.map_or_else(|| "—".into_any(), IntoAny::into_any)}</dd>
            <dt>"Billing"</dt><dd>{billing}</dd>
            <dt>"Payment"</dt><dd>{paid_text}</dd>
        </dl>
        {(!e.notes.is_empty()).then(|| view! { <h2>"Notes"</h2><p class="notes">{e.notes.clone()}</p> })}
        <div class="actions">
            {(page.can_edit && can_change).then(|| view! {
                <A href=format!("/expenses/{id}/edit") attr:class="button">"Edit expense"</A>
            })}
            {page.can_approve.then(|| match e.status {
                ExpenseStatus::Unpaid => view! {
                    <details class="confirm" open=move || status_error.get().is_some()>
                        <summary class="button primary">"Mark paid…"</summary>
                        <ActionForm action=status>
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="status" value="paid" />
                            <TextField id="expense-paid-on" name="paid_on" label="Paid on" kind="date" value=today.clone()
                                error=field_error(status_error, "paid_on") />
                            <button type="submit" class="primary">"Mark paid"</button>
                        </ActionForm>
                    </details>
                }
                .into_any(),
                ExpenseStatus::Paid => view! {
                    <ActionForm action=status>
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="status" value="unpaid" />
                        <button type="submit">"Mark unpaid"</button>
                    </ActionForm>
                }
                .into_any(),
            })}
            {(page.can_delete && can_change).then(|| view! {
                <details class="confirm" open=move || delete_error.get().is_some()>
                    <summary class="button danger">"Delete…"</summary>
                    <ActionForm action=delete>
                        <input type="hidden" name="id" value=id.to_string() />
                        <p>"Deleting removes the expense and its receipt for good."</p>
                        <button type="submit" class="danger">"Delete expense"</button>
                        <FormError error=delete_error />
                    </ActionForm>
                </details>
            })}
        </div>
        <FormError error=status_error />
        <ReceiptCard id receipt=e.receipt.clone() can_edit=page.can_edit />
    }
}

/// Upload and removal are plain multipart form posts (they work without JavaScript); the server
/// answers with a redirect back here carrying `?receipt=<outcome>`. With JavaScript the upload
/// goes through `XMLHttpRequest` instead, for its progress events.
#[component]
fn ReceiptCard(id: ExpenseId, receipt: Option<ReceiptInfo>, can_edit: bool) -> impl IntoView {
    let query = use_query_map();
    let outcome = query.read_untracked().get("receipt").unwrap_or_default();
    let problem = ReceiptProblem::parse(&outcome);
    let saved = match outcome.as_str() {
        "saved" => Some("Receipt saved."),
        "removed" => Some("Receipt removed."),
        _ => None,
    };
    let browser_error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<u32>);
    let error = Signal::derive(move || browser_error.get().or_else(|| problem.map(|p| p.to_string())));
    let url = format!("/api/expenses/{id}/receipt");
    let shown = receipt.map(|r| {
        let size = human_size(r.size_bytes);
        let download = format!("{url}?download=1");
        let preview = r.is_image().then(|| {
            let alt = format!("Receipt: {}", r.filename);
            view! { <img class="receipt-preview" src=url.clone() alt=alt /> }
        });
        view! {
            {preview}
            <p>
                {format!("{} · {size} · ", r.filename)}
                <a href=download rel="external" download="">"Download receipt"</a>
            </p>
        }
    });
    let has_receipt = shown.is_some();
    view! {
        <section class="card narrow" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">"Receipt"</h2>
            {match shown {
                Some(view) => view.into_any(),
                None => view! { <p class="hint">"No receipt yet."</p> }.into_any(),
            }}
            {saved.map(|text| view! { <p class="saved" role="status">{text}</p> })}
            {can_edit.then(|| view! {
                <form method="post" action=url.clone() enctype="multipart/form-data"
                    on:submit=move |ev| upload_with_progress(ev, browser_error, progress)>
                    <div class="field">
                        <label for="receipt-file">{if has_receipt { "Replace the receipt" } else { "Receipt file" }}</label>
                        <p class="hint" id="receipt-file-hint">{RULES}</p>
                        <input id="receipt-file" type="file" name="receipt" accept=ACCEPT required=true
                            aria-describedby="receipt-file-hint receipt-file-error"
                            aria-invalid=move || error.get().map(|_| "true")
                            on:change=move |_| browser_error.set(None) />
                        <FieldError id="receipt-file-error".to_owned() message=error />
                    </div>
                    {move || progress.get().map(|percent| view! {
                        <div class="field">
                            <label for="receipt-progress">"Uploading"</label>
                            <progress id="receipt-progress" max="100" value=percent>{format!("{percent} %")}</progress>
                            <p role="status">{format!("Uploading… {percent} %")}</p>
                        </div>
                    })}
                    <button type="submit" class="primary">"Upload receipt"</button>
                </form>
                {has_receipt.then(|| view! {
                    <form method="post" action=format!("{url}/remove")>
                        <button type="submit" class="danger">"Remove receipt"</button>
                    </form>
                })}
            })}
        </section>
    }
}

/// Checks the chosen file's size, then sends the form with `XMLHttpRequest` so the page can show
/// how far the upload is; when the server answers (a redirect back here with the outcome), the
/// browser goes to that page. Anything unusual falls back to the plain form post.
fn upload_with_progress(ev: leptos::ev::SubmitEvent, error: RwSignal<Option<String>>, progress: RwSignal<Option<u32>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
        let file = document()
            .get_element_by_id("receipt-file")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let refused = match &file {
            None => Some(ReceiptProblem::Empty),
            Some(file) if file.size() == 0.0 => Some(ReceiptProblem::Empty),
            Some(file) if file.size() > RECEIPT_MAX_BYTES as f64 => Some(ReceiptProblem::TooLarge),
            Some(_) => None,
        };
        if let Some(refused) = refused {
            ev.prevent_default();
            error.set(Some(refused.to_string()));
            return;
        }
        let (Ok(data), Ok(request)) = (web_sys::FormData::new_with_form(&form), web_sys::XmlHttpRequest::new()) else {
            return;
        };
        if request.open("POST", &form.action()).is_err() {
            return;
        }
        let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                progress.set(Some((event.loaded() * 100.0 / event.total()).floor() as u32));
            }
        });
        if let Ok(upload) = request.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let finished = request.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            // The server answers with a redirect to this page carrying the outcome; anything else
            // (a signed-out session, a server error) is shown here instead of followed.
            let next = finished.response_url();
            if next.is_empty() || finished.status().unwrap_or(0) != 200 || !next.contains("receipt=") {
                progress.set(None);
                error.set(Some(ReceiptProblem::Failed.to_string()));
            } else {
                let _ = window().location().assign(&next);
            }
        });
        request.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            progress.set(None);
            error.set(Some("The upload failed. Check your connection and try again.".to_owned()));
        });
        request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if request.send_with_opt_form_data(Some(&data)).is_ok() {
            ev.prevent_default();
            progress.set(Some(0));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, error, progress);
}
