//! The scan engine: reads each file once into a per-thread buffer, skips binaries, decodes UTF-16,
//! and runs detect → filter → finding on it. Files are scanned in parallel with rayon; each worker
//! owns its buffers (and the thread its `detect::Scratch`), and results are merged and sorted
//! once at the end.
//!
//! Staged blobs arrive as buffers and share the same path from the binary check on; standard input
//! is read as a file whose size is not known in advance.
//!
//! A file that cannot be read, or that a budget cut short, is an error entry: the gate cannot
//! vouch for it, so the scan fails closed without stopping. Findings past a file's listing limit
//! are counted, not kept (`listing`), and built a batch at a time.

use crate::decode;
use crate::detect::{Candidate, Scanner, Scratch};
use crate::filter::allow::AllowList;
use crate::filter::{self, Verdict};
use crate::finding::{self, DecodedJudged, Finding, Judged, Source};
use crate::listing::{Lister, Unlisted};
use crate::source::staged::Blob;
use crate::source::walk::{FileEntry, WalkError};
pub mod history;
pub mod stream;

use crate::text;
use rayon::prelude::*;
use std::cell::RefCell;
use std::io::Read;
use stream::{StreamBuffers, StreamError};

/// What runs on every buffer: detection (the [`Scanner`]), the filter stage's allowlist, and
/// whether the decoding layers are scanned. Every input (walked files, staged and history blobs,
/// standard input, streamed chunks, `redact`'s windows, rule examples) goes through one.
pub struct Pipeline {
    pub scanner: Scanner,
    /// The config's allowlist, applied by `filter::judge`.
    pub allow: AllowList,
    /// Also scan decoding layers (`decode`): JSON escapes, ANSI, HTML entities, percent, base64.
    pub decode: bool,
}

impl Pipeline {
    /// The scanner with no allowlist, decoding layers on.
    pub fn new(scanner: Scanner) -> Pipeline {
        Pipeline {
            scanner,
            allow: AllowList::default(),
            decode: true,
        }
    }

    /// Adds the config's allowlist.
    pub fn with_allow(mut self, allow: AllowList) -> Pipeline {
        self.allow = allow;
        self
    }

    pub fn rules(&self) -> &[crate::rules::Rule] {
        self.scanner.rules()
    }
}

impl From<Scanner> for Pipeline {
    fn from(scanner: Scanner) -> Pipeline {
        Pipeline::new(scanner)
    }
}

/// Limits on what one file may cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    pub max_file_size: Option<u64>,
    /// Streamed inputs (large or compressed files) that take longer are cut short and reported.
    pub max_file_time: Option<std::time::Duration>,
    /// Findings listed per file; the rest are counted, not listed (`listing`).
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

    /// Gives back what one unusual input made this thread's buffers grow to, so that a thread
    /// holds no more between files than an ordinary file needs: candidate lists grown past
    /// [`KEEP_CANDIDATES`] (a minified bundle makes tens of thousands). The stream buffer is
    /// kept: it is never more than a chunk and its context, the most a thread holds for a
    /// large file anyway, and a fresh one costs its pages again at every large file.
    fn release(&mut self) {
        for c in [&mut self.candidates, &mut self.stream.candidates] {
            if c.capacity() > KEEP_CANDIDATES {
                *c = Vec::new();
            }
        }
        if self.decoded.capacity() > stream::WHOLE_FILE_LIMIT as usize {
            self.decoded = Vec::new();
        }
    }
}

/// Candidates a thread's lists keep room for between files.
const KEEP_CANDIDATES: usize = 4096;

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

