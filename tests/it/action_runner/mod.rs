//! A small stand-in for the GitHub Actions runner, enough to run `action.yml`'s composite steps
//! for real: each `run:` script goes to `bash --noprofile --norc -eo pipefail FILE` (what
//! `shell: bash` means on a runner) with fresh GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH and
//! GITHUB_ENV files; `if:` conditions and `${{ }}` expressions are evaluated over the inputs, the
//! steps' outputs and the few `github`/`runner` values defined here (any other context is a test
//! failure, so the action cannot quietly depend on one the test does not model); a failed step
//! skips the following steps unless their condition calls a status function (`always()`). The two
//! actions the composite uses are simulated: `actions/cache` restores a given binary (a cache hit,
//! so no test compiles leakgate), and `upload-sarif` records the file it was given.

use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The value of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Str(String),
}

impl V {
    fn truthy(&self) -> bool {
        match self {
            V::Null => false,
            V::Bool(b) => *b,
            V::Str(s) => !s.is_empty(),
        }
    }

    /// How the runner puts the value into a string (`env:`, `with:`, outputs).
    pub fn text(&self) -> String {
        match self {
            V::Null => String::new(),
            V::Bool(b) => b.to_string(),
            V::Str(s) => s.clone(),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Str(String),
    Word(String),
    Op(&'static str),
}

fn tokens(expr: &str) -> Vec<Tok> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' {
            let mut s = String::new();
            i += 1;
            loop {
                assert!(i < b.len(), "unterminated string in `{expr}`");
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        s.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(b[i] as char);
                i += 1;
            }
            out.push(Tok::Str(s));
        } else if let Some(op) = ["==", "!=", "&&", "||"]
            .into_iter()
            .find(|op| expr[i..].starts_with(op))
        {
            out.push(Tok::Op(op));
            i += 2;
        } else if c == b'!' || c == b'(' || c == b')' {
            out.push(Tok::Op(match c {
                b'!' => "!",
                b'(' => "(",
                _ => ")",
            }));
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.".contains(&b[i])) {
                i += 1;
            }
            out.push(Tok::Word(expr[start..i].to_string()));
        } else {
            panic!(
                "unsupported character {:?} in expression `{expr}`",
                c as char
            );
        }
    }
    out
}

/// Evaluates a GitHub expression (without `${{ }}`): literals, context paths, `!`, `==`, `!=`
/// (strings compared ignoring case, as GitHub does), `&&`, `||` (both yield an operand, as in
/// GitHub), parentheses and the status functions.
struct Eval<'a> {
    toks: Vec<Tok>,
    pos: usize,
    lookup: &'a dyn Fn(&str) -> V,
    failed: bool,
}

impl Eval<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, op: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Op(o)) if *o == op);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn or(&mut self) -> V {
        let mut v = self.and();
        while self.eat("||") {
            let r = self.and();
            if !v.truthy() {
                v = r;
            }
        }
        v
    }

    fn and(&mut self) -> V {
        let mut v = self.not();
        while self.eat("&&") {
            let r = self.not();
            if v.truthy() {
                v = r;
            }
        }
        v
    }

    fn not(&mut self) -> V {
        if self.eat("!") {
            return V::Bool(!self.not().truthy());
        }
        let left = self.primary();
        if self.eat("==") {
            let right = self.primary();
            return V::Bool(left.text().eq_ignore_ascii_case(&right.text()));
        }
        if self.eat("!=") {
            let right = self.primary();
            return V::Bool(!left.text().eq_ignore_ascii_case(&right.text()));
        }
        left
    }

    fn primary(&mut self) -> V {
        if self.eat("(") {
            let v = self.or();
            assert!(self.eat(")"), "missing `)`");
            return v;
        }
        let tok = self.toks.get(self.pos).expect("an operand");
        self.pos += 1;
        match tok {
            Tok::Str(s) => V::Str(s.clone()),
            Tok::Word(w) => {
                let w = w.clone();
                if self.eat("(") {
                    assert!(self.eat(")"), "functions here take no arguments: {w}");
                    return V::Bool(match w.as_str() {
                        "always" => true,
                        "success" => !self.failed,
                        "failure" => self.failed,
                        "cancelled" => false,
                        _ => panic!("unsupported function {w}()"),
                    });
                }
                match w.as_str() {
                    "true" => V::Bool(true),
                    "false" => V::Bool(false),
                    "null" => V::Null,
                    path => (self.lookup)(path),
                }
            }
            Tok::Op(op) => panic!("unexpected `{op}`"),
        }
    }
}

