//! `action.yml`, checked and run. Statically: a well-formed composite action whose every input is
//! used by a step, inputs reach scripts through `env:` (never spliced into script text, which
//! would let a crafted input run code), every `run:` script passes `bash -n`, every output points
//! at a step that writes it, every `uses:` is pinned, and the step that fails the job comes last.
//! Then for real (tests/it/action_runner): the composite steps run with the built binary on generated
//! trees for pass, fail and error (also a fake `leakgate` that exits 2), checking the outputs, the
//! job summary, the annotations, the upload and that only the last step fails the job; the
//! `version` download's SHA-256 check against SHA256SUMS with releases served from a local
//! directory (`file://`); and docs/org-audit.md's merge step.

#![cfg(unix)]

use crate::action_runner;

use crate::util::{synthetic, synthetic_in, write};
use action_runner::{Run, Runner};
use leakgate::detect::checksum::base62;
use serde_yaml_ng::Value;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn action() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).expect("action.yml parses")
}

fn steps(a: &Value) -> &Vec<Value> {
    a["runs"]["steps"].as_sequence().expect("runs.steps")
}

/// Every string in a YAML tree.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(xs) => xs.iter().for_each(|x| strings(x, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, x)| {
            strings(k, out);
            strings(x, out);
        }),
        Value::Tagged(t) => strings(&t.value, out),
        _ => {}
    }
}

/// Whether `text` references `inputs.NAME` exactly (not a longer input name).
fn references(text: &str, name: &str) -> bool {
    let needle = format!("inputs.{name}");
    text.match_indices(&needle).any(|(i, _)| {
        !text[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

#[test]
fn it_is_a_composite_action_with_described_inputs_and_outputs() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    assert!(a["name"].as_str().is_some() && a["description"].as_str().is_some());
    for (k, v) in a["inputs"].as_mapping().unwrap() {
        assert!(
            v["description"].as_str().is_some(),
            "input {k:?} has no description"
        );
        assert!(v.get("default").is_some(), "input {k:?} has no default");
    }
    for key in ["status", "report", "sarif-file"] {
        assert!(a["outputs"].get(key).is_some(), "missing output {key}");
    }
    for key in ["version", "repository"] {
        assert!(a["inputs"].get(key).is_some(), "missing input {key}");
    }
}

#[test]
fn every_input_is_referenced_by_a_step() {
    let a = action();
    let mut texts = Vec::new();
    strings(&a["runs"], &mut texts);
    let all = texts.join("\n");
    for (k, _) in a["inputs"].as_mapping().unwrap() {
        let name = k.as_str().unwrap();
        assert!(
            references(&all, name),
            "input `{name}` is not used by any step"
        );
    }
    assert!(!references("inputs.sarif-file-2", "sarif-file"));
}

#[test]
fn run_scripts_are_valid_bash_and_take_inputs_from_env() {
    let a = action();
    let mut checked = 0;
    for (i, step) in steps(&a).iter().enumerate() {
        let Some(script) = step["run"].as_str() else {
            assert!(
                step["uses"].as_str().is_some(),
                "step {i} neither runs nor uses"
            );
            continue;
        };
        assert_eq!(step["shell"], "bash", "step {i} must say `shell: bash`");
        assert!(
            !script.contains("${{"),
            "step {i} splices an expression into its script; pass it through env:"
        );
        let mut child = Command::new("bash")
            .arg("-n")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "step {i} ({:?}) is not valid bash: {}",
            step["name"],
            String::from_utf8_lossy(&out.stderr)
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} run steps");
}

#[test]
fn outputs_come_from_a_step_that_writes_them() {
    let a = action();
    for (k, v) in a["outputs"].as_mapping().unwrap() {
        let value = v["value"].as_str().unwrap();
        let inner = value
            .trim()
            .strip_prefix("${{")
            .and_then(|s| s.strip_suffix("}}"))
            .unwrap_or_else(|| panic!("output {k:?} is not an expression"))
            .trim();
        let parts: Vec<&str> = inner.split('.').collect();
        let ["steps", id, "outputs", key] = parts[..] else {
            panic!("output {k:?} is not steps.ID.outputs.KEY: {inner}");
        };
        let step = steps(&a)
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no step with id {id}"));
        let script = step["run"].as_str().unwrap_or_default();
        assert!(
            script.contains(&format!("echo \"{key}=")),
            "step {id} never writes output {key}"
        );
    }
}

#[test]
fn actions_used_are_pinned_and_the_gate_fails_last() {
    let a = action();
    let all = steps(&a);
    for s in all {
        if let Some(uses) = s["uses"].as_str() {
            let (_, version) = uses.split_once('@').expect("uses is pinned");
            assert!(version.starts_with('v') || version.len() == 40, "{uses}");
        }
    }
    let upload = all
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))
        })
        .expect("a SARIF upload step");
    let last = all.last().unwrap();
    assert!(upload < all.len() - 1, "the job must fail after the upload");
    assert!(
        last["if"].as_str().is_some_and(|c| c.contains("always()")),
        "the step that fails the job runs whatever came before"
    );
    assert!(last["run"].as_str().unwrap().contains("exit 1"));
    let cond = all[upload]["if"].as_str().unwrap();
    assert!(cond.contains("always()") && cond.contains("inputs.upload-sarif == 'true'"));
}

