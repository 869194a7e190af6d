//! The CI-facing formats end to end: `--format github` (workflow commands, escaped),
//! `--format junit` (well-formed XML, one case per finding), `--format markdown` and
//! `leakgate report summary` (the job summary), and `leakgate merge` (org-wide reports). Every
//! output is checked to hold no planted secret.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

fn scan(dir: &Path, format: &str) -> (Option<i32>, String) {
    let out = leakgate(
        dir,
        &["scan", "--include-logs", "--no-report", "--format", format],
    );
    let text = stdout(&out);
    assert_no_secret(format, &text);
    assert_no_secret("stderr", &stderr(&out));
    (out.status.code(), text)
}

fn report_of(dir: &Path) -> Value {
    let out = leakgate(
        dir,
        &["scan", "--include-logs", "--no-report", "--format", "json"],
    );
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn github_format_annotates_each_new_finding() {
    let dir = tree("gate/leaky");
    let (code, text) = scan(dir.path(), "github");
    assert_eq!(code, Some(1));
    let v = report_of(dir.path());
    let new = v["summary"]["new"].as_u64().unwrap() as usize;
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), new, "{text}");
    for c in &commands {
        assert!(c.starts_with("::error file="), "{c}");
        let (props, message) = c["::error ".len()..].split_once("::").unwrap();
        for key in ["file=", "line=", "endLine=", "col=", "endColumn=", "title="] {
            assert!(props.contains(key), "{c}");
        }
        assert!(message.contains("masked ****"), "{c}");
    }
    assert!(text.lines().last().unwrap().starts_with("leakgate: "));
}

#[test]
fn github_format_escapes_properties_and_levels_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docs/a,b:c%d.md",
        &format!("api_secret={}\n", generic_secret()),
    );
    let out = leakgate(
        dir.path(),
        &[
            "scan",
            "--no-report",
            "--format",
            "github",
            "--fail-on",
            "critical",
        ],
    );
    let text = stdout(&out);
    assert_no_secret("github", &text);
    assert_eq!(
        out.status.code(),
        Some(0),
        "below --fail-on the gate passes"
    );
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with("::warning file=docs/a%2Cb%3Ac%25d.md,line=1,"),
        "{line}"
    );
}

#[test]
fn junit_is_well_formed_with_a_failure_per_new_finding() {
    let dir = tree("gate/leaky");
    write(
        dir.path(),
        "docs/allowed.md",
        &format!(
            "api_secret={} <!-- leakgate:allow test <fixture> & \"quotes\" -->\n",
            generic_secret()
        ),
    );
    let (code, xml) = scan(dir.path(), "junit");
    assert_eq!(code, Some(1));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let v = report_of(dir.path());
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let findings = v["findings"].as_array().unwrap().len();
    assert_eq!(cases.len(), findings);
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures as u64, v["summary"]["new"].as_u64().unwrap());
    let skipped: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0]
            .attribute("message")
            .unwrap()
            .contains("<fixture> & \"quotes\""),
        "attribute text round-trips through escaping"
    );
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(
        suite.attribute("failures"),
        Some(failures.to_string().as_str())
    );
}

#[test]
fn junit_of_a_clean_scan_has_one_passing_case() {
    let dir = tree("gate/clean");
    let (code, xml) = scan(dir.path(), "junit");
    assert_eq!(code, Some(0));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 1);
    assert!(!xml.contains("<failure"));
}

#[test]
fn markdown_summary_from_the_scan_and_from_the_report_file_agree() {
    let dir = tree("gate/leaky");
    let (code, md) = scan(dir.path(), "markdown");
    assert_eq!(code, Some(1));
    assert!(md.starts_with("## leakgate: ❌ fail"), "{md}");
    assert!(md.contains("| rule | new findings |"), "{md}");
    assert!(md.contains("`docs/keys.md:"), "{md}");
    assert!(md.contains("****"), "{md}");

    let out = leakgate(dir.path(), &["scan", "--include-logs", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    let out = leakgate(dir.path(), &["report", "summary"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let from_file = stdout(&out);
    assert_no_secret("report summary", &from_file);
    // The same document but for the scan's duration and byte counts line.
    let body = |s: &str| s.lines().skip(3).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&from_file), body(&md));
}

#[test]
fn merge_joins_reports_and_fails_when_any_repository_fails() {
    let leaky = tree("gate/leaky");
    let clean = tree("gate/clean");
    for d in [&leaky, &clean] {
        leakgate(d.path(), &["scan", "--include-logs", "-q"]);
    }
    let out_dir = tempfile::tempdir().unwrap();
    let merged = out_dir.path().join("org.json");
    let report = |d: &tempfile::TempDir| {
        d.path()
            .join("reports/security/latest.json")
            .display()
            .to_string()
    };
    let out = leakgate(
        out_dir.path(),
        &[
            "merge",
            &format!("api={}", report(&leaky)),
            &format!("web={}", report(&clean)),
            "--output",
            merged.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&merged).unwrap();
    assert_no_secret("merged report", &text);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "leakgate/merged-report/v1");
    assert_eq!(v["status"], "fail");
    assert_eq!(v["summary"]["repos"], 2);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["repos"][0]["name"], "api");
    assert_eq!(v["repos"][1]["status"], "pass");
    let leaky_new = v["repos"][0]["report"]["summary"]["new"].as_u64().unwrap();
    assert_eq!(v["summary"]["new"].as_u64().unwrap(), leaky_new);

    let out = leakgate(out_dir.path(), &["report", "summary", "org.json"]);
    let md = stdout(&out);
    assert_no_secret("merged summary", &md);
    assert!(md.contains("## leakgate org audit: ❌ fail"), "{md}");
    assert!(md.contains("| api | ❌ fail |"), "{md}");
    assert!(md.contains("| web | ✅ pass |"), "{md}");

    // Only passing repositories: the merge passes.
    let out = leakgate(out_dir.path(), &["merge", &report(&clean)]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn merge_rejects_what_is_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.json", "{\"schema\": \"something/else\"}");
    let out = leakgate(dir.path(), &["merge", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a leakgate report"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_progress_bar_unless_stderr_is_a_terminal() {
    let dir = tree("gate/leaky");
    for extra in [&[][..], &["--format", "github"][..]] {
        let mut args = vec!["scan", "--include-logs", "--no-report"];
        args.extend_from_slice(extra);
        let out = leakgate(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out),
            "",
            "stderr is a pipe here: nothing but errors goes there"
        );
    }
}
