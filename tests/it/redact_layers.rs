//! `redact` masks what `scan` reports under a decoding layer too: a key written plain, in base64,
//! percent-escaped inside a query string, JSON- and `\u`-escaped, as HTML entities, interleaved
//! with ANSI colour codes, and as a PEM block whose END line runs on for 300,000 bytes. For every
//! form, `scan` finds the key in the input, and `scan` of the redacted output finds nothing; the
//! output keeps the input's lines.

use base64::Engine as _;
use leakgate::detect::{Scanner, Scratch, checksum::base62};
use leakgate::engine::{Pipeline, scan_bytes};
use leakgate::finding::{Finding, Source};
use leakgate::redact::Redactor;
use leakgate::rules::RulePack;

/// A GitHub token with a valid checksum, of a fixed pseudo-random body.
fn github_pat(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let body: String = (0..30)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % 62) as usize] as char
        })
        .collect();
    let sum = base62(crc32fast::hash(body.as_bytes()), 6);
    format!("{}{body}{sum}", ["gh", "p_"].concat())
}

/// An AWS access key id of the documented shape (`AKIA` + 16 base32 characters).
fn aws_key_id(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let body: String = (0..16)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % 32) as usize] as char
        })
        .collect();
    format!("{}{body}", ["AK", "IA"].concat())
}

fn pem_body(seed: u64) -> String {
    let mut x = seed | 1;
    let bytes: Vec<u8> = (0..900)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    b64.as_bytes()
        .chunks(64)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The forms of one key, one per line (the PEM block over several): (what, text).
fn forms(seed: u64) -> Vec<(&'static str, String)> {
    let token = github_pat(seed);
    let key_id = aws_key_id(seed);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let u_escaped: String = token
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let entities: String = token.chars().map(|c| format!("&#{};", c as u32)).collect();
    let (head, tail) = token.split_at(10);
    let pem = ["-----BEGIN RSA ", "PRIVATE KEY-----"].concat();
    let pem_end = ["-----END RSA ", "PRIVATE KEY-----"].concat();
    vec![
        ("plain", format!("deploy token {token} used")),
        (
            "base64",
            format!("config: {}", b64(&format!("GITHUB_TOKEN={token}\n"))),
        ),
        (
            "percent-escaped AWS key in a query string",
            format!("GET /cb?state=x%26key%3D{key_id}%26n%3D1 200"),
        ),
        (
            "percent-escaped token in a query string",
            format!("GET /login?next=%2Fhome%3Ftoken%3D{token} 302"),
        ),
        (
            "JSON-escaped",
            format!(r#"{{"body":"{{\"token\":\"{token}\"}}","n":1}}"#),
        ),
        ("\\u-escaped", format!(r#"{{"t":"{u_escaped}"}}"#)),
        ("HTML entities", format!("<td>{entities}</td>")),
        (
            "ANSI-interleaved",
            format!("\x1b[32mINFO\x1b[0m token {head}\x1b[1m{tail}\x1b[0m"),
        ),
        (
            "PEM block with an overlong END line",
            format!(
                "{pem}\n{}\n{pem_end}{}",
                pem_body(seed),
                "x".repeat(300_000)
            ),
        ),
    ]
}

fn scanner() -> &'static Pipeline {
    static S: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    S.get_or_init(|| Pipeline::new(Scanner::new(RulePack::builtin().unwrap())))
}

fn scan(text: &[u8]) -> Vec<Finding> {
    Scratch::with_local(|scratch| {
        scan_bytes(
            scanner(),
            "logs/app.log",
            &Source::File,
            text,
            scratch,
            &mut Vec::new(),
        )
    })
}

fn redact(text: &[u8], piece: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut r = Redactor::new(scanner(), "logs/app.log");
    for p in text.chunks(piece.max(1)) {
        r.feed(p, &mut out).unwrap();
    }
    r.finish(&mut out).unwrap();
    out
}

#[test]
fn redact_masks_every_form_scan_reports() {
    for seed in 1..=4 {
        for (what, line) in forms(seed) {
            let text = format!("2026-02-22T08:00:01Z start\n{line}\n2026-02-22T08:00:02Z end\n");
            let before = scan(text.as_bytes());
            assert!(
                !before.is_empty(),
                "scan finds the {what} form (seed {seed})"
            );
            for piece in [text.len(), 4096, 7] {
                let out = redact(text.as_bytes(), piece);
                let after = scan(&out);
                assert!(
                    after.is_empty(),
                    "{what} (seed {seed}, pieces of {piece}): scan still finds {:?} in redact's output",
                    after
                        .iter()
                        .map(|f| (&f.rule_id, f.line, &f.decoded_from))
                        .collect::<Vec<_>>()
                );
                assert_eq!(
                    out.iter().filter(|&&b| b == b'\n').count(),
                    text.matches('\n').count(),
                    "{what}: the output keeps the input's lines"
                );
            }
        }
    }
}

#[test]
fn every_form_in_one_file_is_masked() {
    let text: String = (1..=3)
        .flat_map(forms)
        .map(|(_, line)| line + "\n")
        .collect();
    let before = scan(text.as_bytes());
    assert!(before.len() >= 24, "{} findings", before.len());
    let after = scan(&redact(text.as_bytes(), 65536));
    assert!(
        after.is_empty(),
        "{:?}",
        after
            .iter()
            .map(|f| (&f.rule_id, f.line, &f.decoded_from))
            .collect::<Vec<_>>()
    );
}
