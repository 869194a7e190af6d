#!/usr/bin/env python3
"""A/B benchmark of leakgate against Kingfisher, gitleaks and ripgrep on the bench corpora.

Called by scripts/bench.sh (which builds and installs the tools and generates the corpora); it can
also be run by hand:

    run.py --corpus /tmp/leakgate-corpus --leakgate BIN --kingfisher BIN --gitleaks BIN --rg BIN \
           [--runs 3] [--only logs,small,source] [--threads 2] [--out DIR] [--no-hyperfine]
           [--realcode DIR]

For each corpus directory (CORPUS/logs, CORPUS/small, CORPUS/source; the corpus named realcode is
the --realcode directory, built by tools/bench/realcode.py, no labels) and each tool:
  1. one run under /usr/bin/time -v: warms the page cache and the tools' own caches (Kingfisher's
     compiled rule database), gives peak RSS, and leaves the tool's findings for the recall check;
  2. the timed runs: with hyperfine (if installed and not --no-hyperfine), `--runs N` per tool;
     otherwise N rounds of /usr/bin/time -v, the tools interleaved within each round (rotated
     order), which is fairer on a shared, noisy machine.
Throughput is the corpus's bytes (every regular file under the directory) over the median wall
time, so all tools are divided by the same number whatever they skip.

Recall: every planted secret in labels.jsonl must be reported by leakgate at its path and line
with the right masked suffix. For the peers, a planted secret counts as found when its value (or,
for a private key, its first base64 line) occurs in the tool's JSON output.

Writes OUT/results.json, OUT/results.md (the tables for docs/benchmarks.md) and OUT/raw/*.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

MIB = 1 << 20
RG_PATTERN = r"ghp_[A-Za-z0-9]{36}|AKIA[A-Z2-7]{16}|xoxb-[0-9A-Za-z-]{20,}|sk_live_[A-Za-z0-9]{24,}|PRIVATE KEY-----"


def tool_commands(a: argparse.Namespace, target: Path, raw: Path, corpus: str) -> dict[str, tuple[list[str], dict]]:
    """name -> (argv, extra env). Every command writes its findings to raw/<corpus>-<tool>.*."""
    j = str(a.threads)
    cmds: dict[str, tuple[list[str], dict]] = {
        "leakgate": (
            [a.leakgate, "scan", str(target), "-j", j, "--no-env", "--report", str(raw / f"{corpus}-leakgate.json"), "-q"],
            {},
        ),
        "kingfisher": (
            [a.kingfisher, "scan", str(target), "-j", j, "--no-validate", "--no-update-check", "--git-history", "none",
             "--format", "json", "-o", str(raw / f"{corpus}-kingfisher.json")],
            {},
        ),
        "gitleaks": (
            [a.gitleaks, "dir", str(target), "--no-banner", "--log-level", "error", "--exit-code", "0",
             "--report-format", "json", "--report-path", str(raw / f"{corpus}-gitleaks.json")],
            {"GOMAXPROCS": j},
        ),
        "rg": (
            # -uu: no ignore files, hidden files included (leakgate scans hidden files too);
            # binary files are still skipped, as leakgate does. --count-matches: one line per file.
            [a.rg, "-uu", "-j", j, "--count-matches", "--no-messages", "-e", RG_PATTERN, str(target)],
            {},
        ),
    }
    cmds = {k: v for k, v in cmds.items() if k == "leakgate" or k in a.tools.split(",")}
    if a.kingfisher_turbo and "kingfisher" in cmds:
        argv = list(cmds["kingfisher"][0])
        argv[argv.index("-o") + 1] = str(raw / f"{corpus}-kingfisher-turbo.json")
        cmds["kingfisher --turbo"] = (argv + ["--turbo"], {})
    return cmds


TIME_RE = {
    "user": re.compile(r"User time \(seconds\): ([\d.]+)"),
    "sys": re.compile(r"System time \(seconds\): ([\d.]+)"),
    "rss_kb": re.compile(r"Maximum resident set size \(kbytes\): (\d+)"),
}


def timed(argv: list[str], env: dict, stdout_path: Path | None) -> dict:
    """One run under /usr/bin/time -v; wall time measured here (finer than time's)."""
    full_env = {**os.environ, **env}
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *argv], stdout=out, stderr=subprocess.PIPE, env=full_env)
    wall = time.perf_counter() - t0
    if stdout_path:
        out.close()
    err = p.stderr.decode(errors="replace")
    r = {"wall": wall, "rc": p.returncode}
    for k, rx in TIME_RE.items():
        m = rx.search(err)
        r[k] = float(m.group(1)) if m else None
    r["cpu"] = (r["user"] or 0) + (r["sys"] or 0)
    r["stderr_tail"] = err[-600:] if p.returncode not in (0, 1, 200) else ""
    return r


