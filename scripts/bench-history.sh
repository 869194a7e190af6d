#!/usr/bin/env bash
# Builds a realistic git history for benchmarking `leakgate scan --git` against `gitleaks git`:
# successive released versions of a few large packages (a PyPI wheel, an npm tarball, a crate),
# fetched with their ordinary package clients and committed one version per commit, with a few
# synthetic secrets planted along the way and deleted in later commits.
#
#   scripts/bench-history.sh [--no-build] [REPO_DIR] [LEAKGATE_BIN] [RUNS]
#       defaults: /tmp/leakgate-bench-history, $CARGO_TARGET_DIR/release/leakgate, 2
#
# Then times `leakgate scan --git -j 2` against `GOMAXPROCS=2 gitleaks git` (GITLEAKS, default
# /tmp/leakgate-bench-venv/bin/gitleaks) in one hyperfine session, after one run of each under
# /usr/bin/time (CPU, peak RSS, and the findings compared below), and checks that both tools find
# every planted secret and that leakgate attributes it to the commit that added it. Results go to
# REPO_DIR.results/. BENCH=0 only builds.
#
# Downloads are cached in REPO_DIR.cache, so a rebuild needs no network. The planted secrets are
# generated at run time (random, valid formats; they never sit in this repository) and listed,
# by rule, path and the id of the commit that added them in REPO_DIR.planted, for checking recall
# and attribution (never the secret itself).
set -euo pipefail

build=1
if [ "${1:-}" = --no-build ]; then
  build=0
  shift
