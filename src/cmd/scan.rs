//! `leakgate scan`: find the project root and its configuration, walk the tree (or list the index
//! with `--staged`, read the history with `--git`, read stdin with `-`), scan, write the report
//! and SARIF, print the chosen format, and turn the verdict into the exit code.
//!
//! Every path in the outputs is relative to the project root (`source::root`): the nearest
//! directory holding `.leakgate.toml` from the first scanned path upward, up to the git
//! top-level; else that top-level; else the current directory. `--staged` uses the git
//! top-level. A named path that does not exist is a usage error, found before anything is read.

use super::{Exit, print};
use crate::baseline::{self, Baseline};
use crate::cli::{ColorChoice, FailOn, Format, ScanArgs};
use crate::config::{Config, Scope};
use crate::detect::Scanner;
use crate::engine::{self, Budget, Pipeline};
use crate::finding::{Source, State};
use crate::hygiene;
use crate::known::{KnownSet, KnownValues};
use crate::listing;
use crate::pathcheck::PathSecrets;
use crate::progress::{self, Progress};
use crate::report::{
    self, Report, RulesInfo, Skipped, Stats, Status, github, human, json, jsonl, junit, markdown,
    sarif,
};
use crate::rules::Severity;
use crate::source::history::HistoryPlan;
use crate::source::root::Root;
use crate::source::staged::{self, Repo, StagedPlan};
use crate::source::stdin;
use crate::source::walk::{self, WalkPlan};
use miette::{IntoDiagnostic, miette};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Files the walk may have found ahead of the scan: a bounded queue between them.
const WALK_QUEUE: usize = 1024;
/// Files handed from the walk to the scan at a time.
const WALK_BATCH: usize = 64;

/// A finished scan: the judged report plus what the outputs need.
pub struct ScanRun {
    pub report: Report,
    pub pipe: Pipeline,
    pub root: PathBuf,
    /// The baseline file that applies, if any (read or not yet written).
    pub baseline_path: PathBuf,
    pub baseline: Option<Baseline>,
}

