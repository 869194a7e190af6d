//! The git history source (`leakgate scan --git`): every blob that any selected commit introduced,
//! each unique blob (by object id) scanned once, each finding attributed to the oldest commit that
//! introduced it (commit id, author date, path at that commit).
//!
//! Plumbing only, no per-commit patch parsing: one `git log --raw --no-renames -z` lists, oldest
//! first, the blobs each commit added or changed (merges against their first parent, so every
//! blob of every reachable tree is listed at least once); one long-lived `git cat-file --batch`
//! process streams the contents of the unique blobs, fed by a writer thread; the blobs are
//! scanned in parallel on the current rayon pool as they arrive. Scope, exclude and rule `paths`
//! globs apply to the blob's path. Binary blobs are skipped as in the tree scan.
//!
//! A secret that stays in a file across later edits is one finding, at the commit that introduced
//! it: a new version of a file is scanned only where its lines differ from the previous version's
//! (`lines`, with context), and findings are deduplicated by fingerprint (rule, path, secret),
//! keeping the oldest commit.
//!
//! This module lists the history and reads its blobs ([`Listed`], [`BlobReader`]); the engine
//! scans them (`engine::history`), as it scans files.

pub mod lines;

use crate::config::Scope;
use crate::finding::Source;
use crate::text;
use globset::{GlobSet, GlobSetBuilder};
use lines::{LineMap, LineMemory, Reduced};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

/// Which history to scan.
pub struct HistoryPlan {
    /// The repository (any directory inside its work tree).
    pub repo: PathBuf,
    /// A revision range (`A..B`, `A...B`); `None` scans every commit reachable from any ref.
    pub range: Option<String>,
    /// Scopes to restrict blob paths to, when `restrict`.
    pub scopes: Vec<Scope>,
    pub restrict: bool,
    /// Globs (relative to the repository root) never scanned.
    pub exclude: Vec<String>,
}

/// History counts for the report's `stats.git`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct GitStats {
    /// The range scanned (`all refs` when none was given).
    pub range: String,
    pub commits: u64,
    /// Blob introductions listed by the commits (one per changed path per commit).
    pub blob_references: u64,
    /// Unique blobs read (by object id), after scope and exclude filters.
    pub unique_blobs: u64,
    /// Unique blobs scanned (not binary, within budget).
    pub blobs_scanned: u64,
    /// Bytes the detectors ran on: new blobs whole, new versions of a file only where their
    /// lines changed (with context).
    pub bytes_new: u64,
}

/// Why the history could not be listed or read (not a repository, unknown revision, git
/// missing): a usage error, not a gate failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HistoryError(pub String);

/// A commit of the listing, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    pub date: String,
}

/// One blob a commit introduced at a path. A listing holds one per unique blob of the history
/// (tens of thousands in a long one), so it is kept small: the id as bytes, the path shared by
/// every version of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub oid: Oid,
    pub path: Arc<str>,
    /// Index into [`Listing::commits`].
    pub commit: u32,
    /// The blob this one replaced at the path (its first parent's version), when regular.
    previous: Option<Oid>,
}

/// A git object id as bytes: 20 (SHA-1) or 32 (SHA-256). Shown as git shows it, in hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Oid {
    bytes: [u8; 32],
    len: u8,
}

