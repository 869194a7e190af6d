//! `leakgate merge`: joins the reports of many repositories (one CI job each) into one document
//! with a section per repository and an overall status that fails when any repository fails.
//!
//! Each input report is kept whole (as JSON) under its repository's name, so nothing a scan
//! recorded is lost, and counts are summed across repositories. Inputs are reports, which hold
//! masked findings only; nothing here sees a secret.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The schema id of a merged report.
pub const SCHEMA: &str = "leakgate/merged-report/v1";

/// One input: a repository name and its parsed `latest.json`.
pub struct Input {
    pub name: String,
    pub source: String,
    pub report: Value,
}

/// Merges the inputs in the order given. Errors name the input that is not a leakgate report or
/// a repository named twice.
pub fn merge(inputs: Vec<Input>) -> Result<Value, String> {
    let mut repos = Vec::new();
    let mut seen = BTreeMap::new();
    let (mut new, mut baselined, mut suppressed, mut errors, mut failed) = (0, 0, 0, 0, 0);
    let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
    for input in inputs {
        let r = &input.report;
        if r["schema"] != super::SCHEMA {
            return Err(format!(
                "{}: not a leakgate report (schema {}, expected {})",
                input.source,
                r["schema"],
                super::SCHEMA
            ));
        }
        let status = match r["status"].as_str() {
            Some(s @ ("pass" | "fail")) => s,
            _ => return Err(format!("{}: report has no pass/fail status", input.source)),
        };
        if let Some(first) = seen.insert(input.name.clone(), input.source.clone()) {
            return Err(format!(
                "repository name `{}` is used twice ({first} and {}); name them with NAME=PATH",
                input.name, input.source
            ));
        }
        if status == "fail" {
            failed += 1;
        }
        let s = &r["summary"];
        let count = |v: &Value| v.as_u64().unwrap_or(0);
        new += count(&s["new"]);
        baselined += count(&s["baselined"]);
        suppressed += count(&s["suppressed"]);
        errors += r["errors"].as_array().map_or(0, |a| a.len() as u64);
        for (key, into) in [("by_rule", &mut by_rule), ("by_severity", &mut by_severity)] {
            if let Some(m) = s[key].as_object() {
                for (k, v) in m {
                    *into.entry(k.clone()).or_default() += count(v);
                }
            }
        }
        repos.push(json!({
            "name": input.name,
            "source": input.source,
            "status": status,
            "report": input.report,
        }));
    }
    Ok(json!({
        "schema": SCHEMA,
        "tool": {"name": "leakgate", "version": env!("CARGO_PKG_VERSION")},
        "generated_at": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "status": if failed > 0 { "fail" } else { "pass" },
        "summary": {
            "repos": repos.len(),
            "failed": failed,
            "new": new,
            "baselined": baselined,
            "suppressed": suppressed,
            "errors": errors,
            "by_rule": by_rule,
            "by_severity": by_severity,
        },
        "repos": repos,
    }))
}

/// The repository name for `NAME=PATH` or `PATH`. A report named `latest.json` is named after
/// the directory holding it (the artifact directory in a CI matrix), looking past `security/`
/// and `reports/`; any other file after its stem (`api.json` → `api`).
pub fn parse_arg(arg: &str) -> (String, String) {
    if let Some((name, path)) = arg.split_once('=')
        && !name.is_empty()
        && !name.contains('/')
    {
        return (name.to_string(), path.to_string());
    }
    let path = std::path::Path::new(arg);
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| arg.to_string());
    if stem != "latest" {
        return (stem, arg.to_string());
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let name = abs
        .ancestors()
        .skip(1)
        .filter_map(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .find(|n| n != "security" && n != "reports")
        .unwrap_or(stem);
    (name, arg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: &str, new: u64) -> Value {
        json!({"schema": super::super::SCHEMA, "status": status,
               "summary": {"new": new, "baselined": 1, "suppressed": 0,
                           "by_rule": {"r": new}, "by_severity": {"high": new}},
               "findings": [], "errors": []})
    }

    fn input(name: &str, status: &str, new: u64) -> Input {
        Input {
            name: name.into(),
            source: format!("{name}/latest.json"),
            report: report(status, new),
        }
    }

    #[test]
    fn any_failing_repository_fails_the_merge() {
        let m = merge(vec![input("a", "pass", 0), input("b", "fail", 2)]).unwrap();
        assert_eq!(m["status"], "fail");
        assert_eq!(m["summary"]["repos"], 2);
        assert_eq!(m["summary"]["failed"], 1);
        assert_eq!(m["summary"]["new"], 2);
        assert_eq!(m["summary"]["baselined"], 2);
        assert_eq!(m["summary"]["by_severity"]["high"], 2);
        assert_eq!(m["repos"][1]["name"], "b");
        let m = merge(vec![input("a", "pass", 0)]).unwrap();
        assert_eq!(m["status"], "pass");
    }

    #[test]
    fn bad_inputs_are_named() {
        let mut bad = input("x", "pass", 0);
        bad.report["schema"] = "other".into();
        assert!(merge(vec![bad]).unwrap_err().contains("x/latest.json"));
        let err = merge(vec![input("a", "pass", 0), input("a", "pass", 0)]).unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }

    #[test]
    fn names_come_from_the_artifact_directory() {
        assert_eq!(parse_arg("api=r/latest.json").0, "api");
        assert_eq!(parse_arg("reports/web/latest.json").0, "web");
        assert_eq!(parse_arg("web/reports/security/latest.json").0, "web");
        assert_eq!(parse_arg("api.json").0, "api");
    }
}
