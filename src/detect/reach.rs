//! How far from a keyword hit a rule's match can lie, proven from the rule's regex.
//!
//! The keyword prefilter says where a rule's keywords occur. When every match of the rule's regex
//! must contain one of those keywords, the regex only needs to run near the hits: on the hit's
//! line, or as many lines around it as a match can hold newlines ([`Reach::Lines`]), or on the
//! lines within the regex's maximum match length of the hit ([`Reach::Near`]). Otherwise (a keyword that is context
//! rather than part of the match, an unbounded multi-line match, a `^`/`$` anchored on the whole
//! buffer) the rule runs on the whole buffer as before ([`Reach::Whole`]).
//!
//! The analysis is conservative: it answers `Line` or `Near` only when it can show, from the
//! regex's syntax tree, that each match contains a keyword (ASCII case-insensitively) and stays
//! within the reach; anything it does not understand gives `Whole`. A `Line` match may begin or
//! end with the newline around its line (`(?:^|[^\w])token…` consumes the byte before it), so a
//! line's window includes them. The regex searches a window as a span of the whole buffer, so
//! look-arounds (`^`, `\b`) see what they would see in a whole-buffer search, and since every
//! match lies in a window, a search of the windows finds exactly the whole buffer's matches.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Where a rule's regex must run, relative to its keywords' hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The whole buffer.
    Whole,
    /// The line holding a keyword hit and this many lines on each side (a match holds at most
    /// this many newlines, besides one it may begin or end with).
    Lines(usize),
    /// The lines within this many bytes of a keyword hit.
    Near(usize),
}

/// Longest reach worth windowing: beyond it the windows of a busy file cover it anyway.
const MAX_NEAR: usize = 16 << 10;
/// Most lines around a hit worth windowing by lines (beyond, by bytes: `Near`).
const MAX_LINES: usize = 8;
/// Bounds on the finite languages the analysis enumerates.
const MAX_STRINGS: usize = 64;
const MAX_STRING_LEN: usize = 64;

/// The reach of a rule regex, given its syntax tree (as the rules parse it, see `rules::lazy`)
/// and its `keywords` (any case).
pub fn reach_of(hir: &Hir, keywords: &[String]) -> Reach {
    if keywords.is_empty() {
        return Reach::Whole;
    }
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .collect();
    if !contains_keyword(hir, &keywords) {
        return Reach::Whole;
    }
    if newline_only_at_edges(hir) {
        return Reach::Lines(0);
    }
    match (max_newlines(hir), hir.properties().maximum_len()) {
        (Some(k), _) if k <= MAX_LINES => Reach::Lines(k),
        (_, Some(n)) if n <= MAX_NEAR => Reach::Near(n),
        _ => Reach::Whole,
    }
}

/// Whether a match of `hir` can hold a `\n` only as its first or last byte: at most one byte
/// before or after the part that cannot match a newline.
fn newline_only_at_edges(hir: &Hir) -> bool {
    if !can_match_newline(hir) {
        return true;
    }
    let HirKind::Concat(subs) = hir.kind() else {
        return false;
    };
    let n = subs.len();
    let edge_ok = |h: &Hir| !can_match_newline(h) || h.properties().maximum_len() == Some(1);
    n >= 2
        && edge_ok(&subs[0])
        && edge_ok(&subs[n - 1])
        && subs[1..n - 1].iter().all(|h| !can_match_newline(h))
}

/// The most `\n` bytes a match of `hir` can hold, if bounded.
fn max_newlines(hir: &Hir) -> Option<usize> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(_) | HirKind::Class(_) => Some(usize::from(can_match_newline(hir))),
        HirKind::Capture(c) => max_newlines(&c.sub),
        HirKind::Repetition(r) => match max_newlines(&r.sub)? {
            0 => Some(0),
            k => r.max.and_then(|m| (m as usize).checked_mul(k)),
        },
        HirKind::Concat(subs) => subs
            .iter()
            .try_fold(0usize, |acc, s| acc.checked_add(max_newlines(s)?)),
        HirKind::Alternation(subs) => subs
            .iter()
            .map(max_newlines)
            .try_fold(0, |acc, k| Some(acc.max(k?))),
    }
}

