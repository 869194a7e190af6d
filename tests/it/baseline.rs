//! The baseline round trip: create, rescan (all baselined, pass), move lines (no churn), add a new
//! secret (fails), remove a baselined secret (stale entry), expiry honoured, and the file never
//! holds a secret or its mask.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

fn runbook(secrets: &[String], padding: usize) -> String {
    let mut s = String::from("# Rotation runbook\n");
    s.push_str(&"\n".repeat(padding));
    for (i, v) in secrets.iter().enumerate() {
        s.push_str(&format!("export SERVICE_{i}_API_SECRET='{v}'\n"));
    }
    s
}

fn baseline(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "baseline",
        "--no-env",
        "--reason",
        "accepted until rotation",
    ];
    args.extend_from_slice(extra);
    args.push(".");
    leakgate(dir, &args)
}

fn states(v: &Value) -> Vec<String> {
    findings_of(v).into_iter().map(|f| f.3).collect()
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let secrets: Vec<String> = (0..3).map(|i| synthetic(100 + i, 30)).collect();
    write_files(dir.path(), &[("docs/runbook.md", runbook(&secrets, 0))]);

    let (code, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "unbaselined secrets fail");

    let out = baseline(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = std::fs::read_to_string(dir.path().join(".leakgate-baseline.json")).unwrap();
    for s in &secrets {
        assert!(!file.contains(s.as_str()) && !file.contains(&s[s.len() - 4..]));
    }
    let parsed: Value = serde_json::from_str(&file).unwrap();
    let entries = parsed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e["reason"] == "accepted until rotation")
    );

    // Rescan: all baselined, status pass.
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "pass");
    assert_eq!(states(&v), ["baselined"; 3]);
    assert_eq!(v["summary"]["baselined"], 3);

    // Moving the lines changes nothing, and re-baselining does not churn the file.
    write_files(dir.path(), &[("docs/runbook.md", runbook(&secrets, 7))]);
    let (code, _) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "moved lines stay baselined");
    assert_eq!(baseline(dir.path(), &[]).status.code(), Some(0));
    let again = std::fs::read_to_string(dir.path().join(".leakgate-baseline.json")).unwrap();
    assert_eq!(file, again, "no churn");

    // A new secret on a baselined line is new.
    let mut changed = secrets.clone();
    changed[1] = synthetic(200, 30);
    write_files(dir.path(), &[("docs/runbook.md", runbook(&changed, 7))]);
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["new"], 1);
    // ... and the baselined secret it replaced is reported as stale.
    let stale = v["baseline"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["path"], "docs/runbook.md");

    // Removing a baselined secret: a warning, or a failure with --strict.
    write_files(
        dir.path(),
        &[("docs/runbook.md", runbook(&secrets[..2], 0))],
    );
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "stale entries warn");
    assert_eq!(v["baseline"]["stale"].as_array().unwrap().len(), 1);
    let (code, v) = scan_json(dir.path(), &["--strict", "."]);
    assert_eq!(code, 1, "--strict fails on stale entries");
    assert_eq!(v["status"], "fail");
    let human = stdout(&leakgate(
        dir.path(),
        &["scan", "--no-report", "--no-env", "."],
    ));
    assert!(human.contains("matches nothing any more"), "{human}");
}

#[test]
fn expired_entries_stop_suppressing() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = vec![synthetic(300, 30)];
    write_files(dir.path(), &[("docs/runbook.md", runbook(&secrets, 0))]);
    let out = baseline(dir.path(), &["--expires", "2020-01-31"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "an expired entry no longer suppresses");
    assert_eq!(states(&v), ["new"]);
    assert_eq!(v["baseline"]["expired"].as_array().unwrap().len(), 1);

    let out = baseline(dir.path(), &["--expires", "2999-12-31"]);
    assert_eq!(out.status.code(), Some(0));
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0);
    assert_eq!(states(&v), ["baselined"]);

    let out = baseline(dir.path(), &["--expires", "next week"]);
    assert_eq!(out.status.code(), Some(2), "a bad date is a usage error");
}

#[test]
fn baselined_findings_are_suppressed_results_in_sarif() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("docs/runbook.md", runbook(&[synthetic(400, 30)], 0))],
    );
    assert_eq!(baseline(dir.path(), &[]).status.code(), Some(0));
    let out = leakgate(
        dir.path(),
        &["scan", "--no-report", "--no-env", "--format", "sarif", "."],
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["kind"], "external");
    assert!(
        result["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("accepted until rotation")
    );
}

#[test]
fn a_malformed_baseline_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(".leakgate-baseline.json", "{\"schema\": 1}".to_string())],
    );
    let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".leakgate-baseline.json"),
        "{}",
        stderr(&out)
    );
}
