//! The figures of one run: the table printed at the end, the JSON written next to it, and the
//! budgets of issue 11 that `--check` enforces.

use super::child::Memory;
use super::drive::Sample;
use super::seed::Seeded;
use super::statements::Counts;
use super::{Options, Page, PageKind, WARM_UP};
use serde::Serialize;
use std::time::Duration;

/// p99 at 32 connections for the dashboard, the timesheet and the invoice list.
const FAST_PAGE_P99_MS: f64 = 10.0;
/// Issue 16: the dashboard's median at 32 connections, and a year's profit report alone.
const DASHBOARD_P50_MS: f64 = 3.0;
const REPORT_YEAR_MS: f64 = 20.0;
const CLIENTS_MIN_PER_SECOND: f64 = 2_000.0;
const CLIENTS_P99_MS: f64 = 25.0;
const MIN_PERCENT_OF_CEILING: f64 = 50.0;
/// The session lookup and two more.
const MAX_ROUND_TRIPS: usize = 3;
const MAX_STARTUP_MS: f64 = 1_000.0;
const MAX_IDLE_RSS_MIB: f64 = 30.0;
/// The connection count the budgets are checked at.
const BUDGET_CONNECTIONS: usize = 32;

pub struct Process {
    pub startup: Duration,
    pub idle: Memory,
    pub peak: Memory,
}

