//! Scan after redact finds nothing: fuzz-chosen text with secrets of example shapes planted at
//! fuzz-chosen offsets, redacted (fed in fuzz-chosen pieces), then scanned.
#![no_main]

use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    plants: Vec<(u16, u16, u64)>,
    pieces: u8,
    text: &'a [u8],
}

libfuzzer_sys::fuzz_target!(|input: Input<'_>| {
    let plants: Vec<(usize, usize, u64)> = input
        .plants
        .iter()
        .take(4)
        .map(|&(at, which, seed)| (usize::from(at), usize::from(which), seed))
        .collect();
    leakgate_fuzz::redact(input.text, &plants, usize::from(input.pieces));
});
