//! The scan engine: reads each file once into a per-thread buffer, skips binaries, decodes UTF-16,
//! and runs detect → filter → finding on it. Files are scanned in parallel with rayon; each worker
//! owns its buffer and scratch, and results are merged and sorted once at the end.
//!
//! A file that cannot be read, or that a budget cut short, is an error entry: the gate cannot
//! vouch for it, so the scan fails closed without stopping.

use crate::detect::{Candidate, Scanner, Scratch};
use crate::filter::{self, Verdict};
use crate::finding::{self, Finding, Judged, Source};
use crate::source::walk::{FileEntry, WalkError};
use rayon::prelude::*;
use std::io::Read;

/// How many leading bytes are checked for a NUL to call a file binary.
pub const BINARY_PROBE: usize = 8 << 10;

/// Limits on what one file may cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    pub max_file_size: Option<u64>,
}

/// The result of scanning a set of files.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub errors: Vec<WalkError>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
}

impl Scanned {
    fn merge(mut self, other: Scanned) -> Scanned {
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped_binary += other.skipped_binary;
        self
    }
}

struct Worker {
    scratch: Scratch,
    buf: Vec<u8>,
    decoded: Vec<u8>,
    candidates: Vec<Candidate>,
}

impl Worker {
    fn new() -> Worker {
        Worker {
            scratch: Scratch::default(),
            buf: Vec::with_capacity(64 << 10),
            decoded: Vec::new(),
            candidates: Vec::new(),
        }
    }
}

/// Scans files in parallel on the current rayon pool.
pub fn scan_files(scanner: &Scanner, files: &[FileEntry], budget: Budget) -> Scanned {
    let mut out = files
        .par_iter()
        .map_init(Worker::new, |w, f| scan_file(scanner, f, budget, w))
        .reduce(Scanned::default, Scanned::merge);
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
    let read = std::fs::File::open(&f.fs_path).and_then(|file| {
        let len = file.metadata()?.len();
        if let Some(max) = budget.max_file_size
            && len > max
        {
            return Ok(Some(len));
        }
        let mut file = file;
        file.read_to_end(&mut w.buf)?;
        Ok(None)
    });
    match read {
        Err(e) => {
            out.errors.push(error(format!("cannot read: {e}")));
            return out;
        }
        Ok(Some(len)) => {
            out.errors.push(error(format!(
                "not scanned: {len} bytes is over the max_file_size budget of {} bytes",
                budget.max_file_size.unwrap_or(0)
            )));
            return out;
        }
        Ok(None) => {}
    }
    let text: &[u8] = match decode_utf16(&w.buf, &mut w.decoded) {
        true => &w.decoded,
        false => {
            let probe = &w.buf[..w.buf.len().min(BINARY_PROBE)];
            if memchr::memchr(0, probe).is_some() {
                out.skipped_binary = 1;
                return out;
            }
            &w.buf
        }
    };
    out.files_scanned = 1;
    out.bytes_scanned = w.buf.len() as u64;
    out.findings = scan_bytes(
        scanner,
        &f.path,
        &Source::File,
        text,
        &mut w.scratch,
        &mut w.candidates,
    );
    if w.buf.capacity() > 64 << 20 {
        w.buf = Vec::with_capacity(64 << 10);
    }
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
    candidates.clear();
    scanner.scan(path, text, scratch, candidates);
    if candidates.is_empty() {
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
    let mut findings = finding::build(&scanner.pack, path, source, text, judged);
    if !dropped.is_empty() {
        findings.extend(finding::build(&scanner.pack, path, source, text, dropped));
    }
    findings
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
    use super::decode_utf16;

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
