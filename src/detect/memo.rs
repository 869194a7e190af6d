//! What recent matches resolved to, so a match repeated through a buffer is resolved once.
//!
//! Finding a match is a pass of the rule's lazy DFA; resolving it (the capture groups, then the
//! validators on the secret) is a bounded backtracking search over the match, which for the
//! generic assignment rules costs several times the finding: the lazy name prefix and the
//! case-insensitive keyword alternation are tried at every offset. Logs and config trees repeat
//! the same assignments (`JWT_SECRET=changeme` in every environment file, a placeholder on every
//! request line), so each thread keeps a small direct-mapped table from a match to its resolution.
//!
//! The resolution of a match depends on its bytes and on the bytes its look-arounds can see just
//! outside it (`^`, `$`, `\b` look one byte beyond each end, and whether there is one), which is
//! exactly the key: the captures come from an anchored search over the match's span (as the
//! regex engine itself does after finding it), and the validators see only the secret's bytes.

use std::ops::Range;

/// Slots in the table (a power of two).
const SLOTS: usize = 1024;
/// Longer matches are resolved every time (rarely repeated, and costly to key).
pub const MAX_KEY: usize = 512;

/// A match's resolution: its secret group relative to the match start (`None`: the group did
/// not participate), and the validator that rejected the secret, if one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub secret: Option<(u32, u32)>,
    pub rejected: Option<&'static str>,
}

/// A per-thread table of recent resolutions, keyed by rule and match (see the module docs), for
/// one scanner at a time (`clear` when the scratch serves another).
pub struct Memo {
    slots: Vec<Slot>,
    key: Vec<u8>,
}

#[derive(Default)]
struct Slot {
    rule: usize,
    key: Vec<u8>,
    /// `None`: the slot is empty.
    value: Option<Resolved>,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            slots: Vec::new(),
            key: Vec::with_capacity(MAX_KEY + 4),
        }
    }
}

impl Memo {
    /// Forgets every entry (the rules are another scanner's).
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// The resolution of match `m` of rule `rule` in `buf`, from the table or from `resolve`
    /// (then stored).
    pub fn resolve(
        &mut self,
        rule: usize,
        buf: &[u8],
        m: Range<usize>,
        resolve: impl FnOnce() -> Resolved,
    ) -> Resolved {
        if m.len() > MAX_KEY {
            return resolve();
        }
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, Slot::default);
        }
        self.key.clear();
        let edge = |at: Option<u8>| match at {
            Some(b) => [1, b],
            None => [0, 0],
        };
        let before = m.start.checked_sub(1).map(|i| buf[i]);
        self.key.extend_from_slice(&edge(before));
        self.key.extend_from_slice(&edge(buf.get(m.end).copied()));
        self.key.extend_from_slice(&buf[m]);
        let slot = &mut self.slots[hash(rule, &self.key) as usize & (SLOTS - 1)];
        if slot.rule == rule
            && slot.key == self.key
            && let Some(v) = slot.value
        {
            return v;
        }
        let v = resolve();
        slot.rule = rule;
        slot.key.clear();
        slot.key.extend_from_slice(&self.key);
        slot.value = Some(v);
        v
    }
}

/// A fast non-cryptographic hash (collisions only cost a miss: entries are compared whole).
fn hash(rule: usize, key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (rule as u64).wrapping_mul(K);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(n: u32) -> Resolved {
        Resolved {
            secret: Some((n, n + 1)),
            rejected: None,
        }
    }

    #[test]
    fn a_repeated_match_is_resolved_once_and_context_counts() {
        let mut memo = Memo::default();
        let buf = b"x key=abc\nx key=abc\nxkey=abc";
        let mut calls = 0;
        let mut get = |memo: &mut Memo, rule, m: Range<usize>| {
            memo.resolve(rule, buf, m, || {
                calls += 1;
                resolved(calls)
            })
        };
        let first = get(&mut memo, 0, 2..9);
        // The same bytes with the same neighbours: from the table.
        assert_eq!(get(&mut memo, 0, 12..19), first);
        // Another rule, another byte before it: resolved again.
        assert_ne!(get(&mut memo, 1, 12..19), first);
        assert_ne!(get(&mut memo, 0, 21..28), first);
        // At the end of the buffer there is no byte after it.
        let end = get(&mut memo, 0, buf.len() - 3..buf.len());
        assert_ne!(get(&mut memo, 0, 6..9), end);
        // Cleared (another scanner's rules): resolved again.
        memo.clear();
        assert_ne!(get(&mut memo, 0, 12..19), first);
        assert_eq!(calls, 6);
    }

    #[test]
    fn long_matches_are_not_kept() {
        let mut memo = Memo::default();
        let buf = vec![b'a'; MAX_KEY * 2];
        let mut calls = 0;
        for _ in 0..2 {
            memo.resolve(0, &buf, 0..MAX_KEY + 1, || {
                calls += 1;
                resolved(0)
            });
        }
        assert_eq!(calls, 2);
    }
}
