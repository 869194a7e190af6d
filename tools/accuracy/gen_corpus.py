#!/usr/bin/env python3
"""Generate a labelled corpus for measuring secret scanners (issue 3).

    python3 tools/accuracy/gen_corpus.py --seed 1 --out /tmp/leakgate-corpus

The corpus looks like the artifacts leakgate gates: runbooks and docs (markdown), JSON evidence
reports (nested JSON, JSON escaped inside strings), JSON-lines and plain application logs, CI
workflows, Kubernetes manifests and Helm values, docker-compose files, .env files, shell scripts,
Python/JS/Go configuration code, INI/TOML/properties/XML configuration, credential files (.npmrc,
.pypirc, .netrc, docker config, AWS credentials), key files and lock files.

Into these files it plants POSITIVES (synthetic credentials in each provider's real format, with
checksums where the format has one) and HARD NEGATIVES (env-var references, placeholders, masked
values, documentation example keys, UUIDs, git SHAs, digests, request and trace ids, lock-file
integrity hashes, base64 blobs of non-secrets, public keys, encrypted values, identifiers, paths,
versions...). Every planted item is written to `labels.jsonl` in the output directory:

    {"kind": "positive", "path", "line", "end_line", "family", "provider", "secret_sha256",
     "secret_len", "col", "end_col", "ctx"}
    {"kind": "negative", "path", "line", "end_line", "neg_kind", "ctx"}

Lines are 1-based; `end_line` is inclusive (a PEM block spans BEGIN..END, a Kubernetes
`- name:`/`value:` pair spans both lines). `col`/`end_col` (1-based, exclusive end) locate the
secret on `line` when it appears there verbatim, so a scorer can mask it; the raw secret is never
written to the labels or to stdout.

Values come from a seeded PRNG (`random.Random(seed)`): the same seed gives the same corpus, byte
for byte. They are synthetic; none is a real credential. Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import string
import struct
import sys
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = UPPER + LOWER + DIGITS
B62 = DIGITS + UPPER + LOWER
HEX = "0123456789abcdef"
B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"
B32 = UPPER + "234567"


# --------------------------------------------------------------------------------------------
# Random helpers
# --------------------------------------------------------------------------------------------


class Rng(random.Random):
    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.s(n, HEX)

    def uuid(self) -> str:
        h = list(self.hex(32))
        h[12] = "4"
        h[16] = self.choice("89ab")
        h = "".join(h)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def b64(self, nbytes: int, url: bool = False, pad: bool = True) -> str:
        raw = self.randbytes(nbytes)
        out = base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)
        out = out.decode()
        return out if pad else out.rstrip("=")

    def pick(self, seq):
        return self.choice(seq)

    def chance(self, p: float) -> bool:
        return self.random() < p

    def between(self, a: int, b: int) -> int:
        return self.randint(a, b)


def base62(n: int, width: int) -> str:
    out = ""
    while n:
        out = B62[n % 62] + out
        n //= 62
    return out.rjust(width, "0")


def crc32_token(r: Rng, prefix: str) -> str:
    """GitHub ghp_/gho_/ghu_/ghs_/ghr_ and npm npm_: 30 random base62 + base62(CRC32) in 6."""
    body = r.s(30, ALNUM)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Key material in real encodings (DER, openssh-key-v1, OpenPGP armor with CRC24, bech32)
# --------------------------------------------------------------------------------------------


def _der_len(n: int) -> bytes:
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(content)) + content


def _der_int(raw: bytes) -> bytes:
    raw = raw.lstrip(b"\x00") or b"\x00"
    if raw[0] & 0x80:
        raw = b"\x00" + raw
    return _der(0x02, raw)


def _rand_int_bytes(r: Rng, n: int) -> bytes:
    b = bytearray(r.randbytes(n))
    b[0] |= 0x80
    b[-1] |= 1
    return bytes(b)


def rsa_pkcs1_der(r: Rng, bits: int = 2048) -> bytes:
    n = bits // 8
    h = n // 2
    parts = [
        _der_int(b"\x00"),
        _der_int(_rand_int_bytes(r, n)),
        _der_int((65537).to_bytes(3, "big")),
        _der_int(_rand_int_bytes(r, n)),
        _der_int(_rand_int_bytes(r, h)),
        _der_int(_rand_int_bytes(r, h)),
        _der_int(_rand_int_bytes(r, h)),
        _der_int(_rand_int_bytes(r, h)),
        _der_int(_rand_int_bytes(r, h)),
    ]
    return _der(0x30, b"".join(parts))


RSA_OID = bytes.fromhex("06092a864886f70d0101010500")


def pkcs8_der(r: Rng) -> bytes:
    inner = rsa_pkcs1_der(r, r.pick([2048, 2048, 3072]))
    return _der(0x30, _der_int(b"\x00") + _der(0x30, RSA_OID) + _der(0x04, inner))


def ec_sec1_der(r: Rng) -> bytes:
    oid = bytes.fromhex("06082a8648ce3d030107")
    return _der(
        0x30,
        _der_int(b"\x01")
        + _der(0x04, r.randbytes(32))
        + _der(0xA0, oid)
        + _der(0xA1, _der(0x03, b"\x00\x04" + r.randbytes(64))),
    )


def _ssh_str(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def openssh_ed25519(r: Rng, comment: str) -> bytes:
    pub = r.randbytes(32)
    pubblob = _ssh_str(b"ssh-ed25519") + _ssh_str(pub)
    check = r.randbytes(4)
    priv = (
        check
        + check
        + _ssh_str(b"ssh-ed25519")
        + _ssh_str(pub)
        + _ssh_str(r.randbytes(32) + pub)
        + _ssh_str(comment.encode())
    )
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    return (
        b"openssh-key-v1\x00"
        + _ssh_str(b"none")
        + _ssh_str(b"none")
        + _ssh_str(b"")
        + struct.pack(">I", 1)
        + _ssh_str(pubblob)
        + _ssh_str(priv)
    )


def wrap(s: str, n: int) -> list[str]:
    return [s[i : i + n] for i in range(0, len(s), n)]


def pem(label: str, der: bytes, width: int = 64) -> str:
    body = wrap(base64.b64encode(der).decode(), width)
    return "\n".join([f"-----BEGIN {label}-----", *body, f"-----END {label}-----"])


def crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_private_block(r: Rng) -> str:
    body = bytes([0xC5, 0x58, 0x04]) + r.randbytes(4) + bytes([0x16]) + r.randbytes(600)
    lines = wrap(base64.b64encode(body).decode(), 64)
    ck = base64.b64encode(crc24(body).to_bytes(3, "big")).decode()
    head = ["-----BEGIN PGP PRIVATE KEY BLOCK-----"]
    if r.chance(0.3):
        head.append("Comment: " + r.pick(["release signing key", "backup of ops key", "CI subkey"]))
    return "\n".join([*head, "", *lines, "=" + ck, "-----END PGP PRIVATE KEY BLOCK-----"])


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def bech32_encode(hrp: str, data: bytes) -> str:
    acc, bits, five = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    hv = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    pm = _bech32_polymod(hv + five + [0] * 6) ^ 1
    five += [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in five)


def age_secret_key(r: Rng) -> str:
    return bech32_encode("age-secret-key-", r.randbytes(32)).upper()


def age_public_key(r: Rng) -> str:
    return bech32_encode("age", r.randbytes(32))


def b64url_json(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def make_jwt(r: Rng) -> str:
    alg = r.pick(["HS256", "RS256", "ES256", "HS512"])
    header = {"alg": alg, "typ": "JWT"}
    if alg != "HS256" and r.chance(0.6):
        header["kid"] = r.hex(16)
    now = r.between(1_700_000_000, 1_760_000_000)
    payload = {
        "sub": r.pick([r.uuid(), f"user:{r.between(1000, 99999)}", f"svc-{r.pick(['billing', 'orders', 'ingest'])}"]),
        "iat": now,
        "exp": now + r.pick([900, 3600, 86400]),
    }
    if r.chance(0.7):
        payload["iss"] = r.pick(["https://auth.acme.io/", "https://login.corp.internal", "acme-api"])
    if r.chance(0.5):
        payload["scope"] = r.pick(["read:orders write:orders", "admin", "openid profile email"])
    if r.chance(0.4):
        payload["aud"] = r.pick(["orders-api", "https://api.acme.io", "internal"])
    sig_len = {"HS256": 32, "HS512": 64, "RS256": 256, "ES256": 64}[alg]
    return f"{b64url_json(header)}.{b64url_json(payload)}.{r.b64(sig_len, url=True, pad=False)}"


# --------------------------------------------------------------------------------------------
# Names: how a credential is named in each syntax
# --------------------------------------------------------------------------------------------


def style(parts: list[str], st: str) -> str:
    parts = [p for p in parts if p]
    if st == "UPPER":
        return "_".join(p.upper() for p in parts)
    if st == "snake":
        return "_".join(p.lower() for p in parts)
    if st == "camel":
        return parts[0].lower() + "".join(p[:1].upper() + p[1:].lower() for p in parts[1:])
    if st == "pascal":
        return "".join(p[:1].upper() + p[1:].lower() for p in parts)
    if st == "kebab":
        return "-".join(p.lower() for p in parts)
    if st == "dot":
        return ".".join(p.lower() for p in parts)
    if st == "Header":
        return "-".join(p[:1].upper() + p[1:].lower() for p in parts)
    raise ValueError(st)


PREFIXES = [[], [], [], [], ["prod"], ["bot2"], ["bot1"], ["mm"], ["arb", "bot"], ["staging"], ["svc"], ["app"], ["live"], ["main"], ["hedge"]]


@dataclass
class Name:
    """A credential's name: optional deployment prefix, optional vendor, and the key words."""

    vendor: list[str]
    key: list[str]
    prefix: list[str] = field(default_factory=list)

    def flat(self, st: str) -> str:
        return style(self.prefix + self.vendor + self.key, st)


# --------------------------------------------------------------------------------------------
# Fragments: what a planted item looks like before a file syntax renders it
# --------------------------------------------------------------------------------------------


@dataclass
class Frag:
    """kv: a named value; header: an HTTP header; line: a command or log text; block: multi-line
    text (PEM...). `label` is {"kind": "positive", family, provider, secret} or {"kind":
    "negative", "neg_kind"}; None for filler."""

    kind: str
    value: str = ""
    name: Optional[Name] = None
    header: str = ""
    label: Optional[dict] = None
    expr: Optional[dict] = None  # kv only: per-language expression instead of a literal
    ctxs: Optional[set] = None  # restrict to these file contexts
    cmd: Optional[Callable] = None  # kv only: shell/log line forms using the value


def pos(family: str, provider: str, secret: str) -> dict:
    return {"kind": "positive", "family": family, "provider": provider, "secret": secret}


def neg(kind: str) -> dict:
    return {"kind": "negative", "neg_kind": kind}


# --------------------------------------------------------------------------------------------
# Credential kinds (positives)
# --------------------------------------------------------------------------------------------

HOSTS = ["api.acme.io", "internal.acme.io", "orders.svc.cluster.local", "10.20.3.14", "billing.corp.internal", "gw.example.net"]


def password(r: Rng, n: int | None = None, url_safe: bool = False) -> str:
    """A generated password (mixed classes, some punctuation)."""
    n = n or r.between(14, 32)
    specials = "-_~!" if url_safe else "-_~!#%^&*+=@."
    while True:
        v = r.s(n, ALNUM + specials * 2)
        v = r.pick(ALNUM) + v[1:]
        if (
            any(c.isdigit() for c in v)
            and any(c.islower() for c in v)
            and any(c.isupper() for c in v)
            and "..." not in v
            and "**" not in v
        ):
            return v


def human_password(r: Rng) -> str:
    w1 = r.pick(["Summer", "Falcon", "Maple", "Orbit", "Quartz", "Harbor", "Cobalt", "Juniper", "Velvet", "Tundra"])
    w2 = r.pick(["Blue", "River", "Stone", "Night", "Ember", "Cedar", "Nova", "Frost"])
    return f"{w1}{r.between(10, 99)}{r.pick('!#%&*@')}{w2}{r.pick('!#%&*@?')}{r.between(1, 9)}"


def passphrase_value(r: Rng) -> str:
    """Exchange API passphrases are chosen at key creation: 8-32 chars, often with symbols."""
    return password(r, r.between(10, 24), url_safe=r.chance(0.5))


def tg_bot_token(r: Rng) -> str:
    return f"{r.between(10_000_000, 8_999_999_999)}:AA{r.s(33, ALNUM + '_-')}"


def aws_key_id(r: Rng, pfx: str = "AKIA") -> str:
    return pfx + r.s(16, B32)


def aws_secret(r: Rng) -> str:
    while True:
        v = r.s(40, ALNUM + "+/")
        if any(c.islower() for c in v) and any(c.isupper() for c in v) and any(c.isdigit() for c in v):
            return v


def aws_session_token(r: Rng) -> str:
    return "IQoJb3JpZ2luX2Vj" + r.s(r.between(300, 700), B64) + r.pick(["", "=", "=="])


def kv(family: str, provider: str, value: str, vendor: list[str], keys: list[list[str]], r: Rng, prefix=True, **kw) -> Frag:
    name = Name(vendor=list(vendor), key=list(r.pick(keys)), prefix=list(r.pick(PREFIXES)) if prefix else [])
    return Frag("kv", value=value, name=name, label=pos(family, provider, value), **kw)


def hdr(family: str, provider: str, header: str, value: str, secret: str | None = None) -> Frag:
    return Frag("header", value=value, header=header, label=pos(family, provider, secret or value))


def line(family: str, provider: str, text: str, secret: str, ctxs: set | None = None) -> Frag:
    return Frag("line", value=text, label=pos(family, provider, secret), ctxs=ctxs)


CMD_CTX = {"sh", "md", "gha", "log", "jsonl", "json"}


def url_cmds(scheme: str) -> Callable:
    def cmds(r: Rng, v: str) -> str:
        if scheme.startswith("postgres"):
            return r.pick([f'psql "{v}" -c "select 1"', f"pg_dump --dbname={v} -Fc -f backup.dump", f"connecting to {v}"])
        if scheme.startswith("mysql"):
            return r.pick([f'mysqlsh --uri "{v}" --sql -e "show databases"', f"connecting to {v}"])
        if scheme.startswith("redis"):
            return r.pick([f"redis-cli -u {v} ping", f"redis connection pool created url={v}"])
        if scheme.startswith("amqp"):
            return r.pick([f"celery -A app worker --broker={v}", f"Connected to broker {v}"])
        if scheme.startswith("mongodb"):
            return r.pick([f'mongosh "{v}" --eval "db.stats()"', f"mongodump --uri={v} --out=/backup"])
        return f"connecting to {v}"

    return cmds


def db_url(r: Rng) -> Frag:
    user = r.pick(["app", "app_user", "orders", "svc_billing", "readonly", "admin", "etl", "default", "celery", "api-svc"])
    pw = password(r, r.between(12, 32), url_safe=True)
    host = r.pick(["db.internal", "pg-primary.data.svc", "10.0.4.12", "mysql.corp.local", "redis-master.cache.svc", "rabbitmq.internal", "cluster0.x7kq2.mongodb.net", "orders-db.c1x2y3z4.eu-west-1.rds.amazonaws.com"])
    kind = r.pick(["postgres", "postgres", "mysql", "redis", "redis", "amqp", "mongodb"])
    if kind == "postgres":
        scheme = r.pick(["postgres", "postgresql", "postgresql+psycopg2", "postgresql+asyncpg"])
        url = f"{scheme}://{user}:{pw}@{host}:5432/{r.pick(['app', 'orders', 'analytics'])}" + r.pick(["", "?sslmode=require", "?sslmode=verify-full&connect_timeout=5"])
        names = [["database", "url"], ["db", "url"], ["postgres", "dsn"], ["sqlalchemy", "database", "uri"], ["pg", "url"]]
    elif kind == "mysql":
        scheme = r.pick(["mysql", "mysql+pymysql", "mysql2", "mariadb"])
        url = f"{scheme}://{user}:{pw}@{host}:3306/{r.pick(['wordpress', 'shop', 'erp'])}"
        names = [["database", "url"], ["mysql", "url"], ["db", "dsn"]]
    elif kind == "redis":
        scheme = r.pick(["redis", "rediss"])
        u = r.pick(["", "default", user])
        url = f"{scheme}://{u}:{pw}@{host}:{r.pick(['6379', '6380'])}/{r.between(0, 5)}"
        names = [["redis", "url"], ["cache", "url"], ["celery", "result", "backend"], ["rq", "redis", "url"]]
    elif kind == "amqp":
        scheme = r.pick(["amqp", "amqps"])
        url = f"{scheme}://{user}:{pw}@{host}:{r.pick(['5672', '5671'])}/{r.pick(['', 'prod', '%2F'])}"
        names = [["celery", "broker", "url"], ["amqp", "url"], ["rabbitmq", "url"], ["broker", "url"]]
    else:
        scheme = r.pick(["mongodb", "mongodb+srv"])
        url = f"{scheme}://{user}:{pw}@{host}/{r.pick(['prod', 'events'])}?retryWrites=true&w=majority"
        names = [["mongo", "uri"], ["mongodb", "url"], ["mongo", "url"]]
    f = Frag("kv", value=url, name=Name([], list(r.pick(names)), list(r.pick(PREFIXES[:6]))), label=pos("db-url", kind, pw))
    f.cmd = url_cmds(scheme)
    return f


