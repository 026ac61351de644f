//! The `paasc` binary: a thin shell around [`paasc::run`].
//!
//! It starts at C's `main` (`#![no_main]`), not through std's `lang_start`, which on Linux
//! reads `/proc/self/maps` (with `sscanf`) to place the main thread's stack guard and maps a
//! signal stack for its stack-overflow message: 8% of `paasc check` on an example and 12% of a
//! bare start (docs/performance-log.md). [`main`] does the rest of what `lang_start` does for
//! paasc. What is given up: a stack overflow ends in `SIGSEGV` without std's message; paasc
//! bounds its recursion on every input (the depth limits of the YAML and Python parsers), so
//! only a bug can reach it.
//!
//! This file, arena.rs and mem.rs are the only places paasc uses `unsafe` (the workspace denies
//! it elsewhere): the unmangled entry point, the allocator and its arena, four libc calls, each
//! with its reason beside it, and the string functions of the musl build.
#![cfg_attr(not(test), no_main)]
#![allow(unsafe_code)]

#[cfg(not(test))]
use std::io::{IsTerminal, Write};

mod arena;
#[cfg(target_arch = "x86_64")]
mod mem;

/// mimalloc instead of glibc's malloc: paasc allocates many small trees and strings, and
/// malloc/free were a quarter of a large check's time (as ruff and others choose a faster
/// allocator for the same reason). Its v2 (the workspace's `v2` feature): v3 reserves a 1 GiB
/// arena at start-up and commits it eagerly, and the page faults of that memory were a third
/// of an example's `check` (docs/performance-log.md). Built with `no_thp`: mimalloc's default
/// advises transparent huge pages for its segments, and the kernel then zeroes a whole 2 MiB
/// page at the first touch, a fifth of an example's `check`; big inputs lose about 5% without.
/// Its C sources are patched (third_party/libmimalloc-sys/PAASC.md) to touch fewer pages.
///
/// Through [`Malloc`], which serves a process's first megabyte of small blocks from [`ARENA`]
/// and asks mimalloc for aligned memory only when the layout needs it.
#[global_allocator]
static GLOBAL: Malloc = Malloc;

/// The arena in front of mimalloc (arena.rs says why).
static ARENA: arena::Arena<{ 1 << 20 }> = arena::Arena::new();

/// The alignment every `mi_malloc` block has when its size is at least that (mimalloc's
/// `MI_MAX_ALIGN_SIZE`, which C's `malloc` promises through `max_align_t`).
const MALLOC_ALIGN: usize = 16;

/// mimalloc as std's `System` allocator uses `malloc`: a layout whose alignment is at most
/// [`MALLOC_ALIGN`] and at most its size (every Rust type's size is a multiple of its
/// alignment) gets plain `mi_malloc`, and only the others `mi_malloc_aligned`
/// ([`mimalloc::MiMalloc`], which takes the aligned path for every allocation). The aligned
/// path checks the alignment and the free block's address each time, and for a block over
/// 1 KiB goes through mimalloc's generic aligned allocation: 5% of the instructions of an
/// example's `check`.
struct Malloc;

extern "C" {
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_zalloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_realloc(p: *mut std::ffi::c_void, newsize: usize) -> *mut std::ffi::c_void;
    fn mi_free(p: *mut std::ffi::c_void);
}

/// Whether `mi_malloc` of `size` bytes is aligned to `align`.
fn plain(align: usize, size: usize) -> bool {
    align <= MALLOC_ALIGN && align <= size
}

// SAFETY: the arena gives blocks of at least the size and alignment asked, each to one owner, and
// takes back or resizes only its own blocks; otherwise each method forwards to mimalloc, which
// returns null or a block of at least the size asked, aligned as [`plain`] says (or as asked,
// through `MiMalloc`); every block not the arena's is freed with `mi_free`, whichever function
// allocated it.
//
// Its methods are not inlined: fat LTO inlined them at each of the thousands of places that
// allocate, and the arena's lists made that 2 MiB of code more to map (the text of the binary
// without profile-guided optimisation went from 9.7 MB to 7.6 MB, and `check` of an example
// made 12 page faults fewer; docs/performance-log.md).
unsafe impl std::alloc::GlobalAlloc for Malloc {
    #[inline(never)]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if let Some(p) = ARENA.alloc(layout.size(), layout.align()) {
            return p;
        }
        if plain(layout.align(), layout.size()) {
            // SAFETY: `mi_malloc` takes any size.
            let p: *mut u8 = unsafe { mi_malloc(layout.size()).cast() };
            debug_assert_eq!(p as usize % layout.align(), 0, "{layout:?}");
            p
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { std::alloc::GlobalAlloc::alloc(&mimalloc::MiMalloc, layout) }
        }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if let Some(p) = ARENA.alloc(layout.size(), layout.align()) {
            // SAFETY: the block is `layout.size()` bytes, the caller's now (a block given back
            // before may have left its bytes there).
            unsafe { p.write_bytes(0, layout.size()) };
            return p;
        }
        if plain(layout.align(), layout.size()) {
            // SAFETY: `mi_zalloc` takes any size.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { std::alloc::GlobalAlloc::alloc_zeroed(&mimalloc::MiMalloc, layout) }
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if ARENA.owns(ptr) {
            ARENA.free(ptr, layout.size());
        } else {
            // SAFETY: `ptr` came from this allocator and not from the arena, so from mimalloc.
            unsafe { mi_free(ptr.cast()) }
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if ARENA.owns(ptr) {
            if ARENA.resize(ptr, layout.size(), new_size) {
                return ptr;
            }
            // SAFETY: the caller's contract: `new_size`, rounded up to the alignment, does not
            // overflow `isize`, and the alignment is the block's, a valid one.
            let moved = unsafe {
                self.alloc(std::alloc::Layout::from_size_align_unchecked(
                    new_size,
                    layout.align(),
                ))
            };
            if !moved.is_null() {
                // SAFETY: both blocks hold the smaller size, and are distinct (the old one is
                // still held while the new one is given).
                unsafe {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                }
                ARENA.free(ptr, layout.size());
            }
            return moved;
        }
        if plain(layout.align(), new_size) {
            // SAFETY: `ptr` came from mimalloc; `mi_realloc` keeps the contents up to the
            // smaller size, and its block is aligned as `plain` says.
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { std::alloc::GlobalAlloc::realloc(&mimalloc::MiMalloc, ptr, layout, new_size) }
        }
    }
}

/// The C entry point: std's start-up duties (standard descriptors, `SIGPIPE`), then paasc with
/// the arguments the C runtime passes (std's own copy of them is filled only by `lang_start`
/// on musl, and by glibc's start-up code otherwise).
#[cfg(not(test))]
#[no_mangle]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    ARENA.claim();
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
