//! What the gate prints holds no secret, and no input slips past it unnamed: the regressions of
//! the adversarial review of the outputs. Each test runs the binary on a generated tree and reads
//! every output it can make: each `--format`, `latest.json` (with `dropped`), the SARIF file,
//! `report summary` (the Action's job summary), `merge`, and stderr.

use crate::util;

use crate::util::{leakgate, synthetic, synthetic_in, write_files};
use leakgate::detect::checksum::base62;
use std::path::Path;

/// A GitHub classic token with a valid checksum.
fn ghp(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

fn aws_id(seed: u64) -> String {
    format!(
        "AKIA{}",
        synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed, 16)
    )
}

fn stripe(seed: u64) -> String {
    format!("sk_live_{}", synthetic(seed, 32))
}

/// Every output format.
const FORMATS: [&str; 7] = [
    "human", "json", "jsonl", "sarif", "github", "junit", "markdown",
];

/// Every output of a scan of `args` in `dir`, joined.
fn all_outputs(dir: &Path, args: &[&str]) -> String {
    outputs_of(dir, args, &FORMATS)
}

/// The outputs of a scan of `args` in `dir` in `formats`, with `latest.json`, the SARIF file,
/// `report summary`, `merge` and stderr, joined.
fn outputs_of(dir: &Path, args: &[&str], formats: &[&str]) -> String {
    let mut all = String::new();
    let report = dir.join("out/latest.json");
    for &format in formats {
        let mut a = vec![
            "scan",
            "--no-env",
            "--explain-suppressed",
            "--format",
            format,
            "--report",
            "out/latest.json",
            "--sarif",
            "out/leakgate.sarif",
        ];
        a.extend_from_slice(args);
        let out = leakgate(dir, &a);
        assert_ne!(out.status.code(), Some(2), "{}", util::stderr(&out));
        all.push_str(&util::stdout(&out));
        all.push_str(&util::stderr(&out));
        all.push_str(&std::fs::read_to_string(&report).unwrap());
        all.push_str(&std::fs::read_to_string(dir.join("out/leakgate.sarif")).unwrap());
    }
    // Fingerprints and the pack digest are hashes: hex runs of a secret may occur in them by
    // chance.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let mut hashes = vec![v["rules"]["pack_digest"].as_str().unwrap_or("").to_string()];
    for list in ["findings", "dropped"] {
        for f in v[list].as_array().into_iter().flatten() {
            hashes.push(f["fingerprint"].as_str().unwrap_or("").to_string());
        }
    }
    let report = report.to_str().unwrap();
    for cmd in [
        vec!["report", "summary", report],
        vec!["merge", report, report],
    ] {
        let out = leakgate(dir, &cmd);
        all.push_str(&util::stdout(&out));
        all.push_str(&util::stderr(&out));
    }
    for h in hashes.iter().filter(|h| h.len() >= 16) {
        all = all.replace(h.as_str(), "[hash]");
    }
    all
}

/// Asserts that `out` holds no run of 5 characters of `value` (its last 4 may follow `****`).
fn assert_hidden(out: &str, what: &str, value: &str) {
    let chars: Vec<char> = value.chars().collect();
    for w in chars.windows(5) {
        let w: String = w.iter().collect();
        assert!(!out.contains(&w), "the outputs hold {w:?} of {what}");
    }
}

#[test]
fn values_beside_a_finding_are_masked_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let token = ghp(1);
    let aws_secret = synthetic_in(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
        2,
        40,
    );
    let password = format!("Tr{}!", synthetic(3, 9));
    let session = synthetic(4, 40);
    let php_secret = format!("{}\\/{}", synthetic(5, 14), synthetic(6, 26));
    let (id, sk) = (aws_id(7), stripe(8));
    let lines = [
        format!("auth failed for key {token} secret {aws_secret}"),
        format!("token={token} pass={password}"),
        format!("{{\"session\":\"{session}\",\"stripe\":\"{sk}\"}}"),
        format!("{{\"AccessKeyId\":\"{id}\",\"SecretAccessKey\":\"{php_secret}\"}}"),
    ];
    let csv = format!("user,password,access_key_id,secret\nbob,{password},{id},{aws_secret}\n");
    write_files(
        dir.path(),
        &[
            ("docs/incident.md", lines.join("\n") + "\n"),
            ("reports/users.csv", csv),
        ],
    );
    let out = all_outputs(dir.path(), &["docs", "reports"]);
    for (what, v) in [
        ("the token", token.as_str()),
        ("the AWS secret", &aws_secret),
        ("the password", &password),
        ("the session", &session),
        ("the escaped secret", &php_secret),
        ("the escaped secret's tail", &php_secret[16..]),
        ("the AWS key id", &id[..id.len() - 4]),
        ("the Stripe key", &sk[..sk.len() - 4]),
    ] {
        assert_hidden(&out, what, v);
    }
}

#[test]
fn a_repeated_secret_is_masked_at_every_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let token = ghp(11);
    write_files(
        dir.path(),
        &[("docs/a.md", format!("ghp={token} again {token}x\n"))],
    );
    let out = all_outputs(dir.path(), &["docs"]);
    assert_hidden(&out, "the token", &token[..token.len() - 4]);
    assert!(!out.contains(&token[4..20]));
}

