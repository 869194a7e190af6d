//! A file with more findings than a report lists: the first 1,000 (`--max-findings-per-file`)
//! are listed, the rest are counted in the summary, judged by the gate and the baseline, and
//! every output says how many were not listed for which file; whether the file is read whole or
//! streamed in chunks.

use crate::util::*;
use leakgate::detect::checksum::base62;
use leakgate::engine::Pipeline;
use serde_json::Value;

/// A GitHub token with a valid checksum.
fn token(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

/// `n` lines, each with one token (none that reads as a placeholder).
fn log(n: u64) -> String {
    (1..)
        .map(token)
        .filter(|t| !leakgate::classify::is_placeholder(t.as_bytes()))
        .take(n as usize)
        .map(|t| format!("t={t}\n"))
        .collect()
}

fn scan(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["scan", "--no-env", "--include-logs", "--format", "json"];
    all.extend_from_slice(args);
    let out = leakgate(dir, &all);
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (out.status.code().unwrap(), v)
}

fn count_of(v: &Value, path: &str) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .count()
}

#[test]
fn findings_past_the_limit_are_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    // Read whole (under 2 MiB) and streamed (over 2 MiB, 2 MiB chunks).
    write_files(
        dir.path(),
        &[
            ("small.log", log(3_000)),
            ("big.log", log(60_000)),
            ("few.log", log(5)),
        ],
    );
    assert!(std::fs::metadata(dir.path().join("big.log")).unwrap().len() > 2 << 20);
    let (code, v) = scan(dir.path(), &[]);
    assert_eq!(code, 1, "the gate fails");
    assert_eq!(v["status"], "fail");
    assert_eq!(v["summary"]["new"], 63_005, "every finding is counted");
    assert_eq!(v["summary"]["by_rule"]["github-classic-pat"], 63_005);
    assert_eq!(v["summary"]["by_severity"]["critical"], 63_005);
    assert_eq!(count_of(&v, "small.log"), 1_000);
    assert_eq!(count_of(&v, "big.log"), 1_000);
    assert_eq!(count_of(&v, "few.log"), 5);
    // The first findings of each file are the ones listed.
    let lines: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "big.log")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, (1..=1_000).collect::<Vec<_>>());
    let unlisted = v["unlisted"].as_array().unwrap();
    assert_eq!(unlisted.len(), 2, "{unlisted:?}");
    assert_eq!(unlisted[0]["path"], "big.log");
    assert_eq!(unlisted[0]["listed"], 1_000);
    assert_eq!(unlisted[0]["not_listed"], 59_000);
    assert_eq!(unlisted[0]["new"], 59_000);
    assert_eq!(unlisted[1]["path"], "small.log");
    assert_eq!(unlisted[1]["not_listed"], 2_000);
    // The same counts as a scan that lists every finding.
    let (_, all) = scan(dir.path(), &["--max-findings-per-file", "0"]);
    assert_eq!(all["findings"].as_array().unwrap().len(), 63_005);
    assert_eq!(all["summary"], v["summary"]);

    // A lower limit, and none.
    let (_, v) = scan(dir.path(), &["--max-findings-per-file", "10", "small.log"]);
    assert_eq!(v["summary"]["new"], 3_000);
    assert_eq!(count_of(&v, "small.log"), 10);
    assert_eq!(v["unlisted"][0]["not_listed"], 2_990);
    let (_, v) = scan(dir.path(), &["--max-findings-per-file", "0", "small.log"]);
    assert_eq!(count_of(&v, "small.log"), 3_000);
    assert!(v.get("unlisted").is_none());
}

#[test]
fn every_output_says_what_was_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("app.log", log(1_200))]);
    let run = |format: &str| {
        let out = leakgate(
            dir.path(),
            &[
                "scan",
                "--no-env",
                "--include-logs",
                "--no-report",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        stdout(&out)
    };
    let say = "stopped listing after 1000 findings: 200 more are counted in the summary but not listed (200 new, 0 baselined, 0 suppressed)";
    assert!(
        run("human").contains(&format!("note: app.log: {say}")),
        "human"
    );
    assert!(run("github").contains("::warning file=app.log,"), "github");
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["level"], "warning");
    assert_eq!(notes[0]["message"]["text"], format!("app.log: {say}"));
    let jsonl = run("jsonl");
    let line = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["kind"] == "unlisted")
        .expect("an unlisted record");
    assert_eq!(line["not_listed"], 200);
    let junit = run("junit");
    assert!(
        junit.contains("findings not listed in app.log") && junit.contains("type=\"unlisted\""),
        "junit"
    );
    assert!(junit.contains("failures=\"1001\""), "junit counts");
    let md = run("markdown");
    assert!(
        md.contains("- `app.log`: 1000 listed, 200 more not listed (200 new)"),
        "{md}"
    );
}

