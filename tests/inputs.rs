//! Failing closed on every input (issue 18): what a byte-order mark means, what is never opened
//! (FIFOs, devices, sockets; a symlink for `redact --in-place`), budgets that hold while a file is
//! read (decompressed size for gzip), the thread cap, stale temporary reports, walk errors listed
//! once, and a malformed report given to `report summary`.
//!
//! Commands that could hang on an input run under a deadline, so a regression fails the test
//! instead of stalling the suite.

mod util;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use util::*;

/// Runs `leakgate ARGS` in `dir`, killing it if it has not ended after `limit`: `None` then.
fn leakgate_within(dir: &Path, args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(child.wait_with_output().unwrap())
}

const DEADLINE: Duration = Duration::from_secs(120);

fn utf16le(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}); stderr: {}", stderr(out)))
}

fn errors_of(v: &serde_json::Value) -> Vec<(String, String)> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// Case 9: a byte-order mark needs the whole mark and a valid decode.

#[test]
fn utf8_text_behind_a_utf16_mark_is_scanned_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let secret = generic_secret();
    // Even and odd lengths after the mark, each mark; every case decodes as valid UTF-16.
    let bodies = [
        format!("api_secret={secret}\n"),
        format!("api_secret={secret}\nx\n"),
    ];
    let mut expected = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        for (mark, name) in [(&[0xFF, 0xFE][..], "le"), (&[0xFE, 0xFF][..], "be")] {
            let mut bytes = mark.to_vec();
            bytes.extend_from_slice(body.as_bytes());
            let file = format!("docs/bom-{name}-{i}.md");
            std::fs::create_dir_all(dir.path().join("docs")).unwrap();
            std::fs::write(dir.path().join(&file), bytes).unwrap();
            expected.push(file);
        }
    }
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let mut found: Vec<String> = findings_of(&v).into_iter().map(|f| f.0).collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    assert!(errors_of(&v).is_empty(), "{:?}", errors_of(&v));
}

#[test]
fn utf8_text_behind_a_mark_is_scanned_when_streamed_and_in_history() {
    let dir = git_repo();
    let secret = generic_secret();
    // Over the whole-file limit: streamed in chunks.
    let mut big = vec![0xFF, 0xFE];
    while big.len() < 3 << 20 {
        big.extend_from_slice(b"2026-11-23T10:00:00Z INFO request served in 3 ms\n");
    }
    big.extend_from_slice(format!("api_secret={secret}\n").as_bytes());
    std::fs::write(dir.path().join("big.log"), &big).unwrap();
    let mut small = vec![0xFF, 0xFE];
    small.extend_from_slice(format!("api_secret={secret}\n").as_bytes());
    std::fs::write(dir.path().join("small.md"), &small).unwrap();
    let (code, v) = scan_json(dir.path(), &["big.log", "small.md"]);
    assert_eq!(code, 1);
    let files: Vec<String> = findings_of(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(files, ["big.log", "small.md"], "{:?}", errors_of(&v));
    assert!(errors_of(&v).is_empty(), "{:?}", errors_of(&v));

    git(dir.path(), &["add", "small.md"]);
    git(dir.path(), &["commit", "-q", "-m", "notes"]);
    let (code, v) = scan_json(dir.path(), &["--git"]);
    assert_eq!(code, 1);
    let files: Vec<String> = findings_of(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(files, ["small.md"]);
}

#[test]
fn utf16_and_utf32_text_is_decoded_and_large_utf16_is_an_error_entry() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("note\napi_secret={}\n", generic_secret());
    std::fs::write(dir.path().join("wide16.md"), utf16le(&line)).unwrap();
    let mut wide32 = vec![0xFF, 0xFE, 0, 0];
    for c in line.chars() {
        wide32.extend_from_slice(&(c as u32).to_le_bytes());
    }
    std::fs::write(dir.path().join("wide32.md"), wide32).unwrap();
    let mut big = String::new();
    while big.len() < 3 << 20 {
        big.push_str("2026-11-23T10:00:00Z INFO request served in 3 ms\n");
    }
    std::fs::write(dir.path().join("big16.log"), utf16le(&big)).unwrap();
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let found: Vec<(String, u64)> = findings_of(&v).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(found, [("wide16.md".into(), 2), ("wide32.md".into(), 2)]);
    let errors = errors_of(&v);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "big16.log");
    assert!(errors[0].1.contains("UTF-16LE"), "{errors:?}");
}
