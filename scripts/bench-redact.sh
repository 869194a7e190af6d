#!/usr/bin/env bash
# Measures `leakgate redact` throughput on two logs, against byte filters run in the same
# hyperfine session (tools interleaved, so the shared machine's load hits them alike):
#
#   realistic: the logs corpus of tools/bench/gen_corpus.py (20 application and CI logs, JSON
#              lines and text, 0.5 planted secrets per MiB, and the words rules key on --
#              token, auth, key, secret, password -- in references, placeholders and masked
#              values that are not leaks), concatenated into one file;
#   dense:     a generated application log with a secret on 3 lines of every 50 (AWS key ids,
#              Slack bot tokens, `api_secret=`), a stress case for the masking path.
#
# Baselines: `cat` (the pipe's ceiling), `sed -E` masking four token prefixes (what a hand-made
# log filter does), `rg --passthru -r` doing the same. Then it checks the redacted output: same
# line count, and every difference is a secret replaced by its mask (`****` plus at most 4 of
# its last characters); for the corpus, every planted secret (labels.jsonl) is masked and no
# other line changed.
#
#   scripts/bench-redact.sh [LEAKGATE_BIN] [DENSE_MIB] [RUNS]
#       defaults: $CARGO_TARGET_DIR/release/leakgate (or target/release/leakgate), 128, 3
#   CORPUS=/tmp/leakgate-corpus (generated with --scale 0.2 --only logs when missing)
#   OUT=/tmp/leakgate-bench-redact (logs, outputs, hyperfine JSON)
set -euo pipefail

bin=${1:-${CARGO_TARGET_DIR:-target}/release/leakgate}
size=${2:-128}
runs=${3:-3}
corpus=${CORPUS:-/tmp/leakgate-corpus}
out=${OUT:-/tmp/leakgate-bench-redact}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
bin=$(realpath "$bin")

[ -d "$corpus/logs" ] || python3 "$here/tools/bench/gen_corpus.py" "$corpus" --scale 0.2 --only logs
realistic="$out/realistic.log"
[ -f "$realistic" ] || cat $(ls "$corpus"/logs/* | sort) >"$realistic"
dense="$out/dense-$size.log"

[ -f "$dense" ] || python3 - "$dense" "$size" <<'PY'
import random, string, sys
path, size = sys.argv[1], int(sys.argv[2]) << 20
r = random.Random(11)
alnum = string.ascii_letters + string.digits
def pick(n): return "".join(r.choice(alnum) for _ in range(n))
lines = []
for i in range(20000):
    ts = f"2024-05-01T12:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
    k = i % 50
    if k == 0:
        lines.append(f"{ts} INFO  worker-{i} connecting with api_secret={pick(32)} region=eu-west-1")
    elif k == 1:
        lines.append(f"{ts} WARN  retry with AWS key AKIA{''.join(r.choice(string.ascii_uppercase + '234567') for _ in range(16))}")
    elif k == 2:
        lines.append(f"{ts} DEBUG slack notify xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{pick(24)}")
    elif k < 20:
        lines.append(f"{ts} INFO  GET /api/v1/orders?page={i} 200 {i % 97}ms ua=\"Mozilla/5.0 (X11; Linux x86_64)\" req={pick(12)}")
    elif k < 35:
        lines.append(f'{ts} INFO  {{"event":"fill","symbol":"BTCUSDT","qty":{i % 13}.{i % 7},"price":6{i % 1000}.5,"order_id":"{pick(16)}"}}')
    else:
        lines.append(f"{ts} DEBUG heartbeat seq={i} lag=0.{i % 10}s queue=orders depth={i % 31}")
block = ("\n".join(lines) + "\n").encode()
with open(path, "wb") as f:
    written = 0
    while written < size:
        f.write(block)
        written += len(block)
PY

# Four literal-prefixed token formats, as a hand-written log filter would mask them.
sed_expr='s/(ghp_|AKIA|xoxb-|sk_live_)[A-Za-z0-9_-]{8,}/****/g'
rg_pat='(ghp_|AKIA|xoxb-|sk_live_)[A-Za-z0-9_-]{8,}'

for log in "$realistic" "$dense"; do
  name=$(basename "$log" .log)
  mib=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 2**20:.1f}')" "$log")
  echo "== $name: $mib MiB, $(wc -l <"$log") lines; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Peak RSS and CPU of one run each (also warms the page cache).
  for j in 2 1; do
    /usr/bin/time -f "leakgate redact -j$j: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
      "$bin" redact --no-env -j$j <"$log" >"$out/$name.redacted"
  done
  hyperfine -N --style basic --runs "$runs" --export-json "$out/$name.json" \
    -n cat "cat $log" \
    -n "sed -E" "sed -E '$sed_expr' $log" \
    -n "rg --passthru -r" "rg --passthru --no-line-number -r '****' '$rg_pat' $log" \
    -n "leakgate redact -j2" "$bin redact --no-env -j2 $log" \
    -n "leakgate redact -j1" "$bin redact --no-env -j1 $log" >/dev/null
  python3 - "$out/$name.json" "$mib" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
