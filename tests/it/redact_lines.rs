//! `leakgate redact` keeps the input's line structure: a multi-line secret (a PEM key body) is
//! masked line by line, so the redacted output has as many lines as the input and every finding
//! after the secret stays on its line number.

use crate::util::synthetic;
use leakgate::detect::Scanner;
use leakgate::engine::{Pipeline, scan_bytes};
use leakgate::finding::Source;
use leakgate::redact::Redactor;
use leakgate::rules::RulePack;

fn scanner() -> Pipeline {
    Pipeline::new(Scanner::new(RulePack::builtin().unwrap()))
}

fn redact(s: &Pipeline, input: &str) -> String {
    let mut out = Vec::new();
    Redactor::new(s, "app.log")
        .run(input.as_bytes(), &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// A key body of `lines` lines of 64 base64 characters, joined by `eol`.
fn pem_body(seed: u64, lines: u64, eol: &str) -> String {
    (0..lines)
        .map(|i| synthetic(seed * 100 + i, 64))
        .collect::<Vec<_>>()
        .join(eol)
}

/// A log with PEM blocks among ordinary lines and a secret on a line after each block.
fn log_with_keys(eol: &str, indent: &str) -> String {
    let mut log = String::new();
    for i in 0..4u64 {
        log.push_str(&format!("2024-05-01T12:00:0{i}Z INFO step {i}{eol}"));
        log.push_str(&format!("{indent}-----BEGIN RSA PRIVATE KEY-----{eol}"));
        let body = pem_body(i + 1, 5 + i, eol)
            .split(eol)
            .map(|l| format!("{indent}{l}"))
            .collect::<Vec<_>>()
            .join(eol);
        log.push_str(&format!("{body}{eol}"));
        log.push_str(&format!("{indent}-----END RSA PRIVATE KEY-----{eol}"));
        log.push_str(&format!(
            "2024-05-01T12:00:1{i}Z WARN retry with api_secret={} now{eol}",
            synthetic(900 + i, 32)
        ));
    }
    log
}

/// (rule, line) of every finding in `text`.
fn finding_lines(s: &Pipeline, text: &str) -> Vec<(String, usize)> {
    let mut scratch = leakgate::detect::Scratch::default();
    let mut cands = Vec::new();
    scan_bytes(
        s,
        "app.log",
        &Source::File,
        text.as_bytes(),
        &mut scratch,
        &mut cands,
    )
    .into_iter()
    .map(|f| (f.rule_id, f.line))
    .collect()
}

#[test]
fn a_masked_pem_body_keeps_its_lines() {
    let s = scanner();
    for (eol, indent) in [("\n", ""), ("\r\n", ""), ("\n", "    ")] {
        let raw = log_with_keys(eol, indent);
        let out = redact(&s, &raw);
        let what = format!("eol {eol:?}, indent {indent:?}");
        assert_eq!(
            out.split('\n').count(),
            raw.split('\n').count(),
            "{what}: the line count changed"
        );
        // Line by line: a line is either unchanged or masked whole (its secret part).
        for (n, (got, want)) in out.split('\n').zip(raw.split('\n')).enumerate() {
            let masked_line = got.trim_end_matches('\r').trim_start().starts_with("****");
            assert!(
                got == want || masked_line || got.contains("api_secret=****"),
                "{what}: line {} is neither kept nor masked",
                n + 1
            );
            assert_eq!(
                got.ends_with('\r'),
                want.ends_with('\r'),
                "{what}: line {} lost its CR",
                n + 1
            );
        }
        for i in 0..4u64 {
            let body = pem_body(i + 1, 5 + i, eol);
            for l in body.split(eol) {
                assert!(!out.contains(l), "{what}: a key line passed through");
            }
        }
        // The findings after each key are where they were: the masks sit on the same lines.
        let found: Vec<usize> = finding_lines(&s, &raw)
            .into_iter()
            .filter(|(rule, _)| !rule.starts_with("private-key"))
            .map(|(_, line)| line)
            .collect();
        assert_eq!(found.len(), 4, "{what}: {found:?}");
        let out_lines: Vec<&str> = out.split('\n').collect();
        for line in found {
            assert!(
                out_lines[line - 1].contains("api_secret=****"),
                "{what}: the secret of line {line} is no longer on line {line}"
            );
        }
    }
}

#[test]
fn redacted_output_scans_clean_and_keeps_lines_when_fed_in_pieces() {
    let s = scanner();
    let raw = log_with_keys("\n", "");
    let whole = redact(&s, &raw);
    for piece in [1usize, 13, 700] {
        let mut r = Redactor::new(&s, "app.log");
        let mut out = Vec::new();
        for chunk in raw.as_bytes().chunks(piece) {
            r.feed(chunk, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), whole, "pieces of {piece}");
    }
    assert!(
        finding_lines(&s, &whole).is_empty(),
        "the redacted log still has findings"
    );
}
