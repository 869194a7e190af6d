//! The `leakgate` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    return_large_blocks();
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

/// Large blocks (a streamed chunk's decoded layers, a large file's candidate lists) are mapped on
/// their own and given back to the system when freed. glibc otherwise raises this threshold
/// each time such a block is freed, up to 32 MiB, and serves the next ones from its heaps, which
/// keep the high-water mark of every thread: on real code that was a sixth of the scan's peak
/// RSS. The blocks that are reused from file to file (a thread's file and chunk buffers) are
/// kept by their owners, so mapping afresh costs only the transient ones (docs/benchmarks.md,
/// "Time and peak memory on real code, part 5").
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 10);
        }
    }
}
