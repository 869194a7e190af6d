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
use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
use std::ops::Deref;
use std::sync::OnceLock;

/// Upper bound on a compiled rule regex, so a careless pattern cannot eat the memory budget.
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Lazy-DFA cache per regex and thread (the regex crate's default). It bounds what each woken
/// rule may hold per thread; 16 MiB, tried before, let one generic regex keep 17 MiB on a
/// real-code scan, while the instructions counted on the bench logs, a minified editor package
/// and a generated SDK crate were the same (within 0.2%) at 1, 2 and 16 MiB.
pub const DFA_CACHE_LIMIT: usize = 2 << 20;

/// A counted repetition that may run more times than this is searched unbounded (`fast`).
///
/// The searching regexes of the 912-rule pack take 34 MiB at 500 and 21 MiB at 100 (forward and
/// reverse NFAs, which grow with every counted state: `{0,120}` of spaces, `{20,256}` of value
/// bytes); below 100 they shrink little more (19 MiB at 64). A match longer than `safe_len` is
/// searched again with the pattern as written, built for it: on the real-code corpus 4 rules
/// need it, on a file of every rule's examples 37.
pub const RELAX_ABOVE: u32 = 100;

/// A rule regex, compiled when first needed.
///
/// An automaton grows with the bounds of its counted repetitions: `[A-Za-z0-9+/=]{64,8192}` is
/// 8,192 NFA states, forward and reverse, and every thread's search cache is sized by them. The
/// key-block and long-token patterns made two fifths of the pack's compiled size and most of a
/// real-code scan's regex memory. So the regex that searches (`fast`) is the pattern with every
/// repetition bounded above [`RELAX_ABOVE`] left unbounded, and `safe_len` says when its match is
/// the pattern's own: a match of `L` bytes repeats a part at least `u` bytes long at most `L / u`
/// times, so while `L` is within every relaxed bound times its part's `u` (plus what the rest of
/// the match must take, see `relax`), no bound can be broken.
/// Then the pattern's leftmost-first match is the same match: the unbounded regex matches
/// everything the pattern does (so it finds no later start), and the path it prefers is one the
/// pattern has, in the same order of preference. A longer match is searched again with `exact`,
/// the pattern as written, built the first time one is needed (a PEM block over 8 KiB, a JWT over
/// 1,000 bytes): findings are those of the pattern, and its automaton is paid for only where such
/// text occurs.
pub struct LazyRegex {
    pattern: String,
    fast: OnceLock<Fast>,
    exact: OnceLock<Regex>,
}

/// The searching regex and the longest match of it that is surely the pattern's own.
struct Fast {
    regex: Regex,
    /// `usize::MAX` when nothing was relaxed (`regex` is the pattern itself).
    safe_len: usize,
    /// The longest match of the pattern when each unbounded repetition runs at most
    /// [`RUN_CAP`] bytes ([`LazyRegex::run_capped_len`]).
    capped_len: usize,
}

/// The bytes an unbounded repetition (`[\x20\t]*`, `[a-z0-9_.-]*`) is taken to run at most when
/// a window on a long line is bounded by a rule's match length (`detect`).
pub const RUN_CAP: usize = 1024;

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
            fast: OnceLock::new(),
            exact: OnceLock::new(),
        }
    }

    /// Compiles now (if not yet), the searching regex and the pattern as written, and reports a
    /// failure instead of deferring it.
    pub fn compile_now(&self) -> Result<&Regex, String> {
        if self.fast.get().is_none() {
            let fast = build_fast(&self.pattern)?;
            let _ = self.fast.set(fast);
        }
        if self.relaxed() && self.exact.get().is_none() {
            let exact = build(&analysis_parse(&self.pattern)?)?;
            let _ = self.exact.set(exact);
        }
        Ok(self.exact())
    }

    /// Whether the searching automaton has been built.
    pub fn is_compiled(&self) -> bool {
        self.fast.get().is_some()
    }

    /// The regex to search with, and the longest match of it that is the pattern's own (see
    /// [`LazyRegex`]); a longer one is searched again with [`LazyRegex::exact`].
    pub fn searcher(&self) -> (&Regex, usize) {
        let fast = self.fast();
        (&fast.regex, fast.safe_len)
    }

    /// The pattern as written, compiled (the searching regex itself when nothing was relaxed).
    pub fn exact(&self) -> &Regex {
        if !self.relaxed() {
            return &self.fast().regex;
        }
        self.exact.get_or_init(|| {
            analysis_parse(&self.pattern)
                .and_then(|hir| build(&hir))
                .unwrap_or_else(|e| compile_failure(&e))
        })
    }

    /// The longest match of the pattern, each unbounded repetition taken to run at most
    /// [`RUN_CAP`] bytes: a match is longer only where a run of spaces or name characters goes on
    /// for more than a kilobyte. Builds the regex when it is not yet built.
    pub fn run_capped_len(&self) -> usize {
        self.fast().capped_len
    }

    /// Whether some repetition of the pattern is searched unbounded.
    pub fn relaxed(&self) -> bool {
        self.fast().safe_len != usize::MAX
    }

    fn fast(&self) -> &Fast {
        self.fast
            .get_or_init(|| build_fast(&self.pattern).unwrap_or_else(|e| compile_failure(&e)))
    }
}

