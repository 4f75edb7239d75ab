//! Typed configuration from the environment. Required values fail fast with the exact messages the
//! operator's guide quotes; nothing secret has a default.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not set.")]
    MissingDatabaseUrl,
    #[error("BETTER_AUTH_SECRET is not set; cannot sign invoice PDF links.")]
    MissingAuthSecret,
    #[error("BETTER_AUTH_URL must be the exact external origin, like https://clerq.example.com (got {0:?}).")]
    InvalidPublicUrl(String),
    #[error("{name} must be {expected} (got {value:?}).")]
    Invalid { name: &'static str, expected: &'static str, value: String },
}

/// Everything `server serve` needs.
pub struct Config {
    pub database_url: SecretString,
    pub auth_secret: SecretString,
    /// `BETTER_AUTH_URL` as a normalised origin (`scheme://host[:port]`), when set.
    pub public_origin: Option<String>,
    pub skip_migrations: bool,
    pub trust_proxy_headers: bool,
    pub db_max_connections: u32,
    /// `CLERQ_TEST_CLOCK`: the browser suite shifts "now" per request to test any weekday.
    pub test_clock: bool,
    /// `CLERQ_ECB_URL`: where the daily job fetches the ECB reference rates.
    pub ecb_url: url::Url,
    /// `CLERQ_FX_FETCH`: `off` on machines without internet (they use `server fx import FILE`).
    pub fx_fetch: bool,
    /// `CLERQ_SESSION_CACHE_MS`: how long a resolved session is reused from memory (0: never).
    pub session_cache: std::time::Duration,
    /// `CLERQ_RECEIPT_SCAN_KEY` (with `_URL` and `_MODEL`): the service that reads receipts.
    pub receipt_scan: Option<app::server::expenses::scan::ScanService>,
    /// `CLERQ_CRON_TOKEN`: the bearer token `POST /api/cron/run` requires; unset, the route is 404.
    pub cron_token: Option<SecretString>,
    /// `CLERQ_RECURRING_INTERVAL_SECONDS`: how often the in-process runner makes due recurring
    /// invoices (default 300; 0 turns it off, e.g. when an external cron calls the route).
    pub recurring_every: Option<std::time::Duration>,
    /// `CLERQ_UPDATE_URL`: the release feed update checks read (unset: no checks).
    pub update_url: Option<url::Url>,
}

/// The in-process recurring runner's default interval.
pub const DEFAULT_RECURRING_SECONDS: u64 = 300;

/// The receipt scanning service when no URL or model is given: OpenAI's API.
pub const DEFAULT_SCAN_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_SCAN_MODEL: &str = "gpt-4o-mini";

