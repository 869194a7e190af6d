//! The streaming redactor behind `leakgate redact`: bytes in, the same bytes out with every secret
//! the pipe finds (rules, not-a-leak filters, config allowlists and known values, exactly as
//! `scan` judges them) replaced by its mask (`mask::mask`). Every other byte passes unchanged.
//!
//! It works on complete lines so it can sit in a pipeline (`app 2>&1 | leakgate redact >> app.log`):
//! whatever complete lines have arrived are scanned, masked and written, then the output is
//! flushed. Bytes after the last newline wait for the rest of their line, within a bound: a line
//! longer than [`MAX_LINE`] is cut, keeping back an [`OVERLAP`] tail (longer than any secret a rule
//! matches) and never cutting inside a secret. A multi-line secret (a PEM block) is held until its
//! `-----END` marker arrives, up to [`MAX_BLOCK`] bytes, and is masked line by line (one mask per
//! line, line breaks kept), so the output has the input's lines and line numbers. A look-behind
//! of [`LOOK_BEHIND`] bytes of already written input is scanned again with each new window, so a
//! match whose context started on an earlier line (`provider "aws" {` ... `secret_key = "..."`)
//! still masks its secret.
//!
//! The rules run as `scan` runs them, windowed around their keywords and anchors (`rules::reach`),
//! except that a rule without a proven reach runs only near its keywords' hits (`around`): the
//! hit's line and as many lines before and after it as a match can hold newlines, when that is
//! bounded (up to 64), else one line before and two after; and a `-----BEGIN` ... `-----END`
//! block opened there. A match of a rule with no bound on its lines that reaches further from its
//! keyword than that (a PuTTY key body) is found by `scan` but not masked here. Large windows are split at line
//! boundaries and scanned in parallel (rayon); the output order and bytes are the same as a
//! sequential scan's. This module never writes a secret: only masks and the bytes around them.

use crate::detect::{Candidate, Scratch};
use crate::engine::{self, Pipeline};
use crate::filter::{self, Verdict};
use crate::finding;
use crate::mask;
use rayon::prelude::*;
use std::io::{self, Read, Write};
use std::ops::Range;

/// A line longer than this is cut (keeping an overlap back) instead of waiting for its end.
pub const MAX_LINE: usize = 1 << 20;
/// Bytes of a cut line kept back for the next window: longer than any single-line secret.
pub const OVERLAP: usize = 16 << 10;
/// The longest multi-line block (`-----BEGIN` ... `-----END`) held back whole.
pub const MAX_BLOCK: usize = 256 << 10;
/// Bytes of already written input scanned again as context before each window.
pub const LOOK_BEHIND: usize = 4 << 10;
/// Windows at least this long are split into chunks scanned in parallel.
const PARALLEL_MIN: usize = 256 << 10;
/// How far past its end a parallel chunk is scanned, for multi-line matches that start in it and
/// end after it (chunks never end inside an open `-----BEGIN` block).
const LOOK_AHEAD: usize = 4 << 10;
/// Read size.
const READ_SIZE: usize = 256 << 10;
/// The most input gathered into one batch before it is scanned.
const BATCH: usize = 4 << 20;

/// A secret to mask: the candidate that found it (its range in the pending buffer), and for a
/// secret under a decoding layer, the decoded bytes (whose mask `scan` shows; the range is the
/// encoded text's).
struct Hit {
    c: Candidate,
    decoded: Option<Vec<u8>>,
}

/// What a redaction did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub bytes: u64,
    pub masked: u64,
}

/// A streaming redactor over one input. `path` names the input for rules restricted by `paths`.
pub struct Redactor<'a> {
    pipe: &'a Pipeline,
    path: String,
    /// `pending[..start]` is look-behind already written; `pending[start..]` is not yet written.
    pending: Vec<u8>,
    start: usize,
    out: Vec<u8>,
    candidates: Vec<Candidate>,
    stats: Stats,
}

