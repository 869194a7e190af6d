//! `leakgate scan -`: stdin is one input, named `<stdin>` (or `--stdin-name NAME`) in every
//! output, with `source` type `stdin`; the gate judges it as it judges a file, within the
//! `max_file_size` budget. `-` with other paths is a usage error.

use crate::util::*;
use leakgate::detect::checksum::base62;
use serde_json::Value;
use std::path::Path;

/// A GitHub classic token with a valid checksum.
fn ghp(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

fn scan_stdin(dir: &Path, args: &[&str], input: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--no-report", "--no-env"])
        .args(args)
        .write_stdin(input.as_bytes().to_vec())
        .output()
        .unwrap()
}

#[test]
fn a_token_on_stdin_fails_the_gate_under_the_stdin_name() {
    let dir = tempfile::tempdir().unwrap();
    let token = ghp(31);
    let input = format!("build step 3\nGITHUB_TOKEN={token}\ndone\n");
    let out = scan_stdin(dir.path(), &["--format", "json", "-"], &input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(&token[4..]), "stdout holds the token");
    assert!(
        !stderr(&out).contains(&token[4..]),
        "stderr holds the token"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], "fail");
    assert_eq!(v["stats"]["files_scanned"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "<stdin>");
    assert_eq!(f["line"], 2);
    assert_eq!(f["rule_id"], "github-classic-pat");
    assert_eq!(f["source"]["type"], "stdin");
    assert_eq!(f["masked"], format!("****{}", &token[token.len() - 4..]));

    // Human output names it too; a clean stdin passes.
    let out = scan_stdin(dir.path(), &["--color", "never", "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("<stdin>"), "{}", stdout(&out));
    assert!(!stdout(&out).contains(&token[4..]));
    let out = scan_stdin(dir.path(), &["-"], "nothing to see\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn stdin_name_names_it_and_the_config_applies() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leakgate.toml",
        "[[allow]]\nreason = \"sandbox\"\npaths = [\"docs/sandbox/**\"]\n",
    );
    let input = format!("GITHUB_TOKEN={}\n", ghp(32));
    let args = [
        "--format",
        "sarif",
        "--stdin-name",
        "docs/runbooks/deploy.md",
        "-",
    ];
    let out = scan_stdin(dir.path(), &args, &input);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "docs/runbooks/deploy.md");

    // The allowlist of the root's config matches the name; so from a subdirectory.
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    let args = [
        "--format",
        "json",
        "--stdin-name",
        "docs/sandbox/keys.md",
        "-",
    ];
    for cwd in [dir.path().to_path_buf(), dir.path().join("docs")] {
        let out = scan_stdin(&cwd, &args, &input);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["findings"][0]["state"], "suppressed");
        assert_eq!(v["findings"][0]["path"], "docs/sandbox/keys.md");
    }

    // Excluded like an explicit file of that name.
    write(
        dir.path(),
        ".leakgate.toml",
        "[scan]\nexclude = [\"tests/fixtures/**\"]\n",
    );
    let args = [
        "--format",
        "json",
        "--stdin-name",
        "tests/fixtures/t.log",
        "-",
    ];
    let out = scan_stdin(dir.path(), &args, &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stats"]["skipped"]["excluded"], 1);
    assert_eq!(v["stats"]["files_scanned"], 0);
}

#[test]
fn stdin_is_held_to_max_file_size() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leakgate.toml",
        "[scan]\nmax_file_size = 1000\n",
    );
    let input = "x\n".repeat(1000);
    let out = scan_stdin(dir.path(), &["--format", "json", "-"], &input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["path"], "<stdin>");
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("max_file_size"), "{message}");
    assert_eq!(v["stats"]["bytes_scanned"], 1000);
}

#[test]
fn stdin_with_other_paths_or_modes_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "text\n");
    for args in [
        vec!["-", "a.md"],
        vec!["a.md", "-"],
        vec!["--staged", "-"],
        vec!["--git", "-"],
        vec!["--stdin-name", "x.md", "a.md"],
    ] {
        let out = scan_stdin(dir.path(), &args, "text\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("stdin"), "{args:?}: {err}");
    }
}
