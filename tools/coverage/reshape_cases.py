#!/usr/bin/env python3
"""Rewrite the filler values of a peer example set with random values of the same shape.

Many published rule examples hold made-up values (`1234567890abcdef...`, `abcdef123456...`,
`AAAA...`) that leakgate drops on purpose as "not random", so a raw score mixes two questions:
does the scanner know the format, and does it report filler. This script answers the first one
alone: in each *positive* case, every run of 12 or more letters and digits that looks like filler
(an alphabet, digit or keyboard run of 4, letters or digits in sequence once the other kind is
taken out, a character repeated 4 times, a chunk repeated 3 times), and RFC 4122's example UUID,
is replaced, character by character, by a random one of the same class (a digit by a digit, a
lower-case letter by a lower-case letter, within a-f / A-F when the run is hex). Lengths,
prefixes, separators and the context stay. Negative cases are copied unchanged.

    python3 tools/coverage/reshape_cases.py --cases CASES.jsonl --out /tmp/reshaped.jsonl
    python3 score.py --cases /tmp/reshaped.jsonl --cmd "..."     # then score as usual

The output is measurement data for a temporary directory: it is derived from the peers' texts and
is not to be committed.
"""

import argparse
import json
import random
import re
import sys

RUN = re.compile(r"[A-Za-z0-9]{12,}")
# The example UUID of RFC 4122, which API references print as a key: a documented value, which
# leakgate drops like filler. Each of its runs is rewritten as a whole.
EXAMPLE_UUID = re.compile(r"123e4567-e89b-12d3-a456-426614174000")
ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"]


def has_sequence(run, n=4):
    """An ascending or descending alphabet/digit run, or a keyboard-row run, of `n` characters."""
    low = run.lower()
    for i in range(len(low) - n + 1):
        w = low[i:i + n]
        d = [ord(w[j + 1]) - ord(w[j]) for j in range(n - 1)]
        if all(x == 1 for x in d) or all(x == -1 for x in d):
            if w.isdigit() or w.isalpha():
                return True
        for row in ROWS:
            if w in row or w[::-1] in row:
                return True
    return False


def sequence_share(s):
    """How many characters of `s` belong to ascending/descending runs of 4 or keyboard rows."""
    low = s.lower()
    covered = [False] * len(low)
    for step in (1, -1):
        start = 0
        for i in range(1, len(low) + 1):
            if i < len(low) and ord(low[i]) - ord(low[i - 1]) == step:
                continue
            if i - start >= 4:
                covered[start:i] = [True] * (i - start)
            start = i
    for row in ROWS:
        for w in range(len(low) - 3):
            if low[w:w + 4] in row:
                covered[w:w + 4] = [True] * 4
    return sum(covered)


def has_interleaved(run):
    """Letters or digits in sequence once the other kind is taken out (`a1b2c3d4e5f6g7h8`)."""
    for part in ("".join(c for c in run if c.isalpha()), "".join(c for c in run if c.isdigit())):
        if len(part) >= 8 and len(part) * 3 >= len(run) and sequence_share(part) * 4 >= len(part) * 3:
            return True
    return False


def has_repeat(run):
    """A character four times in a row, or a chunk of 1 to 8 characters three times in a row."""
    if re.search(r"(.)\1{3}", run):
        return True
    return re.search(r"(.{2,8})\1\1", run) is not None


def looks_filler(run):
    return has_sequence(run) or has_repeat(run) or has_interleaved(run)


def reshape(run, rng):
    letters = [c for c in run if c.isalpha()]
    hex_lower = letters and all(c in "abcdef" for c in letters)
    hex_upper = letters and all(c in "ABCDEF" for c in letters)
    out = []
    for c in run:
        if c.isdigit():
            out.append(rng.choice("0123456789"))
        elif c.islower():
            out.append(rng.choice("abcdef" if hex_lower else "abcdefghijklmnopqrstuvwxyz"))
        else:
            out.append(rng.choice("ABCDEF" if hex_upper else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", required=True, help="peer example cases (JSON lines)")
    ap.add_argument("--out", required=True, help="where to write the reshaped cases")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    changed = total = 0
    with open(args.cases, encoding="utf-8", errors="surrogateescape") as f, \
            open(args.out, "w", encoding="utf-8", errors="surrogateescape") as out:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            if case.get("label") == "positive":
                total += 1
                text = case["text"]
                new = EXAMPLE_UUID.sub(lambda m: "-".join(
                    reshape(part, rng) for part in m.group(0).split("-")), text)
                new = RUN.sub(lambda m: reshape(m.group(0), rng)
                              if looks_filler(m.group(0)) else m.group(0), new)
                if new != text:
                    changed += 1
                    case["text"] = new
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    print("reshaped %d of %d positive cases" % (changed, total), file=sys.stderr)


if __name__ == "__main__":
    main()
