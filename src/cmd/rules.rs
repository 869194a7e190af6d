//! `leakgate rules list | explain ID | check [FILE ...]`.

use super::{Exit, print};
use crate::cli::{ListFormat, RulesCommand};
use crate::config::Config;
use crate::detect::{Scanner, Scratch};
use crate::engine::{Pipeline, scan_bytes};
use crate::finding::Source;
use crate::rulecheck as check;
use crate::rules::{BUILTIN_RULE_FILES, PackBuilder};
use miette::{IntoDiagnostic, miette};
use serde_json::json;
use std::path::Path;

pub fn run(cmd: RulesCommand) -> miette::Result<Exit> {
    match cmd {
        RulesCommand::List { format, config } => list(format, config.as_deref()),
        RulesCommand::Explain { id } => explain(&id),
        RulesCommand::Check { files, format } => check_files(&files, format),
    }
}

fn list(format: ListFormat, config: Option<&Path>) -> miette::Result<Exit> {
    let config = Config::discover(&project_root()?, config)?;
    let mut pack = config.rule_pack()?;
    pack.rules.extend(config.hygiene_rules());
    let text = match format {
        ListFormat::Json => {
            let rules: Vec<_> = pack
                .rules
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "title": r.title,
                        "severity": r.severity,
                        "keywords": r.keywords,
                        "generic": r.generic,
                        "category": r.category,
                        "confidence": r.confidence,
                        "tags": r.tags,
                        "origin": r.origin,
                        "references": r.references,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&json!({
                "count": pack.rules.len(),
                "pack_digest": pack.digest,
                "rules": rules,
            }))
            .into_diagnostic()?;
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let width = pack.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let cat = |r: &crate::rules::Rule| r.category.clone().unwrap_or_else(|| "-".into());
            let cwidth = pack.rules.iter().map(|r| cat(r).len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in &pack.rules {
                s.push_str(&format!(
                    "{:<width$}  {:<8}  {:<cwidth$}  {:<6}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    cat(r),
                    r.confidence.as_str(),
                    r.title
                ));
            }
            s.push_str(&format!("{} rules ({})\n", pack.rules.len(), pack.digest));
            s
        }
    };
    print(&text).into_diagnostic()?;
    Ok(Exit::Pass)
}

/// The project root of the current directory, where `scan` would find `.leakgate.toml`.
fn project_root() -> miette::Result<std::path::PathBuf> {
    crate::source::root::Root::discover(Path::new("."))
        .map(|r| r.dir)
        .map_err(|e| miette!("cannot find the project root: {e}"))
}

fn explain(id: &str) -> miette::Result<Exit> {
    let config = Config::discover(&project_root()?, None)?;
    let mut scanner = Scanner::new(config.rule_pack()?);
    scanner.pack.rules.extend(config.hygiene_rules());
    let pipe = Pipeline::new(scanner);
    let Some(index) = pipe.rules().iter().position(|r| r.id == id) else {
        return Err(miette!("no rule `{id}` (see `leakgate rules list`)"));
    };
    let rule = &pipe.rules()[index];
    let mut s = format!("{} ({})\n  {}\n", rule.id, rule.severity, rule.title);
    if let Some(what) = crate::hygiene::describe(&rule.id) {
        s.push_str(&format!("  Hygiene check (not a pattern): {what}\n"));
    }
    if rule.generic {
        s.push_str("  Generic rule: finds values by the name they are assigned to, when they look random.\n");
    }
    if !rule.keywords.is_empty() {
        s.push_str(&format!("  Keywords: {}\n", rule.keywords.join(", ")));
    }
    let mut scratch = Scratch::default();
    let mut candidates = Vec::new();
    let example = rule.examples.iter().find_map(|ex| {
        scan_bytes(
            &pipe,
            "rule-probe.txt",
            &Source::File,
            ex.as_bytes(),
            &mut scratch,
            &mut candidates,
        )
        .into_iter()
        .find(|f| f.rule_id == rule.id)
    });
    if let Some(f) = example {
        s.push_str(&format!("\nExample (masked):\n  {}\n", f.snippet));
    }
    s.push_str("\nWhat to do:\n  ");
    s.push_str(rule.remediation.as_deref().unwrap_or(
        "Revoke the credential at its provider, issue a new one, update where it is used, and remove it from the file (and its history if committed).",
    ));
    s.push('\n');
    if !rule.references.is_empty() {
        s.push_str("\nReferences:\n");
        for r in &rule.references {
            s.push_str(&format!("  {r}\n"));
        }
    }
    print(&s).into_diagnostic()?;
    Ok(Exit::Pass)
}

fn check_files(files: &[std::path::PathBuf], format: ListFormat) -> miette::Result<Exit> {
    let mut builder = PackBuilder::default();
    builder.add_files(BUILTIN_RULE_FILES);
    let mut texts = Vec::new();
    for f in files {
        let text = crate::inputfile::read_text(f, crate::inputfile::CONFIG_CAP)
            .map_err(|e| miette!("cannot read rule file {}: {e}", f.display()))?;
        texts.push((f.display().to_string(), text));
    }
    let named: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    builder.add_files(&named);
    let pack = builder.finish()?;
    let count_checked;
    let problems = {
        let pipe = Pipeline::new(Scanner::new(pack));
        let which =
            |r: &crate::rules::Rule| texts.is_empty() || texts.iter().any(|(n, _)| *n == r.origin);
        count_checked = pipe.rules().iter().filter(|r| which(r)).count();
        check::check(&pipe, which)
    };
    let text = match format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json!({
                "rules_checked": count_checked,
                "problems": problems,
            }))
            .into_diagnostic()?;
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let mut s = String::new();
            for p in &problems {
                s.push_str(&format!(
                    "{}: rule `{}` {}\n",
                    p.origin, p.rule_id, p.message
                ));
            }
            s.push_str(&format!(
                "{count_checked} rules checked, {} problem{}\n",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ));
            s
        }
    };
    print(&text).into_diagnostic()?;
    Ok(if problems.is_empty() {
        Exit::Pass
    } else {
        Exit::Fail
    })
}
