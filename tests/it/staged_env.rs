//! `leakgate scan --staged` runs the env-file hygiene checks on the index: a staged env or key
//! file fails the pre-commit hook as a tracked one fails a working-tree scan, and the rotation and
//! scope checks read the staged content of env files.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// (rule id, path, line, source type) of the hygiene findings.
fn hygiene(v: &Value) -> Vec<(String, String, u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("hygiene-"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["source"]["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(rule: &str, path: &str, line: u64) -> (String, String, u64, String) {
    (rule.to_string(), path.to_string(), line, "staged".into())
}

fn staged(dir: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec![
        "scan",
        "--staged",
        "--format",
        "json",
        "--no-report",
        "--no-env",
    ];
    args.extend_from_slice(extra);
    let out = leakgate(dir, &args);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", stderr(&out)));
    (out.status.code(), v)
}

const SETTINGS: &str = "LOG_LEVEL=info\nREGION=eu-west-1\n";

#[test]
fn a_staged_env_file_fails_the_hook() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, ".env", SETTINGS);
    write(dir, ".env.example", SETTINGS);
    git(dir, &["add", ".env", ".env.example"]);

    // The plain git hook (the staged changes) and pre-commit (the names it passes).
    for names in [vec![], vec![".env", ".env.example"]] {
        let (code, v) = staged(dir, &names);
        assert_eq!(code, Some(1), "{names:?}: {v}");
        assert_eq!(
            hygiene(&v),
            [row("hygiene-env-file-tracked", ".env", 1)],
            "{names:?}"
        );
        assert_eq!(v["findings"][0]["severity"], "high");
        assert!(
            v["findings"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("staged")
        );
    }
    // The example alone passes; so does a scan whose config turns the check off.
    let (code, v) = staged(dir, &[".env.example"]);
    assert_eq!((code, hygiene(&v)), (Some(0), vec![]), "{v}");
    write(
        dir,
        ".leakgate.toml",
        "[pack]\ndisable = [\"hygiene-env-file-tracked\"]\n",
    );
    let (code, v) = staged(dir, &[]);
    assert_eq!((code, hygiene(&v)), (Some(0), vec![]), "{v}");
    std::fs::remove_file(dir.join(".leakgate.toml")).unwrap();

    // Unstaged again: nothing to judge; from a subdirectory the paths stay the repository's.
    git(dir, &["rm", "--quiet", "--cached", ".env"]);
    let (code, v) = staged(dir, &[]);
    assert_eq!((code, hygiene(&v)), (Some(0), vec![]), "{v}");
    write(dir, "deploy/.env.live", SETTINGS);
    git(dir, &["add", "deploy/.env.live"]);
    let (code, v) = staged(&dir.join("deploy"), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        hygiene(&v),
        [row("hygiene-env-file-tracked", "deploy/.env.live", 1)]
    );
}

#[test]
fn staged_key_files_and_env_content_are_judged_from_the_index() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, "deploy/tls.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n");
    write(dir, "docs/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n");
    write(
        dir,
        "ops/.env.prod",
        "LOG_LEVEL=info\nDB_PASSWORD_ROTATED_AT=2020-01-01\nEXCHANGE_API_SCOPES=read,trade,withdraw\n",
    );
    git(dir, &["add", "."]);
    // The working tree no longer holds what is staged: the index is judged.
    write(dir, "ops/.env.prod", SETTINGS);
    write(dir, "docs/ca.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n");
    let (code, v) = staged(dir, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(
        hygiene(&v),
        [
            row("hygiene-env-file-tracked", "deploy/tls.pem", 1),
            row("hygiene-env-file-tracked", "ops/.env.prod", 1),
            row("hygiene-rotation-overdue", "ops/.env.prod", 2),
            row("hygiene-forbidden-scope", "ops/.env.prod", 3),
        ]
    );
}
