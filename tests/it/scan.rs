//! End-to-end tests of `leakgate scan` over fixture trees: the gate's verdict and exit code, the
//! report file, every output format masked, scopes, exclusions and error entries.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

fn report(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("reports/security/latest.json")).unwrap();
    assert_no_secret("latest.json", &text);
    serde_json::from_str(&text).unwrap()
}

fn finding_paths(v: &Value) -> Vec<String> {
    let mut paths: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.dedup();
    paths
}

#[test]
fn leaky_tree_fails_the_gate_with_every_finding_masked() {
    let dir = tree("gate/leaky");
    let out = leakgate(dir.path(), &["scan", "--include-logs", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_no_secret("human output", &stdout(&out));
    assert_no_secret("stderr", &stderr(&out));

    let v = report(dir.path());
    assert_eq!(v["status"], "fail");
    assert_eq!(v["schema"], "leakgate/report/v1");
    let paths = finding_paths(&v);
    for expected in [
        "data/bot1/logs/app.log",
        "docs/keys.md",
        "docs/ops/rotation.md",
        "docs/runbook.md",
        "reports/exchange_snapshots/latest.json",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "no finding in {expected}: {paths:?}"
        );
    }
    for f in v["findings"].as_array().unwrap() {
        let masked = f["masked"].as_str().unwrap();
        assert!(masked.starts_with("****"), "{masked}");
        let len = f["secret_len"].as_u64().unwrap();
        assert_eq!(masked.len(), if len >= 16 { 8 } else { 4 }, "{f}");
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
        assert!(f["snippet"].as_str().unwrap().contains(masked));
    }
    // Every planted secret is found: the gate has full recall on its own fixture.
    let total = v["summary"]["new"].as_u64().unwrap();
    assert!(total >= 12, "expected every planted secret, got {total}");
}

#[test]
fn every_format_is_masked() {
    let dir = tree("gate/leaky");
    for format in ["human", "json", "jsonl", "sarif"] {
        let out = leakgate(
            dir.path(),
            &[
                "scan",
                "--include-logs",
                "--no-report",
                "--format",
                format,
                "--color",
                "always",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_no_secret(format, &stdout(&out));
        assert_no_secret(format, &stderr(&out));
    }
    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--sarif", "out.sarif"],
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert_no_secret("SARIF file", &sarif);
}

#[test]
fn clean_tree_with_references_and_masks_passes() {
    let dir = tree("gate/clean");
    let out = leakgate(dir.path(), &["scan", "--include-logs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = report(dir.path());
    assert_eq!(v["status"], "pass");
    assert_eq!(v["summary"]["new"], 0, "{}", v["findings"]);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn ignored_logs_are_scanned_only_with_the_logs_scope() {
    let dir = tree("gate/leaky");
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    assert!(!finding_paths(&v).iter().any(|p| p.starts_with("data/")));
    let out = leakgate(dir.path(), &["scan", "--include-logs"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    assert!(
        finding_paths(&v)
            .iter()
            .any(|p| p.starts_with("data/bot1/logs/"))
    );
}

#[test]
fn scope_restricts_the_scan() {
    let dir = tree("gate/leaky");
    let out = leakgate(dir.path(), &["scan", "--scope", "reports"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    let paths = finding_paths(&v);
    assert!(!paths.is_empty());
    assert!(paths.iter().all(|p| p.starts_with("reports/")), "{paths:?}");
    assert_eq!(v["scopes"][0]["name"], "reports");

    let out = leakgate(dir.path(), &["scan", "--scope", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown scope `nonsense`"));
}

#[test]
fn report_directory_is_not_scanned() {
    let dir = tree("gate/clean");
    let leak_dir = dir.path().join("reports/security");
    std::fs::create_dir_all(&leak_dir).unwrap();
    // A previous report (or anything else in the output directory) is not a finding source.
    std::fs::write(
        leak_dir.join("previous.json"),
        format!("{{\"api_secret\": \"{}\"}}\n", generic_secret()),
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // With the report elsewhere, the same file is scanned.
    let out = leakgate(dir.path(), &["scan", "--report", "out/latest.json"]);
    assert_eq!(out.status.code(), Some(1));
}

/// The output directory is pruned wherever it sits and however the walk reaches it: deep in the
/// tree, and through a symlink of another name.
#[cfg(unix)]
#[test]
fn a_deep_output_directory_is_skipped_also_through_a_symlink() {
    let dir = tree("gate/clean");
    let out_dir = dir.path().join("build/evidence/security");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(
        out_dir.join("previous.json"),
        format!("{{\"api_secret\": \"{}\"}}\n", generic_secret()),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("links")).unwrap();
    std::os::unix::fs::symlink(&out_dir, dir.path().join("links/sec")).unwrap();
    let report = "build/evidence/security/latest.json";
    let out = leakgate(dir.path(), &["scan", "--report", report]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Elsewhere, the same file is found, once by each path.
    let out = leakgate(dir.path(), &["scan", "--report", "out/latest.json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/latest.json")).unwrap())
            .unwrap();
    let paths = finding_paths(&v);
    assert!(
        paths.contains(&"build/evidence/security/previous.json".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"links/sec/previous.json".to_string()),
        "{paths:?}"
    );
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let dir = tree("gate/clean");
    let mut bytes = format!("api_secret={}\n", generic_secret()).into_bytes();
    bytes.extend_from_slice(&[0, 1, 2, 3]);
    std::fs::write(dir.path().join("docs/blob.md"), bytes).unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(0));
    let v = report(dir.path());
    assert_eq!(v["stats"]["skipped"]["binary"], 1);
}

#[test]
fn utf16_files_are_decoded_and_scanned() {
    let dir = tree("gate/clean");
    let mut bytes = vec![0xFF, 0xFE];
    for u in format!("note\napi_secret={}\n", generic_secret()).encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.path().join("docs/utf16.md"), bytes).unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    let f = &v["findings"][0];
    assert_eq!(f["path"], "docs/utf16.md");
    assert_eq!(f["line"], 2);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_error_entries_that_fail_the_gate() {
    let dir = tree("gate/clean");
    std::os::unix::fs::symlink("..", dir.path().join("docs/loop")).unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v = report(dir.path());
    assert_eq!(v["status"], "fail");
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("loop")),
        "{errors:?}"
    );
    assert!(stdout(&out).contains("error:"));
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_error_entries() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree("gate/clean");
    let p = dir.path().join("docs/secret-notes.md");
    std::fs::write(&p, "nothing\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        return; // running as root: permissions do not apply
    }
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    assert_eq!(v["errors"][0]["path"], "docs/secret-notes.md");
}

#[test]
fn size_budget_makes_an_error_entry_not_a_silent_skip() {
    let dir = tree("gate/clean");
    std::fs::write(
        dir.path().join(".leakgate.toml"),
        "[scan]\nmax_file_size = 100\n",
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("max_file_size"))
    );
}

#[test]
fn excluded_paths_and_fail_on_from_config() {
    let dir = tree("gate/leaky");
    std::fs::write(
        dir.path().join(".leakgate.toml"),
        "[scan]\nexclude = [\"docs/**\", \"reports/**\"]\n",
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    let v = report(dir.path());
    assert_eq!(v["summary"]["new"], 0, "{}", stdout(&out));
    assert!(v["stats"]["skipped"]["excluded"].as_u64().unwrap() >= 2);
    assert_eq!(out.status.code(), Some(0));

    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--fail-on", "critical"],
    );
    let v = report(dir.path());
    let critical = v["summary"]["by_severity"]["critical"].as_u64().unwrap();
    assert_eq!(out.status.code(), Some(if critical > 0 { 1 } else { 0 }));
    assert_eq!(v["fail_on"], "critical");
}

#[test]
fn malformed_config_exits_2_naming_file_line_and_key() {
    let dir = tree("gate/clean");
    std::fs::write(
        dir.path().join(".leakgate.toml"),
        "[scan]\ninclude_logs = true\nfail_on = \"sometimes\"\n",
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".leakgate.toml"), "{err}");
    assert!(err.contains(":3:"), "line 3 in {err}");
    assert!(err.contains("fail_on"), "{err}");
    assert!(!dir.path().join("reports/security/latest.json").exists());
}

#[test]
fn unknown_config_key_is_named() {
    let dir = tree("gate/clean");
    std::fs::write(dir.path().join(".leakgate.toml"), "[scan]\nexclud = []\n").unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exclud"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree("gate/clean");
    let out = leakgate(dir.path(), &["scan", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explicit_file_arguments_are_scanned_even_outside_scopes() {
    let dir = tree("gate/clean");
    std::fs::write(
        dir.path().join("notes.txt"),
        format!("api_secret={}\n", generic_secret()),
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan", "--scope", "docs", "notes.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(dir.path());
    assert_eq!(v["findings"][0]["path"], "notes.txt");
}

#[test]
fn inline_allow_suppresses_with_reason_and_passes() {
    let dir = tree("gate/clean");
    std::fs::write(
        dir.path().join("docs/allowed.md"),
        format!(
            "api_secret={}  <!-- leakgate:allow rotated on 2026-02-01 -->\n",
            generic_secret()
        ),
    )
    .unwrap();
    let out = leakgate(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = report(dir.path());
    assert_eq!(v["summary"]["suppressed"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["state"], "suppressed");
    assert_eq!(
        f["suppression_reason"],
        "allowed inline: rotated on 2026-02-01"
    );
}

#[test]
fn report_is_deterministic() {
    let dir = tree("gate/leaky");
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        leakgate(dir.path(), &["scan", "--include-logs", "-j", threads]);
        let mut v = report(dir.path());
        redact_report(&mut v);
        runs.push(v);
    }
    assert_eq!(runs[0], runs[1]);
}
