//! `/settings/import`: the CSV import wizard. Paste or upload, check the column mapping and the
//! preview, import. Every step is a form post to this page, which the server answers with the next
//! step (see `server/src/import_page.rs`), so the wizard works without JavaScript and keeps its
//! state in the posts. With JavaScript the import itself is sent in chunks of 500 rows with a
//! progress bar instead of one long request.

use crate::components::form::FieldError;
use crate::components::gate::Require;
use crate::import::{
    self, csv, import_client_rows, posted_import, ImportAnalysis, ImportOutcome, PostedImport, Target, CHUNK_ROWS,
    IMPORT_PAGE,
};
use crate::permissions::Permission;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Running { done: usize, total: usize },
    Finished(ImportOutcome),
    Failed(String),
}

#[component]
pub fn ImportPage() -> impl IntoView {
    // The step a post asked for; the browser takes the server's answer from the page.
    let posted_here = posted_import();
    let posted = OnceResource::new(async move { posted_here });
    let query = use_query_map();
    // `import/clients` called as a plain form post redirects here with its counts.
    let redirected_result = move || {
        let q = query.read();
        let count = |key: &str| q.get(key).and_then(|v| v.parse::<usize>().ok());
        Some(ImportOutcome {
            created: count("created")?,
            skipped: count("skipped")?,
            failed: count("failed")?,
            failures: Vec::new(),
        })
    };
    view! {
        <Title text="Import clients" />
        <Require any_of=&[Permission::ClientsCreate]>
        <div class="card">
            <h2>"Import clients from CSV"</h2>
            <ol class="steps">
                <li>"Paste CSV text or choose a file. The first line must name the columns."</li>
                <li>"Check how the columns map to client fields, and the preview."</li>
                <li>"Import. Clients whose name already exists are skipped."</li>
            </ol>
            {move || redirected_result().map(|outcome| view! { <ImportResult outcome /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match posted.await {
                        None => EitherOf4::A(view! { <UploadStep text=String::new() error=None /> }),
                        Some(PostedImport::Unreadable { text, message }) => {
                            EitherOf4::A(view! { <UploadStep text error=Some(message) /> })
                        }
                        Some(PostedImport::Preview { text, analysis }) => EitherOf4::B(view! {
                            <UploadStep text=text.clone() error=None />
                            <MappingStep analysis text />
                        }),
                        Some(PostedImport::Imported(outcome)) => EitherOf4::C(view! {
                            <ImportResult outcome />
                            <UploadStep text=String::new() error=None />
                        }),
                        Some(PostedImport::Refused(message)) => EitherOf4::D(view! {
                            <p class="form-error" role="alert">{message}</p>
                            <UploadStep text=String::new() error=None />
                        }),
                    }
                })}
            </Suspense>
        </div>
        </Require>
    }
}

/// Step 1: a file or pasted text, posted as multipart so the file travels without JavaScript.
#[component]
fn UploadStep(text: String, error: Option<String>) -> impl IntoView {
    view! {
        <form method="post" action=IMPORT_PAGE enctype="multipart/form-data">
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" />
            </div>
            <div class="field">
                <label for="import-text">"CSV text"</label>
                <p class="hint" id="import-text-hint">
                    "Or paste it here. For example: company,contact_name,email,vat_number,default_rate,currency"
                </p>
                <textarea id="import-text" name="text" rows="8" aria-describedby="import-text-hint import-text-error"
                    aria-invalid=error.is_some().then_some("true")>
                    {text}
                </textarea>
                <FieldError id="import-text-error".to_owned() message=Signal::stored(error) />
            </div>
            <input type="hidden" name="step" value="preview" />
            <button type="submit">"Preview"</button>
        </form>
    }
}

