//! Turning tracked time into invoice lines (PRODUCT §3.9.4), as a pure function of the entries:
//! group them, apply the billing rounding rule to their time (never to the entries themselves),
//! price each group once at its rate (rounding point 1), and describe it. Conversion
//! to the invoice's currency happens afterwards, once per line (rounding point 3).

use super::forms::LINE_DESCRIPTION_MAX_CHARS;
use super::rounding::RoundingRule;
use super::Grouping;
use crate::billing::{line_from_time, Decimal, TooLarge};
use crate::ids::{TaskId, TimeEntryId, UserId};
use crate::money::{CurrencyCode, Money};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A billable, stopped, unbilled, priced entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableEntry {
    pub id: TimeEntryId,
    pub user_id: UserId,
    pub user_name: String,
    pub task_id: TaskId,
    pub task_title: String,
    pub seconds: i64,
    pub rate_minor: i64,
    pub rate_currency: CurrencyCode,
    pub started_on: NaiveDate,
}

/// A line before conversion: its amount is in the entries' currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    pub description: String,
    /// Hours billed, to six places.
    pub quantity: String,
    /// `None` when the line mixes rates (per-task lines of several people).
    pub unit_price_minor: Option<i64>,
    pub total_minor: i64,
    pub currency: CurrencyCode,
    pub entries: Vec<TimeEntryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("A single line needs every entry at one rate; these entries have {0}. Group by person and rate or per task instead.")]
    SeveralRates(String),
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// Groups `entries` into lines. Lines come out in a stable order (by person, task or date).
/// `rounding` decides the time billed: each entry's, or each line's per rate it holds.
pub fn plan_lines(
    entries: &[BillableEntry],
    grouping: Grouping,
    include_task_list: bool,
    rounding: Option<&RoundingRule>,
) -> Result<Vec<PlannedLine>, PlanError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // Group key → entries; BTreeMap keeps the order stable and readable.
    let mut groups: BTreeMap<(String, String, i64, String), Vec<&BillableEntry>> = BTreeMap::new();
    for entry in entries {
        let currency = entry.rate_currency.as_str().to_owned();
        let key = match grouping {
            Grouping::PersonAndRate => {
                (entry.user_name.to_lowercase(), entry.user_id.to_string(), entry.rate_minor, currency)
            }
            Grouping::Task => (entry.task_title.to_lowercase(), entry.task_id.to_string(), 0, currency),
            Grouping::Single => (String::new(), String::new(), 0, String::new()),
        };
        groups.entry(key).or_default().push(entry);
    }
    if grouping == Grouping::Single {
        let rates: std::collections::BTreeSet<(i64, &str)> =
            entries.iter().map(|e| (e.rate_minor, e.rate_currency.as_str())).collect();
        if rates.len() > 1 {
            let listed: Vec<String> = rates
                .iter()
                .map(|(minor, currency)| format!("{}/h", Money::new(*minor, parse(currency)).format()))
                .collect();
            return Err(PlanError::SeveralRates(listed.join(", ")));
        }
    }
    groups.into_values().map(|group| line(&group, grouping, include_task_list, rounding)).collect()
}

fn parse(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap_or_else(|_| CurrencyCode::from(&crate::currency::CURRENCIES[0]))
}