/// The ECB's daily reference-rate file.
pub const DEFAULT_ECB_URL: &str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml";

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &"[redacted]")
            .field("auth_secret", &"[redacted]")
            .field("public_origin", &self.public_origin)
            .field("skip_migrations", &self.skip_migrations)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("db_max_connections", &self.db_max_connections)
            .field("test_clock", &self.test_clock)
            .field("ecb_url", &loggable_url(&self.ecb_url))
            .field("fx_fetch", &self.fx_fetch)
            .field("session_cache", &self.session_cache)
            .field("receipt_scan", &self.receipt_scan)
            .field("cron_token", &self.cron_token.as_ref().map(|_| "[redacted]"))
            .field("recurring_every", &self.recurring_every)
            .field("update_url", &self.update_url.as_ref().map(loggable_url))
            .finish()
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, so tests never touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = database_url(&lookup)?;
        let auth_secret = non_empty(&lookup, "BETTER_AUTH_SECRET").ok_or(ConfigError::MissingAuthSecret)?;
        let public_origin = non_empty(&lookup, "BETTER_AUTH_URL").map(|url| parse_origin(&url)).transpose()?;
        let db_max_connections = match non_empty(&lookup, "CLERQ_DB_MAX_CONNECTIONS") {
            None => 10,
            Some(value) => {
                value.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)).ok_or(ConfigError::Invalid {
                    name: "CLERQ_DB_MAX_CONNECTIONS",
                    expected: "a number from 1 to 1000",
                    value,
                })?
            }
        };
        let ecb_url = match non_empty(&lookup, "CLERQ_ECB_URL") {
            None => url::Url::parse(DEFAULT_ECB_URL).expect("the default ECB URL is valid"),
            Some(value) => parse_fetch_url(&value).ok_or(ConfigError::Invalid {
                name: "CLERQ_ECB_URL",
                expected: "an http:// or https:// URL",
                value: loggable_input(&value),
            })?,
        };
        let session_cache = match non_empty(&lookup, "CLERQ_SESSION_CACHE_MS") {
            None => app::server::session_cache::DEFAULT_TTL,
            Some(value) => {
                value.parse::<u64>().ok().filter(|ms| *ms <= 60_000).map(std::time::Duration::from_millis).ok_or(
                    ConfigError::Invalid {
                        name: "CLERQ_SESSION_CACHE_MS",
                        expected: "a number of milliseconds from 0 to 60000",
                        value,
                    },
                )?
            }
        };
        let receipt_scan = match non_empty(&lookup, "CLERQ_RECEIPT_SCAN_KEY") {
            None => None,
            Some(key) => {
                let base_url = match non_empty(&lookup, "CLERQ_RECEIPT_SCAN_URL") {
                    None => DEFAULT_SCAN_URL.to_owned(),
                    Some(value) => parse_fetch_url(&value).map(|url| url.to_string()).ok_or(ConfigError::Invalid {
                        name: "CLERQ_RECEIPT_SCAN_URL",
                        expected: "an http:// or https:// URL",
                        value: loggable_input(&value),
                    })?,
                };
                Some(app::server::expenses::scan::ScanService {
                    base_url,
                    key: SecretString::from(key),
                    model: non_empty(&lookup, "CLERQ_RECEIPT_SCAN_MODEL")
                        .unwrap_or_else(|| DEFAULT_SCAN_MODEL.to_owned()),
                })
            }
        };
        let recurring_every = match non_empty(&lookup, "CLERQ_RECURRING_INTERVAL_SECONDS") {
            None => Some(std::time::Duration::from_secs(DEFAULT_RECURRING_SECONDS)),
            Some(value) => match value.parse::<u64>().ok().filter(|s| *s <= 86_400) {
                Some(0) => None,
                Some(seconds) => Some(std::time::Duration::from_secs(seconds)),
                None => {
                    return Err(ConfigError::Invalid {
                        name: "CLERQ_RECURRING_INTERVAL_SECONDS",
                        expected: "a number of seconds from 0 (off) to 86400",
                        value,
                    })
                }
            },
        };
        let update_url = match non_empty(&lookup, "CLERQ_UPDATE_URL") {
            None => None,
            Some(value) => Some(parse_fetch_url(&value).ok_or(ConfigError::Invalid {
                name: "CLERQ_UPDATE_URL",
                expected: "an http:// or https:// URL",
                value: loggable_input(&value),
            })?),
        };
        Ok(Config {
            update_url,
            receipt_scan,
            cron_token: non_empty(&lookup, "CLERQ_CRON_TOKEN").map(SecretString::from),
            recurring_every,
            database_url,
            auth_secret: SecretString::from(auth_secret),
            public_origin,
            // Any value skips, as documented for single-container hosts that migrate separately.
            skip_migrations: non_empty(&lookup, "CLERQ_SKIP_MIGRATIONS").is_some(),
            trust_proxy_headers: flag(&lookup, "CLERQ_TRUST_PROXY_HEADERS")?,
            db_max_connections,
            test_clock: flag(&lookup, "CLERQ_TEST_CLOCK")?,
            ecb_url,
            fx_fetch: flag_or(&lookup, "CLERQ_FX_FETCH", true)?,
            session_cache,
        })
    }

    /// Cookies are `Secure` when users reach the instance over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"))
    }

    /// Why the secret is weak, if it is.
    pub fn secret_weakness(&self) -> Option<String> {
        secret_weakness(self.auth_secret.expose_secret())
    }
}

/// `DATABASE_URL` alone, for `server migrate`.
pub fn database_url(lookup: &impl Fn(&str) -> Option<String>) -> Result<SecretString, ConfigError> {
    non_empty(lookup, "DATABASE_URL").map(SecretString::from).ok_or(ConfigError::MissingDatabaseUrl)
}

