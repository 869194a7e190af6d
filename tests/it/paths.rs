//! Paths are named relative to the project root whatever directory the command names or runs
//! from: the nearest directory holding `.leakgate.toml` (up to the git top-level), else the git
//! top-level, else the current directory. The config and the baseline found there apply, so
//! `scan docs` at the root, `scan .` in `docs/` and `scan runbooks` in `docs/` agree on paths in
//! every format, on custom rules, allowlists, excludes and the baseline. A path that does not
//! exist is a usage error.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// A custom rule's token (the rule lives in the root's `.leakgate.toml`).
fn acme_token() -> String {
    format!("acmedk_{}", synthetic(21, 32))
}

const CONFIG: &str = r#"
[scan]
exclude = ["docs/private/**"]

[[allow]]
reason = "sandbox keys, documented on purpose"
paths = ["docs/sandbox/**"]

[[rules]]
id = "acme-deploy-key"
title = "Acme deploy key"
severity = "critical"
keywords = ["acmedk_"]
regex = '\b(acmedk_[A-Za-z0-9]{32})\b'
"#;

/// A project: a git repository with a root config, a runbook holding a custom-rule token, a
/// sandbox page the config allows and a private page it excludes.
fn project() -> tempfile::TempDir {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, ".leakgate.toml", CONFIG);
    write(
        dir,
        "docs/runbooks/deploy.md",
        &format!("# Deploy\n\nexport ACME={}\n", acme_token()),
    );
    write(
        dir,
        "docs/sandbox/keys.md",
        &format!("sandbox api_secret={}\n", generic_secret()),
    );
    write(
        dir,
        "docs/private/notes.md",
        &format!("api_secret={}\n", synthetic(22, 40)),
    );
    repo
}

/// Ways to name the docs (or the runbooks in them): from the root and from inside `docs/`.
fn invocations(root: &Path) -> [(std::path::PathBuf, &'static str); 5] {
    [
        (root.to_path_buf(), "docs"),
        (root.join("docs"), "."),
        (root.join("docs"), "runbooks/.."),
        (root.join("docs"), "runbooks"),
        (root.join("docs/runbooks"), "."),
    ]
}

fn scan(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["scan", "--no-report", "--no-env"];
    all.extend_from_slice(args);
    let out = leakgate(dir, &all);
    let text = stdout(&out);
    assert_no_secret("stdout", &text);
    assert_no_secret("stderr", &stderr(&out));
    (out.status.code(), text)
}

/// (rule id, path, state) of each finding.
fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn paths_config_and_allowlists_are_the_roots_from_anywhere() {
    let repo = project();
    for (cwd, path) in invocations(repo.path()) {
        let (code, text) = scan(&cwd, &["--format", "json", path]);
        assert_eq!(code, Some(1), "{path} in {}: {text}", cwd.display());
        let v: Value = serde_json::from_str(&text).unwrap();
        let mut want = vec![(
            "acme-deploy-key".to_string(),
            "docs/runbooks/deploy.md".to_string(),
            "new".to_string(),
        )];
        let whole_docs = cwd.ends_with("docs") && path != "runbooks" || path == "docs";
        if whole_docs {
            want.push((
                "generic-secret-assignment".to_string(),
                "docs/sandbox/keys.md".to_string(),
                "suppressed".to_string(),
            ));
        }
        assert_eq!(findings(&v), want, "{path} in {}", cwd.display());
        let masked = v["findings"][0]["masked"].as_str().unwrap();
        assert!(masked.starts_with("****"), "{masked}");

        let (code, text) = scan(&cwd, &["--format", "sarif", path]);
        assert_eq!(code, Some(1));
        let sarif: Value = serde_json::from_str(&text).unwrap();
        let uris: Vec<&str> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            uris,
            ["docs/runbooks/deploy.md", "docs/sandbox/keys.md"][..want.len()]
        );

        let (code, text) = scan(&cwd, &["--format", "github", path]);
        assert_eq!(code, Some(1));
        let files: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("::"))
            .filter_map(|l| l.split("file=").nth(1))
            .map(|rest| rest.split(',').next().unwrap())
            .collect();
        assert_eq!(files, ["docs/runbooks/deploy.md"], "{text}");
    }
}

#[test]
fn the_roots_baseline_applies_from_anywhere() {
    let repo = project();
    let dir = repo.path();
    let out = leakgate(dir, &["baseline", "--no-env", "--reason", "legacy runbook"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join(".leakgate-baseline.json").is_file());
    for (cwd, path) in invocations(dir) {
        let (code, text) = scan(&cwd, &["--format", "json", path]);
        assert_eq!(code, Some(0), "{path} in {}: {text}", cwd.display());
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["status"], "pass");
        let f = findings(&v);
        assert_eq!(f[0].1, "docs/runbooks/deploy.md");
        assert_eq!(f[0].2, "baselined");
        assert_eq!(v["baseline"]["matched"], 1, "{}", v["baseline"]);
        assert_eq!(v["baseline"]["stale"], serde_json::json!([]));
    }
}

