//! How far from a keyword hit a rule's match can lie, proven from the rule's regex.
//!
//! The keyword prefilter says where a rule's keywords occur. When every match of the rule's regex
//! must contain one of those keywords, the regex only needs to run near the hits: on the hit's
//! line, or as many lines around it as a match can hold newlines ([`Reach::Lines`]), or on the
//! lines within the regex's maximum match length of the hit ([`Reach::Near`]). When a keyword is
//! only context (`binance` somewhere in the file selects a rule for `api_key = "..."`), the
//! windows are placed around literals the regex itself requires instead ([`Windowing::anchors`]:
//! `api_key`, `apikey`, ...), found in the same prefilter pass. Otherwise (no such literal, an
//! unbounded multi-line match, a `^`/`$` anchored on the whole buffer) the rule runs on the whole
//! buffer ([`Reach::Whole`]).
//!
//! The analysis is conservative: it answers `Line` or `Near` only when it can show, from the
//! regex's syntax tree, that each match contains an anchor (ASCII case-insensitively) and stays
//! within the reach; anything it does not understand gives `Whole`. A `Line` match may begin or
//! end with the newline around its line (`(?:^|[^\w])token…` consumes the byte before it), so a
//! line's window includes them. The regex searches a window as a span of the whole buffer, so
//! look-arounds (`^`, `\b`) see what they would see in a whole-buffer search, and since every
//! match lies in a window, a search of the windows finds exactly the whole buffer's matches.

use regex_syntax::hir::{Class, Hir, HirKind, Look};
use std::collections::HashMap;

/// Where a rule's regex must run, relative to its anchors' hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The whole buffer.
    Whole,
    /// The line holding an anchor hit, this many lines before it and this many after (a match
    /// holds at most so many newlines before one of its anchors' occurrences and after it,
    /// besides one it may begin or end with).
    Lines(usize, usize),
    /// The lines within this many bytes of an anchor hit.
    Near(usize),
}

/// Where a rule runs: around the hits of which literals, and how far from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Windowing {
    pub reach: Reach,
    /// Lowercase literals, one of which every match contains (ASCII case-insensitively): the
    /// rule's keywords when they prove it, else literals of the regex. Empty for `Whole`.
    pub anchors: Vec<Vec<u8>>,
    /// For line windows, the bytes a match can hold before its anchor (never a newline): a
    /// window then starts where the run of them before the hit does, not at the line start
    /// (`api_key` in a log line: the timestamp and logger before it are not searched).
    pub lead: Option<ByteSet>,
    /// Every match can be found by an anchored search from where the run of lead bytes before
    /// one of its anchors' hits begins (or from anywhere later in that run): the lead is empty
    /// (the match begins at the anchor), or the regex opens with a repetition of a class that
    /// holds every lead byte (`[a-z0-9_.-]*?secret…`), which absorbs the run. A hit then costs a
    /// search that stops where a match can no longer begin there, not a scan of its line.
    pub anchored: bool,
    /// With `anchored`, what opens a match before the run of lead bytes.
    pub opening: Opening,
    /// The longest match the regex can make, in bytes; `None`: no bound (a streamed input's
    /// chunks must see that much around their edges, see `stream`).
    pub max_len: Option<usize>,
    /// The most newlines a match can hold; `None`: no bound (`redact` runs a rule without a
    /// proven reach on this many lines around its keywords' hits).
    pub max_lines: Option<usize>,
}

/// What opens an anchored rule's match before the run of lead bytes before its anchor, and so
/// where its search from a hit starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Opening {
    /// Nothing: the search starts at the run (or anywhere later in it).
    #[default]
    Run,
    /// One byte that is not a lead byte (`(?:^|[^a-z0-9_.-])[a-z0-9_.-]*?secret…`), or a line
    /// start at the run. The search starts at the byte before the run, and at the run itself
    /// when that byte ends a line.
    Byte,
    /// `\b` (`\b[a-z0-9_.-]*?secret…`). The search starts at the first word boundary in the run
    /// (a match from a later one is also one from there, the opening repetition absorbing the
    /// bytes between).
    Word,
}

impl Windowing {
    pub const WHOLE: Windowing = Windowing {
        reach: Reach::Whole,
        anchors: Vec::new(),
        lead: None,
        anchored: false,
        opening: Opening::Run,
        max_len: None,
        max_lines: None,
    };
}

/// A set of bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteSet([u64; 4]);

impl ByteSet {
    /// The set from its four 64-bit words (bytes 0..64 in the first).
    pub fn from_words(words: [u64; 4]) -> ByteSet {
        ByteSet(words)
    }

    /// The set's four 64-bit words.
    pub fn words(&self) -> [u64; 4] {
        self.0
    }

    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] >> (b & 63) & 1 != 0
    }

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn insert_range(&mut self, lo: u8, hi: u8) {
        (lo..=hi).for_each(|b| self.insert(b));
    }

    fn union(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// With both cases of every ASCII letter in it.
    fn caseless(mut self) -> ByteSet {
        for b in (b'a'..=b'z').chain(b'A'..=b'Z') {
            if self.contains(b) {
                self.insert(b ^ 0x20);
            }
        }
        self
    }
}