# Exchanges ---------------------------------------------------------------------------------

EXCHANGE_SECRET_KEYS = [["api", "secret"], ["secret"], ["secret", "key"], ["api", "secret", "key"], ["private", "key"], ["api", "private", "key"]]
EXCHANGE_KEY_KEYS = [["api", "key"], ["key"], ["access", "key"], ["api", "key", "id"]]
PASSPHRASE_KEYS = [["passphrase"], ["api", "passphrase"], ["pass", "phrase"]]


# The HTTP headers that carry an exchange's API key and passphrase (one per line).
KEY_HEADER = {
    "binance": "X-MBX-APIKEY",
    "bybit": "X-BAPI-API-KEY",
    "bitget": "ACCESS-KEY",
    "okx": "OK-ACCESS-KEY",
    "kucoin": "KC-API-KEY",
    "kraken": "API-Key",
    "coinbase": "CB-ACCESS-KEY",
}
PASSPHRASE_HEADER = {
    "bitget": "ACCESS-PASSPHRASE",
    "okx": "OK-ACCESS-PASSPHRASE",
    "kucoin": "KC-API-PASSPHRASE",
    "coinbase": "CB-ACCESS-PASSPHRASE",
}


def exchange(r: Rng) -> list[Frag]:
    """One exchange's key, secret and (where it has one) passphrase, found by name or header."""
    ex = r.pick(["binance", "bybit", "bitget", "okx", "kucoin", "kraken", "coinbase", "btcturk"])
    vendor = {"okx": r.pick([["okx"], ["okx"], ["okex"]]), "binance": r.pick([["binance"], ["binance"], ["binanceus"]])}.get(ex, [ex])
    pre = list(r.pick(PREFIXES))
    out: list[Frag] = []

    def nk(keys):
        return Name(vendor=list(vendor), key=list(r.pick(keys)), prefix=pre)

    if ex == "binance":
        key, sec, pp = r.s(64), r.s(64), None
    elif ex == "bybit":
        key, sec, pp = r.s(18), r.s(36), None
    elif ex == "bitget":
        key, sec, pp = "bg_" + r.hex(32), r.hex(64), passphrase_value(r)
    elif ex == "okx":
        key, sec, pp = r.uuid(), r.hex(32).upper(), passphrase_value(r)
    elif ex == "kucoin":
        key, sec, pp = r.hex(24), r.uuid(), passphrase_value(r)
    elif ex == "kraken":
        key, sec, pp = r.b64(42), r.b64(64), None
    elif ex == "coinbase":
        if r.chance(0.5):  # Coinbase Exchange (legacy Pro): key, base64 secret, passphrase
            key, sec, pp = r.hex(32), r.b64(64), r.s(r.between(10, 12), LOWER + DIGITS)
        else:  # CDP: key name + Ed25519 secret
            key = f"organizations/{r.uuid()}/apiKeys/{r.uuid()}"
            sec, pp = r.b64(64), None
    else:  # btcturk
        key, sec, pp = r.uuid(), r.b64(r.pick([24, 30, 32])), None

    cdp = ex == "coinbase" and key.startswith("organizations/")
    key_hdr = None if cdp else KEY_HEADER.get(ex)
    pp_hdr = PASSPHRASE_HEADER.get(ex)
    # key
    if key_hdr and r.chance(0.35):
        out.append(hdr("exchange", ex, key_hdr, key))
    else:
        if ex == "coinbase" and key.startswith("organizations/"):
            out.append(Frag("kv", value=key, name=Name(r.pick([["cdp"], ["coinbase"]]), r.pick([["api", "key", "name"], ["api", "key"], ["key", "name"]]), pre), label=pos("exchange", ex, key)))
        else:
            out.append(Frag("kv", value=key, name=nk(EXCHANGE_KEY_KEYS if ex != "btcturk" else [["public", "key"], ["api", "key"]]), label=pos("exchange", ex, key)))
    # secret
    if ex == "coinbase" and key.startswith("organizations/"):
        out.append(Frag("kv", value=sec, name=Name(r.pick([["cdp"], ["coinbase"]]), r.pick([["api", "key", "secret"], ["api", "secret"], ["private", "key"]]), pre), label=pos("exchange", ex, sec)))
    else:
        out.append(Frag("kv", value=sec, name=nk(EXCHANGE_SECRET_KEYS), label=pos("exchange", ex, sec)))
    # passphrase
    if pp:
        if pp_hdr and r.chance(0.35):
            out.append(hdr("exchange", ex, pp_hdr, pp))
        else:
            out.append(Frag("kv", value=pp, name=nk(PASSPHRASE_KEYS + ([["password"]] if ex in ("okx", "kucoin") else [])), label=pos("exchange", ex, pp)))
    return out


# Private keys ------------------------------------------------------------------------------


def private_key(r: Rng) -> tuple[str, str, str]:
    """(provider, block text, what to hash)."""
    kind = r.pick(["rsa", "rsa", "pkcs8", "pkcs8", "ec", "openssh", "openssh", "pgp", "age"])
    if kind == "rsa":
        t = pem("RSA PRIVATE KEY", rsa_pkcs1_der(r, r.pick([2048, 4096])))
    elif kind == "pkcs8":
        t = pem("PRIVATE KEY", pkcs8_der(r))
    elif kind == "ec":
        t = pem("EC PRIVATE KEY", ec_sec1_der(r))
    elif kind == "openssh":
        t = pem("OPENSSH PRIVATE KEY", openssh_ed25519(r, r.pick(["deploy@ci", "ops@bastion", "backup"])), 70)
    elif kind == "pgp":
        t = pgp_private_block(r)
    else:
        t = "\n".join([f"# created: 2025-0{r.between(1, 9)}-1{r.between(0, 9)}T09:15:22Z", f"# public key: {age_public_key(r)}", age_secret_key(r)])
        return "age", t, t.splitlines()[-1]
    return kind, t, t


def gcp_service_account(r: Rng, project: str) -> tuple[dict, str]:
    key = pem("PRIVATE KEY", pkcs8_der(r)) + "\n"
    sa = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": r.hex(40),
        "private_key": key,
        "client_email": f"{r.pick(['deployer', 'ci-runner', 'bq-export'])}@{project}.iam.gserviceaccount.com",
        "client_id": str(r.between(10**20, 10**21 - 1)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/deployer%40{project}.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com",
    }
    return sa, key


# Prefixed provider tokens ------------------------------------------------------------------

ProviderGen = Callable[[Rng], list[Frag]]


def simple(family: str, provider: str, gen: Callable[[Rng], str], vendor: list[str], keys: list[list[str]],
           headers: list[tuple[str, str]] = (), cmds: list[Callable[[str, Rng], str]] = (), header_p=0.3, cmd_p=0.25) -> ProviderGen:
    """A token found by its own format: named assignment, HTTP header or a command line."""

    def make(r: Rng) -> list[Frag]:
        v = gen(r)
        roll = r.random()
        if headers and roll < header_p:
            h, pfx = r.pick(headers)
            return [hdr(family, provider, h, pfx + v, v)]
        if cmds and roll < header_p + cmd_p:
            return [line(family, provider, r.pick(cmds)(v, r), v, CMD_CTX)]
        vend = r.pick(vendor) if vendor and isinstance(vendor[0], list) else vendor
        return [kv(family, provider, v, vend, keys, r, prefix=r.chance(0.3))]

    return make


def bearer(pfx: str = "Bearer ") -> tuple[str, str]:
    return ("Authorization", pfx)


def curl_u(host: str) -> Callable[[str, Rng], str]:
    return lambda v, r: f"curl -sS -u {r.pick(['api', 'ci-bot', 'ops@acme.io'])}:{v} https://{host}/v1/status"


def gh_clone(v: str, r: Rng) -> str:
    return f"git clone https://x-access-token:{v}@github.com/acme/{r.pick(['infra', 'deploy-scripts', 'private-sdk'])}.git"


def glpat(r: Rng) -> str:
    if r.chance(0.7):
        return "glpat-" + r.s(20, ALNUM + "_-")
    return "glpat-" + r.s(r.between(27, 60), ALNUM + "_-") + ".01." + r.s(9, LOWER + DIGITS)


def openai_key(r: Rng) -> str:
    kind = r.pick(["sk-proj-", "sk-proj-", "sk-svcacct-", "sk-admin-", "legacy"])
    if kind == "legacy":
        return "sk-" + r.s(20) + "T3BlbkFJ" + r.s(20)
    return kind + r.s(74, ALNUM + "_-") + "T3BlbkFJ" + r.s(74, ALNUM + "_-")


def stripe_key(r: Rng) -> str:
    p = r.pick(["sk_live_", "sk_live_", "rk_live_", "sk_test_", "whsec_"])
    if p == "whsec_":
        return p + r.s(32)
    return p + (r.s(24) if r.chance(0.3) else "51" + r.s(97))


def slack_token(r: Rng) -> str:
    k = r.pick(["xoxb", "xoxb", "xoxp", "xapp"])
    if k == "xoxb":
        return f"xoxb-{r.s(r.between(10, 13), DIGITS)}-{r.s(r.between(10, 13), DIGITS)}-{r.s(24)}"
    if k == "xoxp":
        return f"xoxp-{r.s(12, DIGITS)}-{r.s(12, DIGITS)}-{r.s(13, DIGITS)}-{r.hex(32)}"
    return f"xapp-1-A{r.s(10, UPPER + DIGITS)}-{r.s(13, DIGITS)}-{r.hex(64)}"


def slack_webhook(r: Rng) -> str:
    return f"https://hooks.slack.com/services/T{r.s(10, UPPER + DIGITS)}/B{r.s(10, UPPER + DIGITS)}/{r.s(24)}"


def discord_token(r: Rng) -> str:
    uid = str(r.between(10**17, 1_400_000_000_000_000_000))
    return base64.b64encode(uid.encode()).decode().rstrip("=") + "." + r.s(6, ALNUM + "_-") + "." + r.s(r.pick([27, 38]), ALNUM + "_-")


def discord_webhook(r: Rng) -> str:
    return f"https://discord.com/api/webhooks/{r.between(10**17, 10**19)}/{r.s(68, ALNUM + '_-')}"


def pypi_token(r: Rng) -> str:
    return "pypi-AgEIcHlwaS5vcmc" + r.s(r.between(120, 180), ALNUM + "_-")


def azure_storage_key(r: Rng) -> str:
    return r.b64(64)


def azure_entra_secret(r: Rng) -> str:
    return r.s(3, ALNUM) + r.pick(DIGITS) + "Q~" + r.s(34, ALNUM + "_~.-")


def datadog_api(r: Rng) -> str:
    return r.hex(32)


def sentry_org(r: Rng) -> str:
    payload = base64.b64encode(json.dumps({"iat": r.between(1_700_000_000, 1_760_000_000) + 0.5, "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": r.pick(["acme", "acme-co", "platform"])}).encode()).decode()
    return "sntrys_" + payload + "_" + r.s(43, ALNUM + "+/")


def grafana_sa(r: Rng) -> str:
    return "glsa_" + r.s(32) + "_" + r.hex(8)


def atlassian_token(r: Rng) -> str:
    return "ATATT3xFfGF0" + r.s(r.between(170, 180), ALNUM + "_-") + "=" + r.s(8, "0123456789ABCDEF")


def bitbucket_token(r: Rng) -> str:
    if r.chance(0.5):
        return "ATBB" + r.s(24) + r.s(8, "0123456789ABCDEF")
    return "ATCTT3xFfGN0" + r.s(r.between(170, 180), ALNUM + "_-") + "=" + r.s(8, "0123456789ABCDEF")


def vault_token(r: Rng) -> str:
    k = r.pick(["hvs_short", "hvs_long", "hvb", "legacy"])
    if k == "hvs_short":
        return "hvs." + r.s(24)
    if k == "hvs_long":
        return "hvs.CAESI" + r.s(r.between(80, 100), ALNUM + "_-")
    if k == "hvb":
        return "hvb.AAAAAQ" + r.s(r.between(120, 150), ALNUM + "_-")
    return "s." + r.s(24)


def notion_token(r: Rng) -> str:
    return "ntn_" + r.s(11, DIGITS) + r.s(35) if r.chance(0.7) else "secret_" + r.s(43)


def wandb_key(r: Rng) -> str:
    return r.hex(40) if r.chance(0.6) else "wandb_v1_" + r.s(27) + "_" + r.s(55)


def newrelic_key(r: Rng) -> str:
    return r.pick(["NRAK-" + r.s(27, UPPER + DIGITS), r.hex(36) + "NRAL", "NRII-" + r.s(32, ALNUM + "_-")])