// ---- the steps, run ------------------------------------------------------------------------

const RELEASE: &str = "Download and verify the leakgate release";
const BUILD_KEY: &str = "Key the leakgate build by its sources";
const GATE: &str = "Run the gate";
const SUMMARY: &str = "Write the job summary";
const UPLOAD: &str = "Upload SARIF to code scanning";
const LAST: &str = "Fail the job unless the gate passed";

fn leakgate_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakgate"))
}

/// A GitHub classic token with a valid checksum (critical).
fn ghp(seed: u64) -> String {
    let body = synthetic(seed, 30);
    format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6))
}

/// An AWS access key id (high).
fn aws_id(seed: u64) -> String {
    format!(
        "AKIA{}",
        synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed, 16)
    )
}

/// `text` holds neither the secret nor any 5-character run of its random part.
fn assert_no_secret(what: &str, text: &str, secret: &str) {
    assert!(!text.contains(secret), "{what} holds a raw secret");
    let random = &secret.as_bytes()[4..];
    for w in random.windows(5) {
        let w = std::str::from_utf8(w).unwrap();
        assert!(!text.contains(w), "{what} holds a run of a secret");
    }
}

/// Every step before the last that ran succeeded; the last ran and exited with `code`.
fn assert_only_the_last_step_decides(run: &Run, code: i32) {
    let (last, before) = run.steps.split_last().unwrap();
    for s in before {
        assert!(
            !s.ran || s.code.is_none_or(|c| c == 0),
            "step {:?} failed ({:?}): {}{}",
            s.name,
            s.code,
            s.stdout,
            s.stderr
        );
    }
    assert_eq!(last.name, LAST);
    assert!(last.ran, "the last step always runs");
    assert_eq!(last.code, Some(code), "{}", last.stdout);
    assert_eq!(run.failed, code != 0);
}

/// The output is an absolute path to an existing file.
fn assert_file_output(run: &Run, key: &str) -> PathBuf {
    let p = PathBuf::from(run.output("gate", key));
    assert!(p.is_absolute(), "output {key} is not absolute: {p:?}");
    assert!(p.is_file(), "output {key} names no file: {p:?}");
    assert_eq!(run.action_outputs[key], p.to_str().unwrap());
    p
}

fn report_status(path: &Path) -> String {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["status"].as_str().unwrap().to_string()
}

