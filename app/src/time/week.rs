//! Weeks: where they begin, and how a week of entries becomes the timesheet's rows and totals.

use super::TimesheetRow;
use crate::ids::{ProjectId, TaskId};
use chrono::{Datelike, Duration, NaiveDate};

/// The Monday of the ISO week `date` falls in.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// One stopped entry placed in a week: `day` is 0 for Monday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekEntry {
    pub day: usize,
    pub seconds: i64,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub client_name: String,
}

/// A week's rows (one per task, ordered by client, project and task, case-insensitively) and its
/// day totals. Entries outside the week's seven days are ignored.
pub fn build_week(entries: &[WeekEntry]) -> (Vec<TimesheetRow>, Vec<i64>) {
    let mut by_task: std::collections::BTreeMap<(String, String, String, TaskId), TimesheetRow> = Default::default();
    let mut day_totals = vec![0i64; 7];
    for entry in entries.iter().filter(|e| e.day < 7) {
        let key = (
            entry.client_name.to_lowercase(),
            entry.project_name.to_lowercase(),
            entry.task_title.to_lowercase(),
            entry.task_id,
        );
        let row = by_task.entry(key).or_insert_with(|| TimesheetRow {
            task_id: entry.task_id,
            task_title: entry.task_title.clone(),
            project_id: entry.project_id,
            project_name: entry.project_name.clone(),
            client_name: entry.client_name.clone(),
            seconds: vec![0; 7],
            total: 0,
        });
        row.seconds[entry.day] += entry.seconds;
        row.total += entry.seconds;
        day_totals[entry.day] += entry.seconds;
    }
    (by_task.into_values().collect(), day_totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_even_across_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(week_start(d(2026, 11, 25)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 23)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 29)), d(2026, 11, 23), "Sunday belongs to the week before it");
        assert_eq!(week_start(d(2027, 1, 1)), d(2026, 12, 28));
        assert_eq!(week_start(d(2026, 1, 1)), d(2025, 12, 29));
    }

    fn week_entry(day: usize, seconds: i64, task: u128, title: &str, client: &str) -> WeekEntry {
        WeekEntry {
            day,
            seconds,
            task_id: TaskId(uuid::Uuid::from_u128(task)),
            task_title: title.into(),
            project_id: ProjectId(uuid::Uuid::from_u128(1)),
            project_name: "Site".into(),
            client_name: client.into(),
        }
    }

    #[test]
    fn a_week_has_one_row_per_task_sorted_by_client_then_task_and_totals_that_add_up() {
        let entries = [
            week_entry(0, 3600, 1, "Build", "beta"),
            week_entry(0, 1800, 2, "Design", "Acme"),
            week_entry(6, 900, 1, "Build", "beta"),
            week_entry(2, 60, 2, "Design", "Acme"),
            week_entry(7, 99_999, 2, "Design", "Acme"),
        ];
        let (rows, totals) = build_week(&entries);
        let titles: Vec<&str> = rows.iter().map(|r| r.task_title.as_str()).collect();
        assert_eq!(titles, ["Design", "Build"], "Acme sorts before beta whatever the case");
        assert_eq!(rows[0].seconds, [1800, 0, 60, 0, 0, 0, 0]);
        assert_eq!(rows[1].seconds, [3600, 0, 0, 0, 0, 0, 900]);
        assert_eq!(totals, [5400, 0, 60, 0, 0, 0, 900], "the entry on day 7 is outside the week");
        assert_eq!(rows.iter().map(|r| r.total).sum::<i64>(), totals.iter().sum::<i64>());
    }
}
