#!/usr/bin/env python3
"""Builds the real-code benchmark corpus: pinned third-party npm packages, PyPI wheels and crates.

    realcode.py DEST [--lock tools/bench/realcode.lock] [--only npm,pypi,crates] [--update-lock]

Every package is fetched with its ecosystem's own client and unpacked under DEST:
  - npm:    `npm pack NAME@VERSION`, the tarball's integrity checked against the lock, unpacked
            into DEST/npm/NAME@VERSION/ (a scope's "/" becomes "+");
  - pypi:   `pip download --no-deps --only-binary=:all: NAME==VERSION`, the wheel's sha256 checked
            against the lock, unzipped into DEST/pypi/NAME-VERSION/;
  - crates: `cargo vendor --locked` of a throwaway project with the lock's dependencies and its
            Cargo.lock (realcode.Cargo.lock beside the lock; cargo checks every crate's checksum
            against it), into DEST/crates/NAME-VERSION/.
A package whose directory already exists is skipped (each one is unpacked in a temporary directory
and renamed into place, so an existing directory is a complete one; stale temporary directories
are removed). With --update-lock, hashes the
lock lacks (and the crates' Cargo.lock) are recorded in it instead of refused.

Writes DEST/manifest.json: per package its ecosystem, name, version, bytes and files, and totals.
The corpus is third-party code: nothing under DEST belongs in the repository.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIB = 1 << 20


def log(msg: str) -> None:
    print(f"realcode: {msg}", file=sys.stderr, flush=True)


def tree_size(d: Path) -> tuple[int, int]:
    files = size = 0
    for root, _dirs, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                files += 1
                size += os.path.getsize(p)
    return files, size


def sri(data_path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with open(data_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return f"{algo}-{base64.b64encode(h.digest()).decode()}"


def sha256_hex(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_hash(entry: dict, key: str, got: str, update: bool, what: str) -> None:
    want = entry.get(key)
    if want is None:
        if not update:
            raise SystemExit(f"realcode: {what}: the lock has no {key} (run with --update-lock to record it)")
        entry[key] = got
        log(f"{what}: recorded {key}")
    elif want != got:
        raise SystemExit(f"realcode: {what}: {key} mismatch (lock {want}, fetched {got})")


def fetch_npm(dest: Path, entry: dict, update: bool) -> None:
    name, version = entry["name"], entry["version"]
    final = dest / "npm" / f"{name.replace('/', '+')}@{version}"
    if final.is_dir():
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=".tmp-") as tmp:
        tmp = Path(tmp)
        out = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(tmp), "--silent"],
            check=True, capture_output=True, text=True, cwd=tmp,
        )
        info = json.loads(out.stdout)[0]
        tgz = tmp / info["filename"]
        algo = entry.get("integrity", "sha512-").split("-", 1)[0]
        check_hash(entry, "integrity", sri(tgz, algo), update, f"npm {name}@{version}")
        unpacked = tmp / "unpacked"
        with tarfile.open(tgz) as t:
            t.extractall(unpacked, filter="data")
        # npm tarballs hold one top directory (usually "package/"): unpack its contents.
        tops = list(unpacked.iterdir())
        root = tops[0] if len(tops) == 1 and tops[0].is_dir() else unpacked
        os.rename(root, final)
    log(f"npm {name}@{version}: done")


def fetch_pypi(dest: Path, entry: dict, update: bool) -> None:
    name, version = entry["name"], entry["version"]
    final = dest / "pypi" / f"{name}-{version}"
    if final.is_dir():
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=".tmp-") as tmp:
        tmp = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--no-cache-dir", "-d", str(tmp / "dl"), f"{name}=={version}"],
            check=True,
        )
        wheels = list((tmp / "dl").glob("*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"realcode: pypi {name}=={version}: expected one wheel, got {len(wheels)}")
        whl = wheels[0]
        entry.setdefault("wheel", whl.name)
        if entry["wheel"] != whl.name:
            raise SystemExit(f"realcode: pypi {name}=={version}: got {whl.name}, the lock pins {entry['wheel']}")
        check_hash(entry, "sha256", sha256_hex(whl), update, f"pypi {name}=={version}")
        with zipfile.ZipFile(whl) as z:  # extractall drops absolute paths and ".." components
            z.extractall(tmp / "unpacked")
        os.rename(tmp / "unpacked", final)
    log(f"pypi {name}=={version}: done")


def fetch_crates(dest: Path, crates: dict, lock_dir: Path, update: bool) -> None:
    final = dest / "crates"
    if final.is_dir():
        return
    with tempfile.TemporaryDirectory(prefix="realcode-crates-") as proj:
        proj = Path(proj)
        (proj / "src").mkdir()
        (proj / "src" / "main.rs").write_text("fn main() {}\n")
        deps = "\n".join(f"{k} = {json.dumps(v) if isinstance(v, str) else toml_inline(v)}" for k, v in crates["dependencies"].items())
        (proj / "Cargo.toml").write_text(
            '[package]\nname = "realcode-crates"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' + deps + "\n"
        )
        locked = []
        cargo_lock = lock_dir / crates.get("cargo_lock", "realcode.Cargo.lock")
        if cargo_lock.is_file():
            shutil.copyfile(cargo_lock, proj / "Cargo.lock")
            locked = ["--locked"]
        elif not update:
            raise SystemExit(f"realcode: crates: {cargo_lock} missing (run with --update-lock to record it)")
        tmp_out = dest / ".tmp-crates"
        shutil.rmtree(tmp_out, ignore_errors=True)
        subprocess.run(
            ["cargo", "vendor", "--quiet", "--versioned-dirs", *locked, str(tmp_out)],
            check=True, cwd=proj, stdout=subprocess.DEVNULL,
        )
        if not locked:
            shutil.copyfile(proj / "Cargo.lock", cargo_lock)
            crates["cargo_lock"] = cargo_lock.name
            log(f"crates: recorded {cargo_lock.name}")
        os.rename(tmp_out, final)
    log("crates: done")


def toml_inline(v: dict) -> str:
    parts = []
    for k, x in v.items():
        if isinstance(x, bool):
            parts.append(f"{k} = {'true' if x else 'false'}")
        else:
            parts.append(f"{k} = {json.dumps(x)}")
    return "{ " + ", ".join(parts) + " }"


def manifest(dest: Path, lock: dict) -> dict:
    pkgs = []
    for e in lock.get("npm", []):
        d = dest / "npm" / f"{e['name'].replace('/', '+')}@{e['version']}"
        if d.is_dir():
            files, size = tree_size(d)
            pkgs.append({"ecosystem": "npm", "package": e["name"], "version": e["version"], "bytes": size, "files": files})
    for e in lock.get("pypi", []):
        d = dest / "pypi" / f"{e['name']}-{e['version']}"
        if d.is_dir():
            files, size = tree_size(d)
            pkgs.append({"ecosystem": "pypi", "package": e["name"], "version": e["version"], "bytes": size, "files": files})
    crates = dest / "crates"
    if crates.is_dir():
        for d in sorted(crates.iterdir()):
            if d.is_dir():
                name, _, version = d.name.rpartition("-")
                files, size = tree_size(d)
                pkgs.append({"ecosystem": "crates", "package": name, "version": version, "bytes": size, "files": files})
    totals: dict[str, dict] = {}
    for p in pkgs:
        t = totals.setdefault(p["ecosystem"], {"packages": 0, "bytes": 0, "files": 0})
        t["packages"] += 1
        t["bytes"] += p["bytes"]
        t["files"] += p["files"]
    totals["all"] = {k: sum(t[k] for t in totals.values()) for k in ("packages", "bytes", "files")}
    return {"totals": totals, "packages": pkgs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--lock", type=Path, default=HERE / "realcode.lock")
    ap.add_argument("--only", default="npm,pypi,crates")
    ap.add_argument("--update-lock", action="store_true", help="record the hashes the lock lacks")
    a = ap.parse_args()
    lock = json.loads(a.lock.read_text())
    a.dest.mkdir(parents=True, exist_ok=True)
    # Leftovers of an interrupted run would be scanned as part of the corpus.
    for stale in [*a.dest.glob(".tmp-*"), *a.dest.glob("*/.tmp-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    only = set(a.only.split(","))
    try:
        if "npm" in only:
            for e in lock.get("npm", []):
                fetch_npm(a.dest, e, a.update_lock)
        if "pypi" in only:
            for e in lock.get("pypi", []):
                fetch_pypi(a.dest, e, a.update_lock)
        if "crates" in only and lock.get("crates"):
            fetch_crates(a.dest, lock["crates"], a.lock.parent, a.update_lock)
    finally:
        if a.update_lock:
            a.lock.write_text(json.dumps(lock, indent=1) + "\n")
    m = manifest(a.dest, lock)
    (a.dest / "manifest.json").write_text(json.dumps(m, indent=1) + "\n")
    for eco, t in m["totals"].items():
        log(f"{eco}: {t['packages']} packages, {t['files']:,} files, {t['bytes'] / MIB:,.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
