//! The one renderer of context lines. Every output that shows the line a finding is on (the human
//! view, `snippet` in JSON, SARIF, JUnit and Markdown, `dropped` included) gets its text from
//! [`Renderer::render`], which shows the line's shape, not its values:
//!
//! - every detected secret on the line (kept, suppressed, dropped, or found under an encoding) is
//!   replaced by its mask, and so is every other occurrence of a detected secret's bytes;
//! - every other value that could be a credential the rules missed is replaced by `****`: a run
//!   of 8 or more characters that is not a plain word, identifier, number, date, path, UUID or URL
//!   without credentials; the value after a secret-named key (`password=…`, `"token": "…"`,
//!   `--api-key …`, `<secret>…</secret>`, `Authorization: Bearer …`); a URL's password; the
//!   cells of a secret-named CSV or Markdown table column;
//! - control characters become spaces, and a long line is cut at value boundaries, so a cut never
//!   shows part of a value.
//!
//! When in doubt it masks: a snippet locates the line, it is not there to be read. This module
//! never returns raw bytes of a detected secret.

use crate::mask;
use aho_corasick::AhoCorasick;
use std::ops::Range;

/// Characters of context kept on each side of the finding's mask.
pub const CONTEXT_CHARS: usize = 60;
/// Raw bytes looked at on each side of the secret before rendering (a rendered value is never
/// longer than its raw bytes, so this is enough for `CONTEXT_CHARS` of output).
const RAW_CONTEXT: usize = CONTEXT_CHARS * 4;
/// Runs at least this long (in characters) are judged; shorter ones are shown unless a key or a
/// column says they are secret.
const MIN_VALUE_CHARS: usize = 8;
/// Detected secrets shorter than this are not searched for elsewhere on the line (they would
/// match everywhere); the value rules still hide them where they stand as values.
const MIN_REPEAT_LEN: usize = 4;
/// Lines looked at above a table row for its header.
const TABLE_HEADER_REACH: usize = 200;

/// Words that make a key, flag, tag or column name secret-named (matched case-insensitively
/// anywhere in the name).
const SECRET_NAME_WORDS: [&[u8]; 12] = [
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"key",
    b"auth",
    b"cred",
    b"private",
    b"session",
    b"cookie",
    b"signature",
    b"dsn",
];

/// Authorization schemes: the value after one of them is the credential.
const AUTH_SCHEMES: [&[u8]; 5] = [b"bearer", b"basic", b"token", b"digest", b"bot"];

/// Renders context lines of one buffer: the detected secrets' spans with their masks, and their
/// bytes for finding other occurrences.
pub struct Renderer<'a> {
    buf: &'a [u8],
    lines: &'a crate::text::LineIndex,
    /// Detected spans (sorted by start, not overlapping) and the mask shown for each.
    spans: &'a [(Range<usize>, String)],
    /// Every detected secret's bytes (at least `MIN_REPEAT_LEN` long), with its mask.
    repeats: Option<(AhoCorasick, Vec<String>)>,
}

