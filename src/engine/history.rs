//! Scanning a git history (`scan --git`): the blobs `source::history` lists and reads, scanned in
//! parallel as they arrive, through the same per-buffer pipeline as files. A version of a file
//! that `source::history` reduced to its changed lines has its findings' lines mapped back; each
//! finding is then kept only at the oldest commit that introduced it.

use super::{Budget, Pipeline, Scanned, scan_bytes};
use crate::detect::{Candidate, Scratch};
use crate::finding::{Finding, Source, State};
use crate::source::history::{
    self, Blob, BlobReader, Content, GitStats, HistoryError, HistoryPlan,
};
use crate::source::walk::WalkError;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

/// The scan of a history.
pub struct History {
    pub scanned: Scanned,
    pub stats: GitStats,
    /// Every path a scanned blob had (for baseline bookkeeping).
    pub paths: BTreeSet<String>,
}

/// Lists and scans the history on the current rayon pool.
pub fn scan(pipe: &Pipeline, plan: &HistoryPlan, budget: Budget) -> Result<History, HistoryError> {
    let history::Listed { listing, mut stats } = history::list_plan(plan)?;
    let new_bytes = AtomicU64::new(0);
    let scanned = if listing.blobs.is_empty() {
        Scanned::default()
    } else {
        // The reader runs under par_bridge's lock, one blob at a time in commit order (the line
        // memory sees each path's versions oldest first); the scans run in parallel.
        BlobReader::open(&plan.repo, &listing, budget.max_file_size)?
            .par_bridge()
            .map_init(Vec::new, |candidates, blob| {
                scan_blob(pipe, blob, candidates, &new_bytes)
            })
            .reduce(Scanned::default, merge)
    };
    stats.blobs_scanned = scanned.files_scanned;
    stats.bytes_new = new_bytes.into_inner();
    let paths = listing.blobs.iter().map(|b| b.path.to_string()).collect();
    Ok(History {
        scanned: keep_oldest(scanned, &listing.commit_order()),
        stats,
        paths,
    })
}

fn scan_blob(
    pipe: &Pipeline,
    blob: Blob,
    candidates: &mut Vec<Candidate>,
    new_bytes: &AtomicU64,
) -> Scanned {
    let mut out = Scanned::default();
    let (scan, map, len) = match blob.content {
        Ok(Content::Text { scan, map, len }) => (scan, map, len),
        Ok(Content::Binary) => {
            out.skipped_binary = 1;
            return out;
        }
        Err(message) => {
            out.errors.push(WalkError {
                path: blob.at.path.to_string(),
                message: format!(
                    "{message} (blob {} in commit {})",
                    blob.at.oid, blob.commit.id
                ),
            });
            return out;
        }
    };
    out.files_scanned = 1;
    out.bytes_scanned = len;
    new_bytes.fetch_add(scan.len() as u64, Ordering::Relaxed);
    if scan.is_empty() {
        return out;
    }
    // The thread's own scratch: `par_bridge` makes a fresh worker for many a blob, and a
    // scratch holds the warm regex caches.
    out.findings = Scratch::with_local(|scratch| {
        scan_bytes(
            pipe,
            &blob.at.path,
            &blob.source,
            &scan,
            scratch,
            candidates,
        )
    });
    if let Some(map) = map {
        for f in &mut out.findings {
            f.line = map.original(f.line);
            f.end_line = map.original(f.end_line);
        }
    }
    out
}

fn merge(mut a: Scanned, b: Scanned) -> Scanned {
    a.findings.extend(b.findings);
    a.errors.extend(b.errors);
    a.files_scanned += b.files_scanned;
    a.bytes_scanned += b.bytes_scanned;
    a.skipped_binary += b.skipped_binary;
    a
}

/// Keeps, for every fingerprint, only the findings of the oldest commit that has it: a secret is
/// reported where it was introduced, not again in every later version of its file.
fn keep_oldest(mut scanned: Scanned, order: &HashMap<&str, usize>) -> Scanned {
    let commit_of = |f: &Finding| match &f.source {
        Source::Commit { id, .. } => order.get(id.as_str()).copied().unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    let mut oldest: BTreeMap<(String, State), usize> = BTreeMap::new();
    for f in &scanned.findings {
        let e = oldest
            .entry((f.fingerprint.clone(), f.state))
            .or_insert(usize::MAX);
        *e = (*e).min(commit_of(f));
    }
    scanned
        .findings
        .retain(|f| oldest[&(f.fingerprint.clone(), f.state)] == commit_of(f));
    super::sort(&mut scanned);
    scanned
}
