//! The baseline (ARCHITECTURE.md, "Fingerprints and the baseline"): `.leakgate-baseline.json` lists
//! accepted findings by fingerprint (rule id, path, secret), with the rule id and path for review,
//! a reason and an optional expiry, never the secret or its mask. Entries are sorted by path, rule
//! and fingerprint so the file diffs cleanly; moving a leaked line does not change its fingerprint,
//! so the file does not churn, while a new secret on a baselined line has a new fingerprint and
//! fails the gate.
//!
//! A scan marks matching findings `baselined`, and reports entries that match nothing any more
//! (stale: the secret was removed, or the file is gone) and entries past their expiry (their
//! findings count as new again).
//!
//! `gitleaks` imports a gitleaks JSON report's findings as entries.

pub mod gitleaks;

use crate::finding::{Finding, State};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The file name looked up at the scan root.
pub const FILE_NAME: &str = ".leakgate-baseline.json";
pub const SCHEMA: &str = "leakgate/baseline/v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(deserialize_with = "fingerprint")]
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    pub reason: String,
    /// The day the entry was added (YYYY-MM-DD).
    pub added: String,
    /// The last day the entry suppresses (YYYY-MM-DD).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "expires"
    )]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    #[serde(deserialize_with = "schema")]
    pub schema: String,
    pub entries: Vec<Entry>,
}

/// A baseline entry named in the report (stale or expired).
#[derive(Debug, Clone, Serialize)]
pub struct EntryRef {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// What applying a baseline found; goes into the report.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub path: String,
    pub entries: usize,
    pub matched: usize,
    /// Entries whose file was scanned (or no longer exists) but that matched nothing.
    pub stale: Vec<EntryRef>,
    /// Entries past their expiry; their findings are new again.
    pub expired: Vec<EntryRef>,
}

impl Outcome {
    pub fn has_warnings(&self) -> bool {
        !self.stale.is_empty() || !self.expired.is_empty()
    }
}

// The checks of a baseline's fields run while it is read, inside the string visitor, so that
// serde_json reports where the bad value is (line and column); their messages name the key and
// never quote the value.

/// A string at `key` that must pass `ok`; `what` says what it must be.
struct Checked {
    key: &'static str,
    ok: fn(&str) -> bool,
    what: &'static str,
}

impl serde::de::Visitor<'_> for Checked {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} for `{}`", self.what, self.key)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        match (self.ok)(v) {
            true => Ok(v.to_string()),
            false => Err(E::custom(format_args!(
                "`{}` is not {}",
                self.key, self.what
            ))),
        }
    }
}

const FINGERPRINT: Checked = Checked {
    key: "fingerprint",
    ok: |s| s.len() == 16 && s.bytes().all(|c| c.is_ascii_hexdigit()),
    what: "16 hex digits",
};
const EXPIRES: Checked = Checked {
    key: "expires",
    ok: crate::date::is_date,
    what: "a date YYYY-MM-DD",
};
const SCHEMA_CHECK: Checked = Checked {
    key: "schema",
    ok: |s| s == SCHEMA,
    what: SCHEMA,
};

fn fingerprint<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(FINGERPRINT)
}

fn schema<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(SCHEMA_CHECK)
}

fn expires<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Optional;
    impl<'de> serde::de::Visitor<'de> for Optional {
        type Value = Option<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            serde::de::Visitor::expecting(&EXPIRES, f)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(EXPIRES).map(Some)
        }
    }
    d.deserialize_option(Optional)
}

