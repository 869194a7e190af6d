//! Snapshot tests (insta) of the outputs over the gate fixture: the JSON report, SARIF and the
//! human view, with the values that change between runs redacted. A change to a rule or a format
//! shows up here in review.

use crate::util::*;

#[test]
fn json_report_snapshot() {
    let dir = tree("gate/leaky");
    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--no-report", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    redact_report(&mut v);
    insta::assert_json_snapshot!("leaky_report", v);
}

#[test]
fn sarif_snapshot() {
    let dir = tree("gate/leaky");
    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--no-report", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(1));
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    v["runs"][0]["tool"]["driver"]["semanticVersion"] = "[version]".into();
    insta::assert_json_snapshot!("leaky_sarif", v);
}

#[test]
fn human_snapshot() {
    let dir = tree("gate/leaky");
    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--no-report", "--color", "never"],
    );
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("leaky_human", stdout(&out));
}

#[test]
fn clean_human_snapshot() {
    let dir = tree("gate/clean");
    let out = leakgate(dir.path(), &["scan", "--include-logs", "--no-report"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("clean_human", stdout(&out));
}
