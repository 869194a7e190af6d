//! Failing closed on every input (issue 18): what a byte-order mark means, what is never opened
//! (FIFOs, devices, sockets; a symlink for `redact --in-place`), budgets that hold while a file is
//! read (decompressed size for gzip), the thread cap, stale temporary reports, walk errors listed
//! once, and a malformed report given to `report summary`.
//!
//! Commands that could hang on an input run under a deadline, so a regression fails the test
//! instead of stalling the suite.

use crate::util::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

// Case 11: `redact --in-place` refuses a symlink.

#[cfg(unix)]
#[test]
fn redact_in_place_refuses_a_symlink_and_leaves_both_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("INFO login api_secret={}\n", generic_secret());
    std::fs::write(dir.path().join("real.log"), &text).unwrap();
    std::os::unix::fs::symlink("real.log", dir.path().join("link.log")).unwrap();
    let out = leakgate(
        dir.path(),
        &["redact", "--in-place", "link.log", "--no-env"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("link.log") && err.contains("symbolic link"),
        "{err}"
    );
    assert_no_secret("stderr", &err);
    let link = std::fs::symlink_metadata(dir.path().join("link.log")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real.log")).unwrap(),
        text
    );
    // The target itself is redacted in place.
    let out = leakgate(
        dir.path(),
        &["redact", "--in-place", "real.log", "--no-env"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_no_secret(
        "redacted",
        &std::fs::read_to_string(dir.path().join("real.log")).unwrap(),
    );
}

// Case 13: FIFOs, devices and sockets are never read.

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn an_explicit_fifo_or_device_is_an_error_entry_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.log"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.log")).unwrap();
    std::fs::write(dir.path().join("ok.md"), "fine\n").unwrap();
    let out = leakgate_within(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--no-report",
            "--no-env",
            "pipe.log",
            "zero.log",
            "ok.md",
        ],
        DEADLINE,
    )
    .expect("the scan ends: a FIFO without a writer is not opened");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(
        errors_of(&v),
        [
            (
                "pipe.log".to_string(),
                "not scanned: a FIFO is not a regular file".to_string()
            ),
            (
                "zero.log".to_string(),
                "not scanned: a character device is not a regular file".to_string()
            ),
        ]
    );
    assert_eq!(v["stats"]["files_scanned"], 1);

    let out = leakgate_within(
        dir.path(),
        &["redact", "--in-place", "--no-env", "pipe.log"],
        DEADLINE,
    )
    .expect("redact --in-place ends on a FIFO");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));
    let out = leakgate_within(
        dir.path(),
        &["redact", "--in-place", "--no-env", "zero.log"],
        DEADLINE,
    )
    .expect("redact --in-place ends on a device");
    assert_eq!(out.status.code(), Some(2));
}