def twilio_frag(r: Rng) -> list[Frag]:
    sid = "AC" + r.hex(32)
    tok = r.hex(32)
    roll = r.random()
    if roll < 0.3:
        return [line("twilio", "twilio", f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json -u {sid}:{tok} --data-urlencode 'To=+15005550006'", tok, CMD_CTX)]
    if roll < 0.45:
        return [kv("twilio", "twilio", r.s(32), ["twilio"], [["api", "secret"], ["api", "key", "secret"]], r)]
    return [kv("twilio", "twilio", tok, ["twilio"], [["auth", "token"], ["account", "auth", "token"]], r)]


def mailgun_key(r: Rng) -> str:
    return "key-" + r.hex(32) if r.chance(0.5) else f"{r.hex(32)}-{r.hex(8)}-{r.hex(8)}"


def google_key(r: Rng) -> str:
    return r.pick(["AIza" + r.s(35, ALNUM + "_-"), "GOCSPX-" + r.s(28, ALNUM + "_-"), "1//0" + r.s(r.between(80, 100), ALNUM + "_-"), "ya29.a0" + r.s(r.between(150, 200), ALNUM + "_-")])


def google_vendor_keys(v: str) -> tuple[list[str], list[list[str]]]:
    if v.startswith("AIza"):
        return ["google"], [["api", "key"], ["maps", "api", "key"], ["places", "key"]]
    if v.startswith("GOCSPX"):
        return ["google"], [["client", "secret"], ["oauth", "client", "secret"]]
    if v.startswith("1//"):
        return ["google"], [["refresh", "token"], ["oauth", "refresh", "token"]]
    return ["gcp"], [["access", "token"], ["oauth", "token"]]


def google(r: Rng) -> list[Frag]:
    v = google_key(r)
    if v.startswith("AIza") and r.chance(0.3):
        return [line("google", "google", f"curl 'https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={v}'", v, CMD_CTX)]
    if v.startswith("ya29") and r.chance(0.4):
        return [hdr("google", "google", "Authorization", "Bearer " + v, v)]
    vendor, keys = google_vendor_keys(v)
    return [kv("google", "google", v, vendor, keys, r)]


def azure(r: Rng) -> list[Frag]:
    roll = r.random()
    if roll < 0.35:
        acct = r.pick(["contosodata01", "acmebackups", "prodlogs7", "mlartifacts"])
        key = azure_storage_key(r)
        cs = f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};EndpointSuffix=core.windows.net"
        return [Frag("kv", value=cs, name=Name(["azure"], r.pick([["storage", "connection", "string"], ["connection", "string"]])), label=pos("azure", "azure-storage", key))]
    if roll < 0.5:
        key = azure_storage_key(r)
        return [kv("azure", "azure-storage", key, ["azure"], [["storage", "key"], ["storage", "account", "key"]], r)]
    if roll < 0.75:
        v = azure_entra_secret(r)
        return [kv("azure", "entra", v, r.pick([["azure"], ["arm"], ["aad"], []]), [["client", "secret"]], r)]
    if roll < 0.88:
        sig = r.b64(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        url = f"https://{r.pick(['contosodata01', 'acmebackups'])}.blob.core.windows.net/{r.pick(['backups', 'exports'])}/{r.pick(['db.tar.gz', 'report.csv'])}?sp=r&st=2025-05-01T08:00:00Z&se=2025-05-01T16:00:00Z&spr=https&sv=2022-11-02&sr=b&sig={sig}"
        return [line("azure", "azure-sas", r.pick([f'curl -o out.bin "{url}"', f"azcopy copy \"{url}\" ./restore/", f"download url={url}"]), sig, CMD_CTX)]
    v = r.s(76) + "AZDO" + r.s(4)
    return [kv("azure", "azure-devops", v, ["azure", "devops"], [["pat"], ["ext", "pat"], ["token"]], r)]


def aws(r: Rng) -> list[Frag]:
    pre = list(r.pick(PREFIXES[:8]))
    kid = aws_key_id(r, r.pick(["AKIA", "AKIA", "AKIA", "ASIA"]))
    sec = aws_secret(r)
    out = []
    if r.chance(0.15):
        out.append(line("aws", "aws-pair", r.pick([f"{r.pick(['deploy-bot', 'ci'])},{kid},{sec}", f"aws configure set aws_access_key_id {kid} && aws configure set aws_secret_access_key {sec}"]), sec, {"md", "log", "sh"}))
        return out
    out.append(Frag("kv", value=kid, name=Name(["aws"], r.pick([["access", "key", "id"], ["access", "key"], ["key", "id"]]), pre), label=pos("aws", "aws-key-id", kid)))
    out.append(Frag("kv", value=sec, name=Name(r.pick([["aws"], ["aws"], []]), r.pick([["secret", "access", "key"], ["secret", "key"], ["secret", "access", "key"]]), pre), label=pos("aws", "aws-secret", sec)))
    if kid.startswith("ASIA") or r.chance(0.2):
        st = aws_session_token(r)
        out.append(Frag("kv", value=st, name=Name(["aws"], r.pick([["session", "token"], ["security", "token"]]), pre), label=pos("aws", "aws-session-token", st)))
    return out


def telegram(r: Rng) -> list[Frag]:
    roll = r.random()
    tok = tg_bot_token(r)
    if roll < 0.2:
        return [line("telegram", "telegram-bot", r.pick([
            f"curl -s https://api.telegram.org/bot{tok}/getUpdates | jq .",
            f"POST https://api.telegram.org/bot{tok}/sendMessage chat_id=-100{r.s(10, DIGITS)} status=200",
            f'curl -X POST "https://api.telegram.org/bot{tok}/setWebhook" -d url=https://bot.acme.io/hook',
        ]), tok, CMD_CTX)]
    if roll < 0.45:
        h = r.hex(32)
        if r.chance(0.3):
            return [line("telegram", "telegram-api-hash", f'app = Client("{r.pick(["my_account", "bot", "watcher"])}", api_id={r.between(100000, 39999999)}, api_hash="{h}")', h, {"md", "py"})]
        vend = r.pick([["telegram"], ["tg"], []])
        return [kv("telegram", "telegram-api-hash", h, vend, [["api", "hash"], ["app", "hash"]] if vend else [["api", "hash"]], r, prefix=False)]
    return [kv("telegram", "telegram-bot", tok, r.pick([["telegram"], ["tg"], ["telegram", "bot"], ["alerts", "bot"], []]), [["token"], ["bot", "token"], ["api", "token"]], r)]


def vault(r: Rng) -> list[Frag]:
    v = vault_token(r)
    roll = r.random()
    if roll < 0.2:
        return [hdr("vault", "vault-token", "X-Vault-Token", v)]
    if roll < 0.3:
        k = r.b64(32)
        return [line("vault", "vault-unseal", f"Unseal Key {r.between(1, 5)}: {k}", k, {"md", "log", "sh"})]
    if roll < 0.4:
        return [line("vault", "vault-token", r.pick([f"Initial Root Token: {v}", f"vault login {v}", f"VAULT_TOKEN={v} vault kv get secret/app"]), v, {"md", "log", "sh", "gha"})]
    return [kv("vault", "vault-token", v, ["vault"], [["token"], ["root", "token"]], r)]


def mlops(r: Rng) -> list[Frag]:
    roll = r.random()
    if roll < 0.3:
        v = password(r, r.between(16, 28))
        return [kv("mlops", "mlflow", v, ["mlflow"], [["tracking", "password"]], r, prefix=False)]
    if roll < 0.45:
        v = r.s(r.between(32, 48), ALNUM + "_-")
        return [kv("mlops", "mlflow", v, ["mlflow"], [["tracking", "token"]], r, prefix=False)]
    v = wandb_key(r)
    if roll < 0.6:
        return [line("mlops", "wandb", r.pick([f"wandb login {v}", f"wandb login --relogin {v}"]), v, CMD_CTX)]
    if roll < 0.7:
        return [line("mlops", "wandb", f"machine api.wandb.ai login user password {v}", v, {"md", "sh"})]
    return [kv("mlops", "wandb", v, ["wandb"], [["api", "key"]], r, prefix=False)]


def jwt(r: Rng) -> list[Frag]:
    t = make_jwt(r)
    if r.chance(0.75):
        return [hdr("jwt", "jwt", "Authorization", "Bearer " + t, t)]
    return [kv("jwt", "jwt", t, [], r.pick([[["access", "token"]], [["id", "token"]], [["auth", "token"]], [["jwt"]], [["bearer", "token"]]]), r, prefix=False)]


def github(r: Rng) -> list[Frag]:
    v = crc32_token(r, r.pick(["ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"])) if r.chance(0.8) else "github_pat_11" + r.s(20, UPPER + DIGITS) + "_" + r.s(59)
    roll = r.random()
    if roll < 0.2:
        return [line("github", "github", gh_clone(v, r), v, CMD_CTX)]
    if roll < 0.35:
        return [hdr("github", "github", "Authorization", r.pick(["token ", "Bearer "]) + v, v)]
    if roll < 0.42:
        return [line("github", "github", f"echo {v} | gh auth login --with-token", v, CMD_CTX)]
    return [kv("github", "github", v, r.pick([["github"], ["gh"], ["git"]]), [["token"], ["pat"], ["access", "token"], ["api", "token"]], r, prefix=r.chance(0.3))]


def private_keys(r: Rng) -> list[Frag]:
    prov, text, secret = private_key(r)
    return [Frag("block", value=text, name=Name([], r.pick([["private", "key"], ["ssh", "key"], ["signing", "key"], ["tls", "key"], ["deploy", "key"]])), label=pos("private-key", prov, secret))]


def token_like(r: Rng) -> str:
    """An issued key or token: services mint these from URL- and header-safe alphabets."""
    k = r.random()
    if k < 0.35:
        return r.s(r.between(20, 48))
    if k < 0.55:
        return r.hex(r.pick([32, 40, 64]))
    if k < 0.75:
        return r.b64(r.pick([24, 32, 48]))
    if k < 0.9:
        return r.b64(32, url=True, pad=False)
    return "-".join(r.s(r.between(6, 10)) for _ in range(r.between(3, 4)))


PASSWORD_NAMES = [
    ["password"], ["db", "password"], ["database", "password"], ["postgres", "password"], ["mysql", "root", "password"], ["redis", "password"],
    ["admin", "password"], ["smtp", "password"], ["ldap", "bind", "password"], ["keystore", "password"], ["rabbitmq", "default", "pass"],
    ["passwd"], ["pwd"], ["passphrase"], ["sentinel", "password"], ["grafana", "admin", "password"], ["credentials"], ["db", "pass"],
]
SECRET_NAMES = [["secret", "key"], ["app", "secret"], ["jwt", "secret"], ["session", "secret"], ["client", "secret"], ["oauth", "client", "secret"],
                ["webhook", "secret"], ["signing", "secret"], ["secret"]]
TOKEN_NAMES = [["encryption", "key"], ["api", "key"], ["apikey"], ["api", "token"], ["auth", "token"], ["access", "token"], ["service", "token"],
               ["master", "key"], ["private", "token"], ["license", "key"], ["refresh", "token"], ["bot", "token"]]


def generic(r: Rng) -> list[Frag]:
    """Name-based secrets: passwords, API keys, tokens, client secrets, in many shapes. The value's
    shape follows the name: people and password managers put punctuation in passwords and some
    secrets; issued keys and tokens use base64, hex or alphanumerics."""
    roll = r.random()
    kind = r.random()
    names, v = None, None
    group = r.random()
    if group < 0.4:
        names = PASSWORD_NAMES
        v = password(r) if kind < 0.6 else human_password(r) if kind < 0.85 else token_like(r)
    elif group < 0.65:
        names = SECRET_NAMES
        v = password(r, r.between(24, 50)) if kind < 0.4 else token_like(r)
    else:
        names = TOKEN_NAMES
        v = token_like(r)
    if roll < 0.1:
        flag = r.pick(["--password", "--api-key", "--token", "--client-secret", "--db-password", "--auth-token", "--secret"])
        fv = v if flag in ("--password", "--db-password", "--client-secret", "--secret") else token_like(r)
        tool = r.pick(["deployctl push", "./bin/migrate", "vendor-cli login", "python manage.py sync", "terraform-provider-acme", "kcat -X sasl.username=svc", "backup-agent run"])
        sep = r.pick([" ", "="])
        return [line("generic", "cli-flag", f"{tool} {flag}{sep}{sh_q(r, fv)}", fv, CMD_CTX)]
    if roll < 0.16:
        u = r.pick(["deploy", "ci", "admin", "svc-backup", "jenkins"])
        vv = password(r, url_safe=True)
        return [line("generic", "curl-user", f"curl -u {u}:{vv} https://{r.pick(['nexus.corp.local', 'registry.acme.io', 'jenkins.internal'])}/api/json", vv, CMD_CTX)]
    if roll < 0.24:
        tok = r.s(r.between(32, 64), ALNUM + "_-")
        h = r.pick([("Authorization", "Bearer "), ("X-API-Key", ""), ("X-Auth-Token", ""), ("Api-Key", ""), ("X-Api-Token", ""), ("Authorization", "Token ")])
        return [hdr("generic", "http-header", h[0], h[1] + tok, tok)]
    if roll < 0.3:
        user = r.pick(["ci", "deploy", "ops"])
        pw = password(r, url_safe=True)
        b = base64.b64encode(f"{user}:{pw}".encode()).decode()
        return [hdr("generic", "basic-auth", "Authorization", "Basic " + b, b)]
    if roll < 0.35:
        host = r.pick(["git.internal.acme.io", "nexus.corp.local", "ftp.partner.net", "smtp.mailhost.io"])
        pw = password(r, url_safe=True)
        scheme = r.pick(["https", "ftp", "smtps", "https"])
        u = f"{scheme}://{r.pick(['deploy', 'svc', 'backup'])}:{pw}@{host}/{r.pick(['repo.git', 'drop/', 'v1'])}"
        f = Frag("kv", value=u, name=Name([], r.pick([["remote", "url"], ["upstream"], ["endpoint"], ["smtp", "url"]])), label=pos("generic", "url-credentials", pw))
        f.cmd = lambda rr, vv: rr.pick([f"git remote add mirror {vv}", f"fetching {vv}", f"curl -fsSL {vv}"])
        return [f]
    return [Frag("kv", value=v, name=Name([], list(r.pick(names)), list(r.pick(PREFIXES)) if r.chance(0.3) else []), label=pos("generic", "named", v))]


# family -> (weight, generator)
def provider_table() -> dict[str, tuple[float, ProviderGen]]:
    A = ALNUM
    return {
        "telegram": (3.0, telegram),
        "aws": (4.0, aws),
        "prefect": (1.0, simple("prefect", "prefect", lambda r: r.pick(["pnu_", "pnu_", "pnb_"]) + r.s(36), ["prefect"], [["api", "key"]],
                                cmds=[lambda v, r: f"prefect cloud login --key {v} --workspace acme/prod"])),
        "exchange": (7.0, exchange),
        "db-url": (6.0, lambda r: [db_url(r)]),
        "private-key": (4.0, private_keys),
        "vault": (2.0, vault),
        "mlops": (2.5, mlops),
        "jwt": (2.5, jwt),
        "github": (2.0, github),
        "gitlab": (1.2, simple("gitlab", "gitlab", lambda r: r.pick([glpat(r), glpat(r), "gldt-" + r.s(20, A + "_-"), "glrt-" + r.s(20, A + "_-"), "glptt-" + r.hex(40)]),
                               ["gitlab"], [["token"], ["private", "token"], ["access", "token"]], headers=[("PRIVATE-TOKEN", "")],
                               cmds=[lambda v, r: f"git clone https://oauth2:{v}@gitlab.com/acme/platform.git"])),
        "atlassian": (1.2, simple("atlassian", "atlassian", lambda r: r.pick([atlassian_token, bitbucket_token])(r), [["jira"], ["confluence"], ["atlassian"], ["bitbucket"]],
                                  [["api", "token"], ["token"], ["app", "password"]], cmds=[lambda v, r: f"curl -u ops@acme.io:{v} https://acme.atlassian.net/rest/api/3/myself"])),
        "openai": (1.2, simple("openai", "openai", openai_key, ["openai"], [["api", "key"], ["key"]], headers=[bearer()])),
        "anthropic": (1.0, simple("anthropic", "anthropic", lambda r: r.pick(["sk-ant-api03-", "sk-ant-api03-", "sk-ant-admin01-"]) + r.s(93, A + "_-") + "AA",
                                  ["anthropic"], [["api", "key"], ["admin", "key"]], headers=[("x-api-key", "")])),
        "huggingface": (1.0, simple("huggingface", "huggingface", lambda r: r.pick(["hf_", "hf_", "api_org_"]) + r.s(34, UPPER + LOWER), [["hf"], ["huggingface"], ["hugging_face_hub"]],
                                    [["token"], ["api", "token"], ["hub", "token"]], headers=[bearer()], cmds=[lambda v, r: f"huggingface-cli login --token {v}"])),
        "groq": (1.0, simple("groq", "groq", lambda r: "gsk_" + r.s(52), ["groq"], [["api", "key"]], headers=[bearer()])),
        "replicate": (1.0, simple("replicate", "replicate", lambda r: "r8_" + r.s(37), ["replicate"], [["api", "token"]], headers=[bearer("Token "), bearer()])),
        "ai-other": (1.5, ai_other),
        "stripe": (1.2, simple("stripe", "stripe", stripe_key, ["stripe"], [["secret", "key"], ["api", "key"], ["webhook", "secret"], ["key"]],
                               headers=[bearer()], cmds=[lambda v, r: f"curl https://api.stripe.com/v1/charges -u {v}: -d amount=2000"])),
        "twilio": (1.0, twilio_frag),
        "sendgrid": (1.0, simple("sendgrid", "sendgrid", lambda r: "SG." + r.s(22, A + "_-") + "." + r.s(43, A + "_-"), ["sendgrid"], [["api", "key"]], headers=[bearer()])),
        "mailgun": (1.0, simple("mailgun", "mailgun", mailgun_key, ["mailgun"], [["api", "key"], ["private", "api", "key"]],
                                cmds=[lambda v, r: f"curl -s --user 'api:{v}' https://api.mailgun.net/v3/mg.acme.io/messages -F to=ops@acme.io"])),
        "slack": (1.5, slack),
        "discord": (1.0, discord),
        "npm": (1.0, npm),
        "pypi": (1.0, simple("pypi", "pypi", pypi_token, ["twine"], [["password"]], cmds=[lambda v, r: f"twine upload -u __token__ -p {v} dist/*"])),
        "rubygems": (1.0, simple("rubygems", "rubygems", lambda r: "rubygems_" + r.hex(48), ["gem", "host"], [["api", "key"]])),
        "dockerhub": (1.0, simple("dockerhub", "dockerhub", lambda r: r.pick(["dckr_pat_" + r.s(27, A + "_-"), "dckr_oat_" + r.s(32, A + "_-")]), ["docker", "hub"], [["token"], ["password"]],
                                  cmds=[lambda v, r: f"echo {v} | docker login -u acmeci --password-stdin", lambda v, r: f"docker login -u acmeci -p {v}"])),
        "azure": (2.0, azure),
        "google": (1.5, google),
        "datadog": (1.0, datadog),
        "newrelic": (1.0, simple("newrelic", "newrelic", newrelic_key, ["new", "relic"], [["api", "key"], ["license", "key"], ["insert", "key"]], headers=[("Api-Key", "")])),
        "sentry": (1.0, simple("sentry", "sentry", lambda r: r.pick([sentry_org(r), "sntryu_" + r.hex(64)]), ["sentry"], [["auth", "token"]], headers=[bearer()])),
        "grafana": (1.0, simple("grafana", "grafana", grafana_sa, ["grafana"], [["token"], ["service", "account", "token"], ["api", "key"]], headers=[bearer()])),
        "digitalocean": (1.0, simple("digitalocean", "digitalocean", lambda r: r.pick(["dop_v1_", "dop_v1_", "doo_v1_"]) + r.hex(64), [["digitalocean"], ["do"]], [["token"], ["access", "token"]],
                                     headers=[bearer()], cmds=[lambda v, r: f"doctl auth init --access-token {v}"])),
        "heroku": (1.0, simple("heroku", "heroku", lambda r: "HRKU-AA" + r.s(58, A + "_-") if r.chance(0.6) else r.uuid(), ["heroku"], [["api", "key"]])),
        "shopify": (1.0, simple("shopify", "shopify", lambda r: r.pick(["shpat_", "shpat_", "shpss_", "shpca_", "shppa_"]) + r.hex(32), ["shopify"], [["access", "token"], ["api", "secret"], ["admin", "token"]],
                                headers=[("X-Shopify-Access-Token", "")])),
        "linear": (1.0, simple("linear", "linear", lambda r: "lin_api_" + r.s(40), ["linear"], [["api", "key"]], headers=[("Authorization", "")])),
        "databricks": (1.0, simple("databricks", "databricks", lambda r: "dapi" + r.hex(32) + r.pick(["", "", "-2"]), ["databricks"], [["token"], ["host", "token"]], headers=[bearer()])),
        "pulumi": (1.0, simple("pulumi", "pulumi", lambda r: "pul-" + r.hex(40), ["pulumi"], [["access", "token"]])),
        "doppler": (1.0, simple("doppler", "doppler", lambda r: r.pick(["dp.pt.", "dp.st.prd.", "dp.st.", "dp.sa.", "dp.ct."]) + r.s(43), ["doppler"], [["token"], ["service", "token"]])),
        "terraform": (1.0, terraform),
        "okta": (1.0, simple("okta", "okta", lambda r: "00" + r.s(40, A + "_-"), ["okta"], [["api", "token"], ["token"]], headers=[("Authorization", "SSWS ")])),
        "square": (1.0, simple("square", "square", lambda r: r.pick(["EAAA" + r.s(60, A + "_-"), "sq0csp-" + r.s(43, A + "_-"), "sq0atp-" + r.s(22, A + "_-")]), ["square"], [["access", "token"], ["application", "secret"]], headers=[bearer()])),
        "postman": (1.0, simple("postman", "postman", lambda r: f"PMAK-{r.hex(24)}-{r.hex(34)}", ["postman"], [["api", "key"]], headers=[("X-Api-Key", "")])),
        "notion": (1.0, simple("notion", "notion", notion_token, ["notion"], [["token"], ["api", "key"], ["integration", "token"]], headers=[bearer()])),
        "generic": (14.0, generic),
    }


def ai_other(r: Rng) -> list[Frag]:
    k = r.pick(["perplexity", "xai", "cohere", "mistral", "openrouter", "deepseek", "langsmith", "pinecone", "together", "elevenlabs"])
    gen = {
        "perplexity": lambda: "pplx-" + r.s(48),
        "xai": lambda: "xai-" + r.s(80),
        "cohere": lambda: r.s(40),
        "mistral": lambda: r.s(32),
        "openrouter": lambda: "sk-or-v1-" + r.hex(64),
        "deepseek": lambda: "sk-" + r.hex(32),
        "langsmith": lambda: f"lsv2_{r.pick(['pt', 'sk'])}_{r.hex(32)}_{r.hex(10)}",
        "pinecone": lambda: "pcsk_" + r.s(6) + "_" + r.s(64),
        "together": lambda: r.hex(64),
        "elevenlabs": lambda: "sk_" + r.hex(48),
    }[k]
    v = gen()
    vendor = {"xai": ["xai"], "langsmith": ["langsmith"], "elevenlabs": ["elevenlabs"], "together": ["together"]}.get(k, [k])
    return [kv("ai-other", k, v, vendor, [["api", "key"]], r, prefix=False)]


def slack(r: Rng) -> list[Frag]:
    if r.chance(0.4):
        u = slack_webhook(r)
        f = Frag("kv", value=u, name=Name(["slack"], [r.pick(["webhook", "webhook_url", "alerts_webhook"])]), label=pos("slack", "slack-webhook", u))
        f.cmd = lambda rr, vv: rr.pick([f"curl -X POST -H 'Content-type: application/json' --data '{{\"text\":\"deploy done\"}}' {vv}", f"posting alert to {vv}"])
        return [f]
    v = slack_token(r)
    if r.chance(0.25):
        return [hdr("slack", "slack-token", "Authorization", "Bearer " + v, v)]
    return [kv("slack", "slack-token", v, ["slack"], [["bot", "token"], ["token"], ["app", "token"], ["user", "token"]], r)]


def discord(r: Rng) -> list[Frag]:
    if r.chance(0.45):
        u = discord_webhook(r)
        f = Frag("kv", value=u, name=Name(["discord"], [r.pick(["webhook", "webhook_url"])]), label=pos("discord", "discord-webhook", u))
        f.cmd = lambda rr, vv: f"curl -H 'Content-Type: application/json' -d '{{\"content\": \"build failed\"}}' {vv}"
        return [f]
    v = discord_token(r)
    if r.chance(0.25):
        return [hdr("discord", "discord-token", "Authorization", "Bot " + v, v)]
    return [kv("discord", "discord-token", v, ["discord"], [["token"], ["bot", "token"]], r)]


def npm(r: Rng) -> list[Frag]:
    v = crc32_token(r, "npm_")
    if r.chance(0.4):
        return [line("npm", "npm", f"//registry.npmjs.org/:_authToken={v}", v, {"md", "sh", "npmrc"})]
    return [kv("npm", "npm", v, ["npm"], [["token"], ["auth", "token"]], r)]


def datadog(r: Rng) -> list[Frag]:
    if r.chance(0.6):
        v = r.hex(32)
        if r.chance(0.3):
            return [hdr("datadog", "datadog", "DD-API-KEY", v)]
        return [kv("datadog", "datadog", v, r.pick([["dd"], ["datadog"]]), [["api", "key"]], r, prefix=False)]
    v = r.hex(40)
    if r.chance(0.3):
        return [hdr("datadog", "datadog", "DD-APPLICATION-KEY", v)]
    return [kv("datadog", "datadog", v, r.pick([["dd"], ["datadog"]]), [["app", "key"], ["application", "key"]], r, prefix=False)]


def terraform(r: Rng) -> list[Frag]:
    v = r.s(14) + ".atlasv1." + r.s(67, ALNUM + "_=-")
    if r.chance(0.35):
        return [line("terraform", "terraform", f'  token = "{v}"', v, {"md", "tf"})]
    return [kv("terraform", "terraform", v, r.pick([["tfe"], ["tf"], ["terraform", "cloud"]]), [["token"], ["api", "token"]], r, prefix=False)]


# --------------------------------------------------------------------------------------------
# Hard negatives
# --------------------------------------------------------------------------------------------

SECRETISH_NAMES = [
    ["api", "key"], ["secret", "key"], ["password"], ["db", "password"], ["client", "secret"], ["auth", "token"], ["access", "token"],
    ["github", "token"], ["slack", "bot", "token"], ["stripe", "secret", "key"], ["bybit", "api", "secret"], ["binance", "api", "secret"],
    ["okx", "passphrase"], ["bitget", "api", "passphrase"], ["kucoin", "api", "secret"], ["aws", "secret", "access", "key"],
    ["telegram", "bot", "token"], ["openai", "api", "key"], ["webhook", "secret"], ["jwt", "secret"], ["mlflow", "tracking", "password"],
    ["redis", "password"], ["wandb", "api", "key"], ["vault", "token"], ["sendgrid", "api", "key"], ["hf", "token"], ["private", "key"],
]


def secretish(r: Rng) -> Name:
    return Name([], list(r.pick(SECRETISH_NAMES)), list(r.pick(PREFIXES)) if r.chance(0.25) else [])


ENV_REF_EXPR = {
    "py": lambda n: f'os.environ["{n}"]',
    "py2": lambda n: f'os.getenv("{n}")',
    "js": lambda n: f"process.env.{n}",
    "go": lambda n: f'os.Getenv("{n}")',
}


def neg_env_ref(r: Rng) -> Frag:
    n = secretish(r)
    var = n.flat("UPPER")
    f = Frag("kv", value="", name=n, label=neg("env-ref"))
    f.expr = {
        "env": r.pick([f"${{{var}}}", f"${var}", f"${{{var}:-}}", f"${{{var}:?missing}}"]),
        "sh": r.pick([f'"${{{var}}}"', f'"${var}"', f'"$(cat /run/secrets/{var.lower()})"']),
        "yaml": r.pick([f'"${{{var}}}"', f"${{{var}}}", f'"{{{{ .Values.{style(n.key, "camel")} }}}}"', f"${{{{ secrets.{var} }}}}", f'"{{{{ vault_{style(n.key, "snake")} }}}}"', f"'%{var}%'"]),
        "gha": f"${{{{ secrets.{var} }}}}",
        "helm": r.pick([f'{{{{ .Values.{style(n.key, "camel")} | quote }}}}', f'"{{{{ .Values.secrets.{style(n.key, "camel")} }}}}"', f'{{{{ required "set {style(n.key, "camel")}" .Values.{style(n.key, "camel")} }}}}']),
        "json": r.pick([f"${{{var}}}", f"{{{{ {style(n.key, 'snake')} }}}}", f"$env:{var}", f"%{var}%"]),
        "py": r.pick([f'os.environ["{var}"]', f'os.getenv("{var}")', f'os.environ.get("{var}", "")', f"settings.{var}", f'env("{var}")']),
        "js": r.pick([f"process.env.{var}", f'process.env["{var}"]', f"process.env.{var} ?? ''", f"config.get('{style(n.key, 'camel')}')"]),
        "go": r.pick([f'os.Getenv("{var}")', f'viper.GetString("{style(n.key, "dot")}")', f"cfg.{style(n.key, 'pascal')}"]),
        "ini": r.pick([f"${{{var}}}", f"%({style(n.key, 'snake')})s", f"${{env:{var}}}"]),
        "toml": r.pick([f"${{{var}}}", f"env:{var}"]),
        "log": r.pick([f"${{{var}}}", f"${var}"]),
        "properties": f"${{{var}}}",
        "xml": f"${{{var}}}",
        "tf": f"var.{style(n.key, 'snake')}",
    }
    return f


def neg_placeholder(r: Rng) -> Frag:
    n = secretish(r)
    key = "_".join(n.key).lower()
    generic_opts = [
        "<token>", "<your-api-key>", f"<{key}>", "YOUR_API_KEY", f"YOUR_{key.upper()}", f"your_{key}_here", "your-secret-here", "changeme", "CHANGE_ME",
        "xxxxxxxxxxxxxxxxxxxxxxxx", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "REPLACE_ME", "<insert-token-here>", "TODO", "dummy-password", "placeholder",
        "insert-your-key", "notreal-notreal", "example-token-value", "0000000000000000000000000000000000000000",
    ]
    # placeholders in a provider's own format go with that provider's name
    shaped = [
        (["github", "token"], "ghp_" + "x" * 36), (["stripe", "secret", "key"], "sk_live_" + "x" * 24), (["aws", "access", "key", "id"], "AKIA" + "X" * 16),
        (["slack", "bot", "token"], "xoxb-your-bot-token"), (["openai", "api", "key"], "sk-proj-xxxxxxxxxxxxxxxxxxxx"), (["vault", "token"], "hvs.XXXXXXXXXXXXXXXXXXXXXXXX"),
        (["bitget", "api", "key"], "bg_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), (["prefect", "api", "key"], "pnu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        (["database", "url"], "postgres://user:password@localhost:5432/db"), (["redis", "url"], "redis://:changeme@localhost:6379/0"),
        (["telegram", "bot", "token"], "1234567890:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), (["mongo", "uri"], "mongodb://<user>:<password>@cluster0.example.mongodb.net/app"),
    ]
    if r.chance(0.4):
        k, v = r.pick(shaped)
        return Frag("kv", value=v, name=Name([], list(k), n.prefix), label=neg("placeholder"))
    return Frag("kv", value=r.pick(generic_opts), name=n, label=neg("placeholder"))


def neg_masked(r: Rng) -> Frag:
    n = secretish(r)
    tail = r.s(4)
    generic_opts = [f"****{tail}", "********", "[REDACTED]", "<redacted>", "***", "[FILTERED]", "[MASKED]", "\u2022" * 12, "REDACTED", f"{tail}...{r.s(4)}", "*" * r.between(8, 20)]
    shaped = [(["openai", "api", "key"], f"sk-...{tail.lower()}"), (["github", "token"], f"ghp_****{tail}"), (["slack", "bot", "token"], f"xoxb-****-{tail}"),
              (["aws", "access", "key", "id"], f"AKIA************{tail.upper()}"), (["vault", "token"], f"hvs.****{tail}"), (["bybit", "api", "secret"], f"{tail}****{r.s(4)}")]
    if r.chance(0.3):
        k, v = r.pick(shaped)
        return Frag("kv", value=v, name=Name([], list(k), n.prefix), label=neg("masked"))
    return Frag("kv", value=r.pick(generic_opts), name=n, label=neg("masked"))


def _j(*parts: str) -> str:
    """Joins literal fragments. Documentation example keys (and one ARN) are written split so the
    repository's own gate (`cargo run --release -- scan`) does not report this source file."""
    return "".join(parts)


DOC_EXAMPLES = [
    (["aws", "access", "key", "id"], _j("AKIA", "IOSFODNN7", "EXAMPLE")),
    (["aws", "secret", "access", "key"], _j("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY")),
    (["aws", "access", "key", "id"], _j("AKIAI44QH8DHB", "EXAMPLE")),
    (["aws", "secret", "access", "key"], _j("je7MtGbClwBF/2Zp9Utk/", "h3yCo8nvbEXAMPLEKEY")),
    (["telegram", "bot", "token"], _j("123456:ABC-DEF1234ghIkl", "-zyx57W2v1u123ew11")),
    (["jwt"], _j("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ", ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")),
    (["azure", "storage", "key"], _j("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/", "K1SZFPTOtr/KBHBeksoGMGw==")),
    (["stripe", "publishable", "key"], _j("pk_test_", "TYooMQauvdEDq54NiTphI7jx")),
    (["google", "client", "id"], _j("1234567890", "-abc123def456.apps.googleusercontent.com")),
]


def neg_doc_example(r: Rng) -> Frag:
    keys, v = r.pick(DOC_EXAMPLES)
    if keys == ["azure", "storage", "key"] and r.chance(0.6):
        cs = f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={v};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
        return Frag("kv", value=cs, name=Name(["azure"], ["storage", "connection", "string"]), label=neg("doc-example"))
    return Frag("kv", value=v, name=Name([], list(keys)), label=neg("doc-example"))


def neg_id(r: Rng) -> Frag:
    kind = r.pick(["uuid", "git-sha", "request-id", "digest"])
    if kind == "uuid":
        nm = r.pick([["request", "id"], ["tenant", "id"], ["correlation", "id"], ["idempotency", "key"], ["client", "id"], ["account", "id"], ["api", "key", "id"], ["key", "id"], ["installation", "id"], ["trace", "id"]])
        return Frag("kv", value=r.uuid(), name=Name([], nm), label=neg("uuid"))
    if kind == "git-sha":
        nm = r.pick([["commit"], ["git", "sha"], ["head", "sha"], ["revision"], ["git", "commit"], ["source", "version"], ["base", "ref"]])
        return Frag("kv", value=r.hex(40), name=Name([], nm), label=neg("git-sha"))
    if kind == "request-id":
        nm = r.pick([["trace", "id"], ["span", "id"], ["request", "id"], ["x", "request", "id"], ["amzn", "request", "id"], ["cf", "ray"]])
        v = r.pick([r.hex(32), r.hex(16), r.s(20, UPPER + DIGITS), f"Root=1-{r.hex(8)}-{r.hex(24)}", f"00-{r.hex(32)}-{r.hex(16)}-01"])
        return Frag("kv", value=v, name=Name([], nm), label=neg("request-id"))
    nm = r.pick([["sha256"], ["checksum"], ["digest"], ["token", "hash"], ["password", "sha256"], ["content", "hash"], ["image", "digest"], ["api", "key", "hash"], ["secret", "checksum"]])
    v = r.pick([r.hex(64), "sha256:" + r.hex(64), r.hex(64)])
    return Frag("kv", value=v, name=Name([], nm), label=neg("digest"))


def neg_identifier(r: Rng) -> Frag:
    opts = [
        (["secret", "name"], r.pick(["prod-db-credentials", "app-secrets", "orders-api-tls", "bybit-bot-keys"])),
        (["password", "policy"], r.pick(["strong", "min-length-12", "PasswordPolicyStrict"])),
        (["token", "type"], r.pick(["bearer", "Bearer", "refresh_token", "urn:ietf:params:oauth:token-type:jwt"])),
        (["api", "key", "header"], r.pick(["X-Api-Key", "Authorization", "X-MBX-APIKEY"])),
        (["auth", "method"], r.pick(["oauth2", "approle", "kubernetes", "client_credentials"])),
        (["key", "name"], r.pick(["primary-signing-key", "backup_key_2024", "release-signing"])),
        (["secret", "store"], r.pick(["aws-secrets-manager", "vault-kv-v2", "ClusterSecretStore"])),
        (["password", "field"], r.pick(["password", "db_password", "userPassword"])),
        (["token", "endpoint"], r.pick(["https://oauth2.googleapis.com/token", "https://auth.acme.io/oauth/token"])),
        (["secret", "provider"], r.pick(["GoogleSecretManager", "AzureKeyVault", "HashiCorpVault"])),
        (["api", "key", "env"], r.pick(["BYBIT_API_KEY", "OPENAI_API_KEY", "STRIPE_SECRET_KEY"])),
        (["passphrase", "prompt"], r.pick(["Enter passphrase for key", "passphrase required"])),
        (["auth", "token", "ttl"], str(r.pick([3600, 86400, 900]))),
        (["session", "token", "lifetime"], r.pick(["15m", "12h", "PT1H"])),
        (["password", "min", "length"], str(r.pick([12, 14, 16]))),
        (["token", "issuer"], r.pick(["https://token.actions.githubusercontent.com", "acme-sts"])),
        (["client", "secret", "ref"], r.pick(["projects/acme/secrets/oauth-client/versions/latest", "vault:secret/data/oauth#client_secret", _j("arn:aws:secrets", "manager:eu-west-1:123456789012:secret:prod/oauth-AbCdEf")])),
        (["secret", "key", "ref"], r.pick(["secretKeyRef", "op://prod/bybit/api_secret", "sm://orders/api-key"])),
        (["credentials"], r.pick(["InstanceProfileCredentialsProvider", "DefaultAzureCredential", "ApplicationDefault"])),
        (["api", "key"], r.pick(["getApiKeyFromVault", "ApiKeyAuthenticationHandler", "readSecretFromStore"])),
        (["password"], r.pick(["PromptForPassword", "passwordFromKeychain", "ReadPasswordFromStdin"])),
    ]
    k, v = r.pick(opts)
    return Frag("kv", value=v, name=Name([], list(k)), label=neg("identifier"))


def neg_path(r: Rng) -> Frag:
    k = r.pick([["password", "file"], ["key", "file"], ["token", "path"], ["secret", "path"], ["private", "key", "path"], ["credentials", "file"], ["ssl", "key"], ["client", "key"], ["secret", "volume"], ["kubeconfig"]])
    v = r.pick(["/run/secrets/db_password", "/etc/ssl/private/server.key", "/var/run/secrets/kubernetes.io/serviceaccount/token", "~/.aws/credentials", "./certs/client-key.pem",
                "/vault/secrets/bybit.env", "C:\\ProgramData\\acme\\keys\\signing.pfx", "secrets/prod/api-key.txt", "/etc/acme/tokens/bot.token", "/home/deploy/.ssh/id_ed25519"])
    return Frag("kv", value=v, name=Name([], k), label=neg("path"))


def neg_version(r: Rng) -> Frag:
    k = r.pick([["version"], ["api", "version"], ["token", "version"], ["secret", "version"], ["key", "version"], ["image", "tag"], ["chart", "version"], ["auth", "plugin", "version"]])
    v = r.pick([f"{r.between(1, 4)}.{r.between(0, 30)}.{r.between(0, 20)}", f"v{r.between(1, 3)}.{r.between(0, 12)}.{r.between(0, 9)}-rc.{r.between(1, 5)}",
                f"{r.between(2023, 2025)}.{r.between(1, 12):02d}.{r.between(1, 28):02d}", f"{r.between(1, 9)}.{r.between(0, 9)}.{r.between(0, 99)}+build.{r.between(100, 9999)}"])
    return Frag("kv", value=v, name=Name([], k), label=neg("version"))


def neg_code_expr(r: Rng) -> Frag:
    n = secretish(r)
    snake = style(n.key, "snake")
    camel = style(n.key, "camel")
    f = Frag("kv", value="", name=n, label=neg("code-expr"))
    f.expr = {
        "py": r.pick([f"get_secret(\"{snake}\")", f"vault_client.read(\"secret/data/app\")[\"data\"][\"{snake}\"]", f"request.form[\"{snake}\"]", f"self.{snake}", f"getpass.getpass(\"{snake}: \")", f"config.{snake}"]),
        "js": r.pick([f"await secrets.get('{camel}')", f"this.{camel}", f"req.body.{camel}", f"options.{camel} || ''", f"getConfig().{camel}"]),
        "go": r.pick([f"cfg.{style(n.key, 'pascal')}", f"mustGetSecret(ctx, \"{snake}\")", f"flags.{style(n.key, 'pascal')}"]),
        "sh": r.pick([f'"$(vault kv get -field={snake} secret/app)"', f'"$(aws secretsmanager get-secret-value --secret-id prod/{snake} --query SecretString --output text)"', f'"$(op read op://prod/app/{snake})"']),
        "tf": r.pick([f"data.aws_secretsmanager_secret_version.{snake}.secret_string", f"random_password.{snake}.result", f"var.{snake}"]),
    }
    f.ctxs = set(f.expr)
    return f


def neg_hash_value(r: Rng) -> Frag:
    k = r.pick([["password", "hash"], ["hashed", "password"], ["password", "digest"], ["admin", "password", "hash"], ["secret", "hash"]])
    salt = r.s(22, ALNUM + "./")
    v = r.pick([f"$2b$12${salt}{r.s(31, ALNUM + './')}", f"$argon2id$v=19$m=65536,t=3,p=4${r.b64(16, pad=False)}${r.b64(32, pad=False)}", f"pbkdf2_sha256$600000${r.s(22)}${r.b64(32)}", r.hex(64)])
    return Frag("kv", value=v, name=Name([], k), label=neg("hash"))


def neg_public_key(r: Rng) -> Frag:
    kind = r.pick(["ssh", "pem-pub", "cert", "stripe-pk", "age-pub"])
    if kind == "ssh":
        blob = base64.b64encode(_ssh_str(b"ssh-ed25519") + _ssh_str(r.randbytes(32))).decode()
        return Frag("kv", value=f"ssh-ed25519 {blob} deploy@ci", name=Name([], r.pick([["ssh", "public", "key"], ["authorized", "key"], ["deploy", "key", "pub"]])), label=neg("public-key"))
    if kind == "stripe-pk":
        return Frag("kv", value="pk_live_" + r.s(99), name=Name(["stripe"], ["publishable", "key"]), label=neg("public-key"))
    if kind == "age-pub":
        return Frag("kv", value=age_public_key(r), name=Name(["age"], ["recipient"]), label=neg("public-key"))
    if kind == "pem-pub":
        der = _der(0x30, _der(0x30, RSA_OID) + _der(0x03, b"\x00" + _der(0x30, _der_int(_rand_int_bytes(r, 256)) + _der_int((65537).to_bytes(3, "big")))))
        return Frag("block", value=pem("PUBLIC KEY", der), name=Name([], ["public", "key"]), label=neg("public-key"))
    der = _der(0x30, r.randbytes(700))
    return Frag("block", value=pem("CERTIFICATE", der), name=Name([], ["tls", "cert"]), label=neg("public-key"))


def neg_encrypted(r: Rng) -> Frag:
    kind = r.pick(["sops", "sealed", "ansible", "kms"])
    n = secretish(r)
    if kind == "sops":
        v = f"ENC[AES256_GCM,data:{r.b64(r.between(16, 48))},iv:{r.b64(32)},tag:{r.b64(16)},type:str]"
    elif kind == "sealed":
        v = "AgB" + r.s(r.between(300, 500), B64) + "=="
        n = Name([], list(n.key))
        f = Frag("kv", value=v, name=n, label=neg("encrypted"))
        f.ctxs = {"sealed"}
        return f
    elif kind == "ansible":
        v = "!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          " + "\n          ".join(wrap(r.hex(320), 80))
        f = Frag("kv", value=v, name=n, label=neg("encrypted"))
        f.ctxs = {"ansible"}
        return f
    else:
        v = "vault:v1:" + r.b64(r.between(40, 80))
    return Frag("kv", value=v, name=n, label=neg("encrypted"))


def neg_base64_blob(r: Rng) -> Frag:
    kind = r.pick(["png", "json", "text", "datauri"])
    if kind == "png":
        v = "iVBORw0KGgoAAAANSUhEUgAA" + r.s(r.between(80, 200), B64) + "="
        k = ["logo", "png"]
    elif kind == "json":
        v = base64.b64encode(json.dumps({"event": r.pick(["deploy", "rollback", "scale"]), "service": r.pick(["orders", "billing"]), "replicas": r.between(1, 9), "ts": r.between(1_700_000_000, 1_760_000_000)}).encode()).decode()
        k = ["payload"]
    elif kind == "text":
        v = base64.b64encode(r.pick(["#!/bin/sh\nset -e\nexec /app/server --port 8080\n", "[server]\nport = 8080\nworkers = 4\nlog_level = info\n", "User-agent: *\nDisallow: /admin\n"]).encode()).decode()
        k = r.pick([["entrypoint", "sh"], ["config", "ini"], ["robots", "txt"]])
    else:
        v = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + r.s(r.between(60, 120), B64) + "=="
        k = ["icon"]
    return Frag("kv", value=v, name=Name([], k), label=neg("base64-blob"))


def neg_signature(r: Rng) -> Frag:
    h = r.pick([("ACCESS-SIGN", r.b64(32)), ("OK-ACCESS-SIGN", r.b64(32)), ("X-BAPI-SIGN", r.hex(64)), ("KC-API-SIGN", r.b64(32)), ("X-Hub-Signature-256", "sha256=" + r.hex(64)), ("Stripe-Signature", f"t={r.between(1_700_000_000, 1_760_000_000)},v1={r.hex(64)}")])
    return Frag("header", header=h[0], value=h[1], label=neg("signature"))


NEGATIVES = [
    (6.0, neg_env_ref), (4.0, neg_placeholder), (3.0, neg_masked), (1.5, neg_doc_example), (6.0, neg_id), (3.0, neg_identifier), (1.5, neg_path),
    (1.5, neg_version), (2.0, neg_code_expr), (1.0, neg_hash_value), (1.0, neg_public_key), (1.0, neg_encrypted), (1.2, neg_base64_blob), (0.8, neg_signature),
]


# --------------------------------------------------------------------------------------------
# Document model: lines + labels
# --------------------------------------------------------------------------------------------


class Doc:
    def __init__(self, path: str, ctx: str):
        self.path = path
        self.ctx = ctx
        self.lines: list[str] = []
        self.marks: list[tuple[int, int, dict]] = []  # (first, last) 0-based line indexes, label

    def add(self, text: str | list[str], label: dict | None = None, span: tuple[int, int] | None = None):
        """Appends lines; `span` (relative, inclusive) says which of them the label covers."""
        if isinstance(text, list):
            flat = [piece for t in text for piece in t.split("\n")]
            if span and len(flat) != len(text):
                raise ValueError(f"{self.path}: a spanned line holds a newline")
            lines = flat
        else:
            lines = text.split("\n")
        start = len(self.lines)
        self.lines.extend(lines)
        if label:
            a, b = span if span else (0, len(lines) - 1)
            self.marks.append((start + a, start + b, label))

    def blank(self):
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# --------------------------------------------------------------------------------------------
# Rendering a fragment in a file syntax
# --------------------------------------------------------------------------------------------

TS_BASE = 1_746_000_000


def ts(r: Rng) -> str:
    t = TS_BASE + r.between(0, 3_000_000)
    import datetime as _dt

    d = _dt.datetime.fromtimestamp(t, _dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{r.between(0, 999):03d}Z"


def level(r: Rng) -> str:
    return r.pick(["INFO", "DEBUG", "DEBUG", "WARN", "ERROR", "INFO"])


SHELL_SAFE = set(ALNUM + "_./:@%+=,-")


def sh_q(r: Rng, v: str) -> str:
    """A value as a shell word: bare when that is safe, else single-quoted (or double-quoted)."""
    if all(c in SHELL_SAFE for c in v):
        return r.pick([v, v, f"'{v}'", f'"{v}"'])
    return f"'{v}'" if ("$" in v or "!" in v or "`" in v or r.chance(0.7)) else f'"{v}"'


def q(r: Rng, v: str, allow_none=True, backtick=False) -> str:
    opts = ['"', "'"] + ([""] if allow_none else [])
    c = r.pick(opts)
    return f"{c}{v}{c}"


def kv_value(f: Frag, ctx: str) -> tuple[str, bool]:
    """(value text, is_expression)."""
    if f.expr:
        for key in (ctx, {"helm": "yaml", "gha": "yaml", "compose": "yaml", "k8s": "yaml", "jsonl": "json", "md": "env", "properties": "ini", "xml": "json", "tf": "json"}.get(ctx, ""), "json"):
            if key in f.expr:
                return f.expr[key], ctx in ("py", "js", "go", "tf", "sh")
    return f.value, False


def name_for(f: Frag, st: str) -> str:
    n = f.name or Name([], ["value"])
    return style(n.prefix + list(n.vendor) + n.key, st)


def env_line(r: Rng, name: str, v: str, expr: bool) -> str:
    lead = r.pick(["", "", "", "export "])
    val = v if expr else r.pick([v, v, f'"{v}"', f"'{v}'"])
    tail = r.pick(["", "", "", "  # rotated 2025-03", " # do not commit", "  # prod"])
    return f"{lead}{name}={val}{tail}"


def header_lines(r: Rng, ctx: str, h: str, v: str) -> list[str]:
    url = f"https://{r.pick(HOSTS)}/{r.pick(['v1/orders', 'api/v3/account', 'api/v5/account/balance', 'v2/user', 'status'])}"
    if ctx in ("sh", "gha"):
        return [r.pick([f"curl -sS -H '{h}: {v}' {url}", f'curl -fsSL -H "{h}: {v}" "{url}"', f"http GET {url} '{h}:{v}'", f"wget --header='{h}: {v}' -qO- {url}"])]
    if ctx == "md":
        return [r.pick([f"curl -H '{h}: {v}' {url}", f"{h}: {v}", f"curl -X POST {url} \\\n  -H 'Content-Type: application/json' \\\n  -H '{h}: {v}'"])]
    if ctx == "log":
        return [r.pick([f"{h}: {v}", f"request headers: {{'{h}': '{v}', 'Accept': 'application/json'}}", f'outgoing {url} headers="{h}: {v}"', f"> {h}: {v}"])]
    if ctx == "py":
        return [r.pick([f'headers = {{"{h}": "{v}", "Content-Type": "application/json"}}', f"session.headers['{h}'] = '{v}'", f'resp = requests.get("{url}", headers={{"{h}": "{v}"}}, timeout=10)'])]
    if ctx == "js":
        return [r.pick([f"headers: {{ '{h}': '{v}' }},", f'const headers = {{ "{h}": "{v}" }};', f"req.setHeader('{h}', '{v}');"])]
    if ctx == "go":
        return [f'req.Header.Set("{h}", "{v}")']
    return [f"{h}: {v}"]


def render_kv_line(r: Rng, ctx: str, f: Frag) -> list[str]:
    """One kv fragment as lines of a line-oriented syntax. The labelled line is the one with the
    value; when a pair spans lines (k8s env), the label covers them all."""
    v, expr = kv_value(f, ctx)
    if ctx == "env":
        return [env_line(r, name_for(f, "UPPER"), v, expr)]
    if ctx == "sh":
        name = name_for(f, "UPPER")
        if not expr and f.cmd and r.chance(0.4):
            return [f.cmd(r, v)]
        val = v if expr else sh_q(r, v)
        return [r.pick([f"export {name}={val}", f"{name}={val}", f"readonly {name}={val}", f"declare -x {name}={val}"])]
    if ctx == "log":
        if not expr and f.cmd and r.chance(0.5):
            return [f.cmd(r, v)]
        st = r.pick(["UPPER", "snake", "camel"])
        name = name_for(f, st)
        return [r.pick([f"loaded setting {name}={v}", f"config: {{'{name}': '{v}', 'timeout': 30}}", f'env {name}="{v}"', f"{name}: {v}", f"using {name} = {v}"])]
    if ctx == "py":
        if f.name and f.name.vendor and r.chance(0.3) and not expr:
            return [f'client = {style(list(f.name.vendor), "pascal")}Client({style(f.name.key, "snake")}="{v}")']
        val = v if expr else q(r, v, allow_none=False)
        return [r.pick([f"{name_for(f, 'UPPER')} = {val}", f"{name_for(f, 'snake')} = {val}", f'os.environ["{name_for(f, "UPPER")}"] = {val}' if not expr else f"{name_for(f, 'snake')} = {val}",
                        f'config["{name_for(f, "snake")}"] = {val}', f"settings.{name_for(f, 'UPPER')} = {val}"])]
    if ctx == "js":
        val = v if expr else r.pick([f'"{v}"', f"'{v}'", f"`{v}`"])
        return [r.pick([f"const {name_for(f, 'camel')} = {val};", f"export const {name_for(f, 'UPPER')} = {val};", f"  {name_for(f, 'camel')}: {val},",
                        f"process.env.{name_for(f, 'UPPER')} = {val};" if not expr else f"let {name_for(f, 'camel')} = {val};", f"config.{name_for(f, 'camel')} = {val};"])]
    if ctx == "go":
        val = v if expr else f'"{v}"' if r.chance(0.8) else f"`{v}`"
        return [r.pick([f"const {name_for(f, 'camel')} = {val}", f"\t{name_for(f, 'pascal')}: {val},", f"{name_for(f, 'camel')} := {val}",
                        f'os.Setenv("{name_for(f, "UPPER")}", {val})', f"var {name_for(f, 'pascal')} = {val}"])]
    if ctx == "ini":
        return [f"{name_for(f, r.pick(['snake', 'snake', 'dot', 'camel']))}{r.pick([' = ', '=', ': '])}{v}"]
    if ctx == "properties":
        return [f"{name_for(f, r.pick(['dot', 'dot', 'kebab', 'camel']))}{r.pick(['=', ' = ', ': '])}{v}"]
    if ctx == "toml":
        return [f"{name_for(f, r.pick(['snake', 'snake', 'kebab']))} = {q(r, v, allow_none=False) if not v.startswith('[') else v}"]
    if ctx == "tf":
        return [f'  {name_for(f, "snake")} = {v if expr else chr(34) + v + chr(34)}']
    if ctx == "xml":
        nm = name_for(f, r.pick(["pascal", "camel"]))
        return [r.pick([f"    <{nm}>{v}</{nm}>", f'    <add key="{nm}" value="{v}" />', f'    <property name="{name_for(f, "dot")}" value="{v}"/>'])]
    if ctx == "npmrc":
        return [f"{name_for(f, 'snake')}={v}"]
    # yaml-likes rendered inline
    st = r.pick(["snake", "camel", "UPPER", "kebab"])
    return [f"{name_for(f, st)}: {v if expr else r.pick([v, chr(34) + v + chr(34), chr(39) + v + chr(39)])}"]


def yaml_scalar(r: Rng, v, expr: bool = False) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if expr or v.startswith("!vault"):
        return v
    if any(c in v for c in ":#{}[],&*!|>'\"%@`") or v[:1] in "-?" or v.lower() in ("yes", "no", "true", "false", "null", "on", "off"):
        return json.dumps(v) if r.chance(0.7) or "'" in v else f"'{v}'"
    return r.pick([v, v, json.dumps(v), f"'{v}'"])


# --------------------------------------------------------------------------------------------
# Filler text
# --------------------------------------------------------------------------------------------

PROSE = [
    "This runbook describes how to rotate the service credentials after an incident.",
    "Run the steps below from the bastion host; the CI runner does not have network access to the database.",
    "If the health check fails twice in a row, page the on-call engineer before retrying.",
    "The bot reconnects automatically when the exchange drops the websocket; no action is needed.",
    "Credentials are stored in the secret manager and injected at deploy time.",
    "Do not paste tokens into tickets or chat; use the vault path instead.",
    "After rotation, restart the workers so they pick up the new environment.",
    "Metrics are exported to the observability stack every 15 seconds.",
    "The release gate scans docs, reports and logs before every tag.",
    "Open an incident in the tracker and link the affected dashboards.",
    "Make sure the migration finished before switching traffic to the new pool.",
    "The staging cluster mirrors production but uses separate accounts and keys.",
    "Rollback is a redeploy of the previous image tag; the database schema is backward compatible.",
]

LOG_MSGS = [
    "request completed method=GET path=/api/v1/orders status=200 duration_ms={n}",
    "worker heartbeat queue=default active={n} reserved=0",
    "order book snapshot received symbol=BTCUSDT depth=50 seq={n}",
    "retrying request attempt={n} backoff_ms=250",
    "cache miss key=user:{n}:profile",
    "scheduled job finished job=reconcile_balances rows={n}",
    "websocket reconnected exchange=bybit latency_ms={n}",
    "GET /healthz 200 {n}ms",
    "position updated symbol=ETHUSDT size=0.{n} side=long",
    "flushed {n} events to sink=s3",
]


def filler_log(r: Rng) -> str:
    return f"{ts(r)} {level(r)} [{r.pick(['api', 'worker', 'bot', 'scheduler', 'ingest'])}] " + r.pick(LOG_MSGS).format(n=r.between(1, 999))


# --------------------------------------------------------------------------------------------
# File writers, one per context
# --------------------------------------------------------------------------------------------


def frag_ok(f: Frag, ctx: str) -> bool:
    if f.ctxs is not None:
        return ctx in f.ctxs
    if f.kind == "block":
        return ctx in ("env", "sh", "yaml", "helm", "k8s", "json", "jsonl", "log", "md", "py", "js", "tf", "toml")
    if f.kind == "header":
        return ctx in ("sh", "gha", "md", "log", "py", "js", "go", "json", "jsonl", "yaml")
    if f.kind == "line":
        return ctx in CMD_CTX
    return True


def write_env(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(r.pick(["# service environment", "# generated by deploy/render-env.sh", "# local overrides", "# bot configuration"]))
    for f in frags:
        if r.chance(0.3):
            doc.add(f"{r.pick(['LOG_LEVEL', 'PORT', 'REGION', 'WORKERS', 'TZ', 'FEATURE_FLAGS'])}={r.pick(['info', '8080', 'eu-west-1', '4', 'UTC', 'orders,ledger'])}")
        if f.kind == "block":
            name = name_for(f, "UPPER")
            if r.chance(0.5):
                lines = f.value.split("\n")
                lines[0] = f'{name}="' + lines[0]
                lines[-1] = lines[-1] + '"'
                doc.add(lines, f.label)
            else:
                doc.add(f'{name}="' + f.value.replace("\n", "\\n") + '"', f.label)
            continue
        doc.add(render_kv_line(r, "env", f), f.label)


def write_sh(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(["#!/usr/bin/env bash", "set -euo pipefail", ""])
    for f in frags:
        if r.chance(0.3):
            doc.add(r.pick(["echo \"deploying ${SERVICE:-orders}\"", "cd \"$(dirname \"$0\")/..\"", "kubectl rollout status deploy/orders -n prod", "sleep 5", "# wait for the load balancer"]))
        if f.kind == "kv":
            doc.add(render_kv_line(r, "sh", f), f.label)
        elif f.kind == "header":
            doc.add(header_lines(r, "sh", f.header, f.value), f.label)
        elif f.kind == "line":
            doc.add(f.value, f.label)
        else:
            fn = r.pick(["deploy.pem", "id_ed25519", "signing.key", "key.asc"])
            lines = [f"cat > /tmp/{fn} <<'EOF'", *f.value.split("\n"), "EOF"]
            doc.add(lines, f.label, (1, len(lines) - 2))
    doc.add(["", "echo done"])


def write_log(r: Rng, doc: Doc, frags: list[Frag]):
    for f in frags:
        for _ in range(r.between(0, 3)):
            doc.add(filler_log(r))
        pre = f"{ts(r)} {level(r)} [{r.pick(['api', 'worker', 'bot', 'deploy', 'ci'])}] " if r.chance(0.85) else ""
        if f.kind == "kv":
            doc.add(pre + render_kv_line(r, "log", f)[0], f.label)
        elif f.kind == "header":
            hl = header_lines(r, "log", f.header, f.value)
            doc.add(pre + hl[0], f.label)
        elif f.kind == "line":
            doc.add(pre + r.pick(["executing: ", "+ ", "cmd=", ""]) + f.value, f.label)
        else:
            lines = [pre + r.pick(["loaded key material:", "DEBUG dump of key file:", "read file contents:"]), *f.value.split("\n")]
            doc.add(lines, f.label, (1, len(lines) - 1))
    for _ in range(r.between(1, 4)):
        doc.add(filler_log(r))


def write_jsonl(r: Rng, doc: Doc, frags: list[Frag]):
    def base():
        return {"ts": ts(r), "level": level(r).lower(), "logger": r.pick(["app.http", "bot.exchange", "worker", "deploy"]), "request_id": r.uuid() if r.chance(0.6) else None}

    for f in frags:
        for _ in range(r.between(0, 2)):
            doc.add(json.dumps({**base(), "msg": r.pick(LOG_MSGS).format(n=r.between(1, 999))}))
        o = base()
        if f.kind == "kv":
            v, _ = kv_value(f, "json")
            name = name_for(f, r.pick(["snake", "camel", "UPPER"]))
            roll = r.random()
            if f.cmd and roll < 0.25:
                o["msg"] = f.cmd(r, v)
            elif roll < 0.5:
                o["msg"] = "loaded configuration"
                o["config"] = {name: v, "timeout_s": r.between(1, 60)}
            elif roll < 0.75:  # JSON escaped inside a string field
                o["msg"] = "outgoing request"
                o["body"] = json.dumps({name: v, "symbol": "BTCUSDT"} if r.chance(0.5) else {"auth": {name: v}})
            else:
                o["msg"] = f"env {name}={v}"
        elif f.kind == "header":
            o["msg"] = "http request"
            o["headers"] = {f.header: f.value, "Accept": "application/json"}
            if r.chance(0.3):
                o["headers"] = json.dumps(o["headers"])
        elif f.kind == "line":
            o["msg"] = f.value
        else:
            o["msg"] = "key material loaded"
            o["key"] = f.value
        doc.add(json.dumps({k: v for k, v in o.items() if v is not None}), f.label)


# Structured documents (JSON / YAML) ------------------------------------------------------


class Tag:
    """A leaf whose line carries a label. `block` leaves are multi-line in YAML."""

    def __init__(self, value, label, expr=False):
        self.value = value
        self.label = label
        self.expr = expr


def emit_json(doc: Doc, obj, indent: int = 2):
    pad = " " * indent
    out: list[tuple[str, Optional[dict]]] = []

    def rec(o, depth, prefix, comma):
        p = pad * depth
        if isinstance(o, dict):
            if not o:
                out.append((f"{p}{prefix}{{}}{comma}", None))
                return
            out.append((f"{p}{prefix}{{", None))
            items = list(o.items())
            for i, (k, v) in enumerate(items):
                rec(v, depth + 1, json.dumps(k) + ": ", "," if i < len(items) - 1 else "")
            out.append((f"{p}}}{comma}", None))
        elif isinstance(o, list):
            if not o:
                out.append((f"{p}{prefix}[]{comma}", None))
                return
            out.append((f"{p}{prefix}[", None))
            for i, v in enumerate(o):
                rec(v, depth + 1, "", "," if i < len(o) - 1 else "")
            out.append((f"{p}]{comma}", None))
        elif isinstance(o, Tag):
            out.append((f"{p}{prefix}{json.dumps(o.value)}{comma}", o.label))
        else:
            out.append((f"{p}{prefix}{json.dumps(o)}{comma}", None))

    rec(obj, 0, "", "")
    for text, label in out:
        doc.add(text, label)


def emit_yaml(r: Rng, doc: Doc, obj, depth: int = 0, ind: int = 2):
    p = " " * (ind * depth)
    for k, v in obj.items():
        if isinstance(v, dict):
            doc.add(f"{p}{k}:")
            emit_yaml(r, doc, v, depth + 1, ind)
        elif isinstance(v, list):
            doc.add(f"{p}{k}:")
            for item in v:
                if isinstance(item, dict):
                    first = True
                    for kk, vv in item.items():
                        lead = f"{p}{' ' * ind}- " if first else f"{p}{' ' * ind}  "
                        first = False
                        if isinstance(vv, Tag):
                            doc.add(f"{lead}{kk}: {yaml_scalar(r, vv.value, vv.expr)}", vv.label)
                        else:
                            doc.add(f"{lead}{kk}: {yaml_scalar(r, vv)}")
                else:
                    doc.add(f"{p}{' ' * ind}- {yaml_scalar(r, item)}")
        elif isinstance(v, Tag):
            if "\n" in v.value and not v.value.startswith("!vault"):
                lines = [f"{p}{k}: |"] + [f"{p}{' ' * ind}{ln}" for ln in v.value.split("\n")]
                doc.add(lines, v.label, (1, len(lines) - 1))
            elif v.value.startswith("!vault"):
                lines = f"{p}{k}: {v.value}".split("\n")
                doc.add(lines, v.label)
            else:
                doc.add(f"{p}{k}: {yaml_scalar(r, v.value, v.expr)}", v.label)
        else:
            doc.add(f"{p}{k}: {yaml_scalar(r, v)}")


def tree_insert(r: Rng, tree: dict, f: Frag, st: str, ctx: str, nest_vendor: bool = True):
    """Puts a kv fragment into a nested mapping, sometimes under its vendor's section."""
    v, expr = kv_value(f, ctx)
    n = f.name or Name([], ["value"])
    vendor = list(n.vendor)
    if vendor and nest_vendor and r.chance(0.5):
        sect = tree.setdefault(style(vendor, "snake" if st != "camel" else "camel"), {})
        if not isinstance(sect, dict):
            sect = tree.setdefault(style(vendor, "snake") + "_cfg", {})
        key = style(n.key, st if st != "UPPER" else "snake")
        while key in sect:
            key += "_2"
        sect[key] = Tag(v, f.label, expr)
    else:
        key = style(n.prefix + vendor + n.key, st)
        while key in tree:
            key += "_2"
        tree[key] = Tag(v, f.label, expr)


def write_json_report(r: Rng, doc: Doc, frags: list[Frag]):
    st = r.pick(["snake", "camel"])
    rep = {
        "schema": r.pick(["acme/evidence/v2", "release-evidence/1"]),
        "run_id": r.uuid(),
        "generated_at": ts(r),
        "commit": r.hex(40),
        "pipeline": {"id": r.between(10000, 99999), "ref": r.pick(["main", "release/2025.06", "v4.2.0"]), "runner": r.pick(["gha-ubuntu-22", "gitlab-runner-7"])},
        "checks": [],
        "environment": {},
        "artifacts": [{"path": f"dist/{r.pick(['app', 'cli', 'worker'])}-{r.between(1, 5)}.{r.between(0, 9)}.{r.between(0, 9)}.tar.gz", "sha256": r.hex(64), "size": r.between(10_000, 9_000_000)}],
    }
    for f in frags:
        if f.kind == "kv":
            if r.chance(0.5):
                tree_insert(r, rep["environment"], f, st if r.chance(0.5) else "UPPER", "json")
            else:
                check = {"name": r.pick(["smoke", "db-migrate", "exchange-connectivity", "webhook-delivery", "auth"]), "status": r.pick(["pass", "fail"]), "evidence": {}}
                v, _ = kv_value(f, "json")
                if f.cmd and r.chance(0.3):
                    check["evidence"]["command"] = Tag(f.cmd(r, v), f.label)
                elif r.chance(0.3):
                    check["evidence"]["request_body"] = Tag(json.dumps({name_for(f, st): v, "dry_run": True}), f.label)
                else:
                    tree_insert(r, check["evidence"], f, st, "json", nest_vendor=False)
                rep["checks"].append(check)
        elif f.kind == "header":
            rep["checks"].append({"name": "http-probe", "status": "pass", "request": {"method": "GET", "url": f"https://{r.pick(HOSTS)}/status", "headers": {f.header: Tag(f.value, f.label), "Accept": "application/json"}}})
        elif f.kind == "line":
            rep["checks"].append({"name": "ci-step", "status": "pass", "log": ["$ make deploy", Tag(f.value, f.label), "exit 0"]})
        else:
            rep["checks"].append({"name": "key-load", "status": "fail", "evidence": {name_for(f, "snake"): Tag(f.value, f.label)}})
    emit_json(doc, rep)


def write_yaml_config(r: Rng, doc: Doc, frags: list[Frag]):
    st = r.pick(["snake", "camel", "snake"])
    cfg: dict = {"service": {"name": r.pick(["orders", "trading-bot", "ingest", "billing"]), "port": r.pick([8080, 9000, 3000]), "log_level": "info"}}
    if r.chance(0.5):
        cfg["exchanges"] = {}
    for f in frags:
        if f.kind == "kv":
            n = f.name
            if "exchanges" in cfg and n and n.vendor and f.label and f.label.get("family") == "exchange" and r.chance(0.6):
                vendor = style(list(n.vendor), "snake")
                sect = cfg["exchanges"].setdefault(vendor, {"testnet": False} if r.chance(0.5) else {})
                k = style(n.key, st)
                v, expr = kv_value(f, "yaml")
                sect[k if k not in sect else k + "_2"] = Tag(v, f.label, expr)
            else:
                target = cfg.setdefault(r.pick(["secrets", "credentials", "integrations", "database", "auth"]), {})
                tree_insert(r, target, f, st, "yaml")
        elif f.kind == "header":
            cfg.setdefault("http", {}).setdefault("default_headers", {})[f.header] = Tag(f.value, f.label)
        elif f.kind == "block":
            cfg.setdefault("tls", {})[name_for(f, "snake")] = Tag(f.value, f.label)
        else:
            cfg.setdefault("hooks", {})[f"step_{len(cfg.get('hooks', {}))}"] = Tag(f.value, f.label)
    doc.add(f"# {r.pick(['application config', 'bot settings', 'service configuration'])}")
    emit_yaml(r, doc, cfg)


def write_k8s(r: Rng, doc: Doc, frags: list[Frag]):
    app = r.pick(["orders", "bybit-bot", "ingest", "billing", "notifier"])
    doc.add(["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {app}", f"  namespace: {r.pick(['prod', 'trading', 'default'])}", "spec:", f"  replicas: {r.between(1, 4)}",
             "  template:", "    spec:", "      containers:", f"        - name: {app}", f"          image: ghcr.io/acme/{app}@sha256:{r.hex(64)}", "          env:"])
    rest: list[Frag] = []
    for f in frags:
        if f.kind != "kv":
            rest.append(f)
            continue
        v, expr = kv_value(f, "yaml")
        name = name_for(f, "UPPER")
        if r.chance(0.12):
            doc.add([f"            - name: {name}", "              valueFrom:", "                secretKeyRef:", f"                  name: {app}-secrets", f"                  key: {name.lower()}"])
        doc.add([f"            - name: {name}", f"              value: {yaml_scalar(r, v, expr) if not v.isdigit() else json.dumps(v)}"], f.label)
    if r.chance(0.5):
        doc.add(["            - name: LOG_LEVEL", "              value: info"])
    if rest:
        doc.add(["---", "apiVersion: v1", "kind: Secret", "metadata:", f"  name: {app}-extra", "type: Opaque", "stringData:"])
        for f in rest:
            key = r.pick(["tls.key", "config.txt", "notes", "curl.sh", "signing.key"])
            if f.kind == "block":
                lines = [f"  {key}: |"] + ["    " + ln for ln in f.value.split("\n")]
                doc.add(lines, f.label, (1, len(lines) - 1))
            elif f.kind == "header":
                doc.add(f"  {f.header.lower()}: {json.dumps(f.value)}", f.label)
            else:
                doc.add(f"  {key}: {json.dumps(f.value)}", f.label)


def write_sealed(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(["apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "metadata:", f"  name: {r.pick(['orders', 'bot'])}-secrets", "  namespace: prod", "spec:", "  encryptedData:"])
    for f in frags:
        doc.add(f"    {name_for(f, r.pick(['UPPER', 'snake']))}: {f.value}", f.label)


def write_helm(r: Rng, doc: Doc, frags: list[Frag]):
    st = "camel"
    vals: dict = {"image": {"repository": f"ghcr.io/acme/{r.pick(['orders', 'bot'])}", "tag": f"{r.between(1, 4)}.{r.between(0, 20)}.{r.between(0, 9)}"}, "replicaCount": r.between(1, 3)}
    for f in frags:
        if f.kind == "kv":
            tree_insert(r, vals.setdefault(r.pick(["secrets", "config", "env", "externalServices"]), {}), f, r.pick([st, "UPPER"]), "helm")
        elif f.kind == "block":
            vals.setdefault("tls", {})[name_for(f, "camel")] = Tag(f.value, f.label)
        elif f.kind == "header":
            vals.setdefault("probe", {}).setdefault("httpHeaders", []).append({"name": f.header, "value": Tag(f.value, f.label)})
        else:
            vals.setdefault("hooks", {})[f"preInstall{len(vals.get('hooks', {}))}"] = Tag(f.value, f.label)
    doc.add("# Default values for the chart.")
    emit_yaml(r, doc, vals)


def write_gha(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add([f"name: {r.pick(['deploy', 'release', 'nightly', 'bot-deploy'])}", "on:", "  push:", "    branches: [main]", "  workflow_dispatch: {}", "", "env:"])
    envs = [f for f in frags if f.kind == "kv"]
    runs = [f for f in frags if f.kind != "kv"]
    doc.add(f"  REGISTRY: ghcr.io/acme")
    for f in envs:
        v, expr = kv_value(f, "gha")
        doc.add(f"  {name_for(f, 'UPPER')}: {yaml_scalar(r, v, expr)}", f.label)
    doc.add(["", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    steps:", f"      - uses: actions/checkout@{r.hex(40)} # v4", "      - name: deploy", "        run: |"])
    doc.add("          set -euo pipefail")
    for f in runs:
        if f.kind == "header":
            doc.add("          " + header_lines(r, "gha", f.header, f.value)[0], f.label)
        elif f.kind == "line":
            doc.add("          " + f.value, f.label)
        else:
            lines = ["          cat > key.pem <<'EOF'"] + ["          " + ln for ln in f.value.split("\n")] + ["          EOF"]
            doc.add(lines, f.label, (1, len(lines) - 2))
    doc.add("          ./scripts/deploy.sh")


def write_compose(r: Rng, doc: Doc, frags: list[Frag]):
    svc = r.pick(["api", "bot", "worker", "grafana", "postgres"])
    doc.add(["services:", f"  {svc}:", f"    image: {r.pick(['postgres:16.3-alpine', 'redis:7.2.5', 'ghcr.io/acme/bot:2.4.1', 'grafana/grafana:11.1.0'])}", "    restart: unless-stopped"])
    listy = r.chance(0.5)
    doc.add("    environment:")
    for f in frags:
        v, expr = kv_value(f, "compose")
        if listy:
            doc.add(f"      - {name_for(f, 'UPPER')}={v}", f.label)
        else:
            doc.add(f"      {name_for(f, 'UPPER')}: {yaml_scalar(r, v, expr)}", f.label)
    doc.add(["    ports:", f"      - \"{r.pick(['8080:8080', '5432:5432', '3000:3000'])}\""])


def write_code(r: Rng, doc: Doc, frags: list[Frag], lang: str):
    if lang == "py":
        doc.add(["import os", "import requests", "", ""])
    elif lang == "js":
        doc.add([r.pick(["import axios from 'axios';", "const axios = require('axios');"]), ""])
    else:
        doc.add(["package config", "", "import (", '\t"net/http"', '\t"os"', ")", ""])
    for f in frags:
        if r.chance(0.3):
            doc.add(r.pick({"py": ["TIMEOUT = 30", "# retry policy", "log = logging.getLogger(__name__)"], "js": ["const TIMEOUT_MS = 30000;", "// retry policy"], "go": ["const timeout = 30", "// retry policy"]}[lang]))
        if f.kind == "kv":
            v, expr = kv_value(f, lang)
            if lang == "py" and not expr and r.chance(0.25):
                key = name_for(f, "snake")
                lines = ["SETTINGS = {", f'    "{key}": "{v}",', '    "timeout": 30,', "}"]
                doc.add(lines, f.label, (1, 1))
            elif lang == "js" and not expr and r.chance(0.25):
                lines = ["const client = new Client({", f"  {name_for(f, 'camel')}: '{v}',", "  retries: 3,", "});"]
                doc.add(lines, f.label, (1, 1))
            elif lang == "go" and not expr and r.chance(0.25):
                lines = ["var cfg = Config{", f'\t{name_for(f, "pascal")}: "{v}",', "\tTimeout: 30,", "}"]
                doc.add(lines, f.label, (1, 1))
            else:
                doc.add(render_kv_line(r, lang, f), f.label)
        elif f.kind == "header":
            doc.add(header_lines(r, lang, f.header, f.value), f.label)
        elif f.kind == "line":
            doc.add(f.value, f.label)
        elif f.kind == "block":
            name = name_for(f, "UPPER")
            if lang == "py":
                lines = [f'{name} = """' + f.value.split("\n")[0], *f.value.split("\n")[1:-1], f.value.split("\n")[-1] + '"""']
            elif lang == "js":
                lines = [f"const {name} = `" + f.value.split("\n")[0], *f.value.split("\n")[1:-1], f.value.split("\n")[-1] + "`;"]
            else:
                lines = [f"const {name_for(f, 'camel')} = `" + f.value.split("\n")[0], *f.value.split("\n")[1:-1], f.value.split("\n")[-1] + "`"]
            doc.add(lines, f.label)


def write_ini(r: Rng, doc: Doc, frags: list[Frag]):
    sections: dict[str, list[Frag]] = {}
    for f in frags:
        n = f.name
        sect = style(list(n.vendor), "snake") if n and n.vendor and r.chance(0.6) else r.pick(["default", "database", "auth", "service", "credentials"])
        sections.setdefault(sect, []).append(f)
    for sect, fs in sections.items():
        doc.add(f"[{sect}]")
        for f in fs:
            if f.name and f.name.vendor and sect == style(list(f.name.vendor), "snake"):
                v, _ = kv_value(f, "ini")
                doc.add(f"{style(f.name.key, r.pick(['snake', 'snake', 'dot']))}{r.pick([' = ', '=', ': '])}{v}", f.label)
            else:
                doc.add(render_kv_line(r, "ini", f), f.label)
        doc.blank()


def write_toml(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add([f"[{r.pick(['app', 'service', 'bot'])}]", f'name = "{r.pick(["orders", "mm-bot", "ingest"])}"', ""])
    for f in frags:
        if f.kind == "block":
            doc.add([f"{name_for(f, 'snake')} = '''"] + f.value.split("\n") + ["'''"], f.label, (0, len(f.value.split("\n"))))
            continue
        n = f.name
        if n and n.vendor and r.chance(0.5):
            v, _ = kv_value(f, "toml")
            doc.add(f"[{style(list(n.vendor), 'snake')}]")
            doc.add(f"{style(n.key, 'snake')} = {json.dumps(v)}", f.label)
        else:
            doc.add(render_kv_line(r, "toml", f), f.label)


def write_properties(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(["# Spring Boot application properties", f"spring.application.name={r.pick(['orders', 'billing'])}", "server.port=8080"])
    for f in frags:
        doc.add(render_kv_line(r, "properties", f), f.label)


def write_xml(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"])
    for f in frags:
        doc.add(render_kv_line(r, "xml", f), f.label)
    doc.add(["  </appSettings>", "</configuration>"])


def write_tf(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add(['terraform {', '  required_version = ">= 1.6"', "}", ""])
    for f in frags:
        if f.kind == "line":
            doc.add(['credentials "app.terraform.io" {', f.value, "}"], f.label, (1, 1))
            continue
        if f.kind == "block":
            body = f.value.split("\n")
            doc.add([f'resource "tls_locally_signed_cert" "{r.pick(["main", "bot"])}" {{', f"  {name_for(f, 'snake')} = <<-EOT", *["    " + b for b in body], "  EOT", "}"], f.label, (2, 1 + len(body)))
            continue
        res = r.pick(["acme_service", "kubernetes_secret", "vault_generic_secret", "aws_ssm_parameter"])
        lines = [f'resource "{res}" "{r.pick(["main", "bot", "orders"])}" {{', f'  name = "{r.pick(["prod", "bot"])}"']
        body = render_kv_line(r, "tf", f)
        doc.add(lines)
        doc.add(body, f.label)
        doc.add(["}", ""])


def write_md(r: Rng, doc: Doc, frags: list[Frag]):
    doc.add([f"# {r.pick(['Runbook: rotate exchange keys', 'Incident 4711 postmortem', 'Deploying the trading bot', 'Onboarding: local setup', 'Database failover', 'CI secrets migration'])}", ""])
    i = 0
    while i < len(frags):
        doc.add([r.pick(PROSE), ""])
        chunk = frags[i : i + r.between(1, 3)]
        i += len(chunk)
        mode = r.pick(["env", "sh", "yaml", "json", "inline", "table", "log", "py"])
        if any(f.kind == "block" for f in chunk):
            mode = r.pick(["block", "yaml"])
        if any(f.kind in ("line", "header") for f in chunk) and mode not in ("sh", "log", "block"):
            mode = r.pick(["sh", "log"])
        if mode == "inline":
            for f in chunk:
                v, expr = kv_value(f, "env")
                doc.add(f"- Set `{name_for(f, 'UPPER')}={v}` {r.pick(['before starting the bot.', 'in the staging env.', '(temporary, rotate after the demo).', 'on the runner.'])}", f.label)
            doc.blank()
            continue
        if mode == "table":
            doc.add(["| Variable | Value | Notes |", "|---|---|---|"])
            for f in chunk:
                v, _ = kv_value(f, "env")
                doc.add(f"| `{name_for(f, 'UPPER')}` | `{v}` | {r.pick(['prod', 'staging', 'rotated weekly', ''])} |", f.label)
            doc.blank()
            continue
        fence = {"env": "dotenv", "sh": "bash", "yaml": "yaml", "json": "json", "log": "text", "py": "python", "block": ""}[mode]
        doc.add("```" + fence)
        sub = Doc(doc.path, mode)
        if mode == "env":
            write_env(r, sub, chunk)
        elif mode == "sh":
            for f in chunk:
                if f.kind == "kv":
                    sub.add(render_kv_line(r, "sh", f), f.label)
                elif f.kind == "header":
                    sub.add(header_lines(r, "md", f.header, f.value), f.label)
                elif f.kind == "line":
                    sub.add(("$ " if r.chance(0.4) else "") + f.value, f.label)
                else:
                    sub.add(f.value, f.label)
        elif mode == "yaml":
            tree: dict = {}
            for f in chunk:
                if f.kind == "block":
                    tree[name_for(f, "snake")] = Tag(f.value, f.label)
                else:
                    tree_insert(r, tree, f, r.pick(["snake", "camel"]), "yaml")
            emit_yaml(r, sub, tree)
        elif mode == "json":
            tree = {}
            for f in chunk:
                tree_insert(r, tree, f, r.pick(["snake", "camel"]), "json")
            emit_json(sub, tree)
        elif mode == "log":
            write_log(r, sub, chunk)
        elif mode == "py":
            for f in chunk:
                sub.add(render_kv_line(r, "py", f), f.label)
        else:
            for f in chunk:
                if f.kind == "kv":
                    sub.add(render_kv_line(r, "env", f), f.label)
                elif f.kind == "header":
                    sub.add(header_lines(r, "md", f.header, f.value), f.label)
                else:
                    sub.add(f.value, f.label)
        base = len(doc.lines)
        doc.lines.extend(sub.lines)
        doc.marks.extend((a + base, b + base, lab) for a, b, lab in sub.marks)
        doc.add(["```", ""])


# --------------------------------------------------------------------------------------------
# Special files
# --------------------------------------------------------------------------------------------


def special_files(r: Rng, out: "Corpus"):
    # key files
    for i in range(r.between(5, 8)):
        prov, text, secret = private_key(r)
        ext = {"rsa": "pem", "pkcs8": "key", "ec": "pem", "openssh": "", "pgp": "asc", "age": "txt"}[prov]
        name = {"openssh": f"keys/id_ed25519_{i}", "age": f"keys/age-{i}.txt"}.get(prov, f"keys/{r.pick(['server', 'deploy', 'signing', 'client'])}-{i}.{ext}")
        d = out.doc(name, "key")
        if prov == "age":
            d.add(text.split("\n"), pos("private-key", prov, secret), (2, 2))
        else:
            d.add(text.split("\n"), pos("private-key", prov, secret))
    # GCP service accounts (JSON-escaped PEM)
    for i in range(r.between(2, 4)):
        proj = r.pick(["acme-prod-31337", "acme-data", "ml-platform-77"])
        sa, key = gcp_service_account(r, proj)
        d = out.doc(f"deploy/gcp/{proj}-sa-{i}.json", "json")
        # The key file as a whole is the credential: its label spans the object, so a finding on
        # any of its lines (the opening brace, the private_key line) counts.
        emit_json(d, sa)
        d.marks.append((0, len(d.lines) - 1, pos("private-key", "gcp-sa", key)))
    # Coinbase CDP key file (PEM inside JSON)
    for i in range(r.between(1, 2)):
        kname = f"organizations/{r.uuid()}/apiKeys/{r.uuid()}"
        key = pem("EC PRIVATE KEY", ec_sec1_der(r)) + "\n"
        d = out.doc(f"secrets/cdp_api_key_{i}.json", "json")
        emit_json(d, {"name": Tag(kname, pos("exchange", "coinbase", kname)), "privateKey": Tag(key, pos("exchange", "coinbase", key))})
    # base64 PEM in a k8s TLS secret
    for i in range(r.between(1, 3)):
        prov, text, secret = private_key(r)
        if prov in ("age", "pgp"):
            continue
        b = base64.b64encode((text + "\n").encode()).decode()
        d = out.doc(f"deploy/k8s/tls-secret-{i}.yaml", "yaml")
        d.add(["apiVersion: v1", "kind: Secret", "metadata:", f"  name: ingress-tls-{i}", "type: kubernetes.io/tls", "data:", f"  tls.crt: {base64.b64encode(b'-----BEGIN CERTIFICATE-----' + bytes(r.s(400, B64), 'ascii') + b'-----END CERTIFICATE-----').decode()}"], neg("public-key"), (6, 6))
        d.add(f"  tls.key: {b}", pos("private-key", prov + "-b64", b))
    # credential files
    d = out.doc(f"ops/aws/credentials", "ini")
    for prof in r.sample(["default", "prod", "staging", "ci"], r.between(2, 3)):
        d.add(f"[{prof}]")
        kid, sec = aws_key_id(r), aws_secret(r)
        d.add(f"aws_access_key_id = {kid}", pos("aws", "aws-key-id", kid))
        d.add(f"aws_secret_access_key = {sec}", pos("aws", "aws-secret", sec))
        d.add(f"region = {r.pick(['eu-west-1', 'us-east-1'])}")
        d.blank()
    d = out.doc("ops/aws/new_user_credentials.csv", "csv")
    d.add("User name,Password,Access key ID,Secret access key,Console login link")
    for _ in range(r.between(1, 3)):
        kid, sec = aws_key_id(r), aws_secret(r)
        d.add(f"{r.pick(['deploy-bot', 'ci-runner', 'backup'])},,{kid},{sec},https://123456789012.signin.aws.amazon.com/console", pos("aws", "aws-pair", sec))
    d = out.doc(".npmrc", "npmrc")
    t = crc32_token(r, "npm_")
    d.add(["registry=https://registry.npmjs.org/", "@acme:registry=https://npm.pkg.github.com/"])
    d.add(f"//registry.npmjs.org/:_authToken={t}", pos("npm", "npm", t))
    gh = crc32_token(r, "ghp_")
    d.add(f"//npm.pkg.github.com/:_authToken={gh}", pos("github", "github", gh))
    d.add("//npm.internal.acme.io/:_authToken=${NPM_INTERNAL_TOKEN}", neg("env-ref"))
    d = out.doc("ops/.pypirc", "ini")
    t = pypi_token(r)
    d.add(["[distutils]", "index-servers =", "    pypi", "", "[pypi]", "username = __token__"])
    d.add(f"password = {t}", pos("pypi", "pypi", t))
    d = out.doc("ops/netrc", "netrc")
    pw = password(r, url_safe=True)
    d.add(["machine git.internal.acme.io", "  login deploy"])
    d.add(f"  password {pw}", pos("generic", "netrc", pw))
    wk = r.hex(40)
    d.add(f"machine api.wandb.ai login user password {wk}", pos("mlops", "wandb", wk))
    d = out.doc("ops/docker/config.json", "json")
    auths = {}
    for host in r.sample(["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com", "acme.azurecr.io"], 2):
        b = base64.b64encode(f"{r.pick(['acmeci', 'deploy'])}:{password(r, url_safe=True)}".encode()).decode()
        auths[host] = {"auth": Tag(b, pos("generic", "docker-auth", b))}
    emit_json(d, {"auths": auths, "credsStore": "desktop" if r.chance(0.3) else "", "HttpHeaders": {"User-Agent": "Docker-Client/24.0.7 (linux)"}})
    d = out.doc("ops/gem/credentials", "yaml")
    t = "rubygems_" + r.hex(48)
    d.add("---")
    d.add(f":rubygems_api_key: {t}", pos("rubygems", "rubygems", t))
    # vault init output
    d = out.doc("docs/incidents/vault-init-output.txt", "log")
    for i in range(1, 6):
        k = r.b64(32)
        d.add(f"Unseal Key {i}: {k}", pos("vault", "vault-unseal", k))
    d.blank()
    rt = "hvs." + r.s(24)
    d.add(f"Initial Root Token: {rt}", pos("vault", "vault-token", rt))
    d.add(["", "Vault initialized with 5 key shares and a key threshold of 3."])
    # lock files (negatives)
    d = out.doc("web/package-lock.json", "json")
    pk = {"": {"name": "web", "version": "1.4.0"}}
    for i in range(r.between(8, 15)):
        nm = r.pick(["lodash", "react", "axios", "zod", "vite", "esbuild", "chalk", "debug", "ms", "semver", "tslib", "rxjs"]) + ("" if i < 6 else f"-{i}")
        pk[f"node_modules/{nm}"] = {"version": f"{r.between(1, 9)}.{r.between(0, 20)}.{r.between(0, 9)}", "resolved": f"https://registry.npmjs.org/{nm}/-/{nm}-1.0.0.tgz",
                                    "integrity": Tag("sha512-" + r.b64(64), neg("lockfile-integrity"))}
    emit_json(d, {"name": "web", "version": "1.4.0", "lockfileVersion": 3, "requires": True, "packages": pk})
    d = out.doc("web/yarn.lock", "lock")
    d.add(["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""])
    for nm in r.sample(["lodash", "react", "axios", "zod", "chalk", "debug", "ms", "semver"], 5):
        d.add([f'{nm}@^1.0.0:', '  version "1.0.3"', f'  resolved "https://registry.yarnpkg.com/{nm}/-/{nm}-1.0.3.tgz#{r.hex(40)}"'])
        d.add(f"  integrity sha512-{r.b64(64)}", neg("lockfile-integrity"))
        d.blank()
    d = out.doc("Cargo.lock", "lock")
    d.add(["# This file is automatically @generated by Cargo.", "version = 4", ""])
    for nm in r.sample(["serde", "regex", "memchr", "rayon", "clap", "sha2", "toml"], 5):
        d.add(["[[package]]", f'name = "{nm}"', f'version = "1.{r.between(0, 40)}.{r.between(0, 9)}"', 'source = "registry+https://github.com/rust-lang/crates.io-index"'])
        d.add(f'checksum = "{r.hex(64)}"', neg("lockfile-integrity"))
        d.blank()
    d = out.doc("go.sum", "lock")
    for nm in r.sample(["github.com/spf13/cobra", "golang.org/x/crypto", "github.com/stretchr/testify", "go.uber.org/zap"], 3):
        d.add(f"{nm} v1.{r.between(0, 9)}.{r.between(0, 9)} h1:{r.b64(32)}", neg("lockfile-integrity"))
        d.add(f"{nm} v1.{r.between(0, 9)}.{r.between(0, 9)}/go.mod h1:{r.b64(32)}", neg("lockfile-integrity"))
    d = out.doc("requirements.lock.txt", "lock")
    for nm in r.sample(["requests", "urllib3", "certifi", "idna", "charset-normalizer"], 3):
        d.add(f"{nm}==2.{r.between(0, 32)}.{r.between(0, 9)} \\")
        d.add(f"    --hash=sha256:{r.hex(64)}", neg("lockfile-integrity"))
    # CSS with colors
    d = out.doc("web/src/theme.css", "css")
    for sel in [":root", ".btn-primary", ".alert", ".token-badge", ".secret-field"]:
        d.add(f"{sel} {{")
        d.add(f"  color: #{r.hex(6)};", neg("css-color"))
        d.add(f"  background-color: #{r.hex(6)};", neg("css-color"))
        d.add(f"  --accent-key: #{r.hex(8)};", neg("css-color"))
        d.add("}")
    # ansible vault and sealed secrets
    d = out.doc("deploy/ansible/group_vars/prod.yml", "yaml")
    d.add(["---", "app_port: 8080"])
    for _ in range(r.between(2, 3)):
        f = neg_encrypted(r)
        while "ansible" not in (f.ctxs or set()):
            f = neg_encrypted(r)
        lines = f"{name_for(f, 'snake')}: {f.value}".split("\n")
        d.add(lines, f.label)
    d = out.doc("deploy/k8s/sealed-secrets.yaml", "yaml")
    fr = []
    for _ in range(r.between(2, 4)):
        f = neg_encrypted(r)
        while "sealed" not in (f.ctxs or set()):
            f = neg_encrypted(r)
        fr.append(f)
    write_sealed(r, d, fr)


# --------------------------------------------------------------------------------------------
# Corpus assembly
# --------------------------------------------------------------------------------------------

CONTEXTS = [
    # (weight, ctx, path template, writer)
    (5, "env", ["{svc}/.env", ".env.{env}", "config/{svc}.env", "deploy/{env}/{svc}.env", "bots/{bot}/.env"]),
    (4, "sh", ["scripts/{verb}-{svc}.sh", "ops/{verb}.sh", "bin/{verb}_{svc}"]),
    (7, "md", ["docs/runbooks/{svc}-{verb}.md", "docs/{svc}.md", "docs/incidents/{n}-{svc}.md", "docs/onboarding/{verb}.md", "README.{svc}.md"]),
    (5, "json", ["reports/evidence/{svc}-{n}.json", "reports/{env}/release-{n}.json", "reports/security/scan-{n}.json"]),
    (4, "jsonl", ["logs/{svc}-{n}.jsonl", "data/{svc}/logs/{svc}.{n}.jsonl", "reports/{svc}-events.jsonl"]),
    (5, "log", ["logs/{svc}.log", "data/{svc}/logs/{verb}-{n}.log", "logs/ci/{n}.log", "logs/bot-{bot}.log"]),
    (3, "gha", [".github/workflows/{verb}-{svc}.yml"]),
    (3, "k8s", ["deploy/k8s/{svc}-deployment.yaml", "k8s/{env}/{svc}.yaml"]),
    (3, "helm", ["charts/{svc}/values.yaml", "charts/{svc}/values-{env}.yaml"]),
    (3, "yaml", ["config/{svc}.yaml", "bots/{bot}/config.yml", "config/{env}/settings.yaml"]),
    (2, "compose", ["docker-compose.{svc}.yml", "deploy/compose/{env}.yml"]),
    (3, "py", ["src/{svc}/settings.py", "bots/{bot}/config.py", "scripts/{verb}_{svc}.py"]),
    (2, "js", ["web/src/{svc}.config.js", "web/src/lib/{svc}.ts", "services/{svc}/index.js"]),
    (2, "go", ["internal/config/{svc}.go", "cmd/{svc}/main.go"]),
    (2, "ini", ["config/{svc}.ini", "config/{svc}.cfg", "{svc}/setup.cfg"]),
    (2, "toml", ["config/{svc}.toml", "bots/{bot}/settings.toml"]),
    (1, "properties", ["src/main/resources/application-{env}.properties"]),
    (1, "xml", ["src/{svc}/Web.{env}.config", "src/{svc}/App.config"]),
    (1, "tf", ["infra/{svc}.tf", "infra/{env}/main.tf"]),
]

WRITERS = {
    "env": write_env, "sh": write_sh, "md": write_md, "json": write_json_report, "jsonl": write_jsonl, "log": write_log, "gha": write_gha, "k8s": write_k8s,
    "helm": write_helm, "yaml": write_yaml_config, "compose": write_compose, "ini": write_ini, "toml": write_toml, "properties": write_properties, "xml": write_xml, "tf": write_tf,
    "py": lambda r, d, f: write_code(r, d, f, "py"), "js": lambda r, d, f: write_code(r, d, f, "js"), "go": lambda r, d, f: write_code(r, d, f, "go"),
}


class Corpus:
    def __init__(self, r: Rng):
        self.r = r
        self.docs: dict[str, Doc] = {}

    def doc(self, path: str, ctx: str) -> Doc:
        head, _, fname = path.rpartition("/")
        stem, dot, ext = fname.rpartition(".")
        p = path
        i = 2
        while p in self.docs:
            if not stem or not dot:  # .env, Makefile-like names: .env.2
                cand = f"{fname}.{i}"
            else:
                cand = f"{stem}-{i}.{ext}"
            p = f"{head}/{cand}" if head else cand
            i += 1
        d = Doc(p, ctx)
        self.docs[p] = d
        return d


def fill_path(r: Rng, tmpl: str) -> str:
    return tmpl.format(
        svc=r.pick(["orders", "billing", "ingest", "notifier", "ledger", "pricing", "auth", "gateway", "reports", "trading"]),
        env=r.pick(["prod", "staging", "dev", "local", "production"]),
        verb=r.pick(["deploy", "rotate", "backup", "restore", "bootstrap", "migrate", "sync", "setup", "release"]),
        n=r.between(1, 9999),
        bot=r.pick(["mm1", "arb2", "grid3", "hedge", "scalper", "dca"]),
    )


def generate(seed: int, files: int) -> Corpus:
    r = Rng(seed)
    corpus = Corpus(r)
    table = provider_table()
    fams = list(table)
    fweights = [table[f][0] for f in fams]
    nweights = [w for w, _ in NEGATIVES]
    ctx_weights = [w for w, _, _ in CONTEXTS]
    for _ in range(files):
        w, ctx, paths = r.choices(CONTEXTS, ctx_weights)[0]
        frags: list[Frag] = []
        want_pos = r.between(2, 6)
        tries = 0
        while sum(1 for f in frags if f.label and f.label["kind"] == "positive") < want_pos and tries < 60:
            tries += 1
            fam = r.choices(fams, fweights)[0]
            new = table[fam][1](r)
            new = [f for f in new if frag_ok(f, ctx)]
            frags.extend(new)
        for _ in range(r.between(2, 7)):
            for _t in range(10):
                f = r.choices([g for _, g in NEGATIVES], nweights)[0](r)
                if frag_ok(f, ctx) and (f.expr is None or ctx in f.expr or ctx in ("env", "yaml", "helm", "gha", "compose", "k8s", "json", "jsonl", "md", "log", "ini", "toml", "properties", "xml")):
                    frags.append(f)
                    break
        r.shuffle(frags)
        doc = corpus.doc(fill_path(r, r.pick(paths)), ctx)
        WRITERS[ctx](r, doc, frags)
    special_files(r, corpus)
    return corpus


def resolve_cols(line_text: str, secret: str) -> tuple[Optional[int], Optional[int]]:
    if "\n" in secret:
        return None, None
    i = line_text.find(secret)
    if i < 0:
        return None, None
    return i + 1, i + 1 + len(secret)


def write_corpus(corpus: Corpus, out: str) -> dict:
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    labels = []
    stats = {"files": 0, "bytes": 0, "lines": 0, "positives": 0, "negatives": 0, "families": {}, "neg_kinds": {}}
    for path, d in sorted(corpus.docs.items()):
        full = os.path.join(out, "corpus", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        text = d.text()
        with open(full, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        stats["files"] += 1
        stats["bytes"] += len(text.encode())
        stats["lines"] += len(d.lines)
        for a, b, lab in sorted(d.marks, key=lambda m: m[0]):
            rec = {"kind": lab["kind"], "path": path, "line": a + 1, "end_line": b + 1, "ctx": d.ctx}
            if lab["kind"] == "positive":
                secret = lab["secret"]
                # find the line holding the secret's first characters (for masking)
                first = secret.split("\n")[0]
                c0 = c1 = None
                for li in range(a, b + 1):
                    c0, c1 = resolve_cols(d.lines[li], first)
                    if c0:
                        rec["secret_line"] = li + 1
                        break
                rec.update({"family": lab["family"], "provider": lab["provider"], "secret_sha256": sha256_hex(secret), "secret_len": len(secret)})
                if c0 and "\n" not in secret:
                    rec["col"], rec["end_col"] = c0, c1
                stats["positives"] += 1
                stats["families"][lab["family"]] = stats["families"].get(lab["family"], 0) + 1
            else:
                rec["neg_kind"] = lab["neg_kind"]
                stats["negatives"] += 1
                stats["neg_kinds"][lab["neg_kind"]] = stats["neg_kinds"].get(lab["neg_kind"], 0) + 1
            labels.append(rec)
    with open(os.path.join(out, "labels.jsonl"), "w", encoding="utf-8") as fh:
        for rec in labels:
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
    return stats


def check_overlaps(corpus: Corpus):
    """Every labelled line carries one label: no positive shares a line with another label."""
    for path, d in corpus.docs.items():
        seen: dict[int, dict] = {}
        for a, b, lab in d.marks:
            for li in range(a, b + 1):
                if li in seen:
                    raise SystemExit(f"internal error: overlapping labels at {path}:{li + 1}")
                seen[li] = lab


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output directory (replaced); files go to OUT/corpus, labels to OUT/labels.jsonl")
    ap.add_argument("--files", type=int, default=520, help="number of generated context files (plus fixed special files)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    corpus = generate(a.seed, a.files)
    check_overlaps(corpus)
    stats = write_corpus(corpus, a.out)
    meta = {"seed": a.seed, "files_arg": a.files, **stats}
    with open(os.path.join(a.out, "corpus.json"), "w") as fh:
        json.dump(meta, fh, indent=2, sort_keys=True)
    if not a.quiet:
        print(f"corpus: {a.out}/corpus  seed={a.seed}  files={stats['files']}  lines={stats['lines']}  bytes={stats['bytes']}  "
              f"positives={stats['positives']} ({len(stats['families'])} families)  negatives={stats['negatives']} ({len(stats['neg_kinds'])} kinds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
