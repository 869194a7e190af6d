//! The `leakgate` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = leakgate::cli::Cli::parse();
    match leakgate::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(report) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{report:?}");
            }
            ExitCode::from(leakgate::Exit::Error as u8)
        }
    }
}
