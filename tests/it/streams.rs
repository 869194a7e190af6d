//! Big and compressed inputs: gzip logs are scanned as streams with findings on the decompressed
//! line, files over the whole-file limit are streamed in overlapping chunks, a corrupt stream is
//! an error entry, and (ignored by default: run with `cargo test -- --ignored`) a 2 GiB sparse
//! single-line file is scanned in bounded memory.

use crate::util::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

fn log_with_secret_at(line: usize, secret_line: &str) -> String {
    let mut s = String::new();
    for i in 1..line {
        s.push_str(&format!(
            "2026-11-23T10:{:02}:{:02}Z INFO worker=7 request_id=r{i:08} served in {} ms\n",
            (i / 60) % 60,
            i % 60,
            i % 97
        ));
    }
    s.push_str(secret_line);
    s.push('\n');
    s
}

#[test]
fn gzip_logs_are_scanned_with_decompressed_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!(
        "2026-11-23T11:00:00Z WARN retry with API_SECRET={}",
        synthetic(42, 32)
    );
    let text = log_with_secret_at(5000, &line);
    let logs = dir.path().join("data/bot1/logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("app.log.1.gz"), gzip(text.as_bytes())).unwrap();
    // A rotated log that is not valid gzip is an error entry, not a silent skip.
    let mut broken = gzip(b"INFO ok\n");
    broken.truncate(broken.len() / 2);
    std::fs::write(logs.join("app.log.2.gz"), broken).unwrap();

    let (code, v) = scan_json(dir.path(), &["--include-logs", "."]);
    assert_eq!(code, 1);
    let found = findings_of(&v);
    assert_eq!(
        found,
        [(
            "data/bot1/logs/app.log.1.gz".to_string(),
            5000,
            "generic-secret-assignment".to_string(),
            "new".to_string()
        )]
    );
    let scanned = v["stats"]["bytes_scanned"].as_u64().unwrap();
    assert!(
        scanned >= text.len() as u64 && scanned <= text.len() as u64 + 8,
        "decompressed bytes: {scanned}"
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "data/bot1/logs/app.log.2.gz");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("decompress")
    );
}

#[test]
fn files_over_the_whole_file_limit_are_streamed_and_located() {
    let dir = tempfile::tempdir().unwrap();
    let lines = 200_000; // ~14 MiB: two chunks and more
    let line = format!("  password: \"{}\"", synthetic(43, 24));
    let text = log_with_secret_at(lines, &line);
    assert!(text.len() as u64 > leakgate::engine::stream::WHOLE_FILE_LIMIT);
    std::fs::create_dir_all(dir.path().join("logs")).unwrap();
    std::fs::write(dir.path().join("logs/big.log"), &text).unwrap();
    let (code, v) = scan_json(dir.path(), &["--include-logs", "."]);
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "logs/big.log");
    assert_eq!(f["line"], lines as u64);
    assert_eq!(f["column"], 14);
    assert_eq!(v["stats"]["bytes_scanned"], text.len() as u64);
}

/// A 2 GiB single-line file (sparse: it costs no disk) with a secret at its very end. Run it with
/// `/usr/bin/time -v cargo test --release --test it streams:: -- --ignored` to see the flat RSS.
#[test]
#[ignore = "slow: scans 2 GiB"]
fn a_two_gib_single_line_file_is_scanned_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs/huge.log");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tail = format!(" API_SECRET={}\n", synthetic(44, 32));
    let f = std::fs::File::create(&path).unwrap();
    let size: u64 = 2 << 30;
    f.set_len(size - tail.len() as u64).unwrap();
    drop(f);
    // NUL bytes would make it binary: fill the first block with text, the rest stays sparse
    // (zeros are skipped as binary only in the first 8 KiB).
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.write_all(&vec![b'a'; 16 << 10]).unwrap();
    drop(f);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(tail.as_bytes()).unwrap();
    drop(f);
    let (code, v) = scan_json(dir.path(), &["--include-logs", "."]);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["line"], 1);
    assert_eq!(v["stats"]["bytes_scanned"], size);
}
