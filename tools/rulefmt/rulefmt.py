#!/usr/bin/env python3
"""Rewrites long one-line rule regexes in `(?x)` form, one part per line with a comment naming
it, and proves each rewrite equivalent before keeping it.

    python3 tools/rulefmt/rulefmt.py [--dry-run] [--min-len 100] [rules/NAME.toml ...]

For every `regex = '''…'''` value on one line, longer than --min-len characters and not already
verbose, the layout (layout.py) makes the `(?x)` text; the checker (src/main.rs, run through
cargo) parses old and new with regex-syntax and compares the syntax trees. Only rewrites it
proves equal are written; the others are reported and stay as they were. Exit status 1 if any
rewrite was not equal, 0 otherwise. With no files, every rules/*.toml is processed."""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import layout  # noqa: E402
import regexparse  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
# A `regex = '''…'''` value written on one line (the rule's regex or its pair's).
ONE_LINE = re.compile(r"^regex = '''(?P<re>[^\n]*?)'''[ \t]*$", re.M)


def is_verbose(pattern):
    return re.match(r'\(\?[a-z]*x', pattern) is not None


def candidates(text, min_len):
    for m in ONE_LINE.finditer(text):
        p = m.group('re')
        if len(p) > min_len and not is_verbose(p):
            yield m


def check(pairs):
    """The checker's verdict for each pair: {id: equal}."""
    manifest = os.path.join(HERE, 'Cargo.toml')
    proc = subprocess.run(
        ['cargo', 'run', '--quiet', '--release', '--manifest-path', manifest],
        input=''.join(json.dumps(p) + '\n' for p in pairs), capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit('checker failed: ' + proc.stderr.strip())
    verdict = {}
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        verdict[r['id']] = r['equal']
    sys.stderr.write(proc.stderr)
    return verdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('files', nargs='*')
    ap.add_argument('--min-len', type=int, default=100,
                    help='rewrite one-line regexes longer than this (default 100)')
    ap.add_argument('--dry-run', action='store_true', help='check, but write nothing')
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, 'rules', '*.toml')))

    texts, pairs, failed = {}, [], []
    for f in files:
        text = open(f, encoding='utf-8').read()
        texts[f] = text
        for m in candidates(text, args.min_len):
            old = m.group('re')
            pid = '%s:%d' % (os.path.relpath(f, ROOT), text.count('\n', 0, m.start()) + 1)
            try:
                new = layout.convert(old)
            except regexparse.ParseError as e:
                failed.append((pid, 'not parsed: %s' % e))
                continue
            if "'''" in new:
                failed.append((pid, "the layout holds '''"))
                continue
            pairs.append({'id': pid, 'old': old, 'new': new, 'file': f, 'span': m.span()})
    verdict = check([{'id': p['id'], 'old': p['old'], 'new': p['new']} for p in pairs])
    kept = [p for p in pairs if verdict.get(p['id'])]
    failed += [(p['id'], 'not equivalent') for p in pairs if not verdict.get(p['id'])]

    changed = 0
    for f in files:
        mine = sorted((p for p in kept if p['file'] == f), key=lambda p: p['span'])
        if not mine:
            continue
        text, out, at = texts[f], [], 0
        for p in mine:
            s, e = p['span']
            out.append(text[at:s])
            out.append("regex = '''" + p['new'] + "'''")
            at = e
        out.append(text[at:])
        new_text = ''.join(out)
        # the file still parses and every rewritten regex reads back as written
        parsed = tomllib.loads(new_text)
        values = set()
        for rule in parsed.get('rules', []):
            values.add(rule['regex'])
            if 'pair' in rule:
                values.add(rule['pair']['regex'])
        missing = [p['id'] for p in mine if p['new'] not in values]
        if missing:
            sys.exit('%s: rewritten regexes do not read back: %s' % (f, ', '.join(missing)))
        changed += 1
        if not args.dry_run:
            with open(f, 'w', encoding='utf-8') as fh:
                fh.write(new_text)
    for pid, why in failed:
        print('%s: left as it was (%s)' % (pid, why))
    print('%d regexes rewritten in %d files%s, %d left as they were' % (
        len(kept), changed, ' (dry run)' if args.dry_run else '', len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
