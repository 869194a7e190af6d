//! The hot path: bytes in, candidate secrets out. Pure, no I/O.
//!
//! One literal search (`literals`) over the rules' keywords and anchors says which rules can match in this
//! buffer, and where: a rule whose every match must contain one of its anchors (its keywords, or
//! literals of its regex) runs only on the lines around their hits (`reach`), the others on the
//! whole buffer. Where every match opens at the run of name bytes before a hit (`ghp_…`,
//! `[a-z0-9_.-]*?secret…`), a hit costs one anchored search from the start of that run instead of
//! a scan of its lines, unless the hits are so dense that one search of the buffer is cheaper. Their validators (entropy, randomness, character classes, checksums) run only on
//! regex matches. Callers own a [`Scratch`] per thread so the scan itself allocates nothing per
//! file beyond the candidates it returns.
//!
//! A [`Candidate`] holds byte offsets, not the secret: the secret bytes stay in the caller's
//! buffer until `finding` turns them into masked findings.

pub mod checksum;
pub mod literals;
pub mod memo;

use crate::classify::entropy;
use crate::known::KnownValues;
use crate::rules::reach::{ByteSet, Opening, Reach};
use crate::rules::{Classes, Rule, RulePack};
use literals::Literals;
use memo::{Memo, Resolved};
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, meta};
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
    prefilter: Option<Literals>,
    /// What each prefilter pattern means, by pattern id.
    patterns: Vec<Pattern>,
    /// Rules with no keywords: they run on every buffer.
    unconditional: Vec<usize>,
    /// How many rules the prefilter selects (the pack's rules before any known-value rules).
    regex_rules: usize,
    /// Known secret values; their synthetic rules follow the regex rules in `pack.rules`.
    known: Option<KnownValues>,
    /// Keep rejected and dropped candidates (as `State::Dropped` findings) to explain every
    /// validator and filter decision.
    pub explain: bool,
    /// Run windowed rules only near their anchors' hits (`reach`). Off, every selected rule
    /// runs on the whole buffer: the same candidates, more slowly (the tests compare the two).
    pub windows: bool,
    /// Tells the scratch state made for this scanner's rules from another's.
    id: usize,
}

/// Scanner ids (`Scanner::id`).
static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// One prefilter pattern: a keyword, an anchor, or both.
#[derive(Default)]
struct Pattern {
    /// The rules that list it as a keyword (its first hit selects them).
    selects: Vec<usize>,
    /// The windowed rules it anchors (each of its hits places a window for them).
    windows: Vec<usize>,
    /// Whether a rule without a proven reach lists it as a keyword.
    unbounded: bool,
}

/// Where a rule without a proven reach runs for one hit of its keywords (`Scanner::scan_near`),
/// given the buffer, the hit and the most newlines a match of the rule can hold (`None`: no
/// bound).
pub type Around = fn(&[u8], Range<usize>, Option<usize>) -> Range<usize>;

/// Per-thread reusable state.
#[derive(Default)]
pub struct Scratch {
    selected: Vec<bool>,
    seen_pattern: Vec<bool>,
    /// Prefilter hits of patterns that anchor windows: (pattern, start, end).
    hits: Vec<(usize, usize, usize)>,
    order: Vec<usize>,
    /// Per rule: where it runs in this buffer.
    plan: Vec<Plan>,
    /// Per rule: its regex's search cache and capture slots, made on the rule's first run on
    /// this thread. A window is one search; taking the cache from the regex's own pool and
    /// allocating fresh captures for each cost more than a short window's search itself.
    /// Boxed: a cache is kilobytes inline, and most of the pack's rules never run on a thread.
    regex: Vec<Option<Box<RegexState>>>,
    /// The scanner whose rules `regex` and `memo` are for: a scratch (a thread's own) may serve
    /// several scanners in turn, and a cache must only meet its own regex.
    owner: usize,
    /// Recent matches' captures and validation (`memo`).
    memo: Memo,
    /// What the caches in `regex` hold together, each as weighed after its rule last ran
    /// (`RegexState::weight`).
    cache_bytes: usize,
    /// Buffers scanned: when a rule last ran (`RegexState::used`).
    clock: u64,
}

