//! Findings: the last stage that sees raw secret bytes. It deduplicates candidates (a specific rule
//! beats a generic one on the same secret; one secret on one line is one finding), locates them
//! (line and column), fingerprints them (ARCHITECTURE.md, "Fingerprints and the baseline") and
//! masks them (`mask`). What leaves this module is a [`Finding`] that holds only masked text, so
//! reports cannot print a secret.

use crate::detect::Candidate;
use crate::filter::Verdict;
use crate::mask;
use crate::rules::{RulePack, Severity};
use crate::snippet;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::ops::Range;

/// Newline offsets of a buffer (`text`), used to locate findings.
pub use crate::text::LineIndex;

/// Where the scanned bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    File,
    Staged,
    /// Standard input (`scan -`).
    Stdin,
    /// A blob of the git history: the commit that introduced it (full id) and that commit's
    /// author date (ISO 8601).
    Commit {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<String>,
    },
}

/// Whether a finding counts against the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    New,
    Baselined,
    Suppressed,
    /// Not a finding: a candidate a not-a-leak filter dropped, listed only on request
    /// (`--explain-suppressed`) with the filter's reason.
    Dropped,
}

/// A masked, located, fingerprinted finding. Holds no secret.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Exclusive: the column just after the secret's last character.
    pub end_column: usize,
    pub masked: String,
    pub secret_len: usize,
    pub fingerprint: String,
    pub state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded_from: Option<String>,
    pub source: Source,
    /// The secret's first line with every secret on it replaced by its mask.
    pub snippet: String,
    /// Byte range of this finding's mask inside `snippet`.
    #[serde(skip)]
    pub snippet_mask: Range<usize>,
    /// For findings that are not a secret (the hygiene checks): what is wrong, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The other parts of a two-part credential found with the secret (`rules::Pair`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// The other part of a two-part credential (an AWS key's id beside its secret): what it is, where,
/// and its mask. Masked like a secret: some parts (an access key id) are secret on their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Exclusive, as `Finding::end_column`.
    pub end_column: usize,
    pub masked: String,
}

impl Finding {
    /// The other parts of a two-part credential in words, for the text formats:
    /// `; with its access key id ****WXYZ at line 2, column 21`, or empty.
    pub fn parts_text(&self) -> String {
        self.parts
            .iter()
            .map(|p| {
                format!(
                    "; with its {} {} at line {}, column {}",
                    p.name, p.masked, p.line, p.column
                )
            })
            .collect()
    }
}