/// The files a run is configured by are opened by the gate too: a FIFO or a device given as one
/// is a usage error naming it, never a read that blocks or does not end.
#[cfg(unix)]
#[test]
fn a_fifo_or_device_given_as_config_env_file_or_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe"));
    std::fs::write(dir.path().join("ok.md"), "fine\n").unwrap();
    let cases: [&[&str]; 6] = [
        &["scan", "--no-report", "--config", "pipe", "ok.md"],
        &["scan", "--no-report", "--env-file", "pipe", "ok.md"],
        &["scan", "--no-report", "--baseline", "pipe", "ok.md"],
        &["scan", "--no-report", "--config", "/dev/zero", "ok.md"],
        &["scan", "--no-report", "--env-file", "/dev/zero", "ok.md"],
        &["report", "summary", "pipe"],
    ];
    for args in cases {
        let out = leakgate_within(dir.path(), args, DEADLINE)
            .unwrap_or_else(|| panic!("leakgate {args:?} hangs"));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("not a regular file"),
            "{args:?} names what is wrong: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn special_files_met_in_a_walk_are_counted_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    mkfifo(&dir.path().join("docs/pipe.md"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("docs/zero.md")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("app.sock")).unwrap();
    std::fs::write(dir.path().join("docs/ok.md"), "fine\n").unwrap();
    // docs/ is walked twice (the tree walk and the docs scope's walk): each counts once.
    let out = leakgate_within(
        dir.path(),
        &["scan", "--format", "json", "--no-report", "--no-env", "."],
        DEADLINE,
    )
    .expect("the scan ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["stats"]["skipped"]["special"], 3, "{}", v["stats"]);
    assert_eq!(v["stats"]["files_scanned"], 1);
}

// Case 13 and the smaller list: budgets hold as bytes arrive; gzip by its decompressed size.

fn gzip(text: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

#[test]
fn max_file_size_applies_to_the_decompressed_size_of_gzip_logs() {
    let dir = tempfile::tempdir().unwrap();
    let secret = generic_secret();
    std::fs::write(
        dir.path().join(".leakgate.toml"),
        "[scan]\nmax_file_size = 4000\n",
    )
    .unwrap();
    // Stored, not compressed: larger than the budget on disk, within it decompressed.
    let last = format!("api_secret={secret}\n");
    let mut text = String::new();
    while text.len() + last.len() < 3960 {
        text.push_str("INFO request served\n");
    }
    text.push_str(&"x".repeat(3995 - text.len() - last.len()));
    text.push('\n');
    text.push_str(&last);
    assert!(text.len() < 4000);
    let stored = gzip(text.as_bytes(), flate2::Compression::none());
    assert!(stored.len() > 4000);
    std::fs::write(dir.path().join("stored.log.gz"), stored).unwrap();
    // Tiny on disk, 1 MiB decompressed, a secret within the first 4000 bytes.
    let mut bomb = format!("api_secret={secret}\n").into_bytes();
    bomb.resize(1 << 20, b'a');
    let packed = gzip(&bomb, flate2::Compression::best());
    assert!(packed.len() < 4000);
    std::fs::write(dir.path().join("packed.log.gz"), packed).unwrap();

    let (code, v) = scan_json(dir.path(), &["stored.log.gz", "packed.log.gz"]);
    assert_eq!(code, 1);
    let files: Vec<String> = findings_of(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(files, ["packed.log.gz", "stored.log.gz"]);
    let errors = errors_of(&v);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "packed.log.gz");
    assert!(
        errors[0].1.contains("max_file_size") && errors[0].1.contains("decompressed"),
        "{errors:?}"
    );
}

// Case 14: `-j` is capped.

#[test]
fn a_huge_thread_count_is_capped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.md"), "fine\n").unwrap();
    let out = leakgate_within(
        dir.path(),
        &["scan", "--no-report", "--no-env", "-j", "100000", "ok.md"],
        DEADLINE,
    )
    .expect("the scan ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("-j 100000 capped at"), "{err}");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(dir.path())
        .args(["redact", "--no-env", "-j", "100000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"fine\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "fine\n");
    assert!(stderr(&out).contains("capped at"), "{}", stderr(&out));
}

// The smaller list.

#[cfg(target_os = "linux")]
#[test]
fn a_killed_run_s_temporary_report_is_removed_by_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.md"), "fine\n").unwrap();
    let reports = dir.path().join("reports/security");
    std::fs::create_dir_all(&reports).unwrap();
    // A pid over the kernel's maximum: no such process.
    let stale = reports.join(".latest.json.4294967295.tmp");
    std::fs::write(&stale, "{\"half\": ").unwrap();
    let out = leakgate(dir.path(), &["scan", "--no-env", "ok.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(reports.join("latest.json").is_file());
    assert!(!stale.exists(), "the stale temporary report is removed");
}

#[test]
fn report_summary_of_a_malformed_report_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let secret = generic_secret();
    let cases = [
        ("notjson.json", format!("{{\"status\": \"pass\", {secret}")),
        ("empty.json", "{}".to_string()),
        (
            "other.json",
            format!("{{\"schema\": \"{secret}\", \"status\": \"pass\"}}"),
        ),
        (
            "nostatus.json",
            format!("{{\"schema\": \"leakgate/report/v1\", \"status\": \"{secret}\"}}"),
        ),
        (
            "wrongtype.json",
            format!(
                "{{\"schema\": \"leakgate/report/v1\", \"status\": \"fail\", \"findings\": \"{secret}\"}}"
            ),
        ),
    ];
    for (name, text) in &cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = leakgate(dir.path(), &["report", "summary", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains(name), "{name}: {err}");
        assert_no_secret(name, &err);
        assert!(stdout(&out).is_empty(), "{name}");
    }
}

#[cfg(unix)]
#[test]
fn walk_errors_are_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs/sub")).unwrap();
    std::fs::write(dir.path().join("docs/ok.md"), "fine\n").unwrap();
    // Reached by the tree walk and by the docs scope's walk.
    std::os::unix::fs::symlink("..", dir.path().join("docs/sub/loop")).unwrap();
    std::os::unix::fs::symlink("missing.md", dir.path().join("docs/dangling.md")).unwrap();
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let errors = errors_of(&v);
    let mut paths: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), errors.len(), "{errors:?}");
    assert_eq!(paths, ["docs/dangling.md", "docs/sub/loop"], "{errors:?}");
    let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env", "."]);
    let human = stdout(&out);
    assert_eq!(human.matches("docs/sub/loop").count(), 1, "{human}");
}
