//! JSON Lines (`--format jsonl`): one object per finding (then per dropped candidate, when
//! explained), then one per error, one per file with findings not listed (`unlisted`), then one
//! summary object, each tagged with `kind`. Suits log pipelines that ingest a line at a time.

use super::Report;
use serde_json::json;

/// One JSON object per finding, then one per error and per file not listed whole, then a
/// summary object.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (kind, f) in report
        .findings
        .iter()
        .map(|f| ("finding", f))
        .chain(report.dropped.iter().map(|f| ("dropped", f)))
    {
        let mut v = serde_json::to_value(f).expect("finding serializes");
        v["kind"] = json!(kind);
        out.push_str(&v.to_string());
        out.push('\n');
    }
    for e in &report.errors {
        let line = json!({"kind": "error", "path": e.path, "message": e.message});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    for u in &report.unlisted {
        let mut v = serde_json::to_value(u).expect("counts serialize");
        v["kind"] = json!("unlisted");
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let summary = json!({
        "kind": "summary",
        "status": report.status,
        "fail_on": report.fail_on,
        "stats": report.stats,
        "summary": report.summary,
        "rules": report.rules,
        "baseline": report.baseline,
    });
    out.push_str(&summary.to_string());
    out.push('\n');
    out
}