#[test]
fn a_clean_tree_passes_with_outputs_summary_and_upload() {
    let mut r = Runner::new();
    r.cached(&leakgate_bin());
    write(&r.ws, "docs/guide.md", "Deploy with `make release`.\n");
    let run = r.run();
    assert!(run.step(BUILD_KEY).ran && !run.step(RELEASE).ran);
    assert_eq!(run.output("gate", "status"), "pass");
    assert_eq!(run.action_outputs["status"], "pass");
    assert_eq!(run.output("gate", "exit-code"), "0");
    let report = assert_file_output(&run, "report");
    assert_eq!(
        report,
        r.ws.canonicalize()
            .unwrap()
            .join("reports/security/latest.json")
    );
    assert_eq!(report_status(&report), "pass");
    let sarif = assert_file_output(&run, "sarif-file");
    assert_eq!(run.uploaded, vec![sarif]);
    assert!(run.summary.contains("## leakgate") && run.summary.contains("pass"));
    assert!(!run.step(GATE).stdout.contains("::error"));
    assert!(run.step(LAST).stdout.contains("passed"));
    assert_only_the_last_step_decides(&run, 0);
}

#[test]
fn a_failing_gate_still_writes_everything_and_fails_the_job_last() {
    let (token, key) = (ghp(21), aws_id(21));
    let mut r = Runner::new();
    r.cached(&leakgate_bin()).input("fail-on", "critical");
    write(&r.ws, "docs/deploy.md", &format!("token: {token}\n"));
    write(
        &r.ws,
        "docs/keys.md",
        &format!("aws_access_key_id = {key}\n"),
    );
    let run = r.run();
    assert_eq!(run.output("gate", "status"), "fail");
    assert_eq!(run.action_outputs["status"], "fail");
    assert_eq!(run.output("gate", "exit-code"), "1");
    let report = assert_file_output(&run, "report");
    assert_eq!(report_status(&report), "fail");
    let sarif = assert_file_output(&run, "sarif-file");
    // The steps after the scan ran: annotations, summary, upload, then the failing last step.
    let gate = &run.step(GATE).stdout;
    assert!(gate.contains("::error file=docs/deploy.md,"), "{gate}");
    assert!(gate.contains("::warning file=docs/keys.md,"), "{gate}");
    assert_eq!(run.step(SUMMARY).code, Some(0));
    assert!(run.summary.contains("fail") && run.summary.contains("github-classic-pat"));
    assert_eq!(run.uploaded, vec![sarif]);
    assert!(run.step(UPLOAD).ran);
    assert!(
        run.step(LAST)
            .stdout
            .contains("::error title=leakgate::the secrets gate failed")
    );
    assert_only_the_last_step_decides(&run, 1);
    for secret in [&token, &key] {
        assert_no_secret("the job summary", &run.summary, secret);
        assert_no_secret("the log", &run.log(), secret);
    }
}

fn executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in `leakgate` that answers `--version` and exits 2 for anything else.
fn fake_erroring_leakgate(dir: &Path) -> PathBuf {
    let p = dir.join("fake-leakgate");
    std::fs::write(
        &p,
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'leakgate 0.0.0 (fake)'; exit 0; fi\n\
         echo 'error: this stand-in always stops' >&2\nexit 2\n",
    )
    .unwrap();
    executable(&p);
    p
}

#[test]
fn an_error_is_reported_and_fails_the_job_last_without_a_stale_report() {
    let mut r = Runner::new();
    let fake = fake_erroring_leakgate(r.root.path());
    r.cached(&fake);
    // Evidence from an earlier run must not pass for this run's.
    write(
        &r.ws,
        "reports/security/latest.json",
        "{\"status\": \"pass\"}\n",
    );
    write(&r.ws, "leakgate.sarif", "{}\n");
    let run = r.run();
    assert_eq!(run.output("gate", "status"), "error");
    assert_eq!(run.action_outputs["status"], "error");
    assert_eq!(run.output("gate", "exit-code"), "2");
    assert_eq!(run.output("gate", "report"), "");
    assert_eq!(run.output("gate", "sarif-file"), "");
    assert!(!r.ws.join("reports/security/latest.json").exists());
    assert!(!r.ws.join("leakgate.sarif").exists());
    assert_eq!(run.step(SUMMARY).code, Some(0));
    assert!(run.summary.contains("leakgate: error"), "{}", run.summary);
    assert!(run.summary.contains("exit code 2"));
    assert!(!run.step(UPLOAD).ran, "nothing to upload");
    let last = &run.step(LAST).stdout;
    assert!(last.contains("::error title=leakgate::") && last.contains("exit code 2"));
    assert_only_the_last_step_decides(&run, 1);
}

