//! Importing a gitleaks JSON report into the baseline (`leakgate baseline --import FILE`).
//!
//! A gitleaks report is a JSON array of findings; the import reads `File`, `StartLine`,
//! `EndLine`, `RuleID`, `Fingerprint` and `Secret` (gitleaks' raw secret, `REDACTED` under
//! `--redact`, or its first characters and `...` under `--redact=N`) and ignores the rest. A
//! gitleaks finding becomes a baseline entry only where leakgate finds the same secret again:
//!
//! - a plain report: a leakgate finding in the same file whose fingerprint is that of gitleaks'
//!   secret (on any line: fingerprints do not depend on lines), or a finding on the reported
//!   lines whose secret holds gitleaks' secret or is held by it (the rules of the two tools may
//!   cut a token differently; the shorter side must have 8 characters or more);
//! - a redacted report: the one leakgate finding on the reported lines (narrowed by the kept
//!   first characters when there are several); several candidates are ambiguous.
//!
//! The entry is leakgate's own (fingerprint, rule id, path) with the reason `imported from
//! gitleaks <fingerprint>`. Findings that cannot be re-found are returned with why, never with
//! the secret. This module holds gitleaks' secrets and the scanned file's bytes only to compare
//! them; nothing it returns holds either.

use super::Entry;
use crate::finding::{self, Finding, LineIndex};
use crate::pathname;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Shortest secret that counts as held by a longer one (a shorter match could be chance).
const MIN_OVERLAP: usize = 8;
/// Most bytes of a file read to compare a secret (larger files compare by fingerprint only).
const READ_CAP: u64 = 256 << 20;

/// One finding of a gitleaks report, the fields the import reads. Deliberately not `Debug`: it
/// holds the raw secret.
#[derive(Deserialize)]
pub struct Leak {
    #[serde(rename = "RuleID", default)]
    pub rule_id: String,
    #[serde(rename = "File")]
    pub file: String,
    #[serde(rename = "StartLine")]
    pub start_line: i64,
    #[serde(rename = "EndLine", default)]
    pub end_line: i64,
    #[serde(rename = "Fingerprint", default)]
    pub fingerprint: String,
    #[serde(rename = "Secret")]
    secret: String,
}

/// Reads a gitleaks JSON report (an array of findings; `null` is none). Errors name the line and
/// column, never a value.
pub fn parse(text: &str) -> Result<Vec<Leak>, String> {
    serde_json::from_str::<Option<Vec<Leak>>>(text)
        .map(Option::unwrap_or_default)
        .map_err(|e| crate::diag::json_message(&e))
}

/// A gitleaks finding that could not be re-found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The file as the gitleaks report names it (relative to the current directory when it
    /// could be made so), shown one-to-one (`pathname`).
    pub path: String,
    pub line: i64,
    pub rule_id: String,
    pub why: &'static str,
}

/// What an import found.
#[derive(Default)]
pub struct Imported {
    /// One entry per leakgate finding a gitleaks finding was matched to (deduplicated by
    /// fingerprint).
    pub entries: Vec<Entry>,
    /// How many gitleaks findings were matched.
    pub matched: usize,
    pub unmatched: Vec<Unmatched>,
}

/// A gitleaks path as leakgate names it relative to `base` (the directory the import runs in):
/// `/`-separated, without `./`. An absolute path must lie inside `base`.
pub fn relative(file: &str, base: &Path) -> Option<String> {
    let file = if cfg!(windows) {
        file.replace('\\', "/")
    } else {
        file.to_string()
    };
    let p = Path::new(&file);
    let rel: PathBuf = if p.is_absolute() {
        let base = std::fs::canonicalize(base).ok()?;
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        abs.strip_prefix(&base).ok()?.to_path_buf()
    } else {
        p.to_path_buf()
    };
    let mut shown = pathname::shown(&rel);
    while let Some(rest) = shown.strip_prefix("./") {
        shown = rest.to_string();
    }
    (!shown.is_empty()).then_some(shown)
}