/// Longest reach worth windowing: beyond it the windows of a busy file cover it anyway.
const MAX_NEAR: usize = 16 << 10;
/// Most lines around a hit worth windowing by lines (beyond, by bytes: `Near`).
const MAX_LINES: usize = 16;
/// Bounds on the finite languages the analysis enumerates.
const MAX_STRINGS: usize = 64;
const MAX_STRING_LEN: usize = 64;
/// Shortest literal of the regex worth placing windows around: shorter ones hit everywhere.
const MIN_ANCHOR: usize = 3;
/// A literal this long is rare enough in text that a longer one gains little.
const GOOD_ANCHOR: usize = 6;
/// Most literals derived for one rule (each adds gram-table entries and hits to verify).
const MAX_ANCHORS: usize = 16;

/// Where a rule regex must run, given its syntax tree (as the rules parse it, see
/// `rules::lazy`) and its `keywords` (any case).
pub fn reach_of(hir: &Hir, keywords: &[String]) -> Windowing {
    let max_len = hir.properties().maximum_len();
    let max_lines = max_newlines(hir);
    let w = windowing_of(hir, keywords);
    let w = match w.anchored {
        true => w,
        false => opened_by_boundary(hir, keywords)
            .or_else(|| opened_by_word(hir, keywords))
            .unwrap_or(w),
    };
    Windowing {
        max_len,
        max_lines,
        ..w
    }
}

/// The windowing of a regex that opens with `\b` (ASCII) before what can be searched from its
/// hits' lead runs: a match opens at a word boundary inside the run (`\b` consumes nothing, so
/// the lead is the rest's).
fn opened_by_word(hir: &Hir, keywords: &[String]) -> Option<Windowing> {
    let rest = after_word_boundary(hir)?;
    let w = windowing_of(&rest, keywords);
    (w.anchored && w.lead.is_some()).then_some(Windowing {
        opening: Opening::Word,
        ..w
    })
}

/// The rest of a concatenation that opens with `\b` (ASCII).
fn after_word_boundary(hir: &Hir) -> Option<Hir> {
    match hir.kind() {
        HirKind::Capture(c) => after_word_boundary(&c.sub),
        HirKind::Concat(subs)
            if subs.len() >= 2 && matches!(subs[0].kind(), HirKind::Look(Look::WordAscii)) =>
        {
            Some(Hir::concat(subs[1..].to_vec()))
        }
        _ => None,
    }
}

/// The windowing of a regex that opens with a one-byte boundary (`(?:^|[^a-z0-9_.-])`, `[\s"]`)
/// before what can be searched from its hits' lead runs (`Windowing::anchored`), when the
/// boundary's bytes are not lead bytes: then a match opens with the byte just before the run
/// (no lead byte can be the boundary's), or with the line start at the run (the lead holds no
/// line break, so none is inside the run).
fn opened_by_boundary(hir: &Hir, keywords: &[String]) -> Option<Windowing> {
    let (class, rest) = boundary(hir)?;
    let w = windowing_of(&rest, keywords);
    let lead = w.lead?;
    let apart = class.0.iter().zip(lead.0).all(|(c, l)| c & l == 0);
    (w.anchored && apart && !lead.contains(b'\r') && !lead.contains(b'\n')).then_some(Windowing {
        opening: Opening::Byte,
        ..w
    })
}

/// A concatenation's first element when it matches one byte of a class or a line or text start,
/// with the bytes of the class, and the rest of the concatenation.
fn boundary(hir: &Hir) -> Option<(ByteSet, Hir)> {
    match hir.kind() {
        HirKind::Capture(c) => boundary(&c.sub),
        HirKind::Concat(subs) if subs.len() >= 2 => {
            Some((boundary_bytes(&subs[0])?, Hir::concat(subs[1..].to_vec())))
        }
        _ => None,
    }
}

/// The bytes `hir` matches when every match is one byte of a class or an empty line or text
/// start (`^`, `\A`); `None` otherwise (a Unicode class may match several bytes).
fn boundary_bytes(hir: &Hir) -> Option<ByteSet> {
    match hir.kind() {
        HirKind::Class(Class::Bytes(_)) => Some(bytes_of(hir)),
        HirKind::Class(Class::Unicode(c)) if c.ranges().iter().all(|r| r.end().is_ascii()) => {
            Some(bytes_of(hir))
        }
        HirKind::Look(Look::Start | Look::StartLF | Look::StartCRLF) => Some(ByteSet::default()),
        HirKind::Capture(c) => boundary_bytes(&c.sub),
        HirKind::Alternation(subs) => subs.iter().try_fold(ByteSet::default(), |acc, s| {
            Some(acc.union(boundary_bytes(s)?))
        }),
        _ => None,
    }
}

