//! `leakgate scan --staged` in real git repositories: it judges the content of the index, not the
//! working tree; it names findings by their staged path and line with `source: staged`; explicit
//! file lists (what pre-commit passes) are scanned regardless of scopes; and it reads the index
//! with a fixed number of git processes, whatever the size of the change.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

fn staged(dir: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec!["scan", "--staged", "--format", "json", "--no-report"];
    args.extend_from_slice(extra);
    let out = leakgate(dir, &args);
    let text = stdout(&out);
    assert_no_secret("stdout", &text);
    assert_no_secret("stderr", &stderr(&out));
    let v = serde_json::from_str(&text).unwrap_or(Value::Null);
    (out.status.code(), v, stderr(&out))
}

fn paths(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn leak(secret: &str) -> String {
    format!("# notes\n\nsome text\napi_secret={secret}\n")
}

#[test]
fn a_staged_secret_fails_with_its_staged_path_line_and_source() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, "docs/notes.md", &leak(&generic_secret()));
    write(dir, "src/ok.txt", "nothing here\n");
    git(dir, &["add", "."]);
    let (code, v, err) = staged(dir, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(v["status"], "fail");
    assert_eq!(v["stats"]["files_scanned"], 2);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "docs/notes.md");
    assert_eq!(f["line"], 4);
    assert_eq!(f["source"]["type"], "staged");
    assert!(f["masked"].as_str().unwrap().starts_with("****"));
}

#[test]
fn a_partially_staged_file_is_judged_by_its_staged_content() {
    let repo = git_repo();
    let dir = repo.path();
    // The secret is staged, then removed from the working tree: the commit would still hold it.
    write(dir, "docs/notes.md", &leak(&generic_secret()));
    git(dir, &["add", "docs/notes.md"]);
    write(dir, "docs/notes.md", "# notes\n\nsome text\n");
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&v), ["docs/notes.md"]);

    // Clean content staged, the secret only in the working tree: the commit is clean.
    git(dir, &["add", "docs/notes.md"]);
    write(dir, "docs/notes.md", &leak(&generic_secret()));
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["stats"]["files_scanned"], 1);
}

#[test]
fn only_added_modified_and_renamed_files_are_read() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, "old/place.md", &leak(&generic_secret()));
    write(dir, "gone.md", &leak(&generic_secret()));
    write(dir, "same.md", "unchanged\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "--no-verify", "-m", "history"]);
    // Nothing staged: nothing to scan, even though committed files hold secrets.
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(v["stats"]["files_scanned"], 0);
    // A rename is scanned under its new path; a deletion has nothing to scan.
    std::fs::create_dir_all(dir.join("new")).unwrap();
    git(dir, &["mv", "old/place.md", "new/place.md"]);
    git(dir, &["rm", "-q", "gone.md"]);
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&v), ["new/place.md"]);
}

#[test]
fn explicit_files_are_scanned_regardless_of_scopes_but_not_excludes() {
    let repo = git_repo();
    let dir = repo.path();
    write(
        dir,
        ".leakgate.toml",
        "[scan]\nscopes = [\"docs\"]\nexclude = [\"vendor/**\"]\n",
    );
    write(dir, "src/settings.py", &leak(&generic_secret()));
    write(dir, "vendor/lib/x.md", &leak(&generic_secret()));
    write(dir, "docs/a.md", "fine\n");
    git(dir, &["add", "."]);
    // The whole staged change: only the docs scope counts, as in CI with this config.
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["stats"]["files_scanned"], 1);
    // Named files (pre-commit's list) are scanned whatever the scopes; excludes still apply.
    let (code, v, _) = staged(dir, &["src/settings.py", "vendor/lib/x.md", "docs/a.md"]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&v), ["src/settings.py"]);
    assert_eq!(v["stats"]["skipped"]["excluded"], 1);
}

