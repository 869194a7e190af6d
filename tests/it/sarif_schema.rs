//! Our SARIF is what GitHub code scanning accepts: it validates against the official SARIF 2.1.0
//! JSON schema (tests/data/sarif-schema-2.1.0.json, see tests/data/README.md), with format
//! checks on, for a scan with new findings, an inline-suppressed finding and an input the walk
//! could not read; and it meets the upload rules the schema does not express (relative URIs
//! under a base id, 1-based regions, one rule per id, fingerprints, numeric `security-severity`).

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validate(sarif: &Value) {
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF fails the schema:\n{}",
        errors.join("\n")
    );
}

/// A leaky tree plus an inline-allowed secret and (on Unix) a symlink loop the walk reports.
fn sarif_of_a_scan() -> Value {
    let dir = tree("gate/leaky");
    write(
        dir.path(),
        "docs/accepted notes.md",
        &format!(
            "api_secret={}  <!-- leakgate:allow rotated on 2026-02-01 -->\n",
            generic_secret()
        ),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("docs"), dir.path().join("docs/loop")).unwrap();
    let out = leakgate(
        dir.path(),
        &[
            "scan",
            "--include-logs",
            "--no-report",
            "--sarif",
            "out.sarif",
            "-q",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert_no_secret("SARIF", &text);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // The validator is live: a result without a message is not SARIF.
    let broken = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}]
    });
    let validator = jsonschema::draft4::new(&schema()).unwrap();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_with_new_and_suppressed_findings_validates() {
    let sarif = sarif_of_a_scan();
    validate(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r.get("suppressions").is_none()));
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
}

#[test]
fn sarif_of_a_clean_scan_validates() {
    let dir = tree("gate/clean");
    let out = leakgate(
        dir.path(),
        &["scan", "--include-logs", "--no-report", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    validate(&sarif);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn sarif_meets_code_scanning_upload_rules() {
    let sarif = sarif_of_a_scan();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "one rule per id"
    );
    for r in rules {
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
        assert!(!r["help"]["text"].as_str().unwrap().is_empty());
    }
    assert!(
        run["automationDetails"]["id"]
            .as_str()
            .unwrap()
            .ends_with('/')
    );
    for r in run["results"].as_array().unwrap() {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert_eq!(
            r["partialFingerprints"]["leakgate/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains("://") && !uri.contains(' '),
            "{uri}"
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &loc["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endColumn"].as_u64() > region["startColumn"].as_u64());
    }
    #[cfg(unix)]
    {
        let inv = &run["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let notes = inv["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes[0]["level"], "error");
    }
}
