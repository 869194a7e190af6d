//! `leakgate baseline`: scan as `leakgate scan` would, then write every current finding (new or
//! already baselined) to the baseline file with the given reason and expiry. Entries that are
//! still current keep their original reason and date; entries that match nothing are dropped.

use super::{Exit, print};
use crate::baseline::{self, Baseline};
use crate::cli::BaselineArgs;
use crate::report;
use miette::{IntoDiagnostic, miette};

pub fn run(args: BaselineArgs) -> miette::Result<Exit> {
    if let Some(d) = &args.expires
        && !baseline::is_date(d)
    {
        return Err(miette!("--expires `{d}` is not a date such as 2026-12-31"));
    }
    if args.reason.trim().is_empty() {
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
    let today = baseline::today();
    let b = Baseline::from_findings(
        &run.report.findings,
        run.baseline.as_ref(),
        &args.reason,
        args.expires.as_deref(),
        &today,
    );
    report::write_atomic(&out, b.render().as_bytes())
        .map_err(|e| miette!("cannot write baseline {}: {e}", out.display()))?;
    print(&format!(
        "leakgate: baseline {} written with {} entr{} ({} new finding{} accepted)\n",
        out.display(),
        b.entries.len(),
        if b.entries.len() == 1 { "y" } else { "ies" },
        run.report.summary.new,
        if run.report.summary.new == 1 { "" } else { "s" },
    ))
    .into_diagnostic()?;
    Ok(Exit::Pass)
}
