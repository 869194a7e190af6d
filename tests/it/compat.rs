//! Compatibility with other scanners: their inline markers (`gitleaks:allow`, detect-secrets'
//! `pragma: allowlist secret` and `pragma: allowlist nextline secret`) suppress findings like
//! `leakgate:allow`, and `leakgate baseline --import` turns a gitleaks JSON report into baseline
//! entries where leakgate finds the same secrets again. All secrets are generated here; no
//! output, baseline or error message may hold one.

use crate::util::*;
use leakgate::detect::checksum::base62;
use serde_json::{Value, json};
use std::path::Path;

fn github_token(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

fn slack_token(seed: u64) -> String {
    let digits = b"0123456789";
    format!(
        "xoxb-{}-{}-{}",
        synthetic_in(digits, seed, 13),
        synthetic_in(digits, seed + 1, 13),
        synthetic(seed + 2, 24)
    )
}

fn aws_key_id(seed: u64) -> String {
    format!(
        "AKIA{}",
        synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed, 16)
    )
}

/// A PEM block of random base64 and its body (what leakgate's rule reports).
fn pem(seed: u64) -> (String, String) {
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = synthetic_in(b64, seed, 64 * 5);
    let body: Vec<&str> = (0..5).map(|i| &raw[i * 64..(i + 1) * 64]).collect();
    let body = body.join("\n");
    (
        format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"),
        body,
    )
}

/// Asserts that none of `secrets` (nor 8 characters in a row of one) is in `text`.
fn assert_none_of(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        let chars: Vec<char> = s.chars().filter(|c| *c != '\n').collect();
        for w in chars.windows(8) {
            let w: String = w.iter().collect();
            assert!(!text.contains(&w), "{what} holds part of a secret");
        }
    }
}

/// One gitleaks finding as gitleaks writes it in a JSON report.
fn gitleaks_finding(rule: &str, file: &str, start: u64, end: u64, secret: &str) -> Value {
    json!({
        "RuleID": rule,
        "Description": "synthetic",
        "StartLine": start,
        "EndLine": end,
        "StartColumn": 1,
        "EndColumn": 2,
        "Match": secret,
        "Secret": secret,
        "File": file,
        "SymlinkFile": "",
        "Commit": "",
        "Entropy": 4.5,
        "Author": "",
        "Email": "",
        "Date": "",
        "Message": "",
        "Tags": [],
        "Fingerprint": format!("{file}:{rule}:{start}"),
    })
}

fn write_report(dir: &Path, findings: &[Value]) {
    write(
        dir,
        "gitleaks-report.json",
        &serde_json::to_string_pretty(&Value::Array(findings.to_vec())).unwrap(),
    );
}

fn baseline_entries(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(".leakgate-baseline.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["entries"].as_array().unwrap().clone()
}

// ---- inline markers ----

#[test]
fn other_tools_inline_markers_suppress_with_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let (t1, t2, t3, t4) = (
        github_token(1),
        github_token(2),
        github_token(3),
        github_token(4),
    );
    write(
        dir.path(),
        "docs/notes.md",
        &format!(
            "# notes\n\
             token {t1}  <!-- gitleaks:allow -->\n\
             token {t2}  # pragma: allowlist secret\n\
             # pragma: allowlist nextline secret\n\
             token {t3}\n\
             token {t4}\n"
        ),
    );
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "the unmarked token still fails the gate");
    let by_line: Vec<(u64, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["state"].as_str().unwrap().to_string(),
                f["suppression_reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_line,
        vec![
            (
                2,
                "suppressed".into(),
                "allowed inline (gitleaks:allow)".into()
            ),
            (
                3,
                "suppressed".into(),
                "allowed inline (pragma: allowlist secret)".into()
            ),
            (
                5,
                "suppressed".into(),
                "allowed inline (pragma: allowlist nextline secret)".into()
            ),
            (6, "new".into(), String::new()),
        ]
    );
    assert_eq!(v["summary"]["suppressed"], 3);
    assert_none_of("the report", &v.to_string(), &[&t1, &t2, &t3, &t4]);
}

#[test]
fn a_fully_marked_file_passes_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config/app.yaml",
        &format!(
            "slack: {}  # gitleaks:allow\naws: {}  # pragma: allowlist secret\n",
            slack_token(10),
            aws_key_id(11)
        ),
    );
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["new"], 0);
    assert_eq!(v["summary"]["suppressed"], 2);
}

// ---- baseline --import ----