/// Why a baseline could not be used. Messages name the file, line, column and key, never a
/// value (`diag::json_message`).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("invalid baseline {path}: {message}")]
    #[diagnostic(help("regenerate it with `leakgate baseline --reason ...`"))]
    Invalid { path: String, message: String },
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text =
            crate::inputfile::read_text(path, crate::inputfile::REPORT_CAP).map_err(|e| {
                BaselineError::Read {
                    path: shown.clone(),
                    message: e.to_string(),
                }
            })?;
        let invalid = |message: String| BaselineError::Invalid {
            path: shown.clone(),
            message,
        };
        serde_json::from_str(&text).map_err(|e| invalid(crate::diag::json_message(&e)))
    }

    /// The baseline text: pretty JSON, entries sorted, one trailing newline.
    pub fn render(&self) -> String {
        let mut b = self.clone();
        b.entries.sort_by(|x, y| {
            (&x.path, &x.rule_id, &x.fingerprint).cmp(&(&y.path, &y.rule_id, &y.fingerprint))
        });
        b.entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let mut s = serde_json::to_string_pretty(&b).expect("plain data");
        s.push('\n');
        s
    }

    /// A baseline accepting `findings` (new or already baselined). Entries of `previous` with the
    /// same fingerprint keep their reason, date and expiry.
    pub fn from_findings(
        findings: &[Finding],
        previous: Option<&Baseline>,
        reason: &str,
        expires: Option<&str>,
        today: &str,
    ) -> Baseline {
        let old: HashMap<&str, &Entry> = previous
            .map(|p| {
                p.entries
                    .iter()
                    .map(|e| (e.fingerprint.as_str(), e))
                    .collect()
            })
            .unwrap_or_default();
        let entries = findings
            .iter()
            .filter(|f| matches!(f.state, State::New | State::Baselined))
            .map(|f| match old.get(f.fingerprint.as_str()) {
                Some(e) if !is_expired(e, today) => (*e).clone(),
                _ => Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule_id: f.rule_id.clone(),
                    path: f.path.clone(),
                    reason: reason.to_string(),
                    added: today.to_string(),
                    expires: expires.map(str::to_string),
                },
            })
            .collect();
        Baseline {
            schema: SCHEMA.to_string(),
            entries,
        }
    }

    /// Marks findings that match a live entry as baselined. `scanned` holds the paths this scan
    /// read, and `exists` says whether a path still exists, to tell stale entries from entries
    /// outside this scan.
    pub fn apply(
        &self,
        shown_path: &str,
        findings: &mut [Finding],
        scanned: &BTreeSet<String>,
        exists: impl Fn(&str) -> bool,
        today: &str,
    ) -> Outcome {
        let by_fp: HashMap<&str, &Entry> = self
            .entries
            .iter()
            .map(|e| (e.fingerprint.as_str(), e))
            .collect();
        let mut matched: BTreeSet<&str> = BTreeSet::new();
        for f in findings.iter_mut() {
            let Some(e) = by_fp.get(f.fingerprint.as_str()) else {
                continue;
            };
            matched.insert(e.fingerprint.as_str());
            if f.state == State::New && !is_expired(e, today) {
                f.state = State::Baselined;
                f.suppression_reason = Some(format!("baselined: {}", e.reason));
            }
        }
        let to_ref = |e: &Entry| EntryRef {
            fingerprint: e.fingerprint.clone(),
            rule_id: e.rule_id.clone(),
            path: e.path.clone(),
            expires: e.expires.clone(),
        };
        let stale = self
            .entries
            .iter()
            .filter(|e| !matched.contains(e.fingerprint.as_str()))
            .filter(|e| scanned.contains(&e.path) || !exists(&e.path))
            .map(to_ref)
            .collect();
        let expired = self
            .entries
            .iter()
            .filter(|e| is_expired(e, today))
            .map(to_ref)
            .collect();
        Outcome {
            path: shown_path.to_string(),
            entries: self.entries.len(),
            matched: matched.len(),
            stale,
            expired,
        }
    }
}

/// Whether the entry is past its expiry (it no longer suppresses).
pub fn is_expired(e: &Entry, today: &str) -> bool {
    e.expires.as_deref().is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_inclusive_of_the_last_day() {
        let e = Entry {
            fingerprint: "0123456789abcdef".into(),
            rule_id: "r".into(),
            path: "p".into(),
            reason: "x".into(),
            added: "2026-01-01".into(),
            expires: Some("2026-06-30".into()),
        };
        assert!(!is_expired(&e, "2026-06-30"));
        assert!(is_expired(&e, "2026-07-01"));
    }
}
