#!/usr/bin/env python3
"""Regenerate docs/rules-coverage.md: which leakgate rules cover each peer scanner's rules.

    python3 tools/coverage/build.py --leakgate target/release/leakgate [--cases FILE]

Inputs, all under tools/coverage/ unless given:
  peers/<tool>.tsv   the peer scanners' rule ids and names (written by peers.py)
  evidence.tsv       per peer rule, which leakgate rules fire on that rule's positive examples and
                     how many of them are found; `--cases FILE` (JSON lines with source, rule,
                     label, text) measures it again with the given binary and rewrites the file
  overrides.tsv      decisions made by hand, which win over everything computed here
and `leakgate rules list --format json` for our rule ids, titles and kinds.

A peer rule is decided in this order: a hand decision; a provider rule of ours that finds its
examples (`covered`); a rule of ours for the same provider by name (`covered-by-name`); only
generic rules find its examples (`generic-only`); otherwise a reason it is not covered.

Python 3 standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOLS = [
    ("gitleaks", "gitleaks", "gitleaks/gitleaks"),
    ("kingfisher", "Kingfisher", "mongodb/kingfisher"),
    ("noseyparker", "Nosey Parker", "praetorian-inc/noseyparker"),
    ("trufflehog", "TruffleHog", "trufflesecurity/trufflehog"),
]

COVERED = ["covered", "covered-by-name", "generic-only"]
REASONS = ["not-a-secret", "no-format", "deprecated", "placeholder-only", "todo"]
STATUS_TEXT = {
    "covered": "a provider rule of ours finds the peer rule's own positive examples "
               "(found/total shown)",
    "covered-by-name": "no examples to measure (or none found that belong to this provider); "
                       "our rule for the same provider, matched by name",
    "generic-only": "the peer's examples are found, but only by generic rules (a secret-named "
                    "assignment, an Authorization header, a connection URL); no provider rule",
    "not-a-secret": "an identifier, host name, URL, account or client id, or public key: not a "
                    "credential on its own",
    "no-format": "no documented or distinctive format: the peer finds a bare character class "
                 "next to the provider's name",
    "deprecated": "the service or this credential type has been shut down",
    "placeholder-only": "we have a rule for this provider, but the peer's examples are not "
                        "real-format values, so none are found",
    "todo": "a real, distinctive format we do not cover yet",
}

# Rules whose hits do not show that a provider is covered: generic rules, and format-level rules
# that fire on any provider's token of that kind.
WEAK_EXTRA = {"jwt", "kubernetes-secret-manifest-value",
              "kubernetes-secret-manifest-value-before-kind", "curl-auth-header"}

# Words that say what kind of credential, not whose.
STOP = {"api", "apis", "key", "keys", "token", "tokens", "secret", "secrets", "access", "auth",
        "authentication", "personal", "client", "password", "passwords", "credential",
        "credentials", "private", "pat", "id", "bearer", "v1", "v2", "v3", "v4", "legacy",
        "user", "service", "account", "the", "and", "or", "of", "for", "with",
        "in", "a", "an", "oauth", "oauth2", "refresh", "app", "application", "webhook", "url",
        "code", "value", "string", "connection", "admin", "management", "org", "organization",
        "workspace", "project", "read", "write", "only", "live", "test", "prod", "production",
        "sandbox", "deploy", "global", "io", "com", "hq"}
# Peer rule names that hold no credential on their own.
NOT_SECRET = re.compile(
    r"(?i)\b(client[ _-]?id|app(lication)?[ _-]?id|account[ _-]?id|org(ani[sz]ation)?[ _-]?id|"
    r"tenant[ _-]?id|project[ _-]?id|product[ _-]?id|customer[ _-]?id|user[ _-]?id|"
    r"username|email|e-mail|host(name)?|domain|subdomain|url|uri|endpoint|instance|region|"
    r"bucket|arn|resource name|recipient|public[ _-]?key|publishable|site[ _-]?key|"
    r"identifier|sid|id|name)\b")
# Peer rules that are themselves structural (a password by name, credentials in a URL or header):
# our generic rules finding their examples is coverage.
GENERIC_PEER = re.compile(r"(?i)\bgeneric\b|\bcurl\b|\bhttp\b|kubernetes.secret|credentials in|"
                          r"in a url|\b(uri|url)\b.*\b(credential|password)|\bpassword\b|"
                          r"connection (string|uri)|\bnetrc\b")
SECRET_WORDS = re.compile(r"(?i)secret|token|password|private|credential|api[ _-]?key|webhook|"
                          r"connection string|\bkey\b.*(secret|private)")


def words(text):
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def keys_of(tokens):
    """Normalised provider keys: joined prefixes of the name without credential words."""
    core = [t for t in tokens if t not in STOP and not re.fullmatch(r"\d+", t)]
    keys = set()
    for i in range(1, len(core) + 1):
        k = "".join(core[:i])
        if len(k) >= 4 or (i == len(core) and len(k) >= 2):
            keys.add(k)
    return keys, "".join(core)


def peer_provider(tool, pid, name):
    """Provider tokens of a peer rule: from its id (without tool prefix and number)."""
    if tool in ("kingfisher", "noseyparker"):
        parts = pid.split(".")[1:]
        parts = [p for p in parts if not p.isdigit()]
        id_tokens = words(" ".join(parts))
    else:
        id_tokens = words(pid)
    return id_tokens, words(name)


def load_peers(tool):
    rows, header = [], ""
    with open(os.path.join(HERE, "peers", tool + ".tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                header = line.lstrip("# ")
                continue
            if line.startswith("id\t") or not line:
                continue
            parts = line.split("\t")
            rows.append({"id": parts[0], "name": parts[1],
                         "shape": parts[2] if len(parts) > 2 else "-"})
    return header, rows


def load_rules(binary):
    out = subprocess.run([binary, "rules", "list", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["rules"]


def measure(binary, cases_path):
    """Run the binary once over every positive case; return {(tool, rule): (Counter, found, n)}."""
    cases = []
    with open(cases_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                c = json.loads(line)
                if c.get("label") == "positive":
                    cases.append(c)
    by_file = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "cases")
        os.makedirs(d)
        for i, c in enumerate(cases, 1):
            fn = "case-%05d" % i
            if c.get("path"):
                fn += "." + re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(c["path"]))
            else:
                fn += ".txt"
            with open(os.path.join(d, fn), "wb") as f:
                f.write(c["text"].encode("utf-8", "surrogateescape"))
            by_file[fn] = c
        proc = subprocess.run([os.path.abspath(binary), "scan", d, "--no-report",
                               "--format", "jsonl"], capture_output=True, text=True, cwd=tmp)
        if proc.returncode not in (0, 1):
            sys.exit("scan failed (%d): %s" % (proc.returncode, proc.stderr[:500]))
    hits = defaultdict(set)
    for line in proc.stdout.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("kind", "finding") != "finding" or "rule_id" not in d:
            continue
        hits[os.path.basename(d.get("path", ""))].add(d["rule_id"])
    ev = {}
    for fn, c in by_file.items():
        key = (c["source"], c["rule"])
        fired, found, n = ev.get(key, (Counter(), 0, 0))
        fired.update(hits.get(fn, ()))
        ev[key] = (fired, found + (1 if hits.get(fn) else 0), n + 1)
    return ev


def write_evidence(ev, path, cases_note):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# leakgate rules that fire on each peer rule's positive examples (%s).\n"
                % cases_note)
        f.write("# our_rules: rule id:number of examples it fires on, most first.\n")
        f.write("tool\tpeer_rule\tour_rules\tfound\ttotal\n")
        for (tool, rule) in sorted(ev):
            fired, found, n = ev[(tool, rule)]
            ours = ",".join("%s:%d" % (r, k) for r, k in
                            sorted(fired.items(), key=lambda x: (-x[1], x[0])))
            f.write("%s\t%s\t%s\t%d\t%d\n" % (tool, rule, ours or "-", found, n))


def read_evidence(path):
    ev = {}
    if not os.path.exists(path):
        return ev
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("tool\t") or not line.strip():
                continue
            tool, rule, ours, found, n = line.rstrip("\n").split("\t")
            fired = Counter()
            if ours != "-":
                for item in ours.split(","):
                    r, k = item.rsplit(":", 1)
                    fired[r] = int(k)
            ev[(tool, rule)] = (fired, int(found), int(n))
    return ev


def read_overrides(path):
    """tool, peer rule, status, our rule ids (comma-separated or -), note."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("tool\t") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            while len(parts) < 5:
                parts.append("")
            tool, rule, status, ours, note = parts[:5]
            ids = [] if ours in ("", "-") else [x.strip() for x in ours.split(",")]
            out[(tool, rule)] = (status, ids, note)
    return out


