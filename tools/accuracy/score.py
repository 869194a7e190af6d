#!/usr/bin/env python3
"""Score secret scanners on a labelled corpus from gen_corpus.py (issue 3).

    python3 tools/accuracy/gen_corpus.py --seed 1 --out /tmp/acc-1
    python3 tools/accuracy/score.py --corpus /tmp/acc-1 --tools leakgate,gitleaks,kingfisher

Each tool scans OUT/corpus; its findings are matched to OUT/labels.jsonl by path and line:
- a finding on a line that a positive label covers (its line..end_line, so any line of a PEM
  block) is a true positive for that label; each label counts once for recall;
- any other finding is a false positive; findings on the same line count once. A false positive
  on a labelled negative line is attributed to that negative's kind (placeholder, env-ref...),
  otherwise to "unlabelled".

recall = labels found / labels; precision = labels found / (labels found + false-positive lines).
Per family, recall uses the labels of that family and precision the labels found in it plus the
false positives whose rule maps to it (by rule id and title keywords, for every tool alike).

Nothing printed holds a secret: contexts shown by --show-misses mask every random-looking run as
`****` plus its last 4 characters (the project's own masking rule), and the tools run with their
redaction options where they have one.

Exit status: 0, or 1 when leakgate ran and is below --min-recall or --min-precision (overall), or
2 on a usage error or when a tool fails to run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# ------------------------------------------------------------------------------------------
# Labels
# ------------------------------------------------------------------------------------------


class Corpus:
    def __init__(self, out_dir: str):
        self.out = os.path.abspath(out_dir)
        self.root = os.path.join(self.out, "corpus")
        if not os.path.isdir(self.root):
            sys.exit(f"score.py: {self.root} is not a directory (run gen_corpus.py --out {out_dir} first)")
        self.positives: list[dict] = []
        self.pos_at: dict[tuple[str, int], int] = {}
        self.neg_at: dict[tuple[str, int], str] = {}
        with open(os.path.join(self.out, "labels.jsonl"), encoding="utf-8") as fh:
            for ln in fh:
                rec = json.loads(ln)
                lines = range(rec["line"], rec["end_line"] + 1)
                if rec["kind"] == "positive":
                    idx = len(self.positives)
                    self.positives.append(rec)
                    for i in lines:
                        self.pos_at[(rec["path"], i)] = idx
                else:
                    for i in lines:
                        self.neg_at[(rec["path"], i)] = rec["neg_kind"]
        meta = os.path.join(self.out, "corpus.json")
        self.meta = json.load(open(meta)) if os.path.exists(meta) else {}

    def rel(self, path: str) -> str:
        p = os.path.abspath(path) if os.path.isabs(path) else os.path.abspath(os.path.join(self.root, path))
        return os.path.relpath(p, self.root).replace(os.sep, "/")

    def line_text(self, path: str, line: int) -> str:
        try:
            with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as fh:
                for i, t in enumerate(fh, 1):
                    if i == line:
                        return t.rstrip("\n")
        except OSError:
            pass
        return ""


# ------------------------------------------------------------------------------------------
# Tools
# ------------------------------------------------------------------------------------------


def find_bin(explicit: str | None, name: str, candidates: list[str]) -> str | None:
    if explicit:
        return explicit
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return shutil.which(name)


def run(cmd: list[str], ok_codes=(0, 1)) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok_codes:
        sys.stderr.write(f"score.py: {' '.join(cmd[:2])} exited {p.returncode}\n{p.stderr[-2000:]}\n")
        sys.exit(2)
    return p


def run_leakgate(binary: str, corpus: Corpus, tmp: str) -> list[dict]:
    p = run([binary, "scan", "--no-report", "--format", "json", corpus.root])
    rep = json.loads(p.stdout)
    if rep.get("errors"):
        sys.stderr.write(f"score.py: leakgate reported {len(rep['errors'])} unreadable inputs\n")
    # The hygiene family (env files readable by others, overdue rotation, ...) reports how secrets
    # are kept, not leaked values; the corpus labels leaked values only, so it is not scored here
    # (tests/it/hygiene.rs covers it).
    return [{"path": corpus.rel(f["path"]), "line": f["line"], "rule": f["rule_id"], "title": f["title"]}
            for f in rep["findings"] if not f["rule_id"].startswith("hygiene-")]


def run_gitleaks(binary: str, corpus: Corpus, tmp: str) -> list[dict]:
    out = os.path.join(tmp, "gitleaks.json")
    run([binary, "dir", corpus.root, "--report-format", "json", "--report-path", out, "--no-banner", "--redact", "--exit-code", "0", "--log-level", "error"])
    rep = json.load(open(out))
    return [{"path": corpus.rel(f["File"]), "line": f["StartLine"], "rule": f["RuleID"], "title": f.get("Description", "")} for f in rep]


def run_kingfisher(binary: str, corpus: Corpus, tmp: str) -> list[dict]:
    out = os.path.join(tmp, "kingfisher.json")
    run([binary, "scan", corpus.root, "--no-validate", "--no-update-check", "--format", "json", "--output", out, "--redact", "--no-dedup"], ok_codes=(0, 200, 205))
    rep = json.load(open(out))
    res = []
    for f in rep.get("findings", []):
        fi, ru = f["finding"], f["rule"]
        res.append({"path": corpus.rel(fi["path"]), "line": fi["line"], "rule": ru.get("id", ""), "title": f"{ru.get('name', '')} {ru.get('description', '')}"})
    return res


TOOLS = {
    "leakgate": (run_leakgate, "leakgate"),
    "gitleaks": (run_gitleaks, "gitleaks"),
    "kingfisher": (run_kingfisher, "kingfisher"),
}


def tool_version(name: str, binary: str) -> str:
    try:
        args = {"leakgate": ["--version"], "gitleaks": ["version"], "kingfisher": ["--version"]}[name]
        out = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout.strip()
        m = re.search(r"\d+\.\d+\.\d+", out)
        return m.group(0) if m else out[:40]
    except Exception:
        return "?"


# ------------------------------------------------------------------------------------------
# Rule -> family (for attributing false positives; the same table for every tool)
# ------------------------------------------------------------------------------------------

FAMILY_WORDS = [
    ("telegram", ["telegram"]),
    ("prefect", ["prefect"]),
    ("exchange", ["binance", "bybit", "bitget", "okx", "okex", "kucoin", "kraken", "coinbase", "btcturk", "gateio", "gate.io", "mexc", "huobi", "htx-", "bitfinex", "deribit", "ccxt", "freqtrade", "crypto-exchange", "cryptocurrency"]),
    ("mlops", ["mlflow", "wandb", "weights & biases", "weights and biases", "comet", "neptune", "clearml"]),
    ("atlassian", ["atlassian", "jira", "confluence", "bitbucket"]),
    ("github", ["github"]),
    ("gitlab", ["gitlab"]),
    ("openai", ["openai"]),
    ("anthropic", ["anthropic"]),
    ("huggingface", ["hugging"]),
    ("groq", ["groq"]),
    ("replicate", ["replicate"]),
    ("ai-other", ["perplexity", "xai", "cohere", "mistral", "openrouter", "deepseek", "langsmith", "langchain", "pinecone", "together", "elevenlabs", "kimi", "moonshot", "voyage", "fireworks", "assemblyai"]),
    ("stripe", ["stripe"]),
    ("twilio", ["twilio"]),
    ("sendgrid", ["sendgrid"]),
    ("mailgun", ["mailgun"]),
    ("slack", ["slack"]),
    ("discord", ["discord"]),
    ("npm", ["npm"]),
    ("pypi", ["pypi"]),
    ("rubygems", ["rubygem"]),
    ("dockerhub", ["docker"]),
    ("azure", ["azure", "entra", "cosmos"]),
    ("google", ["google", "gcp", "firebase", "gcs-"]),
    ("datadog", ["datadog"]),
    ("newrelic", ["new relic", "newrelic", "new-relic"]),
    ("sentry", ["sentry"]),
    ("grafana", ["grafana"]),
    ("digitalocean", ["digitalocean"]),
    ("heroku", ["heroku"]),
    ("shopify", ["shopify"]),
    ("linear", ["linear"]),
    ("databricks", ["databricks"]),
    ("pulumi", ["pulumi"]),
    ("doppler", ["doppler"]),
    ("terraform", ["terraform", "hashicorp-tf"]),
    ("okta", ["okta"]),
    ("square", ["square"]),
    ("postman", ["postman"]),
    ("notion", ["notion"]),
    ("vault", ["vault"]),
    ("aws", ["aws", "amazon"]),
    ("jwt", ["jwt", "json web token"]),
    ("private-key", ["private-key", "private key", "privatekey", "pgp", "age-secret", "age encryption", "putty", "openssh"]),
    ("db-url", ["postgres", "mysql", "redis", "amqp", "mongo", "jdbc", "sqlserver", "mssql", "clickhouse", "connection uri", "connection string", "uri", "-url-"]),
]


def family_of(rule: str, title: str) -> str:
    s = f"{rule} {title}".lower()
    for fam, words in FAMILY_WORDS:
        if any(w in s for w in words):
            return fam
    return "generic"


# ------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------


class Score:
    def __init__(self, name: str):
        self.name = name
        self.found: set[tuple[int, int]] = set()  # (corpus index, label index)
        self.fp: dict[tuple[int, str, int], dict] = {}  # (corpus index, path, line) -> info
        self.seconds = 0.0
        self.version = ""

    def add(self, ci: int, corpus: Corpus, findings: list[dict]):
        for f in findings:
            key = (f["path"], f["line"])
            li = corpus.pos_at.get(key)
            if li is not None:
                self.found.add((ci, li))
            else:
                self.fp.setdefault((ci, f["path"], f["line"]), {"neg": corpus.neg_at.get(key, "unlabelled"), "rule": f["rule"], "family": family_of(f["rule"], f["title"])})


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summarize(corpora: list[Corpus], scores: list[Score]) -> dict:
    fams: dict[str, int] = defaultdict(int)
    for c in corpora:
        for p in c.positives:
            fams[p["family"]] += 1
    res = {"families": {}, "overall": {}, "fp_kinds": {}, "labels": sum(fams.values())}
    for s in scores:
        tp_f: dict[str, int] = defaultdict(int)
        for ci, li in s.found:
            tp_f[corpora[ci].positives[li]["family"]] += 1
        fp_f: dict[str, int] = defaultdict(int)
        kinds: dict[str, int] = defaultdict(int)
        for info in s.fp.values():
            fp_f[info["family"]] += 1
            kinds[info["neg"]] += 1
        for fam in sorted(set(fams) | set(fp_f)):
            tp, fp, n = tp_f.get(fam, 0), fp_f.get(fam, 0), fams.get(fam, 0)
            res["families"].setdefault(fam, {"labels": n})[s.name] = {"tp": tp, "fp": fp, "recall": ratio(tp, n), "precision": ratio(tp, tp + fp)}
        tp, fp, n = len(s.found), len(s.fp), sum(fams.values())
        res["overall"][s.name] = {"tp": tp, "fp": fp, "fn": n - tp, "recall": ratio(tp, n), "precision": ratio(tp, tp + fp), "seconds": round(s.seconds, 2), "version": s.version}
        res["fp_kinds"][s.name] = dict(sorted(kinds.items(), key=lambda kv: -kv[1]))
    return res


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render_text(res: dict, tools: list[str]) -> str:
    w = max(12, max(len(f) for f in res["families"]) + 1)
    head = f"{'family':<{w}}{'labels':>7}" + "".join(f"  {t[:10] + ' R':>12}{t[:10] + ' P':>12}" for t in tools)
    out = [head, "-" * len(head)]
    for fam, row in sorted(res["families"].items()):
        cells = "".join(f"  {pct(row.get(t, {}).get('recall')):>12}{pct(row.get(t, {}).get('precision')):>12}" for t in tools)
        out.append(f"{fam:<{w}}{row['labels']:>7}{cells}")
    out.append("-" * len(head))
    cells = "".join(f"  {pct(res['overall'][t]['recall']):>12}{pct(res['overall'][t]['precision']):>12}" for t in tools)
    out.append(f"{'OVERALL':<{w}}{res['labels']:>7}{cells}")
    out.append("")
    for t in tools:
        o = res["overall"][t]
        kinds = ", ".join(f"{k} {v}" for k, v in res["fp_kinds"][t].items()) or "none"
        out.append(f"{t} {o['version']}: TP {o['tp']}  FN {o['fn']}  FP {o['fp']}  ({o['seconds']} s)  false positives by line kind: {kinds}")
    return "\n".join(out)


def render_markdown(res: dict, tools: list[str], corpora: list[Corpus]) -> str:
    lines = []
    size = {k: sum(c.meta.get(k, 0) for c in corpora) for k in ("files", "lines", "bytes", "positives", "negatives")}
    seeds = ", ".join(str(c.meta.get("seed", "?")) for c in corpora)
    lines.append(f"Corpus: seeds {seeds}; {size['files']} files, {size['lines']} lines, {size['bytes'] / 1e6:.2f} MB; "
                 f"{size['positives']} labelled positives, {size['negatives']} labelled hard negatives.")
    lines.append("")
    vers = ", ".join(f"{t} {res['overall'][t]['version']}" for t in tools)
    lines.append(f"Tools: {vers}. R = recall, P = precision.")
    lines.append("")
    lines.append("| family | labels | " + " | ".join(f"{t} R | {t} P" for t in tools) + " |")
    lines.append("|---|---:|" + "---:|---:|" * len(tools))
    for fam, row in sorted(res["families"].items()):
        cells = " | ".join(f"{pct(row.get(t, {}).get('recall'))} | {pct(row.get(t, {}).get('precision'))}" for t in tools)
        lines.append(f"| {fam} | {row['labels']} | {cells} |")
    cells = " | ".join(f"**{pct(res['overall'][t]['recall'])}** | **{pct(res['overall'][t]['precision'])}**" for t in tools)
    lines.append(f"| **overall** | **{res['labels']}** | {cells} |")
    lines.append("")
    lines.append("| tool | true positives | missed | false-positive lines | time (s) |")
    lines.append("|---|---:|---:|---:|---:|")
    for t in tools:
        o = res["overall"][t]
        lines.append(f"| {t} {o['version']} | {o['tp']} | {o['fn']} | {o['fp']} | {o['seconds']} |")
    lines.append("")
    kinds = sorted({k for t in tools for k in res["fp_kinds"][t]})
    if kinds:
        lines.append("False-positive lines by kind of line:")
        lines.append("")
        lines.append("| line kind | " + " | ".join(tools) + " |")
        lines.append("|---|" + "---:|" * len(tools))
        for k in kinds:
            lines.append(f"| {k} | " + " | ".join(str(res["fp_kinds"][t].get(k, 0)) for t in tools) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------
# Masked context
# ------------------------------------------------------------------------------------------

TOKENISH = re.compile(r"[^\s\"'`<>()\[\]{}=:,;|$?]{5,}")
WORDISH = re.compile(r"[A-Za-z]+(?:[_.\-/][A-Za-z]+)*")


def mask_value(v: str) -> str:
    return "****" + v[-4:] if len(v) >= 16 else "****"


def _looks_like_words(s: str) -> bool:
    """Identifiers and prose stay readable: UPPER_SNAKE names, lower/camel words joined by _.-/."""
    if not WORDISH.fullmatch(s):
        return False
    letters = [c for c in s.lower() if c.isalpha()]
    vowels = sum(c in "aeiouy" for c in letters)
    return vowels * 4 >= len(letters) or (s.isupper() and "_" in s)


def mask_line(text: str, span: tuple[int, int] | None = None, limit: int = 160) -> str:
    """Masks the labelled span, then every other run of 5+ characters that does not read as words or
    an identifier (the project's rule: at most `****` plus the last 4 characters of a 16+ character
    value; shorter runs become `****`)."""
    if span:
        a, b = span
        text = text[: a - 1] + "\x00" + mask_value(text[a - 1 : b - 1]) + "\x00" + text[b - 1 :]

    def sub(m: re.Match) -> str:
        s = m.group(0)
        return s if _looks_like_words(s) else mask_value(s)

    parts = text.split("\x00")
    for i in range(0, len(parts), 2):
        parts[i] = TOKENISH.sub(sub, parts[i])
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show(res_scores: list[Score], corpora: list[Corpus], limit: int):
    for s in res_scores:
        misses = [(ci, li) for ci, c in enumerate(corpora) for li in range(len(c.positives)) if (ci, li) not in s.found]
        print(f"\n== {s.name}: {len(misses)} missed positives")
        for ci, li in sorted(misses, key=lambda k: (corpora[k[0]].positives[k[1]]["family"], corpora[k[0]].positives[k[1]]["path"]))[:limit]:
            p = corpora[ci].positives[li]
            sl = p.get("secret_line", p["line"])
            text = corpora[ci].line_text(p["path"], sl)
            span = (p["col"], p["end_col"]) if "col" in p else None
            print(f"  MISS {p['family']}/{p['provider']} [{p['ctx']}] {p['path']}:{sl}  {mask_line(text, span)}")
        print(f"== {s.name}: {len(s.fp)} false-positive lines")
        for (ci, path, line), info in sorted(s.fp.items(), key=lambda kv: (kv[1]["neg"], kv[0][1], kv[0][2]))[:limit]:
            text = corpora[ci].line_text(path, line)
            print(f"  FP {info['neg']} rule={info['rule']} {path}:{line}  {mask_line(text)}")


# ------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Recall and precision of secret scanners on a gen_corpus.py corpus.")
    ap.add_argument("--corpus", action="append", required=True, help="a gen_corpus.py --out directory (repeatable: results are pooled)")
    ap.add_argument("--tools", default="leakgate", help="comma-separated: leakgate,gitleaks,kingfisher")
    ap.add_argument("--leakgate-bin", help="default: $CARGO_TARGET_DIR/release/leakgate, target/release/leakgate, or leakgate on PATH")
    ap.add_argument("--gitleaks-bin", help="default: gitleaks on PATH")
    ap.add_argument("--kingfisher-bin", help="default: kingfisher on PATH")
    ap.add_argument("--min-recall", type=float, help="exit 1 when leakgate's overall recall is below")
    ap.add_argument("--min-precision", type=float, help="exit 1 when leakgate's overall precision is below")
    ap.add_argument("--markdown", help="write the comparison table (markdown) to this file")
    ap.add_argument("--json", help="write the full results as JSON to this file")
    ap.add_argument("--show-misses", nargs="?", type=int, const=200, default=0, metavar="N",
                    help="print up to N missed positives and N false positives per tool, masked (default N: 200)")
    a = ap.parse_args(argv)

    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    for t in tools:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r} (known: {', '.join(TOOLS)})")
    corpora = [Corpus(c) for c in a.corpus]
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    bins = {
        "leakgate": find_bin(a.leakgate_bin, "leakgate", [os.path.join(target, "release", "leakgate")]),
        "gitleaks": find_bin(a.gitleaks_bin, "gitleaks", []),
        "kingfisher": find_bin(a.kingfisher_bin, "kingfisher", []),
    }
    scores = []
    with tempfile.TemporaryDirectory(prefix="leakgate-acc-") as tmp:
        for t in tools:
            if not bins[t]:
                ap.error(f"{t} not found: pass --{t}-bin (see docs/accuracy.md for installing it)")
            s = Score(t)
            s.version = tool_version(t, bins[t])
            for ci, c in enumerate(corpora):
                t0 = time.monotonic()
                findings = TOOLS[t][0](bins[t], c, tmp)
                s.seconds += time.monotonic() - t0
                s.add(ci, c, findings)
            scores.append(s)
    res = summarize(corpora, scores)
    print(render_text(res, tools))
    if a.show_misses:
        show(scores, corpora, a.show_misses)
    if a.markdown:
        with open(a.markdown, "w") as fh:
            fh.write(render_markdown(res, tools, corpora))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=2, sort_keys=True)
    if "leakgate" in res["overall"]:
        o = res["overall"]["leakgate"]
        bad = []
        if a.min_recall is not None and (o["recall"] or 0) < a.min_recall:
            bad.append(f"recall {pct(o['recall'])} < {a.min_recall}")
        if a.min_precision is not None and (o["precision"] or 0) < a.min_precision:
            bad.append(f"precision {pct(o['precision'])} < {a.min_precision}")
        if bad:
            print(f"\nFAIL: leakgate {'; '.join(bad)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