fn line(
    group: &[&BillableEntry],
    grouping: Grouping,
    include_task_list: bool,
    rounding: Option<&RoundingRule>,
) -> Result<PlannedLine, PlanError> {
    let first = group[0];
    // Billed seconds per rate: a line is priced once per rate it holds (one, except per-task lines).
    let mut seconds_at_rate: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in group {
        let billed = rounding.map_or(entry.seconds, |r| r.entry_seconds(entry.seconds));
        *seconds_at_rate.entry(entry.rate_minor).or_default() += billed;
    }
    if let Some(rule) = rounding {
        seconds_at_rate.values_mut().for_each(|seconds| *seconds = rule.line_seconds(*seconds));
    }
    let total_minor = seconds_at_rate
        .iter()
        .try_fold(0i64, |sum, (rate, seconds)| sum.checked_add(line_from_time(*seconds, *rate)?).ok_or(TooLarge))?;
    let seconds: i64 = seconds_at_rate.values().sum();
    let quantity = Decimal::from_fraction(i128::from(seconds), 3600, 6).ok_or(TooLarge)?.to_string();
    let unit_price_minor = (seconds_at_rate.len() == 1).then_some(first.rate_minor);
    let base = match grouping {
        Grouping::PersonAndRate => {
            format!("{} - {}/h", first.user_name, Money::new(first.rate_minor, first.rate_currency).format())
        }
        Grouping::Task => first.task_title.clone(),
        Grouping::Single => {
            let from = group.iter().map(|e| e.started_on).min().unwrap_or(first.started_on);
            let to = group.iter().map(|e| e.started_on).max().unwrap_or(first.started_on);
            if from == to {
                format!("Time tracked on {from}")
            } else {
                format!("Time tracked {from} to {to}")
            }
        }
    };
    let description = if include_task_list && grouping != Grouping::Task {
        let mut titles: Vec<&str> = group.iter().map(|e| e.task_title.as_str()).collect();
        titles.sort_unstable_by_key(|t| t.to_lowercase());
        titles.dedup();
        format!("{base}: {}", titles.join(", "))
    } else {
        base
    };
    Ok(PlannedLine {
        description: truncate(&description, LINE_DESCRIPTION_MAX_CHARS),
        quantity,
        unit_price_minor,
        total_minor,
        currency: first.rate_currency,
        entries: group.iter().map(|e| e.id).collect(),
    })
}

