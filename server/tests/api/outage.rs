//! Drills that break things for real (issue 20), against the `server` binary as operators run it:
//! PostgreSQL stopped and started under load (on a cluster this test starts itself, never the
//! machine's shared server), and the server killed with -9 while invoices are being issued.
//! Load stays on loopback and is bounded in requests and time; figures are printed, not asserted.

use crate::common::{database_url_of, PASSWORD};
use crate::invoices::{generate_form, time, World};
use crate::process::{free_port, serving, wait_until_healthy};
use http::StatusCode;
use sqlx::PgPool;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Only catches a hang: the pool's 3 s acquire timeout is what bounds an answer.
const HANG: Duration = Duration::from_secs(20);

/// A PostgreSQL cluster of the drill's own: `initdb` in a temporary directory, served on a free
/// loopback port, stopped and removed on drop.
struct OwnCluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl OwnCluster {
    fn create() -> Self {
        let dir = std::env::temp_dir().join(format!("clerq-drill-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("cluster directory");
        let cluster = OwnCluster { dir, port: free_port(), bin: postgres_bin() };
        if is_root() {
            // PostgreSQL refuses to run as root; the cluster belongs to the postgres account.
            let owned = Command::new("chown").args(["-R", "postgres"]).arg(&cluster.dir).status();
            assert!(owned.is_ok_and(|s| s.success()), "chown the cluster directory");
        }
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let log = self.dir.join("postgres.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-l", &log, "-o", &options, "-w", "-t", "60", "start"]);
    }

    /// `pg_ctl stop -m fast`: open sessions are ended, as a restart by an operator does.
    fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(path);
            runuser
        } else {
            Command::new(path)
        };
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().expect("a PostgreSQL program runs");
        assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<version>/bin.
fn postgres_bin() -> PathBuf {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok().map(|v| (v, entry.path())))
        .filter(|(_, path)| path.join("bin/initdb").exists())
        .max_by_key(|(version, _)| *version);
    match newest {
        Some((_, path)) => path.join("bin"),
        None => PathBuf::new(),
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// The spawned server, killed with -9 on drop if still running.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    async fn start(database_url: &str, log: &Path) -> Server {
        let addr = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(log).expect("server log");
        let mut child = serving(database_url, &addr).stderr(log).spawn().expect("spawn server");
        assert!(wait_until_healthy(&mut child, &addr).await, "never became healthy");
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser's wasm talking to the server: form-encoded server-function calls, JSON back.
#[derive(Clone)]
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

struct Answer {
    status: StatusCode,
    body: String,
    took: Duration,
}

impl Browser {
    fn new(addr: &str) -> Browser {
        let http = reqwest::Client::builder()
            .timeout(HANG)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { http, base: format!("http://{addr}"), cookie: None }
    }

    fn signed_in(&self, cookie: &str) -> Browser {
        Browser { cookie: Some(cookie.to_owned()), ..self.clone() }
    }

    async fn call(&self, path: &str, form: &[(&str, &str)]) -> Result<Answer, reqwest::Error> {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("origin", &self.base)
            .body(body);
        self.send(request).await
    }

    async fn get(&self, path: &str) -> Result<Answer, reqwest::Error> {
        self.send(self.http.get(format!("{}{path}", self.base)).header("accept", "text/html")).await
    }

    async fn send(&self, mut request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("clerq_session={cookie}"));
        }
        let started = Instant::now();
        let response = request.send().await?;
        let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
        let cookie = session_cookie(response.headers());
        let mut body = response.text().await?;
        if let Some(cookie) = cookie.filter(|_| status.is_success()) {
            body = format!("{cookie}\n{body}");
        }
        Ok(Answer { status, body, took: started.elapsed() })
    }
}

fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("clerq_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        .filter(|value| !value.is_empty())
}

