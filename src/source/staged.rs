//! The staged source: the content `git commit` would record, read from the git index, never from
//! the working tree (a partially staged file is judged by its staged part).
//!
//! Which entries: by default the added, copied, modified and renamed paths of
//! `git diff --cached --raw -z --diff-filter=ACMR` (deleted paths have nothing to scan). With
//! explicit paths (what pre-commit passes), a path naming an index entry selects that entry's
//! staged content whatever the scopes say, and a directory selects the staged changes under it.
//! Scope restriction, `exclude` globs and the report's output directory apply as in the tree walk.
//!
//! How: a fixed number of git processes whatever the size of the change (`rev-parse`, one
//! listing, and at most one `git cat-file --batch --buffer` that streams the blobs), no walk of
//! the tree. A file the work tree holds unchanged since `git add` (its bytes hash to the index
//! entry's object id) is read from there instead: a read and a hash cost less than git's opening
//! and inflating the object, which was most of a hook's time. Blobs reach the scan engine in
//! batches through a channel of one: the engine scans a batch in parallel while the next one is
//! read, so reading and scanning overlap and memory stays bounded. This module reads bytes only;
//! it never formats them.

use super::history::Oid;
use super::walk::WalkError;
use crate::config::Scope;
use globset::{GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, sync_channel};

/// One index entry to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// The blob's object id in the index.
    pub oid: String,
}

/// A staged file's bytes, ready to scan.
#[derive(Debug)]
pub struct Blob {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The repository a staged scan runs in.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top-level directory of the work tree.
    pub top: PathBuf,
    /// The current directory relative to `top` (`""` at the top, else ending in `/`).
    pub prefix: String,
}

/// What a staged scan selects.
pub struct StagedPlan {
    /// Paths as given on the command line (relative to the current directory); `.` is all.
    pub paths: Vec<PathBuf>,
    pub scopes: Vec<Scope>,
    /// Only entries in `scopes` are scanned (explicitly named files always are).
    pub restrict: bool,
    /// Globs relative to the repository top that are never scanned.
    pub exclude: Vec<String>,
    /// Repository-relative paths (files or directories) never scanned: report outputs.
    pub skip: Vec<String>,
}

/// The entries a plan selected, plus the count left out by `exclude`.
#[derive(Debug, Default)]
pub struct Selected {
    pub entries: Vec<Entry>,
    pub excluded: u64,
    /// The entries past `skip` and `exclude`, before the scope restriction: what the hygiene
    /// checks look at (they ignore scopes, as in a working-tree scan).
    pub considered: Vec<Entry>,
}