impl<'a> Renderer<'a> {
    /// `spans`: sorted, non-overlapping detected spans and their masks. `secrets`: the detected
    /// secrets' bytes (decoded ones included), searched for elsewhere on a line.
    pub fn new(
        buf: &'a [u8],
        lines: &'a crate::text::LineIndex,
        spans: &'a [(Range<usize>, String)],
        secrets: &[&[u8]],
    ) -> Renderer<'a> {
        let mut distinct: Vec<&[u8]> = secrets
            .iter()
            .copied()
            .filter(|s| s.len() >= MIN_REPEAT_LEN)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let repeats = (!distinct.is_empty())
            .then(|| {
                let masks = distinct.iter().map(|s| mask::mask(s)).collect();
                // Searched only in the windows around findings: a quick build beats a fast
                // search (a DFA's build costs more than the few short searches it would speed up).
                AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&distinct)
                    .ok()
                    .map(|ac| (ac, masks))
            })
            .flatten();
        Renderer {
            buf,
            lines,
            spans,
            repeats,
        }
    }

    /// The masked text of 1-based `line` around the detected span `this` (which must start on
    /// that line), and the byte range of `this`'s mask in it.
    pub fn render(&self, line: usize, this: &Range<usize>) -> (String, Range<usize>) {
        let (ls, le) = self.lines.bounds(self.buf, line);
        let this = this.start.clamp(ls, le)..this.end.clamp(ls, le).max(this.start.clamp(ls, le));
        // The raw window, snapped to value boundaries so that it never starts or ends inside a
        // value (a value's tail alone could pass for a short harmless run).
        let mut ws = this.start.saturating_sub(RAW_CONTEXT).max(ls);
        let mut we = (this.end + RAW_CONTEXT).min(le);
        let cut_left = ws > ls;
        let cut_right = we < le;
        if cut_left {
            ws = self.buf[ws..this.start]
                .iter()
                .position(|&b| is_delimiter(b))
                .map_or(this.start, |i| ws + i);
        }
        if cut_right {
            we = self.buf[this.end..we]
                .iter()
                .rposition(|&b| is_delimiter(b))
                .map_or(this.end, |i| this.end + i + 1);
        }
        let w = &self.buf[ws..we];
        let mut plan = Plan::new(w.len());

        // Detected spans, with their own masks.
        let first = self.spans.partition_point(|(r, _)| r.end <= ws);
        let mut this_span = None;
        for (r, m) in self.spans[first..].iter().take_while(|(r, _)| r.start < we) {
            let s = r.start.max(ws) - ws;
            let e = r.end.min(we) - ws;
            if plan.cover(s..e.max(s + 1).min(w.len()), Mark::Own(m.clone()))
                && r.start <= this.start
                && this.start < r.end.max(r.start + 1)
            {
                this_span = Some(s);
            }
        }
        // Other occurrences of detected secrets.
        if let Some((ac, masks)) = &self.repeats {
            for m in ac.find_iter(w) {
                if !plan.cover(m.range(), Mark::Own(masks[m.pattern().as_usize()].clone())) {
                    // It overlaps another detected secret: hide what of it is still shown.
                    plan.cover(m.range(), Mark::Value);
                }
            }
        }
        // Values the rules did not detect.
        let cells = self.secret_cells(line, ls, le);
        for c in cells {
            let (s, e) = (c.start.max(ws), c.end.min(we));
            if s < e {
                plan.cover(s - ws..e - ws, Mark::Value);
            }
        }
        hide_url_passwords(w, &mut plan);
        hide_keyed_values(w, &mut plan);
        hide_random_runs(w, &mut plan);

        let (text, mask_at) = plan.emit(w, this_span);
        let keep = mask_at.unwrap_or(0..0);
        clip(text, keep, cut_left, cut_right)
    }

    /// Byte ranges of the cells of this line that lie in a secret-named column: a CSV row under a
    /// header on the buffer's first line, or a Markdown table row under its header row.
    fn secret_cells(&self, line: usize, ls: usize, le: usize) -> Vec<Range<usize>> {
        let row = &self.buf[ls..le];
        let trimmed = row.trim_ascii_start();
        if trimmed.starts_with(b"|") {
            // A Markdown table: the header is the first row of the block of `|` lines.
            let mut top = line;
            while top > 1 && line - top < TABLE_HEADER_REACH {
                let (s, e) = self.lines.bounds(self.buf, top - 1);
                if !self.buf[s..e].trim_ascii_start().starts_with(b"|") {
                    break;
                }
                top -= 1;
            }
            if top == line {
                return Vec::new();
            }
            let (hs, he) = self.lines.bounds(self.buf, top);
            return column_cells(&self.buf[hs..he], row, b'|', ls);
        }
        if line == 1 {
            return Vec::new();
        }
        let (hs, he) = self.lines.bounds(self.buf, 1);
        let header = &self.buf[hs..he];
        for sep in [b',', b'\t', b';'] {
            let n = memchr::memchr_iter(sep, header).count();
            if n > 0 && memchr::memchr_iter(sep, row).count() == n {
                return column_cells(header, row, sep, ls);
            }
        }
        Vec::new()
    }
}

/// Free text taken from scanned input (an inline allow's reason) with every value that could be
/// a credential masked as in a context line, and control characters as spaces.
pub fn masked_text(text: &[u8]) -> String {
    let mut plan = Plan::new(text.len());
    hide_url_passwords(text, &mut plan);
    hide_keyed_values(text, &mut plan);
    hide_random_runs(text, &mut plan);
    plan.emit(text, None).0
}

