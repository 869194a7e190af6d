#!/usr/bin/env python3
"""Write the peer scanners' rule lists (ids and names only) to tools/coverage/peers/*.tsv.

Each peer repository is read from a local bare git mirror (read with `git show` / `git ls-tree`,
no work tree needed):

    python3 tools/coverage/peers.py --gitleaks DIR --kingfisher DIR --noseyparker DIR \
        --trufflehog DIR

Only rule ids, display names and one derived fact per rule are recorded, never patterns, examples
or descriptions. The derived fact is `shape`: `prefixed` when the rule's pattern fixes literal
characters inside the secret itself (a token prefix such as a vendor tag), `context` when the
secret is only a character class found near a keyword (host-name patterns are not counted), `-` when there is no pattern to read.
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


def strip_verbose(pat):
    if "(?x" in pat or re.search(r"\(\?[a-z]*x", pat):
        pat = re.sub(r"(?m)(?<!\\)#.*$", "", pat)
        pat = re.sub(r"\s+", "", pat)
    return pat


def first_capture(pat):
    """Text of the first capturing group, or None."""
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            while j < len(pat) and pat[j] != "]":
                j += 2 if pat[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(" and not pat.startswith("(?", i):
            depth, j = 1, i + 1
            while j < len(pat) and depth:
                if pat[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(pat[j], 0)
                j += 1
            return pat[i + 1:j - 1]
        i += 1
    return None


def shape(patterns):
    """`prefixed` if some pattern fixes 3+ literal characters inside the secret, else `context`."""
    if not patterns:
        return "-"
    for pat in patterns:
        pat = strip_verbose(pat)
        # a host name or URL pattern (an account's domain) is not a secret, unless a webhook
        if re.search(r"\\\.(com|io|net|org|dev|app|cloud|co|ai|us|eu)\b", pat) \
                and not re.search(r"(?i)hook", pat):
            continue
        body = first_capture(pat)
        if body is None:
            body = pat
        body = re.sub(r"\(\?[a-zA-Z]*:?", "(", body)
        body = re.sub(r"\[(?:\\.|[^\]])*\]", "#", body)
        body = re.sub(r"\\[pP]\{\w+\}|\\.", "#", body)
        body = re.sub(r"\{\d*,?\d*\}", "#", body)
        # a literal run of 3+ word characters, not an alternation of keywords before the secret
        if re.search(r"[A-Za-z0-9_-]{3,}", body):
            return "prefixed"
    return "context"


def gitleaks(gitdir):
    text = git(gitdir, "show", "HEAD:config/gitleaks.toml")
    rows = []
    for block in re.split(r"(?m)^\[\[rules\]\]\s*$", text)[1:]:
        m = re.search(r"(?m)^id\s*=\s*(\S.*)$", block)
        if not m:
            continue
        rid = unquote(m.group(1))
        pats = re.findall(r"(?ms)^regex\s*=\s*\'\'\'(.*?)\'\'\'", block)
        pats += [unquote(x) for x in re.findall(r"(?m)^regex\s*=\s*(\"[^\n]*\"|'[^'\n]*')\s*$", block)]
        rows.append((rid, rid, shape(pats)))
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
        block = None  # (indent, key) of an open block scalar
        for line in text.split("\n"):
            if block is not None:
                if not line.strip() or len(line) - len(line.lstrip()) > block[0]:
                    item[1][block[1]] += line.strip() + "\n"
                    continue
                block = None
            m = re.match(r"^(\s*)- (\w+):\s*(.*)$", line)
            if m:
                item = (len(m.group(1)) + 2, {m.group(2): unquote(m.group(3))})
                items.append(item)
                continue
            m = re.match(r"^(\s*)(\w+):\s*(.*)$", line)
            if m and item is not None and len(m.group(1)) == item[0]:
                key, val = m.group(2), m.group(3).strip()
                if key in item[1]:
                    continue
                if val in ("|", ">", "|-", ">-", "|+", ">+"):
                    item[1][key] = ""
                    block = (item[0], key)
                else:
                    item[1][key] = unquote(val)
        for _, kv in items:
            if kv.get("id") and kv.get("name") and "pattern" in kv:
                rows.append((kv["id"], kv["name"], shape([kv["pattern"]])))
    return rows


def trufflehog(gitdir):
    out = git(gitdir, "ls-tree", "-d", "--name-only", "HEAD:pkg/detectors/")
    files = git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", "pkg/detectors/").split("\n")
    rows = []
    for d in sorted(x for x in out.split("\n") if x):
        pats = []
        for path in files:
            if not path.startswith("pkg/detectors/%s/" % d) or not path.endswith(".go") \
                    or path.endswith("_test.go"):
                continue
            for line in git(gitdir, "show", "HEAD:" + path).split("\n"):
                if "MustCompile(" not in line:
                    continue
                rest = line.split("MustCompile(", 1)[1]
                rest = re.sub(r"PrefixRegex\(\[\]string\{[^}]*\}\)", "", rest)
                lits = re.findall(r"`([^`]*)`|\"((?:\\.|[^\"\\])*)\"", rest)
                pat = "".join(a or b.replace("\\\\", "\\") for a, b in lits)
                if pat:
                    pats.append(pat)
        rows.append((d, d, shape(pats)))
    return rows


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
            f.write("id\tname\tshape\n")
            for rid, name, shp in rows:
                if rid in seen:
                    continue
                seen.add(rid)
                f.write("%s\t%s\t%s\n" % (rid, name.replace("\t", " "), shp))
        print("%s: %d rules" % (tool, len(seen)))


if __name__ == "__main__":
    main()
