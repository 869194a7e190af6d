#!/usr/bin/env bash
# Packs one release archive, as .github/workflows/release.yml publishes it and as the Action and
# docs/install.md expect it:
#
#   leakgate-v{VERSION}-{TARGET}.tar.gz   (.zip for Windows targets), holding one folder
#   leakgate-v{VERSION}-{TARGET}/
#     leakgate (leakgate.exe)  LICENSE-MIT  LICENSE-APACHE  README.md  CHANGELOG.md
#     completions/  leakgate.bash  _leakgate (zsh)  leakgate.fish  _leakgate.ps1  leakgate.elv
#     man/          leakgate.1  leakgate-scan.1  ... (one page per command)
#
# Usage: package-release.sh VERSION TARGET BINARY HOST_BINARY OUT_DIR
#   BINARY       the target's built leakgate (leakgate.exe for Windows targets)
#   HOST_BINARY  a leakgate that runs here, to generate completions and man pages (the same
#                sources: they are generated from the command-line definition)
# Prints the archive's path. tests/it/shipping.rs runs this script.
set -euo pipefail

if [ "$#" -ne 5 ]; then
  echo "usage: $0 VERSION TARGET BINARY HOST_BINARY OUT_DIR" >&2
  exit 2
fi
version=$1 target=$2 binary=$3 host=$4 out=$5
root=$(cd "$(dirname "$0")/../.." && pwd)

case "$version" in
  v*) echo "VERSION is the bare version (0.1.0), not the tag" >&2; exit 2 ;;
esac

name="leakgate-v${version}-${target}"
exe=leakgate
case "$target" in *windows*) exe=leakgate.exe ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/completions" "$stage/man" "$out"

install -m 0755 "$binary" "$stage/$exe"
for f in LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md; do
  install -m 0644 "$root/$f" "$stage/$f"
done

"$host" completions bash >"$stage/completions/leakgate.bash"
"$host" completions zsh >"$stage/completions/_leakgate"
"$host" completions fish >"$stage/completions/leakgate.fish"
"$host" completions powershell >"$stage/completions/_leakgate.ps1"
"$host" completions elvish >"$stage/completions/leakgate.elv"
"$host" man --dir "$stage/man"

out=$(cd "$out" && pwd)
case "$target" in
  *windows*)
    archive="$out/$name.zip"
    rm -f "$archive"
    (cd "$work" && python3 -m zipfile -c "$archive" "$name")
    ;;
  *)
    archive="$out/$name.tar.gz"
    (cd "$work" && tar --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -9n >"$archive")
    ;;
esac
echo "$archive"