/// Matches every gitleaks finding against leakgate's `findings` (of a scan whose paths are
/// relative to `base`), and turns the matches into baseline entries dated `today`.
pub fn import(
    leaks: &[Leak],
    findings: &[Finding],
    base: &Path,
    extra_reason: Option<&str>,
    expires: Option<&str>,
    today: &str,
) -> Imported {
    let mut files = Files::new(base);
    let mut out = Imported::default();
    let mut seen: HashSet<String> = HashSet::new();
    for leak in leaks {
        let path = relative(&leak.file, base);
        let found = match &path {
            None => Err("the file is outside the current directory"),
            Some(p) => locate(leak, p, findings, &mut files),
        };
        match found {
            Ok(hits) => {
                out.matched += 1;
                let reason = match extra_reason {
                    Some(r) => format!("imported from gitleaks {}: {r}", shown_fingerprint(leak)),
                    None => format!("imported from gitleaks {}", shown_fingerprint(leak)),
                };
                for i in hits {
                    let f = &findings[i];
                    if !seen.insert(f.fingerprint.clone()) {
                        continue;
                    }
                    out.entries.push(Entry {
                        fingerprint: f.fingerprint.clone(),
                        rule_id: f.rule_id.clone(),
                        path: f.path.clone(),
                        reason: reason.clone(),
                        added: today.to_string(),
                        expires: expires.map(str::to_string),
                    });
                }
            }
            Err(why) => out.unmatched.push(Unmatched {
                path: path.unwrap_or_else(|| pathname::shown_bytes(leak.file.as_bytes())),
                line: leak.start_line,
                rule_id: pathname::shown_bytes(leak.rule_id.as_bytes()),
                why,
            }),
        }
    }
    out
}

/// gitleaks' fingerprint of a finding when it has the shape gitleaks gives it
/// (`[commit:]file:rule:line`), else that shape built from the finding: never other text from
/// the report.
fn shown_fingerprint(leak: &Leak) -> String {
    let built = format!("{}:{}:{}", leak.file, leak.rule_id, leak.start_line);
    let fp = leak.fingerprint.as_str();
    let ok = match fp.strip_suffix(built.as_str()) {
        Some("") => true,
        Some(commit) => commit
            .strip_suffix(':')
            .is_some_and(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit())),
        None => false,
    };
    pathname::shown_bytes(if ok { fp } else { &built }.as_bytes())
}

/// Whether gitleaks redacted the secret: `REDACTED`, or a kept prefix and `...`.
fn redaction(secret: &str) -> Option<&str> {
    if secret == "REDACTED" {
        Some("")
    } else {
        secret.strip_suffix("...")
    }
}

/// The leakgate findings (indices) that hold the gitleaks finding's secret, or why none does.
fn locate(
    leak: &Leak,
    path: &str,
    findings: &[Finding],
    files: &mut Files,
) -> Result<Vec<usize>, &'static str> {
    let in_file: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].path == path && findings[i].detail.is_none())
        .collect();
    if in_file.is_empty() {
        return Err(if files.base.join(path).exists() {
            "leakgate finds no secret in that file"
        } else {
            "the file does not exist"
        });
    }
    let lo = leak.start_line;
    let hi = leak.end_line.max(lo);
    let near: Vec<usize> = in_file
        .iter()
        .copied()
        .filter(|&i| findings[i].line as i64 <= hi && findings[i].end_line as i64 >= lo)
        .collect();
    if let Some(prefix) = redaction(&leak.secret) {
        let mut at = near;
        if !prefix.is_empty() && at.len() > 1 {
            at.retain(|&i| {
                files
                    .secret_of(&findings[i])
                    .is_some_and(|s| s.starts_with(prefix.as_bytes()))
            });
        }
        if at.len() > 1 {
            at.retain(|&i| findings[i].line as i64 == lo);
        }
        return match at.len() {
            1 => Ok(at),
            0 => Err("leakgate finds no secret on that line"),
            _ => Err("several leakgate findings on that line; a redacted report cannot tell which"),
        };
    }
    let secret = leak.secret.as_bytes();
    let same: Vec<usize> = in_file
        .iter()
        .copied()
        .filter(|&i| {
            finding::fingerprint(&findings[i].rule_id, path, secret) == findings[i].fingerprint
        })
        .collect();
    if !same.is_empty() {
        return Ok(same);
    }
    let overlapping: Vec<usize> = near
        .into_iter()
        .filter(|&i| {
            files
                .secret_of(&findings[i])
                .is_some_and(|s| holds_either(s, secret))
        })
        .collect();
    match overlapping.is_empty() {
        true => Err("no leakgate finding in that file holds that secret"),
        false => Ok(overlapping),
    }
}

/// Whether one secret holds the other, the shorter being long enough not to be chance.
fn holds_either(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= MIN_OVERLAP && memchr::memmem::find(long, short).is_some()
}

/// A file's bytes, its line index and its line count.
struct Text {
    buf: Vec<u8>,
    lines: LineIndex,
    count: usize,
}

/// The scanned files, read once each when a secret has to be compared.
struct Files {
    base: PathBuf,
    read: HashMap<String, Option<Text>>,
}

impl Files {
    fn new(base: &Path) -> Files {
        Files {
            base: base.to_path_buf(),
            read: HashMap::new(),
        }
    }

