//! Large and compressed inputs in bounded memory. A file over [`WHOLE_FILE_LIMIT`], or a gzip
//! stream (`app.log.1.gz`, decompressed on the fly), is scanned in chunks. Each chunk *owns*
//! [`CHUNK`] bytes and reports exactly the secrets that start in them, so every secret is
//! reported once; around its owned bytes it sees context, on each side, that covers every match
//! whose secret starts in them ([`Chunking`]):
//!
//! - at least [`OVERLAP`] bytes, more than the longest match any bounded rule can make (the pack's
//!   regexes are measured: PEM and PGP blocks run to 33 KB);
//! - and the whole lines around the cut, as many as a windowed rule's match can span
//!   (`rules::reach` searches up to 16 lines around a keyword hit), plus the line before (an
//!   `allow-next-line` comment), so the keyword that selects a rule, a name before its value and
//!   a section several lines above its key are seen by the chunk that owns the secret;
//! - up to [`MAX_CONTEXT`] bytes: past it (lines longer than that), the context is cut inside a
//!   line. An unbounded rule's match is then still found when what it loses is the start of its
//!   lead run (`[a-z0-9_.-]*?secret...` matches from anywhere in the run).
//!
//! The context before a chunk's owned bytes was the previous chunk's tail; it is scanned again
//! (at most [`MAX_CONTEXT`] bytes a chunk, 64 KiB plus a few lines on ordinary logs). Line and
//! column numbers are carried across chunks, so findings point into the whole file (for gzip: the
//! decompressed text). Memory per worker stays at one chunk plus its context whatever the file's
//! size, even for a multi-GiB single line.

use super::{Budget, Pipeline, scan_window_listed};
use crate::detect::{Candidate, Scratch};
use crate::finding::{Finding, Source};
use crate::listing::{Lister, Unlisted};
use crate::rules::Rule;
use crate::rules::reach::Reach;
use std::io::Read;
use std::time::{Duration, Instant};

/// Files up to this size are read whole.
pub const WHOLE_FILE_LIMIT: u64 = 2 << 20;
/// Bytes each chunk owns. Each worker holds a chunk and its decoded layers, so this sets most of
/// the per-thread memory; a chunk this small also stays in cache with its layers, while the
/// context re-scanned at each cut stays a small share of it (measured against 8 MiB chunks:
/// tools/bench/results/history.md, the fourth scan run).
pub const CHUNK: usize = 2 << 20;
/// Bytes of context, at least, on each side of a chunk's owned bytes: more than the longest match
/// of any bounded rule of the built-in pack (a pack whose rules reach further gets more, see
/// [`Chunking::for_rules`]).
pub const OVERLAP: usize = 64 << 10;
/// The most context on each side of a chunk's owned bytes, where whole lines would take more.
pub const MAX_CONTEXT: usize = 512 << 10;

/// How a stream is cut into chunks (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    /// Bytes each chunk owns: it reports the secrets that start in them.
    pub chunk: usize,
    /// Bytes of context, at least, on each side of the owned bytes.
    pub overlap: usize,
    /// Whole lines of context on each side of a cut: the line it falls in and this many more.
    pub lines: usize,
    /// The most bytes of context on each side.
    pub max_context: usize,
}

impl Chunking {
    /// The chunking that covers every match of `rules`: [`OVERLAP`] bytes or the longest match
    /// of a bounded rule, whichever is more; as many lines as a windowed rule's match can span
    /// (its reach before and after its keyword, the line breaks it may begin and end with) and
    /// one more; both within [`MAX_CONTEXT`].
    pub fn for_rules(rules: &[Rule]) -> Chunking {
        let mut longest = 0;
        let mut lines = 1;
        for rule in rules {
            longest = longest.max(rule.windowing.max_len.unwrap_or(0));
            if let Reach::Lines(before, after) = rule.windowing.reach {
                lines = lines.max(before + after + 3);
            }
        }
        Chunking {
            chunk: CHUNK,
            overlap: OVERLAP.max(longest + 1).min(MAX_CONTEXT),
            lines,
            max_context: MAX_CONTEXT,
        }
    }

