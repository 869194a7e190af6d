#!/usr/bin/env python3
"""Peak memory and outcome of leakgate on the adversarial inputs of docs/fuzzing.md's table.

    python3 tools/bench/adversarial_rss.py [--bin target/release/leakgate] [--dir /tmp/leakgate-adv]
        [--only "source map"]

Each case is built in a fresh directory and run under `/usr/bin/time -f %M` with a deadline, so a
hang is reported as one instead of stalling the run. Prints a Markdown table: case, exit code,
peak RSS (MiB), wall time, and what the case checks. Exits non-zero when a case hangs, exits with an
unexpected code, or peaks at 100 MiB or more, when a 50 MB single-line source map peaks
LINE_GROWTH_MIB or more above a 5 MB one (memory must not grow with a line's length), and when a
tree of 200,000 small files peaks FILES_GROWTH_MIB or more above one of 20,000 (memory must not grow
with the number of files: the walk streams into the scan, no list of every file is held), and when a
`scan --git` of a history of 20,000 commits peaks HISTORY_GROWTH_MIB or more above one of 2,000
(leakgate's own peak, from `scan -v`: git's processes are not counted).

The secrets are generated (GitHub tokens with a valid checksum, from gen_corpus.py); nothing here is
a real credential.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import github_pat  # noqa: E402

LIMIT_MIB = 100
# The most the peak may grow from a 5 MB single-line source map to a 50 MB one.
LINE_GROWTH_MIB = 12
# The most the peak may grow from 20,000 small files to 200,000 (a list of every file cost about
# 200 bytes a file: 36 MiB more at 200,000).
FILES_GROWTH_MIB = 8
# The most the peak may grow from a history of 2,000 commits (and blobs) to one of 20,000.
HISTORY_GROWTH_MIB = 8
DEADLINE_S = 120


def run(binary: str, cwd: Path, args: list[str], feed=None,
        deadline: float = DEADLINE_S) -> tuple[int | None, float, float]:
    """Runs leakgate; returns (exit code or None on a hang, peak RSS MiB, seconds)."""
    rss_file = cwd / ".rss"
    err_file = cwd / ".stderr"
    cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), binary, *args]
    start = time.monotonic()
    with open(err_file, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                stdin=subprocess.DEVNULL)
    writer = threading.Thread(target=feed, daemon=True) if feed else None
    if writer:
        writer.start()
    try:
        code = proc.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None, 0.0, time.monotonic() - start
    secs = time.monotonic() - start
    try:
        kib = int(rss_file.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        kib = 0
    # With -v, leakgate prints its own process's peak: the one to judge when it runs git.
    own = re.search(r"peak RSS ([0-9.]+) MiB \(this process\)", err_file.read_text(errors="replace"))
    if own:
        return code, float(own.group(1)), secs
    return code, kib / 1024, secs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/leakgate")
    ap.add_argument("--dir", default="/tmp/leakgate-adv")
    ap.add_argument("--only", default="", help="run only the cases whose name holds this text")
    ap.add_argument("--every-rule-mib", type=int, default=200,
                    help="size of the file of every rule's examples (scanned at about 3 MiB/s on 2 cores)")
    a = ap.parse_args()
    binary = str(Path(a.bin).resolve())
    root = Path(a.dir)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = random.Random(18)
    rows = []
    failed = False

    def case(name: str, what: str, args: list[str], expect: set[int], setup, feed=None,
             deadline: float = DEADLINE_S):
        nonlocal failed
        if a.only not in name:
            return 0.0
        d = root / f"case{len(rows)}"
        d.mkdir()
        setup(d)
        code, mib, secs = run(binary, d, args, (lambda: feed(d)) if feed else None, deadline)
        ok = code is not None and code in expect and mib < LIMIT_MIB
        failed |= not ok
        shown = "hang" if code is None else str(code)
        rows.append(f"| {name} | {shown} | {mib:.1f} | {secs:.1f} s | {what} |{'' if ok else ' **FAILED**'}")
        return mib

    base = ["scan", "--no-report", "--no-env", "--format", "json"]

    def many_findings(d: Path):
        with open(d / "many.log", "w") as f:
            for _ in range(300_000):
                f.write(f"GITHUB_TOKEN={github_pat(rng)}\n")

    case("300k findings, one file", "listing limit per file; the gate still fails", base + ["many.log"],
         {1}, many_findings)

    def edges(d: Path):
        with open(d / "edges.log", "w") as f:
            size = 0
            while size < 20 << 20:
                line = "x" * 65536 + "\n" if rng.random() < 0.05 else f"GITHUB_TOKEN={github_pat(rng)}\n"
                f.write(line)
                size += len(line)

    case("20 MiB log, 64 KiB lines", "streamed in overlapping chunks", base + ["edges.log"], {1}, edges)

    def fifo(d: Path):
        os.mkfifo(d / "pipe.log")

    case("FIFO, no writer", "never opened: an error entry", base + ["pipe.log"], {1}, fifo)

    def fed(d: Path):
        # Holds the FIFO open for writing and feeds it, as a log shipper would; leakgate must not
        # read it (it is not a regular file), so the writer may block or be cut off.
        try:
            fd = os.open(d / "pipe.log", os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return
        chunk = b"INFO tick\n" * 100_000
        try:
            for _ in range((3 << 30) // len(chunk)):
                os.write(fd, chunk)
        except OSError:
            pass
        finally:
            os.close(fd)

    case("FIFO fed 3 GiB", "never read: an error entry", base + ["pipe.log"], {1}, fifo, fed)

    def zero(d: Path):
        os.symlink("/dev/zero", d / "zero.log")

    case("symlink to /dev/zero", "a device: an error entry", base + ["zero.log"], {1}, zero)

    def config_fifo(d: Path):
        os.mkfifo(d / "pipe.toml")
        (d / "ok.md").write_text("fine\n")

    case("FIFO as --config", "a usage error, not a blocked read", base + ["--config", "pipe.toml", "ok.md"],
         {2}, config_fifo)
    case("/dev/zero as --env-file", "a usage error, not an endless read",
         base + ["--env-file", "/dev/zero", "ok.md"], {2}, lambda d: (d / "ok.md").write_text("fine\n"))

    def one(d: Path):
        (d / "one.md").write_text(f"token {github_pat(rng)}\n")

    case("-j 100000", "capped at 4x the cores", base + ["-j", "100000", "one.md"], {1}, one)

    def source_map(size: int):
        # One line of JSON, as a bundler writes a source map: code in `sourcesContent`, every
        # newline and quote escaped, with percent-encoded URLs and HTML entities (each decoding
        # layer has work on the one line), and a token in the middle.
        code = ('export function load(url, opts) {\n  const q = "%2Fapi%3Fid%3D" + opts.id;\n'
                '  el.innerHTML = "<a title=\'x &amp; y\'>" + q + "</a>";\n'
                '  return fetch(url + q, { headers: { "X-Trace": "\\u0041" } });\n}\n')

        def escaped(js: str) -> str:
            return json.dumps(js)[1:-1].replace("/", "\\/")

        def write(d: Path):
            with open(d / "bundle.js.map", "w") as f:
                f.write('{"version":3,"sources":["src/a.js"],"sourcesContent":["')
                line = escaped(code)
                for i in range(size // len(line)):
                    if i == size // len(line) // 2:
                        f.write(escaped(f'const GITHUB_TOKEN = "{github_pat(rng)}";\n'))
                    f.write(line)
                f.write('"],"mappings":"AAAA"}')
        return write

    small = case("5 MB one-line source map", "decoding layers of one long line, streamed",
                 base + ["bundle.js.map"], {1}, source_map(5_000_000))
    large = case("50 MB one-line source map", f"the same, 10x: peak within {LINE_GROWTH_MIB} MiB of it",
                 base + ["bundle.js.map"], {1}, source_map(50_000_000))
    if large - small >= LINE_GROWTH_MIB:
        failed = True
        rows[-1] += f" **FAILED: {large - small:.1f} MiB more than 5 MB**"

    def many_files(count: int):
        # Small files in directories of 1,000, as a dependency tree has: a few lines of code or
        # text each, with a token in one of them so the scan has a finding to keep.
        def write(d: Path):
            tree = d / "tree"
            for i in range(count):
                sub = tree / f"pkg{i // 1000:04d}" / "lib"
                if i % 1000 == 0:
                    sub.mkdir(parents=True)
                body = f"export const name{i} = 'module {i}';\nexport default name{i};\n"
                if i == count // 2:
                    body += f'const GITHUB_TOKEN = "{github_pat(rng)}";\n'
                (sub / f"file{i % 1000:03d}.js").write_text(body)
        return write

    few = case("20,000 small files", "a tree of many files, walked as it is scanned",
               base + ["tree"], {1}, many_files(20_000))
    many = case("200,000 small files", f"10x the files: peak within {FILES_GROWTH_MIB} MiB of it",
                base + ["tree"], {1}, many_files(200_000))
    if few and many and many - few >= FILES_GROWTH_MIB:
        failed = True
        rows[-1] += f" **FAILED: {many - few:.1f} MiB more than 20,000**"

    def history(commits: int):
        # One commit a change to one of 200 small files (a new blob each), built with
        # git fast-import; a token is added half way and stays.
        def write(d: Path):
            repo = d / "repo"
            subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
            token = github_pat(rng)
            chunks = []
            for c in range(commits):
                body = f"# module {c % 200}\nversion = {c}\nname = 'release {c}'\n"
                if c >= commits // 2 and c % 200 == 7:
                    body += f'GITHUB_TOKEN = "{token}"\n'
                msg = f"change {c}\n"
                chunks.append(
                    f"commit refs/heads/main\ncommitter A <a@example.com> {1700000000 + c} +0000\n"
                    f"data {len(msg)}\n{msg}M 100644 inline f{c % 200:03d}.py\n"
                    f"data {len(body.encode())}\n{body}\n")
            subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"],
                           input="".join(chunks).encode(), check=True)
        return write

    def every_rule(mib: int):
        # Every example of every built-in rule (rules/*.toml), one after another, repeated to
        # `mib` MiB: a buffer where the whole pack wakes, so every rule's regex is compiled and
        # every one's cache is made, chunk after chunk.
        def write(d: Path):
            examples = []
            for f in sorted((Path(__file__).resolve().parents[2] / "rules").glob("*.toml")):
                for rule in tomllib.loads(f.read_text()).get("rules", []):
                    examples.extend(rule.get("examples", []))
            block = ("\n\n".join(examples) + "\n\n").encode()
            with open(d / "examples.txt", "wb") as out:
                for _ in range(max(1, (mib << 20) // len(block))):
                    out.write(block)
        return write

    case(f"every rule's examples, {a.every_rule_mib} MiB", "the whole pack wakes: compiled regexes and caches bounded",
         base + ["examples.txt"], {1}, every_rule(a.every_rule_mib),
         deadline=max(DEADLINE_S, 3 * a.every_rule_mib))

    hist = ["scan", "--git", "repo", "--no-report", "--no-env", "--format", "json", "-v"]
    short = case("history of 2,000 commits", "scan --git: leakgate's own peak",
                 hist, {1}, history(2_000))
    long = case("history of 20,000 commits", f"10x the commits and blobs: peak within {HISTORY_GROWTH_MIB} MiB",
                hist, {1}, history(20_000))
    if short and long and long - short >= HISTORY_GROWTH_MIB:
        failed = True
        rows[-1] += f" **FAILED: {long - short:.1f} MiB more than 2,000**"

    print("| case | exit | peak RSS (MiB) | wall | what it checks |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