fi
repo=${1:-/tmp/leakgate-bench-history}
bin=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/leakgate}")
runs=${3:-2}
gitleaks=${GITLEAKS:-/tmp/leakgate-bench-venv/bin/gitleaks}
cache="$repo.cache"
# Every stable release of each package in these series, oldest first (sorted by version number,
# so a backport comes right after the release it patches): 94 + 61 + 132 versions, 287 commits.
# A smaller history for a quick check: PYPI_VERSIONS="5.0 5.0.1" NPM_VERSIONS=... CRATE_VERSIONS=...
pypi_pkg=${PYPI_PKG:-django}
pypi_versions=${PYPI_VERSIONS:-"4.1 4.1.1 4.1.2 4.1.3 4.1.4 4.1.5 4.1.6 4.1.7 4.1.8 4.1.9 4.1.10
  4.1.11 4.1.12 4.1.13 4.2 4.2.1 4.2.2 4.2.3 4.2.4 4.2.5 4.2.6 4.2.7 4.2.8 4.2.9 4.2.10 4.2.11
  4.2.13 4.2.14 4.2.15 4.2.16 4.2.17 4.2.18 4.2.19 4.2.20 4.2.21 4.2.22 4.2.23 4.2.24 4.2.25 4.2.26
  4.2.27 4.2.28 4.2.29 4.2.30 5.0 5.0.1 5.0.2 5.0.3 5.0.4 5.0.6 5.0.7 5.0.8 5.0.9 5.0.10 5.0.11
  5.0.12 5.0.13 5.0.14 5.1 5.1.1 5.1.2 5.1.3 5.1.4 5.1.5 5.1.6 5.1.7 5.1.8 5.1.9 5.1.10 5.1.11
  5.1.12 5.1.13 5.1.14 5.1.15 5.2 5.2.1 5.2.2 5.2.3 5.2.4 5.2.5 5.2.6 5.2.7 5.2.8 5.2.9 5.2.10
  5.2.11 5.2.12 5.2.13 5.2.14 5.2.15 5.2.16 5.2.17 5.2.18 5.2.19"}
npm_pkg=${NPM_PKG:-typescript}
npm_versions=${NPM_VERSIONS:-"4.0.2 4.0.3 4.0.5 4.0.6 4.0.7 4.0.8 4.1.2 4.1.3 4.1.4 4.1.5 4.1.6
  4.2.2 4.2.3 4.2.4 4.3.2 4.3.3 4.3.4 4.3.5 4.4.2 4.4.3 4.4.4 4.5.2 4.5.3 4.5.4 4.5.5 4.6.2 4.6.3
  4.6.4 4.7.2 4.7.3 4.7.4 4.8.2 4.8.3 4.8.4 4.9.3 4.9.4 4.9.5 5.0.2 5.0.3 5.0.4 5.1.3 5.1.5 5.1.6
  5.2.2 5.3.2 5.3.3 5.4.2 5.4.3 5.4.4 5.4.5 5.5.2 5.5.3 5.5.4 5.6.2 5.6.3 5.7.2 5.7.3 5.8.2 5.8.3
  5.9.2 5.9.3"}
crate=${CRATE:-tokio}
crate_versions=${CRATE_VERSIONS:-"1.0.1 1.0.2 1.0.3 1.1.0 1.1.1 1.2.0 1.3.0 1.4.0 1.5.0 1.5.1 1.6.1
  1.6.2 1.6.3 1.6.4 1.7.0 1.7.1 1.7.2 1.7.3 1.8.0 1.8.1 1.8.2 1.8.3 1.8.4 1.8.5 1.9.0 1.10.0 1.10.1
  1.11.0 1.12.0 1.13.0 1.13.1 1.14.0 1.14.1 1.15.0 1.16.1 1.17.0 1.18.0 1.18.1 1.18.2 1.18.3 1.18.4
  1.18.5 1.18.6 1.19.0 1.19.1 1.19.2 1.20.0 1.20.1 1.20.2 1.20.3 1.20.4 1.20.5 1.20.6 1.21.0 1.21.1
  1.21.2 1.22.0 1.23.0 1.23.1 1.24.0 1.24.1 1.24.2 1.25.0 1.25.1 1.25.2 1.25.3 1.26.0 1.27.0 1.28.0
  1.28.1 1.28.2 1.29.0 1.29.1 1.30.0 1.31.0 1.32.0 1.32.1 1.33.0 1.34.0 1.35.0 1.35.1 1.36.0 1.37.0
  1.38.0 1.38.1 1.38.2 1.39.1 1.39.2 1.39.3 1.40.0 1.41.0 1.41.1 1.42.0 1.42.1 1.43.0 1.43.1 1.43.2
  1.43.3 1.43.4 1.44.0 1.44.1 1.44.2 1.45.0 1.45.1 1.46.0 1.46.1 1.47.0 1.47.1 1.47.2 1.47.3 1.47.4
  1.47.5 1.48.0 1.49.0 1.50.0 1.51.0 1.51.1 1.51.2 1.51.3 1.51.4 1.51.5 1.51.6 1.52.0 1.52.1 1.52.2
  1.52.3 1.52.4 1.53.0 1.53.1 1.53.2 1.53.3 1.54.1"}

mkdir -p "$cache/pypi" "$cache/npm" "$cache/crates"

# The three package clients run side by side; each skips what the cache already holds.
fetch() {
  (
    for v in $pypi_versions; do
      ls "$cache/pypi/"*"-$v-"*.whl >/dev/null 2>&1 ||
        pip download --quiet --no-deps --only-binary :all: -d "$cache/pypi" "$pypi_pkg==$v"
    done
  ) &
  (
    for v in $npm_versions; do
      [ -f "$cache/npm/$npm_pkg-$v.tgz" ] || (cd "$cache/npm" && npm pack --silent "$npm_pkg@$v" >/dev/null)
    done
  ) &
  (
    # One CARGO_HOME for all fetches (its index cache is reused), emptied of the crate files.
    home="$cache/cargo-home"
    for v in $crate_versions; do
      [ -f "$cache/crates/$crate-$v.crate" ] && continue
      tmp=$(mktemp -d)
      mkdir -p "$tmp/p/src"
      printf '[package]\nname = "p"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
        "$crate" "$v" >"$tmp/p/Cargo.toml"
      : >"$tmp/p/src/lib.rs"
      CARGO_HOME="$home" cargo fetch --quiet --manifest-path "$tmp/p/Cargo.toml"
      cp "$home/registry/cache/"*/"$crate-$v.crate" "$cache/crates/"
      rm -rf "$tmp" "$home/registry/cache" "$home/registry/src"
    done
  ) &
  local failed=0
  for job in $(jobs -p); do wait "$job" || failed=1; done
  [ "$failed" = 0 ] || { echo "bench-history: a download failed" >&2; exit 1; }
}

# Replaces DIR's content with an archive's.
unpack() {
  local kind=$1 archive=$2 dir=$3
  rm -rf "$dir"
  mkdir -p "$dir"
  case $kind in
    whl) python3 -m zipfile -e "$archive" "$dir" ;;
    tgz) tar -xzf "$archive" -C "$dir" --strip-components=1 ;;
  esac
}

# Synthetic secrets in real formats (valid checksums where the format has one), from a seed.
secrets() {
  python3 - "$1" <<'EOF'
import random, sys, zlib, string
r = random.Random(int(sys.argv[1]))
b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
alnum = string.ascii_letters + string.digits
def pick(chars, n): return "".join(r.choice(chars) for _ in range(n))
def base62(n, width):
    out = ""
    while n: n, d = divmod(n, 62); out = b62[d] + out
    return out.rjust(width, "0")
body = pick(alnum, 30)
print("ghp_" + body + base62(zlib.crc32(body.encode()), 6))
print("AKIA" + pick(string.ascii_uppercase + "234567", 16))
print("xoxb-" + pick(string.digits, 12) + "-" + pick(string.digits, 13) + "-" + pick(alnum, 24))
print("sk_live_" + pick(alnum, 32))
EOF
}

commit() {
  git -C "$repo" add -A
  GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" git -C "$repo" commit --quiet -m "$1"
}

build_repo() {
  fetch
  rm -rf "$repo"
  mkdir -p "$repo"
  git -C "$repo" init --quiet -b main
  git -C "$repo" config user.email bench@example.invalid
  git -C "$repo" config user.name bench
  : >"$repo.planted"
  mapfile -t s < <(secrets 7)

  wheels=($(for v in $pypi_versions; do ls "$cache/pypi/"*"-$v-"*.whl; done))
  tgzs=($(for v in $npm_versions; do echo "$cache/npm/$npm_pkg-$v.tgz"; done))
  crates=($(for v in $crate_versions; do echo "$cache/crates/$crate-$v.crate"; done))
  n=${#wheels[@]}
  ((${#tgzs[@]} > n)) && n=${#tgzs[@]}
  ((${#crates[@]} > n)) && n=${#crates[@]}
  # One commit a day from 2020-01-01, so commit dates increase with history.
  k=0
  stamp() {
    date=$(date -u -d "2020-01-01 +$k days" +%Y-%m-%dT12:00:00Z)
    k=$((k + 1))
  }
  # RULE PATH: a secret planted in the next commit, recorded with that commit's id once made.
  plants=()
  plant() { plants+=("$1 $2"); }
  for ((i = 0; i < n; i++)); do
    if ((i < ${#wheels[@]})); then
      stamp
      unpack whl "${wheels[$i]}" "$repo/vendor/$pypi_pkg"
      commit "vendor $pypi_pkg $(basename "${wheels[$i]}")"
    fi
    if ((i < ${#tgzs[@]})); then
      stamp
      unpack tgz "${tgzs[$i]}" "$repo/vendor/$npm_pkg"
      commit "vendor $npm_pkg $(basename "${tgzs[$i]}")"
    fi
    stamp
    message="app: update"
    if ((i < ${#crates[@]})); then
      unpack tgz "${crates[$i]}" "$repo/vendor/$crate"
      message="vendor $crate $(basename "${crates[$i]}")"
    fi
    case $i in
      1) # a settings file with a token, deleted two versions later
        mkdir -p "$repo/app"
        printf 'DEBUG = False\nGITHUB_TOKEN = "%s"\n' "${s[0]}" >"$repo/app/settings.py"
        plant github-classic-pat app/settings.py ;;
      2) # an env file committed by mistake
        printf 'AWS_ACCESS_KEY_ID=%s\nSLACK_BOT_TOKEN=%s\n' "${s[1]}" "${s[2]}" >"$repo/app/.env"
        plant aws-access-key-id app/.env
        plant slack-bot-token app/.env ;;
      3) rm -f "$repo/app/settings.py" ;;
      4) # a key pasted into a vendored file, reverted in the next version
        printf '\n// stripe_key = "%s"\n' "${s[3]}" >>"$repo/vendor/$crate/README.md"
        plant stripe-secret-key "vendor/$crate/README.md" ;;
      5) rm -f "$repo/app/.env" ;;
    esac
    git -C "$repo" add -A
    if ! git -C "$repo" diff --cached --quiet; then
      commit "$message"
    fi
    for p in "${plants[@]}"; do
      echo "$p $(git -C "$repo" rev-parse HEAD)" >>"$repo.planted"
    done
    plants=()
  done
  git -C "$repo" gc --quiet
  echo "built $repo: $(git -C "$repo" rev-list --count HEAD) commits, $(du -sh "$repo/.git" | cut -f1) in .git"
}

# Times both tools and compares their findings.
bench() {
  local res="$repo.results"
  mkdir -p "$res"
  echo "history: $(git -C "$repo" rev-list --count --all) commits, $(du -sh "$repo/.git" | cut -f1) in .git;" \
    "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "leakgate: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
    "$bin" scan "$repo" --git -j 2 --no-env --no-report --format json -q >"$res/leakgate.json" || true
  /usr/bin/time -f "gitleaks: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
    env GOMAXPROCS=2 "$gitleaks" git "$repo" --no-banner --log-level error --exit-code 0 \
    --report-format json --report-path "$res/gitleaks.json"
  hyperfine -i --style basic --runs "$runs" --export-json "$res/hyperfine.json" \
    -n "leakgate scan --git -j 2" "$bin scan $repo --git -j 2 --no-env --no-report -q" \
    -n "leakgate, git core.deltaBaseCacheLimit=1g" "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.deltaBaseCacheLimit GIT_CONFIG_VALUE_0=1g $bin scan $repo --git -j 2 --no-env --no-report -q" \
    -n "gitleaks git (GOMAXPROCS=2)" "GOMAXPROCS=2 $gitleaks git $repo --no-banner --log-level error --exit-code 0 --report-format json --report-path $res/gitleaks-timed.json" \
    >/dev/null
  python3 - "$res" "$repo.planted" <<'PY'
import collections, json, sys
res, planted = sys.argv[1], sys.argv[2]
h = json.load(open(f"{res}/hyperfine.json"))["results"]
lg = h[0]
med = lambda r: sorted(r["times"])[len(r["times"]) // 2]
cpu = lambda r: r["user"] + r["system"]
print("| tool | leakgate speed ÷ tool speed (wall) | same, by CPU | wall s (median; min–max) | CPU s |")
print("|---|---:|---:|---:|---:|")
for r in h:
    print(f"| {r['command']} | {med(r) / med(lg):.2f}× | {cpu(r) / cpu(lg):.2f}× "
          f"| {med(r):.2f} ({min(r['times']):.2f}–{max(r['times']):.2f}) | {cpu(r):.2f} |")
report = json.load(open(f"{res}/leakgate.json"))
lgf = report["findings"]
glf = json.load(open(f"{res}/gitleaks.json"))
print("leakgate stats.git:", json.dumps(report["stats"].get("git")))
plants = [l.split() for l in open(planted)]
family = lambda rule: rule.split("-")[0]
found_lg = found_gl = attributed = 0
for rule, path, commit in plants:
    l = [f for f in lgf if f["path"] == path and family(f["rule_id"]) == family(rule)]
    g = [f for f in glf if f["File"] == path and family(rule) in f["RuleID"]]
    found_lg += bool(l)
    found_gl += bool(g)
    ok = any(f["source"].get("id") == commit for f in l)
    attributed += ok
    print(f"planted {rule} {path} @{commit[:8]}: leakgate {[(f['rule_id'], f['source']['id'][:8]) for f in l]}"
          f"{'' if ok else ' WRONG COMMIT'}; gitleaks {[(f['RuleID'], f['Commit'][:8]) for f in g]}")
print(f"planted: {len(plants)}; leakgate found {found_lg}, at the right commit {attributed}; "
      f"gitleaks found {found_gl}")
planted_paths = {p for _, p, _ in plants}
def top(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] == "vendor" else parts[0]
extra_lg = collections.Counter((f["rule_id"], top(f["path"])) for f in lgf if f["path"] not in planted_paths)
extra_gl = collections.Counter((f["RuleID"], top(f["File"])) for f in glf if f["File"] not in planted_paths)
print(f"leakgate beyond the planted: {sum(extra_lg.values())} findings, in "
      f"{len({f['path'] for f in lgf if f['path'] not in planted_paths})} paths")
for (rule, where), n in extra_lg.most_common():
    print(f"   {n:4d} {rule} in {where}")
print(f"gitleaks beyond the planted: {sum(extra_gl.values())} findings, in "
      f"{len({f['File'] for f in glf if f['File'] not in planted_paths})} paths")
for (rule, where), n in extra_gl.most_common():
    print(f"   {n:4d} {rule} in {where}")
sys.exit(0 if found_lg == found_gl == attributed == len(plants) else 1)
PY
}

if [ "$build" = 1 ]; then build_repo; fi
if [ "${BENCH:-1}" = 1 ]; then bench; fi
