#!/usr/bin/env bash
# Builds a realistic git history for benchmarking `leakgate scan --git` against `gitleaks git`:
# successive released versions of a few large packages (a PyPI wheel, an npm tarball, a crate),
# fetched with their ordinary package clients and committed one version per commit, with a few
# synthetic secrets planted along the way and deleted in later commits.
#
#   scripts/bench-history.sh [REPO_DIR]      default: /tmp/leakgate-bench-history
#
# Downloads are cached in REPO_DIR.cache, so a rebuild needs no network. The planted secrets are
# generated at run time (random, valid formats; they never sit in this repository) and listed,
# masked, in REPO_DIR.planted (rule family, path, commit) for checking recall.
set -euo pipefail

repo=${1:-/tmp/leakgate-bench-history}
cache="$repo.cache"
pypi_pkg=${PYPI_PKG:-django}
pypi_versions=${PYPI_VERSIONS:-"5.0 5.0.1 5.0.2 5.0.3 5.0.4 5.0.6 5.0.8 5.0.10"}
npm_pkg=${NPM_PKG:-typescript}
npm_versions=${NPM_VERSIONS:-"5.3.2 5.3.3 5.4.2 5.4.5 5.5.3 5.5.4 5.6.2 5.6.3"}
crate=${CRATE:-tokio}
crate_versions=${CRATE_VERSIONS:-"1.35.0 1.35.1 1.36.0 1.37.0 1.38.0 1.39.2 1.40.0 1.41.0"}

mkdir -p "$cache/pypi" "$cache/npm" "$cache/crates"

fetch() {
  for v in $pypi_versions; do
    ls "$cache/pypi/"*"-$v-"*.whl >/dev/null 2>&1 ||
      pip download --quiet --no-deps --only-binary :all: -d "$cache/pypi" "$pypi_pkg==$v"
  done
  for v in $npm_versions; do
    [ -f "$cache/npm/$npm_pkg-$v.tgz" ] || (cd "$cache/npm" && npm pack --silent "$npm_pkg@$v" >/dev/null)
  done
  for v in $crate_versions; do
    [ -f "$cache/crates/$crate-$v.crate" ] && continue
    tmp=$(mktemp -d)
    mkdir -p "$tmp/p/src"
    printf '[package]\nname = "p"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
      "$crate" "$v" >"$tmp/p/Cargo.toml"
    : >"$tmp/p/src/lib.rs"
    CARGO_HOME="$tmp/home" cargo fetch --quiet --manifest-path "$tmp/p/Cargo.toml"
    cp "$tmp/home/registry/cache/"*/"$crate-$v.crate" "$cache/crates/"
    rm -rf "$tmp"
  done
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
day=0
for ((i = 0; i < n; i++)); do
  date="2024-01-$(printf %02d $((day % 28 + 1)))T12:00:00Z"
  unpack whl "${wheels[$i]}" "$repo/vendor/$pypi_pkg"
  commit "vendor $pypi_pkg $(basename "${wheels[$i]}")"
  day=$((day + 1))
  date="2024-02-$(printf %02d $((day % 28 + 1)))T12:00:00Z"
  unpack tgz "${tgzs[$i]}" "$repo/vendor/$npm_pkg"
  commit "vendor $npm_pkg $(basename "${tgzs[$i]}")"
  date="2024-03-$(printf %02d $((day % 28 + 1)))T12:00:00Z"
  unpack tgz "${crates[$i]}" "$repo/vendor/$crate"
  case $i in
    1) # a settings file with a token, deleted two versions later
      mkdir -p "$repo/app"
      printf 'DEBUG = False\nGITHUB_TOKEN = "%s"\n' "${s[0]}" >"$repo/app/settings.py"
      echo "github-classic-pat app/settings.py $i" >>"$repo.planted" ;;
    2) # an env file committed by mistake
      printf 'AWS_ACCESS_KEY_ID=%s\nSLACK_BOT_TOKEN=%s\n' "${s[1]}" "${s[2]}" >"$repo/app/.env"
      echo "aws-access-key-id app/.env $i" >>"$repo.planted"
      echo "slack-bot-token app/.env $i" >>"$repo.planted" ;;
    3) rm -f "$repo/app/settings.py" ;;
    4) # a key pasted into a vendored file, reverted in the next version
      printf '\n// stripe_key = "%s"\n' "${s[3]}" >>"$repo/vendor/$crate/README.md"
      echo "stripe-secret-key vendor/$crate/README.md $i" >>"$repo.planted" ;;
    5) rm -f "$repo/app/.env" ;;
  esac
  commit "vendor $crate $(basename "${crates[$i]}")"
done
git -C "$repo" gc --quiet
echo "built $repo: $(git -C "$repo" rev-list --count HEAD) commits, $(du -sh "$repo/.git" | cut -f1) in .git"
