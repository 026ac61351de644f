//! Links the `paasc` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable has the dynamic loader relocate its 250 KB of pointer
//! tables (`.data.rel.ro`: vtables, string tables, clap's and the rules' statics) at every start:
//! about 75 page faults, a third of `paasc --version`'s. Linked at a fixed address, those
//! pointers are resolved by the linker once. The code is still compiled position-independent (so
//! proc-macros and tests are untouched); only this final link changes. What is lost is ASLR for
//! the binary's own image (the stack, heap and libraries keep theirs), as for Go's binaries.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
