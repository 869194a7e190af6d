//! Secrets in file and directory names. A path is judged like text: the rule pack runs on the path
//! string, a secret it holds (`docs/<token>/notes.md`) is a finding of that rule, and every output
//! names the path with the secret masked (findings, errors, dropped candidates), so a report never
//! prints a secret through a file name. Fingerprints keep using the real path, so they stay stable.

use crate::detect::{Candidate, Scratch};
use crate::engine::Pipeline;
use crate::filter::{self, Verdict};
use crate::finding::{self, Finding, Source, State};
use crate::mask;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// A path shorter than this, or without a run this long between separators, holds no secret
/// worth a rule run (tokens are longer).
const MIN_RUN: usize = 12;

/// The masked form of every path that holds a secret, and the findings for those secrets.
#[derive(Default)]
pub struct PathSecrets {
    masked: BTreeMap<String, String>,
    pub findings: Vec<Finding>,
}

impl PathSecrets {
    /// Runs the pack on each distinct path. A secret is reported once, at the first path (in
    /// sorted order) that holds it.
    pub fn check<'a>(
        pipe: &Pipeline,
        paths: impl IntoIterator<Item = &'a str>,
        source: &Source,
    ) -> PathSecrets {
        let distinct: BTreeSet<&str> = paths
            .into_iter()
            .filter(|p| may_hold_secret(p.as_bytes()))
            .collect();
        let mut out = PathSecrets::default();
        if distinct.is_empty() {
            return out;
        }
        let mut reported: BTreeSet<(usize, Vec<u8>)> = BTreeSet::new();
        let mut found: Vec<Candidate> = Vec::new();
        Scratch::with_local(|scratch| {
            for path in distinct {
                let bytes = path.as_bytes();
                let mut kept = kept(pipe, path, scratch, &mut found);
                if kept.is_empty() {
                    continue;
                }
                kept.sort_by_key(|(c, _)| (c.secret.start, std::cmp::Reverse(c.secret.end)));
                let (masked, at) = mask_path(bytes, &kept);
                for ((c, verdict), at) in kept.iter().zip(at) {
                    let secret = &bytes[c.secret.clone()];
                    if !reported.insert((c.rule, secret.to_vec())) {
                        continue;
                    }
                    out.findings
                        .push(path_finding(pipe, path, (&masked, at), c, verdict, source));
                }
                out.masked.insert(path.to_string(), masked);
            }
        });
        out
    }

    /// Whether [`PathSecrets::check`] finds a secret in `path` (whatever other paths hold): a scan
    /// asks this of each file as it is scanned and keeps only the names that do, not the list of
    /// every file.
    pub fn holds_secret(pipe: &Pipeline, path: &str) -> bool {
        may_hold_secret(path.as_bytes())
            && Scratch::with_local(|scratch| !kept(pipe, path, scratch, &mut Vec::new()).is_empty())
    }

    /// The path as it may be shown.
    pub fn shown<'a>(&'a self, path: &'a str) -> &'a str {
        self.masked.get(path).map_or(path, String::as_str)
    }

    /// Replaces every path that holds a secret by its masked form.
    pub fn mask_all<'a>(&self, paths: impl IntoIterator<Item = &'a mut String>) {
        if self.masked.is_empty() {
            return;
        }
        for p in paths {
            if let Some(m) = self.masked.get(p.as_str()) {
                *p = m.clone();
            }
        }
    }
}

/// The candidates the pack finds in `path` that the filter stage does not drop.
fn kept(
    pipe: &Pipeline,
    path: &str,
    scratch: &mut Scratch,
    found: &mut Vec<Candidate>,
) -> Vec<(Candidate, Verdict)> {
    let bytes = path.as_bytes();
    found.clear();
    pipe.scanner.scan(path, bytes, scratch, found);
    found
        .drain(..)
        .filter(|c| c.rejected.is_none())
        .map(|c| {
            let rule = &pipe.rules()[c.rule];
            let v = filter::judge(
                rule,
                path,
                bytes,
                &c,
                &pipe.allow,
                &crate::syntax::Context::off(),
            );
            (c, v)
        })
        .filter(|(_, v)| !matches!(v, Verdict::Drop(_)))
        .collect()
}

/// Whether a path has a run of `MIN_RUN` bytes between separators (`/`, `.`, space).
fn may_hold_secret(path: &[u8]) -> bool {
    path.split(|&b| matches!(b, b'/' | b'\\' | b' '))
        .any(|part| part.len() >= MIN_RUN)
}

/// The path with each secret (sorted by start) replaced by its mask, and where each secret's
/// mask is in it (a secret inside another one shares its mask).
fn mask_path(path: &[u8], secrets: &[(Candidate, Verdict)]) -> (String, Vec<Range<usize>>) {
    let mut out = String::new();
    let mut at = Vec::with_capacity(secrets.len());
    let mut pos = 0;
    for (c, _) in secrets {
        if c.secret.start < pos {
            pos = pos.max(c.secret.end);
            at.push(at.last().cloned().unwrap_or(0..0));
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&path[pos..c.secret.start]));
        let start = out.len();
        out.push_str(&mask::mask(&path[c.secret.clone()]));
        at.push(start..out.len());
        pos = c.secret.end;
    }
    out.push_str(&String::from_utf8_lossy(&path[pos..]));
    (out, at)
}

fn path_finding(
    pipe: &Pipeline,
    path: &str,
    (masked_path, at): (&str, Range<usize>),
    c: &Candidate,
    verdict: &Verdict,
    source: &Source,
) -> Finding {
    let rule = &pipe.rules()[c.rule];
    let secret = &path.as_bytes()[c.secret.clone()];
    let masked = mask::mask(secret);
    let (state, suppression_reason) = match verdict {
        Verdict::Suppress(reason) => (State::Suppressed, Some(reason.clone())),
        Verdict::Drop(reason) => (State::Dropped, Some(reason.to_string())),
        Verdict::Keep => (State::New, None),
    };
    Finding {
        rule_id: rule.id.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        path: masked_path.to_string(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        masked,
        secret_len: mask::char_len(secret),
        fingerprint: finding::fingerprint(&rule.id, path, secret),
        state,
        suppression_reason,
        decoded_from: None,
        source: source.clone(),
        snippet: masked_path.to_string(),
        snippet_mask: at,
        detail: Some("the file's path holds this secret".into()),
        parts: Vec::new(),
    }
}
