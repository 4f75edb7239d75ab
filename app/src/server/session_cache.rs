//! A short-lived in-memory copy of resolved sessions, so reading pages costs no session query.
//!
//! Correctness rests on a generation counter: every request that may write (any method but GET,
//! HEAD and OPTIONS, except the server functions registered as reads) bumps it when it has been
//! answered, and an entry is only used while the generation it was read under is current. The
//! generation is taken *before* the query, so a lookup racing a write is discarded. Writers outside
//! this process (another replica, `psql`) are seen within [`SessionCache::ttl`]; with a zero TTL
//! the cache is off.

use crate::server::db::sessions::Resolved;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries beyond this are not kept: a flood of distinct valid cookies cannot grow memory.
const CAPACITY: usize = 10_000;
/// How long another process's change (a revoked session, a new role) can go unseen.
pub const DEFAULT_TTL: Duration = Duration::from_secs(2);

type TokenHash = Vec<u8>;

struct Entry {
    resolved: Resolved,
    generation: u64,
    read_at: Instant,
}

pub struct SessionCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<TokenHash, Entry>>,
}

/// Proof of the generation a lookup started under; [`SessionCache::store`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, generation: AtomicU64::new(0), entries: Mutex::new(HashMap::new()) }
    }

    /// No caching: every request reads its session from Postgres.
    pub fn disabled() -> Self {
        Self::new(Duration::ZERO)
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenHash, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached session for `token_hash` when it is fresh and no write happened since it was read.
    pub fn get(&self, token_hash: &[u8]) -> Option<Resolved> {
        self.get_at(token_hash, Instant::now())
    }

    fn get_at(&self, token_hash: &[u8], now: Instant) -> Option<Resolved> {
        if self.ttl.is_zero() {
            return None;
        }
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.lock();
        let entry = entries.get(token_hash)?;
        (entry.generation == generation && now.duration_since(entry.read_at) < self.ttl).then(|| entry.resolved.clone())
    }

    /// Taken before querying Postgres for a session.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps a session read under `ticket`, unless a write happened since.
    pub fn store(&self, token_hash: &[u8], resolved: &Resolved, ticket: Ticket) {
        self.store_at(token_hash, resolved, ticket, Instant::now());
    }

    fn store_at(&self, token_hash: &[u8], resolved: &Resolved, ticket: Ticket, now: Instant) {
        if self.ttl.is_zero() || ticket.0 != self.generation.load(Ordering::Acquire) {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= CAPACITY && !entries.contains_key(token_hash) {
            entries.retain(|_, e| e.generation == ticket.0 && now.duration_since(e.read_at) < self.ttl);
            if entries.len() >= CAPACITY {
                return;
            }
        }
        entries.insert(token_hash.to_vec(), Entry { resolved: resolved.clone(), generation: ticket.0, read_at: now });
    }

    /// Something may have changed a session, an account, a membership or a running timer: every
    /// entry read before now is stale.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        // Stale entries are unreachable now; dropping them frees their memory early.
        self.lock().clear();
    }

    /// Forgets one session (it was refreshed or ended).
    pub fn forget(&self, token_hash: &[u8]) {
        self.lock().remove(token_hash);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::CurrentUser;
    use crate::permissions::PermissionSet;
    use crate::server::context::BusinessLocal;
    use crate::server::session::Principal;

    fn resolved(name: &str) -> Resolved {
        Resolved {
            principal: Principal {
                session_id: uuid::Uuid::nil(),
                user: CurrentUser { id: uuid::Uuid::nil().into(), email: "a@example.com".into(), name: name.into() },
                business: None,
                permissions: PermissionSet::EMPTY,
                local: BusinessLocal::default(),
                memberships: Vec::new(),
                running: None,
                platform_admin: false,
            },
            refreshed_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_stored_session_is_served_until_its_ttl_passes() {
        let cache = SessionCache::new(Duration::from_secs(2));
        let start = Instant::now();
        let ticket = cache.ticket();
        cache.store_at(b"t", &resolved("Ada"), ticket, start);
        let hit = cache.get_at(b"t", start + Duration::from_millis(1999)).expect("fresh");
        assert_eq!(hit.principal.user.name, "Ada");
        assert!(cache.get_at(b"t", start + Duration::from_secs(2)).is_none(), "expired at the TTL");
        assert!(cache.get_at(b"other", start).is_none());
    }

    #[test]
    fn a_write_makes_every_entry_stale() {
        let cache = SessionCache::new(Duration::from_secs(2));
        let now = Instant::now();
        cache.store_at(b"t", &resolved("Ada"), cache.ticket(), now);
        cache.invalidate_all();
        assert!(cache.get_at(b"t", now).is_none());
    }

    #[test]
    fn a_lookup_that_raced_a_write_is_not_kept() {
        let cache = SessionCache::new(Duration::from_secs(2));
        let now = Instant::now();
        let ticket = cache.ticket();
        cache.invalidate_all(); // a write committed while the query ran
        cache.store_at(b"t", &resolved("Ada"), ticket, now);
        assert!(cache.get_at(b"t", now).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn a_zero_ttl_turns_the_cache_off() {
        let cache = SessionCache::disabled();
        let now = Instant::now();
        cache.store_at(b"t", &resolved("Ada"), cache.ticket(), now);
        assert!(cache.get_at(b"t", now).is_none());
    }

    #[test]
    fn forgetting_one_session_leaves_the_others() {
        let cache = SessionCache::new(Duration::from_secs(2));
        let now = Instant::now();
        cache.store_at(b"a", &resolved("Ada"), cache.ticket(), now);
        cache.store_at(b"b", &resolved("Bo"), cache.ticket(), now);
        cache.forget(b"a");
        assert!(cache.get_at(b"a", now).is_none());
        assert!(cache.get_at(b"b", now).is_some());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = SessionCache::new(Duration::from_secs(2));
        let now = Instant::now();
        for i in 0..CAPACITY + 50 {
            cache.store_at(&i.to_le_bytes(), &resolved("x"), cache.ticket(), now);
        }
        assert_eq!(cache.len(), CAPACITY);
        // Once the entries have expired, room is made for new ones.
        let later = now + Duration::from_secs(3);
        cache.store_at(b"new", &resolved("New"), cache.ticket(), later);
        assert!(cache.get_at(b"new", later).is_some());
        assert_eq!(cache.len(), 1);
    }
}
