//! Micro-benchmarks of the hot path (divan). Run: `cargo bench --bench detect`.
//! Filter one: `cargo bench --bench detect -- scanner`. Not run by `cargo test`.
//!
//! Throughput benches report bytes/s over 1 MiB of realistic log text (see `support`), with no
//! secrets and with rare planted secrets (4 per MiB).

mod support;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use divan::{Bencher, black_box, counter::BytesCount, counter::ItemsCount};
use leakgate::classify::entropy;
use leakgate::detect::literals::Literals;
use leakgate::detect::{Candidate, Scanner, Scratch};
use leakgate::engine::{Pipeline, scan_bytes};
use leakgate::finding::Source;
use leakgate::rules::RulePack;
use std::sync::LazyLock;
use support::{MIB, log_text};

fn main() {
    divan::main();
}

static CLEAN: LazyLock<Vec<u8>> = LazyLock::new(|| log_text(MIB, 0, 1).0);
static RARE: LazyLock<Vec<u8>> = LazyLock::new(|| log_text(MIB, 4, 1).0);
static SCANNER: LazyLock<Scanner> =
    LazyLock::new(|| Scanner::new(RulePack::builtin().expect("built-in pack")));
static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| Pipeline::new(Scanner::new(RulePack::builtin().expect("built-in pack"))));

fn text(kind: &str) -> &'static [u8] {
    match kind {
        "clean" => &CLEAN,
        _ => &RARE,
    }
}

/// The scanner's literal search, and an Aho-Corasick DFA over the same literals (overlapping,
/// ASCII case-insensitive): the baseline it replaced.
fn prefilters() -> (&'static Literals, AhoCorasick) {
    let lits = SCANNER.literals().expect("the pack has keywords");
    let texts: Vec<&[u8]> = (0..lits.len()).map(|i| lits.literal(i)).collect();
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&texts)
        .expect("literals");
    (lits, ac)
}

mod prefilter {
    use super::*;

    /// Every hit of every keyword and anchor: what `Scanner::scan` runs first.
    #[divan::bench(args = ["clean", "rare"])]
    fn literals_all_hits(b: Bencher, kind: &str) {
        let (lits, _) = prefilters();
        let t = text(kind);
        b.counter(BytesCount::of_slice(t)).bench(|| {
            let mut n = 0usize;
            lits.for_each(black_box(t), |_, _| n += 1);
            n
        });
    }

    /// The same hits from an Aho-Corasick DFA (the baseline).
    #[divan::bench(args = ["clean", "rare"])]
    fn aho_corasick_dfa_all_hits(b: Bencher, kind: &str) {
        let (_, ac) = prefilters();
        let t = text(kind);
        b.counter(BytesCount::of_slice(t))
            .bench(|| ac.find_overlapping_iter(black_box(t)).count());
    }
}

mod matcher {
    use super::*;

    /// `Scanner::scan`: prefilter, selected rules' regexes, validators. Candidates only.
    #[divan::bench(args = ["clean", "rare"])]
    fn scanner_scan(b: Bencher, kind: &str) {
        let s = &*SCANNER;
        let t = text(kind);
        let mut scratch = Scratch::default();
        let mut out: Vec<Candidate> = Vec::new();
        b.counter(BytesCount::of_slice(t)).bench_local(|| {
            out.clear();
            s.scan("logs/app.log", black_box(t), &mut scratch, &mut out);
            out.len()
        });
    }

    /// `engine::scan_bytes`: scan plus the not-a-leak filters and finding construction
    /// (dedup, location, fingerprint, masking): the per-file work minus I/O.
    #[divan::bench(args = ["clean", "rare"])]
    fn engine_scan_bytes(b: Bencher, kind: &str) {
        let s = &*PIPELINE;
        let t = text(kind);
        let mut scratch = Scratch::default();
        let mut cands: Vec<Candidate> = Vec::new();
        b.counter(BytesCount::of_slice(t)).bench_local(|| {
            scan_bytes(
                s,
                "logs/app.log",
                &Source::File,
                black_box(t),
                &mut scratch,
                &mut cands,
            )
            .len()
        });
    }

    /// The same 1 MiB as 256 files of 4 KiB: per-file overhead (rule selection, scratch reset)
    /// on small documents.
    #[divan::bench(args = ["clean", "rare"])]
    fn engine_scan_bytes_4k_files(b: Bencher, kind: &str) {
        let s = &*PIPELINE;
        let t = text(kind);
        let mut scratch = Scratch::default();
        let mut cands: Vec<Candidate> = Vec::new();
        b.counter(BytesCount::of_slice(t)).bench_local(|| {
            let mut n = 0;
            for chunk in t.chunks(4096) {
                n += scan_bytes(
                    s,
                    "docs/page.md",
                    &Source::File,
                    black_box(chunk),
                    &mut scratch,
                    &mut cands,
                )
                .len();
            }
            n
        });
    }
}

mod setup {
    use super::*;

    /// Loading and compiling the built-in pack plus the prefilter (start-up latency).
    #[divan::bench(sample_count = 10)]
    fn builtin_pack_and_scanner() -> Scanner {
        Scanner::new(RulePack::builtin().expect("built-in pack"))
    }
}

mod validators {
    use super::*;

    /// `entropy::judge` over a mix of random tokens, UUIDs, digests and non-secrets.
    #[divan::bench]
    fn entropy_judge(b: Bencher) {
        let inputs = support::judge_inputs();
        b.counter(ItemsCount::new(inputs.len())).bench(|| {
            inputs
                .iter()
                .filter(|v| entropy::judge(black_box(v)).is_ok())
                .count()
        });
    }

    /// `entropy::shannon` on the same values.
    #[divan::bench]
    fn shannon(b: Bencher) {
        let inputs = support::judge_inputs();
        b.counter(ItemsCount::new(inputs.len())).bench(|| {
            inputs
                .iter()
                .map(|v| entropy::shannon(black_box(v)))
                .sum::<f64>()
        });
    }

    /// `mask::mask` on secrets of typical lengths.
    #[divan::bench]
    fn mask(b: Bencher) {
        let inputs = support::judge_inputs();
        b.counter(ItemsCount::new(inputs.len())).bench(|| {
            inputs
                .iter()
                .map(|v| leakgate::mask::mask(black_box(v)).len())
                .sum::<usize>()
        });
    }
}
