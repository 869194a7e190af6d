//! Reads the small files a run is configured by (`.leakgate.toml`, env files, baselines, rule
//! files, reports given to `merge` and `report`): regular files only, and never more than a cap.
//!
//! Opening a FIFO with no writer blocks forever and a device can stream without end, so anything
//! that is not a regular file is refused before it is opened, and checked again on the open file.

use std::io::{self, Read};
use std::path::Path;

/// Most bytes read from a configuration file, env file or rule file.
pub const CONFIG_CAP: u64 = 16 << 20;
/// Most bytes read from a report or baseline.
pub const REPORT_CAP: u64 = 1 << 30;

/// Reads `path` as UTF-8 text: a regular file (symlinks followed) of at most `cap` bytes.
pub fn read_text(path: &Path, cap: u64) -> io::Result<String> {
    regular(&std::fs::metadata(path)?)?;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} MiB", cap >> 20),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
}

fn regular(meta: &std::fs::Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a directory"
    } else {
        kind(&meta.file_type())
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{what}, not a regular file"),
    ))
}

/// What a file that is not a regular file is, for messages (`a FIFO`).
pub fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_and_refuses_what_is_over_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_text(&p, 6).unwrap(), "x = 1\n");
        let e = read_text(&p, 5).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
    }

    #[test]
    fn refuses_a_directory_and_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(dir.path(), CONFIG_CAP).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        let p = dir.path().join("bad");
        std::fs::write(&p, b"\xff\xfe\xfd").unwrap();
        let e = read_text(&p, CONFIG_CAP).unwrap_err();
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_without_blocking_and_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = read_text(&fifo, CONFIG_CAP).unwrap_err();
            assert!(e.to_string().contains("FIFO"), "{e}");
        }
        let e = read_text(Path::new("/dev/zero"), CONFIG_CAP).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
    }
}