#[test]
fn a_usage_error_of_the_real_binary_is_an_error() {
    let mut r = Runner::new();
    r.cached(&leakgate_bin()).input("fail-on", "nonsense");
    write(&r.ws, "docs/guide.md", "nothing here\n");
    let run = r.run();
    assert_eq!(run.output("gate", "status"), "error");
    assert_eq!(run.output("gate", "report"), "");
    assert!(run.summary.contains("leakgate: error"));
    assert_only_the_last_step_decides(&run, 1);
}

#[test]
fn inputs_become_arguments_and_an_empty_report_writes_none() {
    let mut r = Runner::new();
    r.cached(&leakgate_bin())
        .input("paths", "a\n  b")
        .input("working-directory", "sub")
        .input("report", "")
        .input("sarif-file", "")
        .input("extra-args", "--threads 1");
    write(&r.ws, "sub/a/x.md", "fine\n");
    write(&r.ws, "sub/b/y.md", &format!("token: {}\n", ghp(5)));
    write(&r.ws, "sub/c/z.md", &format!("token: {}\n", ghp(6)));
    let run = r.run();
    assert_eq!(run.output("gate", "status"), "fail");
    let gate = &run.step(GATE).stdout;
    assert!(gate.contains("y.md") && !gate.contains("z.md"), "{gate}");
    assert_eq!(run.output("gate", "report"), "");
    assert_eq!(run.output("gate", "sarif-file"), "");
    assert!(!r.ws.join("sub/reports").exists());
    assert!(run.summary.contains("No JSON report"));
    assert!(run.uploaded.is_empty());
    assert_only_the_last_step_decides(&run, 1);
}

// ---- the release download ------------------------------------------------------------------

const LINUX_X64: &str = "x86_64-unknown-linux-gnu";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Releases served from `<root>/host/OWNER/NAME/releases/...`, as github.com lays them out.
struct Releases {
    host: PathBuf,
    /// Where the packed `leakgate` writes its arguments each time it runs.
    marker: PathBuf,
}

impl Releases {
    fn new(r: &mut Runner) -> Releases {
        let host = r.root.path().join("host");
        std::fs::create_dir_all(&host).unwrap();
        r.step_env(
            "release",
            "LG_RELEASE_HOST",
            &format!("file://{}", host.display()),
        );
        Releases {
            host,
            marker: r.root.path().join("packed-leakgate-ran"),
        }
    }

    fn dir(&self, repo: &str, version: &str) -> PathBuf {
        let d = self
            .host
            .join(repo)
            .join(format!("releases/download/v{version}"));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// Packs `leakgate-v{version}-{target}.tar.gz` (a `leakgate` that records its arguments and
    /// runs the built binary) into the release; returns the asset's name and SHA-256.
    fn pack(&self, repo: &str, version: &str, target: &str) -> (String, String) {
        let name = format!("leakgate-v{version}-{target}");
        let stage = self.host.parent().unwrap().join(format!("stage-{name}"));
        let folder = stage.join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        let exe = folder.join("leakgate");
        std::fs::write(
            &exe,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
                self.marker.display(),
                leakgate_bin().display()
            ),
        )
        .unwrap();
        executable(&exe);
        let asset = format!("{name}.tar.gz");
        let archive = self.dir(repo, version).join(&asset);
        let tar = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&stage)
            .arg(&name)
            .status()
            .unwrap();
        assert!(tar.success());
        let sum = sha256_hex(&std::fs::read(&archive).unwrap());
        (asset, sum)
    }

    fn sums(&self, repo: &str, version: &str, lines: &[(&str, &str)]) {
        let text: String = lines
            .iter()
            .map(|(sum, name)| format!("{sum}  {name}\n"))
            .collect();
        std::fs::write(self.dir(repo, version).join("SHA256SUMS"), text).unwrap();
    }

    fn packed_ran(&self) -> bool {
        self.marker.exists()
    }
}