impl Oid {
    /// Parses a full hex object id; `None` for anything else.
    pub fn parse(hex: &str) -> Option<Oid> {
        let hex = hex.as_bytes();
        if !hex.len().is_multiple_of(2) || hex.len() / 2 > 32 || hex.is_empty() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16);
            bytes[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
        }
        Some(Oid {
            bytes,
            len: (hex.len() / 2) as u8,
        })
    }

    /// The id of these 20 (SHA-1) or 32 (SHA-256) bytes; `None` for any other length.
    pub fn from_bytes(digest: &[u8]) -> Option<Oid> {
        if !matches!(digest.len(), 20 | 32) {
            return None;
        }
        let mut bytes = [0u8; 32];
        bytes[..digest.len()].copy_from_slice(digest);
        Some(Oid {
            bytes,
            len: digest.len() as u8,
        })
    }

    /// How many bytes the id has: 20 (SHA-1) or 32 (SHA-256).
    pub fn byte_len(&self) -> usize {
        usize::from(self.len)
    }

    /// The all-zero id git prints for "no object" (the source of an addition).
    pub fn is_null(&self) -> bool {
        self.bytes.iter().all(|&b| b == 0)
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.bytes[..self.len as usize] {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The commits and unique blobs of a listing.
#[derive(Debug, Default)]
pub struct Listing {
    pub commits: Vec<Commit>,
    pub blobs: Vec<BlobRef>,
    references: u64,
}

/// A listed history: what the engine reads and scans.
pub struct Listed {
    pub listing: Listing,
    /// The counts known before reading (`blobs_scanned` and `bytes_new` are the engine's).
    pub stats: GitStats,
}

/// Lists the history `plan` selects: its commits, oldest first, and the unique blobs they
/// introduced under the plan's scopes and excludes.
pub fn list_plan(plan: &HistoryPlan) -> Result<Listed, HistoryError> {
    let filter = PathFilter::new(plan)?;
    let listing = list(&plan.repo, plan.range.as_deref(), &filter)?;
    let stats = GitStats {
        range: plan.range.clone().unwrap_or_else(|| "all refs".into()),
        commits: listing.commits.len() as u64,
        blob_references: listing.references,
        unique_blobs: listing.blobs.len() as u64,
        blobs_scanned: 0,
        bytes_new: 0,
    };
    Ok(Listed { listing, stats })
}

/// Scope and exclude globs over blob paths.
struct PathFilter {
    scope: Option<GlobSet>,
    exclude: GlobSet,
}

impl PathFilter {
    fn new(plan: &HistoryPlan) -> Result<PathFilter, HistoryError> {
        let build = |globs: &mut dyn Iterator<Item = &String>| {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                let glob =
                    crate::glob::build(g).map_err(|e| HistoryError(format!("glob {g}: {e}")))?;
                b.add(glob);
                if let Some(dir) = g.strip_suffix("/**") {
                    b.add(crate::glob::build(dir).map_err(|e| HistoryError(e.to_string()))?);
                }
            }
            b.build().map_err(|e| HistoryError(e.to_string()))
        };
        let scope = if plan.restrict {
            Some(build(&mut plan.scopes.iter().flat_map(|s| &s.globs))?)
        } else {
            None
        };
        Ok(PathFilter {
            scope,
            exclude: build(&mut plan.exclude.iter())?,
        })
    }

    fn accepts(&self, path: &str) -> bool {
        if self.scope.as_ref().is_some_and(|s| !s.is_match(path)) {
            return false;
        }
        // An excluded directory excludes everything under it.
        let mut prefix = path;
        loop {
            if self.exclude.is_match(prefix) {
                return false;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return true,
            }
        }
    }
}

/// The `git cat-file` delta base cache for history reads (see `read_and_scan`).
const DELTA_BASE_CACHE: &str = "core.deltaBaseCacheLimit=512m";

fn git(repo: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(repo);
    c
}

/// Runs `git log --raw` over the range and keeps, oldest first, the first introduction of every
/// blob whose path the filter accepts.
fn list(repo: &Path, range: Option<&str>, filter: &PathFilter) -> Result<Listing, HistoryError> {
    let mut cmd = git(repo);
    cmd.args([
        "log",
        "--raw",
        "--no-renames",
        "-z",
        "--no-abbrev",
        "--reverse",
        "--topo-order",
        "--diff-merges=first-parent",
        "--format=%x01%H %aI",
    ]);
    match range {
        Some(r) => cmd.arg(r),
        None => cmd.arg("--all"),
    };
    cmd.arg("--");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HistoryError(format!("cannot run git: {e}")))?;
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let listing = parse_log(BufReader::with_capacity(256 << 10, stdout), filter);
    let status = child
        .wait()
        .map_err(|e| HistoryError(format!("git log: {e}")))?;
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        return Err(HistoryError(format!(
            "git log {} failed: {}",
            range.unwrap_or("--all"),
            err.trim()
        )));
    }
    listing.map_err(|e| HistoryError(format!("cannot read git log: {e}")))
}

