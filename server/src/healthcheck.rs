//! `server healthcheck`: calls `health.ping` on the local port with a bare HTTP/1.1 request, so the
//! container image needs no curl. Exit 0 when healthy, 1 otherwise.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

pub fn port_from_env() -> u16 {
    std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|addr| addr.parse::<SocketAddr>().ok())
        .map_or(3000, |addr| addr.port())
}

pub fn check(port: u16) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let timeout = Duration::from_secs(3);
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /api/trpc/health.ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("cannot send request: {e}"))?;
    let mut response = String::new();
    stream.take(64 * 1024).read_to_string(&mut response).map_err(|e| format!("cannot read response: {e}"))?;
    let status_ok = response.starts_with("HTTP/1.1 200");
    if status_ok && response.contains("\"ok\":true") {
        Ok(())
    } else {
        Err(format!("unhealthy response: {}", response.lines().next().unwrap_or("(empty)")))
    }
}

pub fn run() -> ExitCode {
    match check(port_from_env()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("healthcheck failed: {message}");
            ExitCode::FAILURE
        }
    }
}