/// Step 2: the mapping (one select per column) and the preview. One form, two buttons: "Update
/// preview" posts the mapping back; "Import clients" imports (in chunks when JavaScript runs).
#[component]
fn MappingStep(analysis: ImportAnalysis, text: String) -> impl IntoView {
    let mapping = RwSignal::new(analysis.mapping.clone());
    let progress = RwSignal::new(Progress::Idle);
    let selects = analysis
        .headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let current = analysis.mapping.get(index).copied().unwrap_or(Target::Ignore);
            let options = Target::ALL
                .iter()
                .map(|t| view! { <option value=t.key() selected=*t == current>{t.label()}</option> })
                .collect_view();
            let on_change = move |ev: leptos::ev::Event| {
                let target = Target::parse(&event_target_value(&ev));
                mapping.update(|m| {
                    if let Some(slot) = m.get_mut(index) {
                        *slot = target;
                    }
                });
            };
            view! {
                <div class="field">
                    <label for=format!("map-{index}")>{format!("Column “{header}”")}</label>
                    <select id=format!("map-{index}") name=format!("mapping[{index}]") on:change=on_change>{options}</select>
                </div>
            }
        })
        .collect_view();
    let preview = analysis
        .preview
        .iter()
        .map(|p| {
            let r = &p.row;
            let name = if r.name.is_empty() { r.company.clone() } else { r.name.clone() };
            view! {
                <tr class=if p.problem.is_some() { "problem" } else { "" }>
                    <td>{r.line}</td>
                    <td>{name}</td>
                    <td>{r.contact_name.clone()}</td>
                    <td>{r.contact_email.clone()}</td>
                    <td>{r.vat_number.clone()}</td>
                    <td>{(!r.default_rate.is_empty()).then(|| format!("{} {}", r.default_rate, if r.currency.is_empty() { &analysis.default_currency } else { &r.currency }))}</td>
                    <td>{p.problem.clone().unwrap_or_else(|| "Ready".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    let total = analysis.total_rows;
    let currency = analysis.default_currency.clone();
    let csv_text = StoredValue::new(text.clone());
    // With JavaScript, "Import clients" maps the rows here and sends 500 per request with progress;
    // "Update preview" posts as it would without JavaScript.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let importing = ev.submitter().and_then(|button| button.get_attribute("value")).as_deref() == Some("import");
        if !importing {
            return;
        }
        ev.prevent_default();
        let Ok(table) = csv_text.with_value(|text| csv::parse(text)) else {
            progress.set(Progress::Failed("The file could not be read again. Preview it again.".into()));
            return;
        };
        let rows = import::map_rows(&table, &mapping.get_untracked());
        let total = rows.len();
        progress.set(Progress::Running { done: 0, total });
        spawn_local(async move {
            let mut outcome = ImportOutcome::default();
            for chunk in rows.chunks(CHUNK_ROWS) {
                match import_client_rows(chunk.to_vec()).await {
                    Ok(part) => outcome.add(part),
                    Err(error) => {
                        progress.set(Progress::Failed(format!(
                            "{error} {} clients were created before the error; importing again skips them.",
                            outcome.created
                        )));
                        return;
                    }
                }
                let done = (outcome.created + outcome.skipped + outcome.failed).min(total);
                progress.set(Progress::Running { done, total });
            }
            progress.set(Progress::Finished(outcome));
        });
    };
    let running = move || matches!(progress.get(), Progress::Running { .. });
    view! {
        <h3>"Column mapping"</h3>
        <p class="hint">{format!("{total} rows found. Rates without a currency are in {currency}, per hour.")}</p>
        <form method="post" action=IMPORT_PAGE enctype="multipart/form-data" class="mapping" on:submit=on_submit>
            <input type="hidden" name="text" value=text />
            <div class="mapping-grid">{selects}</div>
            <button type="submit" name="step" value="preview">"Update preview"</button>
            <h3>"Preview"</h3>
            <div class="table-scroll">
                <table class="data preview">
                    <thead>
                        <tr>
                            <th scope="col">"Line"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Contact"</th>
                            <th scope="col">"E-mail"</th>
                            <th scope="col">"VAT no."</th>
                            <th scope="col">"Rate"</th>
                            <th scope="col">"Check"</th>
                        </tr>
                    </thead>
                    <tbody>{preview}</tbody>
                </table>
            </div>
            {(analysis.rows_with_problems > 0).then(|| view! {
                <p class="notice">{format!("{} rows have problems and will be left out.", analysis.rows_with_problems)}</p>
            })}
            <button type="submit" name="step" value="import" disabled=running aria-busy=move || running().then_some("true")>
                {move || if running() { "Importing…" } else { "Import clients" }}
            </button>
        </form>
        {move || match progress.get() {
            Progress::Idle => ().into_any(),
            Progress::Running { done, total } => view! {
                <div class="progress">
                    <label for="import-progress">"Import progress"</label>
                    <progress id="import-progress" max=total value=done></progress>
                    <p role="status">{format!("Imported {done} of {total} rows…")}</p>
                </div>
            }
            .into_any(),
            Progress::Finished(outcome) => view! { <ImportResult outcome /> }.into_any(),
            Progress::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        }}
    }
}

#[component]
fn ImportResult(outcome: ImportOutcome) -> impl IntoView {
    let failures = outcome
        .failures
        .iter()
        .map(|(line, message)| view! { <li>{format!("Line {line}: {message}")}</li> })
        .collect_view();
    view! {
        <div class="import-result" role="status">
            <p><strong>"Import finished."</strong></p>
            <ul>
                <li>{format!("Created: {}", outcome.created)}</li>
                <li>{format!("Skipped (name already exists): {}", outcome.skipped)}</li>
                <li>{format!("Failed: {}", outcome.failed)}</li>
            </ul>
            {(!outcome.failures.is_empty()).then(|| view! { <ul class="failures">{failures}</ul> })}
        </div>
    }
}
