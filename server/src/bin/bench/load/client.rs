//! The load generator: hyper's HTTP/1 client over loopback TCP, one keep-alive connection per
//! worker, requests sent back to back. Requests look like a browser's page loads (the session
//! cookie, `Accept: text/html`) but ask for no compression, as wrk and oha do by default.

use super::drive::{drive, Sample, Worker};
use super::Res;
use http::{header, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// No request may hold a worker longer than this (the server's own timeout is 30 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

type Sender = SendRequest<Full<Bytes>>;

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// Opens a keep-alive HTTP/1 connection to `addr`.
pub async fn connect(addr: SocketAddr) -> Res<Sender> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends `request` on `sender` and reads the whole body.
pub async fn send(sender: &mut Sender, request: Request<Full<Bytes>>) -> Res<Reply> {
    let exchange = async {
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok::<_, hyper::Error>(Reply { status: parts.status, headers: parts.headers, body })
    };
    Ok(tokio::time::timeout(REQUEST_TIMEOUT, exchange).await??)
}

/// The running server as a signed-in owner sees it.
pub struct Target {
    pub addr: SocketAddr,
    /// `127.0.0.1:PORT`, the `Host` of every request.
    pub host: String,
    /// The `clerq_session` cookie's value.
    pub cookie: String,
}

impl Target {
    /// Signs in over HTTP, as the sign-in form's server function call does.
    pub async fn sign_in(addr: SocketAddr, email: &str, password: &str) -> Res<Self> {
        let host = addr.to_string();
        let form = format!("email={}&password={password}", email.replace('@', "%40"));
        let request = Request::post("/api/auth/sign_in")
            .header(header::HOST, &host)
            .header(header::ORIGIN, format!("http://{host}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Full::new(Bytes::from(form)))?;
        let reply = send(&mut connect(addr).await?, request).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("sign-in answered {}: {}", reply.status, String::from_utf8_lossy(&reply.body)).into());
        }
        let cookie = reply
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{}=", app::server::session::COOKIE_NAME)))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or("sign-in set no session cookie")?;
        Ok(Self { addr, host, cookie })
    }

    /// A page load: `GET path` with the session cookie.
    pub fn get(&self, path: &str, accept_encoding: Option<&str>) -> Request<Full<Bytes>> {
        let mut request = Request::get(path)
            .header(header::HOST, &self.host)
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .header(header::COOKIE, format!("{}={}", app::server::session::COOKIE_NAME, self.cookie));
        if let Some(encoding) = accept_encoding {
            request = request.header(header::ACCEPT_ENCODING, encoding);
        }
        request.body(Full::new(Bytes::new())).expect("a GET request with valid headers")
    }

    /// The body's size as sent without compression and with brotli (what browsers ask for).
    pub async fn sizes(&self, path: &str) -> Res<(usize, usize)> {
        let mut sender = connect(self.addr).await?;
        let plain = send(&mut sender, self.get(path, None)).await?;
        let brotli = send(&mut sender, self.get(path, Some("br"))).await?;
        for reply in [&plain, &brotli] {
            if reply.status != StatusCode::OK || reply.body.is_empty() {
                return Err(format!("answered {} with {} bytes", reply.status, reply.body.len()).into());
            }
        }
        Ok((plain.body.len(), brotli.body.len()))
    }
}

struct HttpWorker {
    target: Arc<Target>,
    path: Arc<str>,
    sender: Option<Sender>,
}

impl Worker for HttpWorker {
    async fn call(&mut self) -> bool {
        if self.sender.is_none() {
            match connect(self.target.addr).await {
                Ok(sender) => self.sender = Some(sender),
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    return false;
                }
            }
        }
        let request = self.target.get(&self.path, None);
        let Some(sender) = self.sender.as_mut() else { return false };
        match send(sender, request).await {
            Ok(reply) => reply.status == StatusCode::OK && !reply.body.is_empty(),
            Err(_) => {
                // The connection is unusable after a transport error: open a new one next time.
                self.sender = None;
                false
            }
        }
    }
}

/// `connections` keep-alive connections loading `path` back to back.
pub async fn load(target: &Arc<Target>, path: &str, connections: usize, seconds: u64) -> Sample {
    let path: Arc<str> = Arc::from(path);
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections {
        // Connections are opened before the clock starts; one that fails is retried by its worker.
        let sender = connect(target.addr).await.ok();
        workers.push(HttpWorker { target: target.clone(), path: path.clone(), sender });
    }
    drive(workers, seconds).await
}