/// [`reach_of`] without boundary openings.
fn windowing_of(hir: &Hir, keywords: &[String]) -> Windowing {
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .collect();
    let l = Languages::of(hir);
    let anchors = if !keywords.is_empty() && contains_keyword(&l, hir, &keywords) {
        keywords
    } else {
        match required_literals(&l, hir) {
            Some(a) => a,
            None => return Windowing::WHOLE,
        }
    };
    let reach = if newline_only_at_edges(hir) {
        Reach::Lines(0, 0)
    } else {
        match (max_newlines(hir), hir.properties().maximum_len()) {
            (Some(k), _) if k <= MAX_LINES => {
                let (before, after) = split(&l, hir, &anchors).unwrap_or((k, k));
                Reach::Lines(before.min(k), after.min(k))
            }
            (_, Some(n)) if n <= MAX_NEAR => Reach::Near(n),
            _ => return Windowing::WHOLE,
        }
    };
    // A lead proven for one anchor occurrence and a bound on the newlines after another would
    // not make one window; so only where every occurrence is within the reach: a match holds no
    // newline but at its edges, or no more newlines at all than the reach has lines below.
    let lead = match reach {
        Reach::Lines(0, after)
            if newline_only_at_edges(hir) || max_newlines(hir).is_some_and(|k| k <= after) =>
        {
            lead(&l, hir, &anchors).filter(|set| !set.contains(b'\n'))
        }
        _ => None,
    };
    let anchored = lead.is_some_and(|lead| {
        lead == ByteSet::default() || opening(hir).is_some_and(|x| lead.union(x) == x)
    });
    Windowing {
        reach,
        anchors,
        lead,
        anchored,
        opening: Opening::Run,
        max_len: None,
        max_lines: None,
    }
}

