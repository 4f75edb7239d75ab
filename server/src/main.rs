//! `server [serve]`, `server migrate`, `server healthcheck`, `server fx import FILE`,
//! `server grant-admin EMAIL`, `server revoke-admin EMAIL`.

use server::config::{self, Config};
use server::{healthcheck, startup, telemetry};
use std::process::ExitCode;

/// sysexits' EX_CONFIG: the operator must fix the environment.
const EXIT_CONFIG: u8 = 78;

const USAGE: &str =
    "Usage: server [serve | migrate | healthcheck | fx import FILE | grant-admin EMAIL | revoke-admin EMAIL]
  serve           run migrations (unless CLERQ_SKIP_MIGRATIONS is set) and serve the app (default)
  migrate         apply pending database migrations and exit
  healthcheck     call health.ping on the local port; exit 0 when healthy
  fx import FILE  store the ECB reference rates in FILE (the daily, 90-day or full-history XML)
  grant-admin EMAIL   let this account open /system-admin (instance figures, suspending businesses)
  revoke-admin EMAIL  take that back";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => with_runtime(serve()),
        Some("migrate") => with_runtime(migrate()),
        Some("healthcheck") => healthcheck::run(),
        Some("fx") => match (std::env::args().nth(2).as_deref(), std::env::args().nth(3)) {
            (Some("import"), Some(file)) => with_runtime(fx_import(file)),
            _ => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some(command @ ("grant-admin" | "revoke-admin")) => match std::env::args().nth(2) {
            Some(email) => with_runtime(set_admin(email, command == "grant-admin")),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("Unknown command {other:?}.\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn with_runtime(future: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => {
            eprintln!("Could not start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    telemetry::init();
    match startup::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// The largest ECB file accepted: the full history since 1999 is about 9 MB.
const MAX_FX_FILE: u64 = 64 * 1024 * 1024;

/// `server fx import FILE`: for machines without internet, a downloaded ECB file.
async fn fx_import(file: String) -> ExitCode {
    use secrecy::ExposeSecret;
    let database_url = match config::database_url(&|name| std::env::var(name).ok()) {
        Ok(url) => url,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let text = match std::fs::metadata(&file).and_then(|meta| {
        if meta.len() > MAX_FX_FILE {
            Err(std::io::Error::other("larger than 64 MB"))
        } else {
            std::fs::read_to_string(&file)
        }
    }) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("Could not read {file}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let days = match app::server::fx::parse_ecb(&text) {
        Ok(days) => days,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let stored = async {
        let pool = startup::connect(database_url.expose_secret(), 1).await.map_err(|e| e.to_string())?;
        app::server::db::fx::store(&pool, &days).await.map_err(|e| e.to_string())
    }
    .await;
    match stored {
        Ok(rows) => {
            let (first, last) = (days.iter().map(|d| d.date).min(), days.iter().map(|d| d.date).max());
            if let (Some(first), Some(last)) = (first, last) {
                println!("Stored {rows} rates for {} days, {first} to {last}.", days.len());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("Could not store the rates: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate() -> ExitCode {
    use secrecy::ExposeSecret;
    let database_url = match config::database_url(&|name| std::env::var(name).ok()) {
        Ok(url) => url,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    telemetry::init();
    let result = async {
        let pool = startup::connect(database_url.expose_secret(), 1).await?;
        startup::migrate(&pool).await
    }
    .await;
    match result {
        Ok(applied) => {
            println!(
                "Migrations are up to date ({applied} applied now, {} in total).",
                app::server::MIGRATOR.iter().count()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// `server grant-admin EMAIL` / `server revoke-admin EMAIL`.
async fn set_admin(email: String, admin: bool) -> ExitCode {
    use secrecy::ExposeSecret;
    let database_url = match config::database_url(&|name| std::env::var(name).ok()) {
        Ok(url) => url,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let result = async {
        let pool = startup::connect(database_url.expose_secret(), 1).await.map_err(|e| e.to_string())?;
        app::server::admin::set_platform_admin(&pool, &email, admin).await.map_err(|e| e.to_string())
    }
    .await;
    match result {
        Ok(()) if admin => {
            println!("{email} is now a platform admin: /system-admin is open to them.");
            ExitCode::SUCCESS
        }
        Ok(()) => {
            println!("{email} is no longer a platform admin.");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