/// Patterns that reach a scan uncompiled are built-in ones, which the test suite compiles, or
/// user ones, compiled at load; so this cannot happen in practice.
fn compile_failure(e: &str) -> ! {
    panic!(
        "rule regex does not compile: {}",
        crate::diag::regex_message(e)
    )
}

impl Deref for LazyRegex {
    type Target = Regex;

    /// The pattern as written, compiled (`exact`): what any caller outside the detector's
    /// search loop sees.
    fn deref(&self) -> &Regex {
        self.exact()
    }
}

fn analysis_parse(pattern: &str) -> Result<Hir, String> {
    super::analysis::parse(pattern)
}

/// The searching regex of `pattern`: its repetitions bounded above [`RELAX_ABOVE`] unbounded.
fn build_fast(pattern: &str) -> Result<Fast, String> {
    let hir = analysis_parse(pattern)?;
    let mut safe_len = usize::MAX;
    let least = hir.properties().minimum_len().unwrap_or(0);
    let relaxed = relax(&hir, &mut safe_len, least, false);
    Ok(Fast {
        regex: build(&relaxed)?,
        safe_len,
        capped_len: capped_len(&hir),
    })
}

/// The longest match of `hir` with each unbounded repetition running at most [`RUN_CAP`] bytes.
fn capped_len(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(l) => l.0.len(),
        HirKind::Class(c) => c.maximum_len().unwrap_or(4),
        HirKind::Repetition(r) => {
            let unit = capped_len(&r.sub);
            match r.max {
                Some(n) => (n as usize).saturating_mul(unit),
                None if unit == 0 => 0,
                None => RUN_CAP.max((r.min as usize).saturating_mul(unit)),
            }
        }
        HirKind::Capture(c) => capped_len(&c.sub),
        HirKind::Concat(xs) => xs.iter().map(capped_len).fold(0, usize::saturating_add),
        HirKind::Alternation(xs) => xs.iter().map(capped_len).max().unwrap_or(0),
    }
}

/// `hir` with each repetition whose bound is above [`RELAX_ABOVE`] (and whose part cannot be
/// empty) unbounded; `safe_len` drops to the longest match that cannot hold more repetitions
/// of it than the bound.
///
/// A repetition of `n` at most, of a part at least `u` bytes long, cannot run more than `n` times
/// in `n * u` bytes. In a match of `L` bytes it spans `L` minus what the rest of the match takes,
/// and when it occurs once in a match (no repetition around it), the rest takes at least the
/// pattern's shortest match (`least`) less the repetition's own least share (`min * u`): the same
/// match with the repetition at its fewest runs is a way through the pattern too. So its bound
/// holds in any match up to `n * u + least - min * u` bytes: `key_[0-9a-f]{128}`'s own matches
/// (132 bytes) are not searched again. Inside another repetition (`nested`) it may occur many
/// times, and only `n * u` is sure.
fn relax(hir: &Hir, safe_len: &mut usize, least: usize, nested: bool) -> Hir {
    match hir.kind() {
        HirKind::Repetition(r) => {
            let unit = r.sub.properties().minimum_len().unwrap_or(0);
            let max = match r.max {
                Some(n) if n > RELAX_ABOVE && unit > 0 => {
                    let rest = match nested {
                        true => 0,
                        false => least.saturating_sub((r.min as usize).saturating_mul(unit)),
                    };
                    let safe = (n as usize).saturating_mul(unit).saturating_add(rest);
                    *safe_len = (*safe_len).min(safe);
                    None
                }
                max => max,
            };
            Hir::repetition(Repetition {
                min: r.min,
                max,
                greedy: r.greedy,
                sub: Box::new(relax(&r.sub, safe_len, least, true)),
            })
        }
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(relax(&c.sub, safe_len, least, nested)),
        }),
        HirKind::Concat(xs) => Hir::concat(
            xs.iter()
                .map(|x| relax(x, safe_len, least, nested))
                .collect(),
        ),
        HirKind::Alternation(xs) => Hir::alternation(
            xs.iter()
                .map(|x| relax(x, safe_len, least, nested))
                .collect(),
        ),
        _ => hir.clone(),
    }
}

