//! The built-in rule pack proves itself: every rule's examples are found and its negative
//! examples are not, through the full scanner; metadata is complete; ids are unique.

use crate::util;

use leakgate::rulecheck as check;
use leakgate::rules::RulePack;

#[test]
fn every_builtin_rule_passes_its_own_examples() {
    let pack = RulePack::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let problems = check::check_pack(pack);
    let listing: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}: {}", p.origin, p.rule_id, p.message))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        listing.join("\n")
    );
}

#[test]
fn rules_check_command_passes_on_the_builtin_pack() {
    let dir = tempfile::tempdir().unwrap();
    let out = util::leakgate(dir.path(), &["rules", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", util::stdout(&out));
}

#[test]
fn rules_check_reports_a_broken_custom_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("custom.toml"),
        r#"[[rules]]
id = "acme-token"
title = "Acme token"
severity = "high"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{24})\b'''
references = ["https://acme.invalid/docs/tokens"]
remediation = "Revoke it in the Acme console."
examples = ["ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6", "token acme_short"]
negative_examples = ["acme_${TOKEN}", "ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6"]
"#,
    )
    .unwrap();
    let out = util::leakgate(dir.path(), &["rules", "check", "custom.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let text = util::stdout(&out);
    assert!(text.contains("example 2 is not found"), "{text}");
    assert!(text.contains("negative example 2 is found"), "{text}");
    assert!(text.contains("has no `category`"), "{text}");
    assert!(text.contains("1 rules checked, 3 problems"), "{text}");
}

#[test]
fn rules_check_points_at_a_bad_regex() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[rules]]\nid = \"acme-token\"\ntitle = \"Acme\"\nseverity = \"high\"\nregex = '''acme_(?<=x)'''\n",
    )
    .unwrap();
    let out = util::leakgate(dir.path(), &["rules", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = util::stderr(&out);
    assert!(
        err.contains("bad.toml") && err.contains("`regex`") && err.contains(":5:"),
        "{err}"
    );
}

#[test]
fn rules_list_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = util::leakgate(dir.path(), &["rules", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = v["count"].as_u64().unwrap();
    assert_eq!(n as usize, v["rules"].as_array().unwrap().len());
    let out = util::leakgate(
        dir.path(),
        &["rules", "explain", "generic-secret-assignment"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = util::stdout(&out);
    assert!(
        text.contains("Example (masked)") && text.contains("****"),
        "{text}"
    );
    assert!(text.contains("What to do"));
    let out = util::leakgate(dir.path(), &["rules", "explain", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Where each built-in rule finds the secret of each of its examples: line, column, length and
/// mask, pinned in a snapshot. "Found by this rule" alone would let a regex change that shifts
/// the secret's span (a quote, a prefix or a neighbouring word pulled in) pass unnoticed; after a
/// deliberate change, review the diff and accept it (`cargo insta review`, or
/// `INSTA_UPDATE=always cargo test --test it rules::`).
#[test]
fn rule_examples_pin_their_secrets() {
    use leakgate::detect::{Scanner, Scratch};
    use leakgate::engine::{Pipeline, scan_bytes};
    use leakgate::finding::Source;
    let pack = RulePack::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let pipe = Pipeline::new(Scanner::new(pack));
    let mut scratch = Scratch::default();
    let mut candidates = Vec::new();
    let mut lines = Vec::new();
    for rule in pipe.rules() {
        let path = check::example_path(rule);
        for (i, example) in rule.examples.iter().enumerate() {
            let found: Vec<String> = scan_bytes(
                &pipe,
                &path,
                &Source::File,
                example.as_bytes(),
                &mut scratch,
                &mut candidates,
            )
            .into_iter()
            .filter(|f| f.rule_id == rule.id)
            .map(|f| {
                let parts: String = f
                    .parts
                    .iter()
                    .map(|p| format!(" with {} {}:{} {}", p.name, p.line, p.column, p.masked))
                    .collect();
                format!(
                    "{}:{} len {} {}{parts}",
                    f.line, f.column, f.secret_len, f.masked
                )
            })
            .collect();
            lines.push(format!("{} #{}: {}", rule.id, i + 1, found.join(", ")));
        }
    }
    insta::assert_snapshot!("rule_examples", lines.join("\n"));
}

#[test]
fn rules_list_shows_category_and_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = util::leakgate(dir.path(), &["rules", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert!(rules.len() >= 700, "{}", rules.len());
    for r in rules {
        assert!(r["category"].is_string(), "{r}");
        let c = r["confidence"].as_str().unwrap();
        assert!(["low", "medium", "high"].contains(&c), "{r}");
    }
    let by_id = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("github-classic-pat")["confidence"], "high");
    assert_eq!(by_id("generic-secret-assignment")["confidence"], "low");
    assert_eq!(by_id("github-classic-pat")["category"], "vcs");

    let out = util::leakgate(dir.path(), &["rules", "list"]);
    let text = util::stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("github-classic-pat "))
        .unwrap();
    assert!(line.contains(" vcs ") && line.contains(" high "), "{line}");
}
