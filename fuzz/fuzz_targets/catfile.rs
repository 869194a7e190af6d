//! A `git cat-file --batch` output stream of any bytes into the history reader: no panic, no hang.
//! The first byte picks the `max_file_size` budget (none, or up to 255 bytes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (max, stream) = match data.split_first() {
        Some((&0, rest)) | Some((&1, rest)) => (None, rest),
        Some((&m, rest)) => (Some(u64::from(m)), rest),
        None => (None, data),
    };
    leakgate_fuzz::catfile(stream, max);
});