    /// Where the context of a chunk whose owned bytes start at `at` begins in `buf`: the start
    /// of the line [`lines`](Self::lines) lines above `at`'s, or [`overlap`](Self::overlap)
    /// bytes before `at` if that is earlier, but no more than [`max_context`](Self::max_context)
    /// bytes before `at`.
    pub fn context_before(&self, buf: &[u8], at: usize) -> usize {
        let floor = at.saturating_sub(self.max_context);
        let mut pos = at;
        let mut line_start = floor;
        for _ in 0..=self.lines {
            match memchr::memrchr(b'\n', &buf[floor..pos]) {
                Some(i) => {
                    pos = floor + i;
                    line_start = pos + 1;
                }
                None => {
                    line_start = floor;
                    break;
                }
            }
        }
        line_start.min(at.saturating_sub(self.overlap)).max(floor)
    }

    /// Whether `buf` holds enough context after `at` (owned bytes end there): the rest of the
    /// line `at` falls in and [`lines`](Self::lines) more, and at least
    /// [`overlap`](Self::overlap) bytes; or [`max_context`](Self::max_context) bytes.
    fn enough_after(&self, buf: &[u8], at: usize) -> bool {
        let after = buf.len() - at;
        after >= self.max_context
            || (after >= self.overlap
                && memchr::memchr_iter(b'\n', &buf[at..])
                    .nth(self.lines)
                    .is_some())
    }
}

/// How a streamed input ended, when it did not end well.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamError {
    /// Reading or decompressing failed after `at` bytes.
    Read { at: u64, message: String },
    /// The time budget ran out after `at` bytes.
    OutOfTime { at: u64, budget: Duration },
    /// UTF-16 or UTF-32 text too large to decode whole.
    Wide(crate::text::Wide),
}

/// What streaming one input produced.
#[derive(Debug, Default)]
pub struct Streamed {
    /// The findings listed (`Budget::max_listed`), in order.
    pub findings: Vec<Finding>,
    /// The findings past the listing limit, counted.
    pub unlisted: Option<Unlisted>,
    /// Bytes scanned (decompressed bytes for compressed input).
    pub bytes: u64,
    /// The input was binary (a NUL byte in its first [`BINARY_PROBE`](crate::text::BINARY_PROBE) bytes).
    pub binary: bool,
    pub error: Option<StreamError>,
}

/// Per-worker buffers, reused across inputs.
#[derive(Default)]
pub struct StreamBuffers {
    pub buf: Vec<u8>,
    pub candidates: Vec<Candidate>,
}

/// Scans `reader` chunk by chunk, cut as `pipe`'s rules need ([`Chunking::for_rules`]),
/// within `budget`'s time and listing limits.
pub fn scan_stream(
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    reader: impl Read,
    budget: Budget,
    b: &mut StreamBuffers,
) -> Streamed {
    let chunking = Chunking::for_rules(pipe.rules());
    scan_chunked(pipe, &chunking, path, source, reader, budget, b)
}

/// Scans `reader` chunk by chunk, cut by `chunking`.
pub fn scan_chunked(
    pipe: &Pipeline,
    chunking: &Chunking,
    path: &str,
    source: &Source,
    reader: impl Read,
    budget: Budget,
    b: &mut StreamBuffers,
) -> Streamed {
    let mut lister = Lister::new(budget.max_listed);
    let mut out = chunks(pipe, chunking, path, source, reader, budget, b, &mut lister);
    out.unlisted = lister.finish();
    out
}