def hyperfine(cmds: dict[str, tuple[list[str], dict]], runs: int, export: Path) -> dict[str, dict]:
    args = ["hyperfine", "-N", "-i", "--style", "basic", "--runs", str(runs), "--export-json", str(export)]
    for name, (argv, env) in cmds.items():
        prefix = ["env"] + [f"{k}={v}" for k, v in env.items()] if env else []
        args += ["-n", name, shlex.join(prefix + argv)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(export.read_text())
    out = {}
    for r in data["results"]:
        times = r["times"]
        out[r["command"]] = {
            "walls": times,
            "wall": statistics.median(times),
            "wall_min": min(times),
            "wall_max": max(times),
            "cpu": r["user"] + r["system"],
            "user": r["user"],
            "sys": r["system"],
        }
    return out


def corpus_bytes(d: Path) -> tuple[int, int]:
    n = size = 0
    for root, _dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                n += 1
                size += os.path.getsize(p)
    return n, size


def needle(secret: str) -> str:
    first = secret.split("\\n")[0].split("\n")[0]
    return first[:40]


def check_leakgate(report: Path, labels: list[dict], prefix: str) -> dict:
    r = json.loads(report.read_text())
    findings = r["findings"]
    by_loc: dict[tuple[str, int], list[dict]] = {}
    for f in findings:
        by_loc.setdefault((f["path"], f["line"]), []).append(f)
    found, missed, used = 0, [], set()
    for l in labels:
        path = l["path"][len(prefix) + 1 :]
        hit = None
        for f in by_loc.get((path, l["line"]), []):
            if f["masked"].endswith(l["secret"][-4:]) and f["secret_len"] == len(l["secret"]):
                hit = f
                break
        if hit is None:
            missed.append({k: l[k] for k in ("path", "line", "kind")})
        else:
            found += 1
            used.add(id(hit))
    extra: dict[str, int] = {}
    for f in findings:
        if id(f) not in used:
            extra[f["rule_id"]] = extra.get(f["rule_id"], 0) + 1
    return {
        "planted": len(labels),
        "found": found,
        "missed": missed,
        "findings": len(findings),
        "unlabeled_by_rule": dict(sorted(extra.items(), key=lambda kv: -kv[1])),
        "bytes_scanned": r["stats"]["bytes_scanned"],
        "files_scanned": r["stats"]["files_scanned"],
        "skipped_binary": r["stats"]["skipped"]["binary"],
        "errors": len(r.get("errors", [])),
    }


def check_peer(output: Path, labels: list[dict]) -> dict:
    text = output.read_text(errors="replace") if output.exists() else ""
    found = 0
    for l in labels:
        n = needle(l["secret"])
        if n in text or json.dumps(n)[1:-1] in text:
            found += 1
    return {"planted": len(labels), "found": found}


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}×"