/// A runner asking for `version` of OWNER/leakgate, on a clean tree.
fn release_runner(version: &str) -> (Runner, Releases) {
    let mut r = Runner::new();
    r.input("version", version)
        .github("action_repository", "OWNER/leakgate");
    let rel = Releases::new(&mut r);
    write(&r.ws, "docs/guide.md", "Deploy with `make release`.\n");
    (r, rel)
}

#[test]
fn a_release_version_is_downloaded_verified_and_put_on_path() {
    let (r, rel) = release_runner("0.2.0");
    let (asset, sum) = rel.pack("OWNER/leakgate", "0.2.0", LINUX_X64);
    let other = sha256_hex(b"another target");
    rel.sums(
        "OWNER/leakgate",
        "0.2.0",
        &[
            (&other, "leakgate-v0.2.0-aarch64-unknown-linux-gnu.tar.gz"),
            (&sum, &asset),
        ],
    );
    let run = r.run();
    let step = run.step(RELEASE);
    assert_eq!(step.code, Some(0), "{}{}", step.stdout, step.stderr);
    assert!(
        step.stdout
            .contains(&format!("{asset}: SHA-256 {sum} matches SHA256SUMS"))
    );
    assert_eq!(run.output("release", "version"), "0.2.0");
    assert!(!run.step(BUILD_KEY).ran, "no build when a version is given");
    assert_eq!(run.path_added.len(), 1);
    assert!(run.path_added[0].ends_with(&format!("/leakgate-v0.2.0-{LINUX_X64}")));
    let ran = std::fs::read_to_string(&rel.marker).unwrap();
    assert!(
        ran.starts_with("--version\n") && ran.contains("\nscan "),
        "{ran}"
    );
    assert_eq!(run.output("gate", "status"), "pass");
    assert_only_the_last_step_decides(&run, 0);
}

#[test]
fn a_checksum_mismatch_is_an_error_and_the_archive_is_never_unpacked() {
    let (r, rel) = release_runner("v0.2.0");
    let (asset, _) = rel.pack("OWNER/leakgate", "0.2.0", LINUX_X64);
    let wrong = sha256_hex(b"not the archive");
    rel.sums("OWNER/leakgate", "0.2.0", &[(&wrong, &asset)]);
    let run = r.run();
    let step = run.step(RELEASE);
    assert_eq!(step.code, Some(1));
    assert!(
        step.stdout
            .contains("::error title=leakgate install::checksum mismatch"),
        "{}",
        step.stdout
    );
    assert!(!rel.packed_ran(), "an unverified binary ran");
    assert!(run.path_added.is_empty());
    let unpacked = std::fs::read_dir(&r.temp)
        .unwrap()
        .any(|e| e.unwrap().path().join("unpacked").exists());
    assert!(!unpacked, "the archive was unpacked");
    assert!(!run.step(GATE).ran && !run.step(SUMMARY).ran);
    assert_eq!(run.action_outputs["status"], "");
    assert!(run.step(LAST).stdout.contains("did not run"));
    assert_eq!(run.step(LAST).code, Some(1));
    assert!(run.failed);
}