/// The bytes of `X` when `hir` opens with `X*` (greedy or lazy) for a class `X`; only its ASCII
/// bytes for a Unicode class (a byte above them is only part of a character).
fn opening(hir: &Hir) -> Option<ByteSet> {
    match hir.kind() {
        HirKind::Capture(c) => opening(&c.sub),
        HirKind::Concat(subs) => opening(subs.first()?),
        HirKind::Repetition(r) if r.min == 0 && r.max.is_none() => match r.sub.kind() {
            HirKind::Class(Class::Bytes(c)) => {
                let mut out = ByteSet::default();
                c.ranges()
                    .iter()
                    .for_each(|r| out.insert_range(r.start(), r.end()));
                Some(out)
            }
            HirKind::Class(Class::Unicode(c)) => {
                let mut out = ByteSet::default();
                for r in c.ranges().iter().filter(|r| r.start().is_ascii()) {
                    out.insert_range(r.start() as u8, r.end().min('\x7f') as u8);
                }
                Some(out)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Bytes that can come before an anchor in a match of `hir`: every match holds an occurrence
/// of one of `anchors` (lowercase) with only these bytes before it in the match; `None` when
/// not shown. The proof follows `split`.
fn lead(l: &Languages, hir: &Hir, anchors: &[Vec<u8>]) -> Option<ByteSet> {
    if let Some(set) = l.get(hir)
        && contain_anchors(set, anchors)
    {
        return before_anchors(set, anchors);
    }
    match hir.kind() {
        HirKind::Capture(c) => lead(l, &c.sub, anchors),
        HirKind::Repetition(r) if r.min >= 1 => {
            let first = lead(l, &r.sub, anchors)?;
            // The anchor may be in a later copy, after whole earlier ones.
            Some(match r.max {
                Some(1) => first,
                _ => first.union(bytes_of(&r.sub)),
            })
        }
        HirKind::Alternation(subs) => subs.iter().try_fold(ByteSet::default(), |acc, s| {
            Some(acc.union(lead(l, s, anchors)?))
        }),
        HirKind::Concat(subs) => {
            let mut best: Option<ByteSet> = None;
            let mut before = ByteSet::default();
            for i in 0..subs.len() {
                // A proof at a later subexpression has at least `before` before its anchor.
                if best.is_some_and(|b| before.len() >= b.len()) {
                    break;
                }
                let mut consider = |set: ByteSet| {
                    if best.is_none_or(|b| set.len() < b.len()) {
                        best = Some(set);
                    }
                };
                if let Some(set) = lead(l, &subs[i], anchors) {
                    consider(before.union(set));
                } else {
                    // An anchor spread over a run from `subs[i]` (`(?i)token` is five classes).
                    let mut inside = None;
                    runs(l, &subs[i..], &mut |set| {
                        if contain_anchors(set, anchors) {
                            inside = before_anchors(set, anchors);
                        }
                        inside.is_some()
                    });
                    if let Some(set) = inside {
                        consider(before.union(set));
                    }
                }
                before = before.union(bytes_of(&subs[i]));
            }
            best
        }
        _ => None,
    }
}

/// The bytes before the first anchor occurrence in each of `set`'s strings (lowercased, so
/// in both cases); `None` if a string holds none.
fn before_anchors(set: &[Vec<u8>], anchors: &[Vec<u8>]) -> Option<ByteSet> {
    let mut out = ByteSet::default();
    for s in set {
        let at = anchors
            .iter()
            .filter(|k| !k.is_empty())
            .filter_map(|k| s.windows(k.len()).position(|w| w == k.as_slice()))
            .min()?;
        s[..at].iter().for_each(|&b| out.insert(b));
    }
    Some(out.caseless())
}

/// Every byte a match of `hir` can hold.
fn bytes_of(hir: &Hir) -> ByteSet {
    let mut out = ByteSet::default();
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            lit.0.iter().for_each(|&b| out.insert(b));
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                out.insert_range(r.start(), r.end());
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                if r.start().is_ascii() {
                    out.insert_range(r.start() as u8, r.end().min('\x7f') as u8);
                }
                if !r.end().is_ascii() {
                    // Any byte of a multi-byte encoding.
                    out.insert_range(0x80, 0xff);
                }
            }
        }
        HirKind::Capture(c) => out = bytes_of(&c.sub),
        HirKind::Repetition(r) if r.max == Some(0) => {}
        HirKind::Repetition(r) => out = bytes_of(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            out = subs.iter().fold(out, |acc, s| acc.union(bytes_of(s)));
        }
    }
    out
}

/// A set of literals (lowercase, each at least [`MIN_ANCHOR`] bytes), one of which every match
/// of `hir` contains, chosen from its syntax tree for selectivity: the longest shortest literal
/// up to [`GOOD_ANCHOR`] bytes, then the fewest literals (at most [`MAX_ANCHORS`]). `None` when no such set is found.
fn required_literals(l: &Languages, hir: &Hir) -> Option<Vec<Vec<u8>>> {
    // Selective enough at [`GOOD_ANCHOR`] bytes; then the fewer literals the better (each one
    // adds entries to the prefilter's gram table).
    let shortest = |s: &[Vec<u8>]| s.iter().map(Vec::len).min().unwrap_or(0);
    let score = |s: &[Vec<u8>]| {
        let shortest = shortest(s);
        (
            shortest.min(GOOD_ANCHOR),
            std::cmp::Reverse(s.len()),
            shortest,
        )
    };
    let mut best: Option<Vec<Vec<u8>>> = None;
    let mut consider = |set: Option<&[Vec<u8>]>| {
        let Some(set) = set.filter(|s| !s.is_empty()) else {
            return;
        };
        // `minimal` keeps the shortest strings, so what only they decide is settled before it.
        let short = shortest(set);
        if short < MIN_ANCHOR
            || best
                .as_ref()
                .is_some_and(|b| short.min(GOOD_ANCHOR) < score(b).0)
        {
            return;
        }
        let set = minimal(set.to_vec());
        if set.len() > MAX_ANCHORS {
            return;
        }
        if best.as_ref().is_none_or(|b| score(&set) > score(b)) {
            best = Some(set);
        }
    };
    consider(l.get(hir));
    match hir.kind() {
        HirKind::Capture(c) => consider(required_literals(l, &c.sub).as_deref()),
        HirKind::Repetition(r) if r.min >= 1 => consider(required_literals(l, &r.sub).as_deref()),
        HirKind::Alternation(subs) => consider(
            subs.iter()
                .map(|s| required_literals(l, s))
                .collect::<Option<Vec<_>>>()
                .map(|sets| sets.concat())
                .as_deref(),
        ),
        HirKind::Concat(subs) => {
            for s in subs {
                consider(required_literals(l, s).as_deref());
            }
            // A literal spread over neighbours: `(?i)api[_-]?key` is a run of classes.
            for i in 0..subs.len() {
                runs(l, &subs[i..], &mut |set| {
                    consider(Some(set));
                    false
                });
            }
        }
        _ => {}
    }
    best
}

/// `set` without the strings that contain another of its strings (a hit of the shorter one is
/// found anyway), sorted.
fn minimal(mut set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    set.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    set.dedup();
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(set.len());
    for s in set {
        if !out
            .iter()
            .any(|k| k.is_empty() || s.windows(k.len()).any(|w| w == k.as_slice()))
        {
            out.push(s);
        }
    }
    out.sort();
    out
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

/// For every match of `hir`, an occurrence of one of `anchors` (lowercase) in it with at most
/// `.0` newlines before it and `.1` after it in the match; `None` when not shown. The proof
/// follows `contains_keyword`: a name on one line with its value on the next has its keyword
/// before the newline, so its window need not reach the line above.
fn split(l: &Languages, hir: &Hir, anchors: &[Vec<u8>]) -> Option<(usize, usize)> {
    if let Some(set) = l.get(hir)
        && contain_anchors(set, anchors)
    {
        // Around each string's first anchor occurrence.
        let newlines = |s: &[u8]| s.iter().filter(|&&b| b == b'\n').count();
        return set.iter().try_fold((0, 0), |(b, a), s| {
            let (at, len) = anchors
                .iter()
                .filter(|k| !k.is_empty())
                .filter_map(|k| {
                    Some((s.windows(k.len()).position(|w| w == k.as_slice())?, k.len()))
                })
                .min()?;
            Some((b.max(newlines(&s[..at])), a.max(newlines(&s[at + len..]))))
        });
    }
    match hir.kind() {
        HirKind::Capture(c) => split(l, &c.sub, anchors),
        HirKind::Repetition(r) if r.min >= 1 => {
            let (before, after) = split(l, &r.sub, anchors)?;
            // The anchor may be in any of the repeated copies.
            let others = match max_newlines(&r.sub)? {
                0 => 0,
                k => (r.max? as usize - 1).checked_mul(k)?,
            };
            Some((before.checked_add(others)?, after.checked_add(others)?))
        }
        HirKind::Alternation(subs) => subs.iter().try_fold((0, 0), |(b, a), s| {
            let (x, y) = split(l, s, anchors)?;
            Some((b.max(x), a.max(y)))
        }),
        HirKind::Concat(subs) => {
            let newlines: Vec<Option<usize>> = subs.iter().map(max_newlines).collect();
            let sum =
                |r: &[Option<usize>]| r.iter().try_fold(0usize, |acc, k| acc.checked_add((*k)?));
            let mut best: Option<(usize, usize)> = None;
            let mut consider = |c: Option<(usize, usize)>| {
                if let Some(c) = c
                    && best.is_none_or(|b| c.0 + c.1 < b.0 + b.1)
                {
                    best = Some(c);
                }
            };
            for i in 0..subs.len() {
                consider(split(l, &subs[i], anchors).and_then(|(b, a)| {
                    Some((sum(&newlines[..i])? + b, a + sum(&newlines[i + 1..])?))
                }));
                // An anchor spread over the run `subs[i..j]`: the run's newlines count on both
                // sides.
                let mut len = 0;
                let mut found = false;
                runs(l, &subs[i..], &mut |set| {
                    len += 1;
                    found = contain_anchors(set, anchors);
                    found
                });
                if found {
                    let j = i + len;
                    consider((|| {
                        let inside = sum(&newlines[i..j])?;
                        Some((sum(&newlines[..i])? + inside, inside + sum(&newlines[j..])?))
                    })());
                }
            }
            best
        }
        _ => None,
    }
}

/// Whether every string of `set` contains one of `anchors`.
fn contain_anchors(set: &[Vec<u8>], anchors: &[Vec<u8>]) -> bool {
    set.iter().all(|s| {
        anchors
            .iter()
            .any(|k| !k.is_empty() && s.windows(k.len()).any(|w| w == k.as_slice()))
    })
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

/// Whether every match of `hir` contains one of `keywords` (any case), ASCII case-insensitively:
/// the proof [`reach_of`] makes for a whole regex, for any subexpression (a secret group).
pub fn always_contains(hir: &Hir, keywords: &[String]) -> bool {
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .collect();
    !keywords.is_empty() && contains_keyword(&Languages::of(hir), hir, &keywords)
}

/// Whether every match of `hir` contains one of `keywords` (lowercase), ASCII case-insensitively.
fn contains_keyword(l: &Languages, hir: &Hir, keywords: &[Vec<u8>]) -> bool {
    let all_contain = |set: &[Vec<u8>]| contain_anchors(set, keywords);
    if let Some(set) = l.get(hir)
        && all_contain(set)
    {
        return true;
    }
    match hir.kind() {
        HirKind::Capture(c) => contains_keyword(l, &c.sub, keywords),
        HirKind::Repetition(r) => r.min >= 1 && contains_keyword(l, &r.sub, keywords),
        HirKind::Alternation(subs) => subs.iter().all(|s| contains_keyword(l, s, keywords)),
        HirKind::Concat(subs) => {
            if subs.iter().any(|s| contains_keyword(l, s, keywords)) {
                return true;
            }
            // A keyword spread over neighbours: `(?i)token` is five one-letter classes.
            (0..subs.len()).any(|i| {
                let mut found = false;
                runs(l, &subs[i..], &mut |set| {
                    found = all_contain(set);
                    found
                });
                found
            })
        }
        _ => false,
    }
}

/// Calls `f` with, for each growing run of `subs` from the first, strings one of which each match
/// of the run holds (lowercased), until `f` returns true; returns the last of them. A run extends
/// over subexpressions whose language is a small finite set, and ends with one whose matches at
/// least begin with one of a few strings (`(?:ysql|ariadb)(?:\+\w+)?` after `m` gives `mysql`,
/// `mariadb`).
fn runs(
    l: &Languages,
    subs: &[Hir],
    f: &mut dyn FnMut(&[Vec<u8>]) -> bool,
) -> Option<Vec<Vec<u8>>> {
    let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
    let mut produced = false;
    for sub in subs {
        let (next, last) = match l.get(sub) {
            Some(set) => (product(&acc, set), false),
            None => (prefixes(l, sub).and_then(|p| product(&acc, &p)), true),
        };
        let Some(next) = next else {
            break;
        };
        if f(&next) || last {
            return Some(next);
        }
        acc = next;
        produced = true;
    }
    produced.then_some(acc)
}

/// Strings (lowercased) one of which every match of `hir` begins with, when few.
fn prefixes(l: &Languages, hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(set) = l.get(hir) {
        return Some(set.to_vec());
    }
    match hir.kind() {
        HirKind::Capture(c) => prefixes(l, &c.sub),
        HirKind::Repetition(r) if r.min >= 1 => prefixes(l, &r.sub),
        HirKind::Alternation(subs) => union(subs.iter().map(|s| prefixes(l, s))),
        HirKind::Concat(subs) => runs(l, subs, &mut |_| false),
        _ => Some(vec![Vec::new()]),
    }
}

/// The small finite languages of the nodes of one regex's syntax tree (`language`), each
/// computed once: the analyses above ask for them over and over, from every enclosing node.
struct Languages(HashMap<*const Hir, Option<Vec<Vec<u8>>>>);

impl Languages {
    fn of(root: &Hir) -> Languages {
        fn fill(hir: &Hir, map: &mut HashMap<*const Hir, Option<Vec<Vec<u8>>>>) {
            match hir.kind() {
                HirKind::Capture(c) => fill(&c.sub, map),
                HirKind::Repetition(r) => fill(&r.sub, map),
                HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                    subs.iter().for_each(|s| fill(s, map))
                }
                _ => {}
            }
            let set = language(hir, |sub| {
                map.get(&(sub as *const Hir)).and_then(Option::as_deref)
            });
            map.insert(hir, set);
        }
        let mut map = HashMap::new();
        fill(root, &mut map);
        Languages(map)
    }

    /// Every string `hir` (a node of the tree this was built for) matches, when few.
    fn get(&self, hir: &Hir) -> Option<&[Vec<u8>]> {
        self.0.get(&(hir as *const Hir)).and_then(Option::as_deref)
    }
}

/// Every string `hir` matches, lowercased, when that is a small finite set, given the same for
/// its children (`child`).
fn language<'a>(hir: &Hir, child: impl Fn(&Hir) -> Option<&'a [Vec<u8>]>) -> Option<Vec<Vec<u8>>> {
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
        HirKind::Capture(c) => child(&c.sub).map(<[_]>::to_vec),
        HirKind::Alternation(subs) => union(subs.iter().map(|s| child(s).map(<[_]>::to_vec))),
        HirKind::Concat(subs) => {
            let mut acc = vec![Vec::new()];
            for s in subs {
                acc = product(&acc, child(s)?)?;
            }
            Some(acc)
        }
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 8 {
                return None;
            }
            let one = child(&r.sub)?;
            let mut set = Vec::new();
            let mut acc = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    set.extend(acc.iter().cloned());
                }
                if n < max {
                    acc = product(&acc, one)?;
                }
            }
            set.sort();
            set.dedup();
            (set.len() <= MAX_STRINGS).then_some(set)
        }
    }
}

