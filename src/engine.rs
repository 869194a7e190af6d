//! The scan engine: reads each file once into a per-thread buffer, skips binaries, decodes UTF-16,
//! and runs detect → filter → finding on it. Files are scanned in parallel with rayon; each worker
//! owns its buffers (and the thread its `detect::Scratch`), and results are merged and sorted
//! once at the end.
//!
//! Staged blobs arrive as buffers and share the same path from the binary check on.
//!
//! A file that cannot be read, or that a budget cut short, is an error entry: the gate cannot
//! vouch for it, so the scan fails closed without stopping. Findings past a file's listing limit
//! are counted, not kept (`report::listing`), and built a batch at a time.

use crate::decode;
use crate::detect::{Candidate, Scanner, Scratch};
use crate::filter::{self, Verdict};
use crate::finding::{self, DecodedJudged, Finding, Judged, Source};
use crate::report::listing::{Lister, Unlisted};
use crate::source::staged::Blob;
use crate::source::walk::{FileEntry, WalkError};
use crate::stream::{self, StreamBuffers, StreamError};
use rayon::prelude::*;
use std::cell::RefCell;
use std::io::Read;

/// How many leading bytes are checked for a NUL to call a file binary.
pub const BINARY_PROBE: usize = 8 << 10;

/// Limits on what one file may cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    pub max_file_size: Option<u64>,
    /// Streamed inputs (large or compressed files) that take longer are cut short and reported.
    pub max_file_time: Option<std::time::Duration>,
    /// Findings listed per file; the rest are counted, not listed (`report::listing`).
    pub max_listed: Option<usize>,
}

/// The result of scanning a set of files.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub errors: Vec<WalkError>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    /// Files with more findings than `Budget::max_listed`: the ones not listed.
    pub unlisted: Vec<Unlisted>,
}

impl Scanned {
    fn merge(mut self, other: Scanned) -> Scanned {
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped_binary += other.skipped_binary;
        self.unlisted.extend(other.unlisted);
        self
    }
}

struct Worker {
    buf: Vec<u8>,
    decoded: Vec<u8>,
    candidates: Vec<Candidate>,
    stream: StreamBuffers,
}

impl Worker {
    fn new() -> Worker {
        Worker {
            buf: Vec::with_capacity(64 << 10),
            decoded: Vec::new(),
            candidates: Vec::new(),
            stream: StreamBuffers::default(),
        }
    }
}

thread_local! {
    /// This thread's buffers, kept from file to file (rayon's `map_init` builds one per job, and
    /// a job is one file).
    static WORKER: RefCell<Worker> = RefCell::new(Worker::new());
}

/// Runs `f` with this thread's [`Worker`] (a fresh one if it is already in use).
fn with_worker<T>(f: impl FnOnce(&mut Worker) -> T) -> T {
    WORKER.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => f(&mut w),
        Err(_) => f(&mut Worker::new()),
    })
}

/// Scans files in parallel on the current rayon pool.
pub fn scan_files(scanner: &Scanner, files: &[FileEntry], budget: Budget) -> Scanned {
    scan_files_observed(scanner, files, budget, &|| {})
}

/// As [`scan_files`], calling `done` once per file as it finishes (progress display).
pub fn scan_files_observed(
    scanner: &Scanner,
    files: &[FileEntry],
    budget: Budget,
    done: &(dyn Fn() + Sync),
) -> Scanned {
    // One file per job: rayon splits a range further only when another thread steals from it,
    // so longer leaves left a run of big files on one thread while the other idled at the end.
    let mut out = files
        .par_iter()
        .with_max_len(1)
        .map(|f| {
            let scanned = with_worker(|w| scan_file(scanner, f, budget, w));
            done();
            scanned
        })
        .reduce(Scanned::default, Scanned::merge);
    sort(&mut out);
    out
}