/// Parses `git log --raw -z --format=%x01%H %aI` output: a commit header token, then for each
/// changed path a `:srcmode dstmode srcoid dstoid status` token followed by a path token.
fn parse_log(mut r: impl BufRead, filter: &PathFilter) -> std::io::Result<Listing> {
    let mut listing = Listing::default();
    let mut seen: HashSet<Oid> = HashSet::new();
    let mut interned: HashSet<Arc<str>> = HashSet::new();
    let mut token = Vec::new();
    let mut path = Vec::new();
    while next_token(&mut r, &mut token)? {
        let t = token.strip_prefix(b"\n").unwrap_or(&token);
        if let Some(header) = t.strip_prefix(b"\x01") {
            let header = String::from_utf8_lossy(header);
            let header = header.trim();
            let (id, date) = header.split_once(' ').unwrap_or((header, ""));
            listing.commits.push(Commit {
                id: id.to_string(),
                date: date.to_string(),
            });
        } else if let Some(raw) = t.strip_prefix(b":") {
            // srcmode dstmode srcoid dstoid status, then the path token.
            let raw = String::from_utf8_lossy(raw).into_owned();
            if !next_token(&mut r, &mut path)? {
                break;
            }
            listing.references += 1;
            let f: Vec<&str> = raw.split(' ').collect();
            let (Some(mode), Some(oid), Some(status)) = (f.get(1), f.get(3), f.get(4)) else {
                continue;
            };
            // Regular files only (not gitlinks or symlinks), not deletions.
            if !mode.starts_with("100") || status.starts_with('D') {
                continue;
            }
            let Some(oid) = Oid::parse(oid) else {
                continue;
            };
            let p = String::from_utf8_lossy(&path);
            if filter.accepts(&p) && seen.insert(oid) {
                let previous =
                    Oid::parse(f[2]).filter(|src| f[0].starts_with("100") && !src.is_null());
                let path = match interned.get(&*p) {
                    Some(shared) => Arc::clone(shared),
                    None => {
                        let shared: Arc<str> = Arc::from(&*p);
                        interned.insert(Arc::clone(&shared));
                        shared
                    }
                };
                listing.blobs.push(BlobRef {
                    oid,
                    path,
                    commit: listing.commits.len().saturating_sub(1) as u32,
                    previous,
                });
            }
        }
    }
    listing.blobs.shrink_to_fit();
    Ok(listing)
}

/// Reads the next NUL-terminated token into `buf` (without the NUL); false at the end.
fn next_token(r: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.clear();
    if r.read_until(0, buf)? == 0 {
        return Ok(false);
    }
    if buf.last() == Some(&0) {
        buf.pop();
    }
    Ok(true)
}

/// A blob read from `git cat-file --batch`, ready to scan.
pub struct Blob<'l> {
    pub at: &'l BlobRef,
    pub commit: &'l Commit,
    /// The provenance its findings carry.
    pub source: Source,
    /// What was read, or why it could not be (a missing object, over the size budget).
    pub content: Result<Content, String>,
}

pub enum Content {
    Binary,
    /// `scan`: the bytes to scan (the text as `text::content` reads it, or only its new lines,
    /// mapped back by `map`); `len`: the blob's size.
    Text {
        scan: Vec<u8>,
        map: Option<LineMap>,
        len: u64,
    },
}

/// Prepares a blob in commit order: its text (`text::content`), reduced to its new lines.
fn prepare(bytes: Vec<u8>, path: &str, memory: &mut LineMemory) -> Content {
    let len = bytes.len() as u64;
    let mut decoded = Vec::new();
    let wide = match text::content(&bytes, &mut decoded) {
        None => return Content::Binary,
        Some(text) => !std::ptr::eq(text, bytes.as_slice()),
    };
    let text = if wide { decoded } else { bytes };
    let (scan, map) = match memory.reduce(path, &text) {
        Reduced::Whole => (text, None),
        Reduced::Nothing => (Vec::new(), None),
        Reduced::Part(buf, map) => (buf, Some(map)),
    };
    Content::Text { scan, map, len }
}

/// Records a blob's lines as the previous version of `path` (text blobs only).
fn seed(bytes: Vec<u8>, path: &str, memory: &mut LineMemory) {
    let mut decoded = Vec::new();
    if let Some(text) = text::content(&bytes, &mut decoded) {
        memory.reduce(path, text);
    }
}

/// One record asked of `git cat-file`: a listed blob (by index), or the version a listed blob
/// replaced, read only to seed the line memory for it.
#[derive(Clone, Copy)]
enum Request {
    Blob(usize),
    Seed(usize),
}

/// The blobs of a listing, oldest first, streamed from one `git cat-file --batch` process fed by
/// a writer thread. Each path's versions arrive in commit order, so the line memory reduces each
/// version to the lines it changed. Dropping the reader stops the process.
pub struct BlobReader<'l> {
    listing: &'l Listing,
    child: Child,
    writer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    reader: BufReader<std::process::ChildStdout>,
    /// What each record git sends back is for, in order.
    requests: Vec<Request>,
    next: usize,
    max: Option<u64>,
    memory: LineMemory,
}

