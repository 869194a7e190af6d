//! Pre-commit latency (docs/benchmarks.md, "Pre-commit latency"): `leakgate scan --staged` on a
//! 1,000-file staged change, measured in the same run as git's own commands over the same change,
//! so the result reads as a ratio that does not depend on the machine:
//!
//! - `git_diff_cached_names`: `git diff --cached --name-only` (git listing the change: the floor),
//! - `git_diff_cached_patch`: `git diff --cached` (git reading and diffing every staged blob),
//! - `leakgate_staged`: what the hook runs without a file list,
//! - `leakgate_staged_filenames`: the same with the 1,000 paths on the command line (pre-commit's
//!   `pass_filenames`).
//!
//! Each runs on two clean changes of 1,000 files of about 4 KiB (prose, config and log lines, no
//! secret): `sparse`, where two lines in 50 assign a secret-named variable from an env-var
//! reference (a typical docs/code change), and `dense`, where two lines in five do (the worst
//! case for the generic rule, which must look at every such value and drop it).
//!
//! Run: `cargo bench --bench staged`. Results: docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

const FILES: usize = 1000;

fn main() {
    divan::main();
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    names: Vec<String>,
}

static SPARSE: LazyLock<Fixture> = LazyLock::new(|| build(50));
static DENSE: LazyLock<Fixture> = LazyLock::new(|| build(5));

fn repo(kind: &str) -> &'static Fixture {
    match kind {
        "sparse" => &SPARSE,
        _ => &DENSE,
    }
}

const KINDS: [&str; 2] = ["sparse", "dense"];

/// A repository with one committed file and `FILES` new files staged (about 4 KiB each), where
/// two lines in `one_in` assign a secret-named variable from a reference.
fn build(one_in: u64) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    git(&root, &["init", "-q"]);
    git(&root, &["config", "user.email", "bench@example.invalid"]);
    git(&root, &["config", "user.name", "bench"]);
    std::fs::write(root.join("README.md"), "bench\n").unwrap();
    git(&root, &["add", "README.md"]);
    git(&root, &["commit", "-q", "-m", "init"]);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut names = Vec::with_capacity(FILES);
    for i in 0..FILES {
        let (dir, ext) = match i % 4 {
            0 => ("docs/runbooks", "md"),
            1 => ("src/app", "py"),
            2 => ("config", "toml"),
            _ => ("reports/daily", "json"),
        };
        let name = format!("{dir}/file{i:04}.{ext}");
        let path = root.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content(&mut seed, i, one_in)).unwrap();
        names.push(name);
    }
    git(&root, &["add", "-A"]);
    Fixture {
        _dir: dir,
        root,
        names,
    }
}

/// About 4 KiB of text whose lines look like docs, code, config and logs.
fn content(seed: &mut u64, i: usize, one_in: u64) -> String {
    const WORDS: [&str; 16] = [
        "rotate", "deploy", "bucket", "service", "release", "token", "window", "region", "queue",
        "worker", "retry", "config", "runbook", "metric", "alert", "owner",
    ];
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let mut s = format!("# file {i}\n");
    while s.len() < 4096 {
        let line = match next() % one_in {
            0 => "api_key = \"${SERVICE_API_KEY}\"\n".to_string(),
            1 => "password: os.environ[\"DB_PASSWORD\"]\n".to_string(),
            2 | 3 => format!(
                "2026-02-22T08:00:{:02}Z INFO worker {} finished in {} ms\n",
                next() % 60,
                next() % 100,
                next() % 5000
            ),
            _ => {
                let n = 6 + next() % 10;
                let words: Vec<&str> = (0..n)
                    .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                    .collect();
                format!("{}.\n", words.join(" "))
            }
        };
        s.push_str(&line);
    }
    s
}

fn git(root: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} failed");
    out
}

fn leakgate(root: &Path, extra: &[String]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_leakgate"))
        .current_dir(root)
        .args(["scan", "--staged", "--no-report", "-q"])
        .args(extra)
        .output()
        .expect("leakgate runs");
    assert_eq!(out.status.code(), Some(0), "the staged change is clean");
    out
}

#[divan::bench(args = KINDS, sample_count = 25)]
fn git_diff_cached_names(kind: &str) -> Output {
    git(&repo(kind).root, &["diff", "--cached", "--name-only", "-z"])
}

#[divan::bench(args = KINDS, sample_count = 25)]
fn git_diff_cached_patch(kind: &str) -> Output {
    git(&repo(kind).root, &["diff", "--cached"])
}

#[divan::bench(args = KINDS, sample_count = 25)]
fn leakgate_staged(kind: &str) -> Output {
    leakgate(&repo(kind).root, &[])
}

#[divan::bench(args = KINDS, sample_count = 25)]
fn leakgate_staged_filenames(kind: &str) -> Output {
    let r = repo(kind);
    leakgate(&r.root, &r.names)
}
