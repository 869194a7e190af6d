//! docs/report.schema.json describes latest.json exactly: the reports of scans that exercise every
//! part of the model (pass, fail, read errors, baselined with stale and expired entries,
//! suppressed, dropped candidates, staged, history, unlisted findings, hygiene findings, secrets
//! in paths and under encodings) validate against it, and reports with a field too many or a
//! value outside an enum do not. The schema is a valid draft 2020-12 document, its `$id` is the
//! report's `schema` value, and `leakgate report schema` prints the same file.

use crate::util::report_schema::{assert_valid_report, report_errors, schema};
use crate::util::*;
use base64::Engine;
use leakgate::detect::checksum::base62;
use serde_json::{Value, json};
use std::path::Path;

/// A GitHub classic token with a valid checksum, from a seed.
fn github_token(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

/// Runs a scan that writes reports/security/latest.json in `dir`, and returns the exit code and
/// the report file, after checking it against the schema.
fn scan_report(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["scan", "--no-env", "-q"];
    all.extend_from_slice(args);
    let out = leakgate(dir, &all);
    let code = out.status.code().unwrap_or(-1);
    let text = std::fs::read_to_string(dir.join("reports/security/latest.json"))
        .unwrap_or_else(|e| panic!("no report ({e}); stderr: {}", stderr(&out)));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_valid_report(&v);
    (code, v)
}

/// A report with some of everything in it, for the mutation tests.
fn rich_report() -> Value {
    let dir = tree("gate/leaky");
    write(
        dir.path(),
        "docs/accepted.md",
        &format!("api_secret={}  # gitleaks:allow\n", generic_secret()),
    );
    let (code, v) = scan_json(dir.path(), &["--include-logs", "--explain-suppressed", "."]);
    assert_eq!(code, 1);
    assert!(!v["dropped"].as_array().unwrap().is_empty());
    v
}

#[test]
fn the_schema_is_draft_2020_12_and_names_the_report_schema() {
    let s = schema();
    jsonschema::meta::validate(s).expect("a valid draft 2020-12 schema");
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["$id"], "leakgate/report/v1");
    assert_eq!(s["properties"]["schema"]["const"], "leakgate/report/v1");
}

#[test]
fn report_schema_prints_the_docs_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = leakgate(dir.path(), &["report", "schema"]);
    assert_eq!(out.status.code(), Some(0));
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"),
    )
    .unwrap();
    assert_eq!(
        stdout(&out),
        docs,
        "docs/report.schema.json and src/report/report.schema.json must be the same file"
    );
}

#[test]
fn a_passing_scan_validates() {
    let dir = tree("gate/clean");
    let (code, v) = scan_report(dir.path(), &["--include-logs"]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "pass");
}

#[test]
fn a_failing_scan_with_suppressed_and_decoded_findings_validates() {
    let dir = tree("gate/leaky");
    let token = github_token(31);
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("GITHUB_TOKEN={token}"));
    write(
        dir.path(),
        "docs/encoded.md",
        &format!("payload: {encoded}\n"),
    );
    write(
        dir.path(),
        "docs/accepted.md",
        &format!(
            "api_secret={}  # pragma: allowlist secret\n",
            generic_secret()
        ),
    );
    let (code, v) = scan_report(dir.path(), &["--include-logs"]);
    assert_eq!(code, 1);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["state"] == "new"));
    assert!(findings.iter().any(|f| f["state"] == "suppressed"));
    assert!(
        findings.iter().any(|f| f.get("decoded_from").is_some()),
        "a decoded finding is part of the check"
    );
}

#[test]
#[cfg(unix)]
fn a_scan_with_read_errors_validates() {
    let dir = tree("gate/clean");
    std::os::unix::fs::symlink(dir.path().join("docs"), dir.path().join("docs/loop")).unwrap();
    let (code, v) = scan_report(dir.path(), &["--include-logs"]);
    assert_eq!(code, 1);
    assert!(!v["errors"].as_array().unwrap().is_empty());
}

