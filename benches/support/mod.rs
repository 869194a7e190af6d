//! Deterministic, realistic log text for the micro-benchmarks (no files, no corpus needed).
//!
//! The text mirrors `tools/bench/gen_corpus.py`: JSON-lines and plain-text application logs and
//! CI logs with timestamps, request ids, UUIDs, hex digests, base64 payloads, stack traces, and the
//! words that select rules in real logs (`token`, `key`, `auth`, `secret`, `password`, `--flag`),
//! in references, placeholders and masked values that are not leaks. Secrets are synthetic values
//! in provider formats, built at run time (this file holds no secret-shaped literal).
#![allow(dead_code)]

use base64::Engine as _;

pub const MIB: usize = 1 << 20;

/// xorshift64*: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub fn hex(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        for _ in 0..bytes {
            s.push_str(&format!("{:02x}", self.next() as u8));
        }
        s
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    pub fn from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| *self.pick(alphabet) as char)
            .collect::<String>()
    }
    pub fn uuid(&mut self) -> String {
        let h = self.hex(16);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..]
        )
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const SERVICES: &[&str] = &[
    "checkout",
    "orders",
    "billing",
    "auth-gateway",
    "inventory",
    "search",
    "notifier",
    "ledger",
];
const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/payments",
    "/api/v2/search",
    "/healthz",
    "/oauth/token",
    "/api/v1/tokens/refresh",
    "/metrics",
];
const MESSAGES: &[&str] = &[
    "request completed",
    "cache miss for key user:4412:cart",
    "token refreshed for session",
    "auth ok via oauth2",
    "retrying upstream call",
    "api_key=${API_KEY} resolved from vault",
    "password=******** (masked)",
    "secret rotation skipped: not due",
    "authorization header redacted: Bearer [REDACTED]",
    "tokens_used=1532 model=large",
];
const FRAMES: &[&str] = &[
    "com.acme.orders.OrderService.place(OrderService.java:212)",
    "com.acme.orders.web.OrderController.create(OrderController.java:88)",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
];

fn b64(rng: &mut Rng, n: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(rng.bytes(n))
}

fn ts(i: usize) -> String {
    format!(
        "2024-05-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + (i / 86_400_000) % 28,
        (i / 3_600_000) % 24,
        (i / 60_000) % 60,
        (i / 1000) % 60,
        i % 1000
    )
}

/// One log record (possibly several lines) in one of three styles.
pub fn record(rng: &mut Rng, i: usize) -> String {
    let t = ts(i * 37);
    match rng.below(10) {
        0..=3 => format!(
            "{{\"ts\":\"{t}\",\"level\":\"info\",\"service\":\"{}\",\"trace_id\":\"{}\",\"request_id\":\"{}\",\"msg\":\"request completed\",\"path\":\"{}\",\"status\":200,\"latency_ms\":{}.{}}}\n",
            rng.pick(SERVICES),
            rng.hex(16),
            rng.uuid(),
            rng.pick(PATHS),
            rng.below(300),
            rng.below(100)
        ),
        4 => format!(
            "{{\"ts\":\"{t}\",\"level\":\"debug\",\"msg\":\"event published\",\"payload\":\"{}\",\"checksum\":\"sha256:{}\"}}\n",
            {
                let n = 48 + rng.below(200) as usize;
                b64(rng, n)
            },
            rng.hex(32)
        ),
        5..=6 => format!(
            "{t} INFO  [http-nio-8080-exec-{}] c.a.{}.RequestLog - GET {} status=200 duration_ms={} request_id={} user_id={}\n",
            rng.below(200),
            rng.pick(SERVICES),
            rng.pick(PATHS),
            rng.below(900),
            rng.uuid(),
            rng.below(1_000_000)
        ),
        7 => format!(
            "{t} INFO  [{}] {} trace={}\n",
            rng.pick(SERVICES),
            rng.pick(MESSAGES),
            rng.hex(16)
        ),
        8 => format!(
            "{t} env: CI=true GITHUB_SHA={} GITHUB_TOKEN=*** NPM_TOKEN=${{{{ secrets.NPM_TOKEN }}}} --token-file /run/secrets/token\n{t} Digest: sha256:{}\n",
            rng.hex(20),
            rng.hex(32)
        ),
        _ => {
            let mut s = format!(
                "{t} ERROR [http-nio-8080-exec-{}] c.a.orders.ErrorHandler - request failed\njava.lang.NullPointerException: order is null\n",
                rng.below(200)
            );
            for _ in 0..4 {
                s.push_str("\tat ");
                s.push_str(FRAMES[rng.below(FRAMES.len() as u64) as usize]);
                s.push('\n');
            }
            s
        }
    }
}

