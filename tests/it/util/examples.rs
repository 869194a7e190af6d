//! Shared by the secrecy tests: every rule example of the built-in pack with the secrets the
//! scanner reads in it, lines that put a second, undetected value beside an example, and what text
//! an output may hold whatever it scanned.

#![allow(dead_code)]

use leakgate::detect::{Scanner, Scratch};
use leakgate::engine::Pipeline;
use leakgate::rules::RulePack;
use std::sync::OnceLock;

/// The scanner with the built-in pack.
pub fn scanner() -> &'static Pipeline {
    static S: OnceLock<Pipeline> = OnceLock::new();
    S.get_or_init(|| Pipeline::new(Scanner::new(RulePack::builtin().unwrap())))
}

/// Every example line of the pack (rules without path restrictions) with the secrets the scanner
/// reads in it.
pub fn examples() -> &'static [(String, Vec<String>)] {
    static E: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    E.get_or_init(|| {
        let s = scanner();
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        for rule in s.rules().iter().filter(|r| r.paths.is_none()) {
            for ex in &rule.examples {
                let mut cands = Vec::new();
                s.scanner
                    .scan("docs/notes.md", ex.as_bytes(), &mut scratch, &mut cands);
                // As the findings do: a generic value that runs past a specific rule's token is
                // a misreading, not a secret of its own.
                cands.retain(|c| c.rejected.is_none());
                leakgate::finding::retain_unsubsumed(&s.scanner.pack, &mut cands, |c| c);
                let mut secrets: Vec<String> = cands
                    .iter()
                    .filter(|c| c.rejected.is_none())
                    .map(|c| String::from_utf8_lossy(&ex.as_bytes()[c.secret.clone()]).into_owned())
                    .collect();
                secrets.sort();
                secrets.dedup();
                if !secrets.is_empty() {
                    out.push((ex.clone(), secrets));
                }
            }
        }
        assert!(out.len() > 200, "only {} examples with secrets", out.len());
        out
    })
}

/// The same text with the random part of each secret (its alphanumeric runs of 6 or more with a
/// digit or both cases) replaced by other characters of the same classes: a secret of the same
/// shape that shares no random run with it, while fixed parts (`https://discord.com/api/`,
/// `wandb_v1_`) stay. Its outputs are the baseline of what text an output holds anyway.
pub fn reshaped(text: &str, secrets: &[String], seed: u64) -> String {
    let mut out = text.to_string();
    for (i, s) in secrets.iter().enumerate() {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(i as u64 + 1)
            | 1;
        let mut next = |n: u8| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as u8
        };
        let chars: Vec<char> = s.chars().collect();
        let mut other = String::new();
        let mut i = 0;
        while i < chars.len() {
            let j = (i..chars.len())
                .find(|&j| !chars[j].is_ascii_alphanumeric())
                .unwrap_or(chars.len())
                .max(i + 1);
            let run = &chars[i..j];
            let random = run.len() >= 6
                && (run.iter().any(char::is_ascii_digit)
                    || run.iter().any(char::is_ascii_uppercase)
                        && run.iter().any(char::is_ascii_lowercase));
            for &c in run {
                other.push(match c {
                    'a'..='z' if random => (b'a' + next(26)) as char,
                    'A'..='Z' if random => (b'A' + next(26)) as char,
                    '0'..='9' if random => (b'0' + next(10)) as char,
                    c => c,
                });
            }
            i = j;
        }
        out = out.replace(s.as_str(), &other);
    }
    out
}

/// Lines of the kinds the gate reads, each holding an example line `{e}` (a detected secret) and
/// a second value `{o}` no rule detects.
pub const NEIGHBOURS: [&str; 9] = [
    "{e} {o}",
    "auth failed for key {e} secret {o}",
    "user,{o},{e},done",
    "2026-02-22T08:00:01Z ERROR {e}\tsession={o} retry=3",
    "{\"log\":\"x\\n{e}\\n\",\"session\":\"{o}\"}",
    "{e} again {e}x {o}",
    "token=AbCdEfGh pass={o} {e}",
    "| `{e}` | {o} |",
    "{o}:{e}",
];

/// Text every output may hold whatever was scanned: the rules' ids, titles, references and
/// remediation (a secret's prefix,
/// `wandb`, `ghp_`, is often part of its rule's name).
pub fn fixed_text() -> &'static str {
    static F: OnceLock<String> = OnceLock::new();
    F.get_or_init(|| {
        scanner()
            .rules()
            .iter()
            .map(|r| {
                // SARIF names a rule by its id in CamelCase.
                let camel: String =
                    r.id.split('-')
                        .map(|w| w[..1].to_uppercase() + &w[1..])
                        .collect();
                format!(
                    "{} {camel} {} {} {}\n",
                    r.id,
                    r.title,
                    r.references.join(" "),
                    r.remediation.as_deref().unwrap_or("")
                )
            })
            .collect()
    })
}

/// The runs of `n` characters of `s` without whitespace (a run across a line break of a key
/// body, `    G`, says nothing of the secret).
pub fn windows(s: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars
        .windows(n)
        .filter(|w| !w.iter().any(|c| c.is_whitespace()))
        .map(|w| w.iter().collect())
        .collect()
}
