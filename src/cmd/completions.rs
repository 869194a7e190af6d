//! `leakgate completions SHELL`: a shell completion script generated from the clap definition of
//! the command line (src/cli.rs), so it always matches the binary that printed it.

use crate::cli::Cli;
use crate::cmd::{Exit, print};
use clap::CommandFactory;
use clap_complete::Shell;

/// Prints the completion script for `shell` on stdout.
pub fn run(shell: Shell) -> miette::Result<Exit> {
    print(&script(shell)).map_err(|e| miette::miette!("cannot write to stdout: {e}"))?;
    Ok(Exit::Pass)
}

/// The completion script for `shell`, for a binary named `leakgate`.
pub fn script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "leakgate", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