/// The loop of [`scan_chunked`]: each chunk's findings go through `lister`.
#[allow(clippy::too_many_arguments)]
fn chunks(
    pipe: &Pipeline,
    chunking: &Chunking,
    path: &str,
    source: &Source,
    mut reader: impl Read,
    budget: Budget,
    b: &mut StreamBuffers,
    lister: &mut Lister,
) -> Streamed {
    let started = Instant::now();
    let mut out = Streamed::default();
    b.buf.clear();
    // The most a chunk holds: its owned bytes and the most context on each side. Room for it
    // at once, rather than the doubling of a growing vector (a third more, each worker).
    b.buf
        .reserve_exact(chunking.chunk.max(1) + 2 * chunking.max_context);
    // Position of buf[0] in the whole text: lines before it, and characters between the last
    // newline before it and it.
    let mut line_base = 0usize;
    let mut col_base = 0usize;
    let mut first = true;
    // This chunk owns buf[from..to].
    let mut from = 0;
    loop {
        let to = from + chunking.chunk.max(1);
        // Read the owned bytes and the context after them.
        let mut want = to + chunking.overlap;
        let (eof, read_err) = loop {
            let before = b.buf.len();
            let (eof, read_err) = match before < want {
                true => fill(&mut reader, &mut b.buf, want),
                false => (false, None),
            };
            out.bytes += (b.buf.len() - before) as u64;
            if eof || read_err.is_some() || chunking.enough_after(&b.buf, to) {
                break (eof, read_err);
            }
            want = (b.buf.len() + chunking.overlap).min(to + chunking.max_context);
        };
        if first {
            first = false;
            if let Some(wide) = crate::text::sniff_wide(&b.buf, eof) {
                out.error = Some(StreamError::Wide(wide));
                return out;
            }
            if crate::text::looks_binary(&b.buf) {
                out.binary = true;
                return out;
            }
        }
        let done = eof || read_err.is_some();
        let end = if done { b.buf.len() } else { to };
        let mut found = Scratch::with_local(|scratch| {
            scan_window_listed(
                pipe,
                path,
                source,
                &b.buf,
                from.min(end)..end,
                scratch,
                &mut b.candidates,
                lister,
            )
        });
        for f in &mut found {
            if f.line == 1 {
                f.column += col_base;
            }
            if f.end_line == 1 {
                f.end_column += col_base;
            }
            f.line += line_base;
            f.end_line += line_base;
        }
        out.findings.extend(found);
        if let Some(message) = read_err {
            out.error = Some(StreamError::Read {
                at: out.bytes,
                message,
            });
            return out;
        }
        if done {
            return out;
        }
        if let Some(budget) = budget.max_file_time
            && started.elapsed() > budget
        {
            out.error = Some(StreamError::OutOfTime {
                at: out.bytes,
                budget,
            });
            return out;
        }
        // Advance: the next chunk owns the bytes from `to`; keep its context before them.
        let keep = chunking.context_before(&b.buf, to);
        let consumed = &b.buf[..keep];
        let newlines = memchr::memchr_iter(b'\n', consumed).count();
        let tail = match memchr::memrchr(b'\n', consumed) {
            Some(i) => &consumed[i + 1..],
            None => consumed,
        };
        let tail_chars = tail.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
        col_base = if newlines > 0 {
            tail_chars
        } else {
            col_base + tail_chars
        };
        line_base += newlines;
        b.buf.drain(..keep);
        from = to - keep;
    }
}

/// Reads until `buf` holds `target` bytes or the reader ends. Returns (reached end, error).
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, target: usize) -> (bool, Option<String>) {
    let start = buf.len();
    buf.resize(target, 0);
    let mut filled = start;
    let result = loop {
        if filled == target {
            break (false, None);
        }
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break (true, None),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break (true, Some(e.to_string())),
        }
    };
    buf.truncate(filled);
    result
}

