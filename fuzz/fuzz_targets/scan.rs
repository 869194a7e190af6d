//! Any bytes scanned with the embedded pack, with and without `--explain-suppressed`, rendered in every format: no panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leakgate_fuzz::scan(data));
