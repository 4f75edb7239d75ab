//! `server [serve]`, `server migrate`, `server healthcheck`.

use server::config::{self, Config};
use server::{healthcheck, startup, telemetry};
use std::process::ExitCode;

/// sysexits' EX_CONFIG: the operator must fix the environment.
const EXIT_CONFIG: u8 = 78;

const USAGE: &str = "Usage: server [serve | migrate | healthcheck]
  serve        run migrations (unless CLERQ_SKIP_MIGRATIONS is set) and serve the app (default)
  migrate      apply pending database migrations and exit
  healthcheck  call health.ping on the local port; exit 0 when healthy";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => with_runtime(serve()),
        Some("migrate") => with_runtime(migrate()),
        Some("healthcheck") => healthcheck::run(),
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
