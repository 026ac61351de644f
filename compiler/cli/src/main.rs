//! The `paasc` binary: a thin shell around [`paasc::run`].

use std::io::{IsTerminal, Write};

/// mimalloc instead of glibc's malloc: paasc allocates many small trees and strings, and
/// malloc/free were a quarter of a large check's time (as ruff and others choose a faster
/// allocator for the same reason). Its v2 (the workspace's `v2` feature): v3 reserves a 1 GiB
/// arena at start-up and commits it eagerly, and the page faults of that memory were a third
/// of an example's `check` (README, "Performance"). Built with `no_thp`: mimalloc's default
/// advises transparent huge pages for its segments, and the kernel then zeroes a whole 2 MiB
/// page at the first touch, a fifth of an example's `check`; big inputs lose about 5% without.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The release build aborts on panic (Cargo.toml): the hook is where a panic ends, in every
    // build, with the exit status that says "internal error" (no unwinding runs; OUT is left as
    // a killed compile leaves it, which the writer already makes safe).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("paasc: internal error: {info}\nThis is a bug in paasc; please report it with the input that caused it.");
        std::process::exit(paasc::EXIT_INTERNAL);
    }));
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let term = paasc::Terminal {
        stdout_tty: std::io::stdout().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        experimental: std::env::var_os("CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS")
            .is_some_and(|v| !v.is_empty()),
        rock_experimental: std::env::var_os("ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS")
            .is_some_and(|v| !v.is_empty()),
    };
    let outcome = paasc::run(args, term);
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    // Standard error is always for people: no input may reach the terminal as an escape.
    let stderr = paasc::human::terminal_safe(&outcome.stderr, true);
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    std::process::exit(outcome.code);
}