/// The search caches one thread keeps, together, at most: each woken rule's cache grows up to
/// `rules::lazy::DFA_CACHE_LIMIT` with the text it meets, and a thread that met the whole corpus
/// kept them all (tens of MiB per thread on real code, growing with the number of files). Each
/// rule's caches are weighed right after it runs (a few additions: the caches count their own
/// bytes), so the total is known at every step; past this, the least recently used are dropped
/// down to half of it, and grow again when needed. A thread then holds at most this plus the one
/// cache a search is growing. Weighing only every few MiB searched, or every 64 caches made, let
/// the caches reach twice this on real code between two weighings.
pub const CACHE_BUDGET: usize = 8 << 20;

thread_local! {
    /// This thread's scratch for callers without one of their own (`Scratch::with_local`).
    static LOCAL: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Scratch {
    /// Drops the least recently used search caches while the thread's caches hold more than
    /// `budget` bytes together, down to half of it, as a scan does past [`CACHE_BUDGET`] (`weigh`).
    /// Matches do not depend on a cache: only the time to grow it again.
    #[cfg(test)]
    fn trim(&mut self, budget: usize) {
        if self.cache_bytes > budget {
            self.cache_bytes = trim_caches(&mut self.regex, budget / 2);
        }
    }

    /// Runs `f` with this thread's scratch, kept from call to call so that its regex caches stay
    /// warm (a fresh one if it is already in use).
    pub fn with_local<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
        LOCAL.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => f(&mut s),
            Err(_) => f(&mut Scratch::default()),
        })
    }
}

/// Weighs rule `ri`'s caches after it ran, into `total` (the thread's `Scratch::cache_bytes`), and
/// trims them all when that is over [`CACHE_BUDGET`].
fn weigh(regex: &mut [Option<Box<RegexState>>], total: &mut usize, ri: usize) {
    if let Some(state) = regex[ri].as_deref_mut() {
        let weight = state.weigh();
        *total = *total + weight - state.weight;
        state.weight = weight;
    }
    if *total > CACHE_BUDGET {
        *total = trim_caches(regex, CACHE_BUDGET / 2);
    }
}

/// Drops the least recently used caches until those left weigh at most `target` bytes, and
/// returns what they weigh. Safe between two rules of one buffer's scan: it touches only the
/// rules' search states, and a dropped one is made again when next needed.
fn trim_caches(regex: &mut [Option<Box<RegexState>>], target: usize) -> usize {
    // (last use, weight, rule)
    let mut sizes: Vec<(u64, usize, usize)> = (regex.iter().enumerate())
        .filter_map(|(i, s)| s.as_deref().map(|s| (s.used, s.weight, i)))
        .collect();
    let mut total: usize = sizes.iter().map(|(_, n, _)| n).sum();
    // The least recently used first: the caches of the rules every buffer wakes (the generic
    // ones, the largest) stay warm, and those of a rule one file woke go.
    sizes.sort_unstable();
    for (_, n, i) in sizes {
        if total <= target {
            break;
        }
        regex[i] = None;
        total -= n;
    }
    total
}

/// One rule regex's per-thread search state: for its searching regex, and for the pattern as
/// written once a match has had to be searched again with it (`rules::lazy`).
struct RegexState {
    cache: meta::Cache,
    caps: Captures,
    exact: Option<(meta::Cache, Captures)>,
    /// The scratch's `clock` when the rule last ran.
    used: u64,
    /// What its caches held when last weighed ([`weigh`]).
    weight: usize,
}

impl RegexState {
    fn new(rule: &Rule) -> RegexState {
        let (fast, _) = rule.regex.searcher();
        RegexState {
            cache: fast.create_cache(),
            caps: fast.create_captures(),
            exact: None,
            used: 0,
            weight: 0,
        }
    }

    /// What its caches hold now, in bytes.
    fn weigh(&self) -> usize {
        self.cache.memory_usage() + self.exact.as_ref().map_or(0, |(c, _)| c.memory_usage())
    }

    /// The cache and capture slots of the pattern as written.
    fn exact(&mut self, rule: &Rule) -> (&mut meta::Cache, &mut Captures) {
        let (cache, caps) = self.exact.get_or_insert_with(|| {
            let exact = rule.regex.exact();
            (exact.create_cache(), exact.create_captures())
        });
        (cache, caps)
    }
}

