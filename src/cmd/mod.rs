//! Command implementations: each turns parsed arguments into work and an [`Exit`].

pub mod baseline;
pub mod merge;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;

use std::io::Write;

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the gate passed, or the command succeeded.
    Pass = 0,
    /// 1: the gate failed (new findings at or above fail-on, or unreadable inputs).
    Fail = 1,
    /// 2: usage, config or rule error.
    Error = 2,
}

/// The worker count (`-j N`, else one per CPU) and a thread pool of that size.
pub fn workers(requested: Option<usize>) -> miette::Result<(usize, rayon::ThreadPool)> {
    let threads = requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| miette::miette!("cannot start {threads} worker threads: {e}"))?;
    Ok((threads, pool))
}

/// Writes to stdout; a closed pipe (`leakgate scan | head`) is not an error.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
