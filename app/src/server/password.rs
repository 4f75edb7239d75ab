//! Password hashing: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), always run
//! on the blocking pool so a sign-in never stalls the async executor.

use crate::error::AppResult;
use crate::server::errors::internal;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

fn argon2() -> Argon2<'static> {
    // Parameters are constants known to be valid; `Params::DEFAULT` is the same shape.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the e-mail is unknown so that a wrong e-mail
/// costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2().hash_password(salt.as_str().as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
});

/// At most this many hashes run at once (one per core): each takes 19 MiB, so a burst of sign-ups
/// or sign-ins queues here instead of exhausting memory.
static HASHING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(hashing_slots()));

/// How many hashes may run at once on this machine.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map(usize::from).unwrap_or(2).clamp(1, 8)
}

static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The most hashes that ever ran at the same time in this process (what bounds their memory).
pub fn peak_concurrent_hashes() -> usize {
    PEAK.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs one hash computation on the blocking pool, counted for [`peak_concurrent_hashes`].
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    use std::sync::atomic::Ordering;
    let _slot = HASHING.acquire().await.map_err(|e| internal("the hashing semaphore was closed", e))?;
    tokio::task::spawn_blocking(move || {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let result = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        result
    })
    .await
    .map_err(|e| internal("password hashing task failed", e))
}

pub async fn hash(password: String) -> AppResult<String> {
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| internal("password hashing failed", e))
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no account, so both
/// failures take the same time. Returns true only for a real match.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    hashing(move || {
        let exists = stored.is_some();
        let encoded = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = PasswordHash::new(&encoded)
            .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        exists && matches
    })
    .await
}

/// Hash cost in use, for the benchmark and the docs.
pub fn parameters() -> (u32, u32, u32) {
    let a = argon2();
    let p = a.params();
    (p.m_cost(), p.t_cost(), p.p_cost())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let stored = hash("correct horse".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse".into(), Some(stored.clone())).await.expect("verify"));
        assert!(!verify("wrong horse".into(), Some(stored)).await.expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify("anything".into(), None).await.expect("verify"));
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_fails_closed() {
        assert!(!verify("x".into(), Some("not-a-hash".into())).await.expect("verify"));
    }

    #[test]
    fn parameters_are_owasp_minimums() {
        assert_eq!(parameters(), (19456, 2, 1));
    }
}
