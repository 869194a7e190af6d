//! Every decoder (`decode::layers`) on any bytes: no panic, output within the size budget, maps inside the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leakgate_fuzz::decoders(data));
