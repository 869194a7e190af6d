//! The `--env-file` dotenv parser on any text: no panic; errors render.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leakgate_fuzz::dotenv(data));
