#!/usr/bin/env python3
"""Deterministic benchmark corpora for leakgate (Python 3.11, stdlib only).

    gen_corpus.py OUT [--scale 1.0] [--small-files 50000] [--seed 5] [--only logs,small]

Writes, under OUT:

  logs/      20 log files, about 500 MiB x scale in all: JSON-lines and plain-text application
             logs and CI logs with timestamps, request ids, UUIDs, hex digests, base64 payloads,
             stack traces, placeholders and masked values, and rare planted secrets.
  small/     --small-files files of about 1-4 KiB (0.8-4.1 KiB, median 2.4; markdown docs, JSON
             reports, env-like configs),
             with rare planted secrets.
  labels.jsonl  one line per planted secret: corpus, path (relative to the corpus dir), line
             (1-based line of the secret's first character), kind, the rule ids leakgate is
             expected to report it under, and the synthetic secret itself.
  manifest.json sizes, counts and the parameters used.

The secrets are synthetic values in real provider formats (GitHub ghp_ tokens carry a valid
base62 CRC32 checksum); none of them was ever issued by a provider. This source file holds no
secret-shaped literal: every value is generated from the seeded RNG at run time.

The same seed and parameters always give byte-identical output (one random.Random per file, seeded
from the seed and the file's name), so files can be generated in parallel.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MIB = 1 << 20
LOG_TOTAL_MIB = 500  # at scale 1
LOG_FILES = 20
SECRETS_PER_MIB = 0.5  # planted secrets per MiB of log text (at least 1 per file; kinds rotate)
SMALL_SECRET_EVERY = 1000  # one small file in this many holds a planted secret

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
BASE62 = DIGITS + UPPER + LOWER  # the order GitHub's checksum uses
B32 = UPPER + "234567"
B64 = ALNUM + "+/"

# --------------------------------------------------------------------------------------------
# Synthetic secrets in provider formats
# --------------------------------------------------------------------------------------------


def rand_str(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def strong(rng: random.Random, alphabet: str, n: int) -> str:
    """A random value that has upper, lower and digit characters (validators ask for classes)."""
    while True:
        v = rand_str(rng, alphabet, n)
        if any(c in UPPER for c in v) and any(c in LOWER for c in v) and any(c in DIGITS for c in v):
            return v


def base62(n: int, width: int) -> str:
    out = []
    while n:
        n, r = divmod(n, 62)
        out.append(BASE62[r])
    return "".join(reversed(out)).rjust(width, "0")


def github_pat(rng: random.Random) -> str:
    body = strong(rng, ALNUM, 30)
    return "gh" + "p_" + body + base62(zlib.crc32(body.encode()), 6)


def aws_pair(rng: random.Random) -> tuple[str, str]:
    key_id = "AK" + "IA" + rand_str(rng, B32, 16)
    secret = strong(rng, ALNUM + "/+", 40)
    return key_id, secret


def slack_bot(rng: random.Random) -> str:
    return "xo" + "xb-" + rand_str(rng, DIGITS, 12) + "-" + rand_str(rng, DIGITS, 13) + "-" + strong(rng, ALNUM, 24)


def stripe_live(rng: random.Random) -> str:
    return "sk" + "_live_" + strong(rng, ALNUM, 99)


def telegram_bot(rng: random.Random) -> str:
    return str(rng.randrange(10**9, 8 * 10**9)) + ":" + "AA" + strong(rng, ALNUM + "_-", 33)


def api_secret(rng: random.Random) -> str:
    return strong(rng, ALNUM, 40)


def pem_body_lines(rng: random.Random) -> list[str]:
    der = rng.randbytes(rng.choice((608, 1190)))  # EC-ish or RSA-2048-ish sizes
    b64 = base64.b64encode(b"\x30\x82" + der).decode()
    return [b64[i : i + 64] for i in range(0, len(b64), 64)]


PEM_LABEL = "RSA " + "PRIVATE KEY"
PEM_BEGIN = "-----BEGIN " + PEM_LABEL + "-----"
PEM_END = "-----END " + PEM_LABEL + "-----"

KINDS = ["github-pat", "aws", "slack-bot", "stripe-live", "pem", "telegram-bot", "api-secret"]

EXPECT = {
    "github-pat": ["github-classic-pat"],
    "aws-key-id": ["aws-access-key-id"],
    "aws-secret": ["aws-secret-access-key", "aws-secret-access-key-beside-key-id"],
    "slack-bot": ["slack-bot-token"],
    "stripe-live": ["stripe-live-secret-key"],
    "pem": ["private-key-pem", "private-key-pem-json-escaped"],
    "telegram-bot": ["telegram-bot-token", "telegram-bot-token-in-url"],
    "api-secret": ["generic-secret-assignment"],
}


class Plant:
    """Text holding one or two secrets, each at (line offset within the text, secret)."""

    def __init__(self, text: str, secrets: list[tuple[int, str, str]]):
        self.text = text
        self.secrets = secrets  # (line offset, kind, secret)


def plant_plain(rng: random.Random, kind: str, ts: str) -> Plant:
    """A secret as it shows up in a plain-text application or CI log."""
    if kind == "github-pat":
        t = github_pat(rng)
        line = rng.choice(
            [
                f"{ts} DEBUG git: remote set-url origin https://ci-bot:{t}@github.com/acme/infra.git\n",
                f"{ts} INFO  env: GITHUB_TOKEN={t}\n",
                f"{ts} DEBUG http: GET https://api.github.com/repos/acme/app headers={{Authorization: token {t}}}\n",
            ]
        )
        return Plant(line, [(0, kind, t)])
    if kind == "aws":
        k, s = aws_pair(rng)
        line = rng.choice(
            [
                f"{ts} DEBUG boto: loaded credentials aws_access_key_id={k} aws_secret_access_key={s} region=eu-west-1\n",
                f"{ts} INFO  deploy: export AWS_ACCESS_KEY_ID={k} AWS_SECRET_ACCESS_KEY={s}\n",
            ]
        )
        return Plant(line, [(0, "aws-key-id", k), (0, "aws-secret", s)])
    if kind == "slack-bot":
        t = slack_bot(rng)
        return Plant(f"{ts} WARN  notify: slack post failed, retrying with token={t} channel=C024BE91L\n", [(0, kind, t)])
    if kind == "stripe-live":
        t = stripe_live(rng)
        return Plant(f"{ts} ERROR payments: stripe.api_key set from config: {t}\n", [(0, kind, t)])
    if kind == "telegram-bot":
        t = telegram_bot(rng)
        line = rng.choice(
            [
                f"{ts} DEBUG alerts: POST https://api.telegram.org/bot{t}/sendMessage chat_id=-1001873345012 status=200\n",
                f"{ts} INFO  alerts: TELEGRAM_BOT_TOKEN={t}\n",
            ]
        )
        return Plant(line, [(0, kind, t)])
    if kind == "api-secret":
        t = api_secret(rng)
        return Plant(f"{ts} INFO  startup: environment API_SECRET={t} LOG_LEVEL=info\n", [(0, kind, t)])
    if kind == "pem":
        body = pem_body_lines(rng)
        text = f"{ts} ERROR tls: failed to parse key file, contents follow\n{PEM_BEGIN}\n" + "\n".join(body) + f"\n{PEM_END}\n"
        return Plant(text, [(2, kind, "\n".join(body))])
    raise ValueError(kind)


def plant_json(rng: random.Random, kind: str, ts: str) -> Plant:
    """A secret as it shows up in a JSON-lines log record."""
    base = {"ts": ts, "level": "debug", "service": rng.choice(SERVICES), "request_id": uuid(rng)}
    if kind == "github-pat":
        t = github_pat(rng)
        rec = {**base, "msg": "cloning dependency", "url": f"https://x-access-token:{t}@github.com/acme/lib.git"}
        secrets = [(0, kind, t)]
    elif kind == "aws":
        k, s = aws_pair(rng)
        rec = {**base, "msg": "assumed credentials", "aws_access_key_id": k, "aws_secret_access_key": s}
        secrets = [(0, "aws-key-id", k), (0, "aws-secret", s)]
    elif kind == "slack-bot":
        t = slack_bot(rng)
        rec = {**base, "msg": "slack client init", "slack_token": t}
        secrets = [(0, kind, t)]
    elif kind == "stripe-live":
        t = stripe_live(rng)
        rec = {**base, "msg": "payment provider configured", "stripe_key": t}
        secrets = [(0, kind, t)]
    elif kind == "telegram-bot":
        t = telegram_bot(rng)
        rec = {**base, "msg": "alert sent", "url": f"https://api.telegram.org/bot{t}/sendMessage"}
        secrets = [(0, kind, t)]
    elif kind == "api-secret":
        t = api_secret(rng)
        rec = {**base, "msg": "env dump", "env": f"API_SECRET={t}"}
        secrets = [(0, kind, t)]
    elif kind == "pem":
        body = pem_body_lines(rng)
        rec = {**base, "msg": "loaded signing key", "key": f"{PEM_BEGIN}\n" + "\n".join(body) + f"\n{PEM_END}\n"}
        secrets = [(0, kind, "\\n".join(body))]
    else:
        raise ValueError(kind)
    return Plant(json.dumps(rec, separators=(",", ":")) + "\n", secrets)


# --------------------------------------------------------------------------------------------
# Log noise
# --------------------------------------------------------------------------------------------

SERVICES = ["checkout", "orders", "billing", "auth-gateway", "inventory", "search", "notifier", "ledger"]
PATHS = [
    "/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/payments", "/api/v2/search", "/healthz",
    "/api/v1/users/{id}/profile", "/oauth/token", "/api/v1/carts/{id}/items", "/metrics", "/api/v1/tokens/refresh",
]
METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]
LEVELS = ["INFO", "INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"]
UAS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0", "curl/8.5.0",
]
MESSAGES = [
    "request completed", "cache miss for key user:{n}:cart", "token refreshed for session", "auth ok via oauth2",
    "retrying upstream call", "connection pool exhausted, waiting", "scheduled job finished", "password policy check passed",
    "rate limit applied", "feature flag evaluated", "api_key=${API_KEY} resolved from vault", "password=******** (masked)",
    "secret rotation skipped: not due", "authorization header redacted: Bearer [REDACTED]", "tokens_used={n} model=large",
]
JAVA_FRAMES = [
    "com.acme.orders.OrderService.place(OrderService.java:{n})",
    "com.acme.orders.web.OrderController.create(OrderController.java:{n})",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{n})",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:{n})",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:{n})",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:{n})",
    "java.base/java.lang.Thread.run(Thread.java:{n})",
]
PY_FRAMES = [
    ('/app/billing/handlers.py', 'charge', 'result = gateway.charge(amount, token=card_token)'),
    ('/app/billing/gateway.py', 'charge', 'resp = self.session.post(url, json=payload, timeout=5)'),
    ('/usr/lib/python3.11/site-packages/requests/sessions.py', 'request', 'resp = self.send(prep, **send_kwargs)'),
    ('/usr/lib/python3.11/site-packages/urllib3/connectionpool.py', 'urlopen', 'raise MaxRetryError(self, url, e)'),
]
CRATES = ["serde", "tokio", "regex", "clap", "syn", "quote", "rayon", "hyper", "reqwest", "rustls", "ring", "anyhow"]
CI_STEPS = [
    "cargo build --release --locked", "npm ci --no-audit --prefer-offline", "docker build -t registry.acme.io/app:{sha} .",
    "pytest -q --maxfail=1 --junitxml=reports/junit.xml", "terraform plan -out=tfplan -input=false",
    "helm upgrade --install app ./chart --set image.tag={sha} --wait", "go test ./... -race -count=1",
]


def uuid(rng: random.Random) -> str:
    h = rng.randbytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


class Clock:
    def __init__(self, rng: random.Random):
        self.t = 1_714_000_000.0 + rng.randrange(0, 10_000_000)

    def tick(self, rng: random.Random) -> str:
        self.t += rng.random() * 0.05
        whole = int(self.t)
        # civil time from epoch seconds, cheap and deterministic
        days, sec = divmod(whole, 86400)
        y, m, d = civil(days)
        hh, rem = divmod(sec, 3600)
        mm, ss = divmod(rem, 60)
        ms = int((self.t - whole) * 1000)
        return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{ms:03d}Z"


def civil(days: int) -> tuple[int, int, int]:
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d)


def fill_path(rng: random.Random, p: str) -> str:
    return p.replace("{id}", str(rng.randrange(1, 10**7)))


def msg(rng: random.Random) -> str:
    return rng.choice(MESSAGES).replace("{n}", str(rng.randrange(1, 100000)))


def json_record(rng: random.Random, ts: str) -> str:
    r = rng.random()
    rec: dict = {
        "ts": ts,
        "level": rng.choice(LEVELS).lower(),
        "service": rng.choice(SERVICES),
        "trace_id": rng.randbytes(16).hex(),
        "span_id": rng.randbytes(8).hex(),
        "request_id": uuid(rng),
    }
    if r < 0.55:
        rec.update(
            msg="request completed",
            method=rng.choice(METHODS),
            path=fill_path(rng, rng.choice(PATHS)),
            status=rng.choice((200, 200, 200, 201, 204, 304, 400, 401, 404, 500)),
            latency_ms=round(rng.random() * 250, 2),
            bytes=rng.randrange(0, 200000),
            user_agent=rng.choice(UAS),
            client_ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        )
    elif r < 0.75:
        rec.update(msg="event published", topic=f"{rng.choice(SERVICES)}.events", partition=rng.randrange(12),
                   offset=rng.randrange(10**9), payload=base64.b64encode(rng.randbytes(rng.randrange(48, 360))).decode(),
                   checksum="sha256:" + rng.randbytes(32).hex())
    elif r < 0.9:
        rec.update(msg=msg(rng), user_id=rng.randrange(10**6), idempotency_key=uuid(rng),
                   etag='W/"' + rng.randbytes(10).hex() + '"', cache_key=f"user:{rng.randrange(10**6)}:cart")
    else:
        frames = rng.sample(JAVA_FRAMES, 5)
        stack = "java.lang.IllegalStateException: order " + str(rng.randrange(10**7)) + " already settled\n" + "\n".join(
            "\tat " + f.replace("{n}", str(rng.randrange(20, 900))) for f in frames
        )
        rec.update(level="error", msg="unhandled exception", exception=stack)
    return json.dumps(rec, separators=(",", ":")) + "\n"


def plain_record(rng: random.Random, ts: str) -> str:
    r = rng.random()
    lvl = rng.choice(LEVELS)
    if r < 0.6:
        return (
            f"{ts} {lvl:<5} [http-nio-8080-exec-{rng.randrange(1, 200)}] c.a.{rng.choice(SERVICES)}.RequestLog - "
            f"{rng.choice(METHODS)} {fill_path(rng, rng.choice(PATHS))} status={rng.choice((200, 200, 201, 404, 500))} "
            f"duration_ms={rng.randrange(1, 900)} request_id={uuid(rng)} user_id={rng.randrange(10**6)}\n"
        )
    if r < 0.8:
        return f"{ts} {lvl:<5} [{rng.choice(SERVICES)}] {msg(rng)} trace={rng.randbytes(16).hex()}\n"
    if r < 0.9:
        return (
            f"{ts} DEBUG [worker-{rng.randrange(16)}] job={uuid(rng)} blob sha256={rng.randbytes(32).hex()} "
            f"body={base64.b64encode(rng.randbytes(rng.randrange(30, 240))).decode()}\n"
        )
    if r < 0.95:
        frames = rng.sample(JAVA_FRAMES, rng.randrange(3, 7))
        return (
            f"{ts} ERROR [http-nio-8080-exec-{rng.randrange(1, 200)}] c.a.orders.ErrorHandler - request failed\n"
            f"java.lang.NullPointerException: Cannot invoke \"Order.total()\" because \"order\" is null\n"
            + "".join("\tat " + f.replace("{n}", str(rng.randrange(20, 900))) + "\n" for f in frames)
        )
    frames = rng.sample(PY_FRAMES, 3)
    return (
        f"{ts} ERROR [billing] charge failed\nTraceback (most recent call last):\n"
        + "".join(f'  File "{p}", line {rng.randrange(10, 700)}, in {fn}\n    {code}\n' for p, fn, code in frames)
        + "urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='api.payments.internal', port=443)\n"
    )


def ci_record(rng: random.Random, ts: str) -> str:
    r = rng.random()
    sha = rng.randbytes(20).hex()
    if r < 0.3:
        c = rng.choice(CRATES)
        return f"{ts}    Compiling {c} v{rng.randrange(0, 3)}.{rng.randrange(0, 40)}.{rng.randrange(0, 30)}\n"
    if r < 0.45:
        return f"{ts} {rng.randbytes(6).hex()}: Pull complete\n{ts} Digest: sha256:{rng.randbytes(32).hex()}\n"
    if r < 0.55:
        step = rng.choice(CI_STEPS).replace("{sha}", sha[:12])
        return f"{ts} ##[group]Run {step}\n{ts} ##[endgroup]\n"
    if r < 0.65:
        return f"{ts} test {rng.choice(CRATES)}::tests::case_{rng.randrange(10**5)} ... ok\n"
    if r < 0.72:
        return (
            f"{ts} npm WARN deprecated {rng.choice(('inflight', 'glob', 'rimraf', 'uuid'))}@{rng.randrange(1, 9)}.0.{rng.randrange(9)}: "
            "This module is not supported, and leaks memory.\n"
        )
    if r < 0.8:
        return f"{ts} commit {sha} (HEAD -> main, origin/main)\n{ts} Merge: {sha[:7]} {rng.randbytes(4).hex()[:7]}\n"
    if r < 0.86:
        return (
            f"{ts} env: CI=true GITHUB_SHA={sha} RUNNER_OS=Linux GITHUB_TOKEN=*** "
            f"NPM_TOKEN=${{{{ secrets.NPM_TOKEN }}}} --token-file /run/secrets/token\n"
        )
    if r < 0.93:
        return (
            f"{ts} + curl -sSf -H 'Authorization: Bearer ${{API_TOKEN}}' https://artifacts.acme.io/v1/blobs/"
            f"{rng.randbytes(32).hex()} -o /tmp/{uuid(rng)}.tar.gz\n"
        )
    return f"{ts} warning: unused variable `key` --> src/{rng.choice(CRATES)}/mod.rs:{rng.randrange(1, 900)}:{rng.randrange(1, 80)}\n"


STYLES = {"jsonl": (json_record, plant_json), "app": (plain_record, plant_plain), "ci": (ci_record, plant_plain)}


def log_files(scale: float, seed: int) -> list[tuple[str, str, int, int]]:
    """(relative path, style, target bytes, per-file seed) for the 20 log files."""
    rng = random.Random(f"{seed}:sizes")
    weights = [0.5 + rng.random() for _ in range(LOG_FILES)]
    total = LOG_TOTAL_MIB * MIB * scale
    out = []
    for i, w in enumerate(weights):
        style = ("jsonl", "app", "ci")[i % 3] if i < 18 else ("jsonl", "app")[i % 2]
        ext = "jsonl" if style == "jsonl" else "log"
        name = {"jsonl": "svc", "app": "app", "ci": "ci"}[style]
        out.append((f"logs/{name}-{i:02d}.{ext}", style, int(total * w / sum(weights)), seed * 1000 + i))
    return out


def gen_log(out_dir: str, rel: str, style: str, target: int, fseed: int, index: int) -> list[dict]:
    rng = random.Random(fseed)
    noise, plant = STYLES[style]
    clock = Clock(rng)
    n_secrets = max(1, round(SECRETS_PER_MIB * target / MIB))
    at = sorted(rng.randrange(target) for _ in range(n_secrets))
    kinds = [KINDS[(index + k) % len(KINDS)] for k in range(n_secrets)]
    labels = []
    path = Path(out_dir) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    written, line_no, next_i = 0, 1, 0
    parts: list[str] = []
    pending = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        while written < target:
            ts = clock.tick(rng)
            if next_i < n_secrets and written >= at[next_i]:
                p = plant(rng, kinds[next_i], ts)
                next_i += 1
                for off, kind, secret in p.secrets:
                    labels.append({"corpus": "logs", "path": rel, "line": line_no + off, "kind": kind,
                                   "expect": EXPECT[kind], "secret": secret})
                text = p.text
            else:
                text = noise(rng, ts)
            parts.append(text)
            n = len(text)  # ASCII only, so characters are bytes
            written += n
            pending += n
            line_no += text.count("\n")
            if pending > 1 << 20:
                f.write("".join(parts))
                parts.clear()
                pending = 0
        f.write("".join(parts))
    return labels


# --------------------------------------------------------------------------------------------
# Small files
# --------------------------------------------------------------------------------------------

WORDS = (
    "the service reads its configuration at startup and rotates credentials through the vault agent; "
    "operators restart the deployment after a schema migration and check the dashboards for error "
    "budgets, latency percentiles and saturation before closing the incident ticket with a summary"
).split()


def prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n)).capitalize() + "."


def md_doc(rng: random.Random, target: int) -> list[str]:
    lines = [f"# Runbook: {rng.choice(SERVICES)} {rng.choice(('failover', 'deploy', 'rotation', 'restore'))}", ""]
    while sum(len(x) + 1 for x in lines) < target:
        r = rng.random()
        if r < 0.5:
            lines += [prose(rng, rng.randrange(12, 40)), ""]
        elif r < 0.7:
            lines += ["```sh", f"kubectl -n {rng.choice(SERVICES)} rollout restart deploy/{rng.choice(SERVICES)}",
                      "export API_KEY=${API_KEY:?set it from the vault}", f"curl -H \"Authorization: Bearer $TOKEN\" https://{rng.choice(SERVICES)}.internal/healthz", "```", ""]
        elif r < 0.85:
            lines += ["| step | owner | checked |", "|---|---|---|"] + [
                f"| {rng.choice(WORDS)} {rng.choice(WORDS)} | @{rng.choice(('ana', 'bo', 'chen', 'dee'))} | {rng.choice(('yes', 'no'))} |"
                for _ in range(rng.randrange(2, 6))] + [""]
        else:
            lines += [f"- build `{rng.randbytes(20).hex()}` deployed to {rng.choice(('staging', 'prod-eu', 'prod-us'))}",
                      f"- password: `<your password>`, token: `YOUR_TOKEN_HERE`", ""]
    return lines


def json_report(rng: random.Random, target: int) -> list[str]:
    rec = {"schema": "acme/test-report/v2", "run_id": uuid(rng), "commit": rng.randbytes(20).hex(), "suites": []}
    while len(json.dumps(rec, indent=2)) < target:
        rec["suites"].append({
            "name": f"{rng.choice(SERVICES)}::{rng.choice(WORDS)}_{rng.randrange(1000)}",
            "status": rng.choice(("passed", "passed", "passed", "failed", "skipped")),
            "duration_ms": rng.randrange(1, 5000),
            "artifact_sha256": rng.randbytes(32).hex(),
        })
    return json.dumps(rec, indent=2).split("\n")


def env_config(rng: random.Random, target: int) -> list[str]:
    svc = rng.choice(SERVICES)
    lines = [f"# {svc} settings, generated by the deploy pipeline", f"SERVICE_NAME={svc}"]
    pool = [
        lambda: f"LOG_LEVEL={rng.choice(('info', 'debug', 'warn'))}",
        lambda: f"DATABASE_URL=postgres://{svc}:${{DB_PASSWORD}}@db.internal:5432/{svc}",
        lambda: f"REDIS_URL=redis://cache.internal:6379/{rng.randrange(16)}",
        lambda: "API_KEY=${API_KEY}",
        lambda: "JWT_SECRET=changeme",
        lambda: f"FEATURE_{rng.choice(WORDS).upper()}={rng.choice(('true', 'false'))}",
        lambda: f"WORKERS={rng.randrange(1, 32)}",
        lambda: f"BUILD_SHA={rng.randbytes(20).hex()}",
        lambda: f"TRACE_SAMPLE_RATE=0.{rng.randrange(1, 99)}",
        lambda: "SMTP_PASSWORD=<set in vault>",
        lambda: f"REQUEST_TIMEOUT_MS={rng.randrange(100, 30000)}",
    ]
    while sum(len(x) + 1 for x in lines) < target:
        lines.append(rng.choice(pool)())
    return lines


SMALL_KINDS = (("docs", "md", md_doc), ("reports", "json", json_report), ("config", "env", env_config))


def small_secret_line(rng: random.Random, ext: str, kind: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Lines to insert and (offset, kind, secret) for each secret in them."""
    if kind == "pem":
        body = pem_body_lines(rng)
        return [PEM_BEGIN] + body + [PEM_END], [(1, kind, "\n".join(body))]
    if kind == "aws":
        k, s = aws_pair(rng)
        if ext == "json":
            return [f'  "aws_access_key_id": "{k}",', f'  "aws_secret_access_key": "{s}",'], [(0, "aws-key-id", k), (1, "aws-secret", s)]
        return [f"AWS_ACCESS_KEY_ID={k}", f"AWS_SECRET_ACCESS_KEY={s}"], [(0, "aws-key-id", k), (1, "aws-secret", s)]
    gen = {"github-pat": github_pat, "slack-bot": slack_bot, "stripe-live": stripe_live,
           "telegram-bot": telegram_bot, "api-secret": api_secret}[kind]
    t = gen(rng)
    name = {"github-pat": "GITHUB_TOKEN", "slack-bot": "SLACK_BOT_TOKEN", "stripe-live": "STRIPE_KEY",
            "telegram-bot": "TELEGRAM_BOT_TOKEN", "api-secret": "API_SECRET"}[kind]
    if ext == "json":
        return [f'  "{name.lower()}": "{t}",'], [(0, kind, t)]
    return [f"{name}={t}"], [(0, kind, t)]


