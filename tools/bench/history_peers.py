#!/usr/bin/env python3
"""Times `leakgate scan --git` against `gitleaks git` and Kingfisher on one existing repository's
whole history (every ref), in one run: wall time, CPU time (user + sys) and peak RSS.

    history_peers.py REPO [--leakgate BIN] [--gitleaks BIN] [--kingfisher BIN] [--runs 3] [-j 2]

REPO is any clone with its history (`git clone https://github.com/OWNER/NAME`); the figures in
docs/benchmarks.md name the repository and its commit. Runs alternate between the tools (run 1
of each, then run 2 of each, ...) so that the machine's load falls on all of them alike; medians
are printed, with every run in `--json`.

Peak RSS has two columns. `tree` is what wait4() reports for the tool's process: the largest
resident set of it and the processes it waited for (all three tools run git children: gitleaks
its `git log -p`, leakgate `git log` and `git cat-file`, whose delta-base cache can be hundreds of
MiB on a large history). `own` is leakgate's own process, from the `peak RSS` line `scan -v`
prints (its `VmHWM`); the other tools do not report theirs.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV = Path("/tmp/leakgate-bench-venv/bin")


def run(argv, env=None, stdout=subprocess.DEVNULL):
    """Runs argv; returns (wall s, cpu s, tree peak RSS MiB, exit code, stderr text)."""
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen(argv, stdout=stdout, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, code, text


def count_json(path):
    try:
        data = json.loads(Path(path).read_text() or "[]")
    except (OSError, json.JSONDecodeError):
        return None
    if isinstance(data, dict):  # Kingfisher: {"findings": [...]}, or a list of records
        data = data.get("findings", data.get("results", []))
    return len(data)


def count_lines(path):
    try:
        return sum(1 for line in open(path) if line.strip())
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repo")
    ap.add_argument("--leakgate", default=str(Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "release/leakgate"))
    ap.add_argument("--gitleaks", default=str(VENV / "gitleaks"))
    ap.add_argument("--kingfisher", default=str(VENV / "kingfisher"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-j", "--threads", type=int, default=2)
    ap.add_argument("--tools", default="leakgate,gitleaks,kingfisher")
    ap.add_argument("--json", help="write every run here")
    a = ap.parse_args()

    repo = str(Path(a.repo).resolve())
    j = str(a.threads)
    out = Path(tempfile.mkdtemp(prefix="history-peers-"))
    env2 = dict(os.environ, GOMAXPROCS=j)
    tools = {
        "leakgate": ([str(Path(a.leakgate).resolve()), "scan", "--git", repo, "-j", j, "--no-env", "--no-report",
                      "--format", "jsonl", "-v"], None, out / "leakgate.jsonl"),
        "gitleaks": ([a.gitleaks, "git", repo, "--no-banner", "--log-level", "error", "--exit-code", "0",
                      "--report-format", "json", "--report-path", str(out / "gitleaks.json")], env2, None),
        "kingfisher": ([a.kingfisher, "scan", repo, "-j", j, "--no-validate", "--no-update-check",
                        "--format", "json", "-o", str(out / "kingfisher.json")], None, None),
    }
    chosen = [t for t in a.tools.split(",") if t]
    for t in chosen:
        if t not in tools:
            sys.exit(f"unknown tool {t}")
        if not Path(tools[t][0][0]).exists():
            sys.exit(f"{t}: {tools[t][0][0]} not found")

    commits = subprocess.run(["git", "-C", repo, "rev-list", "--all", "--count"], capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"repository {repo} at {head[:12]}, {commits} commits (all refs), -j {j}, {a.runs} runs each", flush=True)

    runs = {t: [] for t in chosen}
    for i in range(a.runs):
        for t in chosen:
            argv, env, stdout_path = tools[t]
            fh = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
            wall, cpu, tree, code, err = run(argv, env, fh)
            if stdout_path:
                fh.close()
            own = None
            m = re.search(r"peak RSS ([0-9.]+) MiB \(this process\)", err)
            if m:
                own = float(m.group(1))
            findings = count_lines(out / "leakgate.jsonl") if t == "leakgate" else count_json(out / f"{t}.json")
            runs[t].append({"wall_s": wall, "cpu_s": cpu, "tree_rss_mib": tree, "own_rss_mib": own,
                            "exit": code, "findings": findings})
            print(f"  run {i + 1} {t}: wall {wall:.2f} s, cpu {cpu:.2f} s, tree RSS {tree:.0f} MiB"
                  + (f", own RSS {own:.1f} MiB" if own else "") + f", findings {findings}, exit {code}", flush=True)

    med = lambda t, k: statistics.median(r[k] for r in runs[t])
    print()
    print("| tool | wall s | CPU s | peak RSS, tree (MiB) | peak RSS, own (MiB) | findings |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in chosen:
        own = [r["own_rss_mib"] for r in runs[t] if r["own_rss_mib"] is not None]
        own_s = f"{statistics.median(own):.1f}" if own else "–"
        print(f"| {t} | {med(t, 'wall_s'):.2f} | {med(t, 'cpu_s'):.2f} | {med(t, 'tree_rss_mib'):.0f} | {own_s} | {runs[t][-1]['findings']} |")
    if "leakgate" in chosen:
        for t in chosen:
            if t != "leakgate":
                print(f"leakgate vs {t}: {med(t, 'wall_s') / med('leakgate', 'wall_s'):.2f}x wall, "
                      f"{med(t, 'cpu_s') / med('leakgate', 'cpu_s'):.2f}x CPU")
    if a.json:
        Path(a.json).write_text(json.dumps({"repo": repo, "head": head, "commits": commits, "threads": a.threads,
                                            "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