/// At most `max` characters, ending in "…" when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn eur() -> CurrencyCode {
        CurrencyCode::parse("EUR").expect("eur")
    }

    fn entry(user: &str, task: &str, seconds: i64, rate: i64) -> BillableEntry {
        // Stable ids per name, so grouping by id and by name agree.
        let id_of = |name: &str| {
            let mut bytes = [0u8; 16];
            for (i, b) in name.bytes().enumerate() {
                bytes[i % 16] ^= b;
            }
            Uuid::from_bytes(bytes)
        };
        BillableEntry {
            id: TimeEntryId(Uuid::now_v7()),
            user_id: UserId(id_of(user)),
            user_name: user.into(),
            task_id: TaskId(id_of(task)),
            task_title: task.into(),
            seconds,
            rate_minor: rate,
            rate_currency: eur(),
            started_on: "2026-11-30".parse().expect("date"),
        }
    }

    #[test]
    fn seventy_minutes_at_31_is_one_line_of_36_17() {
        let lines =
            plan_lines(&[entry("Dana Lee", "Design", 70 * 60, 3100)], Grouping::Single, false, None).expect("plan");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].total_minor, 3617);
        assert_eq!(lines[0].quantity, "1.166667");
        assert_eq!(lines[0].unit_price_minor, Some(3100));
        assert_eq!(lines[0].description, "Time tracked on 2026-11-30");
    }

    #[test]
    fn by_person_and_rate_names_the_person_and_the_rate() {
        let entries = [
            entry("Dana Lee", "Design", 3600, 8000),
            entry("Dana Lee", "Build", 1800, 8000),
            entry("Dana Lee", "Build", 3600, 9000),
            entry("Alex Kim", "Build", 3600, 5000),
        ];
        let lines = plan_lines(&entries, Grouping::PersonAndRate, true, None).expect("plan");
        let described: Vec<(&str, i64)> = lines.iter().map(|l| (l.description.as_str(), l.total_minor)).collect();
        assert_eq!(
            described,
            [
                ("Alex Kim - 50.00 EUR/h: Build", 5000),
                ("Dana Lee - 80.00 EUR/h: Build, Design", 12000),
                ("Dana Lee - 90.00 EUR/h: Build", 9000),
            ]
        );
        assert_eq!(lines[1].entries.len(), 2);
    }

    #[test]
    fn per_task_lines_price_each_rate_once_and_sum() {
        let entries = [
            entry("Dana Lee", "Build", 70 * 60, 3100),
            entry("Alex Kim", "Build", 70 * 60, 3100),
            entry("Alex Kim", "Build", 1, 10000),
        ];
        let lines = plan_lines(&entries, Grouping::Task, false, None).expect("plan");
        assert_eq!(lines.len(), 1);
        // 140 min at 31.00 = 72.33 (rounded once), plus 1 s at 100.00 = 0.03.
        assert_eq!(lines[0].total_minor, 7233 + 3);
        assert_eq!(lines[0].unit_price_minor, None, "a line of several rates has no single unit price");
        assert_eq!(lines[0].description, "Build");
    }

    #[test]
    fn a_single_line_needs_one_rate() {
        let entries = [entry("Dana Lee", "Build", 3600, 8000), entry("Alex Kim", "Build", 3600, 5000)];
        let error = plan_lines(&entries, Grouping::Single, false, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "A single line needs every entry at one rate; these entries have 50.00 EUR/h, 80.00 EUR/h. Group by person and rate or per task instead."
        );
    }

    #[test]
    fn long_task_lists_are_cut_to_the_description_limit() {
        let entries: Vec<BillableEntry> =
            (0..200).map(|i| entry("Dana Lee", &format!("Task number {i:03}"), 60, 100)).collect();
        let lines = plan_lines(&entries, Grouping::Single, true, None).expect("plan");
        assert_eq!(lines[0].description.chars().count(), LINE_DESCRIPTION_MAX_CHARS);
        assert!(lines[0].description.ends_with('…'));
    }

    #[test]
    fn a_rounding_rule_changes_the_hours_billed() {
        use crate::invoices::rounding::{Direction, RoundingRule, Scope};
        let rule = |scope, minimum| RoundingRule {
            scope,
            direction: Direction::Up,
            step_minutes: 15,
            minimum_minutes: minimum,
        };
        let seven = [entry("Dana Lee", "Design", 7 * 60, 3100), entry("Dana Lee", "Design", 7 * 60, 3100)];
        let lines = plan_lines(&seven, Grouping::Single, false, Some(&rule(Scope::Entry, 0))).expect("plan");
        // Each 7 minutes up to 15: half an hour at 31.00.
        assert_eq!((lines[0].quantity.as_str(), lines[0].total_minor), ("0.5", 1550));
        let lines = plan_lines(&seven, Grouping::Single, false, Some(&rule(Scope::Line, 0))).expect("plan");
        // 14 minutes up to 15.
        assert_eq!((lines[0].quantity.as_str(), lines[0].total_minor), ("0.25", 775));
        let lines = plan_lines(&seven, Grouping::Single, false, Some(&rule(Scope::Line, 10))).expect("plan");
        // Each raised to 10 minutes, 20 up to 30.
        assert_eq!((lines[0].quantity.as_str(), lines[0].total_minor), ("0.5", 1550));
        let lines = plan_lines(&seven, Grouping::Single, false, None).expect("plan");
        assert_eq!((lines[0].quantity.as_str(), lines[0].total_minor), ("0.233333", 723));
    }

    proptest! {
        #[test]
        fn every_entry_lands_on_exactly_one_line(
            spec in proptest::collection::vec((0usize..3, 0usize..3, 1i64..30_000, 0usize..2), 1..40),
            grouping in 0usize..2,
        ) {
            let users = ["Dana", "Alex", "Sam"];
            let tasks = ["Build", "Design", "Review"];
            let rates = [3100, 8000];
            let entries: Vec<BillableEntry> =
                spec.iter().map(|(u, t, s, r)| entry(users[*u], tasks[*t], *s, rates[*r])).collect();
            let grouping = [Grouping::PersonAndRate, Grouping::Task][grouping];
            let lines = plan_lines(&entries, grouping, false, None).expect("plan");
            let mut billed: Vec<TimeEntryId> = lines.iter().flat_map(|l| l.entries.clone()).collect();
            billed.sort_by_key(|id| id.0);
            let mut all: Vec<TimeEntryId> = entries.iter().map(|e| e.id).collect();
            all.sort_by_key(|id| id.0);
            prop_assert_eq!(billed, all);
            // Each line is its rate groups rounded once: never more than half a cent per rate off the exact sum.
            for line in &lines {
                let exact: i128 = entries.iter().filter(|e| line.entries.contains(&e.id))
                    .map(|e| i128::from(e.seconds) * i128::from(e.rate_minor)).sum();
                let diff = (i128::from(line.total_minor) * 3600 - exact).abs();
                prop_assert!(diff <= 1800 * 2, "line {} vs exact {}/3600", line.total_minor, exact);
            }
        }
    }
}
