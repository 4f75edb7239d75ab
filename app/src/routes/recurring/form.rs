//! `/invoices/recurring/new` and `/invoices/recurring/:id/edit`.

use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SelectField, SubmitButton, TextField,
};
use crate::components::gate::Require;
use crate::components::loading::{Load, LoadFailed};
use crate::error::AppError;
use crate::ids::param;
use crate::invoices::{Choice, TaxTreatment};
use crate::permissions::Permission;
use crate::recurring::forms::line_key;
use crate::recurring::{
    get_schedule_for_edit, schedule_form_choices, CreateSchedule, Frequency, LineForm, ScheduleForm, ScheduleOptions,
    UpdateSchedule, LINE_DESCRIPTION_MAX_CHARS, MAX_LINES, NAME_MAX_CHARS, NOTES_MAX_CHARS,
};
use crate::routes::invoices::editor::{choice_options, currency_options};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Empty rows offered below the filled ones; saving offers more.
const BLANK_ROWS: usize = 3;

fn frequency_label(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Weekly => "Weekly",
        Frequency::Monthly => "Monthly",
        Frequency::Quarterly => "Quarterly",
        Frequency::Yearly => "Yearly",
    }
}

/// The schedule's fields, filled from `form`.
#[component]
fn ScheduleFields(
    form: ScheduleForm,
    clients: Vec<Choice>,
    projects: Vec<Choice>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let fe = move |key: &'static str| field_error(error, key);
    let treatments: Vec<(String, String)> =
        TaxTreatment::ALL.iter().map(|t| (t.as_str().to_owned(), format!("{} — {}", t.label(), t.hint()))).collect();
    let frequencies: Vec<(String, String)> =
        Frequency::ALL.iter().map(|f| (f.as_str().to_owned(), frequency_label(*f).to_owned())).collect();
    let notes_error = fe("notes");
    let auto_issue_error = fe("auto_issue");
    let lines_error = fe("lines");
    let rows = form.lines.len().saturating_add(BLANK_ROWS).clamp(BLANK_ROWS, MAX_LINES);
    let line_rows = (0..rows)
        .map(|index| {
            let line = form.lines.get(index).cloned().unwrap_or_default();
            let description_key = line_key(index, "description");
            let amount_key = line_key(index, "amount");
            let description_error = Signal::derive(move || error.get().and_then(|e| e.field_message(&description_key)));
            let amount_error = Signal::derive(move || error.get().and_then(|e| e.field_message(&amount_key)));
            let n = index + 1;
            view! {
                <div class="two-columns line-row">
                    <TextField id=format!("line-{index}-description") name=format!("form[lines][{index}][description]")
                        label=format!("Line {n} description") maxlength=LINE_DESCRIPTION_MAX_CHARS as u32
                        value=line.description error=description_error />
                    <TextField id=format!("line-{index}-amount") name=format!("form[lines][{index}][amount]")
                        label=format!("Line {n} amount") value=line.amount error=amount_error />
                </div>
            }
        })
        .collect_view();
    view! {
        <TextField id="schedule-name" name="form[name]" label="Name" required=true maxlength=NAME_MAX_CHARS as u32
            hint="For you, e.g. \"Monthly retainer\"; not printed on the invoice." value=form.name.clone() error=fe("name") />
        <SelectField id="schedule-client" name="form[client_id]" label="Client" options=choice_options("Choose a client", &clients)
            selected=form.client_id.clone() error=fe("client_id") />
        <SelectField id="schedule-project" name="form[project_id]" label="Project (optional)"
            options=choice_options("No project", &projects) selected=form.project_id.clone() error=fe("project_id") />
        <div class="two-columns">
            <SelectField id="schedule-currency" name="form[currency]" label="Currency" options=currency_options()
                selected=form.currency.clone() error=fe("currency") />
            <SelectField id="schedule-vat" name="form[tax_treatment]" label="VAT treatment" options=treatments
                selected=form.tax_treatment.clone() hint="Standard-rate invoices use your VAT rate on the day each is made."
                error=fe("tax_treatment") />
        </div>
        <fieldset>
            <legend>"When"</legend>
            <div class="two-columns">
                <SelectField id="schedule-frequency" name="form[frequency]" label="Frequency" options=frequencies
                    selected=form.frequency.clone() error=fe("frequency") />
                <TextField id="schedule-interval" name="form[interval]" label="Every (number of weeks, months, quarters or years)"
                    kind="number" value=form.interval.clone() error=fe("interval") />
            </div>
            <div class="two-columns">
                <TextField id="schedule-start" name="form[start_date]" label="Start date" kind="date" required=true
                    hint="Dates before today are skipped, never invoiced late." value=form.start_date.clone() error=fe("start_date") />
                <TextField id="schedule-anchor" name="form[anchor_day]" label="Day of the month" kind="number"
                    hint="Monthly and longer. Empty: the start date's day. Short months use their last day."
                    value=form.anchor_day.clone() error=fe("anchor_day") />
            </div>
            <div class="two-columns">
                <TextField id="schedule-end" name="form[end_date]" label="End date (optional)" kind="date"
                    value=form.end_date.clone() error=fe("end_date") />
                <TextField id="schedule-limit" name="form[occurrence_limit]" label="Number of invoices (optional)" kind="number"
                    hint="Stop after this many, 1 to 1000." value=form.occurrence_limit.clone() error=fe("occurrence_limit") />
            </div>
        </fieldset>
        <div class="two-columns">
            <TextField id="schedule-terms" name="form[net_terms_days]" label="Payment terms (days)" kind="number"
                hint="Due date = issue date + this many days." value=form.net_terms_days.clone() error=fe("net_terms_days") />
            <div>
                <div class="check">
                    <input id="schedule-auto-issue" type="checkbox" name="form[auto_issue]" value="on"
                        checked=form.auto_issue.is_some()
                        aria-invalid=move || auto_issue_error.get().map(|_| "true")
                        aria-describedby="schedule-auto-issue-error" />
                    <label for="schedule-auto-issue">"Issue each invoice at once (numbered); otherwise it waits as a draft"</label>
                </div>
                <FieldError id="schedule-auto-issue-error".to_owned() message=auto_issue_error />
            </div>
        </div>
        <fieldset aria-describedby="schedule-lines-hint schedule-lines-error">
            <legend>"Lines"</legend>
            <p class="hint" id="schedule-lines-hint">
                {format!("Fixed amounts before VAT, 1 to {MAX_LINES} lines. Leave a row empty to skip it; save to get more rows.")}
            </p>
            {line_rows}
            <FieldError id="schedule-lines-error".to_owned() message=lines_error />
        </fieldset>
        <div class="field">
            <label for="schedule-notes">"Notes (printed on each invoice)"</label>
            <textarea id="schedule-notes" name="form[notes]" rows="3" maxlength=NOTES_MAX_CHARS
                aria-invalid=move || notes_error.get().map(|_| "true")
                aria-describedby="schedule-notes-error">{form.notes.clone()}</textarea>
            <FieldError id="schedule-notes-error".to_owned() message=notes_error />
        </div>
        <FormError error />
    }
}

