//! `leakgate report summary [REPORT]`: renders a written report (a scan's `latest.json` or a
//! merged report) as Markdown, e.g. into `$GITHUB_STEP_SUMMARY`. Reading a report never changes
//! the verdict, so it exits 0 for a report it can read. A file that is not one (unreadable, not
//! JSON, no known `schema`, no `status` of pass or fail) is an error naming the file (exit 2): a
//! summary that says "unknown" would hide a broken gate. Errors never quote the file's content.
//!
//! `leakgate report schema` prints the report's JSON Schema (`report::schema`).

use super::{Exit, print};
use crate::cli::ReportCommand;
use crate::report::{self, markdown};
use miette::{IntoDiagnostic, miette};
use serde_json::Value;

pub fn run(cmd: ReportCommand) -> miette::Result<Exit> {
    match cmd {
        ReportCommand::Summary { report } => {
            let name = report.display();
            let text = crate::inputfile::read_text(&report, crate::inputfile::REPORT_CAP)
                .map_err(|e| miette!("cannot read report {name}: {e}"))?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| {
                miette!(
                    "{name} is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                )
            })?;
            check(&doc).map_err(|why| miette!("{name} is not a leakgate report: {why}"))?;
            let md = markdown::render(&doc).map_err(|_| {
                miette!("{name} is not a leakgate report: a field has the wrong type")
            })?;
            print(&md).into_diagnostic()?;
            Ok(Exit::Pass)
        }
        ReportCommand::Schema => {
            print(report::schema::JSON).into_diagnostic()?;
            Ok(Exit::Pass)
        }
    }
}

/// Whether `doc` is a report (or a merged report, each of its repositories' reports too) with a
/// verdict; the reason when not, naming fields, never their values.
fn check(doc: &Value) -> Result<(), String> {
    let status = |doc: &Value, at: &str| match doc.get("status").and_then(Value::as_str) {
        Some("pass" | "fail") => Ok(()),
        _ => Err(format!(
            "{at}`status` is missing or not \"pass\" or \"fail\""
        )),
    };
    match doc.get("schema").and_then(Value::as_str) {
        Some(report::SCHEMA) => status(doc, ""),
        Some(report::merge::SCHEMA) => {
            status(doc, "")?;
            let repos = doc
                .get("repos")
                .and_then(Value::as_array)
                .ok_or("`repos` is missing or not a list")?;
            for (i, r) in repos.iter().enumerate() {
                let inner = r.get("report").unwrap_or(&Value::Null);
                if inner.get("schema").and_then(Value::as_str) != Some(report::SCHEMA) {
                    return Err(format!("`repos[{i}].report` has no known `schema`"));
                }
                status(inner, &format!("repos[{i}].report: "))?;
            }
            Ok(())
        }
        _ => Err(format!(
            "`schema` is missing or unknown (expected \"{}\" or \"{}\")",
            report::SCHEMA,
            report::merge::SCHEMA
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use serde_json::json;

    #[test]
    fn only_reports_with_a_schema_and_a_verdict_pass_the_check() {
        let single = json!({"schema": "leakgate/report/v1", "status": "fail"});
        assert!(check(&single).is_ok());
        let merged = json!({"schema": "leakgate/merged-report/v1", "status": "pass",
            "repos": [{"name": "a", "report": single}]});
        assert!(check(&merged).is_ok());
        for bad in [
            json!({}),
            json!([1, 2]),
            json!({"schema": "other", "status": "pass"}),
            json!({"schema": "leakgate/report/v1"}),
            json!({"schema": "leakgate/report/v1", "status": "maybe"}),
            json!({"schema": "leakgate/merged-report/v1", "status": "pass"}),
            json!({"schema": "leakgate/merged-report/v1", "status": "pass",
                "repos": [{"report": {"status": "pass"}}]}),
        ] {
            let why = check(&bad).unwrap_err();
            assert!(!why.contains("maybe") && !why.contains("other"), "{why}");
        }
    }
}