/// The cells of `row` (at `offset` in the buffer) whose header cell is secret-named.
fn column_cells(header: &[u8], row: &[u8], sep: u8, offset: usize) -> Vec<Range<usize>> {
    let names: Vec<&[u8]> = header.split(|&b| b == sep).collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (i, cell) in row.split(|&b| b == sep).enumerate() {
        let value = cell.trim_ascii();
        if names.get(i).is_some_and(|n| secret_named(n)) && !value.is_empty() {
            let lead = cell.len() - cell.trim_ascii_start().len();
            out.push(offset + at + lead..offset + at + lead + value.len());
        }
        at += cell.len() + 1;
    }
    out
}

/// Whether a name (key, flag, tag, column) says its value is secret.
pub fn secret_named(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAME_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower, w).is_some())
}

/// What a byte of the window becomes.
#[derive(Clone, PartialEq)]
enum Mark {
    Show,
    /// Part of a detected secret: the run shows this mask once.
    Own(String),
    /// Part of an undetected value: the run shows `****` once.
    Value,
}

/// Per byte of the window: what it becomes.
struct Plan {
    marks: Vec<Mark>,
}

impl Plan {
    fn new(len: usize) -> Plan {
        Plan {
            marks: vec![Mark::Show; len],
        }
    }

    /// Marks `r` unless part of it is marked already (the first mark wins: detected spans come
    /// first). True when marked.
    fn cover(&mut self, r: Range<usize>, mark: Mark) -> bool {
        let r = r.start.min(self.marks.len())..r.end.min(self.marks.len());
        if r.is_empty() {
            return false;
        }
        if let Mark::Value = mark {
            // An undetected value may run into a detected span: hide what is still shown.
            for m in &mut self.marks[r] {
                if *m == Mark::Show {
                    *m = Mark::Value;
                }
            }
            return true;
        }
        if self.marks[r.clone()]
            .iter()
            .any(|m| matches!(m, Mark::Own(_)))
        {
            return false;
        }
        for m in &mut self.marks[r] {
            *m = mark.clone();
        }
        true
    }

    fn own(&self, i: usize) -> bool {
        matches!(self.marks[i], Mark::Own(_))
    }

    fn shown(&self, i: usize) -> bool {
        self.marks[i] == Mark::Show
    }

    /// The rendered text, and the range of the mask that starts at `this` (a window offset).
    fn emit(&self, w: &[u8], this: Option<usize>) -> (String, Option<Range<usize>>) {
        let mut text = String::with_capacity(w.len());
        let mut at = None;
        let mut i = 0;
        while i < w.len() {
            let j = (i + 1..w.len())
                .find(|&j| self.marks[j] != self.marks[i] || (this == Some(j)))
                .unwrap_or(w.len());
            match &self.marks[i] {
                Mark::Show => text.push_str(&printable(&w[i..j])),
                Mark::Own(m) => {
                    let start = text.len();
                    text.push_str(m);
                    if this == Some(i) {
                        at = Some(start..text.len());
                    }
                }
                Mark::Value => text.push_str(mask::STARS),
            }
            i = j;
        }
        (text, at)
    }
}

/// Bytes that end a value: whitespace, quotes, brackets and separators.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'"'
            | b'\''
            | b'`'
            | b','
            | b';'
            | b'='
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'<'
            | b'>'
            | b'|'
            | b'&'
            | b'?'
    ) || b < 0x20
}

