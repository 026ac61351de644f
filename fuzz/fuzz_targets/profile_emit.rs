//! Arbitrary deployment profiles (and `--set` overlays) applied to the example and golden
//! projects, through every emitter. Input format: see `paasc_fuzz::profile_emit`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paasc_fuzz::profile_emit(data));