fn non_empty(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn flag(lookup: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    flag_or(lookup, name, false)
}

fn flag_or(lookup: &impl Fn(&str) -> Option<String>, name: &'static str, unset: bool) -> Result<bool, ConfigError> {
    match non_empty(lookup, name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(unset),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(value) => Err(ConfigError::Invalid { name, expected: "true or false", value }),
    }
}

/// An http(s) URL with a host, or `None`.
fn parse_fetch_url(input: &str) -> Option<url::Url> {
    url::Url::parse(input).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// A URL as logs and messages may show it: scheme, host, port and path, never credentials or a
/// query (a mirror could carry a token in either).
pub fn loggable_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// A rejected `CLERQ_ECB_URL` as the error may quote it: without credentials or query.
fn loggable_input(input: &str) -> String {
    match url::Url::parse(input) {
        Ok(url) => loggable_url(&url),
        Err(_) if input.contains(['@', '?']) => "[not shown: it may hold credentials]".to_owned(),
        Err(_) => input.to_owned(),
    }
}

/// `https://Example.com:8443/` → `https://example.com:8443`. Paths, queries and credentials are
/// refused: the value is compared with browsers' `Origin` header, which never has them.
pub fn parse_origin(input: &str) -> Result<String, ConfigError> {
    let invalid = || ConfigError::InvalidPublicUrl(input.to_owned());
    let (scheme, rest) = input.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(invalid());
    }
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let valid_host = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !host.starts_with(':');
    if !valid_host {
        return Err(invalid());
    }
    let host = host.to_ascii_lowercase();
    // Browsers omit default ports from Origin.
    let host = match (scheme.as_str(), host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_owned(),
        _ => host,
    };
    Ok(format!("{scheme}://{host}"))
}

/// A warning-worthy reason when the secret is short or predictable; `None` when it looks random.
pub fn secret_weakness(secret: &str) -> Option<String> {
    const MIN_BYTES: usize = 32;
    const PLACEHOLDERS: [&str; 12] = [
        "changeme",
        "change-me",
        "change_me",
        "replaceme",
        "replace-me",
        "password",
        "secret",
        "example",
        "placeholder",
        "default",
        "letmein",
        "qwerty",
    ];
    let bytes = secret.len();
    if bytes < MIN_BYTES {
        return Some(format!("{bytes} bytes; use at least {MIN_BYTES}"));
    }
    let lower = secret.to_ascii_lowercase();
    if let Some(word) = PLACEHOLDERS.iter().find(|w| lower.contains(*w)) {
        return Some(format!("it contains the dictionary word {word:?}"));
    }
    let distinct = secret.chars().collect::<std::collections::BTreeSet<_>>().len();
    if distinct < 10 {
        return Some(format!("only {distinct} distinct characters"));
    }
    let chars: Vec<char> = secret.chars().collect();
    if let Some(unit) = (1..=chars.len() / 2).find(|&n| chars.chunks(n).all(|chunk| chunk == &chars[..chunk.len()])) {
        return Some(format!("it repeats a {unit}-character pattern"));
    }
    // Long runs of consecutive characters ("abcdef…", "123456…") carry almost no entropy.
    let sequential = chars.windows(2).filter(|w| (w[1] as i64 - w[0] as i64).abs() == 1).count();
    if sequential * 2 >= chars.len() {
        return Some("it is mostly a run of consecutive characters".to_owned());
    }
    None
}

/// The log line for a weak secret: names the variable, says "low entropy", and says how to fix it.
pub fn weak_secret_warning(reason: &str) -> String {
    format!(
        "BETTER_AUTH_SECRET has low entropy ({reason}). Generate a strong one with `openssl rand -base64 32` \
         and restart; changing it signs everyone out."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const STRONG: &str = "q3J8v+Zp0xL2mR7tYw9KcN4bH6dF1sGa5eUiOjPlXk0=";

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn a_missing_database_url_gives_the_documented_message() {
        let error = Config::from_lookup(lookup(&[("BETTER_AUTH_SECRET", STRONG)])).unwrap_err();
        assert_eq!(error.to_string(), "DATABASE_URL is not set.");
        let blank = Config::from_lookup(lookup(&[("DATABASE_URL", "  "), ("BETTER_AUTH_SECRET", STRONG)])).unwrap_err();
        assert_eq!(blank, ConfigError::MissingDatabaseUrl, "blank counts as unset");
    }

    #[test]
    fn a_missing_secret_gives_the_documented_message() {
        let error = Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://x")])).unwrap_err();
        assert_eq!(error.to_string(), "BETTER_AUTH_SECRET is not set; cannot sign invoice PDF links.");
    }

    #[test]
    fn defaults_are_safe_and_optional_values_parse() {
        let config = Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://x"), ("BETTER_AUTH_SECRET", STRONG)]))
            .expect("valid");
        assert_eq!(config.public_origin, None);
        assert!(!config.secure_cookies() && !config.skip_migrations && !config.trust_proxy_headers);
        assert!(!config.test_clock, "the clock is never movable unless asked for");
        assert_eq!(config.db_max_connections, 10);
        assert_eq!(config.session_cache, std::time::Duration::from_secs(2));

        let config = Config::from_lookup(lookup(&[
            ("DATABASE_URL", "postgres://x"),
            ("BETTER_AUTH_SECRET", STRONG),
            ("BETTER_AUTH_URL", "https://Clerq.Example.com/"),
            ("CLERQ_SKIP_MIGRATIONS", "1"),
            ("CLERQ_TRUST_PROXY_HEADERS", "true"),
            ("CLERQ_DB_MAX_CONNECTIONS", "4"),
            ("CLERQ_SESSION_CACHE_MS", "0"),
        ]))
        .expect("valid");
        assert!(config.session_cache.is_zero(), "0 turns the session cache off");
        assert_eq!(config.public_origin.as_deref(), Some("https://clerq.example.com"));
        assert!(config.secure_cookies() && config.skip_migrations && config.trust_proxy_headers);
        assert_eq!(config.db_max_connections, 4);
    }

    #[test]
    fn the_ecb_fetch_is_on_by_default_and_can_be_turned_off_or_pointed_elsewhere() {
        let base = [("DATABASE_URL", "postgres://x"), ("BETTER_AUTH_SECRET", STRONG)];
        let config = Config::from_lookup(lookup(&base)).expect("valid");
        assert!(config.fx_fetch);
        assert_eq!(config.ecb_url.as_str(), DEFAULT_ECB_URL);

        let mut vars = base.to_vec();
        vars.extend([("CLERQ_FX_FETCH", "off"), ("CLERQ_ECB_URL", "http://mirror.internal:8080/ecb/daily.xml")]);
        let config = Config::from_lookup(lookup(&vars)).expect("valid");
        assert!(!config.fx_fetch);
        assert_eq!(config.ecb_url.as_str(), "http://mirror.internal:8080/ecb/daily.xml");
    }

    #[test]
    fn a_bad_ecb_url_is_refused_without_echoing_credentials() {
        let base = [("DATABASE_URL", "postgres://x"), ("BETTER_AUTH_SECRET", STRONG)];
        for value in ["ftp://user:hunter2@mirror/daily.xml", "mirror/daily.xml?token=hunter2", "file:///etc/passwd"] {
            let mut vars = base.to_vec();
            vars.push(("CLERQ_ECB_URL", value));
            let message = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
            assert!(message.contains("CLERQ_ECB_URL") && !message.contains("hunter2"), "{message}");
        }
        let mut vars = base.to_vec();
        vars.push(("CLERQ_ECB_URL", "https://user:hunter2@mirror/daily.xml?token=hunter2"));
        let debug = format!("{:?}", Config::from_lookup(lookup(&vars)).expect("valid"));
        assert!(debug.contains("https://mirror/daily.xml") && !debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn invalid_optional_values_are_refused_with_their_name() {
        let base = [("DATABASE_URL", "postgres://x"), ("BETTER_AUTH_SECRET", STRONG)];
        for (name, value) in [
            ("CLERQ_TRUST_PROXY_HEADERS", "maybe"),
            ("CLERQ_TEST_CLOCK", "sometimes"),
            ("CLERQ_FX_FETCH", "never"),
            ("CLERQ_DB_MAX_CONNECTIONS", "0"),
            ("CLERQ_SESSION_CACHE_MS", "a while"),
            ("CLERQ_SESSION_CACHE_MS", "600000"),
            ("BETTER_AUTH_URL", "clerq.example.com"),
        ] {
            let mut vars = base.to_vec();
            vars.push((name, value));
            let message = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn origins_are_normalised_like_browsers_send_them() {
        for (input, expected) in [
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
            ("https://clerq.example.com/", "https://clerq.example.com"),
            ("HTTPS://CLERQ.example.com:443", "https://clerq.example.com"),
            ("http://localhost:80", "http://localhost"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ] {
            assert_eq!(parse_origin(input).as_deref(), Ok(expected), "{input}");
        }
        for input in
            ["clerq.example.com", "ftp://x.y", "https://x.y/app", "https://user@x.y", "https://", "https://x.y?q=1"]
        {
            assert!(parse_origin(input).is_err(), "{input} must be refused");
        }
    }

    #[test]
    fn random_secrets_pass_the_entropy_check() {
        assert_eq!(secret_weakness(STRONG), None);
        assert_eq!(secret_weakness("0f8e1c2d9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b"), None);
    }

    #[test]
    fn short_repeated_sequential_or_dictionary_secrets_are_low_entropy() {
        for weak in [
            "short",
            "0123456789abcdefghijklmnopqrstuvwxyz",
            "abababababababababababababababababab",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "Xk29aQ7zXk29aQ7zXk29aQ7zXk29aQ7zXk29aQ7z",
            "please-change-me-in-production-1234567",
            "my-super-secret-value-for-clerq-2026-x",
        ] {
            assert!(secret_weakness(weak).is_some(), "{weak:?} should be flagged");
        }
    }

    #[test]
    fn the_warning_names_the_variable_and_the_fix() {
        let warning = weak_secret_warning("5 bytes; use at least 32");
        assert!(warning.contains("BETTER_AUTH_SECRET"));
        assert!(warning.contains("low entropy"));
        assert!(warning.contains("openssl rand -base64 32"));
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let config =
            Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://u:pw@h/db"), ("BETTER_AUTH_SECRET", STRONG)]))
                .expect("valid");
        let debug = format!("{config:?}");
        assert!(!debug.contains("pw@") && !debug.contains(STRONG), "{debug}");
    }
}
