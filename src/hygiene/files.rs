//! Finds env and key files under a scanned directory and their git state. In a git work tree, one
//! `git ls-files -t` lists tracked and untracked-but-not-ignored files and one
//! `git ls-files --ignored --directory` the ignored ones (ignored directories are looked into only
//! when they are named like secret stores: `env/`, `.secrets/`, `secrets/`). Outside git, a walk
//! that honours `.gitignore` finds them. Excluded globs apply. Never reads a file's values: a
//! `.pem` is read only to tell a private key from a certificate.

use globset::GlobSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Env,
    Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitState {
    Tracked,
    /// Neither tracked nor ignored.
    Untracked,
    Ignored,
    /// Not in a git work tree.
    NoRepo,
}

#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub fs_path: PathBuf,
    pub kind: Kind,
    pub git: GitState,
}

/// Directories looked into even when git-ignored.
const SECRET_DIRS: [&str; 3] = ["env", ".secrets", "secrets"];
/// Directories a walk never enters.
const SKIP_DIRS: [&str; 4] = [".git", "node_modules", "target", ".venv"];

/// Env and key files under `dir`, named `prefix/…` (`prefix`: the directory's path relative to
/// the project root, `""` at the root), sorted by path. `exclude` globs match those names.
pub fn discover(dir: &Path, prefix: &str, exclude: &[String]) -> Vec<Found> {
    let exclude = globs(exclude);
    let shown = |rel: &str| match prefix {
        "" => rel.to_string(),
        p => format!("{}/{rel}", p.trim_end_matches('/')),
    };
    // Only names that may be env or key files are kept while listing: the listing of a tree of
    // 200,000 files never sits in memory whole.
    let keep = |rel: &str| by_name(&shown(rel)).is_some();
    let listed = git_listing(dir, &keep).unwrap_or_else(|| {
        walk(dir, true, &keep)
            .into_iter()
            .map(|p| (p, GitState::NoRepo))
            .collect()
    });
    let mut out: Vec<Found> = listed
        .into_iter()
        .map(|(rel, git)| (shown(&rel), rel, git))
        .filter(|(p, _, _)| !excluded(&exclude, p))
        .filter_map(|(path, rel, git)| {
            let fs_path = dir.join(&rel);
            let kind = classify(&path, &fs_path)?;
            Some(Found {
                path,
                fs_path,
                kind,
                git,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// What a path's name says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Env,
    Key,
    /// A `.pem`: a key file when it holds a private key.
    Pem,
}

/// The kind of a path, if it is an env or key file (a `.pem` is read to tell a private key from
/// a certificate).
pub fn classify(path: &str, fs_path: &Path) -> Option<Kind> {
    match by_name(path)? {
        Named::Env => Some(Kind::Env),
        Named::Key => Some(Kind::Key),
        Named::Pem => holds_private_key(fs_path).then_some(Kind::Key),
    }
}

/// What a path may be by its name alone.
pub fn by_name(path: &str) -> Option<Named> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop()?;
    if parts.contains(&".secrets") {
        return Some(Named::Key);
    }
    if name == ".env" {
        return Some(Named::Env);
    }
    if let Some(rest) = name.strip_prefix(".env.") {
        let template = rest
            .split('.')
            .any(|p| matches!(p, "example" | "sample" | "template"));
        return (!template).then_some(Named::Env);
    }
    if matches!(name, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") {
        return Some(Named::Key);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("p12" | "pfx") => Some(Named::Key),
        Some("pem") => Some(Named::Pem),
        _ => None,
    }
}

/// How much of a `.pem` is read to find a private key.
pub const PEM_HEAD: u64 = 256 << 10;

/// A `.pem` is a key file when it holds a private key (or cannot be read to tell).
fn holds_private_key(p: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    match std::fs::File::open(p).and_then(|f| f.take(PEM_HEAD).read_to_end(&mut head)) {
        Ok(_) => pem_holds_key(&head),
        Err(_) => true,
    }
}

/// Whether the first bytes of a `.pem` hold a private key.
pub fn pem_holds_key(head: &[u8]) -> bool {
    let head = &head[..head.len().min(PEM_HEAD as usize)];
    memchr::memmem::find(head, b"PRIVATE KEY").is_some()
}

/// Permission bits for group or others, on Unix, when any is set.
pub fn loose_mode(p: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        None
    }
}

/// Tracked, untracked and ignored files under `root` per git that `keep` accepts, or `None`
/// outside a work tree. git's listings are read as they come, entry by entry.
fn git_listing(root: &Path, keep: &dyn Fn(&str) -> bool) -> Option<Vec<(String, GitState)>> {
    use std::io::BufRead;
    let each = |args: &[&str], f: &mut dyn FnMut(String)| -> Option<()> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let out = std::io::BufReader::new(child.stdout.take()?);
        for entry in out.split(0) {
            let Ok(entry) = entry else { break };
            if !entry.is_empty() {
                f(String::from_utf8_lossy(&entry).into_owned());
            }
        }
        child.wait().ok()?.success().then_some(())
    };
    let mut out = Vec::new();
    let listing = [
        "ls-files",
        "-z",
        "-t",
        "--cached",
        "--others",
        "--exclude-standard",
    ];
    each(&listing, &mut |entry| {
        let Some((tag, path)) = entry.split_once(' ') else {
            return;
        };
        let state = if tag == "?" {
            GitState::Untracked
        } else {
            GitState::Tracked
        };
        if keep(path) {
            out.push((path.to_string(), state));
        }
    })?;
    let ignored = [
        "ls-files",
        "-z",
        "--others",
        "--ignored",
        "--exclude-standard",
        "--directory",
    ];
    let _ = each(&ignored, &mut |path| match path.strip_suffix('/') {
        Some(dir) => {
            let name = dir.rsplit('/').next().unwrap_or(dir);
            if SECRET_DIRS.contains(&name) || name.starts_with(".env") {
                let keep = |f: &str| keep(&format!("{dir}/{f}"));
                for f in walk(&root.join(dir), false, &keep) {
                    out.push((format!("{dir}/{f}"), GitState::Ignored));
                }
            }
        }
        None if keep(&path) => out.push((path, GitState::Ignored)),
        None => {}
    });
    // A tracked file appears once; keep the first state (tracked before ignored).
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    Some(out)
}

/// Files under `dir`, relative to it, that `keep` accepts; `gitignore`: honour ignore files.
fn walk(dir: &Path, gitignore: bool, keep: &dyn Fn(&str) -> bool) -> Vec<String> {
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(gitignore)
        .hidden(false)
        .require_git(false)
        .max_depth(Some(if gitignore { 32 } else { 4 }))
        .filter_entry(|e| {
            e.depth() == 0
                || !SKIP_DIRS
                    .iter()
                    .any(|s| e.file_name() == std::ffi::OsStr::new(s))
        })
        .build();
    walker
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            keep(&rel).then_some(rel)
        })
        .collect()
}

