//! Test helpers: copy a fixture tree into a temporary directory and run the binary in it.

#![allow(dead_code)]

pub mod examples;
pub mod report_schema;

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository's fixture folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `tests/fixtures/<name>` into a new temporary directory. A file named `gitignore` becomes
/// `.gitignore` (a real one would stop git from committing the fixture's ignored files).
pub fn tree(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixtures().join(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let src = entry.path();
        let mut name = entry.file_name().to_string_lossy().into_owned();
        if name == "gitignore" {
            name = ".gitignore".into();
        }
        let dst = to.join(name);
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Runs `leakgate ARGS` in `dir`.
pub fn leakgate(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The planted secrets of the gate fixture, one per line.
pub fn planted_secrets() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("gate/planted-secrets.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// A planted secret that only the generic rule finds, for tests that write their own files.
pub fn generic_secret() -> String {
    planted_secrets()
        .into_iter()
        .find(|s| s.starts_with("jo8A"))
        .expect("planted secret")
}

/// Asserts that `text` holds no planted secret, nor any 8-character run of one.
pub fn assert_no_secret(what: &str, text: &str) {
    for s in planted_secrets() {
        assert!(!text.contains(&s), "{what} holds a raw secret");
        let chars: Vec<char> = s.chars().collect();
        for w in chars.windows(8) {
            let w: String = w.iter().collect();
            assert!(!text.contains(&w), "{what} holds part of a secret: {w:?}");
        }
    }
}

/// Replaces the values that change from run to run in a JSON report.
pub fn redact_report(v: &mut serde_json::Value) {
    v["generated_at"] = "[timestamp]".into();
    v["stats"]["duration_ms"] = 0.into();
    v["rules"]["pack_digest"] = "[digest]".into();
    v["rules"]["count"] = 0.into();
}

/// A deterministic synthetic secret: `len` random alphanumerics from `seed` (xorshift), built at
/// run time so no token-like literal sits in the test sources the repository's own scan reads.
pub fn synthetic(seed: u64, len: usize) -> String {
    synthetic_in(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        seed,
        len,
    )
}

/// As [`synthetic`], drawing from `alphabet` (ASCII).
pub fn synthetic_in(alphabet: &[u8], seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

/// Writes `files` (relative path, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Makes a file readable by its owner only (as an env file should be, or the
/// `hygiene-env-file-permissions` check reports it).
pub fn owner_only(dir: &Path, path: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (dir, path);
}

/// Runs `leakgate scan --format json --no-report --no-env ARGS PATH` in `dir` and returns the
/// exit code and the report, checked against docs/report.schema.json.
pub fn scan_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["scan", "--format", "json", "--no-report", "--no-env"];
    all.extend_from_slice(args);
    let out = leakgate(dir, &all);
    let code = out.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}); stderr: {}", stderr(&out)));
    report_schema::assert_valid_report(&v);
    (code, v)
}

/// The (path, line, rule id, state) of every finding in a report.
pub fn findings_of(v: &serde_json::Value) -> Vec<(String, u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A planted secret in a provider token format (a GitHub classic PAT shape).
pub fn token_secret() -> String {
    planted_secrets()
        .into_iter()
        .find(|s| s.starts_with("ghp_"))
        .expect("planted token")
}

/// Runs git in `dir` and asserts it succeeded.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A new git repository with a committer identity and one commit.
pub fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "user.email", "dev@example.invalid"]);
    git(dir.path(), &["config", "user.name", "dev"]);
    git(dir.path(), &["config", "commit.gpgsign", "false"]);
    write(dir.path(), "README.md", "a repository\n");
    git(dir.path(), &["add", "README.md"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    dir
}

/// Writes `text` to `dir/rel`, creating directories.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}
