//! The Markdown summary (`--format markdown`, `leakgate report summary`), written for
//! `$GITHUB_STEP_SUMMARY`: the status, counts by severity and by rule, and a table of the masked
//! findings; for a merged report, one line per repository and then one section each.
//!
//! It reads a report as JSON (the document `latest.json` holds, or a merged report) through a
//! tolerant view, so it renders reports written by other versions too. Table cells are escaped
//! so a path or snippet cannot break the table or inject HTML. Only masked text appears.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Most findings listed per report; the rest are counted.
const MAX_ROWS: usize = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Doc {
    status: String,
    fail_on: String,
    stats: Option<StatsView>,
    summary: SummaryView,
    findings: Vec<FindingView>,
    errors: Vec<ErrorView>,
    unlisted: Vec<UnlistedView>,
    repos: Vec<RepoView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UnlistedView {
    path: String,
    listed: u64,
    not_listed: u64,
    new: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatsView {
    files_scanned: u64,
    bytes_scanned: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SummaryView {
    new: u64,
    baselined: u64,
    suppressed: u64,
    by_rule: BTreeMap<String, u64>,
    by_severity: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FindingView {
    rule_id: String,
    severity: String,
    path: String,
    line: u64,
    masked: String,
    state: String,
    snippet: String,
    parts: Vec<PartView>,
}

/// The other part of a two-part credential, as the report holds it (masked).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PartView {
    name: String,
    line: u64,
    masked: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorView {
    path: String,
    message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RepoView {
    name: String,
    report: Doc,
}

/// Renders a report document (single or merged) as Markdown.
pub fn render(doc: &Value) -> Result<String, String> {
    let doc = Doc::deserialize(doc).map_err(|e| format!("not a leakgate report: {e}"))?;
    let mut out = String::new();
    if doc.repos.is_empty() {
        write_single(&mut out, &doc, "##");
    } else {
        write_merged(&mut out, &doc);
    }
    Ok(out)
}

fn badge(status: &str) -> &'static str {
    match status {
        "pass" => "✅ pass",
        "fail" => "❌ fail",
        _ => "❔ unknown",
    }
}

fn write_single(out: &mut String, doc: &Doc, h: &str) {
    let s = &doc.summary;
    let _ = writeln!(out, "{h} leakgate: {}\n", badge(&doc.status));
    let scanned = doc.stats.as_ref().map_or(String::new(), |st| {
        format!(
            "{} files ({}) scanned · ",
            st.files_scanned,
            super::human::human_bytes(st.bytes_scanned)
        )
    });
    let _ = writeln!(
        out,
        "{scanned}**{}** new · {} baselined · {} suppressed · {} errors · fails on **{}** and above\n",
        s.new,
        s.baselined,
        s.suppressed,
        doc.errors.len(),
        cell(&doc.fail_on)
    );
    if s.new > 0 {
        let order = ["critical", "high", "medium", "low"];
        let sev: Vec<String> = order
            .iter()
            .map(|k| format!("{k} {}", s.by_severity.get(*k).copied().unwrap_or(0)))
            .collect();
        let _ = writeln!(out, "New findings by severity: {}\n", sev.join(" · "));
        let _ = writeln!(out, "| rule | new findings |\n|---|---:|");
        for (rule, n) in &s.by_rule {
            let _ = writeln!(out, "| `{}` | {n} |", code(rule));
        }
        out.push('\n');
    }
    if !doc.findings.is_empty() {
        let _ = writeln!(
            out,
            "| state | severity | rule | location | secret | line (masked) |\n|---|---|---|---|---|---|"
        );
        for f in doc.findings.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | `{}:{}` | `{}` | <code>{}</code> |",
                cell(&f.state),
                cell(&f.severity),
                code(&f.rule_id),
                code(&f.path),
                f.line,
                code(&secret_cell(f)),
                html(&f.snippet)
            );
        }
        if doc.findings.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "\n…and {} more findings in the report.",
                doc.findings.len() - MAX_ROWS
            );
        }
        out.push('\n');
    }
    if !doc.unlisted.is_empty() {
        let _ = writeln!(
            out,
            "Files with more findings than the report lists (all are counted above):\n"
        );
        for u in &doc.unlisted {
            let _ = writeln!(
                out,
                "- `{}`: {} listed, {} more not listed ({} new)",
                code(&u.path),
                u.listed,
                u.not_listed,
                u.new
            );
        }
        out.push('\n');
    }
    if !doc.errors.is_empty() {
        let _ = writeln!(
            out,
            "Inputs that could not be scanned (they fail the gate):\n"
        );
        for e in &doc.errors {
            let _ = writeln!(out, "- `{}`: {}", code(&e.path), cell(&e.message));
        }
        out.push('\n');
    }
}

fn write_merged(out: &mut String, doc: &Doc) {
    let failed = doc
        .repos
        .iter()
        .filter(|r| r.report.status != "pass")
        .count();
    let _ = writeln!(out, "## leakgate org audit: {}\n", badge(&doc.status));
    let _ = writeln!(
        out,
        "{} repositories, {failed} failing · **{}** new findings · {} baselined · {} suppressed\n",
        doc.repos.len(),
        doc.summary.new,
        doc.summary.baselined,
        doc.summary.suppressed
    );
    let _ = writeln!(
        out,
        "| repository | status | new | baselined | suppressed | errors |\n|---|---|---:|---:|---:|---:|"
    );
    for r in &doc.repos {
        let s = &r.report.summary;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&r.name),
            badge(&r.report.status),
            s.new,
            s.baselined,
            s.suppressed,
            r.report.errors.len()
        );
    }
    out.push('\n');
    for r in &doc.repos {
        let _ = writeln!(out, "<details><summary>{}</summary>\n", html(&r.name));
        write_single(out, &r.report, "###");
        let _ = writeln!(out, "</details>\n");
    }
}

/// Text for a table cell: no line breaks, no column separators, no HTML.
fn cell(s: &str) -> String {
    html(s)
}

/// Text inside backticks in a table cell: backticks would end the span, so they become quotes.
fn code(s: &str) -> String {
    s.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// HTML-escaped text for a table cell (`|` as an entity so it cannot split the row).
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The masked secret, then each other part of a two-part credential with its line.
fn secret_cell(f: &FindingView) -> String {
    let mut cell = f.masked.clone();
    for p in &f.parts {
        cell.push_str(&format!(" + {} {} (line {})", p.name, p.masked, p.line));
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(html("a|b<i>\n"), "a&#124;b&lt;i&gt; ");
        assert_eq!(code("x`|y"), "x'\\|y");
    }

    #[test]
    fn renders_counts_and_masked_findings() {
        let doc = json!({
            "schema": "leakgate/report/v1", "status": "fail", "fail_on": "low", "root": ".",
            "summary": {"new": 1, "baselined": 0, "suppressed": 0,
                        "by_rule": {"github-classic-pat": 1},
                        "by_severity": {"low": 0, "medium": 0, "high": 1, "critical": 0}},
            "findings": [{"rule_id": "github-classic-pat", "severity": "high", "path": "docs/a|b.md",
                          "line": 3, "masked": "****WXYZ", "state": "new",
                          "snippet": "token = ****WXYZ"}],
            "errors": []
        });
        let md = render(&doc).unwrap();
        assert!(md.contains("❌ fail"), "{md}");
        assert!(md.contains("high 1"), "{md}");
        assert!(md.contains("| `github-classic-pat` | 1 |"), "{md}");
        assert!(md.contains("`docs/a\\|b.md:3`"), "{md}");
        assert!(md.contains("****WXYZ"), "{md}");
    }
}