fn build(hir: &Hir) -> Result<Regex, String> {
    // The settings of `regex::bytes::RegexBuilder::new(p).unicode(false)` (the syntax tree is
    // parsed that way: `analysis::parse`), through the regex-automata API so that a search can
    // be bounded to a span (see `detect`). No one-pass DFA: it is built with the regex, for
    // every pattern that qualifies, and made a seventh of the pack's compiled size (5.7 of
    // 42 MiB), while it only speeds up reading the groups of a match, which the bounded
    // backtracker does as fast on a match's short span (the same instruction count, within
    // 0.3%, on the bench logs and small files and on a minified editor package).
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .hybrid_cache_capacity(DFA_CACHE_LIMIT)
                .onepass(false),
        )
        .build_from_hir(hir)
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
    fn the_capped_length_bounds_each_unbounded_run() {
        let len = |p: &str| LazyRegex::new(p).unwrap().0.run_capped_len();
        assert_eq!(len(r"tok_[a-z]{8}"), 12);
        assert_eq!(
            len(r"\bkey[ \t]*=[ \t]*(x{4}|y{6})"),
            3 + RUN_CAP + 1 + RUN_CAP + 6
        );
        assert_eq!(len(r"a(?:b|cd)?e"), 4);
        // A run that must be longer than the cap counts its least length.
        assert_eq!(len(r"[a-z]{2000,}"), 2000);
    }

    #[test]
    fn syntax_errors_are_found_at_load_and_compilation_waits() {
        assert!(LazyRegex::new("a(b").is_err());
        let (re, _) = LazyRegex::new(r"tok_([a-z]{8})").unwrap();
        assert!(!re.is_compiled());
        assert!(re.is_match(b"tok_abcdefgh"));
        assert!(re.is_compiled());
    }

    /// What the detector relies on (`detect::search`): where the searching regex finds nothing,
    /// the pattern finds nothing; where it finds a match no longer than `safe_len`, the pattern
    /// finds that same match with the same groups. Checked from every start of haystacks whose
    /// runs straddle the relaxed bounds.
    #[test]
    fn a_relaxed_match_within_safe_len_is_the_patterns_own() {
        use regex_automata::{Anchored, Input};
        let patterns = [
            // Lazy, between delimiters (a key block).
            r"-B-(?P<secret>[a-c=\n]{4,600}?)-E-",
            // Greedy, closed by a delimiter class (a long token).
            r"(?:^|[^a-c])(x[a-c]{3,520})(?:[^a-c]|$)",
            // Greedy at the end: the pattern stops at its bound, the relaxed regex does not.
            r"k:([a-c]{5,510})",
            // Parts of two lengths, and two relaxed bounds.
            r"(?:ab|c){2,600}d([a-c]{1,700})",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        };
        for p in patterns {
            let (mut same, mut longer) = (0, 0);
            let (re, _) = LazyRegex::new(p).unwrap();
            let (fast, safe_len) = re.searcher();
            assert!(re.relaxed(), "{p}");
            let exact = re.exact();
            let (mut fc, mut ec) = (fast.create_cache(), exact.create_cache());
            let (mut fcaps, mut ecaps) = (fast.create_captures(), exact.create_captures());
            for _ in 0..200 {
                // Runs of 0..1100 bytes from a small alphabet between delimiters.
                let mut hay = Vec::new();
                for _ in 0..1 + next(4) {
                    hay.extend_from_slice([&b"-B-"[..], b"k:", b"x", b"d", b" "][next(5)]);
                    let len = [
                        next(8),
                        500 + next(30),
                        590 + next(25),
                        690 + next(20),
                        next(1100),
                    ][next(5)];
                    let alphabet: &[u8] = [&b"abc"[..], b"abc=\n"][next(2)];
                    hay.extend((0..len).map(|_| alphabet[next(alphabet.len() as u64)]));
                    hay.extend_from_slice([&b"-E-"[..], b" ", b"d", b""][next(4)]);
                }
                for start in (0..=hay.len()).step_by(7) {
                    let input = Input::new(&hay).span(start..hay.len());
                    let want = exact.search_with(&mut ec, &input);
                    match fast.search_with(&mut fc, &input) {
                        None => assert_eq!(want, None, "{p} from {start}"),
                        Some(m) if m.len() <= safe_len => {
                            same += 1;
                            assert_eq!(Some(m), want, "{p} from {start}");
                            let over = Input::new(&hay).span(m.range()).anchored(Anchored::Yes);
                            fast.search_captures_with(&mut fc, &over, &mut fcaps);
                            exact.search_captures_with(&mut ec, &over, &mut ecaps);
                            for g in 0..fcaps.group_len() {
                                assert_eq!(fcaps.get_group(g), ecaps.get_group(g), "{p} {g}");
                            }
                        }
                        Some(_) => longer += 1,
                    }
                }
            }
            // Both kinds of match were met: the check is not vacuous.
            assert!(
                same > 20 && longer > 20,
                "{p}: {same} within, {longer} beyond"
            );
        }
    }

    #[test]
    fn short_bounds_are_kept_and_the_exact_regex_waits() {
        let (re, _) = LazyRegex::new(r"tok_([a-z]{8,64})").unwrap();
        assert!(!re.relaxed());
        let (re, _) = LazyRegex::new(r"-B-([a-z]{64,8192}?)-E-").unwrap();
        assert!(re.relaxed());
        // The bound's 8,192 bytes and the rest of the shortest match (`-B-`, `-E-`).
        assert_eq!(re.searcher().1, 8192 + 6);
        assert!(re.exact.get().is_none(), "built before any match needed it");
        assert!(
            re.is_match(b"-B-abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh-E-")
        );
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
