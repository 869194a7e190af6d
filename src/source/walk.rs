//! The working-tree source: which files a scan reads.
//!
//! Two walks with the `ignore` crate, merged and deduplicated:
//! 1. the tree walk (parallel): every file under the roots that `.gitignore`/`.ignore` do not
//!    exclude, hidden files included, `.git/` never; when the scan is restricted to scopes, only
//!    files that match a requested scope;
//! 2. the scope walk: files of the requested scopes even when git-ignored (log artifacts usually
//!    are). Scope globs anchored at a directory (`data/*/logs/**`, `reports/**`) reach into
//!    ignored directories; globs that start with `**` (`**/*.log`) apply within the tree walk and
//!    within anchored scope directories, so `node_modules/**/*.md` is not pulled in.
//!
//! A scan streams the walk ([`walk_each`]): files are handed on as they are met, each name once,
//! and no list of every file is held (a name is remembered only where the scope walk or another
//! root can meet it again).
//!
//! Paths are named relative to the project root ([`Root`]), and scope and exclude globs match
//! those names: `scan docs` and `scan .` run in `docs/` both name `docs/runbooks/deploy.md`, and
//! an anchored scope (`data/*/logs/**`) reaches into the part of its directory that lies under a
//! named path. A path named outside the root keeps its name as given, its globs matched against
//! the names under it.
//!
//! Excluded globs, the report's own output directory and other outputs are never scanned; a
//! directory named on the command line is scanned even where the config excludes it, with the
//! globs that exclude parts of it ([`excludes_within`]).
//! Walk errors (permission denied, symlink loops, vanished files) become error entries. Only
//! regular files are read: a FIFO, device or socket met in the walk is counted, and one named
//! explicitly is an error entry (reading it could block forever or never end).

use super::root::Root;
use crate::config::Scope;
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Where to read it.
    pub fs_path: PathBuf,
    /// How it is named in reports and matched by rule `paths` (`/`-separated).
    pub path: String,
}

/// A path the walk could not read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WalkError {
    pub path: String,
    pub message: String,
}

/// What to walk.
pub struct WalkPlan {
    /// Files and directories as named on the command line.
    pub roots: Vec<PathBuf>,
    /// The project root names are relative to.
    pub root: Root,
    /// Scopes whose files are scanned even when git-ignored.
    pub scopes: Vec<Scope>,
    /// Only files in `scopes` are scanned.
    pub restrict: bool,
    /// Globs relative to the project root that are never scanned.
    pub exclude: Vec<String>,
    /// Absolute paths (files or directories) never scanned: report outputs.
    pub skip: Vec<PathBuf>,
    pub threads: usize,
}

/// The errors a walk met, plus counts of what it left out on purpose.
#[derive(Debug, Default)]
pub struct Walked {
    pub errors: Vec<WalkError>,
    pub excluded: u64,
    /// Special files (FIFOs, devices, sockets) the walk met and did not read.
    pub special: u64,
    /// Their paths, so one seen by both walks counts once.
    special_paths: BTreeSet<String>,
}

/// Globs for matching, built once.
struct Matchers {
    scope: GlobSet,
    anchored: Vec<(String, GlobSet)>, // (literal base directory, globs under it)
    exclude: GlobSet,
}

fn glob(g: &str) -> Result<Glob, globset::Error> {
    crate::glob::build(g)
}

impl Matchers {
    fn new(plan: &WalkPlan) -> Result<Matchers, String> {
        let mut scope = GlobSetBuilder::new();
        let mut anchored: BTreeMap<String, GlobSetBuilder> = BTreeMap::new();
        for s in &plan.scopes {
            for g in &s.globs {
                let compiled = glob(g).map_err(|e| format!("scope {}: {e}", s.name))?;
                scope.add(compiled.clone());
                if let Some(base) = literal_base(g) {
                    anchored
                        .entry(base)
                        .or_insert_with(GlobSetBuilder::new)
                        .add(compiled);
                }
            }
        }
        // Unanchored globs (`**/*.log`) also apply inside anchored scope directories.
        for s in &plan.scopes {
            for g in s.globs.iter().filter(|g| literal_base(g).is_none()) {
                for b in anchored.values_mut() {
                    b.add(glob(g).map_err(|e| e.to_string())?);
                }
            }
        }
        Ok(Matchers {
            scope: scope.build().map_err(|e| e.to_string())?,
            anchored: anchored
                .into_iter()
                .map(|(k, b)| Ok((k, b.build().map_err(|e| e.to_string())?)))
                .collect::<Result<_, String>>()?,
            exclude: exclude_set(&plan.exclude)?,
        })
    }
}

