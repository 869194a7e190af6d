//! The human view: each finding as a miette code frame of its masked source line, then errors,
//! then a one-line summary. The frame's source is the finding's snippet, which `finding` built
//! with every secret on the line already replaced by its mask.

use super::{Report, Status};
use crate::finding::{Finding, Source, State};
use crate::rules::Rule;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Options for the human view.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Also list suppressed, baselined and dropped candidates with their reasons.
    pub explain: bool,
}

/// Renders the whole report.
pub fn render(report: &Report, rules: &[Rule], opts: HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(opts.width);
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.state == State::New) {
        let remediation = rules
            .iter()
            .find(|r| r.id == f.rule_id)
            .and_then(|r| r.remediation.as_deref());
        let diag = FindingDiagnostic {
            finding: f,
            remediation,
            source: Frame {
                name: match &f.source {
                    Source::Commit { id, .. } => {
                        format!("{} @ {}", f.path, &id[..id.len().min(12)])
                    }
                    _ => f.path.clone(),
                },
                text: f.snippet.clone(),
                line: f.line,
            },
        };
        let _ = handler.render_report(&mut out, &diag);
    }
    if opts.explain {
        let accepted = report.findings.iter().filter(|f| f.state != State::New);
        let mut lines: Vec<String> = accepted.chain(&report.dropped).map(explain_line).collect();
        lines.sort();
        for l in lines {
            out.push_str(&l);
        }
    }
    if let Some(b) = &report.baseline {
        for e in &b.stale {
            out.push_str(&format!(
                "warning: baseline entry {} ({} in {}) matches nothing any more: remove it\n",
                e.fingerprint, e.rule_id, e.path
            ));
        }
        for e in &b.expired {
            out.push_str(&format!(
                "warning: baseline entry {} ({} in {}) expired on {}: its findings count as new\n",
                e.fingerprint,
                e.rule_id,
                e.path,
                e.expires.as_deref().unwrap_or("?")
            ));
        }
    }
    for u in &report.unlisted {
        out.push_str(&format!(
            "note: {}: {}\n",
            display_path(&u.path),
            u.message()
        ));
    }
    for e in &report.errors {
        out.push_str(&format!(
            "error: {}: {}\n",
            display_path(&e.path),
            e.message
        ));
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// `suppressed path:3:7 rule-id ****ABCD: reason`, one line per accepted or dropped candidate.
fn explain_line(f: &Finding) -> String {
    let state = match f.state {
        State::New => "new",
        State::Baselined => "baselined",
        State::Suppressed => "suppressed",
        State::Dropped => "dropped",
    };
    format!(
        "{state:<10} {}:{}:{} {} {}: {}\n",
        f.path,
        f.line,
        f.column,
        f.rule_id,
        f.masked,
        f.suppression_reason.as_deref().unwrap_or("")
    )
}

fn display_path(p: &str) -> &str {
    if p.is_empty() { "(scan root)" } else { p }
}

/// `leakgate: 12 files (34.5 KiB) scanned, 3 findings (2 new, 1 suppressed), 0 errors: fail`
pub fn summary_line(r: &Report) -> String {
    let s = &r.summary;
    let total = s.new + s.baselined + s.suppressed;
    let mut parts = vec![format!("{} new", s.new)];
    if s.baselined > 0 {
        parts.push(format!("{} baselined", s.baselined));
    }
    if s.suppressed > 0 {
        parts.push(format!("{} suppressed", s.suppressed));
    }
    let status = match r.status {
        Status::Pass => "pass",
        Status::Fail => "FAIL",
    };
    format!(
        "leakgate: {} files ({}) scanned, {} binary skipped, {} finding{} ({}), {} error{}; status: {}",
        r.stats.files_scanned,
        human_bytes(r.stats.bytes_scanned),
        r.stats.skipped.binary,
        total,
        if total == 1 { "" } else { "s" },
        parts.join(", "),
        r.errors.len(),
        if r.errors.len() == 1 { "" } else { "s" },
        status
    )
}

/// `1.5 KiB`, `3.2 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    remediation: Option<&'a str>,
    source: Frame,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule_id)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fi = self.finding;
        write!(f, "{} ({})", fi.title, fi.severity)?;
        match fi.state {
            State::New => Ok(()),
            State::Baselined => write!(f, " [baselined]"),
            State::Suppressed => write!(f, " [suppressed]"),
            State::Dropped => write!(f, " [dropped]"),
        }
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.rule_id))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.state {
            State::New => miette::Severity::Error,
            _ => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let f = self.finding;
        let mut text = String::new();
        if let Some(reason) = &f.suppression_reason {
            text.push_str(reason);
            text.push('\n');
        }
        for p in &f.parts {
            text.push_str(&format!(
                "found with its {} {} at line {}, column {}\n",
                p.name, p.masked, p.line, p.column
            ));
        }
        if let Some(r) = self.remediation {
            text.push_str(r);
            text.push('\n');
        }
        text.push_str(&format!("fingerprint {}", f.fingerprint));
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let span: SourceSpan = (f.snippet_mask.start, f.snippet_mask.len()).into();
        let label = match &f.detail {
            Some(detail) => detail.clone(),
            None => format!("secret of {} characters, masked", f.secret_len),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            span,
        ))))
    }
}

/// A one-line source whose line number is the finding's line in the file.
struct Frame {
    name: String,
    text: String,
    line: usize,
}

impl SourceCode for Frame {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span.offset().min(self.text.len());
        let column = self.text.get(..offset).map_or(0, |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            (0, self.text.len()).into(),
            self.line.saturating_sub(1),
            column,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }
}
