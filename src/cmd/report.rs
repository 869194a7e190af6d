//! `leakgate report summary [REPORT]`: renders a written report (a scan's `latest.json` or a
//! merged report) as Markdown, e.g. into `$GITHUB_STEP_SUMMARY`. Reading a report never changes
//! the verdict, so it exits 0 unless the file cannot be read.

use super::{Exit, print};
use crate::cli::ReportCommand;
use crate::report::markdown;
use miette::{IntoDiagnostic, miette};

pub fn run(cmd: ReportCommand) -> miette::Result<Exit> {
    match cmd {
        ReportCommand::Summary { report } => {
            let text = std::fs::read_to_string(&report)
                .map_err(|e| miette!("cannot read report {}: {e}", report.display()))?;
            let doc: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| miette!("{} is not valid JSON: {e}", report.display()))?;
            let md = markdown::render(&doc).map_err(|e| miette!("{}: {e}", report.display()))?;
            print(&md).into_diagnostic()?;
            Ok(Exit::Pass)
        }
    }
}