#[test]
fn dropped_candidates_mask_the_secrets_on_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let token = ghp(21);
    let body: String = (0..3).map(|i| synthetic(30 + i, 64)).collect();
    let pem = format!(
        "{{\"key\":\"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\",\"note\":\"password=changeme\"}}",
        body
    );
    write_files(
        dir.path(),
        &[
            ("docs/a.md", format!("password=changeme token={token}\n")),
            ("reports/key.json", pem + "\n"),
        ],
    );
    let out = leakgate(
        dir.path(),
        &[
            "scan",
            "--no-env",
            "--explain-suppressed",
            "--format",
            "json",
            "--no-report",
            ".",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["dropped"].as_array().unwrap().is_empty(),
        "changeme is dropped"
    );
    let text = util::stdout(&out);
    assert_hidden(&text, "the token", &token[..token.len() - 4]);
    assert_hidden(&text, "the key body", &body[..body.len() - 4]);
}

#[test]
fn secrets_in_file_and_directory_names_are_findings_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let (sk, token) = (stripe(41), ghp(42));
    let path = format!("docs/{sk}/{token}.md");
    write_files(
        dir.path(),
        &[(path.as_str(), "nothing secret here\n".into())],
    );
    let (code, v) = util::scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let mut rules: Vec<String> = util::findings_of(&v)
        .into_iter()
        .map(|(_, _, r, _)| r)
        .collect();
    rules.sort();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("github")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("stripe")), "{rules:?}");
    let out = all_outputs(dir.path(), &["."]);
    assert_hidden(
        &out,
        "the Stripe key in a directory name",
        &sk[..sk.len() - 4],
    );
    assert_hidden(&out, "the token in a file name", &token[..token.len() - 4]);
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_distinct() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let token = ghp(51);
    std::fs::write(
        docs.join(OsStr::from_bytes(b"x\xfe.md")),
        format!("t={token}\n"),
    )
    .unwrap();
    std::fs::write(docs.join(OsStr::from_bytes(b"x\xff.md")), "nothing\n").unwrap();
    std::fs::write(docs.join(OsStr::from_bytes(b"x\xfd.md")), "nothing\n").unwrap();
    let (code, v) = util::scan_json(dir.path(), &["."]);
    assert_eq!(v["stats"]["files_scanned"], 3);
    assert_eq!(code, 1);
    let found = util::findings_of(&v);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "docs/x\\xfe.md");
}

#[cfg(unix)]
#[test]
fn control_characters_in_names_are_escaped_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let token = ghp(61);
    let name = "docs/a\n::error title=forged::x\u{1b}[2J.md";
    write_files(dir.path(), &[(name, format!("t={token}\n"))]);
    let out = all_outputs(dir.path(), &["."]);
    assert!(
        !out.contains('\u{1b}'),
        "an escape character reached the output"
    );
    assert!(
        !out.lines().any(|l| l.starts_with("::error title=forged")),
        "a file name started a workflow command"
    );
    let shown = "docs/a\\n::error title=forged::x\\u{1b}[2J.md";
    assert!(
        out.contains(shown),
        "{}",
        out.lines()
            .filter(|l| l.contains("forged"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every rule's example, each in one of the line shapes beside a second value no rule detects:
/// no output of the binary holds a run of the secret beyond its suffix or any run of the second
/// value. (The formats' renderers get the same property in tests/it/masking.rs, in-process; here
/// the binary's own outputs: stderr, the files it writes, `report summary` and `merge`.) A run counts only when the outputs for the same tree with other random values in their
/// place do not hold it too (and it is not part of a rule's name or documentation).
#[test]
fn no_output_holds_a_rule_example_secret_or_its_neighbour() {
    use util::examples::{NEIGHBOURS, examples, fixed_text, reshaped, windows};
    let (real, shifted) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut checks = Vec::new();
    // The file names: a run of a secret that is also part of a file name (`docs/ex0066.md`) is
    // printed as the name wherever that file has a finding, in one tree and not the other.
    let mut names = String::new();
    // The examples' text outside their secrets is public input (a token's prefix, a key name);
    // another example may print it where its shifted twin, with a value that fails a check, does
    // not.
    let mut public = String::new();
    for (example, secrets) in examples() {
        let mut text = example.clone();
        for s in secrets {
            text = text.replace(s.as_str(), "\n");
        }
        public.push_str(&text);
        public.push('\n');
    }
    for (i, (example, secrets)) in examples().iter().enumerate() {
        let other = synthetic(10_000 + i as u64, 24);
        let shape = NEIGHBOURS[i % NEIGHBOURS.len()];
        let text = format!(
            "intro\n{}\nend\n",
            shape.replace("{e}", example).replace("{o}", &other)
        );
        let path = format!("docs/ex{i:04}.md");
        names.push_str(&path);
        names.push('\n');
        let mut values = vec![other.clone()];
        values.extend(secrets.iter().cloned());
        write_files(
            shifted.path(),
            &[(path.as_str(), reshaped(&text, &values, i as u64))],
        );
        write_files(real.path(), &[(path.as_str(), text)]);
        checks.push((example, secrets, other));
    }
    let formats = ["human", "github"];
    let out = outputs_of(real.path(), &["docs"], &formats);
    let baseline = outputs_of(shifted.path(), &["docs"], &formats);
    for (example, secrets, other) in checks {
        for s in secrets {
            assert!(!out.contains(s.as_str()), "raw secret of {example:?}");
            for w in windows(s, 5) {
                assert!(
                    !out.contains(&w)
                        || baseline.contains(&w)
                        || fixed_text().contains(&w)
                        || names.contains(&w)
                        || public.contains(&w),
                    "the outputs hold {w:?} of a secret of {example:?}"
                );
            }
        }
        for w in windows(&other, 5) {
            assert!(
                !out.contains(&w) || baseline.contains(&w) || names.contains(&w),
                "the outputs hold {w:?} of the value beside {example:?}"
            );
        }
    }
}