/// The `exclude` globs; `dir/**` also excludes `dir` itself.
fn exclude_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut exclude = GlobSetBuilder::new();
    for g in globs {
        exclude.add(glob(g).map_err(|e| format!("exclude: {e}"))?);
        if let Some(dir) = g.strip_suffix("/**") {
            exclude.add(glob(dir).map_err(|e| format!("exclude: {e}"))?);
        }
    }
    exclude.build().map_err(|e| e.to_string())
}

/// The exclude globs that apply inside a directory named on the command line (`base`: its name
/// relative to the project root): those that exclude neither it nor a directory above it. A
/// directory named explicitly is scanned even where the config excludes it (as ruff checks paths
/// passed directly), with the globs that exclude parts of it; a file named explicitly is not (the
/// file lists of pre-commit hooks name every file).
pub fn excludes_within(exclude: &[String], base: &str) -> Result<Vec<String>, String> {
    let mut kept = Vec::new();
    for g in exclude {
        let set = exclude_set(std::slice::from_ref(g))?;
        let mut dirs = std::iter::successors(Some(base), |p| p.rfind('/').map(|i| &p[..i]));
        if !dirs.any(|d| !d.is_empty() && set.is_match(d)) {
            kept.push(g.clone());
        }
    }
    Ok(kept)
}

/// Whether `exclude` globs exclude a name (stdin's name), as they exclude an explicit file of a
/// walk.
pub fn excluded(exclude: &[String], path: &str) -> Result<bool, String> {
    Ok(exclude_set(exclude)?.is_match(path))
}

/// The literal directory prefix of a glob (`data/*/logs/**` → `data`), if its first component has
/// no glob syntax.
fn literal_base(g: &str) -> Option<String> {
    let meta = |c: char| matches!(c, '*' | '?' | '[' | '{');
    let mut base = Vec::new();
    let comps: Vec<&str> = g.split('/').collect();
    for c in &comps[..comps.len().saturating_sub(1)] {
        if c.chars().any(meta) || c.is_empty() {
            break;
        }
        base.push(*c);
    }
    (!base.is_empty()).then(|| base.join("/"))
}