/// Evaluates `expr` (no `${{ }}`) with `failed` saying whether an earlier step failed.
pub fn eval(expr: &str, lookup: &dyn Fn(&str) -> V, failed: bool) -> V {
    let mut e = Eval {
        toks: tokens(expr),
        pos: 0,
        lookup,
        failed,
    };
    let v = e.or();
    assert_eq!(e.pos, e.toks.len(), "trailing tokens in `{expr}`");
    v
}

/// Replaces every `${{ expr }}` in `text` by its value.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> V) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("`${{` is closed") + start;
        out.push_str(&eval(&rest[start + 3..end], lookup, false).text());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// What became of one step.
#[derive(Debug, Default)]
pub struct StepRun {
    pub name: String,
    pub ran: bool,
    /// The script's exit code (None: skipped, or a `uses:` step).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The result of running the whole action.
#[derive(Debug, Default)]
pub struct Run {
    pub steps: Vec<StepRun>,
    pub outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// The action's own outputs (`outputs:` of action.yml, evaluated at the end).
    pub action_outputs: BTreeMap<String, String>,
    pub summary: String,
    /// Directories the steps added to PATH, in order.
    pub path_added: Vec<String>,
    /// SARIF files given to the upload step.
    pub uploaded: Vec<PathBuf>,
    /// Whether any step failed (the job's result).
    pub failed: bool,
}

impl Run {
    pub fn step(&self, name: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step named {name:?}"))
    }

    /// A step's output, or "" when it wrote none.
    pub fn output(&self, id: &str, key: &str) -> String {
        self.outputs
            .get(id)
            .and_then(|o| o.get(key))
            .cloned()
            .unwrap_or_default()
    }

    /// Everything every step printed.
    pub fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| format!("{}{}", s.stdout, s.stderr))
            .collect()
    }
}

/// One run of action.yml in its own temporary directory: `ws` is the workspace (the checkout),
/// `temp` is RUNNER_TEMP.
pub struct Runner {
    action: Value,
    pub root: tempfile::TempDir,
    pub ws: PathBuf,
    pub temp: PathBuf,
    files: PathBuf,
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    os: String,
    arch: String,
    cache_bin: Option<PathBuf>,
    env_overrides: BTreeMap<(String, String), String>,
}