#[test]
fn baselined_stale_and_expired_validate() {
    let dir = tree("gate/leaky");
    write(
        dir.path(),
        "docs/old.md",
        &format!("api_secret={}\n", generic_secret()),
    );
    let out = leakgate(
        dir.path(),
        &[
            "baseline",
            "--include-logs",
            "--no-env",
            "--reason",
            "accepted",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // One entry expires, one goes stale.
    let path = dir.path().join(".leakgate-baseline.json");
    let mut b: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    b["entries"][0]["expires"] = "2020-01-01".into();
    std::fs::write(&path, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    std::fs::remove_file(dir.path().join("docs/old.md")).unwrap();
    let (_, v) = scan_report(dir.path(), &["--include-logs"]);
    assert!(v["summary"]["baselined"].as_u64().unwrap() > 0);
    let outcome = &v["baseline"];
    assert!(!outcome["stale"].as_array().unwrap().is_empty());
    assert!(!outcome["expired"].as_array().unwrap().is_empty());
}

#[test]
fn dropped_candidates_validate() {
    let dir = tree("gate/clean");
    write(
        dir.path(),
        "docs/example.md",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
    );
    let (_, v) = scan_report(dir.path(), &["--include-logs", "--explain-suppressed"]);
    let dropped = v["dropped"].as_array().expect("dropped candidates listed");
    assert!(dropped.iter().all(|d| d["state"] == "dropped"));
}

#[test]
fn unlisted_findings_validate() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..5)
        .map(|i| format!("token {}\n", github_token(40 + i)))
        .collect();
    write(dir.path(), "logs/many.log", &text);
    let (code, v) = scan_report(
        dir.path(),
        &["--include-logs", "--max-findings-per-file", "1"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["unlisted"][0]["not_listed"], 4);
}

#[test]
fn hygiene_and_path_findings_validate() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, ".env", "APP_MODE=prod\n");
    git(dir, &["add", ".env"]);
    write(
        dir,
        &format!("docs/{}/notes.md", github_token(50)),
        "notes\n",
    );
    let (code, v) = scan_report(dir, &[]);
    assert_eq!(code, 1);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule_id"].as_str().unwrap().starts_with("hygiene-") && f["masked"] == "")
    );
    assert!(
        findings
            .iter()
            .any(|f| f["rule_id"] == "github-classic-pat" && f.get("detail").is_some())
    );
}

#[test]
fn staged_and_history_scans_validate() {
    let repo = git_repo();
    let dir = repo.path();
    write(
        dir,
        "docs/notes.md",
        &format!("token {}\n", github_token(60)),
    );
    git(dir, &["add", "."]);
    let (code, v) = scan_report(dir, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["source"]["type"], "staged");
    git(dir, &["commit", "-q", "-m", "notes"]);
    let (code, v) = scan_report(dir, &["--git"]);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["source"]["type"], "commit");
    assert!(v["stats"]["git"].is_object());
}

#[test]
fn an_extra_field_fails_the_schema() {
    let v = rich_report();
    assert_valid_report(&v);
    for pointer in [
        "",
        "/stats",
        "/summary",
        "/findings/0",
        "/findings/0/source",
        "/rules",
    ] {
        let mut bad = v.clone();
        bad.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("surprise".into(), json!(1));
        assert!(
            !report_errors(&bad).is_empty(),
            "an extra field at `{pointer}` must fail"
        );
    }
}

#[test]
fn a_value_outside_its_enum_or_shape_fails_the_schema() {
    let v = rich_report();
    let mutations: [(&str, Value); 8] = [
        ("/status", json!("error")),
        ("/fail_on", json!("severe")),
        ("/findings/0/state", json!("ignored")),
        ("/findings/0/severity", json!("urgent")),
        ("/findings/0/fingerprint", json!("not-a-fingerprint")),
        // A mask never shows more than 4 characters of a secret.
        ("/findings/0/masked", json!("****abcdefgh")),
        ("/dropped/0/state", json!("new")),
        ("/schema", json!("leakgate/report/v2")),
    ];
    for (pointer, value) in mutations {
        let mut bad = v.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(
            !report_errors(&bad).is_empty(),
            "`{pointer}` = {} must fail",
            bad.pointer(pointer).unwrap()
        );
    }
    let mut missing = v.clone();
    missing.as_object_mut().unwrap().remove("summary");
    assert!(!report_errors(&missing).is_empty(), "a missing field fails");
}
