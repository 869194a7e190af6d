//! `leakgate redact`: over realistic generated logs, the output equals the input with exactly the
//! planted secrets replaced by their masks (byte for byte), whether the input arrives whole, in
//! small pieces that split secrets, or line by line through a pipeline; multi-line PEM keys are
//! held until complete; `--in-place` rewrites a file atomically.

use crate::util::*;
use leakgate::detect::Scanner;
use leakgate::detect::checksum::base62;
use leakgate::engine::Pipeline;
use leakgate::mask::mask;
use leakgate::redact::Redactor;
use leakgate::rules::RulePack;
use std::io::Write;

/// A log built from plain text and secrets: the raw bytes and the expected redaction.
#[derive(Default)]
struct Log {
    raw: String,
    expected: String,
    secrets: Vec<String>,
}

impl Log {
    fn text(&mut self, t: &str) {
        self.raw.push_str(t);
        self.expected.push_str(t);
    }

    fn secret(&mut self, s: &str) {
        self.raw.push_str(s);
        self.expected.push_str(&masked_lines(s));
        self.secrets.push(s.to_string());
    }
}

/// What `redact` writes for a secret: its mask, one per line for a multi-line secret (`****` on
/// each line but the last, which shows the secret's mask), so the line count stays.
fn masked_lines(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    let last = lines.len() - 1;
    let each = |(i, _)| {
        if i == last {
            mask(s.as_bytes())
        } else {
            "****".into()
        }
    };
    lines
        .iter()
        .enumerate()
        .map(each)
        .collect::<Vec<String>>()
        .join("\n")
}

fn github_token(prefix: &str, seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!(
        "{prefix}{body}{}",
        base62(crc32fast::hash(body.as_bytes()), 6)
    )
}

fn github_pat(seed: u64) -> String {
    github_token("ghp_", seed)
}

fn pem_body(seed: u64) -> String {
    (0..6)
        .map(|i| synthetic(seed * 10 + i, 64))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Application, CI and access-log lines with secrets of several kinds at known places.
fn realistic_log(known: &str) -> Log {
    realistic_log_of(known, 400)
}

fn realistic_log_of(known: &str, lines: u64) -> Log {
    let mut log = Log::default();
    for i in 0..lines {
        let ts = format!("2024-05-01T12:{:02}:{:02}.{:03}Z", i / 60 % 60, i % 60, i);
        match i % 9 {
            0 => {
                log.text(&format!("{ts} INFO  worker-{i} connecting with api_secret="));
                log.secret(&synthetic(1000 + i, 32));
                log.text(" region=eu-west-1\n");
            }
            1 => {
                log.text(&format!("{ts} DEBUG release job env: GITHUB_TOKEN="));
                log.secret(&github_pat(2000 + i));
                log.text(" (from the vault)\n");
            }
            2 => {
                log.text(&format!("{ts} WARN  deploy env echoed: DEPLOY_TOKEN="));
                log.secret(known);
                log.text("\n");
            }
            3 if i % 3 == 0 => {
                log.text(&format!(
                    "{ts} ERROR tls setup failed, key was:\n-----BEGIN RSA PRIVATE KEY-----\n"
                ));
                log.secret(&pem_body(3000 + i));
                log.text("\n-----END RSA PRIVATE KEY-----\n");
            }
            4 => log.text(&format!(
                "{ts} INFO  GET /api/v1/orders?page={i} 200 {}ms ua=\"Mozilla/5.0\" token=${{API_TOKEN}}\n",
                i % 97
            )),
            5 => log.text(&format!(
                "{ts} INFO  key rotated, new key ****{} (masked), password=<redacted>\n",
                &synthetic(4000 + i, 4)
            )),
            6 => log.text(&format!(
                "{ts} INFO  {{\"event\":\"order\",\"id\":\"{}\",\"qty\":{i},\"user\":\"ünïcode-ok\"}}\r\n",
                synthetic(5000 + i, 12)
            )),
            7 => {
                // A known value on a line with no rule keyword.
                log.text(&format!("{ts} INFO  upstream answered "));
                log.secret(known);
                log.text(" in 3ms\n");
            }
            8 if i % 2 == 0 => {
                // A token in a clone URL: masked up to the `@`, the host left as it was.
                log.text(&format!("{ts} DEBUG git clone https://x-access-token:"));
                log.secret(&github_token("ghs_", 6000 + i));
                log.text("@github.com/acme/app.git into /work/app\n");
            }
            _ => log.text(&format!("{ts} INFO  heartbeat seq={i} lag=0.{}s\n", i % 10)),
        }
    }
    log
}

fn known_value() -> String {
    format!("{}-{}", synthetic(600, 14), synthetic(601, 10))
}

fn known_set() -> leakgate::known::KnownSet {
    leakgate::known::KnownSet {
        vars: vec![leakgate::known::KnownVar::new(
            "DEPLOY_TOKEN".into(),
            "test".into(),
            known_value(),
        )],
    }
}

fn scanner() -> Pipeline {
    Pipeline::new(
        Scanner::new(RulePack::builtin().unwrap())
            .with_known(leakgate::known::KnownValues::build(&known_set())),
    )
}

/// A redactor over `s` (whose known values it masks too, as `leakgate redact` builds it).
fn redactor<'a>(s: &'a Pipeline, path: &str) -> Redactor<'a> {
    Redactor::new(s, path)
}

