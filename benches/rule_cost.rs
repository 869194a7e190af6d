//! Where the matcher's time goes, rule by rule (a profiling aid, not a statistical benchmark).
//!
//!     cargo bench --bench rule_cost                 # 8 MiB of log text, top 25 rules
//!     cargo bench --bench rule_cost -- 32 60        # 32 MiB, top 60 rules
//!     cargo bench --bench rule_cost -- 8 25 FILE    # time on FILE's bytes instead (first 8 MiB)
//!
//! For every rule of the built-in pack it times the rule's regex exactly as `detect::scan_rule`
//! runs it (`captures_iter` over the whole buffer) and, separately, a plain `find_iter`, then
//! prints the rules by cost with the share of the total and whether the keyword prefilter selects
//! the rule on this text. It also times the prefilter, `Scanner::scan`, and one multi-pattern
//! `regex-automata` pass over all rule patterns (measured, not kept:
//! tools/bench/results/history.md). Single-threaded.

mod support;

use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use leakgate::detect::literals::Literals;
use leakgate::detect::{Candidate, Scanner, Scratch};
use leakgate::rules::RulePack;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn mibps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / (1 << 20) as f64 / d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let mib: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8);
    let top: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(25);
    let (text, label) = match args.get(2) {
        Some(path) => {
            let mut b = std::fs::read(path).expect("read FILE");
            b.truncate(mib << 20);
            (b, path.clone())
        }
        None => (
            support::log_text(mib << 20, 4, 1).0,
            format!("synthetic logs, {mib} MiB, 4 secrets/MiB"),
        ),
    };
    let n = text.len();
    let pack = RulePack::builtin().expect("built-in pack");
    println!(
        "# rule cost on {label} ({} bytes), single thread, best of 3\n",
        n
    );

    // Prefilter as Scanner::new builds it: keywords (which select rules) and anchors (which
    // only place windows), one literal search; an Aho-Corasick DFA over them as the baseline.
    let mut kws: Vec<String> = Vec::new();
    let mut kw_rules: Vec<Vec<usize>> = Vec::new();
    for (i, r) in pack.rules.iter().enumerate() {
        let keywords = r.keywords.iter().map(|k| (k.to_ascii_lowercase(), true));
        let anchors = r
            .windowing
            .anchors
            .iter()
            .map(|a| (String::from_utf8_lossy(a).into_owned(), false));
        for (k, selects) in keywords.chain(anchors) {
            let p = kws.iter().position(|x| *x == k).unwrap_or_else(|| {
                kws.push(k);
                kw_rules.push(Vec::new());
                kws.len() - 1
            });
            if selects {
                kw_rules[p].push(i);
            }
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&kws)
        .expect("keywords");
    let mut selected = vec![false; pack.rules.len()];
    let mut hits = vec![0usize; kws.len()];
    for m in ac.find_overlapping_iter(&text) {
        hits[m.pattern().as_usize()] += 1;
        for &r in &kw_rules[m.pattern().as_usize()] {
            selected[r] = true;
        }
    }
    for (i, r) in pack.rules.iter().enumerate() {
        if r.keywords.is_empty() {
            selected[i] = true;
        }
    }
    let literals = Literals::new(&kws);
    let t_lit = best_of(3, || {
        let mut hits = 0usize;
        literals.for_each(&text, |_, _| hits += 1);
        hits
    });
    println!(
        "prefilter (all keyword hits): {:>8.1} ms  {:>7.0} MiB/s  ({} keywords and anchors, {} rules selected of {}; {} KiB)",
        t_lit.as_secs_f64() * 1e3,
        mibps(n, t_lit),
        kws.len(),
        selected.iter().filter(|&&s| s).count(),
        pack.rules.len(),
        literals.heap_bytes() >> 10
    );
    let t_ac = best_of(3, || ac.find_overlapping_iter(&text).count());
    println!(
        "  baseline, Aho-Corasick DFA: {:>8.1} ms  {:>7.0} MiB/s  ({} KiB)",
        t_ac.as_secs_f64() * 1e3,
        mibps(n, t_ac),
        ac.memory_usage() >> 10
    );
    let mut top_kw: Vec<(usize, &str)> = hits
        .iter()
        .zip(&kws)
        .filter(|(h, _)| **h > 0)
        .map(|(h, k)| (*h, k.as_str()))
        .collect();
    top_kw.sort_by(|a, b| b.cmp(a));
    let shown: Vec<String> = top_kw
        .iter()
        .take(12)
        .map(|(h, k)| format!("{k:?}×{h}"))
        .collect();
    println!("most frequent keywords: {}", shown.join(", "));

    let scanner = Scanner::new(RulePack::builtin().expect("built-in pack"));
    let mut scratch = Scratch::default();
    let mut out: Vec<Candidate> = Vec::new();
    let t_scan = best_of(3, || {
        out.clear();
        scanner.scan("logs/app.log", &text, &mut scratch, &mut out);
        out.len()
    });
    println!(
        "Scanner::scan (whole detect):  {:>8.1} ms  {:>7.1} MiB/s  ({} candidates)",
        t_scan.as_secs_f64() * 1e3,
        mibps(n, t_scan),
        out.len()
    );

    // One multi-pattern pass over every rule's pattern, and over the rules the prefilter selected,
    // with the syntax `rules::compile` uses (Unicode off: a Unicode `\b` makes the lazy DFA quit on
    // non-ASCII input and fall back to the PikeVM, hundreds of times slower).
    let all: Vec<&str> = pack.rules.iter().map(|r| r.pattern.as_str()).collect();
    let sel: Vec<&str> = pack
        .rules
        .iter()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .map(|(r, _)| r.pattern.as_str())
        .collect();
    for (what, patterns) in [("all", &all), ("selected", &sel)] {
        let t0 = Instant::now();
        let built = regex_automata::meta::Regex::builder()
            .configure(
                regex_automata::meta::Config::new()
                    .nfa_size_limit(Some(1 << 30))
                    .hybrid_cache_capacity(64 << 20),
            )
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .utf8(false)
                    .unicode(false),
            )
            .build_many(patterns);
        match built {
            Ok(re) => {
                let build = t0.elapsed();
                let mut count = 0;
                let t = best_of(3, || {
                    count = re.find_iter(&text).count();
                    count
                });
                println!(
                    "multi-pattern meta::Regex over {what} {} rules (find_iter): {:>8.1} ms  {:>7.1} MiB/s  ({count} matches; build {:.0} ms)",
                    patterns.len(),
                    t.as_secs_f64() * 1e3,
                    mibps(n, t),
                    build.as_secs_f64() * 1e3
                );
            }
            Err(e) => println!("multi-pattern meta::Regex over {what} rules: does not build: {e}"),
        }
    }

    // Each rule alone.
    struct Row {
        id: String,
        caps: Duration,
        find: Duration,
        matches: usize,
        selected: bool,
    }
    let mut rows: Vec<Row> = pack
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut matches = 0;
            let caps = best_of(3, || {
                // Read each match's secret group: `count()` alone skips resolving the groups.
                matches = r
                    .regex
                    .captures_iter(&text)
                    .filter(|c| c.get_group(r.secret_group).is_some())
                    .count();
                matches
            });
            let find = best_of(3, || r.regex.find_iter(&text).count());
            Row {
                id: r.id.clone(),
                caps,
                find,
                matches,
                selected: selected[i],
            }
        })
        .collect();
    let total: Duration = rows.iter().map(|r| r.caps).sum();
    let total_sel: Duration = rows.iter().filter(|r| r.selected).map(|r| r.caps).sum();
    println!(
        "\nsum over all rules of captures_iter: {:.1} ms ({:.1} MiB/s); over the {} selected rules: {:.1} ms ({:.1} MiB/s)\n",
        total.as_secs_f64() * 1e3,
        mibps(n, total),
        rows.iter().filter(|r| r.selected).count(),
        total_sel.as_secs_f64() * 1e3,
        mibps(n, total_sel)
    );
    rows.sort_by_key(|r| std::cmp::Reverse(r.caps));
    println!("| rule | selected | captures_iter ms | share | MiB/s | find_iter ms | matches |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for r in rows.iter().take(top) {
        println!(
            "| {} | {} | {:.1} | {:.1}% | {:.0} | {:.1} | {} |",
            r.id,
            if r.selected { "yes" } else { "no" },
            r.caps.as_secs_f64() * 1e3,
            100.0 * r.caps.as_secs_f64() / total.as_secs_f64(),
            mibps(n, r.caps),
            r.find.as_secs_f64() * 1e3,
            r.matches
        );
    }

    // Lazy-DFA cache experiment: the costliest rules rebuilt as `rules::compile` builds them
    // (unicode off, 8 MiB size limit) but with a 64 MiB lazy-DFA cache instead of the default.
    // A large gain means the rule's DFA thrashes its cache (bounded repetitions under `(?i)`).
    println!("\n| rule | captures_iter ms (as built) | with dfa_size_limit 64 MiB | gain |");
    println!("|---|---:|---:|---:|");
    for r in rows.iter().take(8) {
        let rule = pack.rules.iter().find(|x| x.id == r.id).expect("rule");
        let big = regex::bytes::RegexBuilder::new(&rule.pattern)
            .unicode(false)
            .size_limit(8 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .expect("pattern compiled once already");
        let t = best_of(3, || {
            big.captures_iter(&text)
                .filter(|c| c.get(rule.secret_group).is_some())
                .count()
        });
        println!(
            "| {} | {:.1} | {:.1} | {:.2}× |",
            r.id,
            r.caps.as_secs_f64() * 1e3,
            t.as_secs_f64() * 1e3,
            r.caps.as_secs_f64() / t.as_secs_f64()
        );
    }
}
