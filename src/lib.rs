//! leakgate: a secrets-hygiene scanner and release gate.
//!
//! The pipeline (ARCHITECTURE.md, "Pipeline") flows one way: `source` (which files) → `engine`
//! (reads them) → `detect` (keyword prefilter, rule regexes, validators) → `filter` (not-a-leak
//! decisions) → `finding` (dedup, locate, fingerprint, mask) → `report` (JSON, SARIF, human). Only
//! `detect`, `filter` and `finding` ever touch secret bytes; everything after `finding` is masked.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod classify;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod date;
pub mod decode;
pub mod detect;
pub mod diag;
pub mod engine;
pub mod filter;
pub mod finding;
pub mod glob;
pub mod hygiene;
pub mod inputfile;
pub mod known;
pub mod listing;
pub mod mask;
pub mod pathcheck;
pub mod pathname;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rulecheck;
pub mod rules;
pub mod snippet;
pub mod source;
pub mod syntax;
pub mod text;

pub use cmd::Exit;

/// Runs a parsed command line. `Err` is a usage, config or rule error (exit code 2).
pub fn run(cli: cli::Cli) -> miette::Result<Exit> {
    match cli.command {
        cli::Command::Scan(args) => cmd::scan::run(args),
        cli::Command::Rules(cmd) => cmd::rules::run(cmd),
        cli::Command::Baseline(args) => cmd::baseline::run(args),
        cli::Command::Merge(args) => cmd::merge::run(args),
        cli::Command::Report(cmd) => cmd::report::run(cmd),
        cli::Command::Redact(args) => cmd::redact::run(args),
        cli::Command::Completions { shell } => cmd::completions::run(shell),
        cli::Command::Man { dir } => cmd::man::run(dir.as_deref()),
    }
}