/// Walks the plan's roots, naming files relative to the project root (see the module docs), handing each file to `found` as the walk meets it
/// (from the walker's threads, in no set order), each name once; the returned [`Walked`] holds
/// the errors and counts, and no files. Nothing here grows with the number of files: a name is
/// remembered only where a second walk could meet it again (under an anchored scope directory,
/// or when several roots are named), so a scan can stream the walk into its workers.
pub fn walk_each(plan: &WalkPlan, found: &(dyn Fn(FileEntry) + Sync)) -> Result<Walked, String> {
    let m = Arc::new(Matchers::new(plan)?);
    let skip: Arc<Vec<PathBuf>> = Arc::new(plan.skip.iter().map(|p| absolute(p)).collect());
    let out = Arc::new(Mutex::new(Walked::default()));
    // Names handed on that a later walk of this plan could meet again: files named explicitly,
    // the tree walk's files under an anchored scope directory (the scope walks go there), the
    // scope walks' files (anchored directories may nest), and every name when roots may overlap.
    let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let every = plan.roots.len() > 1;
    let remember = |f: &FileEntry| seen.lock().unwrap().insert(f.path.clone());
    for root in &plan.roots {
        let base = plan.root.relative(root);
        if !root.is_dir() {
            // An explicit file: scanned unless excluded, whatever the scopes and ignore files say.
            let path = plan.root.name(root);
            match std::fs::metadata(root) {
                Ok(meta) if !meta.is_file() => out.lock().unwrap().errors.push(WalkError {
                    path,
                    message: format!(
                        "not scanned: {} is not a regular file",
                        kind(&meta.file_type())
                    ),
                }),
                Ok(_) => {
                    if m.exclude.is_match(&path) {
                        out.lock().unwrap().excluded += 1;
                    } else {
                        let f = FileEntry {
                            fs_path: root.clone(),
                            path,
                        };
                        if remember(&f) {
                            found(f);
                        }
                    }
                }
                Err(e) => out.lock().unwrap().errors.push(WalkError {
                    path,
                    message: e.to_string(),
                }),
            }
            continue;
        }
        let base_name = base.as_deref().unwrap_or("");
        let exclude = Arc::new(exclude_set(&excludes_within(&plan.exclude, base_name)?)?);
        let ctx = Ctx {
            root: root.clone(),
            prefix: match base {
                Some(_) => None,
                None => Some(display(root)),
            },
            base: base.unwrap_or_default(),
            m: m.clone(),
            exclude,
            skip: skip.clone(),
            out: out.clone(),
            count_excluded: true,
        };
        // The anchored scope directories this root's scope walks go into (paths as the tree walk
        // names them: both walks start from `root`).
        let anchored: Vec<PathBuf> = m
            .anchored
            .iter()
            .filter_map(|(base, _)| ctx.anchored_dir(base))
            .collect();
        let under_anchored = |f: &FileEntry| anchored.iter().any(|d| f.fs_path.starts_with(d));
        tree_walk(&ctx, plan, &|f| {
            if (every || under_anchored(&f)) && !remember(&f) {
                return;
            }
            found(f)
        });
        let ctx = Ctx {
            count_excluded: false,
            ..ctx
        };
        for (base, globs) in &m.anchored {
            let Some(dir) = ctx.anchored_dir(base) else {
                continue;
            };
            if dir.is_dir() && !ctx.exclude.is_match(base) && !ctx.skipped(&dir) {
                scope_walk(&ctx, &dir, globs, &mut |entry| {
                    if remember(&entry) {
                        found(entry);
                    }
                });
            }
        }
    }
    drop(m);
    let mut walked = std::mem::take(&mut *out.lock().unwrap());
    walked.special = walked.special_paths.len() as u64;
    walked
        .errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    walked.errors.dedup();
    Ok(walked)
}

/// What every walker thread needs to decide about an entry; cheap to clone.
#[derive(Clone)]
struct Ctx {
    /// The directory walked, as named.
    root: PathBuf,
    /// Its name relative to the project root (`""`: the root itself, or a path outside it).
    base: String,
    /// Outside the project root: the directory's name as given, put before the names under it.
    prefix: Option<String>,
    m: Arc<Matchers>,
    /// The exclude globs that apply in this directory ([`excludes_within`]).
    exclude: Arc<GlobSet>,
    skip: Arc<Vec<PathBuf>>,
    out: Arc<Mutex<Walked>>,
    /// Whether pruned entries are counted (only in the tree walk, so nothing counts twice).
    count_excluded: bool,
}

impl Ctx {
    /// The name globs match: relative to the project root (to the walked directory outside it).
    fn rel(&self, p: &Path) -> String {
        let rel = crate::pathname::shown(p.strip_prefix(&self.root).unwrap_or(p));
        if self.base.is_empty() {
            rel
        } else {
            join(&self.base, &rel)
        }
    }

    /// The name reported.
    fn named(&self, rel: &str) -> String {
        match self.prefix.as_deref() {
            Some(p) if p != "." && !p.is_empty() => join(p.trim_end_matches('/'), rel),
            _ => rel.to_string(),
        }
    }

    /// Where the walk of an anchored scope directory (`base`, relative to the project root)
    /// starts within this walk: the directory itself when it lies under the walked one, the
    /// walked one when it lies under it, else nowhere.
    fn anchored_dir(&self, base: &str) -> Option<PathBuf> {
        let here = self.base.as_str();
        if here.is_empty() {
            return Some(self.root.join(base));
        }
        if base == here {
            return Some(self.root.clone());
        }
        if let Some(rest) = base.strip_prefix(here).and_then(|r| r.strip_prefix('/')) {
            return Some(self.root.join(rest));
        }
        here.strip_prefix(base)
            .is_some_and(|r| r.starts_with('/'))
            .then(|| self.root.clone())
    }