def render(results: dict) -> str:
    lines = []
    for corpus, c in results["corpora"].items():
        mib = c["bytes"] / MIB
        lines.append(f"### {corpus}: {c['files']:,} files, {mib:,.1f} MiB\n")
        lines.append(
            "| tool | leakgate speed ÷ tool speed (wall) | same, by CPU time | MiB/s | wall s (median; min–max) "
            "| CPU s (user+sys) | peak RSS MiB | planted secrets found |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        lg = c["tools"]["leakgate"]["wall"]
        lg_cpu = c["tools"]["leakgate"]["cpu"]
        for name, t in c["tools"].items():
            rec = t.get("recall")
            rec_s = f"{rec['found']}/{rec['planted']}" if rec and rec["planted"] else "n/a"
            if name == "leakgate":
                ratio, cratio = "1.00× (self)", "1.00× (self)"
            else:
                ratio, cratio = fmt_ratio(t["wall"] / lg), fmt_ratio(t["cpu"] / lg_cpu)
            lines.append(
                f"| {name} | {ratio} | {cratio} | {mib / t['wall']:,.1f} | {t['wall']:.2f} ({t['wall_min']:.2f}–{t['wall_max']:.2f}) "
                f"| {t['cpu']:.2f} | {t['rss_kb'] / 1024:,.0f} | {rec_s} |"
            )
        lg_rec = c["tools"]["leakgate"].get("recall", {})
        if lg_rec:
            extra = ", ".join(f"{k} {v}" for k, v in list(lg_rec["unlabeled_by_rule"].items())[:8]) or "none"
            lines.append(
                f"\nleakgate: scanned {lg_rec['files_scanned']:,} files, {lg_rec['bytes_scanned'] / MIB:,.1f} MiB "
                f"(binary skipped: {lg_rec['skipped_binary']}, errors: {lg_rec['errors']}); "
                f"{lg_rec['findings']} findings, of which not planted: {sum(lg_rec['unlabeled_by_rule'].values())} ({extra})."
            )
            if lg_rec["missed"]:
                lines.append(f"**Missed planted secrets:** {lg_rec['missed'][:10]}")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--leakgate", required=True)
    ap.add_argument("--kingfisher", required=True)
    ap.add_argument("--gitleaks", required=True)
    ap.add_argument("--rg", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="logs,small,source")
    ap.add_argument("--out", type=Path, default=Path("/tmp/leakgate-bench-results"))
    ap.add_argument("--realcode", type=Path, default=Path("/tmp/realcode"), help="the realcode corpus's directory")
    ap.add_argument("--no-hyperfine", action="store_true")
    ap.add_argument("--tools", default="leakgate,kingfisher,gitleaks,rg", help="which tools to run (leakgate always)")
    ap.add_argument("--kingfisher-turbo", action="store_true", help="also time Kingfisher with --turbo")
    ap.add_argument("--render", type=Path, metavar="RESULTS_JSON", help="only print the tables of a results.json")
    if "--render" in sys.argv:
        i = sys.argv.index("--render")
        print(render(json.loads(Path(sys.argv[i + 1]).read_text())))
        return 0
    a = ap.parse_args()

    raw = a.out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    labels_path = a.corpus / "labels.jsonl"
    labels = [json.loads(l) for l in labels_path.open()] if labels_path.exists() else []
    use_hf = shutil.which("hyperfine") is not None and not a.no_hyperfine
    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "threads": a.threads,
        "runs": a.runs,
        "timer": "hyperfine" if use_hf else "/usr/bin/time rounds",
        "manifest": json.loads((a.corpus / "manifest.json").read_text()) if (a.corpus / "manifest.json").exists() else {},
        "corpora": {},
    }
    for corpus in a.only.split(","):
        target = a.realcode if corpus == "realcode" else a.corpus / corpus
        if not target.is_dir():
            print(f"skip {corpus}: {target} missing", file=sys.stderr)
            continue
        files, size = corpus_bytes(target)
        print(f"== {corpus}: {files} files, {size / MIB:.1f} MiB", file=sys.stderr)
        cmds = tool_commands(a, target, raw, corpus)
        tools: dict[str, dict] = {}
        # 1. warm-up run with peak RSS and the findings for the recall check
        for name, (argv, env) in cmds.items():
            stdout = raw / f"{corpus}-rg.txt" if name == "rg" else None
            r = timed(argv, env, stdout)
            if r["stderr_tail"]:
                print(f"   {name}: exit {r['rc']}: {r['stderr_tail']}", file=sys.stderr)
            tools[name] = {"warm": r, "rss_kb": r["rss_kb"] or 0}
            print(f"   warm-up {name}: {r['wall']:.2f}s rss {((r['rss_kb'] or 0) / 1024):.0f} MiB rc {r['rc']}", file=sys.stderr)
        # 2. timed runs
        if use_hf:
            hf = hyperfine(cmds, a.runs, raw / f"{corpus}-hyperfine.json")
            for name in cmds:
                tools[name].update(hf[name])
        else:
            runs: dict[str, list[dict]] = {n: [] for n in cmds}
            names = list(cmds)
            for i in range(a.runs):
                order = names[i % len(names) :] + names[: i % len(names)]
                for name in order:
                    argv, env = cmds[name]
                    runs[name].append(timed(argv, env, None))
            for name, rs in runs.items():
                walls = [r["wall"] for r in rs]
                tools[name].update(
                    walls=walls,
                    wall=statistics.median(walls),
                    wall_min=min(walls),
                    wall_max=max(walls),
                    cpu=statistics.median(r["cpu"] for r in rs),
                    rss_kb=max([tools[name]["rss_kb"]] + [r["rss_kb"] or 0 for r in rs]),
                )
        for name, t in tools.items():
            print(f"   {name}: median {t['wall']:.2f}s ({size / MIB / t['wall']:.1f} MiB/s) cpu {t['cpu']:.2f}s", file=sys.stderr)
        # 3. recall
        mine = [l for l in labels if l["corpus"] == corpus]
        tools["leakgate"]["recall"] = check_leakgate(raw / f"{corpus}-leakgate.json", mine, corpus)
        for name in cmds:
            if name.startswith(("kingfisher", "gitleaks")):
                out = raw / f"{corpus}-{name.replace(' --', '-')}.json"
                tools[name]["recall"] = check_peer(out, mine)
        results["corpora"][corpus] = {"files": files, "bytes": size, "tools": tools}
        (a.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = render(results)
    (a.out / "results.md").write_text(md)
    print(md)
    bad = [c for c, v in results["corpora"].items() if v["tools"]["leakgate"]["recall"]["missed"]]
    if bad:
        print(f"leakgate missed planted secrets in: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