/// Whether a path names a gzip stream.
pub fn is_gzip(path: &str) -> bool {
    path.ends_with(".gz") || path.ends_with(".gzip")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RulePack;

    fn scanner() -> Pipeline {
        let rule = r#"
[[rules]]
id = "test-token"
title = "Test token"
severity = "high"
keywords = ["tk_"]
regex = '''\b(tk_[A-Za-z0-9]{30})\b'''
"#;
        let pack = RulePack::from_sources([("t.toml", rule)]).unwrap();
        Pipeline::new(crate::detect::Scanner::new(pack))
    }

    /// A reader that returns at most `n` bytes per call, to shake out boundary handling.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_secret_at_every_offset_across_a_chunk_boundary_is_found_once() {
        let s = scanner();
        let token = concat!("tk_", "Q2w8Zr5Tn1Lp7Vx3Kc9Hb4Md6Fj0Sy");
        let mut b = StreamBuffers::default();
        // The first chunk holds CHUNK bytes and reports starts before CHUNK - OVERLAP: try the
        // token at every offset across both edges.
        for boundary in [CHUNK - OVERLAP, CHUNK] {
            for shift in 0..=token.len() + 1 {
                let start = boundary - shift;
                let mut text = vec![b'.'; start];
                text.push(b' ');
                text.extend_from_slice(token.as_bytes());
                text.extend_from_slice(b" tail\nnext line\n");
                text.extend(std::iter::repeat_n(b'x', 10));
                let got = scan_stream(
                    &s,
                    "big.log",
                    &Source::File,
                    Trickle(&text, 1 << 20),
                    Budget::default(),
                    &mut b,
                );
                assert_eq!(got.findings.len(), 1, "at {boundary} - {shift}");
                let f = &got.findings[0];
                assert_eq!((f.line, f.column), (1, start + 2), "shift {shift}");
            }
        }
    }

    #[test]
    fn lines_and_columns_carry_across_chunks() {
        let s = scanner();
        let token = concat!("tk_", "Zp4Lm8Qw2Xr6Tn0Vb3Kc7Hd1Fj5Gs9");
        let line = "2026-11-23T10:00:00Z INFO request served in 3 ms\n";
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 3 * CHUNK {
            text.push_str(line);
            n += 1;
        }
        text.push_str(&format!("key {token}\n"));
        let mut b = StreamBuffers::default();
        let got = scan_stream(
            &s,
            "a.log",
            &Source::File,
            text.as_bytes(),
            Budget::default(),
            &mut b,
        );
        assert_eq!(got.bytes, text.len() as u64);
        assert_eq!(got.findings.len(), 1);
        assert_eq!((got.findings[0].line, got.findings[0].column), (n + 1, 5));
    }

    #[test]
    fn context_is_whole_lines_or_the_overlap_within_the_most_context() {
        let c = Chunking {
            chunk: 100,
            overlap: 4,
            lines: 1,
            max_context: 12,
        };
        // Cut at 9 ("gh|ij"): its line and the one above, which reach further than 4 bytes.
        let buf = b"ab\ncd\nefghij\nkl\n";
        assert_eq!(c.context_before(buf, 9), 3);
        // At a line start: that line and the one above.
        assert_eq!(c.context_before(buf, 13), 6);
        // Short lines: the overlap reaches further.
        assert_eq!(c.context_before(b"a\nb\nc\nd\ne\n", 9), 5);
        // A long line: cut inside it, at the most context.
        let long = [b'x'; 40];
        assert_eq!(c.context_before(&long, 30), 18);
        assert_eq!(c.context_before(&long, 3), 0);
        // After: the overlap, and the rest of the line and one more; or the most context.
        assert!(c.enough_after(b"ab\ncd\nef", 0));
        assert!(!c.enough_after(b"ab\ncd\nef", 4));
        assert!(!c.enough_after(b"\n\n\n", 0), "lines, but not the overlap");
        assert!(c.enough_after(&long, 28));
        assert!(!c.enough_after(&long, 29));
    }

    #[test]
    fn binary_streams_are_skipped() {
        let s = scanner();
        let mut b = StreamBuffers::default();
        let got = scan_stream(
            &s,
            "a.bin",
            &Source::File,
            &b"ab\0cd"[..],
            Budget::default(),
            &mut b,
        );
        assert!(got.binary);
    }

    #[test]
    fn gzip_paths() {
        assert!(is_gzip("logs/app.log.1.gz"));
        assert!(!is_gzip("logs/app.log"));
    }
}