/// The rule's leftmost-first match in `input`, as its pattern finds it: by the searching regex,
/// again by the pattern as written when the match is longer than what proves it the pattern's
/// own (`rules::lazy::LazyRegex`).
fn search(rule: &Rule, state: &mut RegexState, input: &Input) -> Option<regex_automata::Match> {
    let (fast, safe_len) = rule.regex.searcher();
    let m = fast.search_with(&mut state.cache, input)?;
    if m.len() <= safe_len {
        return Some(m);
    }
    let (cache, _) = state.exact(rule);
    rule.regex.exact().search_with(cache, input)
}

/// Where one selected rule runs in the current buffer.
#[derive(Default, Clone)]
struct Plan {
    /// The whole buffer (a rule without a proven reach, or windows covering much of it).
    whole: bool,
    /// Sorted, disjoint windows around the rule's keyword hits: line-aligned, and on long lines
    /// bounded by the rule's match length.
    windows: Vec<Range<usize>>,
    /// Bytes the windows cover.
    covered: usize,
    /// For a rule found by anchored searches (`Windowing::anchored`): per hit of its anchors,
    /// where the run of lead bytes before it begins, and where the hit begins; by hit.
    starts: Vec<(usize, usize)>,
}

impl Plan {
    fn reset(&mut self) {
        self.whole = false;
        self.windows.clear();
        self.covered = 0;
        self.starts.clear();
    }

    /// Adds a window, merged with those it overlaps or touches. Windows arrive by ascending
    /// end, so they can only overlap the last ones.
    fn add(&mut self, mut w: Range<usize>) {
        while let Some(last) = self.windows.last()
            && w.start <= last.end
        {
            w = last.start.min(w.start)..last.end.max(w.end);
            self.covered -= last.len();
            self.windows.pop();
        }
        self.covered += w.len();
        self.windows.push(w);
    }
}

/// A window on lines longer than this (minified code, a source map) is bounded by the rule's
/// longest match with capped runs (`rules::lazy::LazyRegex::run_capped_len`).
const LONG_WINDOW: usize = 64 << 10;
/// Windows covering more than 1/WHOLE_RATIO of a buffer: one pass over the whole is cheaper.
const WHOLE_RATIO: usize = 2;
/// Anchored searches from hits closer than this on average: one pass over the whole is cheaper
/// (a search costs about what scanning this many bytes does).
const ANCHORED_SPACING: usize = 64;

