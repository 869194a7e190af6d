//! `leakgate man`: the roff man page generated from the clap definition of the command line
//! (src/cli.rs): `leakgate(1)` on stdout, or with `--dir DIR` one page per command
//! (`leakgate.1`, `leakgate-scan.1`, `leakgate-rules-list.1`, ...) written to DIR for packaging.

use crate::cli::Cli;
use crate::cmd::{Exit, print};
use clap::CommandFactory;
use std::path::Path;

/// Prints `leakgate(1)` on stdout, or writes every command's page into `dir`.
pub fn run(dir: Option<&Path>) -> miette::Result<Exit> {
    match dir {
        None => {
            print(&page()?).map_err(|e| miette::miette!("cannot write to stdout: {e}"))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                miette::miette!("cannot create the directory {}: {e}", dir.display())
            })?;
            clap_mangen::generate_to(Cli::command(), dir)
                .map_err(|e| miette::miette!("cannot write man pages to {}: {e}", dir.display()))?;
        }
    }
    Ok(Exit::Pass)
}

/// The roff source of `leakgate(1)`.
pub fn page() -> miette::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| miette::miette!("cannot render the man page: {e}"))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