/// A tree with secrets gitleaks would report: a GitHub token, a Slack token in a log, an AWS
/// key id, and a PEM key.
struct Tree {
    dir: tempfile::TempDir,
    github: String,
    slack: String,
    aws: String,
    pem: (String, String),
}

fn leaky_tree() -> Tree {
    let t = Tree {
        dir: tempfile::tempdir().unwrap(),
        github: github_token(101),
        slack: slack_token(102),
        aws: aws_key_id(105),
        pem: pem(106),
    };
    let d = t.dir.path();
    write(
        d,
        "docs/runbook.md",
        &format!("# runbook\n\nexport GITHUB_TOKEN={}\n", t.github),
    );
    write(
        d,
        "data/bot1/logs/app.log",
        &format!(
            "09:00 INFO start\n09:01 DEBUG slack ready token={}\n",
            t.slack
        ),
    );
    write(
        d,
        "reports/evidence.json",
        &format!("{{\n  \"aws_access_key_id\": \"{}\"\n}}\n", t.aws),
    );
    write(d, "docs/keys.md", &format!("# keys\n\n{}\n", t.pem.0));
    t
}

impl Tree {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn secrets(&self) -> Vec<&str> {
        vec![&self.github, &self.slack, &self.aws, &self.pem.1]
    }

    /// The report gitleaks would write for this tree (its own rule ids; for the key, its
    /// secret is the whole block, header to footer).
    fn gitleaks_report(&self) -> Vec<Value> {
        vec![
            gitleaks_finding("github-pat", "docs/runbook.md", 3, 3, &self.github),
            gitleaks_finding(
                "slack-bot-token",
                "data/bot1/logs/app.log",
                2,
                2,
                &self.slack,
            ),
            gitleaks_finding(
                "aws-access-token",
                "./reports/evidence.json",
                2,
                2,
                &self.aws,
            ),
            gitleaks_finding("private-key", "docs/keys.md", 3, 9, &self.pem.0),
        ]
    }

    /// Removes the gitleaks report (it holds the raw secrets, so a scan of the tree would find
    /// them there too).
    fn drop_report(&self) {
        std::fs::remove_file(self.path().join("gitleaks-report.json")).unwrap();
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let out = leakgate(self.path(), args);
        let secrets = self.secrets();
        assert_none_of("stdout", &stdout(&out), &secrets);
        assert_none_of("stderr", &stderr(&out), &secrets);
        out
    }
}

#[test]
fn an_imported_gitleaks_report_baselines_what_leakgate_finds_again() {
    let t = leaky_tree();
    write_report(t.path(), &t.gitleaks_report());
    let out = t.run(&["baseline", "--import", "gitleaks-report.json", "--no-env"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("4 of 4 gitleaks findings re-found"),
        "{}",
        stdout(&out)
    );

    let text = std::fs::read_to_string(t.path().join(".leakgate-baseline.json")).unwrap();
    assert_none_of("the baseline", &text, &t.secrets());
    let entries = baseline_entries(t.path());
    let mut got: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().into(),
                e["rule_id"].as_str().unwrap().into(),
                e["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "data/bot1/logs/app.log".into(),
                "slack-bot-token".into(),
                "imported from gitleaks data/bot1/logs/app.log:slack-bot-token:2".into()
            ),
            (
                "docs/keys.md".into(),
                "private-key-pem".into(),
                "imported from gitleaks docs/keys.md:private-key:3".into()
            ),
            (
                "docs/runbook.md".into(),
                "github-classic-pat".into(),
                "imported from gitleaks docs/runbook.md:github-pat:3".into()
            ),
            (
                "reports/evidence.json".into(),
                "aws-access-key-id".into(),
                "imported from gitleaks ./reports/evidence.json:aws-access-token:2".into()
            ),
        ]
    );

    // The gate now passes: every finding is baselined under leakgate's own fingerprints.
    t.drop_report();
    let (code, v) = scan_json(t.path(), &["--include-logs", "."]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["baselined"], 4);
}

