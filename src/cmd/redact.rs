//! `leakgate redact [FILE] [--in-place]`: the streaming filter. Builds the same pipe as `scan`
//! (rule pack, config allowlists, known values), then masks every secret it finds in stdin (or
//! FILE) on the way to stdout, or rewrites FILE atomically with `--in-place`.

use super::Exit;
use crate::cli::RedactArgs;
use crate::config::Config;
use crate::detect::Scanner;
use crate::engine::Pipeline;
use crate::known::{KnownSet, KnownValues};
use crate::redact::{Redactor, Stats};
use crate::source::root::Root;
use miette::miette;
use std::path::{Path, PathBuf};

pub fn run(args: RedactArgs) -> miette::Result<Exit> {
    // The project root of FILE (of the current directory for stdin), as `scan` finds it: the same
    // config applies, and FILE is named as `scan` names it.
    let project = Root::discover(args.file.as_deref().unwrap_or(Path::new(".")))
        .map_err(|e| miette!("cannot find the project root: {e}"))?;
    let root = project.dir.clone();
    let config = Config::discover(&root, args.config.as_deref())?;
    let mut known = config.known.clone();
    known.env &= !args.no_env;
    let known = KnownSet::load(&known, &root, &args.env_files)?;
    let scanner = Scanner::new(config.rule_pack()?).with_known(KnownValues::build(&known));
    let pipe = Pipeline::new(scanner).with_allow(config.allow.clone());
    let (_, pool) = super::workers(args.threads)?;
    let result = pool.install(|| match (&args.file, args.in_place) {
        (Some(file), true) => in_place(&pipe, file, &project.name(file)),
        (Some(file), false) => {
            let input = std::fs::File::open(file)
                .map_err(|e| miette!("cannot read {}: {e}", file.display()))?;
            to_stdout(&pipe, &project.name(file), input)
        }
        (None, _) => to_stdout(&pipe, "stdin", std::io::stdin()),
    })?;
    if args.verbose {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "leakgate: redact: {} bytes, {} secrets masked",
                result.bytes, result.masked
            );
        }
    }
    Ok(Exit::Pass)
}

fn to_stdout(
    pipe: &Pipeline,
    name: &str,
    input: impl std::io::Read + Send,
) -> miette::Result<Stats> {
    let mut out = std::io::stdout().lock();
    match Redactor::new(pipe, name).run(input, &mut out) {
        Ok(stats) => Ok(stats),
        // A closed pipe (`leakgate redact < log | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Stats::default()),
        Err(e) => Err(miette!("redact: {e}")),
    }
}

/// Opens `file` for reading without following a symbolic link in its last component, and
/// without waiting for a writer: if the file was swapped for a link or a FIFO after it was looked
/// at, the open fails (ELOOP) or returns at once, and the check on the open file refuses it.
#[cfg(unix)]
fn open_no_follow(file: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(file)
}

#[cfg(not(unix))]
fn open_no_follow(file: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(file)
}

/// Rewrites `file` redacted: a temporary file beside it (same permissions), flushed, then
/// renamed over it, so a crash never leaves a half-redacted file.
///
/// Only a regular file is rewritten. A symbolic link is refused: the rename would replace the
/// link and leave the secret in its target; a FIFO, device or socket is refused before it is
/// opened (opening a FIFO without a writer blocks forever).
fn in_place(pipe: &Pipeline, file: &Path, shown: &str) -> miette::Result<Stats> {
    let fail = |what: &str, e: std::io::Error| miette!("cannot {what} {}: {e}", file.display());
    let kind = std::fs::symlink_metadata(file)
        .map_err(|e| fail("read", e))?
        .file_type();
    if kind.is_symlink() {
        return Err(miette!(
            "refusing to redact {} in place: it is a symbolic link (rewriting it would replace \
             the link and leave its target as it is); redact the target's path instead",
            file.display()
        ));
    }
    if !kind.is_file() {
        return Err(miette!(
            "refusing to redact {} in place: it is {}, not a regular file",
            file.display(),
            crate::source::walk::kind(&kind)
        ));
    }
    let input = open_no_follow(file).map_err(|e| fail("read", e))?;
    let meta = input.metadata().map_err(|e| fail("read", e))?;
    if !meta.is_file() {
        // Swapped since it was looked at.
        return Err(miette!(
            "refusing to redact {} in place: it is {}, not a regular file",
            file.display(),
            crate::source::walk::kind(&meta.file_type())
        ));
    }
    let perms = meta.permissions();
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    crate::report::remove_stale_temps(&dir, &format!(".{name}."), ".redact.tmp");
    let tmp = dir.join(format!(".{name}.{}.redact.tmp", std::process::id()));
    let result = (|| {
        let out = std::fs::File::create(&tmp)?;
        out.set_permissions(perms)?;
        let mut w = std::io::BufWriter::new(out);
        let stats = Redactor::new(pipe, shown).run(input, &mut w)?;
        let out = w.into_inner().map_err(|e| e.into_error())?;
        out.sync_all()?;
        std::fs::rename(&tmp, file)?;
        Ok(stats)
    })();
    result.map_err(|e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        fail("redact", e)
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::open_no_follow;

    #[test]
    fn the_in_place_open_refuses_a_link_swapped_in_after_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.log");
        std::fs::write(&target, "line\n").unwrap();
        let link = dir.path().join("app.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_no_follow(&link).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP), "{err}");
        assert!(open_no_follow(&target).is_ok());
    }

    #[test]
    fn the_in_place_open_does_not_wait_for_a_fifo_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.log");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Without O_NONBLOCK this open blocks until a writer appears.
        let f = open_no_follow(&fifo).unwrap();
        assert!(!f.metadata().unwrap().is_file());
    }
}
