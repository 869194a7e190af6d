//! Rule regexes compiled on first use. Compiling the whole built-in pack up front costs most of a
//! short scan's time (each regex builds its own automata, and the key-block and token-auth patterns
//! are large), while a typical commit wakes only the few rules whose keywords occur in it. So a
//! [`LazyRegex`] checks its pattern's syntax at load (a parse, no automaton: errors still point at
//! the rule's `regex` key) and builds the automaton the first time a scan needs it, once, shared by
//! all threads.
//!
//! Only syntax is checked up front; the compiled-size limit is checked at build. The built-in
//! pack is built lazily, and every built-in regex is compiled by `rules check` and the test suite
//! (each rule must find its examples), so a size problem cannot ship. User rules are compiled at
//! load ([`LazyRegex::compile_now`]) so their errors are reported there.

use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use regex_syntax::hir::Hir;
use std::ops::Deref;
use std::sync::OnceLock;

/// Upper bound on a compiled rule regex, so a careless pattern cannot eat the memory budget.
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Lazy-DFA cache per regex and thread: large enough that the generic rules do not thrash it
/// (rebuilding states) on long source and log buffers.
pub const DFA_CACHE_LIMIT: usize = 16 << 20;

/// A rule regex, compiled when first dereferenced.
pub struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// Checks `pattern`'s syntax and returns it with the index of its secret group: the group
    /// named `secret`, else the first group, else the whole match.
    pub fn new(pattern: &str) -> Result<(LazyRegex, usize), String> {
        Self::parse(pattern).map(|(re, group, _)| (re, group))
    }

    /// As [`LazyRegex::new`], also returning the pattern's syntax tree for analyses such as
    /// `rules::reach` (parsed once, at load).
    pub fn parse(pattern: &str) -> Result<(LazyRegex, usize, Hir), String> {
        let hir = super::analysis::parse(pattern)?;
        let group = super::analysis::secret_group(&hir);
        Ok((Self::unchecked(pattern), group, hir))
    }

    /// A pattern whose syntax was checked before (the built-in pack, by the build script).
    pub fn unchecked(pattern: &str) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            compiled: OnceLock::new(),
        }
    }

    /// Compiles now (if not yet) and reports a failure instead of deferring it.
    pub fn compile_now(&self) -> Result<&Regex, String> {
        if let Some(re) = self.compiled.get() {
            return Ok(re);
        }
        let re = build(&self.pattern)?;
        Ok(self.compiled.get_or_init(|| re))
    }

    /// Whether the automaton has been built.
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    /// The compiled regex. Patterns that reach a scan uncompiled are built-in ones, which the
    /// test suite compiles, or user ones, compiled at load; so this cannot fail in practice.
    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            build(&self.pattern).unwrap_or_else(|e| {
                panic!(
                    "rule regex does not compile: {}",
                    crate::diag::regex_message(&e)
                )
            })
        })
    }
}

fn build(pattern: &str) -> Result<Regex, String> {
    // The settings of `regex::bytes::RegexBuilder::new(p).unicode(false)`, through the
    // regex-automata API so that a search can be bounded to a span (see `detect`).
    meta::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .hybrid_cache_capacity(DFA_CACHE_LIMIT),
        )
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// Every capture group of `hir`: (index, name).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_is_named_first_or_whole() {
        let group = |p: &str| LazyRegex::new(p).unwrap().1;
        assert_eq!(group(r"(a)(?P<secret>b)"), 2);
        assert_eq!(group(r"x(?:y)(z+)"), 1);
        assert_eq!(group(r"abc"), 0);
        // The group numbering agrees with the regex crate's.
        for p in [r"(a)(?P<secret>b)", r"((a)|b)(?<secret>c)", r"x(?:y)(z+)"] {
            let re = regex::bytes::Regex::new(p).unwrap();
            let want = re
                .capture_names()
                .position(|n| n == Some("secret"))
                .unwrap_or(if re.captures_len() > 1 { 1 } else { 0 });
            assert_eq!(group(p), want, "{p}");
        }
    }

    #[test]
    fn syntax_errors_are_found_at_load_and_compilation_waits() {
        assert!(LazyRegex::new("a(b").is_err());
        let (re, _) = LazyRegex::new(r"tok_([a-z]{8})").unwrap();
        assert!(!re.is_compiled());
        assert!(re.is_match(b"tok_abcdefgh"));
        assert!(re.is_compiled());
    }

    #[test]
    fn size_limits_are_reported_by_compile_now() {
        let (re, _) = LazyRegex::new(r"[a-z]{1000}{1000}").unwrap();
        assert!(re.compile_now().is_err());
    }

    #[test]
    fn every_builtin_regex_compiles() {
        let pack = super::super::RulePack::builtin().unwrap();
        for rule in &pack.rules {
            let re = rule
                .regex
                .compile_now()
                .unwrap_or_else(|e| panic!("rule {}: {e}", rule.id));
            let info = re.group_info();
            let pid = regex_automata::PatternID::ZERO;
            let want = info
                .pattern_names(pid)
                .position(|n| n == Some("secret"))
                .unwrap_or(if info.group_len(pid) > 1 { 1 } else { 0 });
            assert_eq!(rule.secret_group, want, "secret group of {}", rule.id);
        }
    }
}
