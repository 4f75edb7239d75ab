//! The operator contract: migrations are append-only, the compose file and image match the
//! self-hosting guide, every variable is documented, and the README's commands are what CI runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn committed_migrations_are_never_modified() {
    let lock_path = "server/tests/fixtures/migration-checksums.txt";
    let lock = read(lock_path);
    let locked: Vec<(i64, &str)> = lock
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut fields = l.split_whitespace();
            let version = fields.next().and_then(|v| v.parse().ok()).expect("version");
            (version, fields.next().expect("checksum"))
        })
        .collect();
    let migrations: Vec<_> = app::server::MIGRATOR.iter().collect();
    for (version, checksum) in &locked {
        let migration = migrations
            .iter()
            .find(|m| m.version == *version)
            .unwrap_or_else(|| panic!("migration {version} was deleted or renamed; migrations are forward-only"));
        assert_eq!(
            hex(&migration.checksum),
            *checksum,
            "migration {version} ({}) was modified after it was committed; restore it and add a new migration",
            migration.description
        );
    }
    for migration in &migrations {
        assert!(
            locked.iter().any(|(v, _)| *v == migration.version),
            "new migration {} is not in {lock_path}; append this line:\n{} {} {}",
            migration.version,
            migration.version,
            hex(&migration.checksum),
            migration.description
        );
    }
}

/// `docker compose` (v2 plugin) where available, else Debian's `docker-compose` (v1.29).
fn compose() -> Command {
    let v2 = Command::new("docker").args(["compose", "version"]).output().is_ok_and(|o| o.status.success());
    let mut command = if v2 {
        let mut c = Command::new("docker");
        c.arg("compose");
        c
    } else {
        Command::new("docker-compose")
    };
    command.current_dir(repo());
    command
}

#[test]
fn the_compose_file_is_valid_and_matches_the_self_hosting_guide() {
    let output = compose()
        .args(["-f", "docker-compose.yml", "--env-file", ".env.example", "config", "-q"])
        .output()
        .expect("docker compose (or docker-compose) is installed by scripts/ensure-tools.sh");
    assert!(output.status.success(), "compose validation failed:\n{}", String::from_utf8_lossy(&output.stderr));

    let mut compose: serde_yaml::Value = serde_yaml::from_str(&read("docker-compose.yml")).expect("YAML");
    compose.apply_merge().expect("YAML merge keys");
    let services = &compose["services"];
    let postgres = &services["postgres"];
    assert!(postgres["image"].as_str().is_some_and(|i| i.starts_with("postgres:")), "official postgres image");
    let env = &postgres["environment"];
    assert_eq!(env["POSTGRES_USER"].as_str(), Some("${POSTGRES_USER:-clerq}"));
    assert_eq!(env["POSTGRES_DB"].as_str(), Some("${POSTGRES_DB:-clerq}"));
    assert!(
        env["POSTGRES_PASSWORD"].as_str().is_some_and(|p| p.starts_with("${POSTGRES_PASSWORD")),
        "password from .env"
    );
    assert!(format!("{:?}", postgres["healthcheck"]["test"]).contains("pg_isready"));
    assert!(
        postgres["volumes"][0].as_str().is_some_and(|v| v.contains(":/var/lib/postgresql/data")),
        "named data volume"
    );

    let migrate = &services["migrate"];
    assert_eq!(migrate["command"].as_str(), Some("migrate"));
    assert_eq!(migrate["restart"].as_str(), Some("no"), "one-shot");
    assert_eq!(migrate["depends_on"]["postgres"]["condition"].as_str(), Some("service_healthy"));

    let app = &services["app"];
    assert_eq!(app["depends_on"]["migrate"]["condition"].as_str(), Some("service_completed_successfully"));
    assert_eq!(app["ports"][0].as_str(), Some("${APP_PORT:-3000}:3000"));
    assert!(format!("{:?}", app["healthcheck"]["test"]).contains("healthcheck"), "healthcheck via the binary");
    for service in [app, migrate] {
        let url = service["environment"]["DATABASE_URL"].as_str().unwrap_or_default();
        assert!(
            url.contains("${POSTGRES_USER")
                && url.contains("${POSTGRES_PASSWORD")
                && url.contains("@postgres:5432/${POSTGRES_DB"),
            "{url}"
        );
    }
    assert_eq!(app["image"], migrate["image"], "migrate runs the same image");
    let grace = app["stop_grace_period"].as_str().and_then(|g| g.strip_suffix('s')).and_then(|g| g.parse::<u64>().ok());
    assert!(
        grace.is_some_and(|g| g > server::startup::DRAIN_DEADLINE.as_secs()),
        "compose waits longer than the server drains: {grace:?}"
    );
}

#[test]
fn the_dockerfile_builds_offline_and_runs_unprivileged() {
    let dockerfile = read("Dockerfile");
    for needle in [
        "scripts/ensure-tools.sh",
        "SQLX_OFFLINE=true",
        "cargo leptos build --release",
        "LEPTOS_ENV=PROD",
        "LEPTOS_SITE_ADDR=0.0.0.0:3000",
        "USER clerq",
        "HEALTHCHECK",
        "binaryen",
    ] {
        assert!(dockerfile.contains(needle), "Dockerfile lacks {needle:?}");
    }
    assert!(repo().join(".sqlx").is_dir(), ".sqlx offline query data is committed for the image build");
    let dockerignore = read(".dockerignore");
    for ignored in ["target", ".env", "node_modules"] {
        assert!(
            dockerignore.lines().any(|l| l.trim_start_matches('/').starts_with(ignored)),
            ".dockerignore lacks {ignored}"
        );
    }
}

#[test]
fn every_variable_the_server_reads_is_documented_in_env_example() {
    let example = read(".env.example");
    let documented: Vec<&str> =
        example.lines().filter_map(|l| l.trim_start_matches('#').trim().split('=').next()).collect();
    let sources = ["server/src/config.rs", "server/src/telemetry.rs", "server/src/healthcheck.rs"];
    let mut read_vars = Vec::new();
    for source in sources {
        for literal in read(source).split('"').skip(1).step_by(2) {
            let looks_like_var = literal.len() > 3
                && literal.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                && ["DATABASE_", "BETTER_AUTH_", "CLERQ_", "RUST_", "LEPTOS_"].iter().any(|p| literal.starts_with(p));
            if looks_like_var && !read_vars.contains(&literal.to_owned()) {
                read_vars.push(literal.to_owned());
            }
        }
    }
    assert!(read_vars.len() >= 8, "found {read_vars:?}");
    for var in read_vars.iter().map(String::as_str).chain([
        "APP_PORT",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
        "RUST_LOG",
    ]) {
        assert!(documented.contains(&var), ".env.example does not document {var}");
    }
}

#[test]
fn ci_runs_the_test_command_the_readme_gives() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    assert!(readme.contains("./scripts/dev"), "README gives the run command");
    assert!(readme.contains("./scripts/test"), "README gives the test command");
    assert!(
        ci.lines().any(|l| l.trim_start().starts_with("exec ./scripts/test") || l.trim() == "./scripts/test"),
        ".ci/run calls ./scripts/test"
    );
}
