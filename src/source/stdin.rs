//! Standard input as one input (`leakgate scan -`): read to its end, whole when small and in
//! chunks when large, within the `max_file_size` budget as it arrives (`engine::scan_stdin`),
//! and named `<stdin>` or `--stdin-name NAME` (used as given: a path relative to the project root
//! when config globs and the baseline should match it). `-` is the only path of such a scan.

use std::path::{Path, PathBuf};

/// The name of standard input in reports unless `--stdin-name` gives one.
pub const DEFAULT_NAME: &str = "<stdin>";

/// The path that stands for standard input on the command line.
pub const DASH: &str = "-";

/// Whether the command line names standard input: `Ok(true)` for `-` alone, `Ok(false)` when `-`
/// is not named, `Err` when it is named with other paths.
pub fn named(paths: &[PathBuf]) -> Result<bool, String> {
    let dashes = paths
        .iter()
        .filter(|p| p.as_path() == Path::new(DASH))
        .count();
    match (dashes, paths.len()) {
        (0, _) => Ok(false),
        (1, 1) => Ok(true),
        _ => Err(
            "`-` (stdin) must be the only path of a scan: scan stdin and the files in two runs"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_must_be_alone() {
        let p = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(named(&p(&["."])), Ok(false));
        assert_eq!(named(&p(&["-"])), Ok(true));
        assert!(named(&p(&["-", "a.md"])).is_err());
        assert!(named(&p(&["a.md", "-"])).is_err());
        assert!(named(&p(&["-", "-"])).is_err());
        assert_eq!(named(&p(&["./-"])), Ok(false), "a file named `-` is `./-`");
    }
}
