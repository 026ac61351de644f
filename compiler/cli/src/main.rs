//! The `paasc` binary: a thin shell around [`paasc::run`].
//!
//! It starts at C's `main` (`#![no_main]`), not through std's `lang_start`, which on Linux
//! reads `/proc/self/maps` (with `sscanf`) to place the main thread's stack guard and maps a
//! signal stack for its stack-overflow message: 8% of `paasc check` on an example and 12% of a
//! bare start (README, "Performance"). [`main`] does the rest of what `lang_start` does for
//! paasc. What is given up: a stack overflow ends in `SIGSEGV` without std's message; paasc
//! bounds its recursion on every input (the depth limits of the YAML and Python parsers), so
//! only a bug can reach it.
//!
//! This file and mem.rs are the only places paasc uses `unsafe` (the workspace denies it
//! elsewhere): the unmangled entry point and three libc calls, each with its reason beside it,
//! and the string functions of the musl build.
#![cfg_attr(not(test), no_main)]
#![allow(unsafe_code)]

#[cfg(not(test))]
use std::io::{IsTerminal, Write};

#[cfg(target_arch = "x86_64")]
mod mem;

/// mimalloc instead of glibc's malloc: paasc allocates many small trees and strings, and
/// malloc/free were a quarter of a large check's time (as ruff and others choose a faster
/// allocator for the same reason). Its v2 (the workspace's `v2` feature): v3 reserves a 1 GiB
/// arena at start-up and commits it eagerly, and the page faults of that memory were a third
/// of an example's `check` (README, "Performance"). Built with `no_thp`: mimalloc's default
/// advises transparent huge pages for its segments, and the kernel then zeroes a whole 2 MiB
/// page at the first touch, a fifth of an example's `check`; big inputs lose about 5% without.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The C entry point: std's start-up duties (standard descriptors, `SIGPIPE`), then paasc with
/// the arguments the C runtime passes (std's own copy of them is filled only by `lang_start`
/// on musl, and by glibc's start-up code otherwise).
#[cfg(not(test))]
#[no_mangle]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    start();
    let args = (0..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C runtime passes `argc` NUL-terminated strings in `argv`, which stay
            // for the life of the process.
            unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) }
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    run(args)
}

/// What std's `lang_start` does before `main` and paasc relies on. A closed standard
/// descriptor (`paasc compile ... >&-`) is opened on `/dev/null`, so no file paasc opens takes
/// its number and receives its output. `SIGPIPE` is ignored, so a closed pipe on standard
/// output is a write error paasc ignores, not a kill after OUT is written.
#[cfg(not(test))]
fn start() {
    for fd in 0..3 {
        // SAFETY: `fcntl(F_GETFD)` only reads the descriptor's flags; `open` takes a valid
        // C string and returns the lowest free descriptor, which is `fd` when `fd` is closed.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
                && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) == -1
            {
                libc::abort();
            }
        }
    }
    // SAFETY: ignoring a signal installs no handler; no other thread runs yet.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}

#[cfg(not(test))]
fn run(args: Vec<String>) -> ! {
    // The release build aborts on panic (Cargo.toml): the hook is where a panic ends, in every
    // build, with the exit status that says "internal error" (no unwinding runs; OUT is left as
    // a killed compile leaves it, which the writer already makes safe).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("paasc: internal error: {info}\nThis is a bug in paasc; please report it with the input that caused it.");
        std::process::exit(paasc::EXIT_INTERNAL);
    }));
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
