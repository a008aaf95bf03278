//! The README's main job, `cargo run -p auth0-management --example quickstart`, runs its flow
//! against the emulator: this runs the same code in `cargo test`.
#![cfg(all(
    feature = "users",
    feature = "jobs",
    feature = "logs",
    feature = "connections"
))]

#[path = "../examples/quickstart.rs"]
mod quickstart;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_runs_against_the_emulator() {
    let emulator = auth0_management_emulator::Emulator::start().await.unwrap();
    let client = quickstart::client_for(&emulator).unwrap();
    quickstart::run(&client)
        .await
        .expect("the quickstart flow succeeds");
}
