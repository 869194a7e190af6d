#!/usr/bin/env bash
# Measures `leakgate redact` throughput on a generated application log (synthetic secrets of
# several kinds planted in realistic lines), against `cat` (the I/O ceiling) and `rg` counting
# the same bytes, all in the same run.
#
#   scripts/bench-redact.sh [LEAKGATE_BIN] [SIZE_MIB]   defaults: target/release/leakgate, 512
set -euo pipefail

bin=${1:-target/release/leakgate}
size=${2:-512}
log=${TMPDIR:-/tmp}/leakgate-bench-redact.log

python3 - "$log" "$size" <<'PY'
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

bytes=$(stat -c %s "$log")
mib=$((bytes >> 20))
rate() { python3 -c "import sys; print(f'{$mib / float(sys.argv[1]):.0f} MiB/s')" "$1"; }
run() { # NAME CMD...: best of 3 wall-clock seconds
  local best=
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "${@:2}" >/dev/null
    t1=$(date +%s.%N)
    best=$(python3 -c "a='$best'; b=$t1-$t0; print(b if not a else min(float(a), b))")
  done
  echo "$1: $(printf %.2f "$best") s, $(rate "$best")"
}
echo "log: $mib MiB, $(wc -l <"$log") lines"
run "cat" cat "$log"
run "rg -c secret" rg -c secret "$log"
run "leakgate redact < log" sh -c "'$bin' redact --no-env < '$log'"
run "leakgate redact -j1 < log" sh -c "'$bin' redact --no-env -j1 < '$log'"
run "cat log | leakgate redact" sh -c "cat '$log' | '$bin' redact --no-env"
"$bin" redact --no-env -v <"$log" 2>&1 >/dev/null | tail -1