fn assert_redacted(what: &str, got: &[u8], log: &Log) {
    let got = String::from_utf8_lossy(got);
    for s in &log.secrets {
        assert!(!got.contains(s.as_str()), "{what}: a secret passed through");
    }
    if got != log.expected {
        let at = got
            .bytes()
            .zip(log.expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(log.expected.len()));
        let from = at.saturating_sub(120);
        panic!(
            "{what}: output differs at byte {at}:\n got: {:?}\nwant: {:?}",
            &got[from..(at + 80).min(got.len())],
            &log.expected[from..(at + 80).min(log.expected.len())]
        );
    }
}

#[test]
fn a_realistic_log_is_masked_and_nothing_else_changes() {
    let log = realistic_log(&known_value());
    assert!(log.secrets.len() > 150);
    let s = scanner();
    let mut out = Vec::new();
    let stats = redactor(&s, "app.log")
        .run(log.raw.as_bytes(), &mut out)
        .unwrap();
    assert_redacted("whole input", &out, &log);
    assert_eq!(stats.masked as usize, log.secrets.len());
    assert_eq!(stats.bytes as usize, log.raw.len());
}

#[test]
fn a_large_log_scanned_in_parallel_chunks_gives_the_same_output() {
    let log = realistic_log_of(&known_value(), 12_000);
    assert!(log.raw.len() > 1 << 20);
    let s = scanner();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let mut out = Vec::new();
    pool.install(|| {
        redactor(&s, "app.log")
            .run(log.raw.as_bytes(), &mut out)
            .unwrap()
    });
    assert_redacted("parallel chunks", &out, &log);
}

/// Returns reads of cycling sizes, short and long, so the redactor's reused read buffers hold
/// stale bytes past each read's end.
struct UnevenReader<'a> {
    data: &'a [u8],
    sizes: std::iter::Cycle<std::slice::Iter<'static, usize>>,
}

impl std::io::Read for UnevenReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (*self.sizes.next().unwrap())
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn uneven_reads_through_reused_buffers_give_the_same_output() {
    let log = realistic_log_of(&known_value(), 6_000);
    let s = scanner();
    let input = UnevenReader {
        data: log.raw.as_bytes(),
        sizes: [200_000usize, 1, 262_144, 17, 90_001, 3].iter().cycle(),
    };
    let mut out = Vec::new();
    let stats = redactor(&s, "app.log").run(input, &mut out).unwrap();
    assert_eq!(stats.bytes as usize, log.raw.len());
    assert_redacted("uneven reads", &out, &log);
}

