//! Large files are scanned in chunks (`stream`): whatever the chunk edges cut, a streamed scan
//! reports what a scan of the whole file reports. Every rule's examples are put at every offset
//! around a chunk boundary, after lines of 1 byte to 4× the overlap, with the chunk size lowered
//! so that each case is a small stream; and a 20 MiB log is streamed with the real chunk size.

use leakgate::detect::{Scanner, Scratch};
use leakgate::engine::stream::{
    CHUNK, Chunking, MAX_CONTEXT, OVERLAP, StreamBuffers, scan_chunked, scan_stream,
};
use leakgate::engine::{Budget, Pipeline, scan_bytes};
use leakgate::finding::{Finding, Source};
use leakgate::rules::RulePack;
use leakgate::rules::lazy::LazyRegex;
use std::collections::BTreeSet;

/// What must agree between the streamed and the whole scan.
type Key = (String, usize, usize, usize, usize, String, String);

fn keys(findings: &[Finding]) -> Vec<Key> {
    let mut k: Vec<Key> = findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.masked.clone(),
                format!("{:?}", f.state),
            )
        })
        .collect();
    k.sort();
    k
}

/// A path the rule applies to (as `rules check` picks one).
fn path_for(globs: &[String]) -> String {
    match globs.first() {
        None => "app.log".to_string(),
        Some(g) => g
            .replace("**/", "")
            .replace("**", "example")
            .replace('*', "example"),
    }
}

struct Whole {
    scratch: Scratch,
    candidates: Vec<leakgate::detect::Candidate>,
}

impl Whole {
    fn scan(&mut self, s: &Pipeline, path: &str, text: &[u8]) -> Vec<Key> {
        keys(&scan_bytes(
            s,
            path,
            &Source::File,
            text,
            &mut self.scratch,
            &mut self.candidates,
        ))
    }
}

#[test]
fn the_default_chunking_covers_every_rule_of_the_pack() {
    let pack = RulePack::builtin().unwrap();
    let c = Chunking::for_rules(&pack.rules);
    assert_eq!(c.chunk, CHUNK);
    assert!(c.overlap >= OVERLAP && c.max_context == MAX_CONTEXT);
    assert!(
        c.max_context >= 4 * c.overlap,
        "lines of up to 4x the overlap are carried whole"
    );
    for rule in &pack.rules {
        let (_, _, hir) = LazyRegex::parse(&rule.pattern).unwrap();
        assert_eq!(rule.windowing.max_len, hir.properties().maximum_len());
        if let Some(max) = hir.properties().maximum_len() {
            assert!(c.overlap > max, "{}: a match of {max} bytes", rule.id);
        }
        if let leakgate::rules::reach::Reach::Lines(before, after) = rule.windowing.reach {
            assert!(
                c.lines > before + after + 1,
                "{}: {before}+{after}",
                rule.id
            );
        }
        for ex in &rule.examples {
            assert!(c.overlap > ex.len(), "{}: an example longer", rule.id);
        }
    }
}

/// A stream in which a chunk boundary falls `cut` bytes into an example (negative: before it),
/// after a line of `long` bytes.
struct Case {
    text: Vec<u8>,
    /// Where the example starts.
    at: usize,
}

fn case(example: &str, long: usize, filler: u8, tail_lines: usize, tail_bytes: usize) -> Case {
    let mut text = b"# log start\n".to_vec();
    text.extend(std::iter::repeat_n(filler, long));
    text.push(b'\n');
    let at = text.len();
    text.extend_from_slice(example.as_bytes());
    text.push(b'\n');
    // Enough after the example that the chunk before the edge is not the last.
    let mut n = 0;
    while n < tail_lines || n * 3 < tail_bytes {
        text.extend_from_slice(b"ok\n");
        n += 1;
    }
    Case { text, at }
}