/// A synthetic secret line of kind `k` (0..7), in a real provider format.
pub fn secret_line(rng: &mut Rng, k: usize, i: usize) -> String {
    let t = ts(i * 37);
    match k % 7 {
        0 => {
            let body = rng.from(ALNUM, 30);
            let sum = leakgate::detect::checksum::base62(crc32fast::hash(body.as_bytes()), 6);
            format!("{t} INFO  env: GITHUB_TOKEN=gh{}{body}{sum}\n", "p_")
        }
        1 => format!(
            "{t} DEBUG boto: aws_access_key_id=AK{}{} aws_secret_access_key={}\n",
            "IA",
            rng.from(B32, 16),
            rng.from(ALNUM, 38) + "a1"
        ),
        2 => format!(
            "{t} WARN  notify: token=xo{}{}-{}-{}\n",
            "xb-",
            rng.below(1_000_000_000_000),
            rng.below(10_000_000_000_000),
            rng.from(ALNUM, 22) + "a1"
        ),
        3 => format!(
            "{t} ERROR payments: key sk_{}{}\n",
            "live_",
            rng.from(ALNUM, 97) + "A1"
        ),
        4 => {
            let body = b64(rng, 600);
            let lines: Vec<&str> = body
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!(
                "{t} ERROR tls: bad key\n-----BEGIN RSA {}-----\n{}\n-----END RSA {}-----\n",
                "PRIVATE KEY",
                lines.join("\n"),
                "PRIVATE KEY"
            )
        }
        5 => format!(
            "{t} DEBUG alerts: POST https://api.telegram.org/bot{}:AA{}/sendMessage\n",
            1_000_000_000 + rng.below(7_000_000_000),
            rng.from(ALNUM, 31) + "a1"
        ),
        _ => format!(
            "{t} INFO  startup: API_SECRET={} LOG_LEVEL=info\n",
            rng.from(ALNUM, 38) + "Z9"
        ),
    }
}

/// About `size` bytes of log text; with `secrets_per_mib` > 0, that many planted secrets per MiB
/// at evenly spread positions. Returns the text and how many secrets were planted.
pub fn log_text(size: usize, secrets_per_mib: usize, seed: u64) -> (Vec<u8>, usize) {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(size + 4096);
    let every = MIB.checked_div(secrets_per_mib).unwrap_or(usize::MAX);
    let mut next_secret = every / 2;
    let mut planted = 0;
    let mut i = 0;
    while out.len() < size {
        if out.len() >= next_secret {
            out.push_str(&secret_line(&mut rng, planted, i));
            planted += 1;
            next_secret = next_secret.saturating_add(every);
        } else {
            out.push_str(&record(&mut rng, i));
        }
        i += 1;
    }
    (out.into_bytes(), planted)
}

/// Values the entropy judge sees in practice: random tokens, UUIDs, hex digests, identifiers,
/// paths, versions, words, repeated characters.
pub fn judge_inputs() -> Vec<Vec<u8>> {
    let mut rng = Rng::new(7);
    let mut v: Vec<Vec<u8>> = Vec::new();
    for _ in 0..16 {
        v.push(rng.from(ALNUM, 32).into_bytes());
        v.push(rng.uuid().into_bytes());
        v.push(rng.hex(20).into_bytes());
        v.push(b64(&mut rng, 30).into_bytes());
    }
    for s in [
        "/run/secrets/token",
        "get_api_key_from_vault",
        "SessionTokenProvider",
        "1.24.3-beta.2",
        "changeme-please",
        "aaaaaaaaaaaaaaaa",
        "abcdefghijklmnop",
        "qwertyuiopasdfgh",
        "https://auth.example.org/oauth/token",
        "primary-deploy-key",
        "user:4412:cart",
        "correct-horse-battery-staple",
    ] {
        v.push(s.as_bytes().to_vec());
    }
    v
}
