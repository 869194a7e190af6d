//! Errors never quote input (issue 18, case 4): every error a `.leakgate.toml`, a rule file, an
//! `--env-file` or a baseline can raise exits 2, names the file, the line and the key, and holds
//! no 5-character run of a value planted on the offending line and on the lines around it (a
//! random 40-character base62 string and a `ghp_` token with a valid checksum).

use crate::util::*;
use leakgate::detect::checksum::base62;
use std::process::Output;

/// The planted values: a random base62 string and a GitHub classic token.
fn planted() -> (String, String) {
    let random = synthetic(1801, 40);
    let body = synthetic(1802, 30);
    let token = format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6));
    (random, token)
}

/// `text` with `{R}` and `{G}` replaced by the planted values.
fn plant(text: &str) -> String {
    let (r, g) = planted();
    text.replace("{R}", &r).replace("{G}", &g)
}

/// `text` without whitespace and miette's frame drawing: what miette wraps across lines is
/// whole again.
fn joined(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !"│·╭╮╰╯─┬┴├┤×".contains(*c))
        .collect()
}

/// Whether stderr says `needle`, however miette wrapped it.
fn says(out: &Output, needle: &str) -> bool {
    joined(&stderr(out)).contains(&joined(needle))
}

/// Asserts that no output of `out` holds a 5-character run of `values`, also with miette's
/// line wrapping and frame drawing taken out (a value cut across two lines is still quoted).
fn assert_quotes_nothing(case: &str, out: &Output, values: &[String]) {
    let text = format!("{}{}", stdout(out), stderr(out));
    let joined = joined(&text);
    for v in values {
        let chars: Vec<char> = v.chars().collect();
        for w in chars.windows(5) {
            let w: String = w.iter().collect();
            assert!(
                !text.contains(&w) && !joined.contains(&w),
                "{case}: the output quotes {w:?} of a planted value:\n{text}"
            );
        }
    }
}

/// Asserts exit code 2, and that stderr names `file:line:` (a code frame) and `key`.
fn assert_points_at(case: &str, out: &Output, file: &str, line: usize, key: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{case}: {err}");
    assert!(
        says(out, &format!("{file}:{line}:")),
        "{case}: names {file} line {line}:\n{err}"
    );
    assert!(says(out, key), "{case}: names the key {key}:\n{err}");
}

/// Runs `check` on every case and fails naming every case that failed (each one's panic message
/// is printed above), so one leaky error does not hide another.
fn every_case<C>(cases: &[C], name: impl Fn(&C) -> String, check: impl Fn(&C)) {
    let failed: Vec<String> = cases
        .iter()
        .filter(|c| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(c))).is_err())
        .map(&name)
        .collect();
    assert!(failed.is_empty(), "failing cases: {failed:#?}");
}

fn planted_values() -> Vec<String> {
    let (r, g) = planted();
    vec![r, g]
}