#[test]
fn the_baseline_accepts_findings_that_are_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("app.log", log(1_500))]);
    let out = leakgate(
        dir.path(),
        &[
            "baseline",
            "--no-env",
            "--include-logs",
            "--reason",
            "legacy log",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let b: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(".leakgate-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(b["entries"].as_array().unwrap().len(), 1_500);
    let (code, v) = scan(dir.path(), &[]);
    assert_eq!(code, 0, "every finding is baselined: {}", v["summary"]);
    assert_eq!(v["summary"]["baselined"], 1_500);
    assert_eq!(v["summary"]["new"], 0);
    assert_eq!(v["unlisted"][0]["baselined"], 500);
    assert_eq!(v["baseline"]["matched"], 1_500);
    assert!(v["baseline"]["stale"].as_array().unwrap().is_empty());
    // A new token past the limit fails the gate, though it is not listed.
    let mut text = log(1_500);
    text.push_str(&format!("t={}\n", token(99_999)));
    write_files(dir.path(), &[("app.log", text)]);
    let (code, v) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["new"], 1);
    assert_eq!(v["unlisted"][0]["new"], 1);
    assert_eq!(count_of(&v, "app.log"), 1_000);
}

/// Findings are built a batch of lines at a time: a buffer with many findings gives, line for
/// line, what a scan of each line alone gives (masks of every secret on the line, one finding
/// per secret per line, the specific rule over the generic, multi-line and decoded secrets).
#[test]
fn findings_built_in_batches_are_those_of_their_lines() {
    use base64::Engine;
    use leakgate::detect::{Scanner, Scratch};
    use leakgate::engine::scan_bytes;
    use leakgate::finding::Source;
    let s = Pipeline::new(Scanner::new(leakgate::rules::RulePack::builtin().unwrap()));
    let blocks: Vec<String> = (0..12_000u64)
        .map(|i| match i % 6 {
            0 => format!("t={} and again {}\n", token(i), token(i)),
            1 => format!(
                "GITHUB_TOKEN={} api_secret={}\n",
                token(i),
                synthetic(i, 32)
            ),
            2 if i % 60 == 2 => format!(
                "key:\n-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----\n",
                synthetic(i, 64),
                synthetic(i + 1, 64)
            ),
            3 => format!(
                "payload={}\n",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("GITHUB_TOKEN={}", token(i)))
            ),
            4 => format!(
                "AKIA{} x\n",
                synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", i, 16)
            ),
            _ => "plain line\n".to_string(),
        })
        .collect();
    let text: String = blocks.concat();
    let key = |f: &leakgate::finding::Finding, line0: usize| {
        (
            f.line + line0,
            f.column,
            f.end_line + line0,
            f.end_column,
            f.rule_id.clone(),
            f.masked.clone(),
            f.snippet.clone(),
            f.fingerprint.clone(),
        )
    };
    let (mut scratch, mut cands) = (Scratch::default(), Vec::new());
    let mut whole: Vec<_> = scan_bytes(
        &s,
        "a.log",
        &Source::File,
        text.as_bytes(),
        &mut scratch,
        &mut cands,
    )
    .iter()
    .map(|f| key(f, 0))
    .collect();
    assert!(whole.len() > 9_000, "{} findings", whole.len());
    let mut alone = Vec::new();
    let mut line0 = 0;
    for b in &blocks {
        for f in scan_bytes(
            &s,
            "a.log",
            &Source::File,
            b.as_bytes(),
            &mut scratch,
            &mut cands,
        ) {
            alone.push(key(&f, line0));
        }
        line0 += b.matches('\n').count();
    }
    whole.sort();
    alone.sort();
    assert_eq!(whole.len(), alone.len());
    assert!(
        whole == alone,
        "batched findings differ from the lines' own"
    );
}
