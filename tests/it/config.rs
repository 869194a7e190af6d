//! `.leakgate.toml` beyond scopes: `[[allow]]` entries (suppressed with their reason, per rule or
//! global), custom `[[rules]]` (added, or overriding a built-in by id), `[pack] disable`, and
//! errors that name the file, line and key.

use crate::util::*;

fn tree_with(config: &str, files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    std::fs::write(dir.path().join(".leakgate.toml"), config).unwrap();
    dir
}

fn secret_line(name: &str, seed: u64) -> String {
    format!("{name}={}\n", synthetic(seed, 30))
}

#[test]
fn allow_entries_suppress_with_their_reason() {
    let config = r#"
[[allow]]
reason = "sample credentials of the sandbox, documented on purpose"
paths = ["docs/sandbox/**"]

[[allow]]
reason = "lines tagged as fixtures"
rules = ["generic-secret-assignment"]
lines = ['#\s*fixture$']
"#;
    let dir = tree_with(
        config,
        &[
            ("docs/sandbox/keys.md", secret_line("SANDBOX_API_SECRET", 1)),
            (
                "docs/guide.md",
                format!(
                    "{} # fixture\n{}",
                    secret_line("DEMO_API_SECRET", 2).trim_end(),
                    secret_line("PROD_API_SECRET", 3)
                ),
            ),
        ],
    );
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "the untagged production secret still fails");
    let found = findings_of(&v);
    let state = |path: &str, line: u64| {
        found
            .iter()
            .find(|f| f.0 == path && f.1 == line)
            .map(|f| f.3.clone())
    };
    assert_eq!(
        state("docs/sandbox/keys.md", 1).as_deref(),
        Some("suppressed")
    );
    assert_eq!(state("docs/guide.md", 1).as_deref(), Some("suppressed"));
    assert_eq!(state("docs/guide.md", 2).as_deref(), Some("new"));
    let reasons: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["suppression_reason"].as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("allow[0]") && r.contains("sandbox"))
    );
    assert!(reasons.iter().any(|r| r.contains("allow[1]")));
}

#[test]
fn custom_rules_add_override_and_disable() {
    let token = format!("acmedk_{}", synthetic(7, 32));
    let config = r#"
[pack]
disable = ["generic-secret-assignment", "generic-secret-assignment-whole-value"]

[[rules]]
id = "acme-deploy-key"
title = "Acme deploy key"
severity = "critical"
keywords = ["acmedk_"]
regex = '\b(acmedk_[A-Za-z0-9]{32})\b'
examples = ["ACME=acmedk_Q2w8Zr5Tn1Lp7Vx3Kc9Hb4Md6Fj0Sy2Ag"]
negative_examples = ["acmedk_short"]
"#;
    let dir = tree_with(
        config,
        &[(
            "docs/deploy.md",
            format!(
                "deploy with {token}\n{}",
                secret_line("OTHER_API_SECRET", 8)
            ),
        )],
    );
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let rules: Vec<String> = findings_of(&v).into_iter().map(|f| f.2).collect();
    assert_eq!(
        rules,
        ["acme-deploy-key"],
        "custom rule found, generic disabled"
    );
    assert_eq!(v["findings"][0]["severity"], "critical");

    // `rules list` sees the config's rules too.
    let out = leakgate(dir.path(), &["rules", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"acme-deploy-key"));
    assert!(!ids.contains(&"generic-secret-assignment"));
}

#[test]
fn overriding_a_builtin_rule_by_id() {
    let config = r#"
[[rules]]
id = "slack-bot-token"
title = "Slack bot token (team override)"
severity = "low"
keywords = ["xoxb-"]
regex = '\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\b'
"#;
    let token = format!("xoxb-1152809284-4620928858-{}", synthetic(11, 24));
    let dir = tree_with(config, &[("docs/slack.md", format!("SLACK={token}\n"))]);
    let (_, v) = scan_json(dir.path(), &["."]);
    assert_eq!(v["findings"][0]["title"], "Slack bot token (team override)");
    assert_eq!(v["findings"][0]["severity"], "low");
    let (code, _) = scan_json(dir.path(), &["--fail-on", "high", "."]);
    assert_eq!(code, 0, "the override's severity decides the gate");
}

#[test]
fn config_errors_name_file_line_and_key() {
    let cases = [
        (
            "[[allow]]\nreason = \"x\"\nrules = [\"no-such-rule\"]\npaths = [\"a/**\"]\n",
            "no-such-rule",
            3,
        ),
        ("[pack]\ndisable = [\"nope-rule\"]\n", "nope-rule", 2),
        (
            "[[allow]]\nreason = \"x\"\nlines = ['(unclosed']\n",
            "allow[0].lines",
            3,
        ),
        ("[[allow]]\nreason = \"nothing to match\"\n", "allow[0]", 1),
        (
            "[[rules]]\nid = \"x-rule\"\ntitle = \"X\"\nseverity = \"urgent\"\nregex = '(a{8})'\n",
            "severity",
            4,
        ),
        // A user rule's regex is built at load (the built-in pack's on first use), so a regex
        // too big to build is an error at its key, not a failure in the middle of a scan.
        (
            "[[rules]]\nid = \"huge-rule\"\ntitle = \"X\"\nseverity = \"high\"\nregex = '[a-z]{1000}{1000}'\nkeywords = [\"a\"]\n",
            "regex",
            5,
        ),
    ];
    for (config, needle, line) in cases {
        let dir = tree_with(config, &[("docs/a.md", "nothing\n".to_string())]);
        let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env", "."]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{config}: {err}");
        assert!(err.contains(".leakgate.toml"), "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
        assert!(
            err.contains(&format!(".leakgate.toml:{line}:")),
            "line {line}: {err}"
        );
    }
}

#[test]
fn min_confidence_runs_only_rules_at_or_above_it() {
    let files = [(
        "notes.md",
        format!(
            "api_secret = \"{}\"\ngithub = {}\n",
            generic_secret(),
            token_secret()
        ),
    )];
    let rules = |config: &str| {
        let dir = tree_with(config, &files);
        let (_, v) = scan_json(dir.path(), &["."]);
        let mut ids: Vec<String> = findings_of(&v).into_iter().map(|f| f.2).collect();
        ids.sort();
        ids
    };
    let all = rules("");
    assert!(all.iter().any(|r| r.starts_with("generic-")), "{all:?}");
    assert!(all.iter().any(|r| r.starts_with("github-")), "{all:?}");
    let high = rules("[pack]\nmin_confidence = \"high\"\n");
    assert!(!high.iter().any(|r| r.starts_with("generic-")), "{high:?}");
    assert!(high.iter().any(|r| r.starts_with("github-")), "{high:?}");

    let dir = tree_with("[pack]\nmin_confidence = \"sure\"\n", &files);
    let out = leakgate(dir.path(), &["scan", ".", "--no-report"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("pack.min_confidence"), "{err}");
    assert!(err.contains(".leakgate.toml"), "{err}");
}
