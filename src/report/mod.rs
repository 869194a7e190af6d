//! The report model (ARCHITECTURE.md, "Report") and its formats, one file each (json, jsonl, sarif,
//! human, github, junit, markdown), plus `merge` for org-wide reports and `schema`, the report's
//! JSON Schema. Everything here receives
//! masked findings only; there is no path from a raw secret to any output.

pub mod github;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod merge;
pub mod sarif;
pub mod schema;

use crate::baseline;
use crate::config::Scope;
use crate::finding::{Finding, State};
#[cfg(test)]
use crate::listing;
use crate::listing::Unlisted;
use crate::rules::Severity;
use crate::source::walk::WalkError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The report format's version; also the `$id` of its JSON Schema (`schema`).
pub const SCHEMA: &str = "leakgate/report/v1";

/// The gate's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScopeReport {
    pub name: String,
    pub globs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesInfo {
    pub count: usize,
    pub pack_digest: String,
}

/// What the scan left out on purpose. `excluded` counts pruned entries (a whole excluded
/// directory counts once); `special` counts FIFOs, devices and sockets the walk met (never read;
/// one named explicitly is an error entry instead). The report's own output directory is skipped
/// without counting.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Skipped {
    pub binary: u64,
    pub excluded: u64,
    pub special: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped: Skipped,
    pub duration_ms: u64,
    /// With `scan --git`: commits listed, blob references and unique blobs scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<crate::source::history::GitStats>,
}

/// Counts; `by_rule` and `by_severity` count the new findings, the ones the gate judges.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub new: usize,
    pub baselined: usize,
    pub suppressed: usize,
    pub by_rule: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
}

/// `reports/security/latest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub generated_at: String,
    pub status: Status,
    pub fail_on: Severity,
    pub root: String,
    pub scopes: Vec<ScopeReport>,
    pub rules: RulesInfo,
    pub stats: Stats,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub errors: Vec<WalkError>,
    /// The baseline that was applied, with its stale and expired entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<baseline::Outcome>,
    /// With `--explain-suppressed`: candidates the not-a-leak filters dropped, masked, with the
    /// filter's reason in `suppression_reason`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<Finding>,
    /// Files with more findings than a report lists (`listing`): how many are counted in the
    /// summary but not listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlisted: Vec<Unlisted>,
    /// Stale or expired baseline entries fail the gate (`--strict`).
    #[serde(skip)]
    pub strict: bool,
}

impl Report {
    /// Builds a report and decides the status: `fail` when any new finding is at or above
    /// `fail_on`, or when any input could not be read.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        root: String,
        scopes: &[Scope],
        fail_on: Severity,
        rules: RulesInfo,
        stats: Stats,
        findings: Vec<Finding>,
        errors: Vec<WalkError>,
    ) -> Report {
        Report {
            schema: SCHEMA,
            tool: Tool {
                name: "leakgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            generated_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
            status: Status::Pass,
            fail_on,
            root,
            scopes: scopes
                .iter()
                .map(|s| ScopeReport {
                    name: s.name.clone(),
                    globs: s.globs.clone(),
                })
                .collect(),
            rules,
            stats,
            summary: Summary::default(),
            findings,
            errors,
            baseline: None,
            dropped: Vec::new(),
            unlisted: Vec::new(),
            strict: false,
        }
        .judged()
    }

    /// Recounts the summary (listed and unlisted findings) and decides the status (after findings
    /// changed state, e.g. when a baseline was applied): `fail` when a new finding is at or above
    /// `fail_on`, when an input could not be read, or, when `strict`, when the baseline has
    /// stale or expired entries.
    pub fn judged(mut self) -> Report {
        let mut summary = Summary::default();
        for s in Severity::ALL {
            summary.by_severity.insert(s, 0);
        }
        for f in &self.findings {
            match f.state {
                State::New => {
                    summary.new += 1;
                    *summary.by_rule.entry(f.rule_id.clone()).or_default() += 1;
                    *summary.by_severity.entry(f.severity).or_default() += 1;
                }
                State::Baselined => summary.baselined += 1,
                State::Suppressed => summary.suppressed += 1,
                State::Dropped => {}
            }
        }
        let failing = self
            .findings
            .iter()
            .any(|f| f.state == State::New && f.severity >= self.fail_on);
        let failing = count_unlisted(&self.unlisted, self.fail_on, &mut summary) || failing;
        let baseline_warns =
            self.strict && self.baseline.as_ref().is_some_and(|b| b.has_warnings());
        self.status = if failing || !self.errors.is_empty() || baseline_warns {
            Status::Fail
        } else {
            Status::Pass
        };
        self.summary = summary;
        self
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed, then renamed, so a
/// crash or a failed write never leaves a truncated file behind. Temporary files that a killed
/// run left beside it (`.latest.json.<pid>.tmp`) are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    remove_stale_temps(&dir, &format!(".{name}."), ".tmp");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes the files in `dir` named `<prefix><pid><suffix>` whose process is gone: temporary
/// files of a run that was killed before it could rename or remove them. Where running processes
/// cannot be listed (no `/proc`), a file is taken as stale after a day. Best effort: a file that
/// cannot be removed stays.
pub fn remove_stale_temps(dir: &Path, prefix: &str, suffix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    let proc = Path::new("/proc");
    let listable = proc.join("self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix)?.strip_suffix(suffix))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let stale = if listable {
            !proc.join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600))
        };
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Counts the records into a report's summary: (new, baselined, suppressed, new by rule, new by
/// severity), and whether a new one is at or above `fail_on`.
fn count_unlisted(unlisted: &[Unlisted], fail_on: Severity, summary: &mut Summary) -> bool {
    let mut failing = false;
    for u in unlisted {
        for t in &u.tallies {
            let n = usize::from(t.count);
            match t.state {
                State::New => {
                    summary.new += n;
                    *summary.by_rule.entry(u.rule_id(t).to_string()).or_default() += n;
                    *summary.by_severity.entry(t.severity).or_default() += n;
                    failing |= t.severity >= fail_on;
                }
                State::Baselined => summary.baselined += n,
                State::Suppressed => summary.suppressed += n,
                State::Dropped => {}
            }
        }
    }
    failing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlisted_new_findings_fail_the_gate() {
        let mut lister = listing::Lister::new(Some(1));
        let mut batch = vec![
            listing::test_support::finding(1, "r", State::Suppressed),
            listing::test_support::finding(2, "r", State::New),
        ];
        lister.take("a.log", &mut batch);
        let u = vec![lister.finish().unwrap()];
        let mut summary = Summary::default();
        assert!(count_unlisted(&u, Severity::High, &mut summary));
        assert!(!count_unlisted(&u, Severity::Critical, &mut summary));
        assert_eq!(summary.by_rule["r"], 2);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/latest.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn temporary_files_of_dead_runs_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("latest.json");
        // No process has a pid over the kernel's maximum (4194304).
        let dead = dir.path().join(".latest.json.4294967295.tmp");
        let other = dir.path().join(".other.json.4294967295.tmp");
        let odd = dir.path().join(".latest.json.12ab.tmp");
        for f in [&dead, &other, &odd] {
            std::fs::write(f, b"partial").unwrap();
        }
        // The live one: a run still writing (here: a process that sleeps).
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let live = dir.path().join(format!(".latest.json.{}.tmp", child.id()));
        std::fs::write(&live, b"partial").unwrap();
        write_atomic(&p, b"one").unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        assert!(!dead.exists(), "a dead run's temporary file is removed");
        assert!(live.exists(), "a live run's temporary file is kept");
        assert!(other.exists() && odd.exists(), "other files are kept");
    }
}