pub struct Inputs<'a> {
    pub options: &'a Options,
    /// `/proc/loadavg`'s 1, 5 and 15 minute averages before and after the run.
    pub load_average: [Option<String>; 2],
    pub seeded: &'a Seeded,
    pub pages: &'a [Page],
    /// Per page: the body's bytes without compression and with brotli.
    pub sizes: Vec<(usize, usize)>,
    pub cells: Vec<(&'static str, usize, Sample)>,
    pub ceilings: Vec<(&'static str, usize, Sample)>,
    pub round_trips: Vec<Counts>,
    pub process: Process,
}

#[derive(Serialize)]
pub struct Figures {
    pub measured_at: String,
    pub cpus: usize,
    pub load_average_before: Option<String>,
    pub load_average_after: Option<String>,
    pub warm_up_seconds: f64,
    pub seconds_per_cell: u64,
    pub seed: serde_json::Value,
    pub cells: Vec<Cell>,
    pub pages: Vec<PageFigures>,
    pub startup_ms: f64,
    pub idle_rss_mib: f64,
    pub peak_rss_mib: f64,
    pub budget_misses: Vec<String>,
}

#[derive(Serialize)]
pub struct Cell {
    pub page: &'static str,
    pub connections: usize,
    pub requests: usize,
    pub errors: u64,
    pub seconds: f64,
    pub req_per_s: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub ceiling_req_per_s: Option<f64>,
    pub ceiling_errors: Option<u64>,
    pub percent_of_ceiling: Option<f64>,
}

#[derive(Serialize)]
pub struct PageFigures {
    pub page: &'static str,
    pub path: String,
    pub sql_round_trips: usize,
    /// The statements of the ceiling's version of one request: equal to the page's when the
    /// ceiling asks what the page asks.
    pub ceiling_sql_round_trips: Option<usize>,
    pub body_bytes: usize,
    pub brotli_bytes: usize,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

impl Figures {
    pub fn new(inputs: Inputs<'_>) -> Self {
        let cells = inputs
            .cells
            .iter()
            .map(|&(page, connections, ref sample)| {
                let ceiling =
                    inputs.ceilings.iter().find(|(p, c, _)| *p == page && *c == connections).map(|(_, _, s)| s);
                let ceiling_req_per_s = ceiling.map(Sample::per_second);
                Cell {
                    page,
                    connections,
                    requests: sample.ok(),
                    errors: sample.errors,
                    seconds: sample.elapsed.as_secs_f64(),
                    req_per_s: sample.per_second(),
                    p50_ms: sample.percentile_ms(50),
                    p99_ms: sample.percentile_ms(99),
                    ceiling_req_per_s,
                    ceiling_errors: ceiling.map(|s| s.errors),
                    percent_of_ceiling: ceiling_req_per_s.filter(|c| *c > 0.0).map(|c| 100.0 * sample.per_second() / c),
                }
            })
            .collect();
        let pages = inputs
            .pages
            .iter()
            .zip(&inputs.sizes)
            .zip(&inputs.round_trips)
            .map(|((page, (body, brotli)), counts)| PageFigures {
                page: page.name,
                path: page.path.clone(),
                sql_round_trips: counts.page,
                ceiling_sql_round_trips: counts.ceiling,
                body_bytes: *body,
                brotli_bytes: *brotli,
            })
            .collect();
        let mut figures = Figures {
            measured_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_average_before: inputs.load_average[0].clone(),
            load_average_after: inputs.load_average[1].clone(),
            warm_up_seconds: WARM_UP.as_secs_f64(),
            seconds_per_cell: inputs.options.seconds,
            seed: serde_json::to_value(inputs.seeded).unwrap_or_default(),
            cells,
            pages,
            startup_ms: inputs.process.startup.as_secs_f64() * 1e3,
            idle_rss_mib: mib(inputs.process.idle.rss_kib),
            peak_rss_mib: mib(inputs.process.peak.peak_kib),
            budget_misses: Vec::new(),
        };
        figures.budget_misses = figures.misses(inputs.pages);
        figures
    }

    /// Every budget of issue 11 this run missed, as a sentence each.
    fn misses(&self, pages: &[Page]) -> Vec<String> {
        let mut misses = Vec::new();
        for cell in self.cells.iter().filter(|c| c.errors > 0) {
            misses.push(format!(
                "{} at {} connections: {} failed requests (not a 200 with a body)",
                cell.page, cell.connections, cell.errors
            ));
        }
        for cell in self.cells.iter().filter(|c| c.connections == BUDGET_CONNECTIONS) {
            let p99 = cell.p99_ms.unwrap_or(f64::INFINITY);
            let kind = pages.iter().find(|p| p.name == cell.page).map(|p| p.kind);
            let fast = matches!(kind, Some(PageKind::Dashboard | PageKind::Timesheet | PageKind::Invoices));
            if fast && p99 > FAST_PAGE_P99_MS {
                misses.push(format!("{}: p99 {p99:.1} ms at 32 connections, over {FAST_PAGE_P99_MS} ms", cell.page));
            }
            if kind == Some(PageKind::Dashboard) && cell.p50_ms.unwrap_or(f64::INFINITY) > DASHBOARD_P50_MS {
                misses.push(format!("{}: p50 over {DASHBOARD_P50_MS} ms at 32 connections", cell.page));
            }
            if kind == Some(PageKind::Clients) {
                if cell.req_per_s < CLIENTS_MIN_PER_SECOND {
                    misses.push(format!(
                        "{}: {:.0} req/s at 32 connections, under {CLIENTS_MIN_PER_SECOND}",
                        cell.page, cell.req_per_s
                    ));
                }
                if p99 > CLIENTS_P99_MS {
                    misses.push(format!("{}: p99 {p99:.1} ms at 32 connections, over {CLIENTS_P99_MS} ms", cell.page));
                }
            }
            if let Some(percent) = cell.percent_of_ceiling.filter(|p| *p < MIN_PERCENT_OF_CEILING) {
                misses.push(format!(
                    "{}: {percent:.0} % of its database ceiling at 32 connections, under {MIN_PERCENT_OF_CEILING} %",
                    cell.page
                ));
            }
        }
        for cell in self.cells.iter().filter(|c| c.connections == 1) {
            let kind = pages.iter().find(|p| p.name == cell.page).map(|p| p.kind);
            let p50 = cell.p50_ms.unwrap_or(f64::INFINITY);
            if kind == Some(PageKind::Reports) && p50 > REPORT_YEAR_MS {
                misses.push(format!("{}: p50 {p50:.1} ms at 1 connection, over {REPORT_YEAR_MS} ms", cell.page));
            }
        }
        for page in self.pages.iter().filter(|p| p.sql_round_trips > MAX_ROUND_TRIPS) {
            misses.push(format!(
                "{}: {} SQL round trips, over {MAX_ROUND_TRIPS} (the session lookup and two more)",
                page.page, page.sql_round_trips
            ));
        }
        if self.startup_ms > MAX_STARTUP_MS {
            misses.push(format!("start-up: healthy after {:.0} ms, over {MAX_STARTUP_MS} ms", self.startup_ms));
        }
        if self.idle_rss_mib > MAX_IDLE_RSS_MIB {
            misses.push(format!("idle RSS {:.1} MiB, over {MAX_IDLE_RSS_MIB} MiB", self.idle_rss_mib));
        }
        misses
    }
}

/// `12345.6` → `12,346`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

pub fn print(figures: &Figures) {
    println!(
        "\nClerq under load: release server, {} CPUs (load average {} before the run, {} after), {} s per cell \
         after a {} s warm-up, loopback HTTP/1 keep-alive",
        figures.cpus,
        figures.load_average_before.as_deref().unwrap_or("unknown"),
        figures.load_average_after.as_deref().unwrap_or("unknown"),
        figures.seconds_per_cell,
        figures.warm_up_seconds
    );
    println!(
        "\n{:<12} {:>5} {:>9} {:>9} {:>9} {:>7} {:>11} {:>10} {:>4}",
        "page", "conns", "req/s", "p50 ms", "p99 ms", "errors", "ceiling/s", "% ceiling", "SQL"
    );
    let ms = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
    for cell in &figures.cells {
        let sql = figures.pages.iter().find(|p| p.page == cell.page).map_or(0, |p| p.sql_round_trips);
        println!(
            "{:<12} {:>5} {:>9} {:>9} {:>9} {:>7} {:>11} {:>10} {:>4}",
            cell.page,
            cell.connections,
            thousands(cell.req_per_s),
            ms(cell.p50_ms),
            ms(cell.p99_ms),
            cell.errors,
            cell.ceiling_req_per_s.map_or("-".to_owned(), thousands),
            cell.percent_of_ceiling.map_or("-".to_owned(), |p| format!("{p:.0} %")),
            sql
        );
    }
    for cell in figures.cells.iter().filter(|c| c.ceiling_errors.is_some_and(|e| e > 0)) {
        println!(
            "warning: the ceiling of {} at {} connections had {} failed requests",
            cell.page,
            cell.connections,
            cell.ceiling_errors.unwrap_or_default()
        );
    }
    for page in &figures.pages {
        if let Some(ceiling) = page.ceiling_sql_round_trips.filter(|c| *c != page.sql_round_trips) {
            println!(
                "warning: the ceiling of {} runs {ceiling} statements, the page {}: update ceiling.rs",
                page.page, page.sql_round_trips
            );
        }
    }
    println!("\nResponse size (uncompressed / brotli):");
    for page in &figures.pages {
        println!("  {:<12} {:>9} / {:>9}  {}", page.page, kb(page.body_bytes), kb(page.brotli_bytes), page.path);
    }
    println!("\nStart-up: healthy {:.0} ms after spawn", figures.startup_ms);
    println!(
        "RSS: {:.1} MiB idle (1 s after healthy), {:.1} MiB peak under load",
        figures.idle_rss_mib, figures.peak_rss_mib
    );
    let seed = &figures.seed;
    println!(
        "Seeded: {} clients, {} time entries ({} this week), {} invoices ({} issued), {} expenses",
        seed["clients"],
        seed["time_entries"],
        seed["time_entries_this_week"],
        seed["invoices"],
        seed["invoices_issued"],
        seed["expenses"].as_u64().unwrap_or_default()
    );
    println!(
        "Ceiling: the session lookup plus the server functions the page's resources call, straight on a pool \
         with the server's settings; SQL: statements of one page render (the second) through the router."
    );
}