impl<'a> Redactor<'a> {
    pub fn new(pipe: &'a Pipeline, path: &str) -> Redactor<'a> {
        Redactor {
            pipe,
            path: path.to_string(),
            pending: Vec::with_capacity(READ_SIZE + LOOK_BEHIND),
            start: 0,
            out: Vec::with_capacity(READ_SIZE),
            candidates: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// Copies `input` to `output`, redacted. A reader thread keeps reading while a batch is
    /// scanned; each batch is everything that arrived meanwhile (one line in a slow pipeline, up
    /// to [`BATCH`] bytes from a file), and the output is flushed after each batch.
    pub fn run(
        mut self,
        mut input: impl Read + Send,
        output: &mut impl Write,
    ) -> io::Result<Stats> {
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(4);
            // Read buffers come back once appended, so the reader reuses them instead of
            // allocating (and the kernel zeroing) fresh pages for every read.
            let (back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
            s.spawn(move || {
                loop {
                    let mut buf = spare.try_recv().unwrap_or_default();
                    buf.resize(READ_SIZE, 0);
                    let sent = match input.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            buf.truncate(n);
                            tx.send(Ok(buf))
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => tx.send(Err(e)),
                    };
                    if sent.is_err() {
                        break;
                    }
                }
            });
            while let Ok(first) = rx.recv() {
                let first = first?;
                self.append(&first);
                let _ = back.send(first);
                while self.pending.len() - self.start < BATCH {
                    match rx.try_recv() {
                        Ok(more) => {
                            let more = more?;
                            self.append(&more);
                            let _ = back.send(more);
                        }
                        Err(_) => break,
                    }
                }
                self.process(false, output)?;
            }
            self.finish(output)?;
            Ok(self.stats)
        })
    }

    /// Takes more input; writes and flushes whatever complete lines are ready.
    pub fn feed(&mut self, data: &[u8], output: &mut impl Write) -> io::Result<()> {
        self.append(data);
        self.process(false, output)
    }

    fn append(&mut self, data: &[u8]) {
        self.pending.extend_from_slice(data);
        self.stats.bytes += data.len() as u64;
    }

    /// Ends the input: writes everything left.
    pub fn finish(&mut self, output: &mut impl Write) -> io::Result<()> {
        self.process(true, output)
    }

    fn process(&mut self, eof: bool, output: &mut impl Write) -> io::Result<()> {
        let Some((scan_end, emit_end)) = self.ready(eof) else {
            return Ok(());
        };
        let spans = self.find(scan_end);
        let emit_end = settle(emit_end, self.start, &spans);
        self.out.clear();
        let mut pos = self.start;
        for (span, masked) in &spans {
            if span.start >= emit_end {
                break;
            }
            self.out.extend_from_slice(&self.pending[pos..span.start]);
            self.out.extend_from_slice(masked.as_bytes());
            self.stats.masked += 1;
            pos = span.end;
        }
        if pos < emit_end {
            self.out.extend_from_slice(&self.pending[pos..emit_end]);
        }
        output.write_all(&self.out)?;
        output.flush()?;
        // Keep a look-behind of written input, then what is not written yet.
        let keep_from = emit_end.saturating_sub(LOOK_BEHIND);
        self.pending.drain(..keep_from);
        self.start = emit_end - keep_from;
        Ok(())
    }

    /// The end of the bytes to scan and the end of the bytes that may be written, or `None` when
    /// nothing is ready yet.
    fn ready(&self, eof: bool) -> Option<(usize, usize)> {
        let len = self.pending.len();
        if len == self.start {
            return None;
        }
        if eof {
            return Some((len, len));
        }
        let new = &self.pending[self.start..];
        let Some(nl) = memchr::memrchr(b'\n', new) else {
            // No complete line: wait, unless the line is too long.
            return (new.len() > MAX_LINE).then(|| (len, len - OVERLAP));
        };
        let mut end = self.start + nl + 1;
        // Hold an unfinished multi-line block back whole, within a bound.
        if let Some(begin) = open_block(&self.pending[self.start..end]) {
            let begin = self.start + begin;
            // Its END marker may have arrived on a line that is not complete yet (a long line
            // after the marker): the block ends at the marker's closing dashes.
            if let Some(close) = block_close(&self.pending[end..]) {
                return Some((end + close, end + close));
            }
            if len - begin <= MAX_BLOCK {
                let line_start =
                    memchr::memrchr(b'\n', &self.pending[..begin]).map_or(0, |i| i + 1);
                end = line_start.max(self.start);
            }
        }
        (end > self.start).then_some((end, end))
    }

    /// The masked spans of `pending[start..scan_end]` (spans may start in the look-behind; they
    /// are clipped to `start`), sorted and merged as `scan` merges them: overlapping secrets form
    /// one span, replaced by the mask of the secret `scan` reports for it (`finding::better`).
    fn find(&mut self, scan_end: usize) -> Vec<(Range<usize>, String)> {
        let new = self.start..scan_end;
        let chunks = chunks(&self.pending, new.clone(), rayon::current_num_threads());
        let (pipe, path) = (self.pipe, self.path.as_str());
        let mut found: Vec<Hit> = if chunks.len() == 1 {
            let mut kept = Vec::new();
            Scratch::with_local(|scratch| {
                scan_window(
                    pipe,
                    path,
                    &self.pending[..scan_end],
                    0,
                    scratch,
                    &mut self.candidates,
                    &mut kept,
                )
            });
            kept
        } else {
            let buf = &self.pending;
            chunks
                .par_iter()
                .map_init(Vec::new, |cands, own| {
                    let from = own.start.saturating_sub(LOOK_BEHIND);
                    let to = (own.end + LOOK_AHEAD).min(scan_end);
                    let mut kept = Vec::new();
                    Scratch::with_local(|scratch| {
                        scan_window(pipe, path, &buf[from..to], from, scratch, cands, &mut kept)
                    });
                    let first = own.start == new.start;
                    kept.retain(|h| {
                        let s = &h.c.secret;
                        own.contains(&s.start)
                            || (first && s.start < own.start && s.end > own.start)
                    });
                    kept
                })
                .flatten()
                .collect()
        };
        found.retain(|h| h.c.secret.end > new.start);
        finding::retain_unsubsumed(&pipe.scanner.pack, &mut found, |h| &h.c);
        found.sort_by_key(|h| (h.c.secret.start, h.c.secret.end));
        let mut merged: Vec<(Range<usize>, usize)> = Vec::new(); // (union, winner)
        for (i, h) in found.iter().enumerate() {
            let c = &h.c;
            match merged.last_mut() {
                Some((union, winner)) if c.secret.start < union.end => {
                    union.end = union.end.max(c.secret.end);
                    if finding::better(&pipe.scanner.pack, c, &found[*winner].c) {
                        *winner = i;
                    }
                }
                _ => merged.push((c.secret.clone(), i)),
            }
        }
        merged
            .into_iter()
            .map(|(union, winner)| {
                let span = union.start.max(new.start)..union.end;
                let hit = &found[winner];
                let masked = match &hit.decoded {
                    Some(secret) => mask::mask(secret),
                    None => mask::mask(&self.pending[hit.c.secret.clone()]),
                };
                let masked = mask_lines(&self.pending[span.clone()], masked);
                (span, masked)
            })
            .collect()
    }
}

/// What replaces `replaced`, the bytes of one masked span, given the secret's mask: the mask
/// itself for a span on one line; for a span over several lines (a PEM body), one mask per
/// line with the line breaks kept, so the lines after it keep their numbers. Each line but the
/// last non-empty one shows `****`; that one shows the secret's mask (its suffix, when long
/// enough, is the secret's last characters, which end that line). Empty lines stay empty.
fn mask_lines(replaced: &[u8], masked: String) -> String {
    if memchr::memchr(b'\n', replaced).is_none() {
        return masked;
    }
    let lines: Vec<&[u8]> = replaced.split(|&b| b == b'\n').collect();
    let blank = |l: &[u8]| l.is_empty() || l == b"\r";
    let last = lines.iter().rposition(|l| !blank(l));
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !blank(line) {
            out.push_str(if Some(i) == last {
                &masked
            } else {
                mask::STARS
            });
        }
        if line.ends_with(b"\r") {
            out.push('\r');
        }
    }
    out
}