impl<'l> BlobReader<'l> {
    /// Starts reading the listing's blobs; `max` is the `max_file_size` budget.
    pub fn open(repo: &Path, listing: &'l Listing, max: Option<u64>) -> Result<Self, HistoryError> {
        // Blobs are read oldest first, but a pack stores old versions as deltas against newer
        // ones, so each read rebuilds a delta chain; git's delta base cache (96 MiB by default)
        // decides how much of that work is reused. A larger cache spends the git child's memory
        // (bounded by the limit) to rebuild shared bases once instead of once per version; the
        // effect on a long history is measured in docs/benchmarks.md ("Git history").
        let mut child = git(repo)
            .args(["-c", DELTA_BASE_CACHE, "cat-file", "--batch", "--buffer"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| HistoryError(format!("cannot run git cat-file: {e}")))?;
        let mut stdin = child.stdin.take().expect("piped");
        // Before the first blob of a path that replaced an earlier version (the first commit of
        // a range, or a version whose predecessor was read under another path), that earlier
        // version is read too, only to seed the line memory: a range is then scanned where it
        // changed lines, as a pull request's diff.
        let mut seen_paths: HashSet<&str> = HashSet::new();
        let mut requests: Vec<Request> = Vec::new();
        for (i, b) in listing.blobs.iter().enumerate() {
            if seen_paths.insert(&b.path) && b.previous.is_some() {
                requests.push(Request::Seed(i));
            }
            requests.push(Request::Blob(i));
        }
        drop(seen_paths);
        requests.shrink_to_fit();
        // git's input, one hex id a line, written in one go by the writer thread.
        let width = listing
            .blobs
            .first()
            .map_or(0, |b| b.oid.to_string().len() + 1);
        let mut input: Vec<u8> = Vec::with_capacity(requests.len() * width);
        for r in &requests {
            let oid = match *r {
                Request::Blob(i) => listing.blobs[i].oid,
                Request::Seed(i) => listing.blobs[i].previous.expect("a seed has a previous"),
            };
            writeln!(input, "{oid}").expect("writing to a Vec");
        }
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            stdin.write_all(&input)?;
            stdin.flush()
        });
        let stdout = child.stdout.take().expect("piped");
        Ok(BlobReader {
            listing,
            child,
            writer: Some(writer),
            reader: BufReader::with_capacity(1 << 20, stdout),
            requests,
            next: 0,
            max,
            memory: LineMemory::default(),
        })
    }
}

impl<'l> Iterator for BlobReader<'l> {
    type Item = Blob<'l>;

    fn next(&mut self) -> Option<Blob<'l>> {
        loop {
            let request = *self.requests.get(self.next)?;
            let bytes = read_blob(&mut self.reader, self.max);
            let failed = bytes.as_ref().is_err_and(|e| e.starts_with("git:"));
            self.next = if failed {
                self.requests.len()
            } else {
                self.next + 1
            };
            let index = match request {
                Request::Blob(i) => i,
                Request::Seed(i) => {
                    // Remembered, not scanned (its findings belong to earlier commits).
                    if let (Ok(b), false) = (bytes, failed) {
                        seed(b, &self.listing.blobs[i].path, &mut self.memory);
                    }
                    continue;
                }
            };
            let at = &self.listing.blobs[index];
            let commit = &self.listing.commits[at.commit as usize];
            let content = bytes.map(|b| prepare(b, &at.path, &mut self.memory));
            let source = Source::Commit {
                id: commit.id.clone(),
                date: (!commit.date.is_empty()).then(|| commit.date.clone()),
            };
            return Some(Blob {
                at,
                commit,
                source,
                content,
            });
        }
    }
}

impl Drop for BlobReader<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.writer.take() {
            // The process is killed first: a writer blocked on a full pipe then fails and ends.
            let _ = self.child.kill();
            let _ = w.join();
        }
        let _ = self.child.wait();
    }
}

impl Listing {
    /// Each commit id's position, oldest first.
    pub fn commit_order(&self) -> HashMap<&str, usize> {
        self.commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect()
    }
}

/// The most a blob's stated size reserves before its bytes arrive (larger blobs grow from there).
const RESERVE_LIMIT: u64 = 64 << 20;

