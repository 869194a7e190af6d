//! The properties the fuzz targets check, shared by the cargo-fuzz targets (`fuzz_targets/`) and
//! by the bounded proptest harness that runs them in `cargo test` (`tests/it/fuzz_props.rs`, which
//! includes this file as a module). Each function panics when its property fails; none of them
//! puts scanned bytes or a secret into a panic message (the secret is named by its rule id and
//! length only).
//!
//! The properties (docs/fuzzing.md):
//! - [`decoders`]: every decoding layer of any bytes stays within the size budget and maps back
//!   inside the input;
//! - [`dotenv`], [`config`]: the env-file parser and the config loader take any text, and their
//!   errors render;
//! - [`catfile`]: a `git cat-file --batch` stream of any bytes is read to its end without a panic
//!   or a hang, each blob no longer than its header said;
//! - [`scan`]: any bytes scan and render in every report format; masks show at most a suffix;
//! - [`planted`]: a secret of a rule's example shape, planted on its own line between any bytes, is
//!   found there as it is alone, and no finding's JSON holds it;
//! - [`redact`]: scanning what `redact` wrote finds nothing, and no planted secret survives it.

use leakgate::detect::checksum::base62;
use leakgate::detect::{Scanner, Scratch};
use leakgate::engine::{Pipeline, scan_bytes};
use leakgate::finding::{Finding, LineIndex, Source, State};
use leakgate::report::{
    Report, RulesInfo, Stats, github, human, json, jsonl, junit, markdown, sarif,
};
use leakgate::rules::{Checksum, RulePack, Severity};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

/// The embedded pack's scanner.
pub fn scanner() -> &'static Pipeline {
    static S: OnceLock<Pipeline> = OnceLock::new();
    S.get_or_init(|| {
        Pipeline::new(Scanner::new(
            RulePack::builtin().expect("the embedded pack compiles"),
        ))
    })
}

/// The embedded pack's scanner with `explain` on (dropped candidates become findings).
fn explaining() -> &'static Pipeline {
    static S: OnceLock<Pipeline> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = Scanner::new(RulePack::builtin().expect("the embedded pack compiles"));
        s.explain = true;
        Pipeline::new(s)
    })
}

thread_local! {
    /// One scratch per scanner: a scratch that another scanner used drops its regex caches.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    static EXPLAIN_SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn findings_of(scanner: &Pipeline, path: &str, text: &[u8]) -> Vec<Finding> {
    let local = if std::ptr::eq(scanner, explaining()) {
        &EXPLAIN_SCRATCH
    } else {
        &SCRATCH
    };
    let mut candidates = Vec::new();
    local.with(|s| {
        let scratch = &mut s.borrow_mut();
        scan_bytes(scanner, path, &Source::File, text, scratch, &mut candidates)
    })
}

// ---------------------------------------------------------------------------------------------
// decoders

