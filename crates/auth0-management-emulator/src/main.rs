//! `cargo run -p auth0-management-emulator -- [--port N]`: serves an emulated tenant on loopback
//! until Ctrl-C, after printing its URL and client credentials.

use auth0_management_emulator::Emulator;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut builder = Emulator::builder();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let port = args.next().and_then(|p| p.parse().ok()).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "--port needs a number")
                })?;
                builder = builder.port(port);
            }
            other => {
                eprintln!(
                    "unknown argument {other:?}; usage: auth0-management-emulator [--port N]"
                );
                std::process::exit(2);
            }
        }
    }
    let emulator = builder.start().await?;
    println!("Auth0 tenant emulator listening on {}", emulator.base_url());
    println!("  AUTH0_BASE_URL={}", emulator.base_url());
    println!("  AUTH0_AUDIENCE={}", emulator.audience());
    println!("  AUTH0_CLIENT_ID={}", emulator.client_id());
    // A local, throwaway credential: printing it is the point of this binary.
    println!("  AUTH0_CLIENT_SECRET={}", emulator.client_secret());
    tokio::signal::ctrl_c().await?;
    emulator.stop().await;
    Ok(())
}