/// Lines kept before and after a keyword hit of a rule without a proven reach whose matches can
/// hold any number of newlines.
const LINES_BEFORE: usize = 1;
const LINES_AFTER: usize = 2;
/// The most newlines a match can hold up to which a rule without a proven reach runs on that
/// many lines before and after a keyword hit (a Kubernetes Secret manifest: `kind: Secret`, then
/// its `data:` entries some lines further); beyond, [`LINES_BEFORE`] and [`LINES_AFTER`].
const MAX_LINES: usize = 64;

/// Where a rule without a proven reach runs for one hit of its keywords (`Scanner::scan_near`):
/// as many lines before and after the hit's line as a match of the rule can hold newlines, when
/// that is bounded (up to [`MAX_LINES`]), else [`LINES_BEFORE`] before and [`LINES_AFTER`] after;
/// and a `-----BEGIN` block opened there through its `-----END` line (up to [`MAX_BLOCK`] bytes).
fn around(buf: &[u8], hit: Range<usize>, max_lines: Option<usize>) -> Range<usize> {
    let (before, after) = match max_lines.filter(|&k| k <= MAX_LINES) {
        Some(k) => (k, k),
        None => (LINES_BEFORE, LINES_AFTER),
    };
    let mut start = line_start(buf, hit.start);
    for _ in 0..before {
        if start == 0 {
            break;
        }
        start = line_start(buf, start - 1);
    }
    let mut end = hit.end;
    for _ in 0..=after {
        if end >= buf.len() {
            break;
        }
        end = line_end(buf, end);
    }
    if let Some(b) = memchr::memmem::find(&buf[start..end], b"-----BEGIN") {
        let from = start + b;
        let stop = (from + MAX_BLOCK).min(buf.len());
        let block_end = match memchr::memmem::find(&buf[from..stop], b"-----END") {
            Some(e) => line_end(buf, from + e),
            None => stop,
        };
        end = end.max(block_end);
    }
    start..end
}