/// `fingerprint` = first 16 hex of SHA-256 over (rule id, path, secret).
pub fn fingerprint(rule_id: &str, path: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(secret);
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A candidate with the filters' verdict, ready to become a finding.
pub struct Judged {
    pub candidate: Candidate,
    pub verdict: Verdict,
}

/// A secret found in a decoding layer (`decode`): the decoded secret bytes, and the range of the
/// encoded text in the buffer it came from.
pub struct DecodedJudged {
    pub rule: usize,
    pub secret: Vec<u8>,
    pub orig: Range<usize>,
    pub layer: String,
    pub verdict: Verdict,
}

/// Builds the findings of one buffer. `judged` holds every candidate that was kept or suppressed.
pub fn build(
    pack: &RulePack,
    path: &str,
    source: &Source,
    buf: &[u8],
    judged: Vec<Judged>,
) -> Vec<Finding> {
    let all = 0..buf.len();
    build_all(pack, path, source, buf, all, judged, Vec::new(), Vec::new())
}

/// As [`build`], plus secrets found in decoding layers, plus the candidates a filter dropped
/// (findings in state `dropped`, listed with `--explain-suppressed`). Every snippet masks every
/// secret of all three kinds on its line (`snippet`).
///
/// Only secrets that start in `window` become findings. A candidate outside it (in a streamed
/// chunk's context) still takes part in its overlaps: the winner, and the mask, of secrets that
/// overlap across a chunk edge are those of the whole file.
#[allow(clippy::too_many_arguments)]
pub fn build_all(
    pack: &RulePack,
    path: &str,
    source: &Source,
    buf: &[u8],
    window: Range<usize>,
    mut judged: Vec<Judged>,
    decoded: Vec<DecodedJudged>,
    mut dropped: Vec<Judged>,
) -> Vec<Finding> {
    if judged.is_empty() && decoded.is_empty() && dropped.is_empty() {
        return Vec::new();
    }
    let kept = clusters(pack, &mut judged);
    let gone = clusters(pack, &mut dropped);
    let lines = LineIndex::new(buf);
    let cluster_masks = |js: &[Judged], cs: &[(Range<usize>, usize)]| {
        cs.iter()
            .map(|(union, w)| {
                (
                    union.clone(),
                    mask::mask(&buf[js[*w].candidate.secret.clone()]),
                )
            })
            .collect::<Vec<_>>()
    };
    // The other parts of two-part credentials, per kept secret: (secret span, part span, rule).
    let pairs: Vec<(Range<usize>, Range<usize>, usize)> = kept
        .iter()
        .filter_map(|(_, w)| {
            let c = &judged[*w].candidate;
            let pair = pack.rules[c.rule].pair.as_ref()?;
            let part = find_part(pair, buf, &lines, &c.secret)?;
            Some((c.secret.clone(), part, c.rule))
        })
        .collect();
    let mut masks: Vec<(Range<usize>, String)> = cluster_masks(&judged, &kept);
    masks.extend(
        pairs
            .iter()
            .map(|(_, part, _)| (part.clone(), mask::mask(&buf[part.clone()]))),
    );
    masks.extend(cluster_masks(&dropped, &gone));
    masks.extend(
        decoded
            .iter()
            .map(|d| (d.orig.clone(), mask::mask(&d.secret))),
    );
    masks.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    // Overlapping spans (two secrets in one base64 blob) become one mask.
    let mut merged: Vec<(Range<usize>, String)> = Vec::with_capacity(masks.len());
    for (r, m) in masks {
        match merged.last_mut() {
            Some((last, _)) if r.start < last.end.max(last.start + 1) => {
                last.end = last.end.max(r.end)
            }
            _ => merged.push((r, m)),
        }
    }
    let masks = merged;
    // The merged masks are sorted and disjoint: the one holding `r.start` is the last that
    // starts at or before it.
    let mask_span = |r: &Range<usize>| {
        let i = masks.partition_point(|(m, _)| m.end.max(m.start + 1) <= r.start);
        masks
            .get(i)
            .filter(|(m, _)| m.start <= r.start)
            .map_or(r.clone(), |(m, _)| m.clone())
    };
    let secrets: Vec<&[u8]> = judged
        .iter()
        .chain(&dropped)
        .map(|j| &buf[j.candidate.secret.clone()])
        .chain(decoded.iter().map(|d| d.secret.as_slice()))
        .chain(pairs.iter().map(|(_, part, _)| &buf[part.clone()]))
        .collect();
    let renderer = snippet::Renderer::new(buf, &lines, &masks, &secrets);

    // The winners of the plain clusters, then the decoded secrets: (rule, secret bytes, range
    // in the buffer, range the snippet masks, verdict, layer).
    let winners = |js, cs| winners(buf, js, cs, &mask_span);
    let decoded = decoded.iter().map(|d| {
        (
            d.rule,
            d.secret.as_slice(),
            d.orig.clone(),
            mask_span(&d.orig),
            &d.verdict,
            Some(d.layer.as_str()),
        )
    });
    let listed = winners(&judged, &kept).into_iter().chain(decoded);
    let mut out: Vec<Finding> = Vec::new();
    for group in [listed.collect::<Vec<_>>(), winners(&dropped, &gone)] {
        let mut seen: HashSet<(usize, &[u8])> = HashSet::new(); // (line, secret) already reported
        for (ri, secret, at, span, verdict, layer) in group {
            if !window.contains(&at.start) {
                continue;
            }
            let rule = &pack.rules[ri];
            let (line, column) = lines.locate(buf, at.start);
            if !seen.insert((line, secret)) {
                continue;
            }
            let (end_line, end_column) = lines.locate(buf, at.end);
            let (snippet, snippet_mask) = renderer.render(line, &span);
            let (state, suppression_reason) = match verdict {
                Verdict::Suppress(reason) => (State::Suppressed, Some(reason.clone())),
                Verdict::Drop(reason) => (State::Dropped, Some(reason.to_string())),
                Verdict::Keep => (State::New, None),
            };
            out.push(Finding {
                rule_id: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                path: path.to_string(),
                line,
                column,
                end_line,
                end_column,
                masked: mask::mask(secret),
                secret_len: mask::char_len(secret),
                fingerprint: fingerprint(&rule.id, path, secret),
                state,
                suppression_reason,
                decoded_from: layer.map(str::to_string),
                source: source.clone(),
                snippet,
                snippet_mask,
                detail: None,
                parts: match layer {
                    Some(_) => Vec::new(),
                    None => pairs
                        .iter()
                        .filter(|(s, _, r)| *s == at && *r == ri)
                        .map(|(_, part, _)| {
                            let (line, column) = lines.locate(buf, part.start);
                            let (end_line, end_column) = lines.locate(buf, part.end);
                            Part {
                                name: rule
                                    .pair
                                    .as_ref()
                                    .map_or_else(String::new, |p| p.part.clone()),
                                line,
                                column,
                                end_line,
                                end_column,
                                masked: mask::mask(&buf[part.clone()]),
                            }
                        })
                        .collect(),
                },
            });
        }
    }
    out
}

/// The part of a two-part credential nearest to the secret at `secret` (by bytes between them),
/// on the secret's line or within `pair.lines` lines of it; never a span overlapping the secret.
fn find_part(
    pair: &crate::rules::Pair,
    buf: &[u8],
    lines: &LineIndex,
    secret: &Range<usize>,
) -> Option<Range<usize>> {
    let (line, _) = lines.locate(buf, secret.start);
    let (end_line, _) = lines.locate(buf, secret.end);
    let first = line.saturating_sub(pair.lines).max(1);
    let last = (end_line + pair.lines).min(lines.count());
    let (start, _) = lines.bounds(buf, first);
    let (_, end) = lines.bounds(buf, last);
    let input = regex_automata::Input::new(buf).range(start..end);
    pair.regex
        .captures_iter(input)
        .filter_map(|caps| caps.get_group(pair.group).map(|s| s.range()))
        .filter(|r| !r.is_empty() && (r.end <= secret.start || secret.end <= r.start))
        .min_by_key(|r| match r.end <= secret.start {
            true => secret.start - r.end,
            false => r.start - secret.end,
        })
}

/// A secret to list: (rule, secret bytes, range in the buffer, range the snippet masks, verdict,
/// decoding layer).
type Listed<'a> = (
    usize,
    &'a [u8],
    Range<usize>,
    Range<usize>,
    &'a Verdict,
    Option<&'a str>,
);