#[test]
fn every_rule_example_at_every_offset_around_a_chunk_edge() {
    let s = Pipeline::new(Scanner::new(RulePack::builtin().unwrap()));
    let lines = Chunking::for_rules(s.rules()).lines;
    let mut whole = Whole {
        scratch: Scratch::default(),
        candidates: Vec::new(),
    };
    let mut b = StreamBuffers::default();
    let (mut cases, mut failures) = (0usize, Vec::new());
    for rule in s.rules() {
        let path = path_for(&rule.path_globs);
        for (n, ex) in rule.examples.iter().enumerate() {
            // The overlap scales with the example, as the real one with the longest match: the
            // context rules are the same, the streams stay small.
            let overlap = ex.len() + 16;
            let max_context = 8 * overlap;
            // Lines of 1 byte to 4x the overlap before the example, and one longer than the
            // most context, cut inside; name bytes, which a lead run could absorb.
            let longs = [1, overlap / 2, overlap + 1, 4 * overlap, max_context + 3];
            let built: Vec<(Case, Vec<Key>)> = longs
                .iter()
                .enumerate()
                .map(|(i, &long)| {
                    let filler = [b'x', b'_', b' ', b'a', b'-'][i];
                    let c = case(ex, long, filler, lines + 2, overlap + 64);
                    let expected = whole.scan(&s, &path, &c.text);
                    (c, expected)
                })
                .collect();
            assert!(
                built[0].1.iter().any(|k| k.0 == rule.id),
                "{} example {n} is not found whole",
                rule.id
            );
            // Every offset of the boundary from 2 bytes before the example to 2 after it; the
            // line before it changes from offset to offset.
            for cut in 0..ex.len() + 5 {
                let (c, expected) = &built[cut % built.len()];
                let chunking = Chunking {
                    chunk: c.at + cut - 2,
                    overlap,
                    lines,
                    max_context,
                };
                let got = scan_chunked(
                    &s,
                    &chunking,
                    &path,
                    &Source::File,
                    &c.text[..],
                    Budget::default(),
                    &mut b,
                );
                assert!(got.error.is_none());
                cases += 1;
                let got = keys(&got.findings);
                if &got != expected {
                    failures.push(format!(
                        "{} example {n}, line of {} before, edge at {}: whole {:?}, streamed {:?}",
                        rule.id,
                        c.at - 13,
                        cut as isize - 2,
                        expected
                            .iter()
                            .map(|k| (&k.0, k.1, k.2))
                            .collect::<Vec<_>>(),
                        got.iter().map(|k| (&k.0, k.1, k.2)).collect::<Vec<_>>(),
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The log at full size: 20 MiB, and near each 2 MiB edge (and 64 KiB before it, where
/// an implementation could also cut) a long line, then lines of rule examples, the first cut by
/// the edge a few bytes in (its keyword or name cut off), a different example each time.
#[test]
fn a_20_mib_log_streams_as_it_scans_whole() {
    let s = Pipeline::new(Scanner::new(RulePack::builtin().unwrap()));
    let examples: Vec<&str> = [
        "cohere-api-key",
        "generic-secret-assignment",
        "github-classic-pat",
        "aws-secret-access-key",
        "crypto-exchange-block-api-key",
        "private-key-pem",
        "slack-bot-token",
        "http-bearer-token",
        "datadog-api-key",
        "deribit-client-secret",
    ]
    .iter()
    .flat_map(|id| {
        let rule = s.rules().iter().find(|r| r.id == *id).unwrap();
        rule.examples.iter().map(String::as_str)
    })
    .collect();
    let cuts = [1, 2, 3, 5, 8, 13, 21, 34];
    let mut text = Vec::with_capacity(21 << 20);
    let mut n = 0;
    for k in 1..=10 {
        for edge in [k * CHUNK - OVERLAP, k * CHUNK] {
            // Ordinary lines, then a long line that ends where the first example starts.
            let first = edge - cuts[n % cuts.len()];
            while text.len() + 60 + (32 << 10) < first {
                text.extend_from_slice(
                    b"2026-05-01T10:00:00Z INFO request served in 3 ms status=200\n",
                );
            }
            text.extend(std::iter::repeat_n(b'x', first - text.len() - 1));
            text.push(b'\n');
            for i in 0..32 {
                text.extend_from_slice(examples[(n + i) % examples.len()].as_bytes());
                text.push(b'\n');
            }
            n += 1;
        }
    }
    let mut whole = Whole {
        scratch: Scratch::default(),
        candidates: Vec::new(),
    };
    let expected = whole.scan(&s, "app.log", &text);
    assert!(expected.len() > 600, "{} findings", expected.len());
    let mut b = StreamBuffers::default();
    let got = scan_stream(
        &s,
        "app.log",
        &Source::File,
        &text[..],
        Budget::default(),
        &mut b,
    );
    let got = keys(&got.findings);
    let (want, have): (BTreeSet<&Key>, BTreeSet<&Key>) =
        (expected.iter().collect(), got.iter().collect());
    assert_eq!(want.len(), expected.len(), "whole findings are distinct");
    let missing: Vec<_> = want.difference(&have).collect();
    let extra: Vec<_> = have.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} of {} findings missing: {:?}\nextra: {:?}",
        missing.len(),
        expected.len(),
        missing.iter().map(|k| (&k.0, k.1)).collect::<Vec<_>>(),
        extra.iter().map(|k| (&k.0, k.1)).collect::<Vec<_>>()
    );
    assert_eq!(got.len(), expected.len(), "no finding is reported twice");
}
