//! What a rule's regex proves, read from its syntax tree: the secret's capture group, where the
//! regex can match ([`reach`]: near which literals, how far) and whether the token's format is
//! distinctive ([`format`]). The analysis costs most of the time it takes to load a rule, so the
//! build script runs it over the built-in pack (`build.rs` includes this module and the two it
//! uses) and embeds the results as [`Precomputed`] entries: loading the built-in pack parses no
//! regex. Any other rule, or a built-in one whose text no entry was made from, is analysed at load.
//!
//! This module and `reach` and `format` depend on `regex_syntax` and `std` only, so that the build
//! script can compile them.

use super::format;
use super::reach::{self, ByteSet, Opening, Reach, Windowing};
use regex_syntax::hir::{Hir, HirKind};

/// A rule regex's analysis.
pub struct Analysis {
    /// The capture group of the secret: the group named `secret`, else the first, else 0.
    pub group: usize,
    pub windowing: Windowing,
    /// Every match of the secret holds a keyword and is bounded (before the `generic` flag).
    pub distinctive: bool,
}

/// Parses a rule regex as the rules are compiled: bytes, not Unicode, so classes are byte sets.
pub fn parse(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// The index of the secret's group: the group named `secret`, else the first group, else the
/// whole match.
pub fn secret_group(hir: &Hir) -> usize {
    let mut groups = Vec::new();
    captures(hir, &mut groups);
    groups.sort_by_key(|(i, _)| *i);
    groups
        .iter()
        .find(|(_, name)| name.as_deref() == Some("secret"))
        .or(groups.first())
        .map_or(0, |(i, _)| *i as usize)
}

fn captures(hir: &Hir, out: &mut Vec<(u32, Option<String>)>) {
    match hir.kind() {
        HirKind::Capture(c) => {
            out.push((c.index, c.name.as_deref().map(str::to_string)));
            captures(&c.sub, out);
        }
        HirKind::Concat(xs) | HirKind::Alternation(xs) => {
            xs.iter().for_each(|x| captures(x, out));
        }
        HirKind::Repetition(r) => captures(&r.sub, out),
        _ => {}
    }
}

/// Analyses a parsed regex with the rule's keywords.
pub fn analyze(hir: &Hir, keywords: &[String]) -> Analysis {
    let group = secret_group(hir);
    Analysis {
        group,
        windowing: reach::reach_of(hir, keywords),
        distinctive: format::distinctive(hir, group, keywords),
    }
}

/// FNV-1a over a rule's pattern and keywords: ties a precomputed analysis to the exact text it
/// was made from.
pub fn digest(pattern: &str, keywords: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(pattern.as_bytes());
    for k in keywords {
        eat(&[0]);
        eat(k.as_bytes());
    }
    h
}

/// An analysis made by the build script, in a form a `static` can hold.
pub struct Precomputed {
    pub digest: u64,
    pub group: usize,
    pub distinctive: bool,
    pub reach: Reach,
    pub anchors: &'static [&'static [u8]],
    pub lead: Option<[u64; 4]>,
    pub anchored: bool,
    pub opening: Opening,
    pub max_len: Option<usize>,
    pub max_lines: Option<usize>,
}

impl Precomputed {
    pub fn analysis(&self) -> Analysis {
        Analysis {
            group: self.group,
            windowing: Windowing {
                reach: self.reach,
                anchors: self.anchors.iter().map(|a| a.to_vec()).collect(),
                lead: self.lead.map(ByteSet::from_words),
                anchored: self.anchored,
                opening: self.opening,
                max_len: self.max_len,
                max_lines: self.max_lines,
            },
            distinctive: self.distinctive,
        }
    }

    /// Rust source that builds this entry from an analysis (used by the build script).
    pub fn source(digest: u64, a: &Analysis) -> String {
        let w = &a.windowing;
        let reach = match w.reach {
            Reach::Whole => "Reach::Whole".to_string(),
            Reach::Lines(b, f) => format!("Reach::Lines({b}, {f})"),
            Reach::Near(n) => format!("Reach::Near({n})"),
        };
        let anchors: Vec<String> = w.anchors.iter().map(|x| format!("&{x:?}")).collect();
        format!(
            "Precomputed {{ digest: {digest}, group: {}, distinctive: {}, reach: {reach}, \
             anchors: &[{}], lead: {:?}, anchored: {}, opening: Opening::{:?}, max_len: {:?}, \
             max_lines: {:?} }}",
            a.group,
            a.distinctive,
            anchors.join(", "),
            w.lead.map(|l| l.words()),
            w.anchored,
            w.opening,
            w.max_len,
            w.max_lines,
        )
    }
}

/// The precomputed analysis of a rule with this pattern and these keywords, if the build made one.
pub fn precomputed(table: &[Precomputed], pattern: &str, keywords: &[String]) -> Option<Analysis> {
    let d = digest(pattern, keywords);
    table
        .binary_search_by_key(&d, |p| p.digest)
        .ok()
        .map(|i| table[i].analysis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{BUILTIN_ANALYSES, BUILTIN_RULE_FILES, syntax::RuleFile};

    #[test]
    fn the_embedded_analyses_are_what_the_loader_would_compute() {
        let mut checked = 0;
        for (name, text) in BUILTIN_RULE_FILES {
            let file: RuleFile = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for rule in file.rules {
                let rule = rule.into_inner();
                let pattern = rule.regex.get_ref();
                let keywords = rule.keywords.map(|k| k.into_inner()).unwrap_or_default();
                let embedded = precomputed(BUILTIN_ANALYSES, pattern, &keywords)
                    .unwrap_or_else(|| panic!("{name}: no embedded analysis for a rule"));
                let computed = analyze(&parse(pattern).unwrap(), &keywords);
                assert_eq!(embedded.group, computed.group, "{name}");
                assert_eq!(embedded.windowing, computed.windowing, "{name}");
                assert_eq!(embedded.distinctive, computed.distinctive, "{name}");
                checked += 1;
            }
        }
        assert!(checked > 700, "{checked}");
    }

    #[test]
    fn a_changed_pattern_or_keyword_has_no_entry() {
        let keywords = vec!["ghp_".to_string()];
        assert_ne!(digest("a", &keywords), digest("b", &keywords));
        assert_ne!(digest("a", &keywords), digest("a", &[]));
        assert!(precomputed(BUILTIN_ANALYSES, "(?P<secret>no such rule)", &[]).is_none());
    }
}