/// Whether some match of `hir` can include a `\n` byte.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Capture(c) => can_match_newline(&c.sub),
        HirKind::Repetition(r) => r.max != Some(0) && can_match_newline(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// Whether every match of `hir` contains one of `keywords` (lowercase), ASCII case-insensitively.
fn contains_keyword(hir: &Hir, keywords: &[Vec<u8>]) -> bool {
    let all_contain = |set: &[Vec<u8>]| {
        set.iter().all(|s| {
            keywords
                .iter()
                .any(|k| !k.is_empty() && s.windows(k.len()).any(|w| w == k.as_slice()))
        })
    };
    if let Some(set) = language(hir)
        && all_contain(&set)
    {
        return true;
    }
    match hir.kind() {
        HirKind::Capture(c) => contains_keyword(&c.sub, keywords),
        HirKind::Repetition(r) => r.min >= 1 && contains_keyword(&r.sub, keywords),
        HirKind::Alternation(subs) => subs.iter().all(|s| contains_keyword(s, keywords)),
        HirKind::Concat(subs) => {
            if subs.iter().any(|s| contains_keyword(s, keywords)) {
                return true;
            }
            // A keyword spread over neighbours: `(?i)token` is five one-letter classes.
            for i in 0..subs.len() {
                let mut acc = vec![Vec::new()];
                for sub in &subs[i..] {
                    match language(sub).and_then(|set| product(&acc, &set)) {
                        Some(next) => acc = next,
                        None => break,
                    }
                    if all_contain(&acc) {
                        return true;
                    }
                }
            }
            false
        }
        _ => false,
    }
}

/// Every string `hir` matches, lowercased, when that is a small finite set.
fn language(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(class) => {
            let mut bytes: Vec<u8> = Vec::new();
            match class {
                Class::Bytes(c) => {
                    for r in c.ranges() {
                        if usize::from(r.end() - r.start()) >= MAX_STRINGS * 2 {
                            return None;
                        }
                        bytes.extend(r.start()..=r.end());
                    }
                }
                Class::Unicode(c) => {
                    for r in c.ranges() {
                        if !r.end().is_ascii() {
                            return None;
                        }
                        bytes.extend(r.start() as u8..=r.end() as u8);
                    }
                }
            }
            let mut set: Vec<Vec<u8>> = bytes
                .into_iter()
                .map(|b| vec![b.to_ascii_lowercase()])
                .collect();
            set.sort();
            set.dedup();
            (set.len() <= MAX_STRINGS).then_some(set)
        }
        HirKind::Capture(c) => language(&c.sub),
        HirKind::Alternation(subs) => {
            let mut set = Vec::new();
            for s in subs {
                set.extend(language(s)?);
                if set.len() > MAX_STRINGS {
                    return None;
                }
            }
            set.sort();
            set.dedup();
            Some(set)
        }
        HirKind::Concat(subs) => {
            let mut acc = vec![Vec::new()];
            for s in subs {
                acc = product(&acc, &language(s)?)?;
            }
            Some(acc)
        }
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 8 {
                return None;
            }
            let one = language(&r.sub)?;
            let mut set = Vec::new();
            let mut acc = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    set.extend(acc.iter().cloned());
                }
                if n < max {
                    acc = product(&acc, &one)?;
                }
            }
            set.sort();
            set.dedup();
            (set.len() <= MAX_STRINGS).then_some(set)
        }
    }
}

