//! `bench load`: issue 11's load harness. Seeds one business in a scratch database, starts the real
//! release `server` binary on a loopback port, drives its pages at 1, 8 and 32 keep-alive
//! connections with a Rust HTTP/1 client, runs each page's data access straight on a pool with the
//! server's settings (the database's ceiling), counts each page's SQL round trips through the
//! in-process router, and prints one table (also written as JSON). `--check` exits non-zero when a
//! budget is missed.
//!
//! `DATABASE_URL` names the PostgreSQL server (its database part is replaced); `./scripts/bench`
//! builds everything and sets it. `CLERQ_BENCH_KEEP=1` keeps the scratch database.

mod ceiling;
mod child;
mod client;
mod drive;
mod report;
mod seed;
mod statements;

use app::ids::InvoiceId;
use sqlx::PgPool;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Res<T> = Result<T, Error>;

/// The connection counts every page is driven at.
pub const CONNECTIONS: [usize; 3] = [1, 8, 32];
/// Each cell runs this long before its measured window, on the same connections.
pub const WARM_UP: Duration = Duration::from_secs(1);

const USAGE: &str = "Usage: bench load [--check] [--json PATH] [--seconds N]
  --check       exit 1 when a budget of issue 11 is missed (and say which)
  --json PATH   where to write the figures (default: <target dir>/bench/load.json)
  --seconds N   measured seconds per page and connection count, after a 1 s warm-up (default 5)";

pub struct Options {
    pub check: bool,
    pub json: PathBuf,
    pub seconds: u64,
}

/// What a page request needs from the server, for the ceiling and the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    Ping,
    Dashboard,
    Clients,
    Timesheet,
    Invoices,
    Invoice(InvoiceId),
    Pdf(InvoiceId),
    /// The profit report for the current year.
    Reports,
}

pub struct Page {
    pub name: &'static str,
    pub path: String,
    pub kind: PageKind,
}

fn pages(issued: InvoiceId) -> Vec<Page> {
    let page = |name, path: &str, kind| Page { name, path: path.to_owned(), kind };
    vec![
        page("health.ping", "/api/trpc/health.ping", PageKind::Ping),
        page("dashboard", "/", PageKind::Dashboard),
        page("clients", "/clients", PageKind::Clients),
        page("timesheet", "/time", PageKind::Timesheet),
        page("invoices", "/invoices", PageKind::Invoices),
        page("invoice", &format!("/invoices/{issued}"), PageKind::Invoice(issued)),
        page("pdf", &format!("/api/invoices/{issued}/pdf"), PageKind::Pdf(issued)),
        page("reports (year)", "/reports?period=year", PageKind::Reports),
    ]
}

pub fn main(args: Vec<String>) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&options)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("bench load failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut options = Options { check: false, json: default_json_path(), seconds: 5 };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--json" => options.json = args.next().ok_or("--json needs a path")?.into(),
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                options.seconds =
                    value.parse().ok().filter(|n| (1..=600).contains(n)).ok_or("--seconds must be 1 to 600")?;
            }
            "--help" | "-h" => return Err("bench load: issue 11's load harness.".to_owned()),
            other => return Err(format!("Unknown argument {other:?}.")),
        }
    }
    Ok(options)
}

/// `<target dir>/bench/load.json`: the bench runs from `<target dir>/release/bench`.
fn default_json_path() -> PathBuf {
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("bench").join("load.json")
}