#[test]
fn a_missing_asset_checksum_or_release_is_an_error() {
    type Setup = fn(&Releases);
    let cases: [(&str, Setup, &str); 3] = [
        ("no such release", |_| {}, "could not download file://"),
        (
            "no checksum line for the asset",
            |rel| {
                let (_, sum) = rel.pack("OWNER/leakgate", "0.2.0", LINUX_X64);
                rel.sums(
                    "OWNER/leakgate",
                    "0.2.0",
                    &[(&sum, "leakgate-v0.2.0-x86_64-apple-darwin.tar.gz")],
                );
            },
            "has no single checksum for leakgate-v0.2.0-x86_64-unknown-linux-gnu.tar.gz",
        ),
        (
            "the asset is missing",
            |rel| {
                let sum = sha256_hex(b"x");
                rel.sums(
                    "OWNER/leakgate",
                    "0.2.0",
                    &[(&sum, "leakgate-v0.2.0-x86_64-unknown-linux-gnu.tar.gz")],
                );
            },
            "could not download leakgate-v0.2.0-x86_64-unknown-linux-gnu.tar.gz of v0.2.0",
        ),
    ];
    for (what, setup, message) in cases {
        let (r, rel) = release_runner("0.2.0");
        setup(&rel);
        let run = r.run();
        let step = run.step(RELEASE);
        assert_eq!(step.code, Some(1), "{what}");
        assert!(step.stdout.contains(message), "{what}: {}", step.stdout);
        assert!(!rel.packed_ran() && !run.step(GATE).ran, "{what}");
        assert_eq!(run.step(LAST).code, Some(1), "{what}");
    }
}

#[test]
fn latest_takes_the_version_from_the_latest_release_checksums() {
    let (r, rel) = release_runner("latest");
    let (asset, sum) = rel.pack("OWNER/leakgate", "0.3.1", LINUX_X64);
    let other = sha256_hex(b"mac");
    let lines = [
        (
            other.as_str(),
            "leakgate-v0.3.1-aarch64-apple-darwin.tar.gz",
        ),
        (sum.as_str(), asset.as_str()),
    ];
    rel.sums("OWNER/leakgate", "0.3.1", &lines);
    // github.com redirects releases/latest/download/NAME to the newest release's asset.
    let latest = rel.host.join("OWNER/leakgate/releases/latest/download");
    std::fs::create_dir_all(&latest).unwrap();
    std::fs::copy(
        rel.dir("OWNER/leakgate", "0.3.1").join("SHA256SUMS"),
        latest.join("SHA256SUMS"),
    )
    .unwrap();
    let run = r.run();
    assert_eq!(
        run.step(RELEASE).code,
        Some(0),
        "{}",
        run.step(RELEASE).stdout
    );
    assert_eq!(run.output("release", "version"), "0.3.1");
    assert!(rel.packed_ran());
    assert_only_the_last_step_decides(&run, 0);
}

#[test]
fn each_runner_asks_for_its_own_archive() {
    let cases = [
        (
            "Linux",
            "X64",
            "leakgate-v0.2.0-x86_64-unknown-linux-gnu.tar.gz",
        ),
        (
            "Linux",
            "ARM64",
            "leakgate-v0.2.0-aarch64-unknown-linux-gnu.tar.gz",
        ),
        ("macOS", "X64", "leakgate-v0.2.0-x86_64-apple-darwin.tar.gz"),
        (
            "macOS",
            "ARM64",
            "leakgate-v0.2.0-aarch64-apple-darwin.tar.gz",
        ),
        (
            "Windows",
            "X64",
            "leakgate-v0.2.0-x86_64-pc-windows-msvc.zip",
        ),
        (
            "Windows",
            "ARM64",
            "no leakgate release binary for Windows ARM64",
        ),
        ("Linux", "ARM", "no leakgate release binary for Linux ARM"),
    ];
    for (os, arch, expected) in cases {
        let (mut r, rel) = release_runner("0.2.0");
        rel.sums("OWNER/leakgate", "0.2.0", &[]);
        r.runner(os, arch);
        let run = r.run();
        let step = run.step(RELEASE);
        assert_eq!(step.code, Some(1), "{os} {arch}");
        assert!(
            step.stdout.contains(expected),
            "{os} {arch}: {}",
            step.stdout
        );
    }
}

#[test]
fn bad_versions_are_refused_before_any_download() {
    for version in ["0.2", "../0.2.0", "0.2.0;id", "main"] {
        let (r, _rel) = release_runner(version);
        let run = r.run();
        let step = run.step(RELEASE);
        assert_eq!(step.code, Some(1), "{version}");
        assert!(
            step.stdout.contains("version must be latest or a release"),
            "{version}"
        );
    }
}