/// Scans in-memory buffers (staged blobs), batch after batch as they arrive, each batch in
/// parallel on the current rayon pool; an `Err` item is an input that could not be read and
/// becomes an error entry.
pub fn scan_blobs(
    scanner: &Scanner,
    batches: impl Iterator<Item = Vec<Result<Blob, WalkError>>>,
    source: &Source,
) -> Scanned {
    let mut out = Scanned::default();
    for batch in batches {
        let scanned = batch
            .par_iter()
            .with_max_len(1)
            .map(|blob| match blob {
                Ok(b) => with_worker(|w| scan_buffer(scanner, &b.path, source, &b.bytes, None, w)),
                Err(e) => Scanned {
                    errors: vec![e.clone()],
                    ..Scanned::default()
                },
            })
            .reduce(Scanned::default, Scanned::merge);
        out = out.merge(scanned);
    }
    sort(&mut out);
    out
}

/// Deterministic order: findings by path, line, column, rule; errors by path.
pub fn sort(out: &mut Scanned) {
    out.findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    out.errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
}

fn scan_file(scanner: &Scanner, f: &FileEntry, budget: Budget, w: &mut Worker) -> Scanned {
    let mut out = Scanned::default();
    let error = |message: String| WalkError {
        path: f.path.clone(),
        message,
    };
    w.buf.clear();
    let file = match std::fs::File::open(&f.fs_path).and_then(|file| {
        let len = file.metadata()?.len();
        Ok((file, len))
    }) {
        Ok(x) => x,
        Err(e) => {
            out.errors.push(error(format!("cannot read: {e}")));
            return out;
        }
    };
    let (mut file, len) = file;
    if let Some(max) = budget.max_file_size
        && len > max
    {
        out.errors.push(error(format!(
            "not scanned: {len} bytes is over the max_file_size budget of {max} bytes"
        )));
        return out;
    }
    let gzip = stream::is_gzip(&f.path);
    if gzip || len > stream::WHOLE_FILE_LIMIT {
        let reader: Box<dyn Read> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
                file,
            )))
        } else {
            Box::new(file)
        };
        let got = stream::scan_stream(
            scanner,
            &f.path,
            &Source::File,
            reader,
            budget,
            &mut w.stream,
        );
        if got.binary {
            out.skipped_binary = 1;
            return out;
        }
        out.files_scanned = 1;
        out.bytes_scanned = got.bytes;
        out.findings = got.findings;
        out.unlisted.extend(got.unlisted);
        match got.error {
            None => {}
            Some(StreamError::Read { at, message }) => out.errors.push(error(format!(
                "cannot {} after {at} bytes: {message}",
                if gzip { "decompress" } else { "read" }
            ))),
            Some(StreamError::Utf16) => out.errors.push(error(format!(
                "not scanned: UTF-16 text over {} MiB is not supported; convert it to UTF-8",
                stream::WHOLE_FILE_LIMIT >> 20
            ))),
            Some(StreamError::OutOfTime { at, budget }) => out.errors.push(error(format!(
                "not fully scanned: stopped after {at} bytes at the max_file_time budget of {}",
                humantime::format_duration(budget)
            ))),
        }
        return out;
    }
    if let Err(e) = read_whole(&mut file, len, &mut w.buf) {
        out.errors.push(error(format!("cannot read: {e}")));
        return out;
    }
    let buf = std::mem::take(&mut w.buf);
    let out = scan_buffer(scanner, &f.path, &Source::File, &buf, budget.max_listed, w);
    w.buf = buf;
    if w.buf.capacity() > 64 << 20 {
        w.buf = Vec::with_capacity(64 << 10);
    }
    out
}

