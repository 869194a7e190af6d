//! The project root: the directory every reported path is relative to, and where `.leakgate.toml`
//! and `.leakgate-baseline.json` are looked up, whatever paths the command line names and
//! wherever it runs from (as ruff and typos discover their config).
//!
//! From the first scanned path upward (its directory, when it is a file), the root is the nearest
//! directory that holds `.leakgate.toml`, looking no higher than the git top-level (the first
//! directory with a `.git` entry: a repository, a submodule or a worktree); else that git
//! top-level; else the current directory when the path lies under it; else the path's own
//! directory. Finding the top-level takes no git process, only `stat` calls on the way up.
//!
//! A named path under the root is reported relative to it (`docs/runbooks/deploy.md` both for
//! `scan docs` at the root and for `scan .` in `docs/`); a named path outside it keeps its name as
//! given (`../other/notes.md`). Paths are compared lexically (`..` removes a component), without
//! resolving symbolic links, so a link named on the command line is reported where it was named.

use crate::config;
use std::path::{Component, Path, PathBuf};

/// The root a scan runs against.
#[derive(Debug, Clone)]
pub struct Root {
    /// The root as the process opens it: relative to the current directory when it is the
    /// current directory, one of its parents (`.`, `..`) or under it (`site`), else absolute.
    pub dir: PathBuf,
    /// The absolute, normalized root.
    abs: PathBuf,
    /// The absolute, normalized current directory.
    cwd: PathBuf,
}

impl Root {
    /// Discovers the root of `first` (a path as named on the command line, relative to the
    /// current directory; `.` when none is named).
    pub fn discover(first: &Path) -> std::io::Result<Root> {
        let cwd = normalize(&std::env::current_dir()?);
        Ok(Root::discover_in(&cwd, first))
    }

    /// As [`Root::discover`], from the current directory `cwd` (absolute).
    pub fn discover_in(cwd: &Path, first: &Path) -> Root {
        let named = normalize(&cwd.join(first));
        let start = if named.is_dir() {
            named.clone()
        } else {
            named
                .parent()
                .map_or_else(|| named.clone(), Path::to_path_buf)
        };
        let abs = find_up(&start).unwrap_or_else(|| {
            if start.starts_with(cwd) {
                cwd.to_path_buf()
            } else {
                start.clone()
            }
        });
        Root::at(cwd, abs)
    }

    /// The root at the directory `dir` (the git top-level of a staged scan).
    pub fn at_dir(dir: &Path) -> std::io::Result<Root> {
        let cwd = normalize(&std::env::current_dir()?);
        Ok(Root::at(&cwd, cwd.join(dir)))
    }

    /// The root at `abs` (absolute), seen from the current directory `cwd` (absolute).
    pub fn at(cwd: &Path, abs: PathBuf) -> Root {
        let abs = normalize(&abs);
        let dir = if let Ok(below) = cwd.strip_prefix(&abs) {
            match below.components().count() {
                0 => PathBuf::from("."),
                ups => (0..ups).map(|_| "..").collect(),
            }
        } else if let Ok(under) = abs.strip_prefix(cwd) {
            under.to_path_buf()
        } else {
            abs.clone()
        };
        Root {
            dir,
            abs,
            cwd: cwd.to_path_buf(),
        }
    }

    /// The absolute, normalized root.
    pub fn abs(&self) -> &Path {
        &self.abs
    }

    /// The root as shown in reports: `.`, `..`, `site`, or an absolute path (`/`-separated).
    pub fn shown(&self) -> String {
        crate::pathname::shown(&self.dir)
    }

    /// A path named on the command line (relative to the current directory), relative to the
    /// root: `Some("")` for the root itself, `None` when it lies outside.
    pub fn relative(&self, named: &Path) -> Option<String> {
        let abs = normalize(&self.cwd.join(named));
        let rel = abs.strip_prefix(&self.abs).ok()?;
        Some(crate::pathname::shown(rel))
    }

    /// How a path named on the command line is reported: relative to the root when under it,
    /// else as given.
    pub fn name(&self, named: &Path) -> String {
        self.relative(named)
            .unwrap_or_else(|| crate::pathname::shown(named))
    }
}

/// The nearest directory from `start` upward that holds `.leakgate.toml`, looking no higher than
/// the first one with a `.git` entry; else that one.
fn find_up(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        if dir.join(config::FILE_NAME).is_file() {
            return Some(dir.to_path_buf());
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            return Some(dir.to_path_buf());
        }
    }
    None
}

/// Lexical normalization: `.` dropped, `..` removes the component before it (never above the
/// file system's root).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        for d in [
            "repo/.git",
            "repo/docs/runbooks",
            "repo/site/docs",
            "plain/docs",
        ] {
            std::fs::create_dir_all(t.path().join(d)).unwrap();
        }
        std::fs::write(t.path().join("repo/site/.leakgate.toml"), "").unwrap();
        std::fs::write(t.path().join("repo/docs/runbooks/deploy.md"), "x").unwrap();
        t
    }

    #[test]
    fn the_root_is_found_upward() {
        let t = tree();
        let top = normalize(&std::fs::canonicalize(t.path()).unwrap());
        let repo = top.join("repo");
        let at = |cwd: &Path, p: &str| Root::discover_in(cwd, Path::new(p));

        let r = at(&repo, "docs");
        assert_eq!((r.abs(), r.shown().as_str()), (repo.as_path(), "."));
        assert_eq!(r.relative(Path::new("docs")).as_deref(), Some("docs"));

        let docs = repo.join("docs");
        let r = at(&docs, "runbooks/deploy.md");
        assert_eq!((r.abs(), r.shown().as_str()), (repo.as_path(), ".."));
        assert_eq!(r.name(Path::new(".")), "docs");
        assert_eq!(r.name(Path::new("runbooks/../runbooks")), "docs/runbooks");
        assert_eq!(r.relative(Path::new("..")).as_deref(), Some(""));
        assert_eq!(r.name(Path::new("../../plain")), "../../plain");

        // A config below the git top-level makes its directory the root.
        let r = at(&repo, "site/docs");
        assert_eq!(r.abs(), repo.join("site"));
        assert_eq!(r.shown(), "site");

        // No config, no repository: the current directory, or the path when outside it.
        let plain = top.join("plain");
        assert_eq!(at(&plain, "docs").abs(), plain);
        let r = at(&docs, &plain.join("docs").display().to_string());
        assert_eq!(r.abs(), plain.join("docs"));
    }

    #[test]
    fn normalization_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/a/../../c")), PathBuf::from("/c"));
    }
}
