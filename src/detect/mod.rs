//! The hot path: bytes in, candidate secrets out. Pure, no I/O.
//!
//! One Aho-Corasick pass over the rules' keywords says which rules can match in this buffer;
//! only those rules' regexes run, and their validators (entropy, randomness, character classes,
//! checksums) run only on regex matches. Callers own a [`Scratch`] per thread so the scan itself
//! allocates nothing per file beyond the candidates it returns.
//!
//! A [`Candidate`] holds byte offsets, not the secret: the secret bytes stay in the caller's
//! buffer until `finding` turns them into masked findings.

pub mod checksum;
pub mod entropy;

use crate::filter::allow::AllowList;
use crate::known::KnownValues;
use crate::rules::{Checksum, Classes, Rule, RulePack};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::ops::Range;

/// A regex match that passed the rule's validators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Byte range of the secret in the buffer.
    pub secret: Range<usize>,
    /// Byte range of the whole regex match (secret plus context such as the variable name).
    pub matched: Range<usize>,
    /// Set only when the scanner explains itself: the validator that rejected this match.
    pub rejected: Option<&'static str>,
}

/// The compiled rule pack plus its keyword prefilter.
pub struct Scanner {
    pub pack: RulePack,
    prefilter: Option<AhoCorasick>,
    /// For each prefilter pattern, the rules that list it as a keyword.
    pattern_rules: Vec<Vec<usize>>,
    /// Rules with no keywords: they run on every buffer.
    unconditional: Vec<usize>,
    /// How many rules the prefilter selects (the pack's rules before any known-value rules).
    regex_rules: usize,
    /// Known secret values; their synthetic rules follow the regex rules in `pack.rules`.
    known: Option<KnownValues>,
    /// The config's allowlist, applied by `filter::judge`.
    pub allow: AllowList,
    /// Keep rejected and dropped candidates (as `State::Dropped` findings) to explain every
    /// validator and filter decision.
    pub explain: bool,
    /// Also scan decoding layers (`decode`): JSON escapes, ANSI, HTML entities, percent, base64.
    pub decode: bool,
}

/// Per-thread reusable state.
#[derive(Default)]
pub struct Scratch {
    selected: Vec<bool>,
    seen_pattern: Vec<bool>,
    order: Vec<usize>,
}

impl Scanner {
    pub fn new(pack: RulePack) -> Scanner {
        let mut keywords: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        let mut unconditional = Vec::new();
        for (i, rule) in pack.rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                unconditional.push(i);
            }
            for kw in &rule.keywords {
                let kw = kw.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == kw) {
                    Some(p) => pattern_rules[p].push(i),
                    None => {
                        keywords.push(kw);
                        pattern_rules.push(vec![i]);
                    }
                }
            }
        }
        let prefilter = (!keywords.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&keywords)
                .expect("keywords are plain literals")
        });
        Scanner {
            regex_rules: pack.rules.len(),
            pack,
            prefilter,
            pattern_rules,
            unconditional,
            known: None,
            allow: AllowList::default(),
            explain: false,
            decode: true,
        }
    }

    /// Adds the config's allowlist.
    pub fn with_allow(mut self, allow: AllowList) -> Scanner {
        self.allow = allow;
        self
    }

    /// Adds known secret values: their rules are appended to the pack.
    pub fn with_known(mut self, known: Option<KnownValues>) -> Scanner {
        if let Some(mut k) = known {
            self.pack.rules.truncate(self.regex_rules);
            self.pack.rules.extend(k.take_rules());
            self.known = Some(k);
        }
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.pack.rules
    }

    /// Finds every candidate secret in `buf`; `path` (relative, `/`-separated) selects the rules
    /// restricted by `paths`. Candidates are appended to `out` in rule order, then by offset.
    pub fn scan(&self, path: &str, buf: &[u8], scratch: &mut Scratch, out: &mut Vec<Candidate>) {
        self.select_rules(buf, scratch);
        for &ri in &scratch.order {
            let rule = &self.pack.rules[ri];
            if let Some(globs) = &rule.paths
                && !globs.is_match(path)
            {
                continue;
            }
            scan_rule(ri, rule, buf, self.explain, out);
        }
        if let Some(known) = &self.known {
            let base = self.regex_rules;
            known.find(buf, |ri, range| {
                out.push(Candidate {
                    rule: base + ri,
                    secret: range.clone(),
                    matched: range,
                    rejected: None,
                })
            });
        }
    }

    /// Fills `scratch.order` with the rules whose keywords occur in `buf`, in pack order.
    fn select_rules(&self, buf: &[u8], scratch: &mut Scratch) {
        let n = self.regex_rules;
        scratch.selected.clear();
        scratch.selected.resize(n, false);
        scratch.order.clear();
        for &ri in &self.unconditional {
            scratch.selected[ri] = true;
        }
        if let Some(ac) = &self.prefilter {
            let mut remaining = n - self.unconditional.len();
            scratch.seen_pattern.clear();
            scratch.seen_pattern.resize(self.pattern_rules.len(), false);
            for m in ac.find_overlapping_iter(buf) {
                let p = m.pattern().as_usize();
                if std::mem::replace(&mut scratch.seen_pattern[p], true) {
                    continue;
                }
                for &ri in &self.pattern_rules[p] {
                    if !std::mem::replace(&mut scratch.selected[ri], true) {
                        remaining -= 1;
                    }
                }
                if remaining == 0 {
                    break;
                }
            }
        }
        scratch
            .order
            .extend((0..n).filter(|&ri| scratch.selected[ri]));
    }
}

/// Runs one rule; with `explain`, matches its validators reject are kept, marked `rejected`.
fn scan_rule(ri: usize, rule: &Rule, buf: &[u8], explain: bool, out: &mut Vec<Candidate>) {
    for caps in rule.regex.captures_iter(buf) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(secret) = caps.get(rule.secret_group) else {
            continue;
        };
        if secret.is_empty() {
            continue;
        }
        let rejected = validate(rule, secret.as_bytes()).err();
        if rejected.is_some() && !explain {
            continue;
        }
        out.push(Candidate {
            rule: ri,
            secret: secret.range(),
            matched: whole.range(),
            rejected,
        });
    }
}

/// The rule's own validators on the secret bytes; `Err` says which one rejected it.
pub fn validate(rule: &Rule, secret: &[u8]) -> Result<(), &'static str> {
    if let Some(min) = rule.min_entropy
        && entropy::shannon(secret) < min
    {
        return Err("not random: entropy below the rule's min_entropy");
    }
    if rule.require_classes != Classes::default()
        && !Classes::of(secret).contains(rule.require_classes)
    {
        return Err("lacks the character classes the format requires");
    }
    if rule.checksum == Some(Checksum::Base62Crc32) && !checksum::base62_crc32_ok(secret) {
        return Err("the token's checksum does not match");
    }
    if rule.randomness
        && let Err(why) = entropy::judge(secret)
    {
        return Err(why.explain());
    }
    Ok(())
}