/// Scans files as they arrive (from a walk streamed through a bounded channel), one job per
/// thread of the current rayon pool, each taking the next file when it is done with one, and
/// calls `done` with each file as it finishes. Only the files being scanned are held, never the
/// whole list: memory does not grow with the number of files. The result is sorted, so the order
/// files arrive in does not change it (each name comes once).
///
/// A thread waiting for the next file sleeps on a lock: rayon's `par_bridge` spins its threads
/// while one of them waits for the walk, which cost a sixth more CPU time on a tree of small
/// files.
pub fn scan_files_streamed(
    pipe: &Pipeline,
    files: impl Iterator<Item = FileEntry> + Send,
    budget: Budget,
    done: &(dyn Fn(&FileEntry) + Sync),
) -> Scanned {
    let files = std::sync::Mutex::new(files);
    let all = std::sync::Mutex::new(Scanned::default());
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| {
                let mut mine = Scanned::default();
                loop {
                    let next = files.lock().unwrap().next();
                    let Some(f) = next else { break };
                    let scanned = with_worker(|w| {
                        let scanned = scan_file(pipe, &f, budget, w);
                        w.release();
                        scanned
                    });
                    done(&f);
                    mine = mine.merge(scanned);
                }
                let mut all = all.lock().unwrap();
                *all = std::mem::take(&mut *all).merge(mine);
            });
        }
    });
    let mut out = all.into_inner().unwrap();
    sort(&mut out);
    out
}

/// Scans in-memory buffers (staged blobs), batch after batch as they arrive, each batch in
/// parallel on the current rayon pool; an `Err` item is an input that could not be read and
/// becomes an error entry.
pub fn scan_blobs(
    pipe: &Pipeline,
    batches: impl Iterator<Item = Vec<Result<Blob, WalkError>>>,
    source: &Source,
) -> Scanned {
    let mut out = Scanned::default();
    for batch in batches {
        let scanned = batch
            .par_iter()
            .with_max_len(1)
            .map(|blob| match blob {
                Ok(b) => with_worker(|w| scan_buffer(pipe, &b.path, source, &b.bytes, None, w)),
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

/// Scans standard input as the input `name`, on the calling thread.
pub fn scan_stdin(pipe: &Pipeline, name: &str, budget: Budget) -> Scanned {
    let stdin = std::io::stdin();
    scan_reader(pipe, name, &Source::Stdin, stdin.lock(), budget)
}

/// Scans one input read from `reader` to its end (standard input): read whole when it ends within
/// [`stream::WHOLE_FILE_LIMIT`], else streamed in chunks as a large file is; bounded by the
/// `max_file_size` budget as it arrives (what lies past it is not read, and the input is an error
/// entry). Runs on the calling thread.
pub fn scan_reader(
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    reader: impl Read,
    budget: Budget,
) -> Scanned {
    with_worker(|w| {
        let max = budget.max_file_size;
        let mut reader = Bounded::new(reader, max);
        let mut out = scan_read(pipe, (path, source), &mut reader, 0, budget, w);
        if let (true, Some(max)) = (reader.over, max) {
            out.errors.push(WalkError {
                path: path.to_string(),
                message: format!(
                    "not fully scanned: it goes on past the max_file_size budget of {max} bytes; only the first {max} bytes were scanned"
                ),
            });
        }
        out
    })
}

/// Deterministic order: findings by path, line, column, rule; errors by path and message, each
/// listed once.
pub fn sort(out: &mut Scanned) {
    out.findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    out.errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    out.errors.dedup();
}

fn scan_file(pipe: &Pipeline, f: &FileEntry, budget: Budget, w: &mut Worker) -> Scanned {
    let mut out = Scanned::default();
    let error = |message: String| WalkError {
        path: f.path.clone(),
        message,
    };
    w.buf.clear();
    let (file, len) = match open_regular(&f.fs_path) {
        Ok(x) => x,
        Err(message) => {
            out.errors.push(error(message));
            return out;
        }
    };
    let gzip = stream::is_gzip(&f.path);
    let named = (f.path.as_str(), &Source::File);
    let max = budget.max_file_size;
    // A gzip stream's budget is its decompressed size, counted as it is read.
    if !gzip
        && let Some(max) = max
        && len > max
    {
        out.errors.push(error(format!(
            "not scanned: {len} bytes is over the max_file_size budget of {max} bytes"
        )));
        return out;
    }
    if gzip {
        let mut reader = Bounded::new(
            flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)),
            max,
        );
        out = scan_streamed(pipe, named, &mut reader, budget, gzip, w);
        over_budget(&mut out, &f.path, reader.over, max);
        return out;
    }
    let mut reader = Bounded::new(file, max);
    if len > stream::WHOLE_FILE_LIMIT {
        out = scan_streamed(pipe, named, &mut reader, budget, gzip, w);
        over_budget(&mut out, &f.path, reader.over, max);
        return out;
    }
    out = scan_read(pipe, named, &mut reader, len, budget, w);
    over_budget(&mut out, &f.path, reader.over, max);
    out
}

/// Reads an input that is expected to end within [`stream::WHOLE_FILE_LIMIT`] (`len`: its size
/// when opened, 0 when unknown) into this thread's buffer and scans it whole; one that goes on
/// past the limit is streamed from what was read on. Files and standard input share this.
fn scan_read<R: Read>(
    pipe: &Pipeline,
    (path, source): (&str, &Source),
    reader: &mut Bounded<R>,
    len: u64,
    budget: Budget,
    w: &mut Worker,
) -> Scanned {
    let mut buf = std::mem::take(&mut w.buf);
    let out = match read_whole(reader, len, stream::WHOLE_FILE_LIMIT, &mut buf) {
        Err(e) => Scanned {
            errors: vec![WalkError {
                path: path.to_string(),
                message: format!("cannot read: {e}"),
            }],
            ..Scanned::default()
        },
        Ok(true) => scan_buffer(pipe, path, source, &buf, budget.max_listed, w),
        Ok(false) => {
            // It went on past the whole-file limit: the rest is streamed after what was read.
            let mut rest = std::io::Cursor::new(&buf[..]).chain(reader);
            scan_streamed(pipe, (path, source), &mut rest, budget, false, w)
        }
    };
    w.buf = buf;
    if w.buf.capacity() > 64 << 20 {
        w.buf = Vec::with_capacity(64 << 10);
    }
    out
}

/// Opens a regular file and states its size. Anything else (a FIFO, a device, a socket) is
/// refused with the message of its error entry: reading one can block forever or never end.
/// The walk checked the type before; this check on the open file closes the gap between them.
fn open_regular(path: &std::path::Path) -> Result<(std::fs::File, u64), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "not scanned: {} is not a regular file",
            crate::source::walk::kind(&meta.file_type())
        ));
    }
    Ok((file, meta.len()))
}

