#!/usr/bin/env python3
"""Write the peer scanners' rule lists (ids and names only) to tools/coverage/peers/*.tsv.

Each peer repository is read from a local bare git mirror (read with `git show` / `git ls-tree`,
no work tree needed):

    python3 tools/coverage/peers.py --gitleaks DIR --kingfisher DIR --noseyparker DIR \
        --trufflehog DIR

Only rule ids and display names are recorded: no patterns, examples or descriptions.
Python 3 standard library only.
"""
import argparse
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

PEERS = {
    "gitleaks": "gitleaks/gitleaks",
    "kingfisher": "mongodb/kingfisher",
    "noseyparker": "praetorian-inc/noseyparker",
    "trufflehog": "trufflesecurity/trufflehog",
}


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True,
                          capture_output=True, text=True).stdout


def head(gitdir):
    return git(gitdir, "rev-parse", "HEAD").strip()


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    return v


def gitleaks(gitdir):
    text = git(gitdir, "show", "HEAD:config/gitleaks.toml")
    rows = []
    for m in re.finditer(r"(?m)^id\s*=\s*(\S.*)$", text):
        rid = unquote(m.group(1))
        rows.append((rid, rid))
    return rows


def yaml_rules(gitdir, folder):
    """Rule (id, name) pairs from YAML rule files: list items carrying both `id:` and `name:`."""
    files = [p for p in git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", folder).split("\n")
             if p.endswith((".yml", ".yaml"))]
    rows = []
    for path in sorted(files):
        text = git(gitdir, "show", "HEAD:" + path)
        item = None  # (indent of the item's keys, {key: value})
        items = []
        for line in text.split("\n"):
            m = re.match(r"^(\s*)- (\w+):\s*(.*)$", line)
            if m:
                item = (len(m.group(1)) + 2, {m.group(2): unquote(m.group(3))})
                items.append(item)
                continue
            m = re.match(r"^(\s*)(\w+):\s*(.*)$", line)
            if m and item is not None and len(m.group(1)) == item[0]:
                item[1].setdefault(m.group(2), unquote(m.group(3)))
        for _, kv in items:
            if kv.get("id") and kv.get("name") and "pattern" in kv:
                rows.append((kv["id"], kv["name"]))
    return rows


def trufflehog(gitdir):
    out = git(gitdir, "ls-tree", "-d", "--name-only", "HEAD:pkg/detectors/")
    return [(d, d) for d in sorted(x for x in out.split("\n") if x)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for tool in PEERS:
        ap.add_argument("--" + tool, metavar="GITDIR")
    args = ap.parse_args()
    readers = {
        "gitleaks": gitleaks,
        "kingfisher": lambda g: yaml_rules(g, "data/rules"),
        "noseyparker": lambda g: yaml_rules(g, "crates/noseyparker/data/default/builtin/rules"),
        "trufflehog": trufflehog,
    }
    os.makedirs(os.path.join(HERE, "peers"), exist_ok=True)
    for tool, repo in PEERS.items():
        gitdir = getattr(args, tool)
        if not gitdir:
            continue
        rows = readers[tool](gitdir)
        seen = set()
        with open(os.path.join(HERE, "peers", tool + ".tsv"), "w", encoding="utf-8") as f:
            f.write("# %s rule list: ids and names only, read from github.com/%s at commit %s\n"
                    % (tool, repo, head(gitdir)))
            f.write("id\tname\n")
            for rid, name in rows:
                if rid in seen:
                    continue
                seen.add(rid)
                f.write("%s\t%s\n" % (rid, name.replace("\t", " ")))
        print("%s: %d rules" % (tool, len(seen)))


if __name__ == "__main__":
    main()