/// Every concatenation of a string of `a` and one of `b`, within the bounds.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_STRINGS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            if x.len() + y.len() > MAX_STRING_LEN {
                return None;
            }
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(pattern: &str, keywords: &[String]) -> Reach {
        let (_, _, hir) = crate::rules::lazy::LazyRegex::parse(pattern).unwrap();
        reach_of(&hir, keywords)
    }

    fn kw(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_token_prefix_in_the_match_runs_on_its_line() {
        assert_eq!(
            reach(r"\b(ghp_[A-Za-z0-9]{36})\b", &kw(&["ghp_"])),
            Reach::Lines(0)
        );
        assert_eq!(
            reach(
                r"(?i)\b(?:xox[bp])-[0-9]{10,13}-[a-z0-9-]+",
                &kw(&["xoxb-", "xoxp-"])
            ),
            Reach::Lines(0)
        );
    }

    #[test]
    fn case_insensitive_keywords_spread_over_classes_are_found() {
        assert_eq!(
            reach(
                r#"(?i)\bbitfinex[\w.-]{0,20}secret[ \t]*[:=][ \t]*["']?([a-z0-9]{32})"#,
                &kw(&["BitFinex"])
            ),
            Reach::Lines(0)
        );
        assert_eq!(
            reach(
                r"(?i)(?:api|secret)_?(?:key|token)=(\w+)",
                &kw(&["key", "token"])
            ),
            Reach::Lines(0)
        );
    }

    #[test]
    fn a_keyword_that_is_only_context_means_the_whole_buffer() {
        // The keyword need not be in the match: the regex could match anywhere in the file.
        assert_eq!(
            reach(r"\b[0-9]{8,10}:[A-Za-z0-9_-]{35}\b", &kw(&["telegram"])),
            Reach::Whole
        );
        // One alternative lacks every keyword.
        assert_eq!(reach(r"(?:token=|pw=)(\w+)", &kw(&["token"])), Reach::Whole);
        // An optional keyword proves nothing.
        assert_eq!(reach(r"(?:token)?=(\w{20})", &kw(&["token"])), Reach::Whole);
        assert_eq!(reach(r"token", &[]), Reach::Whole);
    }

    #[test]
    fn multi_line_matches_need_a_bounded_length() {
        assert_eq!(
            reach(
                r"-----BEGIN RSA PRIVATE KEY-----[A-Za-z0-9+/=\s]{64,4096}-----END",
                &kw(&["-----BEGIN"])
            ),
            Reach::Near(31 + 4096 + 8)
        );
        assert_eq!(
            reach(
                r"-----BEGIN RSA PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END",
                &kw(&["-----BEGIN"])
            ),
            Reach::Whole
        );
        // `[^"]` crosses lines.
        assert_eq!(reach(r#"token="([^"]+)""#, &kw(&["token"])), Reach::Whole);
        assert_eq!(
            reach(r#"token="([^"\n]+)""#, &kw(&["token"])),
            Reach::Lines(0)
        );
    }

    #[test]
    fn a_boundary_byte_at_either_edge_stays_on_the_line() {
        let jwt = r"(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,})(?:[^A-Za-z0-9_.-]|$)";
        assert_eq!(reach(jwt, &kw(&["eyj"])), Reach::Lines(0));
        assert_eq!(reach(r"^token=(\w+)", &kw(&["token"])), Reach::Lines(0));
        // Two bytes that may be newlines: the match can reach two lines further.
        assert_eq!(reach(r"token=\w+\s\s\w+", &kw(&["token"])), Reach::Lines(2));
        assert_eq!(
            reach(r"token=(?:\s|x){2}", &kw(&["token"])),
            Reach::Lines(2)
        );
        // A name on one line, its value on the next (Kubernetes env entries).
        let k8s = r#"(?i)(token)["']?[ \t]*\r?\n[ \t]*value[ \t]*:[ \t]*(\S+)"#;
        assert_eq!(reach(k8s, &kw(&["token"])), Reach::Lines(1));
        // Unboundedly many newlines: by length if bounded, else the whole buffer.
        assert_eq!(reach(r"token=\s*(\w+)", &kw(&["token"])), Reach::Whole);
        assert_eq!(
            reach(r"token=\s{0,100}(\w{1,8})", &kw(&["token"])),
            Reach::Near(114)
        );
    }
}
