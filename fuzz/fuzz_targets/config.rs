//! `.leakgate.toml` text through the config loader and the rule pack it asks for: no panic; errors render.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leakgate_fuzz::config(data));
