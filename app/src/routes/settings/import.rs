//! `/settings/import`: the CSV import wizard. Paste or upload, check the column mapping and the
//! preview, import. With JavaScript the file is read, mapped and sent in chunks of 500 rows with a
//! progress bar; without it, the pasted text goes to the server in one request.

use crate::components::form::{action_error, field_error, FieldError, FormError, SubmitButton};
use crate::components::gate::Require;
use crate::import::{
    self, csv, import_client_rows, AnalyzeImport, ImportAnalysis, ImportClients, ImportOutcome, Target, CHUNK_ROWS,
};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Running { done: usize, total: usize },
    Finished(ImportOutcome),
    Failed(String),
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let analyze = ServerAction::<AnalyzeImport>::new();
    let import_all = ServerAction::<ImportClients>::new();
    let text = RwSignal::new(String::new());
    let progress = RwSignal::new(Progress::Idle);
    let query = use_query_map();
    // The result of an import made without JavaScript arrives in the query string.
    let posted_result = move || {
        let q = query.read();
        let count = |key: &str| q.get(key).and_then(|v| v.parse::<usize>().ok());
        Some(ImportOutcome {
            created: count("created")?,
            skipped: count("skipped")?,
            failed: count("failed")?,
            failures: Vec::new(),
        })
    };
    let error = action_error(analyze);
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => text.set(value.as_string().unwrap_or_default()),
                Err(_) => progress.set(Progress::Failed("The file could not be read.".into())),
            }
        });
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
            {move || posted_result().map(|outcome| view! { <ImportResult outcome /> })}
            <ActionForm action=analyze>
                <div class="field">
                    <label for="import-file">"CSV file"</label>
                    <input id="import-file" type="file" accept=".csv,text/csv,text/plain" on:change=on_file />
                </div>
                <div class="field">
                    <label for="import-text">"CSV text"</label>
                    <p class="hint" id="import-text-hint">"For example: company,contact_name,email,vat_number,default_rate,currency"</p>
                    <textarea id="import-text" name="text" rows="8" aria-describedby="import-text-hint import-text-error"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))>
                        {text.get_untracked()}
                    </textarea>
                    <FieldError id="import-text-error".to_owned() message=field_error(error, "text") />
                </div>
                <FormError error />
                <SubmitButton label="Preview" busy_label="Reading…" pending=analyze.pending() />
            </ActionForm>
            {move || {
                analyze.value().get().and_then(Result::ok).map(|analysis| {
                    view! { <MappingStep analysis text analyze import_all progress /> }
                })
            }}
        </div>
        </Require>
    }
}

#[component]
fn MappingStep(
    analysis: ImportAnalysis,
    text: RwSignal<String>,
    analyze: ServerAction<AnalyzeImport>,
    import_all: ServerAction<ImportClients>,
    progress: RwSignal<Progress>,
) -> impl IntoView {
    let mapping = RwSignal::new(analysis.mapping.clone());
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
    let hidden_mapping = move || {
        mapping
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, t)| view! { <input type="hidden" name=format!("mapping[{i}]") value=t.key() /> })
            .collect_view()
    };
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
    // With JavaScript: parse and map here, send 500 rows per request, show progress.
    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(table) = csv::parse(&text.get_untracked()) else {
            progress.set(Progress::Failed("The text changed and is no longer valid CSV. Preview it again.".into()));
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
    view! {
        <h3>"Column mapping"</h3>
        <p class="hint">{format!("{total} rows found. Rates without a currency are in {currency}, per hour.")}</p>
        <ActionForm action=analyze attr:class="mapping">
            <input type="hidden" name="text" value=text.get_untracked() prop:value=move || text.get() />
            <div class="mapping-grid">{selects}</div>
            <button type="submit">"Update preview"</button>
        </ActionForm>
        <h3>"Preview"</h3>
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
        {(analysis.rows_with_problems > 0).then(|| view! {
            <p class="notice">{format!("{} rows have problems and will be left out.", analysis.rows_with_problems)}</p>
        })}
        // A plain form, not an ActionForm: without JavaScript it posts the whole file; with it,
        // `on_import` takes over and sends the rows in chunks.
        <form method="post" action={<ImportClients as ServerFn>::PATH} on:submit=on_import>
            <input type="hidden" name="text" value=text.get_untracked() prop:value=move || text.get() />
            {hidden_mapping}
            <FormError error=action_error(import_all) />
            <SubmitButton label="Import clients" busy_label="Importing…" pending=Signal::derive(move || matches!(progress.get(), Progress::Running { .. })) />
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
    .into_any()
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