pub fn run(args: ScanArgs) -> miette::Result<Exit> {
    let started = Instant::now();
    let run = execute(&args)?;
    let report = &run.report;
    let rules = run.pipe.rules();
    if !args.no_report {
        let path = &args.report;
        report::write_atomic(path, json::render(report).as_bytes())
            .map_err(|e| miette!("cannot write report {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.sarif {
        report::write_atomic(path, sarif::render(report, rules).as_bytes())
            .map_err(|e| miette!("cannot write SARIF {}: {e}", path.display()))?;
    }
    let stdout = match args.format {
        Format::Human if args.quiet => String::new(),
        Format::Human => human::render(
            report,
            rules,
            human::HumanOptions {
                color: use_color(args.color),
                width: 110,
                explain: args.explain_suppressed,
            },
        ),
        Format::Json => json::render(report),
        Format::Jsonl => jsonl::render(report),
        Format::Sarif => sarif::render(report, rules),
        Format::Github => github::render(report),
        Format::Junit => junit::render(report),
        Format::Markdown => {
            let doc = serde_json::to_value(report).into_diagnostic()?;
            markdown::render(&doc).map_err(|e| miette!("{e}"))?
        }
    };
    print(&stdout).into_diagnostic()?;
    if args.verbose {
        #[allow(clippy::print_stderr)]
        {
            match peak_rss_kib() {
                Some(kib) => eprintln!(
                    "leakgate: outputs written, total {:?}, peak RSS {:.1} MiB (this process)",
                    started.elapsed(),
                    kib as f64 / 1024.0
                ),
                None => eprintln!("leakgate: outputs written, total {:?}", started.elapsed()),
            }
        }
    }
    Ok(match report.status {
        Status::Pass => Exit::Pass,
        Status::Fail => Exit::Fail,
    })
}

/// Resolves the configuration, walks the tree (or lists the index with `--staged`), scans,
/// applies the baseline and judges the report.
pub fn execute(args: &ScanArgs) -> miette::Result<ScanRun> {
    let started = Instant::now();
    let from_stdin = stdin::named(&args.paths).map_err(|e| miette!("{e}"))?;
    usage(args, from_stdin)?;
    let repo = match args.staged {
        true => Some(staged::repo(Path::new(".")).map_err(|e| miette!("{e}"))?),
        false => None,
    };
    let project = match (&repo, from_stdin) {
        (Some(r), _) => Root::at_dir(&r.top),
        (None, true) => Root::discover(Path::new(".")),
        (None, false) => Root::discover(&args.paths[0]),
    }
    .map_err(|e| miette!("cannot find the project root: {e}"))?;
    let root = project.dir.clone();
    let config = Config::discover(&root, args.config.as_deref())?;
    let (scopes, restrict) = resolve_scopes(args, &config)?;
    let fail_on = args
        .fail_on
        .map(severity)
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    let (threads, pool) = super::workers(args.threads)?;

    let mut skip = Vec::new();
    if !args.no_report {
        skip.push(output_dir_to_skip(&args.report, &args.paths));
    }
    if let Some(p) = &args.sarif {
        skip.push(p.clone());
    }
    // A staged scan's git side (the listing, then `git cat-file` streaming the blobs) starts
    // now, on its own thread, while the pack compiles: a pre-commit hook waits for both.
    let staged_side = repo.as_ref().map(|repo| {
        let plan = StagedPlan {
            paths: args.paths.clone(),
            scopes: scopes.clone(),
            restrict,
            exclude: config.exclude.clone(),
            skip: skip.iter().filter_map(|p| repo_path(repo, p)).collect(),
        };
        let (owned, max_size) = (repo.clone(), config.max_file_size);
        let side = std::thread::spawn(move || {
            let selected = staged::select(&owned, &plan)?;
            let listed: Vec<String> = selected.entries.iter().map(|e| e.path.clone()).collect();
            let blobs = staged::read_blobs(&owned, selected.entries, max_size)?;
            Ok::<_, String>((listed, selected.considered, selected.excluded, blobs))
        });
        (repo, side)
    });

    // On the scan's threads: the pack's rules are compiled in parallel.
    let pack = pool.install(|| config.rule_pack())?;
    let hygiene_rules = config.hygiene_rules();
    let rules_info = RulesInfo {
        count: pack.rules.len() + hygiene_rules.len(),
        pack_digest: pack.digest.clone(),
    };
    let mut known_settings = config.known.clone();
    known_settings.env &= !args.no_env;
    let known = KnownSet::load(&known_settings, &root, &args.env_files)?;
    let known_count = known.vars.len();
    let mut scanner = Scanner::new(pack).with_known(KnownValues::build(&known));
    scanner.explain = args.explain_suppressed;
    // After `with_known`: the hygiene rules never run as patterns, they name hygiene findings.
    scanner.pack.rules.extend(hygiene_rules);
    let mut pipe = Pipeline::new(scanner).with_allow(config.allow.clone());
    pipe.decode = !args.no_decode;
    if repo.is_none() && !from_stdin {
        missing_paths(&pipe, &args.paths)?;
    }
    let (baseline_path, baseline) = load_baseline(args.baseline.as_deref(), &root)?;
    let t_rules = started.elapsed();

    let max_listed = match args.max_findings_per_file {
        None => Some(listing::DEFAULT_MAX_LISTED),
        Some(0) => None,
        Some(n) => Some(n),
    };
    let budget = Budget {
        max_file_size: config.max_file_size,
        max_file_time: config.max_file_time,
        max_listed,
    };
    // The hygiene checks of a directory scan walk it for env and key files: on their own thread,
    // while the pool scans (after the scan, their walk was a single-threaded tail).
    let tree_dir = match &args.paths[..] {
        [one] if repo.is_none() && !args.git && !from_stdin && one.is_dir() => {
            project.relative(one).map(|prefix| (one.clone(), prefix))
        }
        _ => None,
    };
    let hygiene = tree_dir.map(|(dir, prefix)| {
        let env_files: Vec<(String, PathBuf)> = config
            .known
            .env_files
            .iter()
            .map(|p| root.join(p))
            .chain(args.env_files.iter().cloned())
            .map(|p| (project.name(&p), p))
            .collect();
        // The config's globs were checked when it was read.
        let exclude = walk::excludes_within(&config.exclude, &prefix)
            .unwrap_or_else(|_| config.exclude.clone());
        let rules = config.hygiene_rules();
        std::thread::spawn(move || {
            let plan = hygiene::Plan {
                dir: &dir,
                prefix: &prefix,
                exclude: &exclude,
                env_files: &env_files,
                today: &crate::date::today(),
            };
            hygiene::check(&plan, &rules)
        })
    });
    let mut git = None;
    let mut special = 0;
    // Files walked, when the walk streams and `listed` keeps only some of their names.
    let mut files_listed = None;
    let (mut scanned, excluded, listed, t_walk) = if let Some((repo, side)) = staged_side {
        let (listed, considered, excluded, blobs) = side
            .join()
            .map_err(|_| miette!("the staged listing stopped unexpectedly"))?
            .map_err(|e| miette!("{e}"))?;
        let t_walk = started.elapsed();
        let mut scanned =
            pool.install(|| engine::scan_blobs(&pipe, blobs.into_iter(), &Source::Staged));
        scanned
            .findings
            .extend(staged_hygiene(repo, &considered, &config)?);
        (scanned, excluded, listed, t_walk)
    } else if args.git {
        let plan = HistoryPlan {
            repo: root.clone(),
            range: args
                .range
                .clone()
                .or_else(|| args.since.as_ref().map(|rev| format!("{rev}..HEAD"))),
            scopes: scopes.clone(),
            restrict,
            exclude: config.exclude.clone(),
        };
        let t_walk = started.elapsed();
        let h = pool
            .install(|| engine::history::scan(&pipe, &plan, budget))
            .map_err(|e| miette!("cannot scan the git history: {e}"))?;
        git = Some(h.stats);
        (h.scanned, 0, h.paths.into_iter().collect(), t_walk)
    } else if from_stdin {
        let name = args.stdin_name.as_deref().unwrap_or(stdin::DEFAULT_NAME);
        let t_walk = started.elapsed();
        if walk::excluded(&config.exclude, name).map_err(|e| miette!("{e}"))? {
            (engine::Scanned::default(), 1, Vec::new(), t_walk)
        } else {
            let scanned = engine::scan_stdin(&pipe, name, budget);
            (scanned, 0, vec![name.to_string()], t_walk)
        }
    } else {
        let plan = WalkPlan {
            roots: args.paths.clone(),
            root: project.clone(),
            scopes: scopes.clone(),
            restrict,
            exclude: config.exclude.clone(),
            skip,
            threads,
        };
        // The walk streams into the scan through a bounded channel: neither holds the list of
        // every file. What the later steps need of that list is kept as the files are scanned:
        // the names that hold a secret (`pathcheck`), the baseline's names that were read.
        // The walk and the scan overlap: the scan's time includes the walk's.
        let t_walk = started.elapsed();
        let bar = Progress::new(0, progress::wanted(args.quiet, false));
        let in_baseline: BTreeSet<&str> = baseline
            .iter()
            .flat_map(|b| b.entries.iter().map(|e| e.path.as_str()))
            .collect();
        let count = AtomicU64::new(0);
        let kept = Mutex::new(Vec::new());
        let (walked, mut scanned) = std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel(WALK_QUEUE / WALK_BATCH);
            let walker = s.spawn(|| {
                let tx = tx;
                // Files go in batches: one hand-over per file cost a tenth more CPU time on a
                // tree of small files (a wake-up of a sleeping thread each).
                let batch = Mutex::new(Vec::with_capacity(WALK_BATCH));
                // The receiver hangs up only when the scan stops early.
                let walked = walk::walk_each(&plan, &|f| {
                    bar.grow();
                    let mut b = batch.lock().unwrap();
                    b.push(f);
                    if b.len() >= WALK_BATCH {
                        let full = std::mem::replace(&mut *b, Vec::with_capacity(WALK_BATCH));
                        drop(b);
                        let _ = tx.send(full);
                    }
                });
                let _ = tx.send(batch.into_inner().unwrap());
                walked
            });
            let done = |f: &walk::FileEntry| {
                count.fetch_add(1, Ordering::Relaxed);
                if in_baseline.contains(f.path.as_str())
                    || PathSecrets::holds_secret(&pipe, &f.path)
                {
                    kept.lock().unwrap().push(f.path.clone());
                }
                bar.inc();
            };
            let scanned = pool.install(|| {
                engine::scan_files_streamed(&pipe, rx.into_iter().flatten(), budget, &done)
            });
            (walker.join().expect("the walk does not panic"), scanned)
        });
        let walked = walked.map_err(|e| miette!("cannot walk: {e}"))?;
        special = walked.special;
        bar.finish();
        scanned.errors.extend(walked.errors);
        let mut listed = kept.into_inner().unwrap();
        listed.sort();
        files_listed = Some(count.into_inner());
        (scanned, walked.excluded, listed, t_walk)
    };
    if let Some(h) = hygiene {
        scanned
            .findings
            .extend(h.join().expect("the hygiene checks do not panic"));
    }
    // Secrets in file and directory names: reported, and masked wherever a path is shown.
    let source = if repo.is_some() {
        Source::Staged
    } else if from_stdin {
        Source::Stdin
    } else {
        Source::File
    };
    let in_paths = PathSecrets::check(
        &pipe,
        listed
            .iter()
            .chain(scanned.findings.iter().map(|f| &f.path))
            .chain(scanned.errors.iter().map(|e| &e.path))
            .map(String::as_str),
        &source,
    );
    in_paths.mask_all(
        scanned
            .findings
            .iter_mut()
            .map(|f| &mut f.path)
            .chain(scanned.errors.iter_mut().map(|e| &mut e.path)),
    );
    scanned.findings.extend(in_paths.findings);
    engine::sort(&mut scanned);
    // Staged blobs, the history and the hygiene checks are limited here; files as they were read.
    listing::limit(&mut scanned.findings, max_listed, &mut scanned.unlisted);
    scanned.unlisted.sort_by(|a, b| a.path.cmp(&b.path));
    let t_scan = started.elapsed();

    let unlisted = std::mem::take(&mut scanned.unlisted);
    let (dropped, findings): (Vec<_>, Vec<_>) = scanned
        .findings
        .into_iter()
        .partition(|f| f.state == State::Dropped);
    let stats = Stats {
        files_scanned: scanned.files_scanned,
        bytes_scanned: scanned.bytes_scanned,
        skipped: Skipped {
            binary: scanned.skipped_binary,
            excluded,
            special,
        },
        duration_ms: started.elapsed().as_millis() as u64,
        git,
    };
    let mut report = Report::new(
        project.shown(),
        &scopes,
        fail_on,
        rules_info,
        stats,
        findings,
        scanned.errors,
    );
    report.dropped = dropped;
    report.unlisted = unlisted;
    report.strict = args.strict;
    if let Some(b) = &baseline {
        let paths: BTreeSet<String> = listed.iter().cloned().collect();
        let today = crate::date::today();
        let mut outcome = b.apply(
            &baseline_path.display().to_string(),
            &mut report.findings,
            &paths,
            |p| root.join(p).exists(),
            &today,
        );
        listing::apply_baseline(
            &mut report.unlisted,
            &report.findings,
            b,
            &mut outcome,
            &today,
        );
        report.baseline = Some(outcome);
    }
    let report = report.judged();
    if args.verbose {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "leakgate: rules {:?} ({} known values), {} {:?} ({} files), scan {:?}, total {:?}",
                t_rules,
                known_count,
                if args.staged { "index" } else { "walk" },
                t_walk - t_rules,
                files_listed.unwrap_or(listed.len() as u64),
                t_scan - t_walk,
                started.elapsed()
            );
        }
    }
    Ok(ScanRun {
        report,
        pipe,
        root,
        baseline_path,
        baseline,
    })
}