    /// The bytes of a finding's secret in its file, when the finding is a plain match (not a
    /// decoded one) in a regular file.
    fn secret_of(&mut self, f: &Finding) -> Option<&[u8]> {
        if f.decoded_from.is_some() {
            return None;
        }
        let base = &self.base;
        let text = self
            .read
            .entry(f.path.clone())
            .or_insert_with(|| {
                let p = base.join(&f.path);
                let meta = std::fs::metadata(&p).ok()?;
                if !meta.is_file() || meta.len() > READ_CAP {
                    return None;
                }
                let buf = std::fs::read(&p).ok()?;
                Some(Text::new(buf))
            })
            .as_ref()?;
        let start = text.offset(f.line, f.column)?;
        let end = text.offset(f.end_line, f.end_column)?;
        text.buf.get(start..end)
    }
}

impl Text {
    fn new(buf: Vec<u8>) -> Text {
        let lines = LineIndex::new(&buf);
        let count = memchr::memchr_iter(b'\n', &buf).count() + 1;
        Text { buf, lines, count }
    }

    /// The byte offset of a 1-based (line, column), columns counting characters.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        if line == 0 || column == 0 || line > self.count {
            return None;
        }
        let buf = &self.buf;
        let (mut at, end) = self.lines.bounds(buf, line);
        for _ in 1..column {
            at += 1;
            while at < end && (buf[at] & 0xC0) == 0x80 {
                at += 1;
            }
            if at > end {
                return None;
            }
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_parse_and_errors_quote_nothing() {
        // A value built at run time, so the repository's own scan sees no secret here.
        let value = "q".repeat(3) + "Zx9Kq2Lm7Pw4";
        let leak = |line: &str| {
            format!(r#"[{{"File": "a.md", "StartLine": {line}, "Secret": "{value}", "X": 1}}]"#)
        };
        let leaks = parse(&leak("3")).unwrap();
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].file, "a.md");
        assert_eq!(leaks[0].secret, value);
        assert!(parse("null").unwrap().is_empty());
        let err = parse(&leak(&format!("\"{value}\""))).err().unwrap();
        assert!(!err.contains(&value), "{err}");
        assert!(err.contains("line 1"), "{err}");
        assert!(
            parse(r#"[{"StartLine": 1, "Secret": "x"}]"#).is_err(),
            "File is required"
        );
    }

    #[test]
    fn fingerprints_keep_gitleaks_shape_only() {
        let leak = |fp: &str| Leak {
            rule_id: "aws-access-token".into(),
            file: "docs/a.md".into(),
            start_line: 4,
            end_line: 4,
            fingerprint: fp.into(),
            secret: String::new(),
        };
        let dir = "docs/a.md:aws-access-token:4";
        assert_eq!(shown_fingerprint(&leak(dir)), dir);
        let git = "0f1e2d3c:docs/a.md:aws-access-token:4";
        assert_eq!(shown_fingerprint(&leak(git)), git);
        for odd in ["", "anything else", "x y:docs/a.md:aws-access-token:4"] {
            assert_eq!(shown_fingerprint(&leak(odd)), dir, "{odd}");
        }
    }

    #[test]
    fn redactions() {
        assert_eq!(redaction("REDACTED"), Some(""));
        assert_eq!(redaction("ghp_ab..."), Some("ghp_ab"));
        assert_eq!(redaction("ghp_abcdef"), None);
    }

    #[test]
    fn paths_are_made_relative() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/a.md"), "x").unwrap();
        assert_eq!(
            relative("./docs/a.md", dir.path()).as_deref(),
            Some("docs/a.md")
        );
        assert_eq!(
            relative("docs/a.md", dir.path()).as_deref(),
            Some("docs/a.md")
        );
        let abs = dir.path().join("docs/a.md");
        assert_eq!(
            relative(abs.to_str().unwrap(), dir.path()).as_deref(),
            Some("docs/a.md")
        );
        let other = tempfile::tempdir().unwrap();
        assert_eq!(relative(abs.to_str().unwrap(), other.path()), None);
    }

    #[test]
    fn offsets_count_characters() {
        let text = Text::new("ab\nçd=xyz\n".as_bytes().to_vec());
        assert_eq!(text.offset(1, 1), Some(0));
        assert_eq!(text.offset(2, 4), Some(text.buf.len() - 4));
        assert_eq!(text.offset(2, 7), Some(text.buf.len() - 1));
        assert_eq!(text.offset(2, 8), None);
        assert_eq!(text.offset(9, 1), None);
        assert!(holds_either(b"xx12345678yy", b"12345678"));
        assert!(!holds_either(b"xx1234567yy", b"1234567"));
    }
}
