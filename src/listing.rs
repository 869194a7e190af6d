//! Bounded findings: a report lists at most [`DEFAULT_MAX_LISTED`] findings per file
//! (`scan --max-findings-per-file`), and the ones past that are kept as [`Tally`] records of 16
//! bytes (rule, severity, state, fingerprint, count) instead of full findings of several hundred
//! bytes with their snippets, so a log holding hundreds of thousands of secrets costs a few bytes
//! per finding past the cap, not its text, and the same secret found again and again (a log line
//! repeated all day) costs one record: before the records' list grows, equal ones are merged.
//! The summary counts, the gate and the baseline still see every finding, listed or not; the
//! report says, per file, how many findings it did not list ([`Unlisted`]).
//!
//! A file's findings are listed in report order (line, column, rule): the first ones are listed,
//! whether they arrive at once (a file read whole) or chunk after chunk (a streamed file, whose
//! chunks come in order). Candidates a filter dropped (`--explain-suppressed`) are listed up to
//! the same number, apart from the findings.

use crate::baseline::{self, Baseline, Outcome};
use crate::finding::{Finding, State};
use crate::rules::Severity;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Findings listed per file unless the scan says otherwise.
pub const DEFAULT_MAX_LISTED: usize = 1000;

/// Findings that are counted but not listed: `count` of them with the same rule, state and
/// fingerprint (so the same secret at the same path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// The finding's fingerprint (16 hex digits) as a number.
    pub fingerprint: u64,
    /// Index into [`Unlisted::rules`].
    pub rule: u32,
    /// How many (a record full at 65,535 leaves the next ones to another).
    pub count: u16,
    pub severity: Severity,
    pub state: State,
}

/// The findings of one file that the report does not list, with their counts by state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Unlisted {
    pub path: String,
    /// Findings of this file that are listed (the limit), dropped candidates not counted.
    pub listed: usize,
    /// Findings of this file that are counted in the summary but not listed.
    pub not_listed: usize,
    /// Of those: new, baselined, suppressed (as in the summary), and dropped candidates not
    /// listed (with `--explain-suppressed`).
    pub new: usize,
    pub baselined: usize,
    pub suppressed: usize,
    pub dropped: usize,
    /// Rule ids of the records.
    #[serde(skip)]
    pub rules: Vec<String>,
    #[serde(skip)]
    pub tallies: Vec<Tally>,
}

impl Unlisted {
    /// Recounts `not_listed` and the counts by state from the records.
    pub fn recount(&mut self) {
        let [mut new, mut baselined, mut suppressed, mut dropped] = [0usize; 4];
        for t in &self.tallies {
            let n = usize::from(t.count);
            match t.state {
                State::New => new += n,
                State::Baselined => baselined += n,
                State::Suppressed => suppressed += n,
                State::Dropped => dropped += n,
            }
        }
        (self.new, self.baselined, self.suppressed, self.dropped) =
            (new, baselined, suppressed, dropped);
        self.not_listed = new + baselined + suppressed;
    }

    /// Merges equal records (same rule, state and fingerprint) into one with their count.
    fn merge(&mut self) {
        let key = |t: &Tally| (t.fingerprint, t.rule, t.state);
        self.tallies.sort_unstable_by_key(key);
        self.tallies.dedup_by(|later, kept| {
            let same = key(later) == key(kept) && kept.count.checked_add(later.count).is_some();
            if same {
                kept.count += later.count;
            }
            same
        });
    }

    /// The rule id of a record.
    pub fn rule_id(&self, t: &Tally) -> &str {
        &self.rules[t.rule as usize]
    }

    /// The message the outputs print for this file.
    pub fn message(&self) -> String {
        format!(
            "stopped listing after {} findings: {} more are counted in the summary but not listed ({} new, {} baselined, {} suppressed)",
            self.listed, self.not_listed, self.new, self.baselined, self.suppressed
        )
    }