/// The baseline given with `--baseline` (it must exist), else `.leakgate-baseline.json` at the
/// project root when present.
fn load_baseline(
    explicit: Option<&Path>,
    root: &Path,
) -> miette::Result<(PathBuf, Option<Baseline>)> {
    match explicit {
        Some(p) => Ok((p.to_path_buf(), Some(Baseline::load(p)?))),
        None => {
            let p = root.join(baseline::FILE_NAME);
            if p.is_file() {
                let b = Baseline::load(&p)?;
                Ok((p, Some(b)))
            } else {
                Ok((p, None))
            }
        }
    }
}

/// Usage errors of the inputs named: `-` (stdin) with `--staged` or `--git`, `--stdin-name`
/// without `-`.
fn usage(args: &ScanArgs, from_stdin: bool) -> miette::Result<()> {
    if from_stdin && (args.staged || args.git) {
        return Err(miette!(
            "`-` (stdin) cannot be scanned with --staged or --git: they read the git index and history"
        ));
    }
    if args.stdin_name.is_some() && !from_stdin {
        return Err(miette!(
            "--stdin-name names standard input: use it with `-` as the only path (`leakgate scan - --stdin-name NAME`)"
        ));
    }
    Ok(())
}

/// A named path that does not exist is a usage error (exit 2, no report): nothing was scanned,
/// so there is no verdict to give. A name that exists but cannot be read (a dangling link,
/// permission denied) stays an error entry of the report, which fails the gate. Names are
/// masked where they hold a secret.
fn missing_paths(pipe: &Pipeline, paths: &[PathBuf]) -> miette::Result<()> {
    let mut missing: Vec<String> = paths
        .iter()
        .filter(|p| {
            std::fs::symlink_metadata(p).is_err_and(|e| {
                matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                )
            })
        })
        .map(|p| crate::pathname::shown(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let masks = PathSecrets::check(pipe, missing.iter().map(String::as_str), &Source::File);
    masks.mask_all(missing.iter_mut());
    let list: Vec<String> = missing
        .iter()
        .map(|p| format!("`{p}` does not exist"))
        .collect();
    Err(miette!(
        "nothing was scanned: {} (paths are relative to the current directory)",
        list.join(", ")
    ))
}

/// This process's peak resident set so far (Linux: `VmHWM` in `/proc/self/status`), for `-v`.
/// A benchmark that times the whole process tree counts git's children too (`scan --git` and
/// `--staged` run git); this is leakgate's own.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The hygiene checks of a staged scan on the index entries it considered: the env and key files
/// among them, with the staged text of those the checks read (one more `git cat-file` process,
/// only when there are any).
fn staged_hygiene(
    repo: &Repo,
    considered: &[staged::Entry],
    config: &Config,
) -> miette::Result<Vec<crate::finding::Finding>> {
    let rules = config.hygiene_rules();
    let candidates: Vec<&staged::Entry> = considered
        .iter()
        .filter(|e| hygiene::staged_candidate(&e.path))
        .collect();
    if rules.is_empty() || candidates.is_empty() {
        return Ok(Vec::new());
    }
    let to_read: Vec<staged::Entry> = candidates
        .iter()
        .filter(|e| hygiene::staged_reads(&e.path))
        .map(|e| (*e).clone())
        .collect();
    let mut bytes = std::collections::HashMap::new();
    if !to_read.is_empty() {
        let rx = staged::read_blobs(repo, to_read, Some(crate::inputfile::CONFIG_CAP))
            .map_err(|e| miette!("{e}"))?;
        for blob in rx.into_iter().flatten().flatten() {
            bytes.insert(blob.path, blob.bytes);
        }
    }
    let files: Vec<hygiene::StagedFile> = candidates
        .iter()
        .map(|e| hygiene::StagedFile {
            path: e.path.clone(),
            bytes: bytes.remove(&e.path),
        })
        .collect();
    Ok(hygiene::check_staged(&files, &crate::date::today(), &rules))
}

/// An output path (relative to the current directory) as a repository-relative path, if inside.
fn repo_path(repo: &Repo, p: &Path) -> Option<String> {
    let top = std::fs::canonicalize(&repo.top).ok()?;
    let abs = std::path::absolute(p).ok()?;
    let mut rel = abs.strip_prefix(&top).ok().map(Path::to_path_buf);
    if rel.is_none() {
        // The output may not exist yet: canonicalize its closest existing ancestor.
        let existing = abs.ancestors().find(|a| a.exists())?;
        let tail = abs.strip_prefix(existing).ok()?;
        rel = std::fs::canonicalize(existing)
            .ok()?
            .join(tail)
            .strip_prefix(&top)
            .ok()
            .map(Path::to_path_buf);
    }
    let rel = rel?.to_string_lossy().replace('\\', "/");
    (!rel.is_empty()).then_some(rel)
}

/// Requested scopes and whether the scan is restricted to them. `--scope` (or the config's
/// `scan.scopes`) restricts; otherwise the whole tree is scanned and the docs and reports scopes
/// (plus logs with `--include-logs`) also reach into git-ignored files.
fn resolve_scopes(args: &ScanArgs, config: &Config) -> miette::Result<(Vec<Scope>, bool)> {
    let (mut names, restrict) = if !args.scopes.is_empty() {
        (args.scopes.clone(), true)
    } else if let Some(s) = &config.scopes {
        (s.clone(), true)
    } else {
        (vec!["docs".to_string(), "reports".to_string()], false)
    };
    if (args.include_logs || config.include_logs) && !names.iter().any(|n| n == "logs") {
        names.push("logs".into());
    }
    names
        .iter()
        .map(|n| {
            config.scope(n).cloned().ok_or_else(|| {
                let known: Vec<&str> = config.scope_defs.iter().map(|s| s.name.as_str()).collect();
                miette!("unknown scope `{n}` (known: {})", known.join(", "))
            })
        })
        .collect::<miette::Result<Vec<_>>>()
        .map(|s| (s, restrict))
}

/// The report's directory is excluded from the scan, unless it holds a scan root itself (a
/// report written straight into the scanned directory excludes only the file).
fn output_dir_to_skip(report: &Path, roots: &[PathBuf]) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = report.parent().filter(|d| !d.as_os_str().is_empty());
    match dir {
        Some(d) if !roots.iter().any(|r| abs(r).starts_with(abs(d))) => d.to_path_buf(),
        _ => report.to_path_buf(),
    }
}

fn severity(f: FailOn) -> Severity {
    match f {
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