# Credential-kind endings of run-together names (TruffleHog's directory names), longest first.
KIND_SUFFIXES = sorted([
    "personalaccesstoken", "accesstoken", "personaltoken", "managementapitoken", "apitoken",
    "apikey", "apisecret", "secretkey", "accesskey", "authtoken", "token", "key", "secret",
    "oauth2", "oauth", "webhook", "refreshtoken", "connectionstring", "password",
], key=len, reverse=True)


# Abbreviations in peer ids, spelled out for comparing with our ids and titles.
SPELLED = {"pat": "personal access token", "ptt": "pipeline trigger token",
           "rrt": "runner registration token", "cicd": "ci job", "app": "application",
           "pub": "public", "ff": "feature flags", "flag": "flags"}
# Words too common to tell two rules of one provider apart.
COMMON = {"api", "key", "token", "secret", "access", "the", "and", "or", "of", "for", "a", "an"}


def spelled(tokens):
    out = set()
    for t in tokens:
        out.add(t)
        out.update(SPELLED.get(t, "").split())
    return out - COMMON


class Matcher:
    def __init__(self, rules):
        self.words = {r["id"]: set(words(r["id"])) | set(words(r["title"])) for r in rules}
        self.full = defaultdict(set)    # full core key -> rule ids
        self.prefix = defaultdict(set)  # any prefix key -> rule ids
        self.joined = defaultdict(set)  # joined leading id tokens (all words kept) -> rule ids
        for r in rules:
            if r["id"].startswith("hygiene-"):
                continue
            toks = words(r["id"])
            for i in range(1, len(toks) + 1):
                self.joined["".join(toks[:i])].add(r["id"])
            for toks in (words(r["id"]), words(r["title"])):
                keys, full = keys_of(toks)
                if full:
                    self.full[full].add(r["id"])
                for k in keys:
                    self.prefix[k].add(r["id"])

    def match(self, token_lists):
        """Our rule ids for the provider named by any of the token lists, narrowed to those
        that share the most words with the peer's id and name when that tells them apart."""
        ids = self.match_provider(token_lists)
        if len(ids) < 2:
            return ids
        # widen to every rule of the provider, then keep the best word overlap
        first = words(ids[0])[0]
        pool = sorted(set(ids) | {i for i in self.joined.get(first, ()) if len(first) >= 4})
        want = set()
        for toks in token_lists:
            want |= spelled(toks)
        score = {i: len(want & (self.words[i] - COMMON)) for i in pool}
        best = max(score.values())
        if best > 1 and best > min(score.values()):
            return sorted(i for i in pool if score[i] == best)
        return ids

    def match_provider(self, token_lists):
        """Our rule ids for the provider named by any of the token lists, exact keys first."""
        for toks in token_lists:
            _, full = keys_of(toks)
            if full and full in self.full:
                return sorted(self.full[full])
        for toks in token_lists:
            _, full = keys_of(toks)
            if full and full in self.prefix:
                return sorted(self.prefix[full])
        # the peer name's leading word(s) as a provider, if that names one of ours exactly
        for toks in token_lists:
            keys, full = keys_of(toks)
            for k in sorted(keys, key=len, reverse=True):
                if k != full and len(k) >= 5 and k in self.full:
                    return sorted(self.full[k])
        # a run-together name: strip credential-kind endings, then look for our ids that start
        # with the remaining words; prefer those that also name the stripped kind
        for toks in token_lists:
            core = re.sub(r"v\d+$", "", "".join(toks))
            kinds = []
            stripped = True
            while stripped:
                stripped = False
                for suf in KIND_SUFFIXES:
                    if core.endswith(suf) and len(core) - len(suf) >= 4:
                        core, stripped = core[:-len(suf)], True
                        kinds.append(suf)
                        break
            if len(core) >= 4 and core in self.joined:
                ids = sorted(self.joined[core])
                for kind in kinds:
                    better = [i for i in ids if kind in i.replace("-", "")]
                    if better:
                        return better
                return ids
        return []


