//! What a person typed into a form that failed without JavaScript, kept for a couple of minutes so
//! the page the browser is sent back to shows it again beside the errors (see
//! [`crate::form_errors`]). Kept in memory, never in the database or the URL: the values can be
//! personal, and the id in the URL is only a random handle. Passwords are never kept.
//!
//! Bounded: each entry and all entries together have a byte budget, and the oldest go first.
//! Behind several replicas without sticky sessions the values may be on another replica; the
//! errors still show, as they travel in the URL.

mod restore;

pub use restore::restore;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Long enough for a slow phone to follow the redirect and for a reload; short enough that
/// nothing lingers.
pub const TTL: Duration = Duration::from_secs(120);
/// A form post larger than this is not kept (its errors still show).
pub const MAX_FORM_BYTES: usize = 32 * 1024;
/// All kept forms together.
const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;

/// The names of fields that are never kept, whatever the form.
fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("password") || name.contains("secret")
}

struct Kept {
    /// The session that posted it; `None` for a visitor (sign-in, sign-up).
    owner: Option<Uuid>,
    action: String,
    fields: Vec<(String, String)>,
    bytes: usize,
    at: Instant,
}

#[derive(Default)]
pub struct KeptForms {
    entries: Mutex<HashMap<String, Kept>>,
}

impl KeptForms {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Kept>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps `fields` (minus secrets) posted to `action` by `owner`; returns the handle for the URL.
    pub fn keep(&self, owner: Option<Uuid>, action: &str, fields: Vec<(String, String)>) -> Option<String> {
        self.keep_at(owner, action, fields, Instant::now())
    }

    fn keep_at(
        &self,
        owner: Option<Uuid>,
        action: &str,
        fields: Vec<(String, String)>,
        now: Instant,
    ) -> Option<String> {
        let fields: Vec<_> = fields.into_iter().filter(|(name, _)| !is_secret(name)).collect();
        let bytes = action.len() + fields.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        if bytes > MAX_FORM_BYTES {
            return None;
        }
        let mut entries = self.lock();
        entries.retain(|_, kept| now.saturating_duration_since(kept.at) < TTL);
        let mut total: usize = entries.values().map(|kept| kept.bytes).sum();
        while total + bytes > MAX_TOTAL_BYTES {
            let Some(oldest) = entries.iter().min_by_key(|(_, kept)| kept.at).map(|(id, _)| id.clone()) else { break };
            total -= entries.remove(&oldest).map_or(0, |kept| kept.bytes);
        }
        let id = Uuid::new_v4().simple().to_string();
        entries.insert(id.clone(), Kept { owner, action: action.to_owned(), fields, bytes, at: now });
        Some(id)
    }

    /// The fields kept under `id`, when `owner` posted them to `action` less than [`TTL`] ago.
    /// They stay (until they expire), so reloading the page shows them again.
    pub fn get(&self, id: &str, owner: Option<Uuid>, action: &str) -> Option<Vec<(String, String)>> {
        self.get_at(id, owner, action, Instant::now())
    }

    fn get_at(&self, id: &str, owner: Option<Uuid>, action: &str, now: Instant) -> Option<Vec<(String, String)>> {
        let entries = self.lock();
        let kept = entries.get(id)?;
        let fresh = now.saturating_duration_since(kept.at) < TTL;
        (fresh && kept.owner == owner && kept.action == action).then(|| kept.fields.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Posted fields as the middleware hands them over (also used by `restore`'s tests).
    pub(super) fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_kept_form_is_for_its_session_and_action_only_and_expires() {
        let kept = KeptForms::new();
        let (dana, eve) = (Some(Uuid::new_v4()), Some(Uuid::new_v4()));
        let start = Instant::now();
        let id = kept.keep_at(dana, "/api/a", form(&[("name", "Acme")]), start).expect("kept");
        assert_eq!(kept.get_at(&id, dana, "/api/a", start), Some(form(&[("name", "Acme")])));
        assert_eq!(kept.get_at(&id, dana, "/api/a", start + TTL / 2), Some(form(&[("name", "Acme")])), "a reload");
        assert_eq!(kept.get_at(&id, eve, "/api/a", start), None, "another session");
        assert_eq!(kept.get_at(&id, None, "/api/a", start), None, "a visitor");
        assert_eq!(kept.get_at(&id, dana, "/api/b", start), None, "another form");
        assert_eq!(kept.get_at("nope", dana, "/api/a", start), None);
        assert_eq!(kept.get_at(&id, dana, "/api/a", start + TTL), None, "expired");
    }

    #[test]
    fn passwords_are_never_kept() {
        let kept = KeptForms::new();
        let form = form(&[("email", "a@b"), ("password", "x"), ("new_password", "y"), ("client_secret", "z")]);
        let id = kept.keep(None, "/api/auth/sign_up", form).expect("kept");
        assert_eq!(kept.get(&id, None, "/api/auth/sign_up"), Some(vec![("email".to_owned(), "a@b".to_owned())]));
    }

    #[test]
    fn memory_is_bounded_per_form_and_in_total() {
        let kept = KeptForms::new();
        assert_eq!(kept.keep(None, "/a", form(&[("notes", &"x".repeat(MAX_FORM_BYTES))])), None, "too large");
        let start = Instant::now();
        let big = "x".repeat(MAX_FORM_BYTES - 100);
        let ids: Vec<String> = (0..MAX_TOTAL_BYTES / MAX_FORM_BYTES + 10)
            .map(|i| {
                let at = start + Duration::from_millis(i as u64);
                kept.keep_at(None, "/a", form(&[("notes", &big)]), at).expect("kept")
            })
            .collect();
        let total: usize = kept.lock().values().map(|k| k.bytes).sum();
        assert!(total <= MAX_TOTAL_BYTES, "{total}");
        let now = start + Duration::from_secs(1);
        assert_eq!(kept.get_at(&ids[0], None, "/a", now), None, "the oldest went first");
        assert!(kept.get_at(ids.last().expect("last"), None, "/a", now).is_some());
    }
}
