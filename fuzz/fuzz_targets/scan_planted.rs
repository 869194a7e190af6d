//! A secret of a rule's example shape planted among fuzz-chosen bytes: found on a line of its own
//! as it is alone, and never in the JSON of the findings.
#![no_main]

use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    example: u16,
    seed: u64,
    same_line: bool,
    before: &'a [u8],
    after: &'a [u8],
}

libfuzzer_sys::fuzz_target!(|input: Input<'_>| {
    leakgate_fuzz::planted(
        usize::from(input.example),
        input.seed,
        input.before,
        input.after,
        input.same_line,
    );
});