def decide(tool, peer, ev, over, matcher, weak, known):
    key = (tool, peer["id"])
    fired, found, n = ev.get(key, (Counter(), 0, 0))
    strong = [r for r, _ in sorted(fired.items(), key=lambda x: (-x[1], x[0])) if r not in weak]
    weakf = [r for r, _ in sorted(fired.items(), key=lambda x: (-x[1], x[0])) if r in weak]
    counts = "%d/%d" % (found, n) if n else ""
    if key in over:
        status, ids, note = over[key]
        if status == "covered" and counts:
            note = (counts + "; " + note) if note else counts
        return status, ids, note
    id_toks, name_toks = peer_provider(tool, peer["id"], peer["name"])
    by_name = matcher.match([name_toks, id_toks])
    peer_generic = bool(GENERIC_PEER.search(peer["name"] + " " + peer["id"])) \
        and not re.search(r"(?i)hash", peer["name"])
    # the blanket generic-* rules count only for a peer rule about a password or secret by name
    usable = [w for w in weakf if not w.startswith("generic-")
              or re.search(r"(?i)generic|password|secret", peer["name"] + " " + peer["id"])]
    if peer_generic and usable:
        return "covered", usable + strong, counts
    if strong:
        return "covered", strong, counts
    text = peer["name"] if peer["name"] != peer["id"] else " ".join(id_toks)
    if tool != "trufflehog" and NOT_SECRET.search(text) and not SECRET_WORDS.search(text):
        return "not-a-secret", [], ""
    if by_name and not (n and found == 0):
        if weakf and found:
            return "covered-by-name", by_name, "examples found by %s" % ", ".join(weakf[:2])
        return "covered-by-name", by_name, ""
    if weakf:
        return "generic-only", weakf, counts
    if by_name:
        return "placeholder-only", by_name, "0/%d" % n
    if peer["shape"] == "prefixed":
        return "todo", [], ("0/%d" % n) if n else ""
    return "no-format", [], ("0/%d" % n) if n else ""