    fn skipped(&self, p: &Path) -> bool {
        if self.skip.is_empty() {
            return false;
        }
        let abs = absolute(p);
        self.skip.iter().any(|s| abs.starts_with(s))
    }

    /// Whether a walked entry is a skipped output or under one, resolving its path only when it
    /// can be: its parent was already kept, so only a symlink, an entry right under the walk's
    /// root or one named like a skipped path can be under one (resolving a path costs a
    /// `readlink` per component, which every file of a large tree would pay).
    fn skipped_entry(&self, entry: &ignore::DirEntry) -> bool {
        if self.skip.is_empty() {
            return false;
        }
        let name = entry.file_name();
        let may = entry.depth() <= 1
            || entry.path_is_symlink()
            || self.skip.iter().any(|s| s.file_name() == Some(name));
        may && self.skipped(entry.path())
    }

    /// Decides about one entry; `Some` for a file to scan.
    fn visit(
        &self,
        result: Result<ignore::DirEntry, ignore::Error>,
        accept: impl Fn(&str) -> bool,
    ) -> Option<FileEntry> {
        let entry = match result {
            Ok(e) => e,
            Err(err) => {
                self.error(err);
                return None;
            }
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            return None;
        }
        let rel = self.rel(entry.path());
        if !accept(&rel) {
            return None;
        }
        if !kind.is_file() {
            // A FIFO, device or socket (symlinks are followed): never read, but counted.
            let name = self.named(&rel);
            self.out.lock().unwrap().special_paths.insert(name);
            return None;
        }
        Some(FileEntry {
            fs_path: entry.path().to_path_buf(),
            path: self.named(&rel),
        })
    }

    fn error(&self, err: ignore::Error) {
        let (path, message) = split_error(&err);
        self.out.lock().unwrap().errors.push(WalkError {
            path: path.map_or_else(String::new, |p| self.named(&self.rel(&p))),
            message,
        });
    }

    /// Prunes `.git`, excluded globs and skipped outputs.
    fn keep(&self, entry: &ignore::DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && entry.file_name() == ".git" {
            return false;
        }
        if self.skipped_entry(entry) {
            return false;
        }
        let rel = self.rel(entry.path());
        if self.exclude.is_match(&rel) {
            if self.count_excluded {
                self.out.lock().unwrap().excluded += 1;
            }
            return false;
        }
        true
    }
}

/// The tree walk of `ctx.root` (parallel), handing each file to `found` from the walker's threads.
fn tree_walk(ctx: &Ctx, plan: &WalkPlan, found: &(dyn Fn(FileEntry) + Sync)) {
    let keep = ctx.clone();
    let walker = WalkBuilder::new(&ctx.root)
        .hidden(false)
        .parents(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .threads(plan.threads)
        .filter_entry(move |e| keep.keep(e))
        .build_parallel();
    let restrict = plan.restrict;
    walker.run(|| {
        Box::new(move |result| {
            let accept = |rel: &str| !restrict || ctx.m.scope.is_match(rel);
            if let Some(f) = ctx.visit(result, accept) {
                found(f);
            }
            WalkState::Continue
        })
    });
}

/// The walk of an anchored scope directory (sequential, no ignore files), handing each file in
/// the scope to `found`.
fn scope_walk(ctx: &Ctx, dir: &Path, globs: &GlobSet, found: &mut dyn FnMut(FileEntry)) {
    let keep = ctx.clone();
    let walker = WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(false)
        .follow_links(true)
        .filter_entry(move |e| e.depth() == 0 || keep.keep(e))
        .build();
    walker
        .filter_map(|r| ctx.visit(r, |rel| globs.is_match(rel)))
        .for_each(found);
}

/// The path (if any) and a readable message of a walk error.
fn split_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), split_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            split_error(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!("symlink loop: points back to {}", ancestor.display()),
        ),
        ignore::Error::Io(e) => (None, io_message(e)),
        other => (None, other.to_string()),
    }
}