/// Finds the repository around `cwd` with one `git rev-parse`.
pub fn repo(cwd: &Path) -> Result<Repo, String> {
    let out = git(cwd, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
    let text = String::from_utf8_lossy(&out);
    let mut lines = text.lines();
    let top = lines.next().filter(|l| !l.is_empty()).ok_or_else(|| {
        "--staged needs a git work tree (git rev-parse found no top level)".to_string()
    })?;
    Ok(Repo {
        top: PathBuf::from(top),
        prefix: lines.next().unwrap_or("").to_string(),
    })
}

/// Lists the index entries the plan selects.
pub fn select(repo: &Repo, plan: &StagedPlan) -> Result<Selected, String> {
    let exclude = globs(&plan.exclude).map_err(|e| format!("exclude: {e}"))?;
    let scope = globs(plan.scopes.iter().flat_map(|s| &s.globs)).map_err(|e| format!("{e}"))?;
    let names: Vec<String> = plan
        .paths
        .iter()
        .map(|p| repo_relative(repo, p))
        .collect::<Result<_, _>>()?;
    let everything = names.iter().any(String::is_empty);

    // Files named explicitly are looked up in the whole index; directories and `.` select staged
    // changes. Without names other than `.`, only the staged changes are listed.
    let mut chosen: BTreeMap<String, (Entry, bool)> = BTreeMap::new(); // path -> (entry, explicit)
    let mut dirs: Vec<&str> = Vec::new();
    if names.iter().any(|n| !n.is_empty()) {
        let index = index_entries(&repo.top)?;
        for n in names.iter().filter(|n| !n.is_empty()) {
            match index.get(n.as_str()) {
                Some(oid) => {
                    let entry = Entry {
                        path: n.clone(),
                        oid: oid.clone(),
                    };
                    chosen.insert(n.clone(), (entry, true));
                }
                None => dirs.push(n),
            }
        }
    }
    if everything || !dirs.is_empty() {
        for e in staged_entries(&repo.top)? {
            let under = everything || dirs.iter().any(|d| is_under(&e.path, d));
            if under && !chosen.contains_key(&e.path) {
                chosen.insert(e.path.clone(), (e, false));
            }
        }
    }

    let mut out = Selected::default();
    for (path, (entry, explicit)) in chosen {
        if plan.skip.iter().any(|s| is_under(&path, s) || path == *s) {
            continue;
        }
        if ancestors(&path).any(|p| exclude.is_match(p)) {
            out.excluded += 1;
            continue;
        }
        out.considered.push(entry.clone());
        if plan.restrict && !explicit && !scope.is_match(&path) {
            continue;
        }
        out.entries.push(entry);
    }
    Ok(out)
}

/// A staged file's bytes, or why they could not be read.
pub type BlobResult = Result<Blob, WalkError>;

/// Most bytes in one batch of blobs: the reader fills the next batch while the engine scans
/// this one, so memory stays within about three batches whatever the size of the change.
const BATCH_BYTES: usize = 16 << 20;
/// Most blobs in one batch.
const BATCH_LEN: usize = 32;

/// Streams the blobs of `entries`, in batches. A staged file that is unchanged in the work tree
/// is read from there: its bytes are the blob when their git object id is the index entry's
/// (`work_tree_blob`), which costs a file read and a hash, where `git cat-file` opens and
/// inflates the object (most of a pre-commit hook's time). The others come from one
/// `git cat-file --batch` process. A blob over `max_size` is drained and becomes an error entry
/// (the gate cannot vouch for it); so does a blob git cannot produce.
pub fn read_blobs(
    repo: &Repo,
    entries: Vec<Entry>,
    max_size: Option<u64>,
) -> Result<Receiver<Vec<BlobResult>>, String> {
    let (tx, rx) = sync_channel::<Vec<BlobResult>>(1);
    if entries.is_empty() {
        return Ok(rx);
    }
    let top = repo.top.clone();
    std::thread::spawn(move || {
        let mut out = Batches::new(tx);
        let mut rest = Vec::new();
        for entry in entries {
            match work_tree_blob(&top, &entry, max_size) {
                Some(bytes) => {
                    if !out.push(Ok(Blob {
                        path: entry.path,
                        bytes,
                    })) {
                        return; // the scan stopped listening
                    }
                }
                None => rest.push(entry),
            }
        }
        if !rest.is_empty() {
            cat_file(&top, rest, max_size, &mut out);
        }
        out.finish();
    });
    Ok(rx)
}

/// Blobs gathered into batches and sent as each fills.
struct Batches {
    tx: std::sync::mpsc::SyncSender<Vec<BlobResult>>,
    batch: Vec<BlobResult>,
    bytes: usize,
}

impl Batches {
    fn new(tx: std::sync::mpsc::SyncSender<Vec<BlobResult>>) -> Batches {
        Batches {
            tx,
            batch: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds one; `false` once the receiving scan has stopped.
    fn push(&mut self, item: BlobResult) -> bool {
        self.bytes += item.as_ref().map_or(0, |b| b.bytes.len());
        self.batch.push(item);
        if self.bytes >= BATCH_BYTES || self.batch.len() >= BATCH_LEN {
            self.bytes = 0;
            return self.tx.send(std::mem::take(&mut self.batch)).is_ok();
        }
        true
    }

    fn finish(self) {
        if !self.batch.is_empty() {
            let _ = self.tx.send(self.batch);
        }
    }
}

/// The staged bytes of `entry` read from the work tree, when the file there is a regular file
/// (within `max_size`) whose git object id is the index entry's: then they are byte for byte
/// the staged blob. `None` otherwise (changed since `git add`, a clean/smudge filter or line
/// ending conversion between the two, a symlink, unreadable): git is asked.
fn work_tree_blob(top: &Path, entry: &Entry, max_size: Option<u64>) -> Option<Vec<u8>> {
    let staged = Oid::parse(&entry.oid)?;
    let path = top.join(&entry.path);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || max_size.is_some_and(|max| meta.len() > max) {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    (blob_id(&bytes, staged.byte_len()) == Some(staged)).then_some(bytes)
}

/// Git's object id of a blob holding `bytes`: SHA-1 of `blob <len>\0` and the bytes (an id of
/// 20 bytes), or SHA-256 of the same (32 bytes, a SHA-256 repository).
fn blob_id(bytes: &[u8], id_len: usize) -> Option<Oid> {
    use sha2::Digest;
    fn id<D: Digest>(bytes: &[u8]) -> Option<Oid> {
        let mut d = D::new();
        d.update(format!("blob {}\0", bytes.len()).as_bytes());
        d.update(bytes);
        Oid::from_bytes(&d.finalize())
    }
    match id_len {
        20 => id::<sha1::Sha1>(bytes),
        32 => id::<sha2::Sha256>(bytes),
        _ => None,
    }
}

/// Streams the blobs of `entries` from one `git cat-file --batch` process into `out`.
fn cat_file(top: &Path, entries: Vec<Entry>, max_size: Option<u64>, out: &mut Batches) {
    let spawned = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch", "--buffer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            for entry in entries {
                let message = format!("cannot run git cat-file: {e}");
                if !out.push(Err(WalkError {
                    path: entry.path,
                    message,
                })) {
                    return;
                }
            }
            return;
        }
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let oids: Vec<String> = entries.iter().map(|e| e.oid.clone()).collect();
    // Writing on its own thread: git answers while it reads, and both pipes are bounded.
    std::thread::spawn(move || {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for oid in oids {
            if writeln!(w, "{oid}").is_err() {
                break;
            }
        }
        let _ = w.flush();
    });
    let mut r = BufReader::with_capacity(256 << 10, stdout);
    let mut header = String::new();
    let mut broken = false;
    for entry in entries {
        let error = |message: String| WalkError {
            path: entry.path.clone(),
            message,
        };
        let item = if broken {
            // git stopped answering: every remaining entry is unvouched for.
            Err(error("git cat-file ended early".into()))
        } else {
            header.clear();
            match r.read_line(&mut header) {
                Ok(0) | Err(_) => {
                    broken = true;
                    Err(error("git cat-file ended early".into()))
                }
                Ok(_) => read_one(&mut r, header.trim_end(), max_size).map_err(error),
            }
        };
        let blob = item.map(|bytes| Blob {
            path: entry.path.clone(),
            bytes,
        });
        if !out.push(blob) {
            break; // the scan stopped listening
        }
    }
    drop(r);
    let _ = child.wait();
}

/// Reads one `--batch` answer after its header line: `<oid> blob <size>` then the bytes and a
/// newline, or `<oid> missing`.
fn read_one(r: &mut impl BufRead, header: &str, max_size: Option<u64>) -> Result<Vec<u8>, String> {
    let mut parts = header.split(' ');
    let (_oid, kind, size) = (parts.next(), parts.next(), parts.next());
    let size: u64 = match (kind, size.and_then(|s| s.parse().ok())) {
        (Some("blob"), Some(n)) => n,
        (Some("missing"), _) => return Err("not in the object database".into()),
        _ => return Err(format!("unexpected git cat-file answer: {header}")),
    };
    if let Some(max) = max_size
        && size > max
    {
        std::io::copy(&mut r.take(size + 1), &mut std::io::sink())
            .map_err(|e| format!("cannot read staged blob: {e}"))?;
        return Err(format!(
            "not scanned: {size} bytes is over the max_file_size budget of {max} bytes"
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    r.take(size)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read staged blob: {e}"))?;
    let mut newline = [0u8; 1];
    r.read_exact(&mut newline)
        .map_err(|e| format!("cannot read staged blob: {e}"))?;
    Ok(bytes)
}

/// Staged changes: `git diff --cached --raw -z --diff-filter=ACMR`, regular files only
/// (symlinks and submodules have no content of their own to scan).
fn staged_entries(top: &Path) -> Result<Vec<Entry>, String> {
    let out = git(
        top,
        &[
            "diff",
            "--cached",
            "--raw",
            // Whole object ids: `git cat-file` resolves an abbreviated one as a ref name first
            // (six lookups under .git/refs and packed-refs) and then among the objects.
            "--no-abbrev",
            "-z",
            "--diff-filter=ACMR",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules",
        ],
    )?;
    parse_raw(&out)
}

/// `:<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0` (renames and copies carry a
/// second path: the new one).
fn parse_raw(out: &[u8]) -> Result<Vec<Entry>, String> {
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut entries = Vec::new();
    while let Some(meta) = fields.next() {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [_, new_mode, _, oid, status] = parts[..] else {
            return Err(format!("unexpected git diff --raw line: {meta}"));
        };
        let mut path = fields.next().ok_or("git diff --raw: missing path")?;
        if status.starts_with('R') || status.starts_with('C') {
            path = fields.next().ok_or("git diff --raw: missing new path")?;
        }
        if is_regular(new_mode) {
            entries.push(Entry {
                path: crate::pathname::shown_bytes(path),
                oid: oid.to_string(),
            });
        }
    }
    Ok(entries)
}

/// The whole index, path -> oid: `git ls-files --stage -z` (`<mode> <oid> <stage>\t<path>\0`).
/// Conflicted paths (stages 1-3) are left out: they cannot be committed.
fn index_entries(top: &Path) -> Result<BTreeMap<String, String>, String> {
    let out = git(top, &["ls-files", "--stage", "-z"])?;
    let mut map = BTreeMap::new();
    for rec in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = rec.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&rec[..tab]);
        let parts: Vec<&str> = meta.split(' ').collect();
        if let [mode, oid, "0"] = parts[..]
            && is_regular(mode)
        {
            let path = crate::pathname::shown_bytes(&rec[tab + 1..]);
            map.insert(path, oid.to_string());
        }
    }
    Ok(map)
}

fn is_regular(mode: &str) -> bool {
    matches!(mode, "100644" | "100755")
}

/// Runs git in `dir` and returns its stdout; a failure carries git's own message.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(format!("git {} failed: {}", args[0], msg.trim()));
    }
    Ok(out.stdout)
}

/// A command-line path as a repository-relative path (`""` for the top).
fn repo_relative(repo: &Repo, p: &Path) -> Result<String, String> {
    let joined = if p.is_absolute() {
        let top = std::fs::canonicalize(&repo.top).unwrap_or_else(|_| repo.top.clone());
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let abs = abs
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .and_then(|d| abs.file_name().map(|n| d.join(n)))
            .unwrap_or(abs);
        match abs.strip_prefix(&top) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => return Err(format!("{} is outside the repository", p.display())),
        }
    } else {
        Path::new(&repo.prefix).join(p)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            // `..` drops the last component; with none left the path leaves the repository.
            Component::ParentDir if parts.pop().is_none() => {
                return Err(format!("{} is outside the repository", p.display()));
            }
            _ => {}
        }
    }
    Ok(parts.join("/"))
}

fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// `a/b/c` → `a/b/c`, `a/b`, `a`: a glob that names a directory excludes what is under it.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(path), |p| p.rfind('/').map(|i| &p[..i]))
}

fn globs<'a>(globs: impl IntoIterator<Item = &'a String>) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    let mut seen = BTreeSet::new();
    for g in globs {
        if seen.insert(g) {
            b.add(crate::glob::build(g)?);
        }
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_diff_is_parsed_with_renames() {
        let oid = "a".repeat(40);
        let z = "0".repeat(40);
        let raw = format!(
            ":000000 100644 {z} {oid} A\0docs/new file.md\0\
             :100644 100644 {z} {oid} R087\0old.md\0moved/new.md\0\
             :000000 120000 {z} {oid} A\0link\0\
             :100644 100755 {z} {oid} M\0run.sh\0"
        );
        let paths: Vec<String> = parse_raw(raw.as_bytes())
            .unwrap()
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["docs/new file.md", "moved/new.md", "run.sh"]);
    }

    #[test]
    fn the_listing_gives_whole_object_ids() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        let run = |args: &[&str]| {
            let out = Command::new("git")
                .arg("-C")
                .arg(top)
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}");
        };
        run(&["init", "-q"]);
        std::fs::write(top.join("a.md"), "one\n").unwrap();
        std::fs::write(top.join("b.md"), "two\n").unwrap();
        run(&["add", "-A"]);
        let entries = staged_entries(top).unwrap();
        assert_eq!(entries.len(), 2);
        for e in &entries {
            // 40 hex digits (64 in a SHA-256 repository): git cat-file then takes each as an
            // object id at once, not as a name to look up among refs and objects.
            assert!(
                matches!(e.oid.len(), 40 | 64) && e.oid.bytes().all(|b| b.is_ascii_hexdigit()),
                "{}",
                e.oid
            );
        }
    }

    #[test]
    fn a_blob_id_is_git_s() {
        // The empty blob's ids in SHA-1 and SHA-256 repositories.
        assert_eq!(
            blob_id(b"", 20).unwrap().to_string(),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            blob_id(b"", 32).unwrap().to_string(),
            "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813"
        );
        assert_eq!(blob_id(b"x", 7), None);
        // And as git computes it for any content.
        let bytes = b"page 1\r\nwith a CR, a tab\tand bytes \xff\x00 git keeps as they are\n";
        let mut child = Command::new("git")
            .args(["hash-object", "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            blob_id(bytes, 20).unwrap().to_string(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }

    #[test]
    fn batch_answers_are_read_and_budgeted() {
        let mut r = std::io::Cursor::new(b"hello\nnext".to_vec());
        assert_eq!(read_one(&mut r, "x blob 5", None).unwrap(), b"hello");
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next");

        let mut r = std::io::Cursor::new(b"hello\nnext".to_vec());
        let err = read_one(&mut r, "x blob 5", Some(4)).unwrap_err();
        assert!(err.contains("max_file_size"), "{err}");
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next", "an over-budget blob is drained");

        let mut r = std::io::Cursor::new(Vec::new());
        assert!(read_one(&mut r, "x missing", None).is_err());
    }

    #[test]
    fn paths_are_made_repository_relative() {
        let repo = Repo {
            top: PathBuf::from("/nonexistent/top"),
            prefix: "sub/".into(),
        };
        let rel = |p: &str| repo_relative(&repo, Path::new(p));
        assert_eq!(rel("a.md").unwrap(), "sub/a.md");
        assert_eq!(rel("./x/../b.md").unwrap(), "sub/b.md");
        assert_eq!(rel(".").unwrap(), "sub");
        assert_eq!(rel("..").unwrap(), "");
        assert!(rel("../..").is_err());
    }

    #[test]
    fn ancestors_and_prefixes() {
        let a: Vec<&str> = ancestors("a/b/c.md").collect();
        assert_eq!(a, ["a/b/c.md", "a/b", "a"]);
        assert!(is_under("docs/a.md", "docs"));
        assert!(!is_under("docs2/a.md", "docs"));
    }
}
