//! Large and compressed inputs in bounded memory. A file over [`WHOLE_FILE_LIMIT`], or a gzip
//! stream (`app.log.1.gz`, decompressed on the fly), is scanned in chunks of [`CHUNK`] bytes that
//! overlap by [`OVERLAP`] bytes, the longest match a rule may have: a secret that straddles a
//! chunk boundary lies whole inside the next chunk's overlap, and each secret is reported by
//! exactly one chunk (the one where its start lies before the overlap kept for the next chunk).
//! Line and column numbers are carried across chunks, so findings point into the whole file (for
//! gzip: the decompressed text). Memory per worker stays at one chunk plus the overlap whatever
//! the file's size, even for a multi-GiB single line.

use crate::detect::{Candidate, Scanner, Scratch};
use crate::engine::{BINARY_PROBE, scan_window};
use crate::finding::{Finding, Source};
use std::io::Read;
use std::time::{Duration, Instant};

/// Files up to this size are read whole.
pub const WHOLE_FILE_LIMIT: u64 = 2 << 20;
/// Bytes of new data per chunk. Each worker holds a chunk and its decoded layers, so this sets
/// most of the per-thread memory: 2 MiB chunks instead of 8 MiB took the peak RSS of a 2-thread
/// scan of vendored source from 110 to 91 MiB, and ran 1.07× faster (docs/benchmarks.md).
pub const CHUNK: usize = 2 << 20;
/// Bytes each chunk shares with the next: more than the longest match any rule can produce (the
/// longest bounded patterns are PEM blocks of a few KiB).
pub const OVERLAP: usize = 64 << 10;

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
    pub findings: Vec<Finding>,
    /// Bytes scanned (decompressed bytes for compressed input).
    pub bytes: u64,
    /// The input was binary (a NUL byte in its first [`BINARY_PROBE`] bytes).
    pub binary: bool,
    pub error: Option<StreamError>,
}

/// Per-worker buffers, reused across inputs.
#[derive(Default)]
pub struct StreamBuffers {
    pub buf: Vec<u8>,
    pub candidates: Vec<Candidate>,
}

/// Scans `reader` chunk by chunk.
pub fn scan_stream(
    scanner: &Scanner,
    path: &str,
    source: &Source,
    mut reader: impl Read,
    time_budget: Option<Duration>,
    b: &mut StreamBuffers,
) -> Streamed {
    let started = Instant::now();
    let mut out = Streamed::default();
    b.buf.clear();
    // Position of buf[0] in the whole text: lines before it, and characters between the last
    // newline before it and it.
    let mut line_base = 0usize;
    let mut col_base = 0usize;
    let mut first = true;
    loop {
        let carried = b.buf.len();
        let (eof, read_err) = fill(&mut reader, &mut b.buf, carried + CHUNK);
        out.bytes += (b.buf.len() - carried) as u64;
        if first {
            first = false;
            if let Some(wide) = crate::text::sniff_wide(&b.buf, eof) {
                out.error = Some(StreamError::Wide(wide));
                return out;
            }
            let probe = &b.buf[..b.buf.len().min(BINARY_PROBE)];
            if memchr::memchr(0, probe).is_some() {
                out.binary = true;
                return out;
            }
        }
        let done = eof || read_err.is_some();
        let limit = if done {
            b.buf.len()
        } else {
            b.buf.len() - OVERLAP
        };
        let mut found = Scratch::with_local(|scratch| {
            scan_window(
                scanner,
                path,
                source,
                &b.buf,
                0..limit,
                scratch,
                &mut b.candidates,
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
        if let Some(budget) = time_budget
            && started.elapsed() > budget
        {
            out.error = Some(StreamError::OutOfTime {
                at: out.bytes,
                budget,
            });
            return out;
        }
        // Advance: everything before `limit` is done; keep the overlap.
        let consumed = &b.buf[..limit];
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
        b.buf.drain(..limit);
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

    fn scanner() -> Scanner {
        let rule = r#"
[[rules]]
id = "test-token"
title = "Test token"
severity = "high"
keywords = ["tk_"]
regex = '''\b(tk_[A-Za-z0-9]{30})\b'''
"#;
        Scanner::new(RulePack::from_sources([("t.toml", rule)]).unwrap())
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
                    None,
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
        let got = scan_stream(&s, "a.log", &Source::File, text.as_bytes(), None, &mut b);
        assert_eq!(got.bytes, text.len() as u64);
        assert_eq!(got.findings.len(), 1);
        assert_eq!((got.findings[0].line, got.findings[0].column), (n + 1, 5));
    }

    #[test]
    fn binary_streams_are_skipped() {
        let s = scanner();
        let mut b = StreamBuffers::default();
        let got = scan_stream(&s, "a.bin", &Source::File, &b"ab\0cd"[..], None, &mut b);
        assert!(got.binary);
    }

    #[test]
    fn gzip_paths() {
        assert!(is_gzip("logs/app.log.1.gz"));
        assert!(!is_gzip("logs/app.log"));
    }
}