    fn push(&mut self, f: &Finding) {
        let rule = match self.rules.iter().position(|r| *r == f.rule_id) {
            Some(i) => i,
            None => {
                self.rules.push(f.rule_id.clone());
                self.rules.len() - 1
            }
        } as u32;
        // Before the list grows, equal records are merged; it grows (doubles) only when more
        // than half of it is left, so merging costs a sort per doubling at most.
        if self.tallies.len() == self.tallies.capacity() && self.tallies.len() >= 64 {
            self.merge();
            if self.tallies.len() > self.tallies.capacity() / 2 {
                self.tallies.reserve(self.tallies.capacity());
            }
        }
        self.tallies.push(Tally {
            fingerprint: u64::from_str_radix(&f.fingerprint, 16).unwrap_or(0),
            rule,
            count: 1,
            severity: f.severity,
            state: f.state,
        });
    }
}

/// Lists the findings of one file up to a limit, batch after batch.
#[derive(Debug, Default)]
pub struct Lister {
    max: Option<usize>,
    findings: usize,
    dropped: usize,
    unlisted: Option<Unlisted>,
}

impl Lister {
    /// At most `max` findings (and `max` dropped candidates) listed; `None`: all.
    pub fn new(max: Option<usize>) -> Lister {
        Lister {
            max,
            ..Lister::default()
        }
    }

    /// Keeps in `batch` the findings still to be listed and records the others. `batch` holds
    /// findings of this file that come after every earlier batch's; it is sorted here.
    pub fn take(&mut self, path: &str, batch: &mut Vec<Finding>) {
        let Some(max) = self.max else {
            return;
        };
        if self.findings + batch.len() <= max && self.dropped + batch.len() <= max {
            let dropped = batch.iter().filter(|f| f.state == State::Dropped).count();
            self.dropped += dropped;
            self.findings += batch.len() - dropped;
            return;
        }
        batch.sort_by(|a, b| (a.line, a.column, &a.rule_id).cmp(&(b.line, b.column, &b.rule_id)));
        let unlisted = self.unlisted.get_or_insert_with(|| Unlisted {
            path: path.to_string(),
            ..Unlisted::default()
        });
        let (findings, dropped) = (&mut self.findings, &mut self.dropped);
        batch.retain(|f| {
            let listed = match f.state {
                State::Dropped => &mut *dropped,
                _ => &mut *findings,
            };
            if *listed < max {
                *listed += 1;
                true
            } else {
                unlisted.push(f);
                false
            }
        });
    }

    /// What was not listed, if anything.
    pub fn finish(self) -> Option<Unlisted> {
        let findings = self.findings;
        self.unlisted.map(|mut u| {
            u.listed = findings;
            u.recount();
            u
        })
    }
}

/// Applies the limit to `findings` sorted by path (then line, column, rule), adding what is not
/// listed to `unlisted`. A file that has an entry there already was limited as it was scanned.
pub fn limit(findings: &mut Vec<Finding>, max: Option<usize>, unlisted: &mut Vec<Unlisted>) {
    if max.is_none() {
        return;
    }
    let mut kept = Vec::with_capacity(findings.len());
    let mut rest = std::mem::take(findings).into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut batch = vec![first];
        while let Some(f) = rest.next_if(|f| f.path == batch[0].path) {
            batch.push(f);
        }
        let path = batch[0].path.clone();
        // A file limited as it was scanned lists its first findings already.
        if !unlisted.iter().any(|u| u.path == path) {
            let mut lister = Lister::new(max);
            lister.take(&path, &mut batch);
            if let Some(more) = lister.finish() {
                unlisted.push(more);
            }
        }
        kept.extend(batch);
    }
    *findings = kept;
}

