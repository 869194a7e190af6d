//! The command line as a user meets it: `--help` of the program and of every subcommand, and the
//! usage errors with their messages and exit codes (2), as trycmd cases in `tests/cmd/` (one
//! `.toml` per command line, its expected stdout and stderr beside it). After a deliberate change,
//! `TRYCMD=overwrite cargo test --test it cli::` rewrites the expected files; review the diff.
//!
//! The environment is pinned (locale, terminal, no colour) so the error frames render the same on
//! every machine.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml");
}