/// The winners of the clusters `cs` of `js`.
fn winners<'a>(
    buf: &'a [u8],
    js: &'a [Judged],
    cs: &[(Range<usize>, usize)],
    mask_span: &dyn Fn(&Range<usize>) -> Range<usize>,
) -> Vec<Listed<'a>> {
    cs.iter()
        .map(|(union, w)| {
            let c = &js[*w].candidate;
            let secret = &buf[c.secret.clone()];
            (
                c.rule,
                secret,
                c.secret.clone(),
                mask_span(union),
                &js[*w].verdict,
                None,
            )
        })
        .collect()
}

/// Sorts `judged` by position and clusters overlapping secrets, each cluster with one winner:
/// (union span, winner index).
fn clusters(pack: &RulePack, judged: &mut Vec<Judged>) -> Vec<(Range<usize>, usize)> {
    retain_unsubsumed(pack, judged, |j| &j.candidate);
    judged.sort_by_key(|j| (j.candidate.secret.start, j.candidate.secret.end));
    let mut clusters: Vec<(Range<usize>, usize)> = Vec::new();
    for (i, j) in judged.iter().enumerate() {
        let span = j.candidate.secret.clone();
        match clusters.last_mut() {
            Some((union, winner)) if span.start < union.end => {
                union.end = union.end.max(span.end);
                if better(pack, &judged[i].candidate, &judged[*winner].candidate) {
                    *winner = i;
                }
            }
            _ => clusters.push((span, i)),
        }
    }
    clusters
}

/// Drops each generic-rule candidate that overlaps a specific rule's candidate: the specific rule
/// knows where its token ends, and the generic value that runs past it is a misreading
/// (`https://x-access-token:ghs_...@github.com/...` is a token, then a host, not one secret from
/// `token:` to the end of the URL). So the specific finding wins, and its mask covers the token,
/// not the host.
pub fn retain_unsubsumed<T>(pack: &RulePack, items: &mut Vec<T>, cand: impl Fn(&T) -> &Candidate) {
    let is_generic = |c: &Candidate| pack.rules[c.rule].generic;
    if !items.iter().any(|t| is_generic(cand(t))) {
        return;
    }
    let mut specific: Vec<Range<usize>> = items
        .iter()
        .map(&cand)
        .filter(|c| !is_generic(c))
        .map(|c| c.secret.clone())
        .collect();
    if specific.is_empty() {
        return;
    }
    specific.sort_by_key(|r| r.start);
    // The furthest end among the specific spans starting before each index.
    let reach: Vec<usize> = specific
        .iter()
        .scan(0, |end, r| {
            *end = (*end).max(r.end);
            Some(*end)
        })
        .collect();
    items.retain(|t| {
        let c = cand(t);
        if !is_generic(c) {
            return true;
        }
        let before = specific.partition_point(|r| r.start < c.secret.end);
        before == 0 || reach[before - 1] <= c.secret.start
    });
}

/// Which of two overlapping candidates describes the secret better: a known secret value (it
/// names the variable) beats a pattern, a specific rule beats a generic one, a rule above low
/// confidence beats a low one (a provider's rule over a structural one such as a curl header's
/// value), then the longer secret, then the higher severity, then the earlier rule.
pub fn better(pack: &RulePack, a: &Candidate, b: &Candidate) -> bool {
    let (ra, rb) = (&pack.rules[a.rule], &pack.rules[b.rule]);
    let key = |r: &crate::rules::Rule, c: &Candidate| {
        (
            r.known_value,
            !r.generic,
            r.confidence > crate::rules::Confidence::Low,
            c.secret.len(),
            r.severity,
            std::cmp::Reverse(c.rule),
        )
    };
    key(ra, a) > key(rb, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_16_hex() {
        let a = fingerprint("r", "p", b"s");
        assert_eq!(a.len(), 16);
        assert_eq!(a, fingerprint("r", "p", b"s"));
        assert_ne!(a, fingerprint("r", "q", b"s"));
    }
}