#[test]
fn named_files_are_read_from_the_index_from_any_directory() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, "docs/deep/notes.md", &leak(&generic_secret()));
    git(dir, &["add", "."]);
    write(dir, "docs/deep/notes.md", "clean in the working tree\n");
    // From a subdirectory, names are relative to it and findings stay repository-relative.
    let (code, v, err) = staged(&dir.join("docs"), &["deep/notes.md"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(paths(&v), ["docs/deep/notes.md"]);
    // A named file that is not in the index has no staged content.
    write(dir, "untracked.md", &leak(&generic_secret()));
    let (code, v, _) = staged(dir, &["untracked.md"]);
    assert_eq!(code, Some(0), "{v}");
}

#[test]
fn binary_and_utf16_blobs_are_handled_like_files() {
    let repo = git_repo();
    let dir = repo.path();
    let mut bin = leak(&generic_secret()).into_bytes();
    bin.insert(0, 0);
    std::fs::write(dir.join("blob.bin"), bin).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in leak(&generic_secret()).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.join("wide.txt"), utf16).unwrap();
    git(dir, &["add", "."]);
    let (code, v, _) = staged(dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&v), ["wide.txt"]);
    assert_eq!(v["stats"]["skipped"]["binary"], 1);
}

#[test]
fn the_report_is_written_and_not_scanned_when_staged() {
    let repo = git_repo();
    let dir = repo.path();
    write(
        dir,
        "reports/security/latest.json",
        &leak(&generic_secret()),
    );
    write(dir, "reports/daily.json", "{}\n");
    git(dir, &["add", "-f", "."]);
    let out = leakgate(dir, &["scan", "--staged", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("reports/security/latest.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["stats"]["files_scanned"], 1);
}

#[test]
fn outside_a_repository_staged_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = leakgate(dir.path(), &["scan", "--staged", "--no-report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("git"), "{}", stderr(&out));
}

/// Latency by construction: a 600-file change (more than one batch of blobs) costs the same few
/// git processes as a 3-file one. Files unchanged since `git add` are read from the work tree
/// (their object id checked), so git reads blobs only for the others, in one process.
#[cfg(unix)]
#[test]
fn git_runs_a_fixed_number_of_times_whatever_the_change() {
    use std::os::unix::fs::PermissionsExt;
    let repo = git_repo();
    let dir = repo.path();
    for i in 0..600 {
        write(dir, &format!("docs/f{i}.md"), &format!("page {i}\n"));
    }
    git(dir, &["add", "."]);
    let real = String::from_utf8(git(dir, &["--exec-path"]).stdout).unwrap();
    let real_git = Path::new(real.trim()).join("git");
    let shim = tempfile::tempdir().unwrap();
    let log = shim.path().join("calls.log");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        real_git.display()
    );
    let git_shim = shim.path().join("git");
    std::fs::write(&git_shim, script).unwrap();
    std::fs::set_permissions(&git_shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        shim.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cases = [
        (false, vec![]),
        (false, vec!["docs/f1.md", "docs/f2.md", "docs/f3.md"]),
        (true, vec![]),
        (true, vec!["docs/f1.md", "docs/f2.md", "docs/f3.md"]),
    ];
    for (edited, names) in cases {
        if edited {
            // Changed in the work tree after staging: only git has the staged bytes.
            for i in 0..600 {
                write(
                    dir,
                    &format!("docs/f{i}.md"),
                    &format!("page {i}, edited\n"),
                );
            }
        }
        let _ = std::fs::remove_file(&log);
        let out = assert_cmd::Command::cargo_bin("leakgate")
            .unwrap()
            .current_dir(dir)
            .env("PATH", &path)
            .args(["scan", "--staged", "--no-report", "--format", "json"])
            .args(&names)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let want = if names.is_empty() { 600 } else { names.len() };
        assert_eq!(v["stats"]["files_scanned"], want);
        let calls = std::fs::read_to_string(&log).unwrap();
        let n = calls.lines().count();
        assert!(n <= 3, "{n} git processes:\n{calls}");
        assert_eq!(
            calls.matches("cat-file --batch").count(),
            usize::from(edited),
            "a blob reader only for blobs the work tree does not hold: {calls}"
        );
    }
}