/// The exclude globs: `config::parse` checked each with the same builder, so none fails here.
fn globs(list: &[String]) -> GlobSet {
    crate::glob::set(list.iter().map(String::as_str))
        .expect("exclude globs are checked when the config is parsed")
}

/// A path is excluded when it or one of its parent directories matches.
fn excluded(set: &GlobSet, path: &str) -> bool {
    let mut p = path;
    loop {
        if set.is_match(p) {
            return true;
        }
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_key_files_are_classified() {
        let none = Path::new("/nonexistent");
        for p in [".env", "env/.env", ".env.live", "deploy/.env.production"] {
            assert_eq!(classify(p, none), Some(Kind::Env), "{p}");
        }
        for p in [
            "keys/id_rsa",
            "cert.p12",
            ".secrets/api",
            "a/.secrets/b/c.json",
        ] {
            assert_eq!(classify(p, none), Some(Kind::Key), "{p}");
        }
        for p in [
            ".env.example",
            ".env.sample",
            "config/.env.template",
            ".envrc",
            "id_rsa.pub",
            "README.md",
        ] {
            assert_eq!(classify(p, none), None, "{p}");
        }
    }

    #[test]
    fn pem_files_are_keys_only_with_a_private_key() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("ca.pem");
        std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
        let key = dir.path().join("tls.pem");
        std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nMIIE\n").unwrap();
        assert_eq!(classify("ca.pem", &cert), None);
        assert_eq!(classify("tls.pem", &key), Some(Kind::Key));
    }
}
