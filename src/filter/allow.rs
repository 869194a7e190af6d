//! Config allowlists: the `[[allow]]` tables of `.leakgate.toml`. An entry accepts a finding when
//! the finding's rule is one of the entry's `rules` (or the entry names none), and every kind of
//! matcher the entry sets matches: one of its `paths` globs matches the file, one of its `secrets`
//! regexes matches the secret, one of its `lines` regexes matches the secret's line, one of its
//! `stopwords` occurs in the secret (case-insensitive). Accepted findings are kept in the report
//! as suppressed, with the entry's reason, so the evidence shows what was waved through and why.

use globset::GlobSet;
use regex::bytes::RegexSet;

/// One compiled `[[allow]]` entry.
#[derive(Debug, Clone)]
pub struct AllowEntry {
    /// Position of the entry in the config, for messages (`allow[2]`).
    pub index: usize,
    pub reason: Option<String>,
    /// Rule ids the entry is limited to; empty means every rule.
    pub rules: Vec<String>,
    pub paths: Option<GlobSet>,
    pub secrets: Option<RegexSet>,
    pub lines: Option<RegexSet>,
    /// Lowercase words.
    pub stopwords: Vec<String>,
}

/// Every allow entry of a config.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    pub entries: Vec<AllowEntry>,
    /// Where the entries came from (`.leakgate.toml`), for reasons.
    pub origin: String,
}

impl AllowList {
    /// The suppression reason when an entry accepts `secret` found on `line` of the file at `path`
    /// (relative to the scan root), or `None`.
    pub fn check(&self, rule_id: &str, path: &str, secret: &[u8], line: &[u8]) -> Option<String> {
        self.entries
            .iter()
            .find(|e| e.accepts(rule_id, path, secret, line))
            .map(|e| match &e.reason {
                Some(r) => format!("allowed by {} allow[{}]: {r}", self.origin, e.index),
                None => format!("allowed by {} allow[{}]", self.origin, e.index),
            })
    }
}

impl AllowEntry {
    fn accepts(&self, rule_id: &str, path: &str, secret: &[u8], line: &[u8]) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|r| r == rule_id) {
            return false;
        }
        if let Some(p) = &self.paths
            && !p.is_match(path)
        {
            return false;
        }
        if let Some(s) = &self.secrets
            && !s.is_match(secret)
        {
            return false;
        }
        if let Some(l) = &self.lines
            && !l.is_match(line)
        {
            return false;
        }
        if !self.stopwords.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if !self
                .stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
            {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AllowEntry {
        AllowEntry {
            index: 0,
            reason: Some("docs examples".into()),
            rules: vec![],
            paths: None,
            secrets: None,
            lines: None,
            stopwords: vec![],
        }
    }

    #[test]
    fn every_set_matcher_must_match() {
        let mut e = entry();
        let mut b = globset::GlobSetBuilder::new();
        b.add(crate::glob::build("docs/**").unwrap());
        e.paths = Some(b.build().unwrap());
        e.stopwords = vec!["fixture".into()];
        let list = AllowList {
            entries: vec![e],
            origin: ".leakgate.toml".into(),
        };
        let line = b"token = abcFIXTUREdef";
        assert!(
            list.check("r", "docs/a.md", b"abcFIXTUREdef", line)
                .is_some()
        );
        assert!(
            list.check("r", "src/a.md", b"abcFIXTUREdef", line)
                .is_none()
        );
        assert!(list.check("r", "docs/a.md", b"abcREALdef", line).is_none());
    }

    #[test]
    fn rules_limit_the_entry() {
        let mut e = entry();
        e.rules = vec!["generic-secret-assignment".into()];
        e.lines = Some(RegexSet::new([r"#\s*fixture$"]).unwrap());
        let list = AllowList {
            entries: vec![e],
            origin: "c".into(),
        };
        let line = b"key = v # fixture";
        let why = list.check("generic-secret-assignment", "a", b"v", line);
        assert_eq!(why.as_deref(), Some("allowed by c allow[0]: docs examples"));
        assert!(list.check("aws-access-key-id", "a", b"v", line).is_none());
    }
}