/// Each case: a name, the config (planted values in `{R}` and `{G}`), the key the error
/// names, and its line (counted from the case's first line; a comment holding both values is
/// written above and below it).
const CONFIG_CASES: &[(&str, &str, &str, usize)] = &[
    (
        "bad glob in allow.paths",
        "[[allow]]\nreason = \"{R}\"\npaths = ['{G}/[z-a]']\nstopwords = [\"{R}\"]\n",
        "allow[0].paths",
        3,
    ),
    (
        "bad regex in allow.secrets",
        "[[allow]]\nreason = \"{R}\"\nsecrets = ['^{G}(']\n",
        "allow[0].secrets",
        3,
    ),
    (
        "bad regex in allow.lines",
        "[[allow]]\nlines = ['{R}[', '{G}']\nreason = '{G}'\n",
        "allow[0].lines",
        2,
    ),
    (
        "allow entry without matchers",
        "[[allow]]\nreason = \"{G} {R}\"\nrules = []\n",
        "allow[0]",
        1,
    ),
    (
        "unknown key",
        "[scan]\nfail_onn = \"{G}\"\nexclude = [\"{R}\"]\n",
        "scan.fail_onn",
        2,
    ),
    (
        "a value written as a key",
        "[scan]\n{G} = \"{R}\"\n",
        "scan.<key>",
        2,
    ),
    (
        "a value written as a table",
        "[{R}]\nx = '{G}'\n",
        "<key>",
        1,
    ),
    (
        "bad severity",
        "[scan]\nfail_on = \"{G}\"\ninclude_logs = true\n",
        "scan.fail_on",
        2,
    ),
    (
        "bad size",
        "[scan]\nmax_file_size = \"{R} MiB\"\n",
        "scan.max_file_size",
        2,
    ),
    (
        "bad duration",
        "[scan]\nmax_file_time = \"{R}\"\n",
        "scan.max_file_time",
        2,
    ),
    (
        "unknown scope",
        "[scan]\nscopes = [\"docs\", \"{R}\"]\n",
        "scan.scopes",
        2,
    ),
    (
        "bad glob in scan.exclude",
        "[scan]\nexclude = [\"{G}/**\", \"{R}[z-a]\"]\n",
        "scan.exclude",
        2,
    ),
    (
        "bad glob in a scope",
        "[scopes]\nrunbooks = [\"{R}{\"]\n",
        "scopes.runbooks",
        2,
    ),
    (
        "bad glob in known_values.names",
        "[known_values]\nnames = [\"{G}[\"]\n",
        "known_values.names",
        2,
    ),
    (
        "wrong type",
        "[scan]\ninclude_logs = \"{R}\"\n",
        "scan.include_logs",
        2,
    ),
    (
        "TOML syntax: unquoted string",
        "[scan]\nfail_on = {R}\n",
        "scan.fail_on",
        2,
    ),
    (
        "TOML syntax: unterminated string",
        "[[allow]]\nreason = \"{G}\nsecrets = ['{R}']\n",
        "allow[0].reason",
        2,
    ),
    (
        "TOML syntax: unclosed array",
        "[[allow]]\nsecrets = ['{G}', '{R}'\nreason = '{R}'\n",
        "allow[0].secrets",
        3,
    ),
    (
        "unknown rule id in pack.disable",
        "[pack]\ndisable = [\"{G}\"]\n",
        "pack.disable",
        2,
    ),
    (
        "unknown rule id in allow.rules",
        "[[allow]]\nreason = \"{R}\"\nrules = [\"{G}\"]\npaths = [\"a/**\"]\n",
        "allow[0].rules",
        3,
    ),
    (
        "rule: bad severity",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"{R}\"\nseverity = \"{G}\"\nregex = '({R})'\n",
        "severity",
        4,
    ),
    (
        "rule: bad regex",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"{R}\"\nseverity = \"high\"\nregex = '{G}('\nkeywords = [\"{R}\"]\n",
        "regex",
        5,
    ),
    (
        "rule: a value as its id",
        "[[rules]]\nid = \"{G}\"\ntitle = \"{R}\"\nseverity = \"high\"\nregex = 'a{8}'\n",
        "`id`",
        2,
    ),
    (
        "rule: bad keyword",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"t\"\nseverity = \"high\"\nregex = '{G}'\nkeywords = [\"{R}\u{e9}\"]\n",
        "keywords",
        6,
    ),
    (
        "rule: bad require_classes",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"t\"\nseverity = \"high\"\nregex = '{G}'\nrequire_classes = [\"{R}\"]\n",
        "require_classes",
        6,
    ),
    (
        "rule: bad checksum",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"t\"\nseverity = \"high\"\nregex = 'a{8}'\nchecksum = \"{G}\"\n",
        "checksum",
        6,
    ),
    (
        "rule: bad paths glob",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"{G}\"\nseverity = \"high\"\nregex = 'a{8}'\npaths = [\"{R}[z-a]\"]\n",
        "paths",
        6,
    ),
    (
        "rule: min_entropy out of range",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"{G}\"\nseverity = \"high\"\nregex = '{R}'\nmin_entropy = 99.0\n",
        "min_entropy",
        6,
    ),
    (
        "rule: unknown key",
        "[[rules]]\nid = \"x-rule\"\ntitle = \"t\"\nseverity = \"high\"\nregex = 'a{8}'\nregexx = '{G}'\n",
        "rules[0].regexx",
        6,
    ),
    (
        "rule: duplicate id",
        "[[rules]]\nid = \"dup-rule\"\ntitle = \"{R}\"\nseverity = \"high\"\nregex = 'a{8}'\n\
         [[rules]]\nid = \"dup-rule\"\ntitle = \"{G}\"\nseverity = \"high\"\nregex = 'b{8}'\n",
        "dup-rule",
        7,
    ),
];

#[test]
fn config_errors_name_file_line_and_key_and_quote_nothing() {
    every_case(
        CONFIG_CASES,
        |c| c.0.to_string(),
        |&(case, config, key, line)| {
            let text = plant(&format!("# {{R}} {{G}}\n{config}# {{G}} {{R}}\n"));
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), ".leakgate.toml", &text);
            let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env", "."]);
            assert_points_at(case, &out, ".leakgate.toml", line + 1, key);
            assert_quotes_nothing(case, &out, &planted_values());
        },
    );
}

