//! `leakgate baseline`: scan as `leakgate scan` would, then write every current finding (new or
//! already baselined) to the baseline file with the given reason and expiry. Entries that are
//! still current keep their original reason and date; entries that match nothing are dropped.
//!
//! `leakgate baseline --import REPORT` converts a gitleaks JSON report instead
//! (`baseline::gitleaks`): the gitleaks findings leakgate finds again become entries, merged into
//! the baseline file (existing entries are kept as they are); the others are listed by file,
//! line and rule, never with their secret. It exits 0 when the file was written, or 1 with
//! `--strict` when a gitleaks finding could not be re-found or an input could not be read.

use super::{Exit, print};
use crate::baseline::{self, Baseline, gitleaks};
use crate::cli::BaselineArgs;
use crate::config::Config;
use crate::detect::Scanner;
use crate::engine::Pipeline;
use crate::finding::Source;
use crate::pathcheck::PathSecrets;
use crate::report;
use miette::{IntoDiagnostic, miette};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

pub fn run(args: BaselineArgs) -> miette::Result<Exit> {
    if let Some(d) = &args.expires
        && !crate::date::is_date(d)
    {
        return Err(miette!("--expires `{d}` is not a date such as 2026-12-31"));
    }
    if let Some(file) = args.import.clone() {
        return import(args, &file);
    }
    let reason = args.reason.clone().unwrap_or_default();
    if reason.trim().is_empty() {
        return Err(miette!("--reason must say why these findings are accepted"));
    }
    let mut scan = args.scan;
    // Every finding is accepted, listed or not.
    scan.max_findings_per_file.get_or_insert(0);
    scan.baseline = args.output.clone().or(scan.baseline);
    if let Some(p) = &scan.baseline
        && !p.is_file()
    {
        // Nothing to start from: the file is created below.
        scan.baseline = None;
    }
    let run = super::scan::execute(&scan)?;
    if !run.report.errors.is_empty() {
        let list: Vec<String> = run
            .report
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect();
        return Err(miette!(
            "the scan could not read every input, so no baseline was written:\n{}",
            list.join("\n")
        ));
    }
    let out = args.output.clone().unwrap_or(run.baseline_path.clone());
    let today = crate::date::today();
    let b = Baseline::from_findings(
        &run.report.findings,
        run.baseline.as_ref(),
        &reason,
        args.expires.as_deref(),
        &today,
    );
    report::write_atomic(&out, b.render().as_bytes())
        .map_err(|e| miette!("cannot write baseline {}: {e}", out.display()))?;
    print(&format!(
        "leakgate: baseline {} written with {} entr{} ({} new finding{} accepted)\n",
        out.display(),
        b.entries.len(),
        plural_y(b.entries.len()),
        run.report.summary.new,
        plural_s(run.report.summary.new),
    ))
    .into_diagnostic()?;
    Ok(Exit::Pass)
}

/// `baseline --import REPORT`: scans the files the gitleaks report names (or the given PATHs),
/// matches, merges into the baseline file, and lists what could not be re-found.
fn import(args: BaselineArgs, file: &Path) -> miette::Result<Exit> {
    let name = file.display();
    let text = crate::inputfile::read_text(file, crate::inputfile::REPORT_CAP)
        .map_err(|e| miette!("cannot read gitleaks report {name}: {e}"))?;
    let leaks =
        gitleaks::parse(&text).map_err(|e| miette!("{name} is not a gitleaks JSON report: {e}"))?;
    drop(text);
    let base = PathBuf::from(".");
    let strict = args.scan.strict;
    let mut scan = args.scan;
    scan.max_findings_per_file = Some(0);
    let default_paths = scan.paths == [PathBuf::from(".")];
    if default_paths && !scan.git && !scan.staged {
        let named: BTreeSet<String> = leaks
            .iter()
            .filter_map(|l| gitleaks::relative(&l.file, &base))
            .filter(|p| base.join(p).is_file())
            .collect();
        scan.paths = named.into_iter().map(PathBuf::from).collect();
    }
    scan.baseline = args.output.clone().or(scan.baseline);
    if let Some(p) = &scan.baseline
        && !p.is_file()
    {
        scan.baseline = None;
    }
    let today = crate::date::today();
    let (imported, errors, previous, out, pipe) = if scan.paths.is_empty() {
        // No file of the report exists here: nothing can be re-found, nothing to scan.
        let none = gitleaks::import(&leaks, &[], &base, None, None, &today);
        let config = Config::discover(&base, scan.config.as_deref())?;
        let pipe =
            Pipeline::new(Scanner::new(config.rule_pack()?)).with_allow(config.allow.clone());
        (none, 0, None, None, pipe)
    } else {
        let run = super::scan::execute(&scan)?;
        let imported = gitleaks::import(
            &leaks,
            &run.report.findings,
            &base,
            args.reason.as_deref().filter(|r| !r.trim().is_empty()),
            args.expires.as_deref(),
            &today,
        );
        let out = args.output.clone().unwrap_or(run.baseline_path.clone());
        (
            imported,
            run.report.errors.len(),
            run.baseline,
            Some(out),
            run.pipe,
        )
    };

    let mut lines = String::new();
    match (&out, imported.entries.is_empty()) {
        (Some(out), false) => {
            let mut b = previous.unwrap_or_else(|| Baseline {
                schema: baseline::SCHEMA.to_string(),
                entries: Vec::new(),
            });
            let known: HashSet<String> = b.entries.iter().map(|e| e.fingerprint.clone()).collect();
            let fresh: Vec<_> = imported
                .entries
                .into_iter()
                .filter(|e| !known.contains(&e.fingerprint))
                .collect();
            let added = fresh.len();
            b.entries.extend(fresh);
            report::write_atomic(out, b.render().as_bytes())
                .map_err(|e| miette!("cannot write baseline {}: {e}", out.display()))?;
            lines.push_str(&format!(
                "leakgate: baseline {} written with {} entr{} ({} imported from gitleaks)\n",
                out.display(),
                b.entries.len(),
                plural_y(b.entries.len()),
                added,
            ));
        }
        _ => lines.push_str("leakgate: no gitleaks finding was re-found; no baseline written\n"),
    }
    lines.push_str(&format!(
        "leakgate: {} of {} gitleaks finding{} re-found\n",
        imported.matched,
        leaks.len(),
        plural_s(leaks.len()),
    ));
    print(&lines).into_diagnostic()?;

    let mut warn = String::new();
    if !imported.unmatched.is_empty() {
        // A file name may hold a secret: shown masked, as in scan reports.
        let masked = PathSecrets::check(
            &pipe,
            imported.unmatched.iter().map(|u| u.path.as_str()),
            &Source::File,
        );
        warn.push_str(&format!(
            "leakgate: warning: {} gitleaks finding{} could not be re-found (not imported):\n",
            imported.unmatched.len(),
            plural_s(imported.unmatched.len()),
        ));
        for u in &imported.unmatched {
            let path = masked.shown(&u.path);
            warn.push_str(&format!("  {path}:{} ({}): {}\n", u.line, u.rule_id, u.why));
        }
    }
    if errors > 0 {
        warn.push_str(&format!(
            "leakgate: warning: {errors} input{} could not be read (see `leakgate scan`)\n",
            plural_s(errors),
        ));
    }
    if !warn.is_empty() {
        #[allow(clippy::print_stderr)]
        {
            eprint!("{warn}");
        }
    }
    let incomplete = !imported.unmatched.is_empty() || errors > 0;
    Ok(if strict && incomplete {
        Exit::Fail
    } else {
        Exit::Pass
    })
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 { "y" } else { "ies" }
}
