//! Update checks (PRODUCT §3.16): is a newer Clerq released than the one running? The release feed
//! (`CLERQ_UPDATE_URL`) may answer in any of three common shapes, read by [`newest_in`]:
//! - `{"version": "1.4.0"}` (a plain release file),
//! - `{"tag_name": "v1.4.0"}` (a GitHub-style latest release),
//! - `{"tags": ["1.3.2", "v1.4.0", "latest"]}` (an OCI registry's tag list; the highest release tag).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The version this build is.
pub const RUNNING: &str = env!("CARGO_PKG_VERSION");

/// `major.minor.patch` with an optional pre-release (`1.4.0-rc.1`), ordered as semver orders
/// releases (a pre-release before its release; build metadata ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
}

impl Version {
    /// Accepts `1.4.0`, `v1.4.0`, `1.4.0-rc.1`, `1.4.0+build`; anything else (`latest`, `1.4`) is `None`.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, Some(pre.to_owned())),
            Some(_) => return None,
            None => (text, None),
        };
        let mut parts = core.split('.');
        let mut number =
            || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?.parse().ok();
        let version = Version { major: number()?, minor: number()?, patch: number()?, pre };
        parts.next().is_none().then_some(version)
    }

    pub fn is_release(&self) -> bool {
        self.pre.is_none()
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(|| {
            match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            }
        })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Feed {
    version: Option<String>,
    tag_name: Option<String>,
    tags: Option<Vec<String>>,
}

/// The newest release a feed names, or why it could not be read.
pub fn newest_in(body: &str) -> Result<Version, String> {
    let feed: Feed =
        serde_json::from_str(body).map_err(|_| "The release feed is not the JSON Clerq expects.".to_owned())?;
    let newest = match (feed.version.or(feed.tag_name), feed.tags) {
        (Some(one), _) => Version::parse(&one),
        (None, Some(tags)) => tags.iter().filter_map(|t| Version::parse(t)).filter(Version::is_release).max(),
        (None, None) => None,
    };
    newest.ok_or_else(|| "The release feed names no release version.".to_owned())
}

/// What Settings → System shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    pub running: String,
    /// Checks are on (the instance setting) and a feed is configured.
    pub enabled: bool,
    pub configured: bool,
    /// The newest release seen at the last check.
    pub latest: Option<String>,
    pub update_available: bool,
    pub checked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the last check failed.
    pub error: Option<String>,
    pub can_manage: bool,
}

/// Whether `latest` is newer than the running version.
pub fn is_newer(latest: &str) -> bool {
    match (Version::parse(latest), Version::parse(RUNNING)) {
        (Some(latest), Some(running)) => latest > running,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn versions_parse_and_order_as_releases_do() {
        assert_eq!(v("v1.4.0"), Version { major: 1, minor: 4, patch: 0, pre: None });
        assert_eq!(v("1.4.0+build.7"), v("1.4.0"));
        for bad in ["latest", "1.4", "1.4.0.1", "1.x.0", "", "v", "1.4.0-"] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
        assert!(v("1.10.0") > v("1.9.9"), "numbers, not text");
        assert!(v("1.4.0") > v("1.4.0-rc.2") && v("1.4.0-rc.2") > v("1.4.0-rc.1"));
        assert!(v("2.0.0") > v("1.99.99"));
    }

    #[test]
    fn every_feed_shape_names_its_newest_release() {
        assert_eq!(newest_in(r#"{"version":"1.4.0"}"#), Ok(v("1.4.0")));
        assert_eq!(newest_in(r#"{"tag_name":"v2.0.1","html_url":"https://example.com"}"#), Ok(v("2.0.1")));
        assert_eq!(
            newest_in(r#"{"name":"clerq/clerq","tags":["1.3.2","latest","v1.10.0","1.11.0-rc.1","1.9.0"]}"#),
            Ok(v("1.10.0")),
            "the highest release tag; pre-releases and `latest` are not releases"
        );
        assert!(newest_in("<html>").is_err());
        assert!(newest_in(r#"{"tags":["latest"]}"#).is_err());
        assert!(newest_in(r#"{}"#).is_err());
    }

    #[test]
    fn only_a_newer_release_is_an_update() {
        let running = v(RUNNING);
        let next = Version { patch: running.patch + 1, ..running.clone() };
        assert!(is_newer(&next.to_string()));
        assert!(!is_newer(RUNNING));
        assert!(!is_newer("0.0.1"));
        assert!(!is_newer("garbage"));
    }
}

#[leptos::server(prefix = "/api", endpoint = "settings/updates")]
pub async fn get_update_status() -> crate::error::AppResult<UpdateStatus> {
    let state = crate::server::state()?;
    crate::server::updates::status(&crate::server::business()?, state.update_feed.as_deref()).await
}

#[leptos::server(prefix = "/api", endpoint = "settings/updates/check")]
pub async fn check_for_updates() -> crate::error::AppResult<UpdateStatus> {
    let state = crate::server::state()?;
    crate::server::updates::check_now(&crate::server::business()?, state.update_feed.as_deref()).await
}

/// `enabled` is a checkbox: any value turns checks on, none turns them off.
#[leptos::server(prefix = "/api", endpoint = "settings/updates/set")]
pub async fn set_update_checks(#[server(default)] enabled: Option<String>) -> crate::error::AppResult<()> {
    let on = enabled.is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    crate::server::updates::set_enabled(&crate::server::business()?, on).await
}