#[test]
fn rule_file_errors_name_file_line_and_key_and_quote_nothing() {
    let cases = [
        (
            "bad regex",
            "[[rules]]\nid = \"acme-token\"\ntitle = \"{R}\"\nseverity = \"high\"\nregex = '''{G}(?<=x)'''\n",
            "`regex`",
            5,
        ),
        (
            "TOML syntax",
            "[[rules]]\nid = \"acme-token\"\ntitle = \"{R}\nregex = '{G}'\n",
            "title",
            3,
        ),
    ];
    every_case(
        &cases,
        |c| c.0.to_string(),
        |&(case, rule_file, key, line)| {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), "bad.toml", &plant(rule_file));
            let out = leakgate(dir.path(), &["rules", "check", "bad.toml"]);
            assert_points_at(case, &out, "bad.toml", line, key);
            assert_quotes_nothing(case, &out, &planted_values());
        },
    );
}

/// A PEM-shaped body: random base64 lines.
fn pem_body() -> Vec<String> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..3)
        .map(|i| synthetic_in(alphabet, 1900 + i, 64))
        .collect()
}

#[test]
fn env_file_errors_name_file_and_line_and_quote_nothing() {
    let pem = pem_body();
    let pem_file = format!(
        "A_TOKEN={{G}}\n-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        pem.join("\n")
    );
    let cases = [
        (
            "unterminated quote",
            "A_TOKEN={R}\nB_SECRET='{G}\n{R}\n# {G}\n".to_string(),
            "B_SECRET",
            2,
        ),
        (
            "a colon for `=`",
            "A_TOKEN={G}\nAPI_KEY: {R}\nC_KEY={G}\n".to_string(),
            "A_TOKEN",
            2,
        ),
        (
            "a bare value",
            "{R}\nA_KEY={G}\n".to_string(),
            "NAME=value",
            1,
        ),
        ("an unquoted PEM body", pem_file, "A_TOKEN", 2),
        (
            "invalid name",
            "GOOD_KEY={G}\nBAD NAME{R}=x{G}\n".to_string(),
            "invalid variable name",
            2,
        ),
    ];
    let mut values = planted_values();
    values.extend(pem);
    every_case(
        &cases,
        |c| c.0.to_string(),
        |(case, env, key, line)| {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), "ci.env", &plant(env));
            let out = leakgate(
                dir.path(),
                &[
                    "scan",
                    "--no-report",
                    "--no-env",
                    "--env-file",
                    "ci.env",
                    ".",
                ],
            );
            assert_points_at(case, &out, "ci.env", *line, key);
            assert_quotes_nothing(case, &out, &values);
        },
    );
}

#[test]
fn baseline_errors_name_file_line_and_key_and_quote_nothing() {
    let entry = |fingerprint: &str, expires: &str| {
        format!(
            "{{\n  \"schema\": \"leakgate/baseline/v1\",\n  \"entries\": [\n    {{\n      \
             \"fingerprint\": {fingerprint},\n      \"rule_id\": \"x-rule\",\n      \
             \"path\": \"docs/{{G}}.md\",\n      \"reason\": \"{{R}}\",\n      \
             \"added\": \"2026-01-01\",\n      \"expires\": {expires}\n    }}\n  ]\n}}\n"
        )
    };
    let cases = [
        (
            "bad fingerprint",
            entry("\"{R}\"", "\"2026-12-31\""),
            "fingerprint",
            5,
        ),
        (
            "bad expiry",
            entry("\"0123456789abcdef\"", "\"{G}\""),
            "expires",
            10,
        ),
        (
            "wrong type",
            entry("12345", "\"2026-12-31\""),
            "expected 16 hex digits for `fingerprint`",
            5,
        ),
        (
            "bad schema",
            "{\n  \"schema\": \"{G}\",\n  \"entries\": []\n}\n".to_string(),
            "schema",
            2,
        ),
        (
            "unknown key",
            "{\n  \"schema\": \"leakgate/baseline/v1\",\n  \"{R}\": \"{G}\",\n  \"entries\": []\n}\n"
                .to_string(),
            "unknown key",
            3,
        ),
        (
            "JSON syntax",
            "{\n  \"schema\": \"leakgate/baseline/v1\"\n  \"entries\": [{\"path\": \"{G}\", \"reason\": \"{R}\"}]\n}\n"
                .to_string(),
            "invalid JSON",
            3,
        ),
    ];
    every_case(
        &cases,
        |c| c.0.to_string(),
        |(case, baseline, key, line)| {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), ".leakgate-baseline.json", &plant(baseline));
            let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env", "."]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{case}: {err}");
            assert!(
                says(&out, ".leakgate-baseline.json")
                    && says(&out, &format!("at line {line} column")),
                "{case}: names the file and line {line}:\n{err}"
            );
            assert!(says(&out, key), "{case}: names {key}:\n{err}");
            assert_quotes_nothing(case, &out, &planted_values());
        },
    );
}