/// Reads one `<oid> <type> <size>\n<content>\n` record. Over the budget, the content is skipped
/// and the error says so; a broken stream is an error starting with `git:`. Public for the fuzz
/// targets (fuzz/), which feed it arbitrary streams.
pub fn read_blob(r: &mut impl BufRead, max: Option<u64>) -> Result<Vec<u8>, String> {
    let mut header = String::new();
    match r.read_line(&mut header) {
        Ok(0) => return Err("git: cat-file ended early".into()),
        Ok(_) => {}
        Err(e) => return Err(format!("git: {e}")),
    }
    let fields: Vec<&str> = header.trim_end().split(' ').collect();
    let size: u64 = match fields.as_slice() {
        [_, "blob", size] => size
            .parse()
            .map_err(|_| format!("git: bad cat-file header {header:?}"))?,
        [_, "missing"] => return Err("not readable: the object is missing".into()),
        _ => return Err(format!("git: unexpected cat-file header {header:?}")),
    };
    let over = max.is_some_and(|m| size > m);
    let mut bytes = Vec::new();
    let got = if over {
        std::io::copy(&mut r.by_ref().take(size), &mut std::io::sink())
    } else {
        // What the header claims is reserved only up to a bound: a broken stream can claim any
        // size (up to u64::MAX), and the content grows the buffer as it arrives.
        bytes.reserve_exact(size.min(RESERVE_LIMIT) as usize);
        r.by_ref()
            .take(size)
            .read_to_end(&mut bytes)
            .map(|n| n as u64)
    };
    match got {
        Ok(n) if n == size => {}
        Ok(_) => return Err("git: cat-file ended inside a blob".into()),
        Err(e) => return Err(format!("git: {e}")),
    }
    let mut nl = [0u8; 1];
    r.read_exact(&mut nl).map_err(|e| format!("git: {e}"))?;
    if over {
        return Err(format!(
            "not scanned: {size} bytes is over the max_file_size budget of {} bytes",
            max.unwrap_or(0)
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(exclude: &[&str]) -> PathFilter {
        PathFilter::new(&HistoryPlan {
            repo: PathBuf::from("."),
            range: None,
            scopes: Vec::new(),
            restrict: false,
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    #[test]
    fn parses_raw_log_and_keeps_first_introductions() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let z = "0".repeat(40);
        let log = format!(
            "\x01c1 2024-01-01T00:00:00Z\0\n:000000 100644 {z} {a} A\0docs/x.md\0:000000 160000 {z} {b} A\0sub\0\
             \x01c2 2024-01-02T00:00:00Z\0\n:100644 100644 {a} {b} M\0docs/x.md\0:000000 100644 {z} {a} A\0copy.md\0\
             :100644 000000 {b} {z} D\0gone.md\0\x01c3 2024-01-03T00:00:00Z\0"
        );
        let l = parse_log(log.as_bytes(), &filter(&[])).unwrap();
        assert_eq!(l.commits.len(), 3);
        assert_eq!(l.commits[1].date, "2024-01-02T00:00:00Z");
        let got: Vec<(String, &str, u32)> = l
            .blobs
            .iter()
            .map(|b| (b.oid.to_string(), &*b.path, b.commit))
            .collect();
        let got: Vec<(&str, &str, u32)> = got.iter().map(|(o, p, c)| (&o[..1], *p, *c)).collect();
        // `a` once (the copy is the same blob), `b` from c2; the gitlink and the deletion are not
        // blobs to read.
        assert_eq!(got, [("a", "docs/x.md", 0), ("b", "docs/x.md", 1)]);
        assert_eq!(l.references, 5);
    }

    #[test]
    fn object_ids_are_kept_as_bytes_and_shown_as_git_shows_them() {
        for hex in ["0123456789abcdef0123456789abcdef01234567", &"f".repeat(64)] {
            let oid = Oid::parse(hex).unwrap();
            assert_eq!(oid.to_string(), hex);
            assert!(!oid.is_null());
        }
        assert!(Oid::parse(&"0".repeat(40)).unwrap().is_null());
        for bad in ["", "abc", "xyz0", &"a".repeat(66)] {
            assert_eq!(Oid::parse(bad), None, "{bad}");
        }
        // Uppercase hex is read, shown as git shows it.
        assert_eq!(Oid::parse("ABCD").unwrap().to_string(), "abcd");
    }

    #[test]
    fn excluded_directories_exclude_their_blobs() {
        let f = filter(&["tests/fixtures/**", "*.lock"]);
        assert!(!f.accepts("tests/fixtures/a/b.txt"));
        assert!(!f.accepts("Cargo.lock"));
        assert!(f.accepts("tests/it/scan.rs"));
    }

    #[test]
    fn blob_records_are_read_and_budgets_skip_content() {
        let stream = b"abc blob 5\nhello\nabd blob 3\nxyz\nabe missing\n";
        let mut r = BufReader::new(&stream[..]);
        assert_eq!(read_blob(&mut r, None).unwrap(), b"hello");
        let e = read_blob(&mut r, Some(2)).unwrap_err();
        assert!(e.contains("over the max_file_size"), "{e}");
        assert!(read_blob(&mut r, None).unwrap_err().contains("missing"));
        assert!(read_blob(&mut r, None).unwrap_err().starts_with("git:"));
    }
}
