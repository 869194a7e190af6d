//! Command implementations: each turns parsed arguments into work and an [`Exit`].

pub mod baseline;
pub mod completions;
pub mod man;
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

/// At most this many workers per CPU: the work is reading and matching, and more threads than
/// this only add memory and switching (an absurd `-j` would start thousands of threads, each
/// with its own stack and scratch, before scanning anything).
pub const MAX_THREADS_PER_CPU: usize = 4;

/// The worker count (`-j N`, at most [`MAX_THREADS_PER_CPU`] per CPU, with a warning when capped;
/// else one per CPU) and a thread pool of that size.
pub fn workers(requested: Option<usize>) -> miette::Result<(usize, rayon::ThreadPool)> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cap_threads(requested, cpus);
    if let Some(asked) = requested
        && asked > threads
    {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "leakgate: warning: -j {asked} capped at {threads} threads ({MAX_THREADS_PER_CPU} per CPU, {cpus} CPUs)"
            );
        }
    }
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

/// The worker count for `-j requested` on `cpus` CPUs.
fn cap_threads(requested: Option<usize>, cpus: usize) -> usize {
    let cpus = cpus.max(1);
    requested
        .unwrap_or(cpus)
        .clamp(1, cpus.saturating_mul(MAX_THREADS_PER_CPU))
}

#[cfg(test)]
mod tests {
    use super::cap_threads;

    #[test]
    fn threads_are_capped_at_a_multiple_of_the_cpus() {
        assert_eq!(cap_threads(None, 8), 8);
        assert_eq!(cap_threads(Some(3), 8), 3);
        assert_eq!(cap_threads(Some(0), 8), 1);
        assert_eq!(cap_threads(Some(32), 8), 32);
        assert_eq!(cap_threads(Some(100_000), 8), 32);
        assert_eq!(cap_threads(Some(100_000), 0), 4);
    }
}
