//! The progress bar on stderr for long scans (indicatif). Shown only to a person watching: stderr
//! is a terminal, not quiet, not a CI job (`CI`), not a git hook (`--staged`, `PRE_COMMIT`). It
//! appears only once a scan has run for a moment, so short scans print nothing, and it is cleared
//! when the scan ends. It shows counts, never file contents.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long a scan runs before the bar appears.
const DELAY: Duration = Duration::from_millis(400);

/// A progress counter over a known number of files; a no-op when hidden.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

/// Whether a bar may be shown: stderr is a terminal and no hook or CI context asks for quiet.
pub fn wanted(quiet: bool, staged: bool) -> bool {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    !quiet
        && !staged
        && !ci
        && std::env::var_os("PRE_COMMIT").is_none()
        && std::io::stderr().is_terminal()
}

impl Progress {
    /// A bar over `total` files, drawn on stderr when `show`, else a no-op.
    pub fn new(total: u64, show: bool) -> Progress {
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} scanning {pos}/{len} files [{bar:30}] {elapsed} (eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// One more file to do (the total grows as a streamed walk finds files).
    pub fn grow(&self) {
        if let Some(bar) = &self.bar {
            bar.inc_length(1);
        }
    }

    /// One more file done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && self.started.elapsed() >= DELAY {
                bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            }
            bar.inc(1);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