async fn run(options: &Options) -> Res<ExitCode> {
    let base = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL to a PostgreSQL server URL")?;
    let scratch = Scratch::create(&base).await?;
    let figures = measure(options, &scratch.url).await?;
    drop(scratch);
    report::print(&figures);
    if let Some(dir) = options.json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.json, serde_json::to_vec_pretty(&figures)?)?;
    println!("\nFigures written to {}", options.json.display());
    if figures.budget_misses.is_empty() {
        println!("Every budget is met.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("\nBudgets missed:");
    for miss in &figures.budget_misses {
        println!("  - {miss}");
    }
    Ok(if options.check { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

async fn measure(options: &Options, url: &str) -> Res<report::Figures> {
    // One random secret for the spawned server and the in-process routers, so a session cookie
    // is valid for both.
    let secret: String =
        (app::server::session::new_token() + &app::server::session::new_token()).chars().take(48).collect();
    // Other work on the machine moves every figure: say how busy it was.
    let load_before = load_average();
    eprintln!("[bench] seeding the scratch database");
    let seeded = seed::seed(url, &secret).await?;
    eprintln!("[bench] seeded in {:.1} s: {}", seeded.elapsed.as_secs_f64(), seeded.summary());
    let log = default_json_path().with_file_name("server.log");
    let server = child::Server::spawn(url, &secret, &log).await?;
    eprintln!(
        "[bench] server healthy {:.0} ms after spawn (log: {})",
        server.startup.as_secs_f64() * 1e3,
        log.display()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = child::memory(server.pid())?;
    let target = std::sync::Arc::new(client::Target::sign_in(server.addr, seed::EMAIL, seed::PASSWORD).await?);
    let pages = pages(seeded.issued);
    let mut sizes = Vec::new();
    for page in &pages {
        sizes.push(target.sizes(&page.path).await.map_err(|e| format!("{}: {e}", page.path))?);
    }
    let mut cells = Vec::new();
    for page in &pages {
        for connections in CONNECTIONS {
            let sample = client::load(&target, &page.path, connections, options.seconds).await;
            eprintln!("[bench] {:<12} c={connections:<2} {}", page.name, sample.summary());
            cells.push((page.name, connections, sample));
        }
    }
    let peak = child::memory(server.pid())?;
    let startup = server.startup;
    drop(server);
    let ceiling = ceiling::Ceiling::connect(url, &secret, &target).await?;
    let mut ceilings = Vec::new();
    for page in pages.iter().filter(|p| p.kind != PageKind::Ping) {
        for connections in CONNECTIONS {
            let sample = ceiling.load(page.kind, connections, options.seconds).await;
            eprintln!("[bench] {:<12} c={connections:<2} ceiling {}", page.name, sample.summary());
            ceilings.push((page.name, connections, sample));
        }
    }
    ceiling.close().await;
    let round_trips = statements::count(url.to_owned(), secret, target.clone(), &pages)?;
    Ok(report::Figures::new(report::Inputs {
        options,
        load_average: [load_before, load_average()],
        seeded: &seeded,
        pages: &pages,
        sizes,
        cells,
        ceilings,
        round_trips,
        process: report::Process { startup, idle, peak },
    }))
}

/// `/proc/loadavg`'s 1, 5 and 15 minute averages.
fn load_average() -> Option<String> {
    let line = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(line.split(' ').take(3).collect::<Vec<_>>().join(" "))
}

/// A scratch database, dropped (with its connections) when this goes out of scope, on success,
/// error or panic alike, unless `CLERQ_BENCH_KEEP` is set.
struct Scratch {
    admin_url: String,
    name: String,
    url: String,
}

impl Scratch {
    async fn create(base: &str) -> Res<Self> {
        let admin = PgPool::connect(base).await?;
        let name = format!("clerq_bench_{}", uuid::Uuid::now_v7().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\""))).execute(&admin).await?;
        admin.close().await;
        let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
        Ok(Self { admin_url: base.to_owned(), url: format!("{prefix}/{name}"), name })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("CLERQ_BENCH_KEEP").is_some() {
            eprintln!("[bench] kept database {}", self.name);
            return;
        }
        // Drop may run inside the async runtime (or while unwinding): a thread of its own with a
        // small runtime of its own can still wait for the statement.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || -> Res<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let admin = PgPool::connect(&admin_url).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists \"{name}\" with (force)")))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("[bench] could not drop the scratch database {}", self.name);
        }
    }
}