/// Adds the error entry of an input that went on past the `max_file_size` budget while read.
fn over_budget(out: &mut Scanned, path: &str, over: bool, max: Option<u64>) {
    if let (true, Some(max)) = (over, max) {
        let message = if stream::is_gzip(path) {
            format!(
                "not fully scanned: it decompresses to more than the max_file_size budget of {max} bytes; only the first {max} decompressed bytes were scanned"
            )
        } else {
            format!(
                "not fully scanned: it grew past the max_file_size budget of {max} bytes while read; only the first {max} bytes were scanned"
            )
        };
        out.errors.push(WalkError {
            path: path.to_string(),
            message,
        });
    }
}

/// Scans an input as a stream of overlapping chunks (large, growing and compressed files).
fn scan_streamed(
    pipe: &Pipeline,
    (path, source): (&str, &Source),
    reader: impl Read,
    budget: Budget,
    gzip: bool,
    w: &mut Worker,
) -> Scanned {
    let mut out = Scanned::default();
    let error = |message: String| WalkError {
        path: path.to_string(),
        message,
    };
    let got = stream::scan_stream(pipe, path, source, reader, budget, &mut w.stream);
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
        Some(StreamError::Wide(wide)) => out.errors.push(error(format!(
            "not scanned: {} text over {} MiB is not supported; convert it to UTF-8",
            wide.name(),
            stream::WHOLE_FILE_LIMIT >> 20
        ))),
        Some(StreamError::OutOfTime { at, budget }) => out.errors.push(error(format!(
            "not fully scanned: stopped after {at} bytes at the max_file_time budget of {}",
            humantime::format_duration(budget)
        ))),
    }
    out
}

