//! Whether a rule's secret is a token format its own bytes prove: every match of the secret group
//! carries one of the rule's keywords (`ghp_`, `AKIA`, `xoxb-`, `:AA`) and is bounded in length.
//! Such a match is a literal token, not a placeholder made of filler, a variable name or a code
//! expression, so the not-a-leak heuristics written for free-form values (`filter`) do not
//! second-guess it; a passing checksum proves the same on its own.
//!
//! The proof is made once per rule, at load, from the regex's syntax tree (`reach` shows the
//! keyword; the tree bounds the length); a rule it cannot prove for, or a `generic` one, keeps
//! every filter.

use super::reach;
use regex_syntax::hir::{Hir, HirKind};

/// Shortest keyword that can prove a format: shorter ones are common in any text.
const MIN_KEYWORD: usize = 3;

/// Whether every match of capture group `group` of `hir` (the whole regex for 0) contains one of
/// `keywords` of at least [`MIN_KEYWORD`] bytes and has a bounded length.
pub fn distinctive(hir: &Hir, group: usize, keywords: &[String]) -> bool {
    let Some(secret) = capture(hir, group) else {
        return false;
    };
    let keywords: Vec<String> = keywords
        .iter()
        .filter(|k| k.len() >= MIN_KEYWORD)
        .cloned()
        .collect();
    secret.properties().maximum_len().is_some() && reach::always_contains(secret, &keywords)
}

/// The subexpression of capture group `index` (the whole of `hir` for 0).
fn capture(hir: &Hir, index: usize) -> Option<&Hir> {
    if index == 0 {
        return Some(hir);
    }
    match hir.kind() {
        HirKind::Capture(c) if c.index as usize == index => Some(hir),
        HirKind::Capture(c) => capture(&c.sub, index),
        HirKind::Repetition(r) => capture(&r.sub, index),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().find_map(|s| capture(s, index))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::distinctive;
    use crate::rules::lazy::LazyRegex;

    fn proven(pattern: &str, keywords: &[&str]) -> bool {
        let (_, group, hir) = LazyRegex::parse(pattern).unwrap();
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        distinctive(&hir, group, &keywords)
    }

    #[test]
    fn a_keyword_inside_a_bounded_secret_proves_the_format() {
        assert!(proven(r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b", &["ghp_"]));
        assert!(proven(
            r"\b((?:AKIA|ASIA)[A-Z2-7]{16})\b",
            &["akia", "asia"]
        ));
        // A keyword inside the token, not at its start.
        assert!(proven(
            r"(?:^|[^A-Za-z0-9_])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)",
            &[":AA"]
        ));
        // The whole match is the secret.
        assert!(proven(r"sk_live_[A-Za-z0-9]{24,247}", &["sk_live_"]));
    }

    #[test]
    fn the_builtin_token_rules_are_distinctive_and_the_name_keyed_ones_are_not() {
        let pack = crate::rules::RulePack::builtin().unwrap();
        let of = |id: &str| {
            let rule = pack.rules.iter().find(|r| r.id == id).expect(id);
            (rule.distinctive, rule.format_proven())
        };
        for id in [
            "aws-access-key-id",
            "slack-bot-token",
            "stripe-live-secret-key",
            "telegram-bot-token",
            "npm-access-token",
            "github-classic-pat",
        ] {
            assert_eq!(of(id), (true, true), "{id}");
        }
        for id in [
            "aws-secret-access-key",
            "telegram-api-hash",
            "npmrc-auth-token",
        ] {
            assert_eq!(of(id), (false, false), "{id}");
        }
        assert!(
            pack.rules
                .iter()
                .filter(|r| r.generic)
                .all(|r| !r.distinctive && !r.format_proven())
        );
    }

    #[test]
    fn a_keyword_outside_the_secret_or_an_unbounded_secret_does_not() {
        // The keyword names the value; the value itself is free-form.
        assert!(!proven(r"api_hash\s*=\s*([0-9a-f]{32})", &["api_hash"]));
        // Not every match holds the keyword.
        assert!(!proven(r"\b((?:AKIA|[A-Z]{4})[A-Z2-7]{16})\b", &["akia"]));
        // Unbounded length.
        assert!(!proven(r"\b(tok_[A-Za-z0-9]{16,})", &["tok_"]));
        // Too short a keyword to prove anything.
        assert!(!proven(r"\b(sk[A-Za-z0-9]{32})\b", &["sk"]));
        // No keywords at all.
        assert!(!proven(r"\b(ghp_[A-Za-z0-9]{36})\b", &[]));
    }
}