/// Hides the password of `scheme://user:password@host`.
fn hide_url_passwords(w: &[u8], plan: &mut Plan) {
    for at in memchr::memmem::find_iter(w, b"://") {
        let start = at + 3;
        let end = w[start..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#') || is_delimiter(b) && b != b'&')
            .map_or(w.len(), |i| start + i);
        if let Some(atsign) = w[start..end].iter().rposition(|&b| b == b'@') {
            let userinfo = start..start + atsign;
            let colon = w[userinfo.clone()].iter().position(|&b| b == b':');
            let from = colon.map_or(userinfo.start, |c| userinfo.start + c + 1);
            plan.cover(from..userinfo.end, Mark::Value);
        }
    }
}

/// Hides the value after a secret-named key: `key=v`, `key: v`, `"key": "v"`, `key => 'v'`,
/// `--key v`, `<key>v</key>`, and the credential after an authorization scheme.
fn hide_keyed_values(w: &[u8], plan: &mut Plan) {
    let mut i = 0;
    while i < w.len() {
        let b = w[i];
        let value_from = match b {
            b'=' | b':' => {
                // The key: the name run before the separator, past closing quotes and spaces.
                let mut k = i;
                while k > 0 && matches!(w[k - 1], b' ' | b'\t' | b'"' | b'\'' | b'\\' | b':' | b'`')
                {
                    k -= 1;
                }
                let end = k;
                while k > 0 && is_name_byte(w[k - 1]) {
                    k -= 1;
                }
                (end > k && secret_named(&w[k..end])).then_some(i + 1)
            }
            b'>' => {
                // `<name>value`: an XML or HTML element named like a secret.
                let open = w[..i].iter().rposition(|&c| c == b'<');
                open.filter(|&o| {
                    let name = &w[o + 1..i];
                    !name.is_empty()
                        && name[0] != b'/'
                        && name.iter().all(|&c| is_name_byte(c) || c == b':')
                        && secret_named(name)
                })
                .map(|_| i + 1)
            }
            b'-' if w[i..].starts_with(b"--") && (i == 0 || is_delimiter(w[i - 1])) => {
                let s = i + 2;
                let e = w[s..]
                    .iter()
                    .position(|&c| !is_name_byte(c))
                    .map_or(w.len(), |n| s + n);
                (e > s && e < w.len() && w[e] == b' ' && secret_named(&w[s..e])).then_some(e + 1)
            }
            _ => None,
        };
        match value_from {
            Some(from) => {
                let end = hide_value(w, from, plan);
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
}

/// Hides the value that starts at or after `from` (past `=`, `>`, spaces and an opening quote);
/// returns where it ends.
fn hide_value(w: &[u8], from: usize, plan: &mut Plan) -> usize {
    let mut s = from;
    while s < w.len() && matches!(w[s], b'=' | b'>' | b':' | b' ' | b'\t') {
        s += 1;
    }
    if s >= w.len() {
        return s;
    }
    if plan.own(s) {
        // The value is a detected secret: it is masked already, and what follows it is not.
        return (s..w.len()).find(|&j| !plan.own(j)).unwrap_or(w.len());
    }
    let (s, e) = if let Some(q) = quote_at(w, s) {
        let body = s + q.len();
        (body, closing_quote(w, body, q))
    } else {
        let e = value_end(w, s);
        // `Bearer <token>`: the scheme is shown, the credential after it is the value.
        if AUTH_SCHEMES.iter().any(|a| w[s..e].eq_ignore_ascii_case(a))
            && e < w.len()
            && w[e] == b' '
        {
            let t = e + 1;
            (t, value_end(w, t))
        } else {
            (s, e)
        }
    };
    if s < e {
        plan.cover(s..e, Mark::Value);
    }
    e
}

/// The opening quote at `at` (`"`, `'`, `` ` `` or an escaped `\"`), if any.
fn quote_at(w: &[u8], at: usize) -> Option<&'static [u8]> {
    match w[at] {
        b'"' => Some(b"\""),
        b'\'' => Some(b"'"),
        b'`' => Some(b"`"),
        b'\\' if w.get(at + 1) == Some(&b'"') => Some(b"\\\""),
        _ => None,
    }
}

/// Where the quoted value that starts at `body` ends (at its closing quote `q`, escapes skipped),
/// or the window's end.
fn closing_quote(w: &[u8], body: usize, q: &[u8]) -> usize {
    let mut j = body;
    while j < w.len() {
        if w[j..].starts_with(q) {
            return j;
        }
        if w[j] == b'\\' && q != b"\\\"" {
            j += 2;
        } else {
            j += 1;
        }
    }
    w.len()
}

/// The end of an unquoted value: whitespace, a quote or a separator.
fn value_end(w: &[u8], s: usize) -> usize {
    w[s..]
        .iter()
        .position(|&c| {
            matches!(
                c,
                b' ' | b'\t' | b',' | b';' | b'&' | b')' | b']' | b'}' | b'<' | b'"' | b'\'' | b'|'
            ) || c < 0x20
        })
        .map_or(w.len(), |n| s + n)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Hides every shown run (between delimiters and `:`) of `MIN_VALUE_CHARS` or more characters
/// that is not plain text.
fn hide_random_runs(w: &[u8], plan: &mut Plan) {
    let mut i = 0;
    while i < w.len() {
        if !plan.shown(i) || is_delimiter(w[i]) || w[i] == b':' {
            i += 1;
            continue;
        }
        let end = (i..w.len())
            .find(|&j| !plan.shown(j) || is_delimiter(w[j]) || w[j] == b':')
            .unwrap_or(w.len());
        // A run that continues a detected secret is part of it (`<token>x`, `x<token>`).
        let touches = (i > 0
            && plan.own(i - 1)
            && w[i - 1].is_ascii_alphanumeric()
            && w[i].is_ascii_alphanumeric())
            || (end < w.len()
                && plan.own(end)
                && w[end].is_ascii_alphanumeric()
                && w[end - 1].is_ascii_alphanumeric());
        let run = &w[i..end];
        let chars = String::from_utf8_lossy(run).chars().count();
        if (touches && !run.iter().all(|&b| b.is_ascii_punctuation()))
            || (chars >= MIN_VALUE_CHARS && !plain_run(run, w, i, end))
        {
            plan.cover(i..end, Mark::Value);
        }
        i = end;
    }
}

/// Whether a run is plain text: a word, identifier, number, date or time, path, UUID or host.
fn plain_run(run: &[u8], w: &[u8], start: usize, end: usize) -> bool {
    if is_uuid(run) {
        return true;
    }
    // `12:30:45`, `2026-12-06T03:52:41Z`: the run between colons of a time stays plain when it
    // is digits with a date or zone letter.
    let in_time = (start > 0 && w[start - 1] == b':') || (end < w.len() && w[end] == b':');
    run.split(|&b| {
        matches!(
            b,
            b'-' | b'_'
                | b'.'
                | b'/'
                | b'+'
                | b'@'
                | b'~'
                | b'\\'
                | b'#'
                | b'%'
                | b'!'
                | b'$'
                | b'*'
                | b'^'
        )
    })
    .all(|piece| plain_piece(piece, in_time))
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(run: &[u8]) -> bool {
    let groups: Vec<&[u8]> = run.split(|&b| b == b'-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.iter().all(u8::is_ascii_hexdigit))
}

/// A piece of a run between separators: a word (lower, UPPER, Capitalized or camelCase, and
/// pronounceable when long), a number, a word with a short number (`sha256`, `utf8`), or a date
/// or time part (`06T03`, `41Z`).
fn plain_piece(p: &[u8], in_time: bool) -> bool {
    if p.is_empty() || p.iter().all(u8::is_ascii_digit) {
        return true;
    }
    if !p.is_ascii() {
        // Non-ASCII text (words of other scripts) is judged by its letters.
        return String::from_utf8_lossy(p)
            .chars()
            .all(|c| c.is_alphabetic() && !c.is_ascii());
    }
    let letters = p.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (word, digits) = p.split_at(letters);
    if !digits.iter().all(u8::is_ascii_digit) {
        // Digits then letters then digits: a time part (`06T03`, `41Z`) at most.
        return in_time
            && p.len() <= 6
            && p.iter().filter(|b| b.is_ascii_alphabetic()).count() <= 1;
    }
    if word.is_empty() {
        return true;
    }
    // `sha256`, `BOT1`, `HTTP2`; but `Password1` is a password's shape.
    let one_case =
        word.iter().all(u8::is_ascii_lowercase) || word.iter().all(u8::is_ascii_uppercase);
    if !digits.is_empty() && (digits.len() > 3 || !one_case) {
        return false;
    }
    word_shaped(word)
}

/// A word's shape: all lower case, all upper case, Capitalized, or camelCase humps of at least
/// two letters; long words must be pronounceable (vowels, no long consonant runs).
fn word_shaped(word: &[u8]) -> bool {
    let upper = word.iter().filter(|b| b.is_ascii_uppercase()).count();
    let shaped = upper == 0
        || upper == word.len()
        || word
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .all(|(i, _)| {
                // Each capital starts a hump of at least two lower-case letters (or ends an
                // acronym run such as `HTTPServer`).
                word.get(i + 1).is_some_and(u8::is_ascii_lowercase)
                    && word.get(i + 2).is_none_or(u8::is_ascii_lowercase)
                    || word.get(i + 1).is_some_and(u8::is_ascii_uppercase)
                    || i + 1 == word.len() && i > 0 && word[i - 1].is_ascii_uppercase()
            });
    // A long run of short humps and acronyms with that many capitals (`VObipZTreNRYkzKWHJAm`) is
    // random text: words in camelCase have a capital per hump of several letters.
    if !shaped || (word.len() >= 16 && upper * 5 > word.len() * 2) {
        return false;
    }
    // Each hump (`HTTP`, `Server`; the whole of a one-case word) that is long must be
    // pronounceable.
    let mut start = 0;
    for i in 1..=word.len() {
        let boundary = i == word.len()
            || word[i].is_ascii_uppercase()
                && (word[i - 1].is_ascii_lowercase()
                    || word.get(i + 1).is_some_and(u8::is_ascii_lowercase));
        if boundary {
            if !pronounceable(&word[start..i]) {
                return false;
            }
            start = i;
        }
    }
    true
}

/// Short, or with enough vowels and no long consonant run, as words of natural languages are.
fn pronounceable(hump: &[u8]) -> bool {
    if hump.len() < MIN_VALUE_CHARS {
        return true;
    }
    let lower = hump.to_ascii_lowercase();
    let vowel = |b: &u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let vowels = lower.iter().filter(|b| vowel(b)).count();
    let mut run = 0;
    let mut longest = 0;
    for b in &lower {
        run = if vowel(b) { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    // `postgresql` (20% vowels), `PASSPHRASE` (a run of 5).
    vowels * 5 >= lower.len() && longest <= 5
}

/// Cuts `text` to `CONTEXT_CHARS` characters on each side of `keep`, at a space or separator so
/// that no value is cut, marking cuts with `…`.
fn clip(
    text: String,
    keep: Range<usize>,
    cut_left: bool,
    cut_right: bool,
) -> (String, Range<usize>) {
    let boundary = |c: char| c.is_ascii() && is_delimiter(c as u8);
    let before = &text[..keep.start];
    let mut from = 0;
    let mut left = cut_left;
    if let Some((i, _)) = before.char_indices().rev().nth(CONTEXT_CHARS - 1) {
        // Start after the first boundary at or after `i`.
        from = before[i..]
            .char_indices()
            .find(|(_, c)| boundary(*c))
            .map_or(keep.start, |(j, c)| i + j + c.len_utf8());
        left = true;
    }
    let after = &text[keep.end..];
    let mut to = text.len();
    let mut right = cut_right;
    if let Some((i, _)) = after.char_indices().nth(CONTEXT_CHARS) {
        to = after[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| boundary(*c))
            .map_or(keep.end, |(j, _)| keep.end + j);
        right = true;
    }
    let mut out = String::new();
    if left {
        out.push('…');
    }
    let offset = out.len() as isize - from as isize;
    out.push_str(&text[from..to]);
    if right {
        out.push('…');
    }
    let shift = |x: usize| (x as isize + offset) as usize;
    (out, shift(keep.start)..shift(keep.end))
}

/// Source text made safe for a one-line frame: control characters become spaces.
fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::LineIndex;

    /// Renders the line of `secret` in `text`, with `secret` as the one detected span.
    fn render(text: &str, secret: &str) -> String {
        let at = text.find(secret).unwrap();
        let span = at..at + secret.len();
        let spans = vec![(span.clone(), mask::mask(secret.as_bytes()))];
        let lines = LineIndex::new(text.as_bytes());
        let r = Renderer::new(text.as_bytes(), &lines, &spans, &[secret.as_bytes()]);
        let (line, _) = lines.locate(text.as_bytes(), at);
        let (out, m) = r.render(line, &span);
        assert!(out[m].starts_with("****"));
        out
    }

    const SECRET: &str = "ghp_Q7m2XkP9vR4tL8nW3cY6bH1jF5dS0aZ2eU7i";

    #[test]
    fn shape_stays_values_go() {
        let out = render(
            // Built from two parts: the project's own scan reads a literal as a leaked secret.
            &format!(
                "auth failed for key {SECRET} secret {}",
                concat!("wJalrXUtnFEMI/K7", "MDENG+bPxRfiCYz")
            ),
            SECRET,
        );
        assert_eq!(out, "auth failed for key ****eU7i secret ****");
    }

    #[test]
    fn repeated_secret_is_masked_everywhere() {
        let out = render(&format!("ghp={SECRET} again {SECRET}x"), SECRET);
        assert!(!out.contains("Q7m2"), "{out}");
    }

    #[test]
    fn values_after_secret_keys_are_masked_whatever_their_shape() {
        let out = render(&format!("token={SECRET} pass=hunter2 user=alice"), SECRET);
        assert_eq!(out, "token=****eU7i pass=**** user=alice");
        let out = render(
            &format!(r#"{{"token":"{SECRET}","session":"abc","name":"build"}}"#),
            SECRET,
        );
        assert_eq!(
            out,
            r#"{"token":"****eU7i","session":"****","name":"build"}"#
        );
        let out = render(&format!(r#"Authorization: Bearer qq1 x={SECRET}"#), SECRET);
        assert_eq!(out, "Authorization: Bearer **** x=****eU7i");
        let out = render(
            &format!("run --password hunter2 --user bob {SECRET}"),
            SECRET,
        );
        assert_eq!(out, "run --password **** --user bob ****eU7i");
        let out = render(&format!("<secret>abc</secret> {SECRET}"), SECRET);
        assert_eq!(out, "<secret>****</secret> ****eU7i");
    }

    #[test]
    fn escaped_values_count_whole() {
        let out = render(
            &format!(r#"{{\"SecretAccessKey\":\"ab\/cd\/ef\",\"k\":\"{SECRET}\"}}"#),
            SECRET,
        );
        assert!(!out.contains("ab") && !out.contains("ef"), "{out}");
    }

    #[test]
    fn plain_text_stays() {
        for plain in [
            "2026-12-06T03:52:41.123Z INFO worker-3 uploaded",
            "[12:30:45] /var/log/app.log and C:/Users/build/app.log",
            "https://example.com/v1/items?id=42 version v1.2.3",
            "request 123e4567-e89b-12d3-a456-426614174000 done",
            "HTTPServer getUserName snake_case_identifier sha256 utf8",
            "numbers 1733456000 3.14159 -42 1,000,000 0x1F",
        ] {
            let out = render(&format!("{plain} {SECRET}"), SECRET);
            assert_eq!(out, format!("{plain} ****eU7i"));
        }
    }

    #[test]
    fn random_runs_are_masked() {
        for other in [
            "xk3Jd9Qm2Lp7Rt5W",
            "qzrtvbnmwplkjhgf",
            "Zx9-Kq2.Lm7_Pw4+Rt8",
            "a1b2c3d4e5f6a7b8",
        ] {
            let out = render(&format!("left {other} right {SECRET}"), SECRET);
            assert_eq!(out, "left **** right ****eU7i", "{other}");
        }
    }

    #[test]
    fn free_text_keeps_words_and_loses_values() {
        assert_eq!(
            masked_text(b"fixture for parser tests"),
            "fixture for parser tests"
        );
        assert_eq!(
            masked_text(format!("old key {SECRET} rotated, password=hunter2").as_bytes()),
            "old key **** rotated, password=****"
        );
    }

    #[test]
    fn url_passwords_are_masked() {
        // Built at run time: the repository's own scan reads this file.
        let password = ["s3cr3t", "pw"].concat();
        let out = render(
            &format!("db postgres://app:{password}@db.internal/app {SECRET}"),
            SECRET,
        );
        assert_eq!(out, "db postgres://app:****@db.internal/app ****eU7i");
    }

    #[test]
    fn csv_and_table_columns() {
        let text = format!("user,password,key\nbob,hunter2,{SECRET}\n");
        let out = render(&text, SECRET);
        assert_eq!(out, "bob,****,****eU7i");
        let text = format!("| name | secret | note |\n|---|---|---|\n| bob | abc | {SECRET} |\n");
        let out = render(&text, SECRET);
        assert_eq!(out, "| bob | **** | ****eU7i |");
    }

    #[test]
    fn long_lines_are_cut_between_values() {
        let other = "Zx9Kq2Lm7Pw4Rt8Vb3Nc6";
        let text = format!(
            "{} {other} {SECRET} {} end",
            "word ".repeat(40),
            "tail ".repeat(40)
        );
        let out = render(&text, SECRET);
        assert!(out.starts_with('…') && out.ends_with('…'), "{out}");
        assert!(!out.contains("Zx9") && !out.contains("Rt8Vb"), "{out}");
        for piece in out.trim_matches('…').split(' ').filter(|p| !p.is_empty()) {
            assert!(
                ["word", "tail", "****", "****eU7i"].contains(&piece),
                "{piece} in {out}"
            );
        }
        // A window that starts inside a long value never shows its tail.
        let text = format!("{}{other} {SECRET}", "Q".repeat(400));
        let out = render(&text, SECRET);
        assert!(!out.contains("Rt8") && !out.contains("QQ"), "{out}");
    }
}