impl Runner {
    pub fn new() -> Runner {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
        let action: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap())
            .expect("action.yml parses");
        let root = tempfile::tempdir().unwrap();
        let (ws, temp, files) = (
            root.path().join("ws"),
            root.path().join("temp"),
            root.path().join("files"),
        );
        for d in [&ws, &temp, &files, &root.path().join("home")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let inputs = action["inputs"]
            .as_mapping()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let default = match &v["default"] {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    other => panic!("input {k:?} has default {other:?}"),
                };
                (k.as_str().unwrap().to_string(), default)
            })
            .collect();
        let github = BTreeMap::from([
            (
                "action_path".to_string(),
                env!("CARGO_MANIFEST_DIR").to_string(),
            ),
            ("action_repository".to_string(), String::new()),
            ("workspace".to_string(), ws.display().to_string()),
        ]);
        Runner {
            action,
            root,
            ws,
            temp,
            files,
            inputs,
            github,
            os: "Linux".into(),
            arch: "X64".into(),
            cache_bin: None,
            env_overrides: BTreeMap::new(),
        }
    }

    /// Sets an input (which must be declared in action.yml).
    pub fn input(&mut self, name: &str, value: &str) -> &mut Self {
        assert!(
            self.inputs.contains_key(name),
            "action.yml has no input {name}"
        );
        self.inputs.insert(name.into(), value.into());
        self
    }

    /// Sets a `github` context value (action_path, action_repository, workspace).
    pub fn github(&mut self, key: &str, value: &str) -> &mut Self {
        assert!(
            self.github.contains_key(key),
            "github.{key} is not modelled"
        );
        self.github.insert(key.into(), value.into());
        self
    }

    pub fn runner(&mut self, os: &str, arch: &str) -> &mut Self {
        self.os = os.into();
        self.arch = arch.into();
        self
    }

    /// The actions/cache step restores `bin` as `<path>/bin/leakgate` (a cache hit).
    pub fn cached(&mut self, bin: &Path) -> &mut Self {
        self.cache_bin = Some(bin.to_path_buf());
        self
    }

    /// Replaces the value of `key` in the `env:` of step `id` (which must already set it).
    pub fn step_env(&mut self, id: &str, key: &str, value: &str) -> &mut Self {
        let step = self
            .steps()
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no step {id}"));
        assert!(step["env"].get(key).is_some(), "step {id} sets no {key}");
        self.env_overrides
            .insert((id.into(), key.into()), value.into());
        self
    }

    fn steps(&self) -> &Vec<Value> {
        self.action["runs"]["steps"].as_sequence().unwrap()
    }

    fn lookup(&self, run: &Run, path: &str) -> V {
        let parts: Vec<&str> = path.split('.').collect();
        match parts[..] {
            ["inputs", name] => V::Str(
                self.inputs
                    .get(name)
                    .unwrap_or_else(|| panic!("undeclared input {name}"))
                    .clone(),
            ),
            ["steps", id, "outputs", key] => run
                .outputs
                .get(id)
                .and_then(|o| o.get(key))
                .map_or(V::Null, |v| V::Str(v.clone())),
            ["github", key] => V::Str(
                self.github
                    .get(key)
                    .unwrap_or_else(|| panic!("github.{key} is not modelled"))
                    .clone(),
            ),
            ["runner", "os"] => V::Str(self.os.clone()),
            ["runner", "arch"] => V::Str(self.arch.clone()),
            ["runner", "temp"] => V::Str(self.temp.display().to_string()),
            _ => panic!("the test does not model the context `{path}`"),
        }
    }

    /// PATH for the steps: the test's own, without any directory holding a `leakgate` (so only
    /// the one the action installs can run).
    pub fn base_path() -> String {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs: Vec<PathBuf> = std::env::split_paths(&path)
            .filter(|d| !d.join("leakgate").exists())
            .collect();
        std::env::join_paths(dirs)
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// Runs every step of the action, in order.
    pub fn run(&self) -> Run {
        let mut run = Run::default();
        let mut extra_env: BTreeMap<String, String> = BTreeMap::new();
        for (i, step) in self.steps().iter().enumerate() {
            let name = step["name"]
                .as_str()
                .expect("every step is named")
                .to_string();
            let cond = step["if"].as_str().unwrap_or("").trim();
            let cond = cond
                .strip_prefix("${{")
                .and_then(|c| c.strip_suffix("}}"))
                .unwrap_or(cond)
                .trim();
            let look = |p: &str| self.lookup(&run, p);
            let status_fn = ["always(", "success(", "failure(", "cancelled("]
                .iter()
                .any(|f| cond.contains(f));
            let go = if cond.is_empty() {
                !run.failed
            } else if status_fn {
                eval(cond, &look, run.failed).truthy()
            } else {
                !run.failed && eval(cond, &look, run.failed).truthy()
            };
            let id = step["id"].as_str().map(str::to_string);
            if !go {
                run.steps.push(StepRun {
                    name,
                    ..StepRun::default()
                });
                continue;
            }
            let with = |key: &str| expand(step["with"][key].as_str().unwrap_or(""), &look);
            if let Some(uses) = step["uses"].as_str() {
                let mut outputs = BTreeMap::new();
                if uses.starts_with("actions/cache@") {
                    let (path, key) = (with("path"), with("key"));
                    assert!(!path.is_empty() && !key.is_empty(), "cache path and key");
                    let hit = if let Some(bin) = &self.cache_bin {
                        let dir = Path::new(&path).join("bin");
                        std::fs::create_dir_all(&dir).unwrap();
                        std::os::unix::fs::symlink(bin, dir.join("leakgate")).unwrap();
                        "true"
                    } else {
                        "false"
                    };
                    outputs.insert("cache-hit".to_string(), hit.to_string());
                } else if uses.starts_with("github/codeql-action/upload-sarif@") {
                    let file = PathBuf::from(with("sarif_file"));
                    assert!(file.is_absolute(), "the SARIF path is absolute");
                    let sarif: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(&file).expect("SARIF exists"))
                            .expect("SARIF is JSON");
                    assert_eq!(sarif["version"], "2.1.0");
                    assert!(!with("category").is_empty());
                    run.uploaded.push(file);
                } else {
                    panic!("the test does not simulate {uses}");
                }
                if let Some(id) = &id {
                    run.outputs.insert(id.clone(), outputs);
                }
                run.steps.push(StepRun {
                    name,
                    ran: true,
                    ..StepRun::default()
                });
                continue;
            }

            let script = step["run"].as_str().expect("a step runs or uses");
            assert_eq!(step["shell"], "bash");
            let file = |what: &str| {
                let p = self.files.join(format!("step{i}-{what}"));
                std::fs::write(&p, "").unwrap();
                p
            };
            let (out_f, sum_f, path_f, env_f) =
                (file("output"), file("summary"), file("path"), file("env"));
            let script_f = file("script.sh");
            std::fs::write(&script_f, script).unwrap();
            let wd = expand(step["working-directory"].as_str().unwrap_or("."), &look);
            let mut path = run.path_added.clone();
            path.reverse();
            path.push(Self::base_path());
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_f)
                .current_dir(self.ws.join(wd))
                .env_clear()
                .env("PATH", path.join(":"))
                .env("HOME", self.root.path().join("home"))
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("RUNNER_OS", &self.os)
                .env("RUNNER_ARCH", &self.arch)
                .env("RUNNER_TEMP", &self.temp)
                .env("GITHUB_WORKSPACE", &self.ws)
                .env("GITHUB_ACTION_PATH", &self.github["action_path"])
                .env("GITHUB_OUTPUT", &out_f)
                .env("GITHUB_STEP_SUMMARY", &sum_f)
                .env("GITHUB_PATH", &path_f)
                .env("GITHUB_ENV", &env_f)
                .envs(&extra_env);
            if let Some(env) = step["env"].as_mapping() {
                for (k, v) in env {
                    let k = k.as_str().unwrap();
                    let v = v.as_str().expect("env values are strings");
                    let over = id
                        .as_ref()
                        .and_then(|id| self.env_overrides.get(&(id.clone(), k.to_string())));
                    let value = over.cloned().unwrap_or_else(|| expand(v, &look));
                    cmd.env(k, value);
                }
            }
            let out = cmd.output().expect("bash runs");
            let code = out.status.code().unwrap_or(-1);
            if let Some(id) = &id {
                run.outputs.insert(
                    id.clone(),
                    parse_output(&std::fs::read_to_string(&out_f).unwrap()),
                );
            } else {
                assert_eq!(
                    std::fs::read_to_string(&out_f).unwrap(),
                    "",
                    "step {name:?} has no id but writes outputs"
                );
            }
            run.summary
                .push_str(&std::fs::read_to_string(&sum_f).unwrap());
            for line in std::fs::read_to_string(&path_f).unwrap().lines() {
                run.path_added.push(line.to_string());
            }
            extra_env.extend(parse_output(&std::fs::read_to_string(&env_f).unwrap()));
            if code != 0 {
                run.failed = true;
            }
            run.steps.push(StepRun {
                name,
                ran: true,
                code: Some(code),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        for (k, v) in self.action["outputs"].as_mapping().unwrap() {
            let value = expand(v["value"].as_str().unwrap(), &|p| self.lookup(&run, p));
            run.action_outputs
                .insert(k.as_str().unwrap().to_string(), value);
        }
        run
    }
}

/// Parses a GITHUB_OUTPUT / GITHUB_ENV file: `key=value` lines and `key<<DELIM` blocks.
pub fn parse_output(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((k, delim)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            out.insert(k.to_string(), value.join("\n"));
        } else if let Some((k, v)) = line.split_once('=') {
            out.insert(k.to_string(), v.to_string());
        } else {
            panic!("malformed output line {line:?}");
        }
    }
    out
}