/// Every decoder (`decode::layers` runs each one, nested to its depth) on any bytes: no panic; the
/// decoded bytes of all layers together stay within `BUDGET_FACTOR` times the input; every range
/// of a layer's text maps back to a range inside the input.
pub fn decoders(data: &[u8]) {
    let layers = leakgate::decode::layers(data);
    let total: usize = layers.iter().map(|l| l.text.len()).sum();
    assert!(
        total <= leakgate::decode::BUDGET_FACTOR * data.len(),
        "decoded {total} bytes from {} bytes of input",
        data.len()
    );
    for layer in &layers {
        assert!(!layer.text.is_empty(), "empty layer {}", layer.name);
        let n = layer.text.len();
        // A few ranges per layer: whole, each end, and a step through the text.
        let step = (n / 7).max(1);
        let mut ranges = vec![0..n, 0..1, n - 1..n];
        ranges.extend((0..n).step_by(step).map(|a| a..(a + step).min(n)));
        for r in ranges {
            let o = layer.original(r.clone());
            assert!(
                o.start <= o.end && o.end <= data.len(),
                "layer {} maps {r:?} to {o:?}, outside {} bytes",
                layer.name,
                data.len()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// dotenv and config

fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, diagnostic)
        .expect("rendering into a String cannot fail");
    out
}

/// The dotenv parser on any text (bytes taken as UTF-8, lossily): no panic, and an error renders
/// as a code frame.
pub fn dotenv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match leakgate::known::envfile::parse("fuzz.env", &text) {
        Ok(vars) => {
            for v in &vars {
                assert!(!v.name.is_empty());
                assert!(v.line >= 1);
            }
        }
        Err(e) => {
            let _ = e.line();
            let _ = render(e.as_ref());
        }
    }
}

/// The config loader on any text: parse, then (when it parses) build the rule pack it asks for;
/// no panic, and every error renders.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match leakgate::config::Config::parse("fuzz.toml", &text) {
        Ok(cfg) => {
            let _ = cfg.scope("docs");
            let _ = cfg.hygiene_rules();
            if let Err(e) = cfg.rule_pack() {
                let _ = render(&e);
            }
        }
        Err(e) => {
            let _ = e.line();
            let _ = render(e.as_ref());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// git cat-file --batch

/// A `git cat-file --batch` output stream of any bytes, read record after record as the history
/// scan reads it (`max`: the `max_file_size` budget): no panic, no allocation of what a header
/// claims before the bytes are there, a blob no longer than its header said, and an end (each
/// record consumes input, and a broken stream stops the reading).
pub fn catfile(data: &[u8], max: Option<u64>) {
    let mut r = std::io::BufReader::with_capacity(64, data);
    let mut records = 0usize;
    loop {
        records += 1;
        assert!(records <= data.len() + 1, "the reader does not advance");
        match leakgate::source::history::read_blob(&mut r, max) {
            Ok(blob) => assert!(blob.len() <= data.len()),
            Err(e) if e.starts_with("git:") => break,
            Err(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// scan

/// Every report format over `findings`.
fn render_all(scanner: &Pipeline, findings: Vec<Finding>, dropped: Vec<Finding>) -> String {
    let mut report = Report::new(
        ".".into(),
        &[],
        Severity::Low,
        RulesInfo {
            count: scanner.rules().len(),
            pack_digest: scanner.scanner.pack.digest.clone(),
        },
        Stats::default(),
        findings,
        Vec::new(),
    );
    report.dropped = dropped;
    let mut all = human::render(
        &report,
        scanner.rules(),
        human::HumanOptions {
            color: true,
            width: 100,
            explain: true,
        },
    );
    all.push_str(&json::render(&report));
    all.push_str(&jsonl::render(&report));
    all.push_str(&sarif::render(&report, scanner.rules()));
    all.push_str(&github::render(&report));
    all.push_str(&junit::render(&report));
    let doc = serde_json::to_value(&report).expect("a report serializes");
    all.push_str(&markdown::render(&doc).expect("a report renders as Markdown"));
    all
}

/// A mask is `****`, or `****` and the last 4 characters of a secret of 16 or more.
fn assert_masks(findings: &[Finding]) {
    for f in findings {
        let suffix = f.masked.strip_prefix("****");
        assert!(suffix.is_some(), "rule {}: mask without stars", f.rule_id);
        let suffix = suffix.unwrap_or_default().chars().count();
        assert!(
            suffix == 0 || (suffix == 4 && f.secret_len >= 16),
            "rule {}: a mask shows {suffix} characters of a {}-character secret",
            f.rule_id,
            f.secret_len
        );
        assert!(f.line >= 1 && f.column >= 1);
        assert!((f.line, f.column) <= (f.end_line, f.end_column));
    }
}

/// Any bytes scanned with the embedded pack (as a file would be: UTF-16 or UTF-32 text with its byte-order mark is
/// decoded first), with and without `explain`, and every report format rendered: no panic, and
/// masks show at most a suffix.
pub fn scan(data: &[u8]) {
    let mut utf8 = Vec::new();
    let text = if leakgate::text::decode_wide(data, &mut utf8).is_some() {
        &utf8[..]
    } else {
        data
    };
    let s = scanner();
    let findings = findings_of(s, "docs/fuzz.md", text);
    assert_masks(&findings);
    assert!(findings.iter().all(|f| f.state != State::Dropped));
    let explained = findings_of(explaining(), "docs/fuzz.md", text);
    assert_masks(&explained);
    let (dropped, kept): (Vec<Finding>, Vec<Finding>) = explained
        .into_iter()
        .partition(|f| f.state == State::Dropped);
    assert_eq!(kept.len(), findings.len(), "explain changed what was found");
    let _ = render_all(s, kept, dropped);
}

// ---------------------------------------------------------------------------------------------
// planted secrets of a rule's example shape

/// One rule example whose secret can be regenerated: the example line, the secret's range in it,
/// and which bytes of the secret may change (its random part) and still be found.
struct Shape {
    rule: usize,
    line: Vec<u8>,
    secret: Range<usize>,
    mutable: Vec<bool>,
    pools: Pools,
    checksum: bool,
    path: String,
}

/// A generated secret planted in an example line.
pub struct Planted {
    pub rule_id: String,
    /// The example line with the generated secret.
    pub line: Vec<u8>,
    /// The secret's range in `line`.
    pub secret: Range<usize>,
    /// A path the rule applies to.
    pub path: String,
}

impl Planted {
    pub fn secret(&self) -> &[u8] {
        &self.line[self.secret.clone()]
    }
}

/// Every (rule, example) of the embedded pack, in pack order.
pub fn examples() -> &'static [(usize, usize)] {
    static E: OnceLock<Vec<(usize, usize)>> = OnceLock::new();
    E.get_or_init(|| {
        scanner()
            .rules()
            .iter()
            .enumerate()
            .flat_map(|(r, rule)| (0..rule.examples.len()).map(move |e| (r, e)))
            .collect()
    })
}

/// A path the rule's `paths` globs accept.
fn rule_path(rule: &leakgate::rules::Rule) -> String {
    leakgate::rulecheck::example_path(rule)
}

/// Whether `rule` finds exactly `secret` in `line` (regex and validators; filters not applied).
fn candidate_at(rule: usize, path: &str, line: &[u8], secret: &Range<usize>) -> bool {
    let mut out = Vec::new();
    SCRATCH.with(|s| {
        scanner()
            .scanner
            .scan(path, line, &mut s.borrow_mut(), &mut out)
    });
    out.iter()
        .any(|c| c.rule == rule && c.secret == *secret && c.rejected.is_none())
}

/// The checksum tail a base62-crc32 token needs, written over its last 6 characters.
fn fix_checksum(token: &mut [u8]) {
    let start = token.iter().rposition(|&b| b == b'_').map_or(0, |i| i + 1);
    if token.len() < start + 7 {
        return;
    }
    let len = token.len();
    let (body, sum) = token[start..].split_at_mut(len - start - 6);
    sum.copy_from_slice(base62(crc32fast::hash(body), 6).as_bytes());
}

/// The alphabet a secret draws each class of characters from: the lower-case letters, upper-case
/// letters and digits it holds (so a hex or bech32 secret stays one), or the whole class when it
/// holds fewer than two of them.
type Pools = [Vec<u8>; 3];

fn pools(secret: &[u8]) -> Pools {
    let classes: [std::ops::RangeInclusive<u8>; 3] = [b'a'..=b'z', b'A'..=b'Z', b'0'..=b'9'];
    classes.map(|class| {
        let mut seen: Vec<u8> = secret
            .iter()
            .copied()
            .filter(|b| class.contains(b))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() < 2 {
            class.collect()
        } else {
            seen
        }
    })
}

/// Another byte of `b`'s class (from `pools`), chosen by `k`; `None` for other bytes.
fn same_class(b: u8, k: u64, pools: &Pools) -> Option<u8> {
    let pool = match b {
        b'a'..=b'z' => &pools[0],
        b'A'..=b'Z' => &pools[1],
        b'0'..=b'9' => &pools[2],
        _ => return None,
    };
    let i = pool.iter().position(|&p| p == b).unwrap_or(0) as u64;
    Some(pool[((i + k) % pool.len() as u64) as usize])
}

fn shape(rule: usize, example: usize) -> Option<Shape> {
    let s = scanner();
    let r = &s.rules()[rule];
    let line = r.examples.get(example)?.as_bytes().to_vec();
    let path = rule_path(r);
    let mut cands = Vec::new();
    SCRATCH.with(|sc| {
        s.scanner
            .scan(&path, &line, &mut sc.borrow_mut(), &mut cands)
    });
    let secret = cands
        .iter()
        .find(|c| c.rule == rule && c.rejected.is_none())?
        .secret
        .clone();
    let checksum = matches!(r.checksum, Some(Checksum::Base62Crc32));
    let tail = if checksum { 6 } else { 0 };
    let n = secret.len();
    // A keyword inside the secret (`ghp_`, `sk-or-v1-`) is its fixed prefix, not random.
    let lower = line[secret.clone()].to_ascii_lowercase();
    let mut fixed = vec![false; n];
    for k in &r.keywords {
        let k = k.to_ascii_lowercase();
        for at in memchr::memmem::find_iter(&lower, k.as_bytes()) {
            fixed[at..at + k.len()].iter_mut().for_each(|f| *f = true);
        }
    }
    let random: Vec<u8> = (0..n)
        .filter(|&i| !fixed[i])
        .map(|i| line[secret.start + i])
        .collect();
    let pools = pools(&random);
    // A byte is part of the random part when three other values of its class keep the match:
    // tried for groups of such bytes at once, halving a group that does not keep it (most rules
    // keep it for all at once), within a budget of tries (a long structured secret, a base64
    // encoded URL, keeps the rest of its bytes as they are).
    let open: Vec<usize> = (0..n)
        .filter(|&i| i + tail < n && !fixed[i] && line[secret.start + i].is_ascii_alphanumeric())
        .collect();
    let keeps = |group: &[usize], k: u64| {
        let mut l = line.clone();
        for &i in group {
            let at = secret.start + i;
            l[at] = same_class(l[at], k, &pools).expect("alphanumeric");
        }
        if checksum {
            fix_checksum(&mut l[secret.clone()]);
        }
        candidate_at(rule, &path, &l, &secret)
    };
    let mut mutable = vec![false; n];
    let mut groups = vec![open.as_slice()];
    let mut budget = 256;
    while let Some(group) = groups.pop() {
        if group.is_empty() || budget == 0 {
            continue;
        }
        budget -= 1;
        if (1..=3).all(|k| keeps(group, k)) {
            group.iter().for_each(|&i| mutable[i] = true);
        } else if group.len() > 1 {
            let (a, b) = group.split_at(group.len() / 2);
            groups.extend([b, a]);
        }
    }
    // At least 8 random bytes, or the generated secrets would be few and repeat.
    (mutable.iter().filter(|&&m| m).count() >= 8).then_some(Shape {
        rule,
        line,
        secret,
        mutable,
        pools,
        checksum,
        path,
    })
}

/// Shapes by (rule, example), built on first use.
type ShapeCache = HashMap<(usize, usize), Option<&'static Shape>>;

fn shape_cached(rule: usize, example: usize) -> Option<&'static Shape> {
    static CACHE: OnceLock<Mutex<ShapeCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(s) = cache.lock().expect("not poisoned").get(&(rule, example)) {
        return *s;
    }
    let made = shape(rule, example).map(|s| &*Box::leak(Box::new(s)));
    cache
        .lock()
        .expect("not poisoned")
        .insert((rule, example), made);
    made
}

/// xorshift64*
fn next(x: &mut u64) -> u64 {
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// A secret of the shape of example `which` (an index into [`examples`], taken modulo their
/// number), its random part drawn from `seed`, in the example's line: `None` when no draw of a
/// few is found in the line alone (by any rule: a specific rule may take it from the generic
/// one), or when the example has too little randomness to regenerate.
pub fn generate(which: usize, seed: u64) -> Option<Planted> {
    let all = examples();
    let (rule, example) = all[which % all.len()];
    let shape = shape_cached(rule, example)?;
    let mut x = seed | 1;
    for _ in 0..4 {
        let mut line = shape.line.clone();
        for (i, m) in shape.mutable.iter().enumerate() {
            if *m {
                let at = shape.secret.start + i;
                line[at] = same_class(line[at], next(&mut x), &shape.pools)
                    .expect("a mutable byte is alnum");
            }
        }
        if shape.checksum {
            fix_checksum(&mut line[shape.secret.clone()]);
        }
        let planted = Planted {
            rule_id: scanner().rules()[shape.rule].id.clone(),
            line,
            secret: shape.secret.clone(),
            path: shape.path.clone(),
        };
        let found = findings_of(scanner(), &planted.path, &planted.line);
        if covered(&found, &planted.line, &planted.secret) {
            return Some(planted);
        }
    }
    None
}

/// Whether a finding covers `secret` (a byte range of `buf`).
fn covered(findings: &[Finding], buf: &[u8], secret: &Range<usize>) -> bool {
    let lines = LineIndex::new(buf);
    let start = lines.locate(buf, secret.start);
    let end = lines.locate(buf, secret.end);
    findings
        .iter()
        .any(|f| (f.line, f.column) <= start && (f.end_line, f.end_column) >= end)
}

/// Bytes as one line's worth of context: line breaks become spaces.
fn one_line(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b })
        .collect()
}

/// A secret of an example's shape (see [`generate`]) planted between `before` and `after`.
/// `same_line: false`: the example is a line of its own, and must be found there as it is alone.
/// `same_line: true`: `before` and `after` share its line (as spaces-separated context, with their
/// line breaks made spaces), where they may legitimately hide it (an allow comment, a reference
/// syntax), so only the second check applies: when it is found, no finding's JSON holds it.
pub fn planted(which: usize, seed: u64, before: &[u8], after: &[u8], same_line: bool) {
    let Some(p) = generate(which, seed) else {
        return;
    };
    let mut buf = Vec::with_capacity(before.len() + p.line.len() + after.len() + 2);
    if same_line {
        buf.extend(one_line(before));
        buf.push(b' ');
    } else {
        buf.extend_from_slice(before);
        buf.push(b'\n');
    }
    let at = buf.len();
    buf.extend_from_slice(&p.line);
    if same_line {
        buf.push(b' ');
        buf.extend(one_line(after));
    } else {
        buf.push(b'\n');
        buf.extend_from_slice(after);
    }
    let secret = at + p.secret.start..at + p.secret.end;
    let findings = findings_of(scanner(), &p.path, &buf);
    let found = covered(&findings, &buf, &secret);
    if !same_line {
        assert!(
            found,
            "a {}-byte secret of rule {} is found alone but not between other lines",
            secret.len(),
            p.rule_id
        );
    }
    // A secret that the context itself spells out cannot be told from context.
    let in_context = |ctx: &[u8]| memchr::memmem::find(ctx, p.secret()).is_some();
    if found && !in_context(before) && !in_context(after) {
        let json = serde_json::to_string(&findings).expect("findings serialize");
        assert!(
            memchr::memmem::find(json.as_bytes(), p.secret()).is_none(),
            "the JSON of the findings holds the {}-byte secret of rule {}",
            secret.len(),
            p.rule_id
        );
    }
}

// ---------------------------------------------------------------------------------------------
// redact

/// Rules whose findings `scan` makes and `redact` by design does not mask (src/redact.rs: a rule
/// without a proven reach runs only on the lines around its keyword's hit, so a match reaching
/// further from its keyword is found by `scan` but not masked by `redact`), with the reason.
pub const REDACT_KNOWN_MISSES: &[(&str, &str)] = &[(
    "putty-private-key",
    "the key body's lines run further from the `PuTTY-User-Key-File` keyword than the lines \
     redact scans around a hit (src/redact.rs names this case)",
)];

/// Redacts `text` fed in pieces of `pieces` bytes (0: all at once), with secrets of example
/// shapes planted at the given (offset, example, seed) places as lines of their own; then scans
/// the output. No finding of a rule outside [`REDACT_KNOWN_MISSES`], and no planted secret that
/// `scan` finds in the input is left in the output.
pub fn redact(text: &[u8], plants: &[(usize, usize, u64)], pieces: usize) {
    let mut input = text.to_vec();
    let mut secrets: Vec<Vec<u8>> = Vec::new();
    let mut plants: Vec<(usize, usize, u64)> = plants.to_vec();
    // Highest offset first, so earlier offsets stay valid.
    plants.sort_by_key(|p| std::cmp::Reverse(p.0));
    let path = "logs/app.log";
    for &(offset, which, seed) in &plants {
        let Some(p) = generate(which, seed) else {
            continue;
        };
        let at = offset.min(input.len());
        let mut line = vec![b'\n'];
        line.extend_from_slice(&p.line);
        line.push(b'\n');
        input.splice(at..at, line);
        secrets.push(p.secret().to_vec());
    }
    let s = scanner();
    let mut out = Vec::new();
    let mut r = leakgate::redact::Redactor::new(s, path);
    if pieces == 0 {
        r.feed(&input, &mut out).expect("writing to a Vec");
    } else {
        for piece in input.chunks(pieces) {
            r.feed(piece, &mut out).expect("writing to a Vec");
        }
    }
    r.finish(&mut out).expect("writing to a Vec");
    let after = findings_of(s, path, &out);
    for f in &after {
        assert!(
            REDACT_KNOWN_MISSES.iter().any(|(id, _)| *id == f.rule_id),
            "scan finds {} ({:?}, line {}) in redact's output",
            f.rule_id,
            f.state,
            f.line
        );
    }
    // The planted secrets that scan finds in the input (by a rule redact masks) must be gone.
    let before = findings_of(s, path, &input);
    let lines = LineIndex::new(&input);
    let masked_by_redact =
        |f: &&Finding| !REDACT_KNOWN_MISSES.iter().any(|(id, _)| *id == f.rule_id);
    for secret in &secrets {
        for i in memchr::memmem::find_iter(&input, secret) {
            let start = lines.locate(&input, i);
            let end = lines.locate(&input, i + secret.len());
            let found = before
                .iter()
                .filter(masked_by_redact)
                .any(|f| (f.line, f.column) <= start && (f.end_line, f.end_column) >= end);
            if found {
                assert!(
                    memchr::memmem::find(&out, secret).is_none(),
                    "a {}-byte planted secret found by scan is left by redact",
                    secret.len()
                );
            }
        }
    }
}