/// The union of the alternatives' sets, sorted, within the bounds; `None` if one has none.
fn union(sets: impl Iterator<Item = Option<Vec<Vec<u8>>>>) -> Option<Vec<Vec<u8>>> {
    let mut set = Vec::new();
    for one in sets {
        set.extend(one?);
        if set.len() > MAX_STRINGS {
            return None;
        }
    }
    set.sort();
    set.dedup();
    Some(set)
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

    fn windowing(pattern: &str, keywords: &[String]) -> Windowing {
        let (_, _, hir) = crate::rules::lazy::LazyRegex::parse(pattern).unwrap();
        reach_of(&hir, keywords)
    }

    fn reach(pattern: &str, keywords: &[String]) -> Reach {
        windowing(pattern, keywords).reach
    }

    fn anchors(pattern: &str, keywords: &[String]) -> Vec<String> {
        windowing(pattern, keywords)
            .anchors
            .into_iter()
            .map(|a| String::from_utf8(a).unwrap())
            .collect()
    }

    fn kw(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn lead(pattern: &str, keywords: &[&str]) -> Option<ByteSet> {
        windowing(pattern, &kw(keywords)).lead
    }

    #[test]
    fn line_windows_start_at_the_run_of_lead_bytes_before_the_anchor() {
        // A name of word characters, then the keyword.
        let name = lead(
            r"(?i)[a-z0-9_.-]*?(?:secret|token)[a-z0-9_.-]{0,30}[ \t]*=[ \t]*([A-Za-z0-9]{8,})",
            &["secret", "token"],
        )
        .expect("a lead");
        for b in *b"aZ09_.-" {
            assert!(name.contains(b), "{}", b as char);
        }
        for b in *b" \t\n\"=:" {
            assert!(!name.contains(b), "{}", b as char);
        }
        // An anchor at the start of every match: nothing before it.
        let prefix = lead(r"\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]).expect("a lead");
        assert_eq!(prefix, ByteSet::default());
        // Whatever may precede the anchor, spaces included.
        let spaced = lead(r"user:[ \t]*\S+[ \t]+token=([a-z0-9]{20})", &["token"]).expect("lead");
        assert!(spaced.contains(b' ') && spaced.contains(b'~') && !spaced.contains(b'\n'));
        // A newline may come before the anchor: no lead.
        assert_eq!(
            lead(r"user:\s*\S+\s+token=([a-z0-9]{20})", &["token"]),
            None
        );
        // Newlines after an anchor beyond the reach's lines below it: no lead (the reach of
        // another occurrence would not make one window with it).
        assert_eq!(
            lead(
                r"(?s)token[^\n]{0,9}(?:\n[^\n]{0,9}){0,20}=([a-z0-9]{20})",
                &["token"]
            ),
            None
        );
    }

    #[test]
    fn a_search_is_anchored_where_the_opening_absorbs_the_lead() {
        let anchored =
            |pattern: &str, keywords: &[&str]| windowing(pattern, &kw(keywords)).anchored;
        // The name class opens the regex and holds every lead byte.
        assert!(anchored(
            r"(?i)[a-z0-9_.-]*?(?:secret|token)[a-z0-9_.-]{0,30}[ \t]*=[ \t]*([A-Za-z0-9]{8,})",
            &["secret", "token"]
        ));
        // The match begins at the anchor.
        assert!(anchored(r"\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]));
        // Spaces may come before the anchor, and no opening repetition takes them.
        assert!(!anchored(
            r"user:[ \t]*\S+[ \t]+token=([a-z0-9]{20})",
            &["token"]
        ));
        // The opening repetition misses a lead byte (`_`) that comes after it.
        assert!(!anchored(
            r"[a-z]*_?secret[ \t]*=[ \t]*([A-Za-z0-9]{8,})",
            &["secret"]
        ));
        // No lead at all: the rule's windows are not runs of lead bytes.
        assert!(!anchored(r"user:\s*\S+\s+token=([a-z0-9]{20})", &["token"]));
    }

    #[test]
    fn a_search_starts_before_the_run_where_a_boundary_byte_opens_the_match() {
        let opened = |pattern: &str| {
            let w = windowing(pattern, &kw(&["secret"]));
            (w.anchored, w.opening == Opening::Byte)
        };
        // A line start or one byte that no name byte can be.
        assert_eq!(
            opened(r"(?im)(?:^|[^?&a-z0-9_.-])[a-z0-9_.-]*?secret[ \t]*=[ \t]*([a-z0-9]{8,})"),
            (true, true)
        );
        assert_eq!(opened(r#"[\s"']secret=([a-z0-9]{8,})"#), (true, true));
        // Without the boundary, the same regex is anchored at the run.
        assert_eq!(
            opened(r"(?i)[a-z0-9_.-]*?secret[ \t]*=[ \t]*([a-z0-9]{8,})"),
            (true, false)
        );
        // The boundary's class holds a name byte (`.`): a match may open inside the run.
        assert_eq!(
            opened(r"(?im)(?:^|[^a-z0-9_-])[a-z0-9_.-]*?secret[ \t]*=[ \t]*([a-z0-9]{8,})"),
            (false, false)
        );
        // `\b` is not one byte: the match may open at any word boundary in the run, and is
        // searched from the first (`Windowing::word`).
        assert_eq!(
            opened(r"(?i)\b[a-z0-9_.-]*?secret[ \t]*=[ \t]*([a-z0-9]{8,})"),
            (true, false)
        );
        let word = |p: &str| windowing(p, &kw(&["secret"])).opening == Opening::Word;
        assert!(word(
            r"(?i)\b[a-z0-9_.-]*?secret[ \t]*=[ \t]*([a-z0-9]{8,})"
        ));
        // No opening repetition after the `\b` to absorb the run.
        assert!(!word(r"(?i)\b[a-z]+[ \t]secret=([a-z0-9]{8,})"));
        // Two bytes of boundary.
        assert_eq!(
            opened(r"(?i)[^a-z][^a-z][a-z0-9_.-]*?secret=([a-z0-9]{8,})"),
            (false, false)
        );
    }

    #[test]
    fn a_token_prefix_in_the_match_runs_on_its_line() {
        assert_eq!(
            reach(r"\b(ghp_[A-Za-z0-9]{36})\b", &kw(&["ghp_"])),
            Reach::Lines(0, 0)
        );
        assert_eq!(
            reach(
                r"(?i)\b(?:xox[bp])-[0-9]{10,13}-[a-z0-9-]+",
                &kw(&["xoxb-", "xoxp-"])
            ),
            Reach::Lines(0, 0)
        );
    }

    #[test]
    fn case_insensitive_keywords_spread_over_classes_are_found() {
        assert_eq!(
            reach(
                r#"(?i)\bbitfinex[\w.-]{0,20}secret[ \t]*[:=][ \t]*["']?([a-z0-9]{32})"#,
                &kw(&["BitFinex"])
            ),
            Reach::Lines(0, 0)
        );
        assert_eq!(
            reach(
                r"(?i)(?:api|secret)_?(?:key|token)=(\w+)",
                &kw(&["key", "token"])
            ),
            Reach::Lines(0, 0)
        );
    }

    #[test]
    fn a_keyword_that_is_only_context_means_the_whole_buffer() {
        // The keyword need not be in the match, and the regex requires no literal of 3 bytes:
        // it could match anywhere in the file.
        assert_eq!(
            reach(r"\b[0-9]{8,10}:[A-Za-z0-9_-]{35}\b", &kw(&["telegram"])),
            Reach::Whole
        );
        // An optional keyword proves nothing, nor does a short literal.
        assert_eq!(reach(r"(?:token)?=(\w{20})", &kw(&["token"])), Reach::Whole);
        assert_eq!(
            reach(r"(?:token)?p=(\w{20})", &kw(&["token"])),
            Reach::Whole
        );
        assert_eq!(reach(r"tok", &[]), Reach::Lines(0, 0));
        assert_eq!(reach(r"to", &[]), Reach::Whole);
    }

    #[test]
    fn a_context_keyword_windows_around_the_literals_the_regex_requires() {
        // `binance` anywhere selects the rule; its matches lie around `api_key` and kin.
        let exchange = r#"(?i)\bapi[_.-]?key["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9]{64})"#;
        assert_eq!(reach(exchange, &kw(&["binance"])), Reach::Lines(0, 0));
        assert_eq!(
            anchors(exchange, &kw(&["binance"])),
            ["api-key", "api.key", "api_key", "apikey"]
        );
        // One alternative lacks every keyword: each alternative's own literal anchors it.
        assert_eq!(
            anchors(r"(?:token=|pw=)(\w+)", &kw(&["token"])),
            ["pw=", "token="]
        );
        // Literals that contain a shorter one are found by its hits.
        assert_eq!(
            anchors(r"(?i)(?:secret|secret_key|x-secret)=(\w+)", &[]),
            ["secret"]
        );
        // The longest shortest literal wins over a shorter one in the same match.
        assert_eq!(
            anchors(r"(?i)key[ \t]*=[ \t]*(?:passphrase|password):(\w+)", &[]),
            ["passphrase:", "password:"]
        );
        // Keywords that prove the match are kept as they are.
        assert_eq!(anchors(r"(?i)token=(\w+)", &kw(&["TOKEN"])), ["token"]);
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
        // A config block: the section's name, then its key up to eleven lines below, with
        // names of any length on the way (no bound on the length, one on the lines).
        let block = r"(?im)^[ \t]*(?:[a-z_]+\.)*binance[ \t]*:[ \t]*\r?\n(?:[ \t]*[^\s][^\r\n]{0,160}\r?\n){0,10}?[ \t]*secret[ \t]*:[ \t]*(\w{16,64})";
        assert_eq!(reach(block, &kw(&["binance"])), Reach::Lines(0, 11));
        // `[^"]` crosses lines.
        assert_eq!(reach(r#"token="([^"]+)""#, &kw(&["token"])), Reach::Whole);
        assert_eq!(
            reach(r#"token="([^"\n]+)""#, &kw(&["token"])),
            Reach::Lines(0, 0)
        );
    }

    #[test]
    fn a_boundary_byte_at_either_edge_stays_on_the_line() {
        let jwt = r"(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,})(?:[^A-Za-z0-9_.-]|$)";
        assert_eq!(reach(jwt, &kw(&["eyj"])), Reach::Lines(0, 0));
        assert_eq!(reach(r"^token=(\w+)", &kw(&["token"])), Reach::Lines(0, 0));
        // Two bytes that may be newlines, after the keyword: the match can reach two lines
        // further down, none up.
        assert_eq!(
            reach(r"token=\w+\s\s\w+", &kw(&["token"])),
            Reach::Lines(0, 2)
        );
        assert_eq!(
            reach(r"token=(?:\s|x){2}", &kw(&["token"])),
            Reach::Lines(0, 2)
        );
        // A name on one line, its value on the next (Kubernetes env entries).
        let k8s = r#"(?i)(token)["']?[ \t]*\r?\n[ \t]*value[ \t]*:[ \t]*(\S+)"#;
        assert_eq!(reach(k8s, &kw(&["token"])), Reach::Lines(0, 1));
        // The keyword after the newline: the window reaches up, not down.
        let header =
            r#"(?i)"name":[ \t]*"authorization",[ \t]*\n?[ \t]*"value":[ \t]*"bearer (\w+)"#;
        assert_eq!(reach(header, &kw(&["bearer"])), Reach::Lines(1, 0));
        // A keyword spread over classes, between two possible newlines.
        assert_eq!(
            reach(r"(?i)\s=token:\s(\w+)", &kw(&["token"])),
            Reach::Lines(1, 1)
        );
        // The anchor in any of three copies of a part that may hold a newline.
        assert_eq!(
            reach(r"(?:token\s?){3}(\w+)", &kw(&["token"])),
            Reach::Lines(2, 3)
        );
        // Unboundedly many newlines: by length if bounded, else the whole buffer.
        assert_eq!(reach(r"token=\s*(\w+)", &kw(&["token"])), Reach::Whole);
        assert_eq!(
            reach(r"token=\s{0,100}(\w{1,8})", &kw(&["token"])),
            Reach::Near(114)
        );
    }
}