/// The end of the line holding `at` (past its newline), or the buffer's end.
fn line_end(buf: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i + 1)
}

fn line_start(buf: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1)
}

/// Scans one window (`buf` starts at `offset` of the pending buffer) and appends, with absolute
/// offsets, the secrets `scan` would report (kept or suppressed; dropped ones are not secrets),
/// those under a decoding layer (base64, escapes, ANSI codes: `decode`) included, as `scan` finds
/// them (`engine::scan_layers`).
fn scan_window(
    pipe: &Pipeline,
    path: &str,
    buf: &[u8],
    offset: usize,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
    out: &mut Vec<Hit>,
) {
    candidates.clear();
    pipe.scanner
        .scan_near(path, buf, scratch, candidates, Some(around));
    if pipe.decode {
        let layered = engine::scan_layers(pipe, path, buf, &(0..buf.len()), candidates, scratch);
        out.extend(layered.into_iter().map(|d| {
            let at = d.orig.start + offset..d.orig.end + offset;
            Hit {
                c: Candidate {
                    rule: d.rule,
                    secret: at.clone(),
                    matched: at,
                    rejected: None,
                },
                decoded: Some(d.secret),
            }
        }));
    }
    for mut c in candidates.drain(..) {
        if c.rejected.is_some() {
            continue;
        }
        let rule = &pipe.rules()[c.rule];
        if let Verdict::Drop(_) = filter::judge(
            rule,
            path,
            buf,
            &c,
            &pipe.allow,
            &crate::syntax::Context::off(),
        ) {
            continue;
        }
        c.secret = c.secret.start + offset..c.secret.end + offset;
        c.matched = c.matched.start + offset..c.matched.end + offset;
        out.push(Hit { c, decoded: None });
    }
}

/// Splits `range` of `buf` into chunks at line boundaries outside `-----BEGIN` blocks, about two
/// per thread, for parallel scanning.
fn chunks(buf: &[u8], range: Range<usize>, threads: usize) -> Vec<Range<usize>> {
    if threads <= 1 || range.len() < PARALLEL_MIN {
        return vec![range];
    }
    let size = range.len().div_ceil(threads * 2).max(PARALLEL_MIN / 4);
    let mut out = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let mut target = (start + size).min(range.end);
        if let Some(begin) = open_block(&buf[start..target]) {
            // Do not split a block: end after its `-----END` line.
            target = memchr::memmem::find(&buf[start + begin..range.end], b"-----END")
                .map_or(range.end, |i| start + begin + i);
        }
        let end = match memchr::memchr(b'\n', &buf[target..range.end]) {
            Some(i) => target + i + 1,
            None => range.end,
        };
        out.push(start..end);
        start = end;
    }
    out
}