#[test]
fn releases_come_from_the_actions_own_repository() {
    // (github.action_repository, input repository, github.action_path, where the release is)
    let cases = [
        (
            "ACME/leakgate",
            "OTHER/leakgate",
            "/w/_actions/X/y/v1",
            Some("ACME/leakgate"),
        ),
        (
            "",
            "OTHER/leakgate",
            "/w/_actions/X/y/v1",
            Some("OTHER/leakgate"),
        ),
        // Composite actions may see an empty github.action_repository: the runner's download
        // path names the repository.
        (
            "",
            "",
            "/home/runner/work/_actions/ACME/leakgate/v1",
            Some("ACME/leakgate"),
        ),
        ("", "", env!("CARGO_MANIFEST_DIR"), None),
    ];
    for (own, input, path, expected) in cases {
        let (mut r, rel) = release_runner("0.2.0");
        r.github("action_repository", own)
            .github("action_path", path)
            .input("repository", input);
        for repo in ["ACME/leakgate", "OTHER/leakgate", "X/y"] {
            let (asset, sum) = rel.pack(repo, "0.2.0", LINUX_X64);
            if Some(repo) == expected {
                rel.sums(repo, "0.2.0", &[(&sum, &asset)]);
            }
        }
        let run = r.run();
        let step = run.step(RELEASE);
        match expected {
            Some(repo) => assert_eq!(step.code, Some(0), "{repo}: {}", step.stdout),
            None => {
                assert_eq!(step.code, Some(1));
                assert!(
                    step.stdout.contains("set the input repository"),
                    "{}",
                    step.stdout
                );
            }
        }
    }
}

// ---- docs/org-audit.md's merge step ---------------------------------------------------------

/// The `run` of the merge job's "Merge the reports" step in docs/org-audit.md.
fn org_audit_merge_script() -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/org-audit.md"))
            .unwrap();
    let yaml = doc
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block");
    let wf: Value = serde_yaml_ng::from_str(yaml).expect("the workflow parses");
    wf["jobs"]["merge"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some("Merge the reports"))
        .and_then(|s| s["run"].as_str())
        .expect("a merge step")
        .to_string()
}

/// Scans a one-file tree into `<dir>/reports/<name>/latest.json`.
fn report_of(dir: &Path, name: &str, text: &str) {
    let tree = tempfile::tempdir().unwrap();
    write(tree.path(), "docs/a.md", text);
    let out = Command::new(leakgate_bin())
        .current_dir(tree.path())
        .args(["scan", "-q", "--report"])
        .arg(dir.join(format!("reports/{name}/latest.json")))
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1);
}

/// Runs the merge step in `dir` as a runner would; returns its exit code, log and summary.
fn run_merge(dir: &Path) -> (i32, String, String) {
    let script = dir.join("merge.sh");
    std::fs::write(&script, org_audit_merge_script()).unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "").unwrap();
    let path = format!(
        "{}:{}",
        leakgate_bin().parent().unwrap().display(),
        Runner::base_path()
    );
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        log,
        std::fs::read_to_string(&summary).unwrap(),
    )
}

#[test]
fn the_org_audit_merge_step_writes_the_summary_and_then_fails() {
    let token = ghp(77);
    let dir = tempfile::tempdir().unwrap();
    report_of(dir.path(), "acme-web", "fine\n");
    let (code, log, summary) = run_merge(dir.path());
    assert_eq!(code, 0, "{log}");
    assert!(summary.contains("acme-web"), "{summary}");

    report_of(dir.path(), "acme-api", &format!("token: {token}\n"));
    let (code, log, summary) = run_merge(dir.path());
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("::error"), "{log}");
    assert!(
        summary.contains("acme-api") && summary.contains("acme-web"),
        "{summary}"
    );
    assert!(dir.path().join("org-audit.json").is_file());
    assert_no_secret("the merged summary", &summary, &token);
    assert_no_secret("the merge log", &log, &token);

    let empty = tempfile::tempdir().unwrap();
    let (code, log, _) = run_merge(empty.path());
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("::error"), "{log}");
}
