//! The real release `server` binary (built next to this bench) as a child process on a free
//! loopback port, with a clean environment. Killed when [`Server`] is dropped, including on an
//! error or a panic.

use super::client::{connect, send};
use super::Res;
use http::{header, Request, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use serde::Serialize;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often readiness is polled while the server starts.
const POLL: Duration = Duration::from_millis(5);
const START_DEADLINE: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// From spawning the process to `health.ready` answering 200.
    pub startup: Duration,
}

impl Server {
    /// Starts the server on a free port and waits until `GET /api/trpc/health.ready` answers 200.
    /// Its output goes to `log`.
    pub async fn spawn(database_url: &str, secret: &str, log: &Path) -> Res<Self> {
        let exe = std::env::current_exe()?.with_file_name("server");
        if !exe.exists() {
            return Err(format!(
                "{} does not exist: build it with `cargo build --release -p server --bins` (./scripts/bench does)",
                exe.display()
            )
            .into());
        }
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let out = std::fs::File::create(log)?;
        let mut command = Command::new(&exe);
        // Only what the server needs, so nothing from the caller's shell (a test clock, a
        // connection limit) changes what is measured. The Leptos values are the Dockerfile's.
        command
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("BETTER_AUTH_SECRET", secret)
            .env("BETTER_AUTH_URL", format!("http://{addr}"))
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("LEPTOS_OUTPUT_NAME", "clerq")
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_ENV", "PROD")
            .env("CLERQ_FX_FETCH", "off")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        // The one setting a comparison may vary: `CLERQ_SESSION_CACHE_MS=0` measures the server
        // reading every session from Postgres.
        if let Ok(ms) = std::env::var("CLERQ_SESSION_CACHE_MS") {
            command.env("CLERQ_SESSION_CACHE_MS", ms);
        }
        // Pages render without the front end; only /pkg files would be missing.
        if Path::new("target/site").is_dir() {
            command.env("LEPTOS_SITE_ROOT", "target/site");
        }
        let started = Instant::now();
        let child = command.spawn()?;
        let mut server = Server { child, addr, startup: Duration::ZERO };
        loop {
            if ready(addr).await {
                server.startup = started.elapsed();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                return Err(format!("the server exited ({status}) before it was ready; see {}", log.display()).into());
            }
            if started.elapsed() > START_DEADLINE {
                return Err(format!("the server was not ready after {START_DEADLINE:?}; see {}", log.display()).into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn ready(addr: SocketAddr) -> bool {
    let Ok(mut sender) = connect(addr).await else { return false };
    let Ok(request) =
        Request::get("/api/trpc/health.ready").header(header::HOST, addr.to_string()).body(Full::new(Bytes::new()))
    else {
        return false;
    };
    matches!(send(&mut sender, request).await, Ok(reply) if reply.status == StatusCode::OK)
}

/// A process's resident memory, in KiB, from `/proc/PID/status`.
#[derive(Clone, Copy, Serialize)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss_kib: u64,
    /// `VmHWM`: the most it was ever resident.
    pub peak_kib: u64,
}

pub fn memory(pid: u32) -> Res<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> Res<u64> {
        let line = status.lines().find(|l| l.starts_with(name)).ok_or_else(|| format!("no {name} in /proc"))?;
        Ok(line.trim_start_matches(name).trim().trim_end_matches("kB").trim().parse()?)
    };
    Ok(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
}