impl Scanner {
    pub fn new(pack: RulePack) -> Scanner {
        let mut texts: Vec<Vec<u8>> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut unconditional = Vec::new();
        for (i, rule) in pack.rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                unconditional.push(i);
            }
            let keywords = rule.keywords.iter().map(|k| (k.as_bytes(), false));
            let anchors = rule.windowing.anchors.iter().map(|a| (a.as_slice(), true));
            for (text, anchor) in keywords.chain(anchors) {
                let text = text.to_ascii_lowercase();
                let p = texts.iter().position(|t| *t == text).unwrap_or_else(|| {
                    texts.push(text);
                    patterns.push(Pattern::default());
                    texts.len() - 1
                });
                let pattern = &mut patterns[p];
                let list = if anchor {
                    &mut pattern.windows
                } else {
                    pattern.unbounded |= rule.windowing.reach == Reach::Whole;
                    &mut pattern.selects
                };
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let prefilter = (!texts.is_empty()).then(|| Literals::new(&texts));
        Scanner {
            regex_rules: pack.rules.len(),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            pack,
            prefilter,
            patterns,
            unconditional,
            known: None,
            explain: false,
            windows: true,
        }
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

    /// The prefilter's literals: every rule keyword and anchor, lowercase, once each (for the
    /// benchmarks).
    pub fn literals(&self) -> Option<&Literals> {
        self.prefilter.as_ref()
    }

    /// Finds every candidate secret in `buf`; `path` (relative, `/`-separated) selects the rules
    /// restricted by `paths`. Candidates are appended to `out` in rule order, then by offset.
    pub fn scan(&self, path: &str, buf: &[u8], scratch: &mut Scratch, out: &mut Vec<Candidate>) {
        self.scan_near(path, buf, scratch, out, None);
    }

    /// As [`scan`](Self::scan), except that with `around`, rules without a proven reach run only
    /// on `around(buf, hit)` for each hit of their keywords instead of on the whole buffer (their
    /// matches far from a keyword are not found): `redact` masks what lies near a keyword.
    pub fn scan_near(
        &self,
        path: &str,
        buf: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Candidate>,
        around: Option<Around>,
    ) {
        // A list of prefilter hits grown large on one buffer is not kept for the next.
        if scratch.hits.capacity() > 1 << 16 {
            scratch.hits = Vec::new();
        }
        self.select_rules(buf, scratch, around);
        scratch.clock += 1;
        if scratch.owner != self.id {
            scratch.regex.clear();
            scratch.memo.clear();
            scratch.cache_bytes = 0;
            scratch.owner = self.id;
        }
        for &ri in &scratch.order {
            let rule = &self.pack.rules[ri];
            if let Some(globs) = &rule.paths
                && !globs.is_match(path)
            {
                continue;
            }
            if let Some(globs) = &rule.skip_paths
                && globs.is_match(path)
            {
                continue;
            }
            if scratch.regex.len() <= ri {
                scratch.regex.resize_with(ri + 1, || None);
            }
            let state = scratch.regex[ri].get_or_insert_with(|| Box::new(RegexState::new(rule)));
            state.used = scratch.clock;
            let plan = &scratch.plan[ri];
            let run = RuleRun {
                ri,
                rule,
                explain: self.explain,
            };
            let memo = &mut scratch.memo;
            if plan.whole || plan.starts.len() > buf.len() / ANCHORED_SPACING {
                scan_rule(&run, buf, 0..buf.len(), state, memo, out);
            } else if !plan.starts.is_empty() {
                scan_rule_from(&run, buf, &plan.starts, state, memo, out);
            } else {
                for w in &plan.windows {
                    scan_rule(&run, buf, w.clone(), state, memo, out);
                }
            }
            weigh(&mut scratch.regex, &mut scratch.cache_bytes, ri);
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

    /// Fills `scratch.order` with the rules whose keywords occur in `buf`, in pack order, and
    /// `scratch.plan` with where each runs: the whole buffer, or windows around its hits.
    fn select_rules(&self, buf: &[u8], scratch: &mut Scratch, around: Option<Around>) {
        let n = self.regex_rules;
        scratch.selected.clear();
        scratch.selected.resize(n, false);
        scratch.order.clear();
        scratch.hits.clear();
        if scratch.plan.len() < n {
            scratch.plan.resize(n, Plan::default());
        }
        let unbounded = |ri: usize| self.pack.rules[ri].windowing.reach == Reach::Whole;
        let around = around.filter(|_| self.windows);
        let runs_whole = |ri: usize| !self.windows || (unbounded(ri) && around.is_none());
        for &ri in &self.unconditional {
            scratch.selected[ri] = true;
        }
        let Some(literals) = &self.prefilter else {
            scratch.order.extend(self.unconditional.iter().copied());
            for &ri in &self.unconditional {
                scratch.plan[ri].reset();
                scratch.plan[ri].whole = true;
            }
            return;
        };
        // First the selection: a keyword's first hit selects its rules. The hits of anchors are
        // kept, to place windows once it is known which of their rules run at all (an anchor
        // such as `api_key` may serve rules that a keyword elsewhere in the file selects).
        scratch.seen_pattern.clear();
        scratch.seen_pattern.resize(self.patterns.len(), false);
        literals.for_each(buf, |p, start| {
            let pattern = &self.patterns[p];
            if !std::mem::replace(&mut scratch.seen_pattern[p], true) {
                for &ri in &pattern.selects {
                    scratch.selected[ri] = true;
                }
            }
            if self.windows
                && (!pattern.windows.is_empty() || (around.is_some() && pattern.unbounded))
            {
                let end = start + literals.literal(p).len();
                scratch.hits.push((p, start, end));
            }
        });
        // The search reports hits in its own order; windows are placed by ascending end.
        scratch.hits.sort_unstable_by_key(|&(_, _, end)| end);
        scratch
            .order
            .extend((0..n).filter(|&ri| scratch.selected[ri]));
        for &ri in &scratch.order {
            let plan = &mut scratch.plan[ri];
            plan.reset();
            plan.whole = runs_whole(ri);
        }
        // Then the windows of the selected rules, by ascending hit end.
        let whole_at = buf.len() / WHOLE_RATIO;
        let mut lines = LinesNear::default();
        for &(p, start, end) in &scratch.hits {
            let pattern = &self.patterns[p];
            if let Some(around) = around
                && pattern.unbounded
            {
                for &ri in &pattern.selects {
                    let plan = &mut scratch.plan[ri];
                    if unbounded(ri) && !plan.whole {
                        let max_lines = self.pack.rules[ri].windowing.max_lines;
                        plan.add(around(buf, start..end, max_lines));
                        if plan.covered > whole_at {
                            plan.whole = true;
                        }
                    }
                }
            }
            for &ri in &pattern.windows {
                let plan = &mut scratch.plan[ri];
                if !scratch.selected[ri] || plan.whole {
                    continue;
                }
                let windowing = &self.pack.rules[ri].windowing;
                if windowing.anchored
                    && let Some(lead) = &windowing.lead
                {
                    // The lead holds no newline: the run stays on the hit's line. A boundary
                    // opening is the byte before the run.
                    let run = run_start(buf, start, lead, 0);
                    let from = match windowing.opening {
                        Opening::Byte => run.saturating_sub(1),
                        Opening::Run | Opening::Word => run,
                    };
                    plan.starts.push((from, start));
                    continue;
                }
                let window = match windowing.reach {
                    Reach::Lines(before, after) => lines.around(buf, start, end, before, after),
                    Reach::Near(len) => lines_around(
                        buf,
                        start.saturating_sub(len),
                        (end + len).min(buf.len()),
                        0,
                        0,
                    ),
                    Reach::Whole => unreachable!("whole rules have no anchors"),
                };
                // No match is longer than `max_len`, and each holds a hit: the bytes further
                // than that from this hit are not the window's, though they share its lines. On
                // a long line (minified code, a source map's one line, a JSON report) the lines
                // were the whole buffer, searched again by each rule that woke there.
                // A match without a bound (a run of spaces or of name characters may go on) is
                // taken to run at most `RUN_CAP` bytes in each such run when its lines are long:
                // a credential assignment is not a kilobyte of spaces. Shorter lines keep exact
                // windows.
                let max = windowing.max_len.or_else(|| {
                    (window.len() > LONG_WINDOW).then(|| self.pack.rules[ri].regex.run_capped_len())
                });
                let window = match max {
                    Some(max) => {
                        window.start.max(start.saturating_sub(max))
                            ..window.end.min(end.saturating_add(max))
                    }
                    None => window,
                };
                let window = match &self.pack.rules[ri].windowing.lead {
                    Some(lead) => run_start(buf, start, lead, window.start)..window.end,
                    None => window,
                };
                plan.add(window);
                if plan.covered > whole_at {
                    plan.whole = true;
                }
            }
        }
        // Hits arrive by ascending end; anchored searches go by ascending start.
        for &ri in &scratch.order {
            scratch.plan[ri]
                .starts
                .sort_unstable_by_key(|&(_, hit)| hit);
        }
    }
}

/// The lines holding `start..end`, `before` more above and `after` more below, with the newlines
/// that end the line before them and the last of them (a rule's match may begin or end with one,
/// see `reach`).
fn lines_around(buf: &[u8], start: usize, end: usize, before: usize, after: usize) -> Range<usize> {
    let mut from = start;
    for _ in 0..=before {
        match memchr::memrchr(b'\n', &buf[..from]) {
            Some(p) => from = p,
            None => {
                from = 0;
                break;
            }
        }
    }
    let mut to = end;
    for _ in 0..=after {
        match memchr::memchr(b'\n', &buf[to..]) {
            Some(p) => to += p + 1,
            None => {
                to = buf.len();
                break;
            }
        }
    }
    from..to
}

/// [`lines_around`] for the hits of one line, which anchor many rules with different reaches:
/// the hit's line is found once, and each line above and below it once.
#[derive(Default)]
struct LinesNear {
    /// The hit's line, as `lines_around(.., 0, 0)` gives it.
    line: Range<usize>,
    /// Where `lines_around` starts with `k` lines before: `up[k]`.
    up: Vec<usize>,
    /// Where it ends with `k` lines after: `down[k]`.
    down: Vec<usize>,
}

impl LinesNear {
    fn around(
        &mut self,
        buf: &[u8],
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> Range<usize> {
        // Strictly inside the last hit's line (between its newlines): the same line.
        if !(self.line.start < start && end < self.line.end) {
            let line = lines_around(buf, start, end, 0, 0);
            self.up.clear();
            self.up.push(line.start);
            self.down.clear();
            self.down.push(line.end);
            // A hit holding a newline: its "line" is two, which no other hit shares.
            let one = memchr::memchr(b'\n', &buf[start..end]).is_none();
            self.line = if one { line } else { 0..0 };
        }
        while self.up.len() <= before {
            let from = self.up[self.up.len() - 1];
            self.up
                .push(memchr::memrchr(b'\n', &buf[..from]).unwrap_or(0));
        }
        while self.down.len() <= after {
            let to = self.down[self.down.len() - 1];
            self.down
                .push(memchr::memchr(b'\n', &buf[to..]).map_or(buf.len(), |p| to + p + 1));
        }
        self.up[before]..self.down[after]
    }
}

/// One rule's run over a buffer: which rule, and whether to keep rejected matches.
struct RuleRun<'a> {
    ri: usize,
    rule: &'a Rule,
    explain: bool,
}

/// Where the run of `lead` bytes that ends at `at` begins (not before `floor`).
fn run_start(buf: &[u8], at: usize, lead: &ByteSet, floor: usize) -> usize {
    let mut i = at;
    while i > floor && lead.contains(buf[i - 1]) {
        i -= 1;
    }
    i
}

/// Runs one rule over `span` of `buf` (its look-arounds still see the bytes around the span);
/// with `explain`, matches its validators reject are kept, marked `rejected`.
fn scan_rule(
    run: &RuleRun,
    buf: &[u8],
    span: Range<usize>,
    state: &mut RegexState,
    memo: &mut Memo,
    out: &mut Vec<Candidate>,
) {
    let mut input = Input::new(buf).span(span.clone());
    let mut at = span.start;
    while at <= span.end {
        input.set_start(at);
        let Some(m) = search(run.rule, state, &input) else {
            break;
        };
        // The next search starts after this match; an empty one moves on by a byte.
        at = m.end() + usize::from(m.is_empty());
        take_match(run, buf, m, state, memo, out);
    }
}

/// Runs one rule found by anchored searches (`Windowing::anchored`) from `starts` (per hit of
/// its anchors, by hit: where the run of lead bytes before it begins, and the hit), finding
/// what a search of the whole buffer finds. A search from the run's start finds a match there
/// when one begins anywhere in the run (its opening repetition absorbs the bytes before); a
/// search stops where no match can begin there any more, so a hit costs a few bytes, not its
/// line. As in the whole buffer's search, a match begins no earlier than where the last one
/// ended, and a hit inside the last match starts none. For a rule opened by a boundary byte
/// (`Opening::Byte`), `starts` hold the byte before the run; for one opened by `\b`
/// (`Opening::Word`), the search starts at the first word boundary from the run.
fn scan_rule_from(
    run: &RuleRun,
    buf: &[u8],
    starts: &[(usize, usize)],
    state: &mut RegexState,
    memo: &mut Memo,
    out: &mut Vec<Candidate>,
) {
    let opening = run.rule.windowing.opening;
    let mut next = 0;
    let mut searched = usize::MAX;
    for &(mut lead, hit) in starts {
        // Again while the match found ends before the hit: another may begin between them.
        while hit >= next {
            let mut from = lead.max(next);
            if opening == Opening::Word {
                // A `\b` opening: no match begins in the run before its first word boundary.
                match (from..=hit).find(|&p| at_word_boundary(buf, p)) {
                    Some(p) => from = p,
                    None => break,
                }
            }
            if from == searched {
                break;
            }
            searched = from;
            let input = Input::new(buf)
                .span(from..buf.len())
                .anchored(Anchored::Yes);
            let Some(m) = search(run.rule, state, &input) else {
                // A boundary opening's line start, at the run after the line break before it.
                if opening == Opening::Byte
                    && from == lead
                    && from < hit
                    && matches!(buf[from], b'\n' | b'\r')
                {
                    lead += 1;
                    continue;
                }
                break;
            };
            next = m.end() + usize::from(m.is_empty());
            take_match(run, buf, m, state, memo, out);
        }
    }
}

/// Whether ASCII `\b` holds at `at`: a word byte on one side only.
fn at_word_boundary(buf: &[u8], at: usize) -> bool {
    let word = |i: Option<usize>| {
        i.and_then(|i| buf.get(i))
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    word(at.checked_sub(1)) != word(Some(at))
}

/// Resolves a match's secret group and validators and keeps it as a candidate, unless it has
/// no secret or (without `explain`) a validator rejects it.
fn take_match(
    run: &RuleRun,
    buf: &[u8],
    m: regex_automata::Match,
    state: &mut RegexState,
    memo: &mut Memo,
    out: &mut Vec<Candidate>,
) {
    let RuleRun { ri, rule, explain } = *run;
    // The groups, from an anchored search over the match (what the regex engine does after
    // finding one), and the validators: once per distinct match and context (`memo`). Within a
    // match the searching regex proves its own, its groups are the pattern's too; a longer one
    // came from the pattern as written (`search`), which resolves it.
    let resolved = memo.resolve(ri, buf, m.range(), || {
        let over = Input::new(buf)
            .span(m.range())
            .anchored(Anchored::Pattern(m.pattern()));
        let (fast, safe_len) = rule.regex.searcher();
        let caps = if m.len() <= safe_len {
            fast.search_captures_with(&mut state.cache, &over, &mut state.caps);
            &state.caps
        } else {
            let (cache, caps) = state.exact(rule);
            rule.regex.exact().search_captures_with(cache, &over, caps);
            &*caps
        };
        let secret = caps
            .get_group(rule.secret_group)
            .filter(|g| !g.is_empty())
            .map(|g| ((g.start - m.start()) as u32, (g.end - m.start()) as u32));
        let rejected = secret.and_then(|(s, e)| {
            let bytes = &buf[m.start() + s as usize..m.start() + e as usize];
            validate(rule, bytes).err()
        });
        Resolved { secret, rejected }
    });
    let Some((s, e)) = resolved.secret else {
        return;
    };
    if resolved.rejected.is_some() && !explain {
        return;
    }
    out.push(Candidate {
        rule: ri,
        secret: m.start() + s as usize..m.start() + e as usize,
        matched: m.range(),
        rejected: resolved.rejected,
    });
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
    if rule.checksum.is_some_and(|c| !checksum::passes(c, secret)) {
        return Err("the token's checksum does not match");
    }
    if rule.randomness
        && let Err(why) = entropy::judge(secret)
    {
        return Err(why.explain());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_search_caches_within_the_budget() {
        let rule = r#"
[[rules]]
id = "test-token"
title = "Test token"
severity = "high"
keywords = ["tk_"]
regex = '''\b(tk_[A-Za-z0-9]{30})\b'''
"#;
        let pack = crate::rules::RulePack::from_sources([("t.toml", rule)]).unwrap();
        let scanner = Scanner::new(pack);
        let token = concat!("tk_", "Q2w8Zr5Tn1Lp7Vx3Kc9Hb4Md6Fj0Sy");
        let text = format!("key {token}\n").repeat(100);
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        scanner.scan("a.log", text.as_bytes(), &mut scratch, &mut out);
        assert_eq!(out.len(), 100);
        let held = |s: &Scratch| s.regex.iter().flatten().count();
        assert_eq!(held(&scratch), 1);
        scratch.trim(usize::MAX);
        assert_eq!(held(&scratch), 1, "within the budget: kept");
        scratch.trim(0);
        assert_eq!(held(&scratch), 0, "over it: dropped");
        out.clear();
        scanner.scan("a.log", text.as_bytes(), &mut scratch, &mut out);
        assert_eq!(out.len(), 100, "the same matches with a new cache");
    }

    /// On a long line (a source map, minified code) a rule whose match has no length bound
    /// (runs of spaces, a name prefix) is searched near its hits, not on the whole line, and
    /// finds what a search of the whole line finds.
    #[test]
    fn a_long_line_is_windowed_by_the_rule_s_capped_match_length() {
        let rule = r#"
[[rules]]
id = "test-named-key"
title = "Test key"
severity = "high"
keywords = ["zork"]
regex = '''(?i)\b[a-z0-9_.-]*zork[a-z0-9_.-]*key[\x20\t]*[:=][\x20\t]*["']?(?P<secret>[A-Za-z0-9]{32})\b'''
"#;
        let pack = crate::rules::RulePack::from_sources([("t.toml", rule)]).unwrap();
        assert_eq!(
            pack.rules[0].windowing.max_len, None,
            "the test needs an unbounded rule"
        );
        let scanner = Scanner::new(pack);
        let token = concat!("Q2w8Zr5Tn1Lp7Vx3", "Kc9Hb4Md6Fj0SyAB");
        let filler = "var zorkBox=a.zork(b),c=zork;".repeat(100);
        let mut line = String::new();
        for i in 0..40 {
            line.push_str(&filler);
            if i == 29 {
                line.push_str(&format!("MY_ZORK_API_KEY   =  '{token}'"));
            }
        }
        line.push_str(&format!(";zork_key:\"{token}\""));
        assert!(line.len() > LONG_WINDOW && !line.contains('\n'));
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        scanner.scan("bundle.min.js", line.as_bytes(), &mut scratch, &mut out);
        let plan = &scratch.plan[0];
        assert!(!plan.whole, "windowed");
        assert!(
            plan.covered < line.len() / 2,
            "{} of {}",
            plan.covered,
            line.len()
        );
        let found: Vec<&str> = out.iter().map(|c| &line[c.secret.clone()]).collect();
        assert_eq!(found, [token, token]);
        // The same text on lines of its own: the same matches.
        let lines = line.replace(";", ";\n");
        let mut out = Vec::new();
        scanner.scan(
            "bundle.js",
            lines.as_bytes(),
            &mut Scratch::default(),
            &mut out,
        );
        assert_eq!(out.len(), 2);
    }

    /// One buffer that wakes many rules (a file of every provider's examples, a scanner's own
    /// test fixtures in a history) does not hold every rule's cache at once: each is weighed
    /// after its rule runs, and the least recently used go first.
    #[test]
    fn a_buffer_that_wakes_every_rule_keeps_the_caches_within_the_budget() {
        let n = 3000;
        let mut rules = String::new();
        let mut text = String::new();
        for i in 0..n {
            rules.push_str(&format!(
                "[[rules]]\nid = \"t{i}\"\ntitle = \"T\"\nseverity = \"high\"\n\
                 keywords = [\"kw{i}z_\"]\nregex = '\\b(kw{i}z_[A-Za-z0-9]{{24,64}})\\b'\n"
            ));
            text.push_str(&format!("kw{i}z_Q2w8Zr5Tn1Lp7Vx3Kc9Hb4Md6F\n"));
        }
        let pack = crate::rules::RulePack::from_sources([("t.toml", rules.as_str())]).unwrap();
        let scanner = Scanner::new(pack);
        let weigh = |s: &Scratch| -> (usize, usize, usize) {
            let sizes: Vec<usize> = (s.regex.iter().flatten())
                .map(|r| r.cache.memory_usage())
                .collect();
            let largest = sizes.iter().copied().max().unwrap_or(0);
            (sizes.len(), sizes.iter().sum(), largest)
        };
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        scanner.scan("a.log", text.as_bytes(), &mut scratch, &mut out);
        assert_eq!(out.len(), n, "every rule finds its token");
        let (held, bytes, largest) = weigh(&scratch);
        // Every rule's cache at once would be over the budget (else this proves nothing).
        assert!(
            n * largest > 2 * CACHE_BUDGET,
            "{n} caches of {largest} bytes"
        );
        assert!(held < n, "{held} caches held of {n}");
        assert!(bytes <= CACHE_BUDGET, "{bytes} bytes held in {held} caches");
        // The next buffer finds the same with the caches kept and those made again.
        out.clear();
        scanner.scan("a.log", text.as_bytes(), &mut scratch, &mut out);
        assert_eq!(out.len(), n);
    }

    proptest::proptest! {
        /// Hits of one line share its bounds, whatever the order of the queries and the reaches.
        #[test]
        fn lines_near_bounds_are_those_of_lines_around(
            buf in proptest::collection::vec(proptest::sample::select(b"ab\n".to_vec()), 0..60),
            queries in proptest::collection::vec((0usize..64, 0usize..4, 0usize..5, 0usize..5), 1..40),
        ) {
            let mut near = LinesNear::default();
            for (start, len, before, after) in queries {
                let start = start.min(buf.len());
                let end = (start + len).min(buf.len());
                proptest::prop_assert_eq!(
                    near.around(&buf, start, end, before, after),
                    lines_around(&buf, start, end, before, after),
                    "hit {}..{} in {:?}", start, end, String::from_utf8_lossy(&buf)
                );
            }
        }
    }
}