/// A reader that ends after `max` bytes (when set) and notes whether the input went on past them:
/// a budget holds as the bytes arrive, whatever size the input stated when it was opened.
struct Bounded<R> {
    inner: R,
    /// Bytes still allowed; `None`: no budget.
    left: Option<u64>,
    /// The input had more than `max` bytes.
    over: bool,
}

impl<R: Read> Bounded<R> {
    fn new(inner: R, max: Option<u64>) -> Bounded<R> {
        Bounded {
            inner,
            left: max,
            over: false,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(left) = self.left else {
            return self.inner.read(buf);
        };
        if buf.is_empty() || self.over {
            return Ok(0);
        }
        if left == 0 {
            // At the budget: one byte more says whether the input goes on.
            let mut probe = [0u8; 1];
            self.over = loop {
                match self.inner.read(&mut probe) {
                    Ok(n) => break n > 0,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            return Ok(0);
        }
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..n])?;
        self.left = Some(left - got as u64);
        Ok(got)
    }
}

/// Reads a file whose size was `len` when opened into `buf`: one `read` of the whole file, where
/// `read_to_end` also asks the size and the position again and reads once more to see the end
/// (three more system calls per file, paid by every file of a tree of small files). A file that
/// grew since it was opened is read on, up to `cap` bytes: `Ok(false)` when it holds more than
/// that (`buf` then holds the first `cap` bytes and more, the rest is still to read).
fn read_whole(
    file: &mut impl Read,
    len: u64,
    cap: u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<bool> {
    // One byte more than the size: a read that fills it means the file grew.
    let want = len.min(cap) as usize + 1;
    buf.clear();
    // Exactly: a buffer grown by doubling could hold twice the largest file up to the limit.
    buf.reserve_exact(want);
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
        // It grew: read on, one byte past the cap at most.
        let more = (cap + 1).saturating_sub(got as u64);
        file.take(more).read_to_end(buf)?;
        return Ok(buf.len() as u64 <= cap);
    }
    Ok(true)
}

/// Scans one file's bytes: binary files are skipped and counted, UTF-16 and UTF-32 text is
/// decoded first; at most `max_listed` findings are listed (`listing`).
fn scan_buffer(
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    buf: &[u8],
    max_listed: Option<usize>,
    w: &mut Worker,
) -> Scanned {
    let mut out = Scanned::default();
    let Some(text) = text::content(buf, &mut w.decoded) else {
        out.skipped_binary = 1;
        return out;
    };
    out.files_scanned = 1;
    out.bytes_scanned = buf.len() as u64;
    let mut lister = Lister::new(max_listed);
    out.findings = Scratch::with_local(|scratch| {
        scan_window_listed(
            pipe,
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
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    text: &[u8],
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
) -> Vec<Finding> {
    scan_window(pipe, path, source, text, 0..text.len(), scratch, candidates)
}

/// As [`scan_bytes`], but reports only candidates whose secret starts inside `window` (the rest of
/// `text` is context: the overlap a streamed chunk shares with its neighbours).
pub fn scan_window(
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    text: &[u8],
    window: std::ops::Range<usize>,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
) -> Vec<Finding> {
    let mut all = Lister::new(None);
    scan_window_listed(
        pipe, path, source, text, window, scratch, candidates, &mut all,
    )
}

/// As [`scan_window`], listing the findings through `lister` (`listing`) as they are
/// built, [`BATCH`] at a time, so that a buffer with many findings never holds them all in full.
#[allow(clippy::too_many_arguments)]
pub fn scan_window_listed(
    pipe: &Pipeline,
    path: &str,
    source: &Source,
    text: &[u8],
    window: std::ops::Range<usize>,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
    lister: &mut Lister,
) -> Vec<Finding> {
    candidates.clear();
    pipe.scanner.scan(path, text, scratch, candidates);
    let decoded = if pipe.decode {
        scan_layers(pipe, path, text, &window, candidates, scratch)
    } else {
        Vec::new()
    };
    retain_window(candidates, &window);
    if candidates.is_empty() && decoded.is_empty() {
        return Vec::new();
    }
    let mut judged = Vec::with_capacity(candidates.len());
    let mut dropped = Vec::new();
    // Parsed only when the buffer is a whole file: a streamed chunk may start inside a string,
    // and a history blob is reduced to its new lines (`source::history::lines`).
    let whole = window == (0..text.len()) && !matches!(source, Source::Commit { .. });
    let syntax = crate::syntax::Context::new(path, whole);
    for c in candidates.drain(..) {
        let verdict = match c.rejected {
            Some(why) => Verdict::Drop(why),
            None => filter::judge(&pipe.rules()[c.rule], path, text, &c, &pipe.allow, &syntax),
        };
        let j = Judged {
            candidate: c,
            verdict,
        };
        match j.verdict {
            Verdict::Drop(_) if pipe.scanner.explain => dropped.push(j),
            Verdict::Drop(_) => {}
            _ => judged.push(j),
        }
    }
    let mut findings = Vec::new();
    for batch in batches(text, judged, decoded, dropped) {
        let mut found = finding::build_all(
            &pipe.scanner.pack,
            path,
            source,
            text,
            window.clone(),
            batch.judged,
            batch.decoded,
            batch.dropped,
        );
        lister.take(path, &mut found);
        findings.append(&mut found);
    }
    findings
}

/// Keeps the candidates whose secret starts in `window`, and those of the context around it whose
/// secret overlaps one of them: they decide which of two overlapping secrets is reported, as in a
/// scan of the whole file (`finding::build_all` reports only the window's).
fn retain_window(candidates: &mut Vec<Candidate>, window: &std::ops::Range<usize>) {
    // A secret before the window overlaps one inside when the first inside one starts before it
    // ends; a secret after the window, when the furthest inside one ends past its start.
    let (first, furthest) = candidates
        .iter()
        .filter(|c| window.contains(&c.secret.start))
        .fold((usize::MAX, 0), |(first, furthest), c| {
            (first.min(c.secret.start), furthest.max(c.secret.end))
        });
    candidates.retain(|c| {
        let s = &c.secret;
        window.contains(&s.start)
            || (s.start < window.start && first < s.end)
            || (s.start >= window.end && furthest > s.start)
    });
}

/// Most candidates turned into findings at a time.
const BATCH: usize = 4096;

/// One batch of a buffer's candidates, turned into findings together.
#[derive(Default)]
struct Batch {
    judged: Vec<Judged>,
    decoded: Vec<DecodedJudged>,
    dropped: Vec<Judged>,
}

impl Batch {
    fn len(&self) -> usize {
        self.judged.len() + self.decoded.len() + self.dropped.len()
    }
}

/// Splits the judged, decoded and dropped candidates of `text` into batches of about [`BATCH`],
/// in order, cut only where the next secret starts on a line after every secret before it ends:
/// each batch holds every secret of its lines, so its clusters, masks and snippets are those of
/// the whole buffer.
fn batches(
    text: &[u8],
    judged: Vec<Judged>,
    decoded: Vec<DecodedJudged>,
    dropped: Vec<Judged>,
) -> Vec<Batch> {
    let all = Batch {
        judged,
        decoded,
        dropped,
    };
    if all.len() <= BATCH {
        return vec![all];
    }
    enum Item {
        Judged(Judged),
        Decoded(DecodedJudged),
        Dropped(Judged),
    }
    let mut items: Vec<(std::ops::Range<usize>, Item)> = Vec::with_capacity(all.len());
    items.extend(
        all.judged
            .into_iter()
            .map(|j| (j.candidate.secret.clone(), Item::Judged(j))),
    );
    items.extend(
        all.decoded
            .into_iter()
            .map(|d| (d.orig.clone(), Item::Decoded(d))),
    );
    items.extend(
        all.dropped
            .into_iter()
            .map(|j| (j.candidate.secret.clone(), Item::Dropped(j))),
    );
    items.sort_by_key(|(range, _)| range.start);
    let mut out = Vec::new();
    let mut batch = Batch::default();
    // Where the secrets of the batch so far end, at the furthest.
    let mut reach = 0;
    for (range, item) in items {
        if batch.len() >= BATCH
            && reach <= range.start
            && memchr::memchr(b'\n', &text[reach..range.start]).is_some()
        {
            out.push(std::mem::take(&mut batch));
        }
        reach = reach.max(range.end);
        match item {
            Item::Judged(j) => batch.judged.push(j),
            Item::Decoded(d) => batch.decoded.push(d),
            Item::Dropped(j) => batch.dropped.push(j),
        }
    }
    out.push(batch);
    out
}

/// Secrets under an encoding: each decoding layer of `text` is scanned and judged like the text
/// itself; a secret whose encoded range overlaps a plain candidate was already judged there
/// (one its validators rejected does not count: it exists only with `explain`).
pub(crate) fn scan_layers(
    pipe: &Pipeline,
    path: &str,
    text: &[u8],
    window: &std::ops::Range<usize>,
    plain: &[Candidate],
    scratch: &mut Scratch,
) -> Vec<DecodedJudged> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    decode::visit_layers(text, |layer| {
        found.clear();
        pipe.scanner.scan(path, &layer.text, scratch, &mut found);
        for c in found.drain(..) {
            if c.rejected.is_some() || layer.at_cut(c.matched.clone()) {
                continue;
            }
            let orig = layer.original(c.secret.clone());
            let overlaps = |r: &std::ops::Range<usize>| r.start < orig.end && orig.start < r.end;
            if !window.contains(&orig.start)
                // A match its validators rejected is listed only when explaining: it must not
                // hide a layer's secret that a plain scan reports.
                || plain
                    .iter()
                    .any(|p| p.rejected.is_none() && overlaps(&p.secret))
                || out.iter().any(|d: &DecodedJudged| {
                    overlaps(&d.orig) && d.secret == layer.text[c.secret.clone()]
                })
            {
                continue;
            }
            let rule = &pipe.rules()[c.rule];
            let verdict = filter::judge(
                rule,
                path,
                &layer.text,
                &c,
                &pipe.allow,
                &crate::syntax::Context::off(),
            );
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
    });
    out
}

#[cfg(test)]
mod tests {
    use super::{Bounded, read_whole};
    use std::io::Read;

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
            assert!(read_whole(&mut file, len, 1 << 20, &mut buf).unwrap());
            assert_eq!(buf, text, "stated size {len}");
        }
        std::fs::write(&path, b"").unwrap();
        let mut file = std::fs::File::open(&path).unwrap();
        assert!(read_whole(&mut file, 0, 1 << 20, &mut buf).unwrap());
        assert!(buf.is_empty());
    }

    #[test]
    fn a_file_that_grew_past_the_cap_is_not_read_whole() {
        let text = b"0123456789abcdef".repeat(1000);
        let mut buf = Vec::new();
        // Stated empty at open, 16,000 bytes when read: the cap stops the read one byte past it.
        let mut input = &text[..];
        assert!(!read_whole(&mut input, 0, 100, &mut buf).unwrap());
        assert_eq!(buf, &text[..101]);
        assert_eq!(input.len(), text.len() - 101, "the rest is left to read");
        let mut input = &text[..];
        assert!(read_whole(&mut input, 0, text.len() as u64, &mut buf).unwrap());
        assert_eq!(buf, text);
    }

    #[test]
    fn bounded_reads_stop_at_the_budget_and_say_whether_more_came() {
        let text = b"0123456789".repeat(100);
        for (max, over) in [
            (Some(999), true),
            (Some(1000), false),
            (Some(0), true),
            (None, false),
        ] {
            let mut r = Bounded::new(&text[..], max);
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            assert_eq!(
                got.len(),
                max.map_or(1000, |m| m.min(1000)) as usize,
                "{max:?}"
            );
            assert_eq!(r.over, over, "{max:?}");
        }
        let mut r = Bounded::new(&b""[..], Some(0));
        r.read_to_end(&mut Vec::new()).unwrap();
        assert!(!r.over);
    }
}
