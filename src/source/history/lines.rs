//! Which lines of a blob are new: the history scan reads every unique blob, but a blob that is
//! the next version of a file mostly repeats lines its previous version already had, and those
//! lines' secrets were found (and attributed) at the earlier commit. So, in commit order, each
//! path remembers the hashes of its last version's lines, and a new version is reduced to its new
//! lines plus [`CONTEXT`] lines around them (for multi-line matches: PEM blocks, `name:`/`value:`
//! pairs, `leakgate:allow-next-line`). Regions are joined with a separator line that no secret
//! pattern crosses, and a [`LineMap`] maps the reduced buffer's lines back to the blob's.
//!
//! Memory is bounded by the lines of the latest version of each path (one `u64` per line), not
//! by the history. This module sees secret bytes only to hash them.

use std::collections::HashMap;

/// Unchanged lines kept on each side of a new line.
pub const CONTEXT: usize = 4;
/// Between two kept regions: a line no secret pattern matches across.
const SEPARATOR: &[u8] = b"\x00\n";

/// The last version's line hashes of every path seen so far, each path's sorted and without
/// repeats (8 bytes a distinct line: a hash set took about twice that).
#[derive(Default)]
pub struct LineMemory {
    paths: HashMap<String, Box<[u64]>>,
}

/// What of a blob needs scanning.
#[derive(Debug, PartialEq, Eq)]
pub enum Reduced {
    /// The whole blob (a new path, or most lines changed).
    Whole,
    /// Nothing: every line is in the previous version.
    Nothing,
    /// Only these lines (with context), mapped back by the map.
    Part(Vec<u8>, LineMap),
}

/// Maps 1-based lines of a reduced buffer to lines of the original blob.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    /// (first reduced line, first original line) of each region, in order.
    regions: Vec<(usize, usize)>,
}

impl LineMap {
    pub fn original(&self, reduced_line: usize) -> usize {
        let i = self
            .regions
            .partition_point(|&(r, _)| r <= reduced_line)
            .saturating_sub(1);
        match self.regions.get(i) {
            Some(&(r, o)) => o + (reduced_line - r.min(reduced_line)),
            None => reduced_line,
        }
    }
}

impl LineMemory {
    /// Records `text` as the latest version of `path` and says what of it is new.
    pub fn reduce(&mut self, path: &str, text: &[u8]) -> Reduced {
        let lines = split_lines(text);
        let hashes: Vec<u64> = lines.iter().map(|l| hash(&text[l.clone()])).collect();
        let previous = self.paths.get(path);
        let new: Vec<bool> = hashes
            .iter()
            .map(|h| previous.is_none_or(|p| p.binary_search(h).is_err()))
            .collect();
        let mut set = hashes;
        set.sort_unstable();
        set.dedup();
        let set = set.into_boxed_slice();
        match self.paths.get_mut(path) {
            Some(slot) => *slot = set,
            None => {
                self.paths.insert(path.to_string(), set);
            }
        }
        let new_count = new.iter().filter(|&&n| n).count();
        if new_count == 0 {
            return Reduced::Nothing;
        }
        if new_count * 2 > lines.len() {
            return Reduced::Whole;
        }
        // Keep each new line and CONTEXT lines around it.
        let mut keep = vec![false; lines.len()];
        for (i, _) in new.iter().enumerate().filter(|(_, n)| **n) {
            let from = i.saturating_sub(CONTEXT);
            let to = (i + CONTEXT + 1).min(lines.len());
            keep[from..to].iter_mut().for_each(|k| *k = true);
        }
        let mut buf = Vec::new();
        let mut map = LineMap::default();
        let mut reduced_line = 1;
        let mut i = 0;
        while i < lines.len() {
            if !keep[i] {
                i += 1;
                continue;
            }
            if !map.regions.is_empty() {
                buf.extend_from_slice(SEPARATOR);
                reduced_line += 1;
            }
            map.regions.push((reduced_line, i + 1));
            while i < lines.len() && keep[i] {
                let l = &text[lines[i].clone()];
                buf.extend_from_slice(l);
                if !l.ends_with(b"\n") {
                    buf.push(b'\n');
                }
                reduced_line += 1;
                i += 1;
            }
        }
        Reduced::Part(buf, map)
    }
}

/// Byte ranges of the lines of `text`, each with its `\n`.
fn split_lines(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text) {
        out.push(start..nl + 1);
        start = nl + 1;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// A fast 64-bit hash of a line (8 bytes per step, multiply-rotate mixing).
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = bytes.len() as u64 ^ 0x2545_F491_4F6C_DD1D;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn a_new_path_is_scanned_whole_and_an_unchanged_one_not_at_all() {
        let mut m = LineMemory::default();
        let text = numbered(50);
        assert_eq!(m.reduce("a.txt", text.as_bytes()), Reduced::Whole);
        assert_eq!(m.reduce("a.txt", text.as_bytes()), Reduced::Nothing);
        // Another path has its own memory.
        assert_eq!(m.reduce("b.txt", text.as_bytes()), Reduced::Whole);
    }

    #[test]
    fn a_changed_line_is_kept_with_context_and_mapped_back() {
        let mut m = LineMemory::default();
        m.reduce("a.txt", numbered(100).as_bytes());
        let changed = numbered(100)
            .replace("line 30\n", "line 30 changed\n")
            .replace("line 90\n", "line 90 changed\n");
        let Reduced::Part(buf, map) = m.reduce("a.txt", changed.as_bytes()) else {
            panic!("expected a part");
        };
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // 9 lines around line 30, the separator, 9 lines around line 90.
        assert_eq!(lines.len(), 2 * (2 * CONTEXT + 1) + 1);
        assert_eq!(lines[CONTEXT], "line 30 changed");
        assert_eq!(map.original(CONTEXT + 1), 30);
        assert_eq!(lines[2 * CONTEXT + 1], "\x00");
        let second = 2 * CONTEXT + 2 + CONTEXT + 1;
        assert_eq!(lines[second - 1], "line 90 changed");
        assert_eq!(map.original(second), 90);
    }

    #[test]
    fn hashes_differ_for_different_lines() {
        assert_ne!(hash(b"abc\n"), hash(b"abd\n"));
        assert_ne!(hash(b""), hash(b"\0"));
        assert_eq!(hash(b"same line\n"), hash(b"same line\n"));
    }
}
