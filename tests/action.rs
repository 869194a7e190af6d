//! `action.yml` is a well-formed composite action: every input is used by a step, inputs reach
//! scripts through `env:` (never spliced into script text, which would let a crafted input run
//! code), every `run:` script passes `bash -n`, every output points at a step that writes it,
//! every `uses:` is pinned to a version, and the job fails on `fail` only after the uploads.

use serde_yaml_ng::Value;
use std::io::Write;
use std::path::Path;
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
    for key in ["status", "report"] {
        assert!(a["outputs"].get(key).is_some(), "missing output {key}");
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
    let fail = all
        .iter()
        .position(|s| {
            s["if"]
                .as_str()
                .is_some_and(|c| c.contains("steps.gate.outputs.status == 'fail'"))
        })
        .expect("a step that fails the job on fail");
    assert!(fail > upload, "the job must fail after the upload");
    assert_eq!(fail, all.len() - 1);
    let cond = all[upload]["if"].as_str().unwrap();
    assert!(cond.contains("always()") && cond.contains("inputs.upload-sarif == 'true'"));
}
