//! In-memory sliding-window rate limiting (per process): a limiter allows `limit` attempts per key in
//! any `window`. Keys are strings such as `ip:203.0.113.9` or `email:dana@example.com`; an attempt is
//! refused when any of its keys is exhausted, and refused attempts are not counted, so a locked-out
//! key frees up `window` after its last accepted attempt.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self { limit, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Sign-in: 3 attempts per 10 seconds per IP and per e-mail.
    pub fn sign_in() -> Self {
        Self::new(3, Duration::from_secs(10))
    }

    /// Sign-up: 5 new accounts per 10 minutes per IP (each costs an argon2 hash and a row).
    pub fn sign_up() -> Self {
        Self::new(5, Duration::from_secs(600))
    }

    /// Forgets `key`'s attempts: a successful sign-in clears its e-mail's failures (never the IP's,
    /// or signing in to one's own account would reset a guesser's budget).
    pub fn reset(&self, key: &str) {
        self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }

    /// Records an attempt for every key, or refuses it and returns how long until a slot frees up.
    pub fn attempt(&self, keys: &[String]) -> Result<(), Duration> {
        self.attempt_at(keys, Instant::now())
    }

    /// How long until `keys` may try again, or `Ok` when they may now; records nothing. Lets a
    /// caller turn an exhausted key away before doing the work its other keys need.
    pub fn check(&self, keys: &[String]) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.wait(&mut hits, keys, Instant::now())
    }

    pub fn attempt_at(&self, keys: &[String], now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if hits.len() > 10_000 {
            // Bound memory under a flood of distinct keys: drop keys whose window has passed.
            hits.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        self.wait(&mut hits, keys, now)?;
        for key in keys {
            hits.entry(key.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    /// Drops `keys`' attempts that left the window; `Err` with the longest wait if one is full.
    fn wait(
        &self,
        hits: &mut HashMap<String, VecDeque<Instant>>,
        keys: &[String],
        now: Instant,
    ) -> Result<(), Duration> {
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = hits.get_mut(key) {
                while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    times.pop_front();
                }
                if times.len() >= self.limit {
                    if let Some(oldest) = times.front() {
                        wait = wait.max(self.window - now.duration_since(*oldest));
                    }
                }
            }
        }
        if wait > Duration::ZERO {
            Err(wait)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ip: &str, email: &str) -> Vec<String> {
        vec![format!("ip:{ip}"), format!("email:{email}")]
    }

    #[test]
    fn the_fourth_attempt_within_ten_seconds_is_refused() {
        let limiter = RateLimiter::sign_in();
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_secs(i)).is_ok(), "attempt {i}");
        }
        let wait = limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_secs(3)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(7), "the first attempt leaves the window at t0+10s");
    }

    #[test]
    fn attempts_are_allowed_again_once_the_window_slides() {
        let limiter = RateLimiter::sign_in();
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0).expect("within limit");
        }
        assert!(limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_millis(9_999)).is_err());
        assert!(limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn one_exhausted_key_refuses_the_attempt_whatever_the_other_key() {
        let limiter = RateLimiter::sign_in();
        let t0 = Instant::now();
        for i in 0..3 {
            limiter.attempt_at(&keys(&format!("10.0.0.{i}"), "victim@x.io"), t0).expect("distinct ips");
        }
        assert!(limiter.attempt_at(&keys("10.0.0.99", "victim@x.io"), t0).is_err(), "per-email limit");
        for i in 0..3 {
            limiter.attempt_at(&keys("9.9.9.9", &format!("u{i}@x.io")), t0).expect("distinct emails");
        }
        assert!(limiter.attempt_at(&keys("9.9.9.9", "new@x.io"), t0).is_err(), "per-ip limit");
    }

    #[test]
    fn refused_attempts_do_not_extend_the_lockout() {
        let limiter = RateLimiter::sign_in();
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0).expect("within limit");
        }
        for s in 1..10 {
            assert!(limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_secs(s)).is_err());
        }
        assert!(limiter.attempt_at(&keys("1.1.1.1", "a@x.io"), t0 + Duration::from_secs(10)).is_ok());
    }
}

/// The key for a client address: IPv4 as is, IPv6 by its /64 (one subscriber's whole prefix, which
/// they can rotate through freely).
pub fn ip_key(ip: Option<std::net::IpAddr>) -> String {
    // `to_canonical` turns an IPv4-mapped IPv6 address back into the IPv4 it is.
    match ip.map(|ip| ip.to_canonical()) {
        Some(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("ip6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => format!("ip:{ip}"),
        None => "ip:unknown".to_owned(),
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_bit_prefix() {
        let a = ip_key("2001:db8:1:2:aaaa::1".parse().ok());
        let b = ip_key("2001:db8:1:2:ffff:ffff:ffff:ffff".parse().ok());
        assert_eq!(a, b, "one /64");
        assert_ne!(a, ip_key("2001:db8:1:3::1".parse().ok()));
        assert_eq!(ip_key("::ffff:192.0.2.7".parse().ok()), "ip:192.0.2.7", "mapped IPv4 is IPv4");
        assert_eq!(ip_key("192.0.2.7".parse().ok()), "ip:192.0.2.7");
    }

    #[test]
    fn a_reset_key_starts_afresh_while_the_others_keep_counting() {
        let limiter = RateLimiter::sign_in();
        let t0 = Instant::now();
        let keys = ["ip:1.1.1.1".to_owned(), "email:a@x.io".to_owned()];
        for _ in 0..3 {
            limiter.attempt_at(&keys, t0).expect("within limit");
        }
        assert!(limiter.check(&keys[..1]).is_err() && limiter.check(&keys[1..]).is_err());
        limiter.reset("email:a@x.io");
        assert!(limiter.check(&keys[1..]).is_ok());
        assert!(limiter.check(&keys[1..]).is_ok(), "checking records nothing");
        assert!(limiter.attempt_at(&keys[1..], t0).is_ok(), "the e-mail starts afresh");
        assert!(limiter.attempt_at(&keys[..1], t0).is_err(), "the address does not");
    }
}