/// An I/O error's message without the path: the sequential walk's errors (from `walkdir`) wrap
/// the system error in one that names the path again, so the same failure read differently in
/// the tree walk and the scope walk and was listed twice.
fn io_message(e: &std::io::Error) -> String {
    match e.get_ref().and_then(|inner| inner.source()) {
        Some(system) => system.to_string(),
        None => e.to_string(),
    }
}

/// What a file that is not a regular file is, for messages (`a FIFO`).
pub use crate::inputfile::kind;

/// The canonical path when it exists, else the absolute path.
fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

/// A path as given, `/`-separated, without a leading `./`.
fn display(p: &Path) -> String {
    crate::pathname::shown(p)
}

/// `a` and `b` joined with `/` (either may be empty).
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{FileEntry, WalkPlan, excludes_within, literal_base, walk_each};
    use crate::config::Scope;
    use crate::source::root::Root;
    use std::sync::Mutex;

    /// The names `walk_each` hands on, in the order met.
    fn streamed(plan: &WalkPlan) -> Vec<String> {
        let got = Mutex::new(Vec::new());
        walk_each(plan, &|f: FileEntry| got.lock().unwrap().push(f.path)).unwrap();
        got.into_inner().unwrap()
    }

    #[test]
    fn a_streamed_walk_hands_on_each_name_once() {
        let t = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(t.path()).unwrap();
        for (path, text) in [
            (".gitignore", "docs/ignored.md\nreports/\n"),
            ("docs/a.md", "a"),
            ("docs/ignored.md", "i"),
            ("docs/api/b.md", "b"),
            ("reports/r.json", "{}"),
            ("src/x.rs", "x"),
        ] {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let scope = |name: &str, globs: &[&str]| Scope {
            name: name.into(),
            globs: globs.iter().map(|g| g.to_string()).collect(),
        };
        let plan = |roots: Vec<std::path::PathBuf>| WalkPlan {
            roots,
            root: Root::discover_in(&dir, &dir),
            // Anchored scope directories nest (`docs`, `docs/api`), and the tree walk meets the
            // files in `docs/` that are not ignored: the scope walks meet them again.
            scopes: vec![
                scope("docs", &["docs/**", "**/*.md"]),
                scope("api", &["docs/api/**"]),
                scope("reports", &["reports/**"]),
            ],
            restrict: false,
            exclude: Vec::new(),
            skip: Vec::new(),
            threads: 2,
        };
        let want = [
            ".gitignore",
            "docs/a.md",
            "docs/api/b.md",
            "docs/ignored.md",
            "reports/r.json",
            "src/x.rs",
        ];
        // One root; overlapping roots (the tree and a directory in it, a file in it).
        for roots in [
            vec![dir.clone()],
            vec![dir.clone(), dir.join("docs")],
            vec![dir.join("docs/a.md"), dir.join("docs"), dir.clone()],
        ] {
            let mut got = streamed(&plan(roots.clone()));
            got.sort();
            assert_eq!(got, want, "{roots:?}");
        }
    }

    #[test]
    fn literal_bases() {
        assert_eq!(literal_base("docs/**").as_deref(), Some("docs"));
        assert_eq!(literal_base("data/*/logs/**").as_deref(), Some("data"));
        assert_eq!(literal_base("a/b/*.md").as_deref(), Some("a/b"));
        assert_eq!(literal_base("**/*.md"), None);
        assert_eq!(literal_base("*.log"), None);
    }

    #[test]
    fn a_named_directory_lifts_the_excludes_that_name_it() {
        let ex = |v: &[&str]| v.iter().map(|g| g.to_string()).collect::<Vec<_>>();
        let all = ex(&["tests/fixtures/**", "docs/private/**", "**/*.log"]);
        let within = |base: &str| excludes_within(&all, base).unwrap();
        assert_eq!(within(""), all);
        assert_eq!(within("tests"), all);
        assert_eq!(
            within("tests/fixtures"),
            ex(&["docs/private/**", "**/*.log"])
        );
        assert_eq!(
            within("tests/fixtures/gate"),
            ex(&["docs/private/**", "**/*.log"])
        );
        assert_eq!(within("docs"), all);
        assert_eq!(
            within("docs/private"),
            ex(&["tests/fixtures/**", "**/*.log"])
        );
    }
}