#[test]
fn findings_that_cannot_be_refound_are_listed_and_fail_only_with_strict() {
    let t = leaky_tree();
    let mut report = t.gitleaks_report();
    // A secret since removed from its file, a file since deleted, and a path outside the tree.
    let gone = github_token(120);
    report.push(gitleaks_finding(
        "github-pat",
        "docs/runbook.md",
        9,
        9,
        &gone,
    ));
    report.push(gitleaks_finding(
        "generic-api-key",
        "docs/deleted.md",
        4,
        4,
        &gone,
    ));
    report.push(gitleaks_finding(
        "generic-api-key",
        "/nonexistent/x.md",
        1,
        1,
        &gone,
    ));
    write_report(t.path(), &report);

    let out = t.run(&["baseline", "--import", "gitleaks-report.json", "--no-env"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_none_of("stderr", &err, &[&gone]);
    assert!(
        err.contains("3 gitleaks findings could not be re-found"),
        "{err}"
    );
    assert!(
        err.contains(
            "docs/runbook.md:9 (github-pat): no leakgate finding in that file holds that secret"
        ),
        "{err}"
    );
    assert!(
        err.contains("docs/deleted.md:4 (generic-api-key): the file does not exist"),
        "{err}"
    );
    assert!(err.contains("/nonexistent/x.md:1"), "{err}");
    assert!(stdout(&out).contains("4 of 7 gitleaks findings re-found"));
    assert_eq!(
        baseline_entries(t.path()).len(),
        4,
        "the re-found ones are written"
    );

    std::fs::remove_file(t.path().join(".leakgate-baseline.json")).unwrap();
    let out = t.run(&[
        "baseline",
        "--import",
        "gitleaks-report.json",
        "--no-env",
        "--strict",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--strict fails on unmatched findings"
    );
    assert_eq!(
        baseline_entries(t.path()).len(),
        4,
        "and still writes the rest"
    );
}

#[test]
fn an_import_merges_into_the_existing_baseline() {
    let t = leaky_tree();
    // The runbook's token is already baselined, with its own reason.
    let out = t.run(&[
        "baseline",
        "--no-env",
        "--reason",
        "rotated in OPS-12",
        "docs/runbook.md",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(baseline_entries(t.path()).len(), 1);
    write_report(t.path(), &t.gitleaks_report());
    let out = t.run(&[
        "baseline",
        "--import",
        "gitleaks-report.json",
        "--no-env",
        "--expires",
        "2099-12-31",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let entries = baseline_entries(t.path());
    assert_eq!(entries.len(), 4);
    let runbook: Vec<&Value> = entries
        .iter()
        .filter(|e| e["path"] == "docs/runbook.md")
        .collect();
    assert_eq!(runbook.len(), 1);
    assert_eq!(
        runbook[0]["reason"], "rotated in OPS-12",
        "an existing entry is kept"
    );
    assert!(runbook[0].get("expires").is_none());
    let imported = entries.iter().filter(|e| e["path"] != "docs/runbook.md");
    for e in imported {
        assert_eq!(e["expires"], "2099-12-31");
    }
}

#[test]
fn a_redacted_report_is_matched_by_line() {
    let t = leaky_tree();
    // Two tokens on one line: a redacted finding there cannot say which one it was.
    let (a, b) = (github_token(130), github_token(131));
    write(t.path(), "docs/pair.md", &format!("tokens {a} {b}\n"));
    let mut report = t.gitleaks_report();
    for f in report.iter_mut() {
        f["Secret"] = "REDACTED".into();
        f["Match"] = "REDACTED".into();
    }
    report.push(gitleaks_finding(
        "github-pat",
        "docs/pair.md",
        1,
        1,
        "REDACTED",
    ));
    // gitleaks --redact=N keeps the first characters: enough to tell the two apart.
    let kept = format!("{}...", &b[..12]);
    report.push(gitleaks_finding("github-pat", "docs/pair.md", 1, 1, &kept));
    write_report(t.path(), &report);
    let out = t.run(&["baseline", "--import", "gitleaks-report.json", "--no-env"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("5 of 6 gitleaks findings re-found"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out)
            .contains("docs/pair.md:1 (github-pat): several leakgate findings on that line"),
        "{}",
        stderr(&out)
    );
    assert_eq!(baseline_entries(t.path()).len(), 5);
    t.drop_report();
    let (code, v) = scan_json(t.path(), &["--include-logs", "."]);
    assert_eq!(code, 1, "the token gitleaks did not name stays new");
    assert_eq!(v["summary"]["new"], 1);
    assert_eq!(v["summary"]["baselined"], 5);
}

#[test]
fn a_broken_report_is_a_usage_error_that_quotes_nothing() {
    let t = leaky_tree();
    write(
        t.path(),
        "gitleaks-report.json",
        &format!(
            "[{{\"File\": \"docs/runbook.md\", \"StartLine\": \"{}\"}}]",
            t.github
        ),
    );
    let out = t.run(&["baseline", "--import", "gitleaks-report.json", "--no-env"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a gitleaks JSON report"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    assert!(!t.path().join(".leakgate-baseline.json").exists());

    let out = t.run(&["baseline", "--no-env"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--reason is required without --import"
    );
}
