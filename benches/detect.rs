//! Micro-benchmarks of the hot path (divan). Run: `cargo bench --bench detect`.
//! Filter one: `cargo bench --bench detect -- scanner`. Not run by `cargo test`.
//!
//! Throughput benches report bytes/s over 1 MiB of realistic log text (see `support`), with no
//! secrets and with rare planted secrets (4 per MiB).

mod support;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use divan::{Bencher, black_box, counter::BytesCount, counter::ItemsCount};
use leakgate::detect::{Candidate, Scanner, Scratch, entropy};
use leakgate::engine::scan_bytes;
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

fn text(kind: &str) -> &'static [u8] {
    match kind {
        "clean" => &CLEAN,
        _ => &RARE,
    }
}

/// The keyword prefilter as `Scanner::new` builds it (all rules' keywords, lowercased, one
/// ASCII-case-insensitive Aho-Corasick automaton, overlapping search). Rebuilt here because the
/// scanner keeps it private; the construction mirrors `detect::Scanner::new`.
fn prefilter() -> AhoCorasick {
    let pack = RulePack::builtin().expect("built-in pack");
    let mut kws: Vec<String> = Vec::new();
    for r in &pack.rules {
        for k in &r.keywords {
            let k = k.to_ascii_lowercase();
            if !kws.contains(&k) {
                kws.push(k);
            }
        }
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&kws)
        .expect("keywords")
}

mod prefilter {
    use super::*;

    /// Every keyword hit in the buffer (the worst case: no early exit).
    #[divan::bench(args = ["clean", "rare"])]
    fn keywords_all_hits(b: Bencher, kind: &str) {
        let ac = prefilter();
        let t = text(kind);
        b.counter(BytesCount::of_slice(t))
            .bench(|| ac.find_overlapping_iter(black_box(t)).count());
    }

    /// Stop at the first hit of each distinct keyword (what rule selection needs).
    #[divan::bench(args = ["clean", "rare"])]
    fn keywords_distinct(b: Bencher, kind: &str) {
        let ac = prefilter();
        let n = ac.patterns_len();
        let t = text(kind);
        b.counter(BytesCount::of_slice(t)).bench(|| {
            let mut seen = vec![false; n];
            let mut left = n;
            for m in ac.find_overlapping_iter(black_box(t)) {
                if !std::mem::replace(&mut seen[m.pattern().as_usize()], true) {
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
            }
            left
        });
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
        let s = &*SCANNER;
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
        let s = &*SCANNER;
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