/// What one request of the load saw.
struct Seen {
    path: &'static str,
    status: Option<StatusCode>,
    took: Duration,
    detail: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarting_under_load_costs_503s_within_seconds_and_no_acknowledged_write() {
    let cluster = OwnCluster::create();
    let server = Server::start(&cluster.url(), &cluster.dir.join("server.log")).await;
    let browser = Browser::new(&server.addr);
    let signed_up = browser
        .call("/api/auth/sign_up", &[("name", "Dana Lee"), ("email", "dana@drill.example"), ("password", PASSWORD)])
        .await
        .expect("sign-up");
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.body);
    let owner = browser.signed_in(signed_up.body.lines().next().expect("a session cookie"));
    let created =
        owner.call("/api/business/create", &[("name", "Studio"), ("currency", "EUR")]).await.expect("business");
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);

    // Four browsers, each alternating a write (a new client) and a page read, until told to stop
    // (and never more than 2,000 requests each).
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for worker in 0..4 {
        let (owner, stop, seen, acknowledged) = (owner.clone(), stop.clone(), seen.clone(), acknowledged.clone());
        workers.push(tokio::spawn(async move {
            for round in 0..1000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let name = format!("Drill client {worker}-{round}");
                let write = owner.call("/api/clients/create", &[("form[name]", &name)]).await;
                if write.as_ref().is_ok_and(|a| a.status == StatusCode::OK) {
                    acknowledged.lock().expect("lock").push(name);
                }
                let read = owner.get("/clients").await;
                let mut seen = seen.lock().expect("lock");
                for (path, outcome) in [("/api/clients/create", write), ("/clients", read)] {
                    seen.push(match outcome {
                        Ok(answer) => Seen {
                            path,
                            status: Some(answer.status),
                            took: answer.took,
                            detail: answer.body.chars().take(300).collect(),
                        },
                        Err(error) => Seen { path, status: None, took: HANG, detail: error.to_string() },
                    });
                }
            }
        }));
    }
    let anonymous = Browser::new(&server.addr);
    let ready = || {
        let anonymous = anonymous.clone();
        async move { anonymous.get("/api/trpc/health.ready").await.map(|a| a.status).ok() }
    };

    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = seen.lock().expect("lock").len();
    cluster.stop();
    let stopped_at = Instant::now();
    let ready_while_down = ready().await;
    tokio::time::sleep(Duration::from_secs(2).saturating_sub(stopped_at.elapsed())).await;
    let during = seen.lock().expect("lock").len() - before;
    cluster.start();
    let restarted_at = Instant::now();
    let mut recovered = None;
    while restarted_at.elapsed() < Duration::from_secs(60) {
        if ready().await == Some(StatusCode::OK) {
            recovered = Some(restarted_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first_write_after = seen.lock().expect("lock").len();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("worker");
    }

    let seen = std::mem::take(&mut *seen.lock().expect("lock"));
    let acknowledged = std::mem::take(&mut *acknowledged.lock().expect("lock"));
    let mut statuses: HashMap<(&str, Option<u16>), usize> = HashMap::new();
    for s in seen.iter() {
        *statuses.entry((s.path, s.status.map(|s| s.as_u16()))).or_default() += 1;
    }
    let slowest = seen.iter().map(|s| s.took).max().unwrap_or_default();
    let slowest_503 = seen.iter().filter(|s| s.status == Some(StatusCode::SERVICE_UNAVAILABLE)).map(|s| s.took).max();
    println!(
        "restart drill: {} requests ({during} while PostgreSQL was down for 2 s); by path and status {statuses:?}; \
         slowest answer {slowest:?}, slowest 503 {slowest_503:?}; health.ready while down {ready_while_down:?}; \
         ready again {recovered:?} after PostgreSQL was back",
        seen.len()
    );
    for s in seen.iter() {
        assert!(
            matches!(s.status, Some(StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE)),
            "{} answered {:?} after {:?}: {}",
            s.path,
            s.status,
            s.took,
            s.detail
        );
    }
    assert!(slowest_503.is_some(), "the outage was seen by the load");
    assert_eq!(ready_while_down, Some(StatusCode::SERVICE_UNAVAILABLE), "health.ready says unready");
    assert!(recovered.is_some(), "the server never became ready again");
    let after: Vec<&Seen> = seen[first_write_after.min(seen.len())..].iter().collect();
    assert!(
        after.iter().any(|s| s.path == "/api/clients/create" && s.status == Some(StatusCode::OK)),
        "writes succeed again once PostgreSQL is back"
    );

    let pool = PgPool::connect(&cluster.url()).await.expect("connect to the drill cluster");
    let stored: BTreeSet<String> =
        sqlx::query_scalar("select name from clients").fetch_all(&pool).await.expect("clients").into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|name| !stored.contains(*name)).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    println!("restart drill: {} acknowledged writes, all stored", acknowledged.len());
    pool.close().await;
    drop(server);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn killing_the_server_while_fifty_invoices_are_issued_leaves_numbers_whole(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    // Fifty drafts, each billing one day's time entry.
    let first_day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
    let mut drafts = Vec::new();
    for day in 0..50 {
        let date = first_day + chrono::Days::new(day);
        let entry = w.log(time(w.design, &format!("{date}T10:00:00Z"), 60)).await;
        let id = w.draft("2026-11-30").await;
        let form = app::invoices::forms::GenerateForm {
            from: date.to_string(),
            to: date.to_string(),
            ..generate_form("task")
        };
        w.generate(id, form).await.expect("generated");
        let line = w.line_of(entry).await.expect("the entry is billed on its draft");
        drafts.push((id, entry, line));
    }
    // Each issue holds the year's counter for 40 ms, so the kill lands with most still to come.
    sqlx::query(
        "create function slow_issue() returns trigger language plpgsql as $$
         begin perform pg_sleep(0.04); return new; end $$",
    )
    .execute(&pool)
    .await
    .expect("function");
    sqlx::query(
        "create trigger slow_issue before update of status on sales_invoices for each row
         when (new.status = 'sent') execute function slow_issue()",
    )
    .execute(&pool)
    .await
    .expect("trigger");

    let url = database_url_of(&pool).await;
    let log = std::env::temp_dir().join(format!("clerq-kill-{}.log", uuid::Uuid::now_v7()));
    let mut server = Server::start(&url, &log).await;
    let owner = Browser::new(&server.addr).signed_in(&w.owner_cookie);
    let (sender, mut answers) = tokio::sync::mpsc::unbounded_channel();
    for (id, _, _) in &drafts {
        let (owner, sender, id) = (owner.clone(), sender.clone(), id.to_string());
        tokio::spawn(async move {
            let answer = owner.call("/api/invoices/issue", &[("id", &id)]).await;
            let _ = sender.send((id, answer.map(|a| (a.status, a.body))));
        });
    }
    drop(sender);
    let mut acknowledged = BTreeSet::new();
    while acknowledged.len() < 5 {
        let (id, answer) = tokio::time::timeout(HANG, answers.recv()).await.expect("answers").expect("an answer");
        let (status, body) = answer.expect("answered before the kill");
        assert_eq!(status, StatusCode::OK, "{body}");
        acknowledged.insert(id);
    }
    server.child.kill().expect("kill -9");
    server.child.wait().expect("reaped");
    // Answers that raced the kill still count; the rest were cut off.
    while let Ok(Some((id, answer))) = tokio::time::timeout(HANG, answers.recv()).await {
        if answer.is_ok_and(|(status, _)| status == StatusCode::OK) {
            acknowledged.insert(id);
        }
    }

    // What the database holds once every cut-off transaction has been rolled back.
    let deadline = Instant::now() + HANG;
    while sqlx::query_scalar::<_, i64>(
        "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
         and state in ('active', 'idle in transaction')",
    )
    .fetch_one(&pool)
    .await
    .expect("activity")
        > 0
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let invoices: Vec<(uuid::Uuid, String, Option<i32>)> =
        sqlx::query_as("select id, status, number_seq from sales_invoices where business_id = $1")
            .bind(w.business)
            .fetch_all(&pool)
            .await
            .expect("invoices");
    let mut numbers: Vec<i32> = invoices.iter().filter_map(|(_, _, n)| *n).collect();
    numbers.sort_unstable();
    let issued = numbers.len() as i32;
    println!(
        "kill -9 drill: {} of 50 acknowledged, {issued} issued when the server died, {} still drafts",
        acknowledged.len(),
        50 - issued
    );
    assert_eq!(numbers, (1..=issued).collect::<Vec<_>>(), "numbers 1..N, no gap, no duplicate");
    assert!(issued < 50, "the kill landed while invoices were still being issued");
    for (id, status, number) in &invoices {
        match status.as_str() {
            "sent" => assert!(number.is_some(), "{id} issued without a number"),
            "draft" => assert!(number.is_none(), "{id} is a draft with a number"),
            other => panic!("{id} is {other}"),
        }
        if acknowledged.contains(&id.to_string()) {
            assert_eq!(status, "sent", "{id} was acknowledged as issued");
        }
    }
    for (_, entry, line) in &drafts {
        assert_eq!(w.line_of(*entry).await, Some(*line), "every entry is still billed on its own line, once");
    }

    // A new server issues the rest, carrying on from N + 1.
    let server = Server::start(&url, &log).await;
    let owner = Browser::new(&server.addr).signed_in(&w.owner_cookie);
    for (id, status, _) in &invoices {
        if status == "draft" {
            let answer = owner.call("/api/invoices/issue", &[("id", &id.to_string())]).await.expect("issue");
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        }
    }
    let numbers: Vec<i32> =
        sqlx::query_scalar("select number_seq from sales_invoices where business_id = $1 order by number_seq")
            .bind(w.business)
            .fetch_all(&pool)
            .await
            .expect("numbers");
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    drop(server);
    let _ = std::fs::remove_file(log);
}