mib = float(sys.argv[2])
lg = next(r for r in res if r["command"] == "leakgate redact -j2")
med = lambda r: sorted(r["times"])[len(r["times"]) // 2]
cpu = lambda r: r["user"] + r["system"]
print(f"| tool | leakgate -j2 speed ÷ tool speed (wall) | same, by CPU | MiB/s (wall) | MiB/s per CPU-second | wall s (median; min–max) | CPU s |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in res:
    print(f"| {r['command']} | {med(r) / med(lg):.2f}× | {cpu(r) / cpu(lg):.2f}× | {mib / med(r):,.0f} "
          f"| {mib / cpu(r):,.0f} | {med(r):.2f} ({min(r['times']):.2f}–{max(r['times']):.2f}) | {cpu(r):.2f} |")
PY
done

# The redacted outputs differ from their inputs only where a secret was masked: walk both,
# and at each difference the output must hold a mask (`****` plus the masked bytes' last 4
# characters when they are 16 or more) after which the input resumes.
python3 - "$realistic" "$out/realistic.redacted" "$dense" "$out/dense-$size.redacted" "$corpus" <<'PY'
import json, os, re, sys
def spans(a, b):
    """The input spans replaced by masks; raises when b is not a with spans masked."""
    i = j = 0
    n, m = len(a), len(b)
    out = []
    while True:
        while i < n and j < m:  # skip the common run, 64 KiB at a time, then bisect
            l = min(1 << 16, n - i, m - j)
            if a[i:i + l] == b[j:j + l]:
                i += l; j += l
                continue
            lo, hi = 0, l
            while lo < hi:
                mid = (lo + hi) // 2
                if a[i:i + mid + 1] == b[j:j + mid + 1]: lo = mid + 1
                else: hi = mid
            i += lo; j += lo
            break
        if i >= n and j >= m:
            return out
        if b[j:j + 4] != b"****":
            raise ValueError(f"output byte {j}: {b[j:j + 20]!r} is not a mask (input {a[i:i + 20]!r})")
        # A mask is `****` plus the last 4 characters of the secret `scan` reports, when it has 16
        # or more; overlapping candidates are masked as one span (as scan's snippets do), so the
        # span can be longer than that secret and the suffix sit inside it.
        for s, fits in ((0, lambda n, span: n < 16), (4, lambda n, span: n >= 16 and suffix in span),
                        (0, lambda n, span: True)):
            suffix = b[j + 4:j + 4 + s]
            tail = b[j + 4 + s:j + 4 + s + 64]
            tail = tail[:tail.find(b"****")] if b"****" in tail else tail  # up to the next mask
            k = a.find(tail, i + 1, i + (256 << 10)) if tail else n
            if k < 0:
                continue
            span = a[i:k]
            if not fits(len(span.decode("utf-8", "replace")), span):
                continue
            out.append((i, k))
            i, j = k, j + 4 + s
            break
        else:
            raise ValueError(f"output byte {j}: mask {b[j:j + 8]!r} does not resume the input")

def check(src, dst, labels=None):
    a, b = open(src, "rb").read(), open(dst, "rb").read()
    try:
        masked = spans(a, b)
    except ValueError as e:
        print(f"{os.path.basename(dst)}: FAIL: {e}")
        return False
    print(f"{os.path.basename(dst)}: {len(masked)} masks, every other byte unchanged "
          f"({len(a) - len(b)} bytes shorter); masked spans of {min(y - x for x, y in masked)}"
          f"-{max(y - x for x, y in masked)} bytes")
    if labels is not None:
        where = []
        for l in labels:
            s = l["secret"].encode()
            k = a.find(s)
            while k >= 0:
                where.append((k, k + len(s)))
                k = a.find(s, k + 1)
        leaked = [l["kind"] for l in labels if l["secret"].encode() in b]
        extra = [(x, y) for x, y in masked if not any(x < q and p < y for p, q in where)]
        wider = [(x, y) for x, y in masked if any(x < q and p < y and (x, y) != (p, q) for p, q in where)]
        print(f"   planted secrets: {len(labels)}, still in the output: {len(leaked)} {leaked}; "
              f"masks over no planted secret: {len(extra)}; masks wider than the planted secret: {len(wider)}")
        for x, y in wider[:10]:
            p, q = next((p, q) for p, q in where if x < q and p < y)
            print(f"   wider mask: {y - x} bytes for a {q - p}-byte secret, {p - x} bytes before and "
                  f"{y - q} after it: {a[q:y][:40]!r}")
        for x, y in extra[:10]:
            line = a[a.rfind(b"\n", 0, x) + 1:x]
            print(f"   extra mask at byte {x}: {y - x} bytes after {line[-40:]!r}")
    return True

corpus = sys.argv[5]
files = sorted(os.listdir(os.path.join(corpus, "logs")))
labels = [json.loads(l) for l in open(os.path.join(corpus, "labels.jsonl"))]
labels = [l for l in labels if l["corpus"] == "logs" and l["path"][5:] in files]
ok = check(sys.argv[1], sys.argv[2], labels)
ok &= check(sys.argv[3], sys.argv[4])
sys.exit(0 if ok else 1)
PY
