//! SARIF 2.1.0 for GitHub code scanning: one `rules` entry per rule id that has results, `level`
//! from severity, `partialFingerprints` {"leakgate/v1": fingerprint}, masked snippets only, and
//! `suppressions` for baselined and inline-allowed results. Hand-written serde structs for exactly
//! the subset we emit, held to the official SARIF 2.1.0 schema by `tests/it/sarif_schema.rs`.
//! (`serde-sarif` was considered: it generates every SARIF type at build time from the schema and
//! brings builder and enum proc macros, for the dozen objects we write.)

use super::Report;
use crate::finding::{Source, State};
use crate::rules::{Rule, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: ToolComponent<'a>,
    automation_details: AutomationDetails,
    column_kind: &'static str,
    original_uri_base_ids: BTreeMap<&'static str, UriBase>,
    results: Vec<SarifResult<'a>>,
    invocations: Vec<Invocation>,
}

#[derive(Serialize)]
struct UriBase {
    description: Text,
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    /// The package's repository (Cargo.toml), left out while it has none.
    #[serde(skip_serializing_if = "str::is_empty")]
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    /// The other parts of a two-part credential (`Finding::parts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

/// For findings from the git history: the commit that introduced the secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    commit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit_date: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    physical_location: PhysicalLocation<'a>,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet<'a>>,
}

#[derive(Serialize)]
struct Snippet<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPhysical {
    artifact_location: ArtifactLocation,
}

/// SARIF level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Low => "note",
        Severity::Medium => "warning",
        Severity::High | Severity::Critical => "error",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Low => "3.0",
        Severity::Medium => "5.5",
        Severity::High => "8.0",
        Severity::Critical => "9.5",
    }
}

/// Renders the report as a SARIF log. `rules` supplies help texts for the rules with results.
pub fn render(report: &Report, rules: &[Rule]) -> String {
    let mut descriptors: Vec<ReportingDescriptor> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let rule = rules.iter().find(|r| r.id == id);
        let title = report
            .findings
            .iter()
            .find(|f| f.rule_id == id)
            .map(|f| f.title.clone())
            .unwrap_or_default();
        let severity = rule.map_or(Severity::High, |r| r.severity);
        let remediation = rule
            .and_then(|r| r.remediation.clone())
            .unwrap_or_else(|| "Revoke the credential at its provider, rotate it, and remove it from the file and its history.".into());
        let references: Vec<&str> = rule.map_or(Vec::new(), |r| {
            r.references.iter().map(String::as_str).collect()
        });
        let mut markdown = format!("**{title}**\n\n{remediation}\n");
        for r in &references {
            markdown.push_str(&format!("\n- <{r}>"));
        }
        index.insert(id, descriptors.len());
        descriptors.push(ReportingDescriptor {
            id,
            name: camel(id),
            short_description: Text {
                text: title.clone(),
            },
            full_description: Text {
                text: format!("{title}: a credential committed to a file. {remediation}"),
            },
            help: Help {
                text: remediation,
                markdown,
            },
            default_configuration: Configuration {
                level: level(severity),
            },
            help_uri: references.first().copied(),
            properties: RuleProperties {
                tags: vec!["security", "secret"],
                precision: "high",
                security_severity: security_severity(severity),
            },
        });
    }
    let results = report
        .findings
        .iter()
        .map(|f| {
            let suppressions = match f.state {
                State::New | State::Dropped => Vec::new(),
                State::Baselined => vec![Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: f
                        .suppression_reason
                        .clone()
                        .unwrap_or_else(|| "in the leakgate baseline".into()),
                }],
                State::Suppressed => vec![Suppression {
                    kind: "inSource",
                    status: "accepted",
                    justification: f.suppression_reason.clone().unwrap_or_default(),
                }],
            };
            SarifResult {
                rule_id: &f.rule_id,
                rule_index: index[f.rule_id.as_str()],
                level: level(f.severity),
                message: Text {
                    text: format!(
                        "{} ({}){}",
                        f.title,
                        match &f.detail {
                            Some(detail) => detail.clone(),
                            None => format!(
                                "{} characters, masked {}{}",
                                f.secret_len,
                                f.masked,
                                f.parts_text()
                            ),
                        },
                        match &f.source {
                            Source::Commit { id, .. } => format!(" in commit {id}"),
                            _ => String::new(),
                        }
                    ),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&f.path),
                        region: Region {
                            start_line: f.line,
                            start_column: f.column,
                            end_line: f.end_line,
                            end_column: f.end_column,
                            snippet: Some(Snippet { text: &f.snippet }),
                        },
                    },
                }],
                related_locations: f
                    .parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| RelatedLocation {
                        id: i + 1,
                        physical_location: PhysicalLocation {
                            artifact_location: artifact(&f.path),
                            region: Region {
                                start_line: p.line,
                                start_column: p.column,
                                end_line: p.end_line,
                                end_column: p.end_column,
                                snippet: None,
                            },
                        },
                        message: Text {
                            text: format!("{} {}", p.name, p.masked),
                        },
                    })
                    .collect(),
                partial_fingerprints: BTreeMap::from([("leakgate/v1", f.fingerprint.as_str())]),
                suppressions,
                properties: match &f.source {
                    Source::Commit { id, date } => Some(ResultProperties {
                        commit: id,
                        commit_date: date.as_deref(),
                    }),
                    _ => None,
                },
            }
        })
        .collect();
    let notification = |level, path: &str, text: String| Notification {
        level,
        message: Text { text },
        locations: vec![NotificationLocation {
            physical_location: NotificationPhysical {
                artifact_location: artifact(path),
            },
        }],
    };
    let notifications = report
        .errors
        .iter()
        .map(|e| notification("error", &e.path, format!("{}: {}", e.path, e.message)))
        .chain(
            report
                .unlisted
                .iter()
                .map(|u| notification("warning", &u.path, format!("{}: {}", u.path, u.message()))),
        )
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: ToolComponent {
                driver: Driver {
                    name: "leakgate",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: descriptors,
                },
            },
            automation_details: AutomationDetails {
                id: format!(
                    "leakgate/{}/",
                    report.root.trim_matches('/').replace(['.', ' '], "")
                ),
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: BTreeMap::from([(
                "%SRCROOT%",
                UriBase {
                    description: Text {
                        text: "The scan root".into(),
                    },
                },
            )]),
            results,
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    s.push('\n');
    s
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri_encode(path),
        uri_base_id: "%SRCROOT%",
    }
}

/// Percent-encodes the characters a relative URI reference cannot hold.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'@'
            | b'+'
            | b'='
            | b','
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b';'
            | b':' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `github-classic-pat` → `GithubClassicPat`.
fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_encode("docs/a b#1.md"), "docs/a%20b%231.md");
        assert_eq!(uri_encode("ü.md"), "%C3%BC.md");
    }

    #[test]
    fn names_are_camel_case() {
        assert_eq!(camel("github-classic-pat"), "GithubClassicPat");
    }
}