#[component]
pub fn NewSchedulePage() -> impl IntoView {
    let action = ServerAction::<CreateSchedule>::new();
    let error = action_error(action);
    let options = Resource::new(|| (), |_| schedule_form_choices());
    view! {
        <Title text="New recurring invoice" />
        <Require any_of=&[Permission::InvoicesManageRecurring]>
            <section class="page narrow">
                <h1>"New recurring invoice"</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match options.await {
                            Ok(options) => {
                                let form = new_form(&options);
                                view! {
                                    <ActionForm action on:submit:capture=validate_before_posting(action, |a: &CreateSchedule| a.form.validate().map(|_| ()))>
                                        <ScheduleFields form clients=options.clients projects=options.projects error />
                                        <SubmitButton label="Create schedule" busy_label="Creating…" pending=action.pending() />
                                    </ActionForm>
                                }
                                .into_any()
                            }
                            Err(error) => view! { <LoadFailed error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Require>
    }
}

/// A monthly schedule starting today in the business's currency, standard-rate when a rate is set.
fn new_form(options: &ScheduleOptions) -> ScheduleForm {
    ScheduleForm {
        currency: options.currency.clone(),
        tax_treatment: if options.standard_rate.is_some() { "standard" } else { "zero_rated" }.to_owned(),
        frequency: Frequency::Monthly.as_str().to_owned(),
        interval: "1".to_owned(),
        start_date: options.today.to_string(),
        net_terms_days: "14".to_owned(),
        lines: vec![LineForm::default()],
        ..ScheduleForm::default()
    }
}

#[component]
pub fn EditSchedulePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let edit = Resource::new(id, |id| async move { get_schedule_for_edit(param(&id)?).await });
    let action = ServerAction::<UpdateSchedule>::new();
    let error = action_error(action);
    view! {
        <Title text="Edit recurring invoice" />
        <Require any_of=&[Permission::InvoicesManageRecurring]>
            <section class="page narrow">
                <Load resource=edit let:edit>
                    {
                        let s = edit.schedule;
                        view! {
                            <h1>{format!("Edit {}", s.name)}</h1>
                            <p class="hint">"Changing the frequency, interval, day or start date restarts the schedule from its next date on or after today; invoices already made count towards the limit."</p>
                            <ActionForm action on:submit:capture=validate_before_posting(action, |a: &UpdateSchedule| a.form.validate().map(|_| ()))>
                                <input type="hidden" name="id" value=s.id.to_string() />
                                <ScheduleFields form=ScheduleForm::from(&s) clients=edit.clients projects=edit.projects error />
                                <SubmitButton label="Save schedule" busy_label="Saving…" pending=action.pending() />
                            </ActionForm>
                        }
                    }
                </Load>
            </section>
        </Require>
    }
}
