//! A token whose format is proven (a distinctive prefix and bounded length, or a passing checksum)
//! is reported wherever it sits: before `(`, `[` or `::` (not "a code expression"), right after a
//! `\n`, `\t` or `\r\n` escape in a JSON string (the escape's letter must not hide its start), and
//! with `xxxx` inside a checksum-valid GitHub token (not "a placeholder"). The filters still drop
//! what they are for: a generic rule's code expression, a placeholder in a provider's format.

use crate::util::*;
use leakgate::detect::checksum::base62;

/// `prefix` + `body` + the base62 CRC32 of `body` (GitHub and npm token checksums).
fn with_crc(prefix: &str, body: &str) -> String {
    format!(
        "{prefix}{body}{}",
        base62(crc32fast::hash(body.as_bytes()), 6)
    )
}

/// Synthetic tokens of proven formats, by the rule that must report them.
fn tokens(seed: u64) -> Vec<(&'static str, String)> {
    let digits = |s: u64, n: usize| synthetic_in(b"0123456789", s, n);
    vec![
        ("github-classic-pat", with_crc("ghp_", &synthetic(seed, 30))),
        (
            "npm-access-token",
            with_crc("npm_", &synthetic(seed + 1, 30)),
        ),
        (
            "aws-access-key-id",
            format!(
                "AKIA{}",
                synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed + 2, 16)
            ),
        ),
        (
            "slack-bot-token",
            format!(
                "xoxb-{}-{}-{}",
                digits(seed + 3, 12),
                digits(seed + 4, 13),
                synthetic(seed + 5, 24)
            ),
        ),
        (
            "stripe-live-secret-key",
            format!("sk_live_{}", synthetic(seed + 6, 24)),
        ),
        (
            "telegram-bot-token",
            format!(
                "{}:AA{}",
                synthetic_in(b"123456789", seed + 7, 10),
                synthetic_in(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                    seed + 8,
                    33
                )
            ),
        ),
    ]
}

/// The lines a proven token must be reported in (`{T}` is the token).
const CONTEXTS: [(&str, &str); 9] = [
    ("call", "token={T}(prod)"),
    ("index", "token={T}[0]"),
    ("path", "token={T}::default"),
    ("bare-call", "deploy({T}(x))"),
    ("json-n", r#"{"log":"x\n{T}\n"}"#),
    ("json-t", r#"{"log":"x\t{T}\t"}"#),
    ("json-rn", r#"{"log":"x\r\n{T}\r\n"}"#),
    ("json-n-key", r#"{"msg":"env:\nTOKEN={T}\nok"}"#),
    ("plain", "token={T}"),
];

/// Scans `files` (path, text) with `--explain-suppressed`: exit code and report.
fn scan(files: &[(String, String)]) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    scan_json(dir.path(), &["--include-logs", "--explain-suppressed", "."])
}

/// The rule ids of the findings (not dropped) reported in `path`.
fn rules_in(report: &serde_json::Value, path: &str) -> Vec<String> {
    findings_of(report)
        .into_iter()
        .filter(|(p, _, _, state)| p == path && state != "dropped")
        .map(|(_, _, rule, _)| rule)
        .collect()
}

#[test]
fn proven_tokens_are_reported_before_code_punctuation_and_after_json_escapes() {
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for (seed, ext) in [(11, "log"), (29, "md")] {
        for (rule, token) in tokens(seed) {
            for (name, line) in CONTEXTS {
                let path = format!("logs/{rule}-{name}-{seed}.{ext}");
                files.push((path.clone(), format!("{}\n", line.replace("{T}", &token))));
                expected.push((path, rule));
            }
        }
    }
    let (code, report) = scan(&files);
    assert_eq!(code, 1);
    let missed: Vec<String> = expected
        .iter()
        .filter(|(path, rule)| !rules_in(&report, path).iter().any(|r| r == rule))
        .map(|(path, rule)| format!("{path} ({rule})"))
        .collect();
    assert!(missed.is_empty(), "not reported: {missed:#?}");
}

#[test]
fn a_checksum_valid_github_token_with_xxxx_inside_is_not_a_placeholder() {
    let mut files = Vec::new();
    for (i, at) in [0usize, 9, 26].into_iter().enumerate() {
        let mut body = synthetic(40 + i as u64, 26);
        body.insert_str(at, if i == 1 { "XXXX" } else { "xxxx" });
        let token = with_crc("ghp_", &body);
        files.push((format!("docs/t{i}.md"), format!("GITHUB_TOKEN={token}\n")));
        files.push((format!("docs/c{i}.md"), format!("token={token}(prod)\n")));
    }
    let (code, report) = scan(&files);
    assert_eq!(code, 1);
    for (path, _) in &files {
        assert_eq!(
            rules_in(&report, path),
            ["github-classic-pat"],
            "{path}: {:?}",
            findings_of(&report)
        );
    }
}

#[test]
fn the_filters_still_drop_what_they_are_for() {
    // Placeholders in a provider's format: filler that fails the checksum, the AWS documentation
    // key, a long filler run in a prefixed token.
    let filler_pat = format!("ghp_{}", "x".repeat(36));
    let aws_doc = concat!("AKIAIOSFOD", "NN7EXAMPLE");
    let stripe_filler = format!("sk_live_{}{}", synthetic(3, 32), "x".repeat(8));
    let files = [
        // A generic match that is a call, an index, a path: code, not a literal.
        (
            "src/a.rs",
            format!("password = getPassword{}(prod)\n", synthetic(1, 10)),
        ),
        (
            "src/b.rs",
            format!("secret = cfg{}[key]\n", synthetic(2, 12)),
        ),
        ("docs/c.md", format!("GITHUB_TOKEN={filler_pat}\n")),
        ("docs/d.md", format!("AWS_ACCESS_KEY_ID={aws_doc}\n")),
        ("docs/e.md", format!("STRIPE_KEY={stripe_filler}\n")),
    ];
    let files: Vec<(String, String)> = files.into_iter().map(|(p, t)| (p.to_string(), t)).collect();
    let (code, report) = scan(&files);
    assert_eq!(code, 0, "{:?}", findings_of(&report));
    let dropped = report["dropped"].as_array().expect("dropped list");
    let reason = |path: &str| -> Vec<String> {
        dropped
            .iter()
            .filter(|d| d["path"] == path)
            .filter_map(|d| d["suppression_reason"].as_str().map(str::to_string))
            .collect()
    };
    for path in ["src/a.rs", "src/b.rs"] {
        assert!(
            reason(path).iter().any(|r| r.contains("code expression")),
            "{path}: {:?}",
            reason(path)
        );
    }
    assert!(
        reason("docs/d.md")
            .iter()
            .any(|r| r.contains("placeholder")),
        "{:?}",
        reason("docs/d.md")
    );
    assert!(
        reason("docs/e.md")
            .iter()
            .any(|r| r.contains("placeholder")),
        "{:?}",
        reason("docs/e.md")
    );
}