/// Applies the baseline to the records as `Baseline::apply` does to the listed findings, and
/// corrects its outcome: an entry that matches only records is matched, not stale.
pub fn apply_baseline(
    unlisted: &mut [Unlisted],
    listed: &[Finding],
    b: &Baseline,
    outcome: &mut Outcome,
    today: &str,
) {
    if unlisted.is_empty() {
        return;
    }
    let by_fp: HashMap<u64, &baseline::Entry> = b
        .entries
        .iter()
        .filter_map(|e| Some((u64::from_str_radix(&e.fingerprint, 16).ok()?, e)))
        .collect();
    let entries: HashSet<&str> = b.entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let matched_listed: HashSet<&str> = listed
        .iter()
        .map(|f| f.fingerprint.as_str())
        .filter(|fp| entries.contains(fp))
        .collect();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for u in unlisted.iter_mut() {
        for t in &mut u.tallies {
            let Some(e) = by_fp.get(&t.fingerprint) else {
                continue;
            };
            if !matched_listed.contains(e.fingerprint.as_str()) {
                matched.insert(e.fingerprint.as_str());
            }
            if t.state == State::New && !baseline::is_expired(e, today) {
                t.state = State::Baselined;
            }
        }
        u.recount();
    }
    outcome.matched += matched.len();
    outcome
        .stale
        .retain(|e| !matched.contains(e.fingerprint.as_str()));
}

/// A finding for the tests of the listing and of the report's counts.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::finding::Source;

    pub(crate) fn finding(line: usize, rule: &str, state: State) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: String::new(),
            severity: Severity::High,
            path: "a.log".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            masked: "****".into(),
            secret_len: 8,
            fingerprint: format!("{line:016x}"),
            state,
            suppression_reason: None,
            decoded_from: None,
            source: Source::File,
            snippet: String::new(),
            snippet_mask: 0..0,
            detail: None,
            parts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::finding;

    #[test]
    fn the_first_findings_are_listed_batch_after_batch() {
        let mut lister = Lister::new(Some(3));
        let mut one = vec![
            finding(2, "r", State::New),
            finding(1, "s", State::Suppressed),
        ];
        lister.take("a.log", &mut one);
        assert_eq!(one.len(), 2);
        // Unsorted within a batch: the earliest lines are listed.
        let mut two = vec![
            finding(9, "r", State::New),
            finding(3, "r", State::Dropped),
            finding(4, "r", State::New),
            finding(5, "r", State::Dropped),
        ];
        lister.take("a.log", &mut two);
        let lines: Vec<usize> = two.iter().map(|f| f.line).collect();
        assert_eq!(lines, [3, 4, 5], "dropped candidates are listed apart");
        let mut three = vec![finding(10, "q", State::New)];
        lister.take("a.log", &mut three);
        assert!(three.is_empty());
        let u = lister.finish().unwrap();
        assert_eq!((u.listed, u.not_listed, u.new), (3, 2, 2));
        assert_eq!(u.rules, ["r", "q"]);
        assert_eq!(u.tallies[0].fingerprint, 9);
    }

    /// The same secrets found again and again (a log line repeated all day) are kept as one record
    /// each with its count, not one per finding; the counts are those of every finding.
    #[test]
    fn repeated_findings_past_the_limit_are_merged_into_counted_records() {
        let mut lister = Lister::new(Some(10));
        for round in 0..500 {
            // Three secrets (fingerprints 1, 2, 3) per round, one of them suppressed.
            let mut batch = vec![
                finding(1, "r", State::New),
                finding(2, "r", State::New),
                finding(3, "s", State::Suppressed),
            ];
            for (i, f) in batch.iter_mut().enumerate() {
                f.line = 3 * round + i + 1;
            }
            lister.take("a.log", &mut batch);
        }
        let u = lister.finish().unwrap();
        assert_eq!(u.listed, 10);
        assert_eq!(u.not_listed, 1500 - 10);
        assert_eq!(u.suppressed, 500 - 3);
        assert_eq!(u.new, 1500 - 10 - (500 - 3));
        assert!(u.tallies.len() <= 64 + 3, "{} records", u.tallies.len());
        // Distinct findings keep one record each.
        let mut lister = Lister::new(Some(1));
        let mut all: Vec<Finding> = (1..=300).map(|l| finding(l, "r", State::New)).collect();
        lister.take("a.log", &mut all);
        let u = lister.finish().unwrap();
        assert_eq!((u.not_listed, u.tallies.len()), (299, 299));
    }

    #[test]
    fn no_limit_lists_everything() {
        let mut lister = Lister::new(None);
        let mut all: Vec<Finding> = (1..50).map(|l| finding(l, "r", State::New)).collect();
        lister.take("a.log", &mut all);
        assert_eq!(all.len(), 49);
        assert!(lister.finish().is_none());
    }
}
