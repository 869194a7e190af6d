//! `leakgate merge REPORT ... [--output FILE]`: reads each repository's `latest.json`, joins them
//! (`report::merge`) and writes the merged report. The exit code is the merged verdict: 1 when
//! any repository failed, so a fan-in CI job gates on it directly.

use super::{Exit, print};
use crate::cli::MergeArgs;
use crate::report::{self, merge};
use miette::{IntoDiagnostic, miette};

pub fn run(args: MergeArgs) -> miette::Result<Exit> {
    let mut inputs = Vec::new();
    for arg in &args.reports {
        let (name, source) = merge::parse_arg(arg);
        let text = crate::inputfile::read_text(
            std::path::Path::new(&source),
            crate::inputfile::REPORT_CAP,
        )
        .map_err(|e| miette!("cannot read report {source}: {e}"))?;
        let report =
            serde_json::from_str(&text).map_err(|e| miette!("{source} is not valid JSON: {e}"))?;
        inputs.push(merge::Input {
            name,
            source,
            report,
        });
    }
    let merged = merge::merge(inputs).map_err(|e| miette!("{e}"))?;
    let mut text = serde_json::to_string_pretty(&merged).into_diagnostic()?;
    text.push('\n');
    match &args.output {
        Some(path) => report::write_atomic(path, text.as_bytes())
            .map_err(|e| miette!("cannot write {}: {e}", path.display()))?,
        None => print(&text).into_diagnostic()?,
    }
    Ok(match merged["status"].as_str() {
        Some("pass") => Exit::Pass,
        _ => Exit::Fail,
    })
}
