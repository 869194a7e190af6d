//! Command-line arguments (clap derive). Parsing only: commands live in `cmd/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "leakgate",
    version,
    about = "Secrets-hygiene gate for docs, reports and logs: finds credentials, never prints them.",
    after_help = "Exit codes: 0 pass, 1 the gate failed (findings or unreadable inputs), 2 usage, config or rule error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files for secrets and decide pass/fail (the release gate).
    Scan(ScanArgs),
    /// List, explain and check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Join reports of many repositories into one (org-wide audits).
    Merge(MergeArgs),
    /// Render a written report (latest.json or a merged report).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Accept today's findings: write them to the baseline file (fingerprints, never secrets), so
    /// later scans report them as baselined and fail only on new ones.
    Baseline(BaselineArgs),
    /// Mask secrets in a stream: stdin (or FILE) to stdout with every secret the scanner finds
    /// replaced by its mask and every other byte unchanged, flushed line by line.
    Redact(RedactArgs),
    /// Print a shell completion script on stdout (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per command into a directory.
    Man {
        /// Write leakgate.1, leakgate-scan.1, ... into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// File to redact (default: stdin).
    pub file: Option<PathBuf>,
    /// Rewrite FILE in place (atomically: a temporary file, then rename).
    #[arg(long, requires = "file")]
    pub in_place: bool,
    /// Config file (default: .leakgate.toml at the project root of FILE, or of the current
    /// directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Dotenv file whose secret-named variables' values are known secrets. Repeatable.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Do not treat the values of this process's secret-named environment variables as known
    /// secrets.
    #[arg(long)]
    pub no_env: bool,
    /// Worker threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print byte and mask counts on stderr at the end.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Why these findings are accepted (kept with every entry; with --import, optional and
    /// appended to the imported reason).
    #[arg(long, value_name = "TEXT", required_unless_present = "import")]
    pub reason: Option<String>,
    /// Import a gitleaks JSON report instead: each of its findings that leakgate finds again
    /// (same file and secret; for a redacted report, the one finding on its line) is added to
    /// the baseline file; the others are listed (exit 1 with --strict). Without PATH, the files
    /// the report names are scanned.
    #[arg(long, value_name = "GITLEAKS_REPORT")]
    pub import: Option<PathBuf>,
    /// Date after which the entries stop suppressing (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Baseline file to write (default: .leakgate-baseline.json at the project root).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: one test case per finding.
    Junit,
    /// A Markdown summary (for $GITHUB_STEP_SUMMARY).
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-`: standard input. With --staged: index entries (what
    /// pre-commit passes). Findings are named relative to the project root (the nearest
    /// directory with .leakgate.toml up to the git top-level, else the git top-level).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The name of standard input (`-`) in reports (default: <stdin>).
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Scan what is staged in the git index (the next commit's content), not the working tree.
    #[arg(long)]
    pub staged: bool,
    /// Restrict the scan to these named scopes (built in: docs, reports, logs). Repeatable.
    #[arg(long = "scope", value_name = "NAME")]
    pub scopes: Vec<String>,
    /// Add the logs scope (data/*/logs/**, logs/**, **/*.log, **/*.jsonl), even when git-ignored.
    #[arg(long)]
    pub include_logs: bool,
    /// Config file (default: .leakgate.toml at the project root, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to write the JSON report (relative to the current directory).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/security/latest.json"
    )]
    pub report: PathBuf,
    /// Do not write the JSON report.
    #[arg(long, conflicts_with = "report")]
    pub no_report: bool,
    /// Also write SARIF 2.1.0 to this file.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity of a new finding that fails the gate (default: low, or the config's).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Worker threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Color in human output: auto, always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Print nothing on stdout for the human format and no progress bar (the exit code and
    /// report still tell).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print timing per stage on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Baseline of accepted findings (default: .leakgate-baseline.json at the project root, if
    /// present).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail the gate on stale or expired baseline entries too (they are warnings otherwise).
    #[arg(long)]
    pub strict: bool,
    /// Dotenv file whose secret-named variables' values are known secrets, found literally
    /// (also base64 and percent-encoded) in every scanned file. Repeatable.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Do not treat the values of this process's secret-named environment variables as known
    /// secrets.
    #[arg(long)]
    pub no_env: bool,
    /// List, in the report and the human output, every candidate a not-a-leak filter dropped and
    /// which filter dropped it (masked).
    #[arg(long)]
    pub explain_suppressed: bool,
    /// Do not look under encodings (JSON escapes, ANSI, HTML entities, percent, base64).
    #[arg(long)]
    pub no_decode: bool,
    /// Scan the git history of the repository at PATH instead of its working tree: every blob of
    /// every commit reachable from any ref, each unique blob once, each finding attributed to the
    /// commit that introduced it.
    #[arg(long)]
    pub git: bool,
    /// With --git: only the commits after REV up to HEAD (REV..HEAD), e.g. a pull request's base.
    #[arg(long, value_name = "REV", requires = "git")]
    pub since: Option<String>,
    /// With --git: only the commits of a revision range (A..B or A...B).
    #[arg(long, value_name = "RANGE", requires = "git", conflicts_with = "since")]
    pub range: Option<String>,
    /// Findings listed per file (default 1000; 0: all). The rest are counted in the summary and
    /// judged by the gate, and the report says how many were not listed.
    #[arg(long, value_name = "N")]
    pub max_findings_per_file: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules of the pack (built-in plus the config's).
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Config file whose custom rules to include.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Explain a rule: what it detects, a masked example, what to do.
    Explain { id: String },
    /// Check rules: every example is found and every negative example is not, through the full
    /// scanner. With FILEs, checks the rules in those files (together with the built-in pack).
    Check {
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Reports to join: `PATH` (named after its directory) or `NAME=PATH`.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<String>,
    /// Write the merged report here (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A Markdown summary of a report: status, counts by severity and rule, masked findings.
    Summary {
        /// The report (a scan's latest.json or a merged report).
        #[arg(default_value = "reports/security/latest.json")]
        report: PathBuf,
    },
    /// Print the JSON Schema (draft 2020-12) of latest.json; its `$id` is the report's `schema`
    /// value. The repository keeps it as docs/report.schema.json.
    Schema,
}
