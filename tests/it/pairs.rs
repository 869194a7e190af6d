//! Two-part credentials (`[rules.pair]`): a secret is reported with the other part of its
//! credential (an AWS secret key with its access key id), the nearest one within the rule's lines,
//! masked in every format; a pair that is out of reach is left out, and a malformed `pair` is a
//! config error that names file, line and key.

use crate::util::{self, leakgate, scan_json, synthetic_in, write_files};

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A synthetic access key id (`AKIA` and 16 base32 characters).
fn key_id(seed: u64) -> String {
    format!("AKIA{}", synthetic_in(BASE32, seed, 16))
}

/// A synthetic 40-character secret access key with lower, upper and digit characters.
fn secret_key(seed: u64) -> String {
    format!("{}a7Q", synthetic_in(B64, seed, 37))
}

/// A shared credentials file with a profile per (id, secret).
fn credentials(profiles: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (i, (id, secret)) in profiles.iter().enumerate() {
        let name = if i == 0 {
            "default".to_string()
        } else {
            format!("p{i}")
        };
        text.push_str(&format!("[{name}]\n{}{id}\n", "aws_access_key_id = "));
        text.push_str(&format!("{}{secret}\n\n", "aws_secret_access_key = "));
    }
    text
}

fn secret_findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "aws-secret-access-key")
        .cloned()
        .collect()
}

#[test]
fn each_secret_key_is_reported_with_its_own_access_key_id() {
    let (a, b) = (key_id(1), key_id(2));
    let (sa, sb) = (secret_key(3), secret_key(4));
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("creds.ini", credentials(&[(&a, &sa), (&b, &sb)]))],
    );
    let (code, report) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let found = secret_findings(&report);
    assert_eq!(found.len(), 2, "{report:#}");
    // Profile 1: id on line 2, secret on line 3; profile 2: id on line 6, secret on line 7. The
    // second secret's window (lines 4-10) holds only its own id; the first one's (1-6) holds both,
    // and the nearer is its own.
    for (f, id, id_line) in [(&found[0], &a, 2), (&found[1], &b, 6)] {
        let parts = f["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), 1, "{f:#}");
        let p = &parts[0];
        assert_eq!(p["name"], "access key id");
        assert_eq!(p["line"], id_line);
        assert_eq!(p["column"], 21);
        assert_eq!(p["end_column"], 41);
        assert_eq!(p["masked"], format!("****{}", &id[16..]));
    }
    let text = report.to_string();
    for raw in [&a, &b, &sa, &sb] {
        assert!(
            !text.contains(raw.as_str()),
            "a raw part or secret in the report"
        );
    }
}

#[test]
fn a_part_beyond_the_rules_lines_is_not_paired() {
    let id = key_id(5);
    let secret = secret_key(6);
    let filler = "region = eu-west-1\n".repeat(5);
    let text = format!(
        "{}{id}\n{filler}{}{secret}\n",
        "aws_access_key_id = ", "aws_secret_access_key = "
    );
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("creds.ini", text)]);
    let (_, report) = scan_json(dir.path(), &["."]);
    let found = secret_findings(&report);
    assert_eq!(found.len(), 1);
    assert!(found[0].get("parts").is_none(), "{:#}", found[0]);
}

#[test]
fn every_format_shows_the_part_masked() {
    let id = key_id(7);
    let secret = secret_key(8);
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("creds.ini", credentials(&[(&id, &secret)]))]);
    let masked_id = format!("****{}", &id[16..]);
    for format in ["human", "sarif", "junit", "github", "markdown", "jsonl"] {
        let out = leakgate(
            dir.path(),
            &["scan", ".", "--no-report", "--no-env", "--format", format],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = util::stdout(&out) + &util::stderr(&out);
        assert!(
            text.contains(&masked_id),
            "{format}: the part's mask is missing\n{text}"
        );
        assert!(
            text.contains("access key id"),
            "{format}: the part is not named\n{text}"
        );
        for raw in [&id, &secret] {
            assert!(
                !text.contains(raw.as_str()),
                "{format} holds a raw part or secret"
            );
        }
        if format == "sarif" {
            let v: serde_json::Value = serde_json::from_str(&util::stdout(&out)).unwrap();
            let result = v["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["ruleId"] == "aws-secret-access-key")
                .unwrap()
                .clone();
            let related = &result["relatedLocations"][0];
            assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
            assert_eq!(related["physicalLocation"]["region"]["startColumn"], 21);
            assert_eq!(
                related["message"]["text"],
                format!("access key id {masked_id}")
            );
        }
    }
}

#[test]
fn a_users_rule_can_pair_and_a_bad_pair_names_file_line_and_key() {
    let rule = |pair: &str| {
        format!(
            "[[rules]]\nid = \"acme-secret\"\ntitle = \"Acme secret\"\nseverity = \"high\"\n\
             regex = '''acme_secret=([a-z0-9]{{24}})'''\n{pair}"
        )
    };
    let secret = synthetic_in(b"abcdefghijklmnopqrstuvwxyz0123456789", 9, 24);
    let tenant = synthetic_in(b"abcdefghijklmnopqrstuvwxyz", 10, 12);
    let text = format!("acme_tenant={tenant}\n{}{secret}\n", "acme_secret=");

    let good = rule("[rules.pair]\npart = \"tenant\"\nregex = '''acme_tenant=([a-z]{12})'''\n");
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(".leakgate.toml", good), ("app.log", text.clone())],
    );
    let (_, report) = scan_json(dir.path(), &[".", "--include-logs"]);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "acme-secret")
        .unwrap()
        .clone();
    assert_eq!(f["parts"][0]["name"], "tenant");
    assert_eq!(f["parts"][0]["line"], 1);
    assert_eq!(f["parts"][0]["masked"], "****");

    for (pair, key, line) in [
        (
            "[rules.pair]\npart = \"tenant\"\nregex = '''x'''\nlines = 0\n",
            "pair.lines",
            9,
        ),
        (
            "[rules.pair]\npart = \"tenant\"\nregex = '''(x'''\n",
            "pair.regex",
            8,
        ),
        (
            "[rules.pair]\npart = \"\"\nregex = '''x'''\n",
            "pair.part",
            7,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &[(".leakgate.toml", rule(pair)), ("app.log", text.clone())],
        );
        let out = leakgate(dir.path(), &["scan", ".", "--no-report"]);
        assert_eq!(out.status.code(), Some(2), "{key}");
        let err = util::stderr(&out);
        assert!(err.contains(&format!("`{key}`")), "{key}: {err}");
        assert!(
            err.contains(&format!(".leakgate.toml:{line}")),
            "{key}: {err}"
        );
        assert!(!err.contains(&secret), "{key}: the error quotes input");
    }
}