def cell_ids(ids):
    return ", ".join("`%s`" % i for i in ids) if ids else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--leakgate", required=True, help="the leakgate binary to list rules with")
    ap.add_argument("--cases", help="peer example cases (JSON lines) to measure evidence with")
    ap.add_argument("--evidence", default=os.path.join(HERE, "evidence.tsv"))
    ap.add_argument("--overrides", default=os.path.join(HERE, "overrides.tsv"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "rules-coverage.md"))
    ap.add_argument("--review", action="store_true",
                    help="print covered rows whose rule ids do not match the peer's name")
    args = ap.parse_args()

    rules = load_rules(args.leakgate)
    known = {r["id"] for r in rules}
    weak = {r["id"] for r in rules if r["generic"] or r["confidence"] == "low"
            or r["category"] == "hygiene" or r["id"] in WEAK_EXTRA}
    if args.cases:
        ev = measure(args.leakgate, args.cases)
        write_evidence(ev, args.evidence, "the peers' published rule-test examples")
    ev = read_evidence(args.evidence)
    over = read_overrides(args.overrides)
    matcher = Matcher(rules)

    sections, summary = [], []
    for tool, label, repo in TOOLS:
        header, peers = load_peers(tool)
        commit = re.search(r"[0-9a-f]{40}", header)
        rows, counts = [], Counter()
        for p in peers:
            status, ids, note = decide(tool, p, ev, over, matcher, weak, known)
            unknown = [i for i in ids if i not in known]
            if unknown:
                sys.exit("%s %s: unknown rule ids %s" % (tool, p["id"], unknown))
            counts[status] += 1
            name = p["name"] if p["name"] != p["id"] else ""
            if args.review and status == "covered":
                _, name_toks = peer_provider(tool, p["id"], p["name"])
                if not matcher.match([name_toks, peer_provider(tool, p["id"], p["name"])[0]]):
                    print("REVIEW %s\t%s\t%s\t%s\t%s" % (tool, p["id"], p["name"],
                                                          ",".join(ids), note))
            rows.append((p["id"], name, ids, status, note))
        summary.append((label, len(peers), counts))
        lines = ["## %s" % label, "",
                 "%d rules from [%s](https://github.com/%s) at commit `%s`." % (
                     len(peers), repo, repo, commit.group(0)[:12] if commit else "?"), ""]
        if tool == "trufflehog":
            lines += ["TruffleHog's detectors are listed by directory name; they ship no "
                      "example texts, so every row here is matched by name.", ""]
        lines += ["| peer id | name | our rule ids | status |", "|---|---|---|---|"]
        for pid, name, ids, status, note in rows:
            st = "`%s`" % status + (" (%s)" % note if note else "")
            lines.append("| `%s` | %s | %s | %s |" % (pid, name.replace("|", "/"),
                                                      cell_ids(ids), st))
        sections.append("\n".join(lines))

    out = ["# Rule coverage against other scanners", "",
           "For every rule (provider or credential type) known to four other secret scanners "
           "(gitleaks, Kingfisher, Nosey Parker and TruffleHog), this page lists the leakgate rule "
           "ids that cover it, or the reason it is not covered. The peer rule lists are ids and "
           "names only, read from each project's repository at the commit named in its section.",
           "",
           "The page is generated; do not edit it by hand. Regenerate it with:", "",
           "```sh",
           "python3 tools/coverage/build.py --leakgate target/release/leakgate [--cases FILE]",
           "```", "",
           "`--cases FILE` takes the examples published with the peers' rule tests (JSON lines "
           "with `source`, `rule`, `label`, `text`, from gitleaks, Nosey Parker and Kingfisher; "
           "TruffleHog ships none) and measures again which of our rules fire on each peer rule's "
           "positive examples, each example scanned as its own file; the result is kept in "
           "`tools/coverage/evidence.tsv` (rule ids and counts only). Without it, that file is "
           "reused. The example set may be from other versions of the peers than the rule lists "
           "below, so a few evidence rows name peer rules the lists no longer have. Hand decisions are in "
           "`tools/coverage/overrides.tsv`, and the peer lists are rebuilt with "
           "`tools/coverage/peers.py`. The test `tests/it/coverage.rs` checks that every rule id "
           "named here exists in the built-in pack.", "",
           "A peer rule is decided in this order: a hand decision; a provider rule of ours that "
           "finds the peer's examples; a rule of ours for the same provider by name; generic "
           "rules only; otherwise one of the reasons below. Name matching lowercases the peer's "
           "id and name, drops punctuation, numbers and credential words (api, key, token, "
           "secret, ...) and compares what is left with our rule ids and titles. "
           "`placeholder-only` is set when our rule for the provider finds none of the peer's "
           "examples; samples of those examples were read, and most are sequential or dummy "
           "values (`abcdef1234...`) that our placeholder filters drop. Where a reading showed "
           "a real format we miss, the row says `todo` instead.", "",
           "## Status vocabulary", "",
           "| status | meaning |", "|---|---|"]
    for s in COVERED + REASONS:
        out.append("| `%s` | %s |" % (s, STATUS_TEXT[s]))
    out += ["", "`covered`, `covered-by-name` and `generic-only` rows name the rules that find "
            "the credential. `placeholder-only` rows name our rule for that provider. The other "
            "reasons name none; `todo` is the list of rules to write next.", "",
            "## Summary", "",
            "| peer | rules listed | " + " | ".join("`%s`" % s for s in COVERED + REASONS)
            + " |", "|---|---:|" + "---:|" * len(COVERED + REASONS)]
    for label, n, counts in summary:
        out.append("| %s | %d | %s |" % (label, n, " | ".join(
            str(counts.get(s, 0)) for s in COVERED + REASONS)))
    out.append("")
    out.append("\n\n".join(sections))
    out.append("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    for label, n, counts in summary:
        print("%s: %d listed; %s" % (label, n, ", ".join(
            "%s %d" % (s, counts.get(s, 0)) for s in COVERED + REASONS)))


if __name__ == "__main__":
    main()