def gen_small_batch(out_dir: str, seed: int, start: int, stop: int) -> list[dict]:
    labels = []
    for i in range(start, stop):
        rng = random.Random(f"{seed}:small:{i}")
        group, ext, make = SMALL_KINDS[i % 3]
        rel = f"small/{group}/d{(i // 3) % 200:03d}/{group[:-1] if group != 'config' else 'svc'}-{i:05d}.{ext}"
        target = rng.randrange(1024, 4096)
        lines = make(rng, target - 200)
        if i % SMALL_SECRET_EVERY == SMALL_SECRET_EVERY // 2:
            kind = KINDS[(i // SMALL_SECRET_EVERY) % len(KINDS)]
            if kind == "pem" and ext == "json":
                kind = "api-secret"
            ins, secrets = small_secret_line(rng, ext, kind)
            at = rng.randrange(2, max(3, len(lines) - 2))
            if ext == "json":  # keep the JSON valid: insert after the opening line
                at = 1
            lines[at:at] = ins
            for off, k, s in secrets:
                labels.append({"corpus": "small", "path": rel, "line": at + off + 1, "kind": k,
                               "expect": EXPECT[k], "secret": s})
        text = "\n".join(lines) + "\n"
        p = Path(out_dir) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")
    return labels


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=float, default=1.0, help="log corpus size: 1.0 = 500 MiB, 0.1 = 50 MiB")
    ap.add_argument("--small-files", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--only", default="logs,small", help="comma-separated: logs, small")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    only = set(args.only.split(","))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    labels: list[dict] = []
    manifest: dict = {"seed": args.seed, "scale": args.scale, "small_files": args.small_files}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futs = []
        if "logs" in only:
            for idx, (rel, style, target, fseed) in enumerate(log_files(args.scale, args.seed)):
                futs.append(pool.submit(gen_log, str(out), rel, style, target, fseed, idx))
        if "small" in only:
            step = 2500
            for s in range(0, args.small_files, step):
                futs.append(pool.submit(gen_small_batch, str(out), args.seed, s, min(s + step, args.small_files)))
        for f in futs:
            labels.extend(f.result())
    labels.sort(key=lambda l: (l["corpus"], l["path"], l["line"], l["kind"]))
    for name in ("logs", "small"):
        d = out / name
        if d.is_dir():
            files = [p for p in d.rglob("*") if p.is_file()]
            manifest[name] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
                              "planted": sum(1 for l in labels if l["corpus"] == name)}
    with open(out / "labels.jsonl", "w", encoding="utf-8") as f:
        for l in labels:
            f.write(json.dumps(l) + "\n")
    digest = hashlib.sha256((out / "labels.jsonl").read_bytes()).hexdigest()[:16]
    manifest["labels_sha256_16"] = digest
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    json.dump(manifest, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
