//! Time tracking: the live timer, manual entries, the weekly timesheet, and the rules they share:
//! how durations are typed and rounded, which rate an entry freezes, and where weeks begin.

pub mod api;
mod duration;
mod entry;
mod week;

use crate::ids::{ProjectId, TaskId, TimeEntryId, UserId};
use crate::money::{Money, Rate};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use api::*;
pub use duration::*;
pub use entry::*;
pub use week::*;

crate::text_enum! {
    /// Where a time entry's frozen rate came from.
    pub enum RateSource {
        Manual = "manual",
        Member = "member",
        Project = "project",
        Client = "client",
    }
}

impl RateSource {
    pub fn label(self) -> &'static str {
        match self {
            RateSource::Manual => "set on the entry",
            RateSource::Member => "member's client rate",
            RateSource::Project => "project rate",
            RateSource::Client => "client rate",
        }
    }
}

/// Where an entry's rate can come from, highest priority first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInputs {
    /// Typed on the entry (always hourly).
    pub manual: Option<Money>,
    /// The member's bill rate for the task's client.
    pub member: Option<Rate>,
    pub project: Option<Rate>,
    pub client: Option<Rate>,
    /// The member's internal cost for the client.
    pub member_cost: Option<Rate>,
    pub hours_per_day: i64,
}

/// What an entry freezes: its effective hourly rate (with where it came from) and hourly cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrozenRate {
    pub rate: Option<(Money, RateSource)>,
    pub cost: Option<Money>,
}

/// Manual > member's client rate > project default > client default > none. Day rates become
/// hourly through the business's hours per day (half-up). The cost always comes from the member's
/// client rate: overriding what is billed doesn't change what the work costs.
pub fn resolve_rate(inputs: &RateInputs) -> FrozenRate {
    let hourly = |rate: Rate| Money::new(rate.hourly_minor(inputs.hours_per_day), rate.amount.currency);
    let rate = inputs
        .manual
        .map(|m| (m, RateSource::Manual))
        .or_else(|| inputs.member.map(|r| (hourly(r), RateSource::Member)))
        .or_else(|| inputs.project.map(|r| (hourly(r), RateSource::Project)))
        .or_else(|| inputs.client.map(|r| (hourly(r), RateSource::Client)));
    FrozenRate { rate, cost: inputs.member_cost.map(hourly) }
}

/// The timer running for the signed-in member, with what the top bar needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningTimer {
    pub entry_id: TimeEntryId,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub started_at: DateTime<Utc>,
    /// "Tue 25 Nov, 09:00" in the business's time zone.
    pub started_local: String,
    /// For the "when did you stop?" field: `YYYY-MM-DDTHH:MM`, local.
    pub started_input: String,
    pub now_input: String,
    /// After this many hours the timer counts as forgotten.
    pub forgotten_after_hours: i32,
    /// Seconds run when the server read it, by the server's clock: the browser ticks on from
    /// here, so a browser clock that is off changes neither the time shown nor the page (a
    /// different "forgotten" verdict in the browser would break hydration).
    pub elapsed_seconds: i64,
    pub forgotten: bool,
}

impl RunningTimer {
    pub fn is_forgotten(&self, now: DateTime<Utc>) -> bool {
        now - self.started_at > Duration::hours(i64::from(self.forgotten_after_hours))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntryView {
    pub id: TimeEntryId,
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub client_name: String,
    pub user_name: String,
    pub started_at: DateTime<Utc>,
    /// Local date and time, "Mon 24 Nov 09:00".
    pub started_local: String,
    pub duration_seconds: i64,
    pub billable: bool,
    pub note: String,
    pub rate: Option<Money>,
    pub rate_source: Option<RateSource>,
    /// Internal hourly cost; only for viewers who may see profit.
    pub cost: Option<Money>,
    /// On an invoice line: locked.
    pub billed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimesheetRow {
    pub task_id: TaskId,
    pub task_title: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub client_name: String,
    /// Seconds per day, Monday first.
    pub seconds: Vec<i64>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOption {
    pub id: TaskId,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timesheet {
    pub week_start: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub today: NaiveDate,
    pub rows: Vec<TimesheetRow>,
    pub day_totals: Vec<i64>,
    pub week_total: i64,
    pub member_id: UserId,
    pub member_name: String,
    /// Everyone whose time the viewer may see (just themselves without `time.viewAll`).
    pub members: Vec<(UserId, String)>,
    pub entries: Vec<TimeEntryView>,
    pub tasks: Vec<TaskOption>,
    pub viewing_self: bool,
    pub can_log: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub timezone: String,
    pub business_currency: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{CurrencyCode, RateUnit};

    fn eur(minor: i64, unit: RateUnit) -> Rate {
        Rate { amount: Money::new(minor, CurrencyCode::parse("EUR").expect("EUR")), unit }
    }

    #[test]
    fn rate_resolution_takes_the_first_rate_that_is_set() {
        let gbp = Money::new(9000, CurrencyCode::parse("GBP").expect("GBP"));
        let full = RateInputs {
            manual: Some(gbp),
            member: Some(eur(8000, RateUnit::Hour)),
            project: Some(eur(7000, RateUnit::Hour)),
            client: Some(eur(6000, RateUnit::Hour)),
            member_cost: Some(eur(4000, RateUnit::Hour)),
            hours_per_day: 8,
        };
        let source = |inputs: &RateInputs| resolve_rate(inputs).rate.map(|(m, s)| (m.minor, m.currency.to_string(), s));
        assert_eq!(source(&full), Some((9000, "GBP".into(), RateSource::Manual)));
        let no_manual = RateInputs { manual: None, ..full };
        assert_eq!(source(&no_manual), Some((8000, "EUR".into(), RateSource::Member)));
        let no_member = RateInputs { member: None, ..no_manual };
        assert_eq!(source(&no_member), Some((7000, "EUR".into(), RateSource::Project)));
        let no_project = RateInputs { project: None, ..no_member };
        assert_eq!(source(&no_project), Some((6000, "EUR".into(), RateSource::Client)));
        let nothing = RateInputs { client: None, ..no_project };
        assert_eq!(source(&nothing), None, "unpriced");
    }

    #[test]
    fn day_rates_become_hourly_through_hours_per_day_half_up() {
        let inputs = RateInputs { client: Some(eur(80_000, RateUnit::Day)), hours_per_day: 8, ..RateInputs::default() };
        assert_eq!(resolve_rate(&inputs).rate.map(|(m, _)| m.minor), Some(10_000));
        let odd = RateInputs { client: Some(eur(10_004, RateUnit::Day)), hours_per_day: 8, ..RateInputs::default() };
        assert_eq!(resolve_rate(&odd).rate.map(|(m, _)| m.minor), Some(1251), "1250.5 rounds up");
        let seven = RateInputs { member: Some(eur(70_000, RateUnit::Day)), hours_per_day: 7, ..RateInputs::default() };
        assert_eq!(resolve_rate(&seven).rate.map(|(m, _)| m.minor), Some(10_000));
    }

    #[test]
    fn the_cost_comes_from_the_member_even_when_the_bill_rate_is_overridden() {
        let inputs = RateInputs {
            manual: Some(Money::new(1, CurrencyCode::parse("EUR").expect("EUR"))),
            member_cost: Some(eur(32_000, RateUnit::Day)),
            hours_per_day: 8,
            ..RateInputs::default()
        };
        let frozen = resolve_rate(&inputs);
        assert_eq!(frozen.rate.map(|(m, s)| (m.minor, s)), Some((1, RateSource::Manual)));
        assert_eq!(frozen.cost.map(|c| c.minor), Some(4000));
    }
}