/// Reads `file`, whose size was `len` when opened, into `buf`: one `read` of the whole file,
/// where `read_to_end` also asks the size and the position again and reads once more to see the
/// end (three more system calls per file, a third of a small-files scan's). A file that grew
/// since it was opened is read to its end.
fn read_whole(file: &mut std::fs::File, len: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    // One byte more than the size: a read that fills it means the file grew.
    let want = len as usize + 1;
    buf.clear();
    buf.resize(want, 0);
    let mut got = 0;
    while got < want {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => {
                got += n;
                // A short read that brings the size stated at open is the end of the file.
                if got == want - 1 {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(got);
    if got == want {
        file.read_to_end(buf)?;
    }
    Ok(())
}

/// Scans one file's bytes: binary files are skipped and counted, UTF-16 is decoded first; at most
/// `max_listed` findings are listed (`report::listing`).
fn scan_buffer(
    scanner: &Scanner,
    path: &str,
    source: &Source,
    buf: &[u8],
    max_listed: Option<usize>,
    w: &mut Worker,
) -> Scanned {
    let mut out = Scanned::default();
    let text: &[u8] = match decode_utf16(buf, &mut w.decoded) {
        true => &w.decoded,
        false => {
            let probe = &buf[..buf.len().min(BINARY_PROBE)];
            if memchr::memchr(0, probe).is_some() {
                out.skipped_binary = 1;
                return out;
            }
            buf
        }
    };
    out.files_scanned = 1;
    out.bytes_scanned = buf.len() as u64;
    let mut lister = Lister::new(max_listed);
    out.findings = Scratch::with_local(|scratch| {
        scan_window_listed(
            scanner,
            path,
            source,
            text,
            0..text.len(),
            scratch,
            &mut w.candidates,
            &mut lister,
        )
    });
    out.unlisted.extend(lister.finish());
    out
}

/// Runs detect → filter → finding over one buffer (used for files, staged blobs and examples).
pub fn scan_bytes(
    scanner: &Scanner,
    path: &str,
    source: &Source,
    text: &[u8],
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
) -> Vec<Finding> {
    scan_window(
        scanner,
        path,
        source,
        text,
        0..text.len(),
        scratch,
        candidates,
    )
}

/// As [`scan_bytes`], but reports only candidates whose secret starts inside `window` (the rest of
/// `text` is context: the overlap a streamed chunk shares with its neighbours).
pub fn scan_window(
    scanner: &Scanner,
    path: &str,
    source: &Source,
    text: &[u8],
    window: std::ops::Range<usize>,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
) -> Vec<Finding> {
    let mut all = Lister::new(None);
    scan_window_listed(
        scanner, path, source, text, window, scratch, candidates, &mut all,
    )
}

/// As [`scan_window`], listing the findings through `lister` (`report::listing`) as they are
/// built, [`BATCH`] at a time, so that a buffer with many findings never holds them all in full.
#[allow(clippy::too_many_arguments)]
pub fn scan_window_listed(
    scanner: &Scanner,
    path: &str,
    source: &Source,
    text: &[u8],
    window: std::ops::Range<usize>,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
    lister: &mut Lister,
) -> Vec<Finding> {
    candidates.clear();
    scanner.scan(path, text, scratch, candidates);
    let decoded = if scanner.decode {
        scan_layers(scanner, path, text, &window, candidates, scratch)
    } else {
        Vec::new()
    };
    candidates.retain(|c| window.contains(&c.secret.start));
    if candidates.is_empty() && decoded.is_empty() {
        return Vec::new();
    }
    let mut judged = Vec::with_capacity(candidates.len());
    let mut dropped = Vec::new();
    for c in candidates.drain(..) {
        let verdict = match c.rejected {
            Some(why) => Verdict::Drop(why),
            None => filter::judge(&scanner.rules()[c.rule], path, text, &c, &scanner.allow),
        };
        let j = Judged {
            candidate: c,
            verdict,
        };
        match j.verdict {
            Verdict::Drop(_) if scanner.explain => dropped.push(j),
            Verdict::Drop(_) => {}
            _ => judged.push(j),
        }
    }
    let mut findings = Vec::new();
    for (judged, decoded) in batches(text, judged, decoded) {
        let mut found = finding::build_all(&scanner.pack, path, source, text, judged, decoded);
        lister.take(path, &mut found);
        findings.append(&mut found);
    }
    for (dropped, _) in batches(text, dropped, Vec::new()) {
        let mut found = finding::build(&scanner.pack, path, source, text, dropped);
        lister.take(path, &mut found);
        findings.append(&mut found);
    }
    findings
}

/// Most candidates turned into findings at a time.
const BATCH: usize = 4096;

/// Splits the judged candidates and decoded secrets of `text` into batches of about [`BATCH`],
/// in order, cut only where the next secret starts on a line after every secret before it ends:
/// each batch holds every secret of its lines, so its clusters, masks and snippets are those of
/// the whole buffer.
fn batches(
    text: &[u8],
    mut judged: Vec<Judged>,
    mut decoded: Vec<DecodedJudged>,
) -> Vec<(Vec<Judged>, Vec<DecodedJudged>)> {
    if judged.len() + decoded.len() <= BATCH {
        return vec![(judged, decoded)];
    }
    judged.sort_by_key(|j| j.candidate.secret.start);
    decoded.sort_by_key(|d| d.orig.start);
    let (mut plain, mut layers) = (
        judged.into_iter().peekable(),
        decoded.into_iter().peekable(),
    );
    let mut out = Vec::new();
    let mut batch: (Vec<Judged>, Vec<DecodedJudged>) = (Vec::new(), Vec::new());
    // Where the secrets of the batch so far end, at the furthest.
    let mut reach = 0;
    loop {
        let next_plain = plain.peek().map(|j| j.candidate.secret.clone());
        let next_layer = layers.peek().map(|d| d.orig.clone());
        let (range, is_plain) = match (next_plain, next_layer) {
            (None, None) => break,
            (Some(p), Some(l)) if l.start < p.start => (l, false),
            (Some(p), _) => (p, true),
            (None, Some(l)) => (l, false),
        };
        if batch.0.len() + batch.1.len() >= BATCH
            && reach <= range.start
            && memchr::memchr(b'\n', &text[reach..range.start]).is_some()
        {
            out.push(std::mem::take(&mut batch));
        }
        reach = reach.max(range.end);
        match is_plain {
            true => batch.0.extend(plain.next()),
            false => batch.1.extend(layers.next()),
        }
    }
    out.push(batch);
    out
}

/// Secrets under an encoding: each decoding layer of `text` is scanned and judged like the text
/// itself; a secret whose encoded range overlaps a plain candidate was already judged there.
fn scan_layers(
    scanner: &Scanner,
    path: &str,
    text: &[u8],
    window: &std::ops::Range<usize>,
    plain: &[Candidate],
    scratch: &mut Scratch,
) -> Vec<DecodedJudged> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    for layer in decode::layers(text) {
        found.clear();
        scanner.scan(path, &layer.text, scratch, &mut found);
        for c in found.drain(..) {
            if c.rejected.is_some() {
                continue;
            }
            let orig = layer.original(c.secret.clone());
            let overlaps = |r: &std::ops::Range<usize>| r.start < orig.end && orig.start < r.end;
            if !window.contains(&orig.start)
                || plain.iter().any(|p| overlaps(&p.secret))
                || out.iter().any(|d: &DecodedJudged| {
                    overlaps(&d.orig) && d.secret == layer.text[c.secret.clone()]
                })
            {
                continue;
            }
            let rule = &scanner.rules()[c.rule];
            let verdict = filter::judge(rule, path, &layer.text, &c, &scanner.allow);
            if matches!(verdict, Verdict::Drop(_)) {
                continue;
            }
            out.push(DecodedJudged {
                rule: c.rule,
                secret: layer.text[c.secret.clone()].to_vec(),
                orig,
                layer: layer.name.clone(),
                verdict,
            });
        }
    }
    out
}

/// Decodes a UTF-16 file (by its byte-order mark) into `out` as UTF-8. False if not UTF-16.
pub fn decode_utf16(buf: &[u8], out: &mut Vec<u8>) -> bool {
    let little = buf.starts_with(&[0xFF, 0xFE]);
    if !little && !buf.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let units = buf[2..].chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    out.clear();
    let mut tmp = [0u8; 4];
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{decode_utf16, read_whole};

    #[test]
    fn whole_files_are_read_whatever_size_was_stated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.log");
        let text = b"0123456789abcdef".repeat(1000);
        std::fs::write(&path, &text).unwrap();
        let mut buf = b"left over".to_vec();
        // The size at open; a file that grew since; one that shrank.
        for len in [text.len() as u64, 3, 0, text.len() as u64 * 2] {
            let mut file = std::fs::File::open(&path).unwrap();
            read_whole(&mut file, len, &mut buf).unwrap();
            assert_eq!(buf, text, "stated size {len}");
        }
        std::fs::write(&path, b"").unwrap();
        let mut file = std::fs::File::open(&path).unwrap();
        read_whole(&mut file, 0, &mut buf).unwrap();
        assert!(buf.is_empty());
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "key=é1\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let mut out = Vec::new();
        assert!(decode_utf16(&bytes, &mut out));
        assert_eq!(out, "key=é1\n".as_bytes());
        assert!(!decode_utf16(b"plain", &mut out));
    }
}