#[test]
fn scopes_resolve_against_the_root() {
    let repo = project();
    let dir = repo.path();
    // `reports/**` is anchored at the root: from `docs/` it names nothing under the scan, and the
    // docs scope (`docs/**`) names the runbook.
    write(
        dir,
        "reports/run.json",
        &format!("{{\"api_secret\": \"{}\"}}\n", synthetic(23, 40)),
    );
    let (code, text) = scan(&dir.join("docs"), &["--format", "json", "--scope", "docs"]);
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
    assert_eq!(paths, ["docs/runbooks/deploy.md", "docs/sandbox/keys.md"]);
    let (code, text) = scan(
        &dir.join("docs"),
        &["--format", "json", "--scope", "reports"],
    );
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = scan(
        &dir.join("docs"),
        &["--format", "json", "--scope", "reports", ".."],
    );
    assert_eq!(code, Some(1), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
    assert_eq!(paths, ["reports/run.json"]);
}

#[test]
fn the_git_top_level_then_the_current_directory_is_the_root_without_a_config() {
    let page = format!("api_secret={}\n", generic_secret());
    // A git repository without a config: its top level.
    let repo = git_repo();
    write(repo.path(), "docs/runbooks/deploy.md", &page);
    // No repository, no config: the current directory.
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "docs/runbooks/deploy.md", &page);
    for (cwd, path) in [
        (repo.path().join("docs/runbooks"), "."),
        (repo.path().to_path_buf(), "docs"),
        (plain.path().to_path_buf(), "docs"),
        (plain.path().to_path_buf(), "docs/runbooks/deploy.md"),
    ] {
        let (code, text) = scan(&cwd, &["--format", "json", path]);
        assert_eq!(code, Some(1), "{path} in {}", cwd.display());
        let v: Value = serde_json::from_str(&text).unwrap();
        let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
        assert_eq!(
            paths,
            ["docs/runbooks/deploy.md"],
            "{path} in {}",
            cwd.display()
        );
    }
}

#[test]
fn a_nested_config_makes_its_directory_the_root() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, "site/.leakgate.toml", CONFIG);
    write(
        dir,
        "site/docs/deploy.md",
        &format!("ACME={}\n", acme_token()),
    );
    let (code, text) = scan(dir, &["--format", "json", "site/docs"]);
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        findings(&v),
        [(
            "acme-deploy-key".to_string(),
            "docs/deploy.md".to_string(),
            "new".to_string()
        )]
    );
}

#[test]
fn paths_outside_the_root_are_named_as_given() {
    let top = tempfile::tempdir().unwrap();
    let repo = top.path().join("repo");
    write(&repo, ".leakgate.toml", "");
    write(
        &repo,
        "docs/a.md",
        &format!("api_secret={}\n", generic_secret()),
    );
    write(
        top.path(),
        "other/notes.md",
        &format!("api_secret={}\n", synthetic(24, 40)),
    );
    let (code, text) = scan(&repo, &["--format", "json", "docs", "../other"]);
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
    assert_eq!(paths, ["../other/notes.md", "docs/a.md"]);
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let repo = project();
    let dir = repo.path();
    for args in [
        vec!["scan", "--no-env", "no/such/dir"],
        vec!["scan", "--no-env", "docs", "missing.md"],
        vec!["scan", "--no-env", "--format", "json", "missing.md"],
        vec!["scan", "--no-env", "--git", "no-such-repo"],
    ] {
        let out = leakgate(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let name = args.last().unwrap();
        let err = stderr(&out);
        assert!(err.contains(name), "{args:?}: {err}");
        assert!(err.contains("does not exist"), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        assert!(
            !dir.join("reports/security/latest.json").exists(),
            "{args:?}: no report for a usage error"
        );
    }
}

#[test]
fn git_history_and_hygiene_use_the_roots_config_and_paths() {
    let repo = project();
    let dir = repo.path();
    write(dir, "docs/ops/.env", "LOG_LEVEL=info\n");
    owner_only(dir, "docs/ops/.env");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "docs"]);

    // The history from a subdirectory: the root's custom rule, repository paths.
    let (code, text) = scan(&dir.join("docs"), &["--format", "json", "--git"]);
    assert_eq!(code, Some(1), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let rules: Vec<(String, String)> = findings(&v)
        .into_iter()
        .filter(|f| f.2 == "new")
        .map(|f| (f.0, f.1))
        .collect();
    assert!(
        rules.contains(&("acme-deploy-key".into(), "docs/runbooks/deploy.md".into())),
        "{rules:?}"
    );

    // The hygiene checks of a directory scan name env files as the rest of the report does.
    for (cwd, path) in [(dir.to_path_buf(), "docs"), (dir.join("docs/ops"), ".")] {
        let (_, text) = scan(&cwd, &["--format", "json", path]);
        let v: Value = serde_json::from_str(&text).unwrap();
        let hygiene: Vec<(String, String)> = findings(&v)
            .into_iter()
            .filter(|f| f.0.starts_with("hygiene-"))
            .map(|f| (f.0, f.1))
            .collect();
        assert_eq!(
            hygiene,
            [(
                "hygiene-env-file-tracked".to_string(),
                "docs/ops/.env".to_string()
            )],
            "{path} in {}",
            cwd.display()
        );
    }
}

#[test]
fn a_directory_named_explicitly_is_scanned_where_the_config_excludes_it() {
    let repo = project();
    let dir = repo.path();
    for (cwd, path) in [
        (dir.to_path_buf(), "docs/private"),
        (dir.join("docs"), "private"),
    ] {
        let (code, text) = scan(&cwd, &["--format", "json", path]);
        assert_eq!(code, Some(1), "{path}: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
        assert_eq!(paths, ["docs/private/notes.md"], "{path}");
    }
    // A file named explicitly is not (pre-commit names every file), nor is the directory in a
    // scan of its parent.
    for path in ["docs/private/notes.md", "docs"] {
        let (_, text) = scan(dir, &["--format", "json", path]);
        let v: Value = serde_json::from_str(&text).unwrap();
        let paths: Vec<String> = findings(&v).into_iter().map(|f| f.1).collect();
        assert!(
            !paths.contains(&"docs/private/notes.md".to_string()),
            "{path}: {paths:?}"
        );
    }
}