#[test]
fn pieces_that_split_secrets_give_the_same_output() {
    let log = realistic_log(&known_value());
    let s = scanner();
    for piece in [1usize, 7, 61, 4096] {
        let mut r = redactor(&s, "app.log");
        let mut out = Vec::new();
        for chunk in log.raw.as_bytes().chunks(piece) {
            r.feed(chunk, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_redacted(&format!("pieces of {piece}"), &out, &log);
    }
}

#[test]
fn complete_lines_are_written_at_once_and_pem_blocks_when_complete() {
    let s = scanner();
    let mut r = redactor(&s, "app.log");
    let mut out = Vec::new();
    r.feed(b"first line\nsecond ", &mut out).unwrap();
    assert_eq!(
        out, b"first line\n",
        "complete lines pass, the partial one waits"
    );
    r.feed(b"line\n-----BEGIN RSA PRIVATE KEY-----\n", &mut out)
        .unwrap();
    assert_eq!(out, b"first line\nsecond line\n", "an open PEM block waits");
    let body = pem_body(7);
    r.feed(format!("{body}\n").as_bytes(), &mut out).unwrap();
    assert_eq!(out, b"first line\nsecond line\n");
    r.feed(b"-----END RSA PRIVATE KEY-----\nafter\n", &mut out)
        .unwrap();
    let want = format!(
        "first line\nsecond line\n-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\nafter\n",
        masked_lines(&body)
    );
    assert_eq!(String::from_utf8(out).unwrap(), want);
}

#[test]
fn a_huge_line_is_streamed_in_bounded_windows() {
    let s = scanner();
    let mut log = Log::default();
    let filler = "x".repeat(1000) + " ";
    for i in 0..3000u64 {
        log.text(&filler);
        if i % 500 == 0 {
            log.text("api_secret=");
            log.secret(&synthetic(9000 + i, 40));
            log.text(" ");
        }
    }
    log.text("\n");
    let mut r = redactor(&s, "one-line.log");
    let mut out = Vec::new();
    let mut fed = 0;
    for chunk in log.raw.as_bytes().chunks(64 << 10) {
        r.feed(chunk, &mut out).unwrap();
        fed += chunk.len();
        assert!(
            fed - out.len() < 2 << 20,
            "output keeps up: the line is not held whole"
        );
    }
    r.finish(&mut out).unwrap();
    assert_redacted("one huge line", &out, &log);
}

#[test]
fn the_command_filters_stdin_and_rewrites_files_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let log = realistic_log(&known_value());
    write_files(
        dir.path(),
        &[
            ("ci.env", format!("DEPLOY_TOKEN={}\n", known_value())),
            ("app.log", log.raw.clone()),
        ],
    );
    let out = assert_cmd::Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir.path())
        .args(["redact", "--no-env", "--env-file", "ci.env"])
        .write_stdin(log.raw.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_redacted("stdin to stdout", &out.stdout, &log);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join("app.log");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = leakgate(
        dir.path(),
        &[
            "redact",
            "--no-env",
            "--env-file",
            "ci.env",
            "--in-place",
            "app.log",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let rewritten = std::fs::read(dir.path().join("app.log")).unwrap();
    assert_redacted("in place", &rewritten, &log);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("app.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "permissions kept");
    }
    // The redacted log scans clean.
    let (code, v) = scan_json(dir.path(), &["--include-logs", "app.log"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_pipeline_gets_each_line_as_soon_as_it_is_complete() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(dir.path())
        .args(["redact", "--no-env"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let secret = synthetic(77, 32);
    for i in 0..3 {
        // Written without closing stdin: the line must come back before more input arrives.
        writeln!(stdin, "step {i} api_secret={secret} done").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(
            line,
            format!("step {i} api_secret={} done\n", mask(secret.as_bytes()))
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// A rule without a proven reach whose match spans lines (`kind: Secret`, then its `data:` entry
/// lines later) is masked when its value lies several lines from the keyword, in a log that
/// arrives whole or line by line.
#[test]
fn a_multi_line_manifest_value_far_from_its_keyword_is_masked() {
    let value = synthetic(41, 60);
    let mut log = Log::default();
    log.text("deploy: applying manifest\n");
    log.text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\n  namespace: prod\n");
    log.text(
        "  labels:\n    app: orders\n    tier: backend\ntype: Opaque\ndata:\n  app.conf: |\n    ",
    );
    log.secret(&value);
    log.text("\ndeploy: done\n");
    let s = scanner();
    let mut whole = Vec::new();
    redactor(&s, "deploy.log")
        .run(log.raw.as_bytes(), &mut whole)
        .unwrap();
    assert_redacted("whole input", &whole, &log);
    let mut r = redactor(&s, "deploy.log");
    let mut lines = Vec::new();
    for line in log.raw.split_inclusive('\n') {
        r.feed(line.as_bytes(), &mut lines).unwrap();
    }
    r.finish(&mut lines).unwrap();
    assert_redacted("line by line", &lines, &log);
}