/// Moves a write boundary back to the start of a span it would cut (a span at the very start
/// of what is unwritten is written whole instead).
fn settle(mut end: usize, start: usize, spans: &[(Range<usize>, String)]) -> usize {
    for (s, _) in spans {
        if s.start < end && s.end > end {
            end = if s.start <= start { s.end } else { s.start };
        }
    }
    end
}

/// The offset of a `-----BEGIN` that no `-----END` follows in `buf`.
fn open_block(buf: &[u8]) -> Option<usize> {
    let begin = memchr::memmem::rfind(buf, b"-----BEGIN")?;
    match memchr::memmem::find(&buf[begin..], b"-----END") {
        Some(_) => None,
        None => Some(begin),
    }
}

/// Where the first `-----END <LABEL>-----` marker in `buf` ends, when it is whole.
fn block_close(buf: &[u8]) -> Option<usize> {
    let end = memchr::memmem::find(buf, b"-----END")?;
    let label = end + b"-----END".len();
    let rest = &buf[label..buf.len().min(label + 80)];
    let close = memchr::memmem::find(rest, b"-----")?;
    rest[..close]
        .iter()
        .all(|&b| b == b' ' || b.is_ascii_alphanumeric())
        .then_some(label + close + b"-----".len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_closes_at_its_end_marker() {
        assert_eq!(block_close(b"-----END RSA PRIVATE KEY-----xxxx"), Some(29));
        assert_eq!(block_close(b"abc\n-----END X-----"), Some(19));
        assert_eq!(block_close(b"-----END RSA PRIV"), None);
        assert_eq!(block_close(b"-----END <b>-----"), None);
        assert_eq!(block_close(b"no marker"), None);
    }

    #[test]
    fn open_blocks_are_found() {
        assert_eq!(open_block(b"a\n-----BEGIN X-----\nabc\n"), Some(2));
        assert_eq!(
            open_block(b"-----BEGIN X-----\nabc\n-----END X-----\n"),
            None
        );
        assert_eq!(open_block(b"plain\n"), None);
    }

    #[test]
    fn chunks_end_at_newlines_and_cover_the_range() {
        let line = b"0123456789abcdef0123456789abcdef\n".repeat(40_000);
        let mut line = line;
        line.extend_from_slice(b"-----BEGIN X-----\nabc\n-----END X-----\n");
        line.extend_from_slice(&b"tail line\n".repeat(100_000));
        let cs = chunks(&line, 5..line.len(), 2);
        assert!(cs.len() > 1);
        assert_eq!(cs[0].start, 5);
        assert_eq!(cs.last().unwrap().end, line.len());
        for w in cs.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert_eq!(line[w[0].end - 1], b'\n');
            assert_eq!(open_block(&line[w[0].clone()]), None);
        }
    }

    #[test]
    fn a_multi_line_span_keeps_its_lines() {
        let m = || "****WXYZ".to_string();
        assert_eq!(mask_lines(b"abcdefghWXYZ", m()), "****WXYZ");
        assert_eq!(mask_lines(b"abcd\nefgh\nWXYZ", m()), "****\n****\n****WXYZ");
        assert_eq!(
            mask_lines(b"abcd\r\nefWXYZ\r\n", m()),
            "****\r\n****WXYZ\r\n"
        );
        assert_eq!(mask_lines(b"abcd\n\nWXYZ", m()), "****\n\n****WXYZ");
    }

    #[test]
    fn settle_never_cuts_a_span() {
        let spans = vec![(10..20, String::new())];
        assert_eq!(settle(15, 0, &spans), 10);
        assert_eq!(settle(25, 0, &spans), 25);
        assert_eq!(settle(15, 10, &spans), 20);
    }
}
