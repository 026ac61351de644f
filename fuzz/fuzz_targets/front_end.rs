//! The front end on arbitrary project files: parse, lower, expand (charmcraft and rockcraft),
//! lint and render. Input format: see `paasc_fuzz::front_end`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paasc_fuzz::front_end(data));
