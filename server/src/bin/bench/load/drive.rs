//! Closed-loop load: N workers, each sending its next request as soon as the previous one
//! answered, for a warm-up and then a measured window; every latency of the window is kept.

use super::WARM_UP;
use std::future::Future;
use std::time::{Duration, Instant};

/// One connection's (or one database client's) requests.
pub trait Worker: Send + 'static {
    /// One request; `true` when it succeeded (a 200 with a body, or a query that returned).
    fn call(&mut self) -> impl Future<Output = bool> + Send + '_;
}

/// The measured window of one cell.
pub struct Sample {
    /// Latencies of the successful requests, sorted.
    pub latencies: Vec<Duration>,
    pub errors: u64,
    /// From the end of the warm-up to the last answer.
    pub elapsed: Duration,
}

impl Sample {
    pub fn ok(&self) -> usize {
        self.latencies.len()
    }

    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency below which `percent` % of the successful requests answered, in ms.
    pub fn percentile_ms(&self, percent: usize) -> Option<f64> {
        let n = self.latencies.len();
        (n > 0).then(|| self.latencies[(n * percent / 100).min(n - 1)].as_secs_f64() * 1e3)
    }

    pub fn summary(&self) -> String {
        let ms = |p| self.percentile_ms(p).map_or("-".to_owned(), |v| format!("{v:.2} ms"));
        format!(
            "{:>9.0} req/s  p50 {:>9}  p99 {:>9}  {} requests, {} errors",
            self.per_second(),
            ms(50),
            ms(99),
            self.ok(),
            self.errors
        )
    }
}

struct WorkerResult {
    latencies: Vec<Duration>,
    errors: u64,
    last: Instant,
}

/// Runs `workers` concurrently for [`WARM_UP`] and then `seconds`, each on its own task.
pub async fn drive<W: Worker>(workers: Vec<W>, seconds: u64) -> Sample {
    let warm_end = Instant::now() + WARM_UP;
    let end = warm_end + Duration::from_secs(seconds);
    let handles: Vec<_> = workers.into_iter().map(|worker| tokio::spawn(run(worker, warm_end, end))).collect();
    let mut sample = Sample { latencies: Vec::new(), errors: 0, elapsed: Duration::ZERO };
    let mut last = end;
    for handle in handles {
        match handle.await {
            Ok(result) => {
                sample.latencies.extend(result.latencies);
                sample.errors += result.errors;
                last = last.max(result.last);
            }
            Err(_) => sample.errors += 1,
        }
    }
    sample.latencies.sort_unstable();
    sample.elapsed = last.saturating_duration_since(warm_end);
    sample
}

async fn run<W: Worker>(mut worker: W, warm_end: Instant, end: Instant) -> WorkerResult {
    let mut result = WorkerResult { latencies: Vec::with_capacity(4096), errors: 0, last: end };
    loop {
        let start = Instant::now();
        if start >= end {
            break;
        }
        let ok = worker.call().await;
        let done = Instant::now();
        if start >= warm_end {
            if ok {
                result.latencies.push(done - start);
            } else {
                result.errors += 1;
            }
            result.last = result.last.max(done);
        }
    }
    result
}
