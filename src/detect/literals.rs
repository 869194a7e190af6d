//! The prefilter's literal search: every occurrence of every keyword and anchor, ASCII
//! case-insensitively, overlapping ones included.
//!
//! Each literal of 4 bytes or more is found by one 4-byte window of it: its rarest in ordinary
//! text, by a table of the commonest grams of code, docs and logs (`classify::grams`, made by
//! `tools/grams/common_grams.py`). `request_token` is keyed on `t_to`, not on `requ`, which
//! occurs at every `request` and would cost a comparison there.
//!
//! The pack has a few hundred short literals. A table-driven automaton over them (an Aho-Corasick
//! DFA, a megabyte of transitions) spends most of a scan of ordinary text on cache misses.
//! Instead, at each position this search folds the ASCII case of the next four bytes and hashes
//! them into a bitmap of the literals' first four bytes (a 3-byte literal enters once for every
//! byte that can follow it) that fits in the L2 cache. It does so 64 positions at a time without
//! branching (8 at a time with AVX2 gathers where the CPU has them), then compares only the
//! positions whose gram starts a literal, or collides with one, with the literals of their hash
//! bucket. The pack's 38 three-byte literals are most of the bitmap's entries (256 each): at 32 KiB
//! it had 4% of its bits set and a scan of real code compared 90 million positions for 18 million
//! hits; at 128 KiB, 49 million, for 2–4% less CPU time (docs/benchmarks.md, part 5). 2-byte
//! literals are found with `memchr`'s substring search, once per case variant.

use memchr::memmem;

use crate::classify::grams::{COMMON_GRAMS, unescape};

/// Bits of the gram hash: a 128 KiB bitmap.
const HASH_BITS: u32 = 20;
const WORDS: usize = (1 << HASH_BITS) / 64;
/// Lowercases a gram's ASCII letters (and moves a few other bytes by the same bit, which only
/// costs a comparison: the verification is exact).
const FOLD: u32 = 0x2020_2020;
/// Bits of the hash that index the literal buckets (fewer than the bitmap's: a small index).
const BUCKET_BITS: u32 = 14;
/// Positions hashed per branch-free block.
const BLOCK: usize = 64;

/// A multi-literal searcher (see the module documentation).
pub struct Literals {
    /// The literals, lowercase, by id.
    lits: Vec<Box<[u8]>>,
    /// By id: where in the literal the 4-byte window it is keyed on starts (0 for 3 bytes).
    offsets: Box<[u32]>,
    bits: Box<[u64; WORDS]>,
    /// `entries[start[b]..start[b + 1]]` are the (folded key gram, id) of the literals of 3
    /// bytes or more whose key gram's hash is in bucket `b` (its top [`BUCKET_BITS`] bits). The
    /// key gram is the literal's rarest window (`offsets`); a 3-byte literal's, its bytes and
    /// any next byte.
    start: Box<[u32]>,
    entries: Box<[(u32, u32)]>,
    /// 3-byte literals, compared directly at the last three positions of a buffer.
    three: Vec<u32>,
    /// 2-byte literals: every case variant's finder, with the literal's id.
    two: Vec<(memmem::Finder<'static>, u32)>,
    /// Test the bitmap 8 positions at a time with AVX2 gathers (the CPU has them).
    simd: bool,
}

#[inline(always)]
fn hash(gram: u32) -> u32 {
    gram.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)
}

#[inline(always)]
fn bucket(hash: u32) -> usize {
    (hash >> (HASH_BITS - BUCKET_BITS)) as usize
}

#[inline(always)]
fn gram_at(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) | FOLD
}

/// The folded grams of a common-gram table (one per line, `#` comments, commonest first), each
/// with how common it is: the commonest has the highest number. Lines that are not one 4-byte
/// gram are skipped.
fn commonness(table: &str) -> std::collections::HashMap<u32, u32> {
    let grams: Vec<u32> = table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let bytes = unescape(l)?;
            (bytes.len() == 4).then(|| gram_at(&bytes))
        })
        .collect();
    let n = grams.len() as u32;
    let mut out = std::collections::HashMap::with_capacity(grams.len());
    for (i, g) in grams.into_iter().enumerate() {
        out.entry(g).or_insert(n - i as u32);
    }
    out
}

impl Literals {
    /// A searcher for `literals` (any case; ids are their indexes), each at least 2 bytes long.
    pub fn new<T: AsRef<[u8]>>(literals: &[T]) -> Literals {
        static COMMON: std::sync::OnceLock<std::collections::HashMap<u32, u32>> =
            std::sync::OnceLock::new();
        Literals::keyed_by(literals, COMMON.get_or_init(|| commonness(COMMON_GRAMS)))
    }

    /// As [`new`](Self::new), keying each literal of 4 bytes or more on its window that is least
    /// common by `common` (folded gram to commonness; absent grams are the rarest), the first
    /// of equally rare ones.
    fn keyed_by<T: AsRef<[u8]>>(
        literals: &[T],
        common: &std::collections::HashMap<u32, u32>,
    ) -> Literals {
        let lits: Vec<Box<[u8]>> = literals
            .iter()
            .map(|l| l.as_ref().to_ascii_lowercase().into_boxed_slice())
            .collect();
        let mut entries: Vec<(u32, u32)> = Vec::new();
        let mut offsets = vec![0u32; lits.len()];
        let mut three = Vec::new();
        let mut two = Vec::new();
        for (id, lit) in lits.iter().enumerate() {
            let id = id as u32;
            match lit.len() {
                0 | 1 => panic!("a prefilter literal has at least 2 bytes"),
                2 => {
                    for variant in case_variants(lit) {
                        two.push((memmem::Finder::new(&variant).into_owned(), id));
                    }
                }
                3 => {
                    three.push(id);
                    for next in 0..=255u8 {
                        entries.push((gram_at(&[lit[0], lit[1], lit[2], next]), id));
                    }
                }
                _ => {
                    let rarity = |k: &usize| common.get(&gram_at(&lit[*k..])).copied().unwrap_or(0);
                    let k = (0..=lit.len() - 4).min_by_key(rarity).unwrap_or(0);
                    offsets[id as usize] = k as u32;
                    entries.push((gram_at(&lit[k..]), id));
                }
            }
        }
        entries.sort_unstable_by_key(|&(gram, id)| (hash(gram), gram, id));
        entries.dedup();
        let mut bits = Box::new([0u64; WORDS]);
        let mut start = vec![0u32; (1 << BUCKET_BITS) + 1].into_boxed_slice();
        for &(gram, _) in &entries {
            let h = hash(gram);
            bits[h as usize / 64] |= 1 << (h % 64);
            start[bucket(h) + 1] += 1;
        }
        for b in 0..1 << BUCKET_BITS {
            start[b + 1] += start[b];
        }
        Literals {
            lits,
            offsets: offsets.into_boxed_slice(),
            bits,
            start,
            entries: entries.into_boxed_slice(),
            three,
            two,
            simd: simd::available(),
        }
    }

    /// How many literals it searches for.
    pub fn len(&self) -> usize {
        self.lits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lits.is_empty()
    }

    /// Bytes of its tables (for the benchmarks' reports).
    pub fn heap_bytes(&self) -> usize {
        WORDS * 8
            + (self.start.len() + 2 * self.entries.len() + self.offsets.len()) * 4
            + self.lits.iter().map(|l| l.len()).sum::<usize>()
    }

    /// The literal with this id, lowercase.
    pub fn literal(&self, id: usize) -> &[u8] {
        &self.lits[id]
    }

    /// Calls `f(id, start)` for every occurrence of every literal in `hay`, in no particular
    /// order.
    pub fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        let mut at = 0;
        // Whole blocks: a block's grams read up to 3 bytes past it (the vector loads, up to 8).
        while at + BLOCK + 3 <= hay.len() {
            let mut mask;
            if self.simd && at + BLOCK + simd::OVERREAD <= hay.len() {
                mask = simd::block_mask(&self.bits, &hay[at..at + BLOCK + simd::OVERREAD]);
            } else {
                mask = scalar_block_mask(&self.bits, &hay[at..at + BLOCK + 3]);
            }
            while mask != 0 {
                let j = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                self.verify(hay, at + j, &mut f);
            }
            at += BLOCK;
        }
        while at + 4 <= hay.len() {
            let h = hash(gram_at(&hay[at..at + 4]));
            if (self.bits[(h / 64) as usize] >> (h % 64)) & 1 != 0 {
                self.verify(hay, at, &mut f);
            }
            at += 1;
        }
        // Fewer than 4 bytes left: only a 3-byte literal fits, at the first of them.
        if hay.len() >= 3 && at == hay.len() - 3 {
            let rest = &hay[at..];
            for &id in &self.three {
                if rest.eq_ignore_ascii_case(&self.lits[id as usize]) {
                    f(id as usize, at);
                }
            }
        }
        for (finder, id) in &self.two {
            let mut from = 0;
            while let Some(p) = finder.find(&hay[from..]) {
                f(*id as usize, from + p);
                from += p + 1;
            }
        }
    }

    /// Compares the literals of the gram's bucket at `at`: those keyed on the same folded gram,
    /// exactly, where they would start for their key window to be at `at`.
    #[inline(never)]
    fn verify(&self, hay: &[u8], at: usize, f: &mut impl FnMut(usize, usize)) {
        let gram = gram_at(&hay[at..at + 4]);
        let b = bucket(hash(gram));
        for &(g, id) in &self.entries[self.start[b] as usize..self.start[b + 1] as usize] {
            if g != gram {
                continue;
            }
            let Some(start) = at.checked_sub(self.offsets[id as usize] as usize) else {
                continue;
            };
            let lit = &self.lits[id as usize];
            let rest = &hay[start..];
            if rest.len() >= lit.len() && rest[..lit.len()].eq_ignore_ascii_case(lit) {
                f(id as usize, start);
            }
        }
    }
}

/// Bit `j` set when the gram at `block[j..j + 4]` is in the bitmap, for `j` in `0..BLOCK`;
/// `block` holds `BLOCK + 3` bytes or more.
#[inline(always)]
fn scalar_block_mask(bits: &[u64; WORDS], block: &[u8]) -> u64 {
    let block = &block[..BLOCK + 3];
    let mut mask = 0u64;
    for j in 0..BLOCK {
        let h = hash(gram_at(&block[j..j + 4]));
        mask |= ((bits[(h / 64) as usize] >> (h % 64)) & 1) << j;
    }
    mask
}

/// The block loop's bitmap test in vector registers: 8 positions per step, their grams shuffled
/// out of one 16-byte load, hashed with one multiply and tested with one gather from the bitmap.
/// The same hash and bitmap as the scalar loop, so the same mask.
mod simd {
    /// Bytes a block's vector loads read past its first [`BLOCK`](super::BLOCK) positions.
    pub const OVERREAD: usize = 8;

    pub fn available() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// Bit `j` set when the gram at `block[j..j + 4]` is in the bitmap, for `j` in `0..BLOCK`.
    /// Only called when [`available`] said so; `block` holds `BLOCK + OVERREAD` bytes.
    #[cfg(target_arch = "x86_64")]
    pub fn block_mask(bits: &[u64; super::WORDS], block: &[u8]) -> u64 {
        assert!(block.len() >= super::BLOCK + OVERREAD);
        // SAFETY: AVX2 is present (`available`, checked when the searcher was built). The loads
        // read `block[i..i + 16]` for `i` up to `BLOCK - 8`, inside `block` by the assert, and
        // the gather reads `bits` at indexes below `WORDS * 2` (a hash has `HASH_BITS` bits).
        unsafe { block_mask_avx2(bits, block) }
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn block_mask(_: &[u64; super::WORDS], _: &[u8]) -> u64 {
        unreachable!("no vector loop on this architecture")
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn block_mask_avx2(bits: &[u64; super::WORDS], block: &[u8]) -> u64 {
        use std::arch::x86_64::*;
        // Lane `i` of the shuffle takes bytes `i..i + 4` of the 16 (each 128-bit half indexes
        // its own copy of them).
        let grams = _mm256_setr_epi8(
            0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, //
            4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10,
        );
        let fold = _mm256_set1_epi32(super::FOLD as i32);
        let mul = _mm256_set1_epi32(0x9E37_79B1_u32 as i32);
        let low5 = _mm256_set1_epi32(31);
        let table = bits.as_ptr() as *const i32;
        let mut mask = 0u64;
        let mut j = 0;
        while j < super::BLOCK {
            // SAFETY: see `block_mask`.
            let bytes = unsafe { _mm_loadu_si128(block.as_ptr().add(j) as *const __m128i) };
            let g = _mm256_or_si256(
                _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(bytes), grams),
                fold,
            );
            let h =
                _mm256_srli_epi32::<{ 32 - super::HASH_BITS as i32 }>(_mm256_mullo_epi32(g, mul));
            // The bitmap as 32-bit words: word `h / 32`, bit `h % 32` (little-endian, the same
            // bit as `bits[h / 64] >> (h % 64)`).
            // SAFETY: see `block_mask`.
            let words = unsafe { _mm256_i32gather_epi32::<4>(table, _mm256_srli_epi32::<5>(h)) };
            let hit = _mm256_sllv_epi32(words, _mm256_sub_epi32(low5, _mm256_and_si256(h, low5)));
            let m = _mm256_movemask_ps(_mm256_castsi256_ps(hit)) as u8;
            mask |= (m as u64) << j;
            j += 8;
        }
        mask
    }
}

/// Every ASCII case variant of a short lowercase literal.
fn case_variants(lit: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    for &b in lit {
        let mut next = Vec::new();
        for v in &out {
            let mut lower = v.clone();
            lower.push(b);
            next.push(lower);
            if b.is_ascii_lowercase() {
                let mut upper = v.clone();
                upper.push(b.to_ascii_uppercase());
                next.push(upper);
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(lits: &[&str], hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for at in 0..hay.len() {
            for (id, l) in lits.iter().enumerate() {
                let l = l.as_bytes();
                if hay.len() - at >= l.len() && hay[at..at + l.len()].eq_ignore_ascii_case(l) {
                    out.push((id, at));
                }
            }
        }
        out
    }

    fn found(s: &Literals, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        s.for_each(hay, |id, at| out.push((id, at)));
        out.sort_by_key(|&(id, at)| (at, id));
        out
    }

    #[test]
    fn finds_every_overlapping_occurrence_in_any_case() {
        let lits = [
            "--",
            "key",
            "api_key",
            "Token",
            "ke",
            "_k",
            "-----BEGIN",
            "q~",
        ];
        let s = Literals::new(&lits);
        let long = "x".repeat(200) + "API_KEY ---- Q~ token" + &"y".repeat(61) + "key";
        let hays: [&[u8]; 7] = [
            b"API_KEY=1 token TOKEN tok --x ---",
            b"ke",
            b"-",
            b"",
            b"_ke",
            b"-----begin RSA --",
            long.as_bytes(),
        ];
        for hay in hays {
            let want = naive(&lits, hay);
            assert_eq!(found(&s, hay), want, "{:?}", String::from_utf8_lossy(hay));
        }
    }

    #[test]
    fn bytes_that_fold_alike_are_still_told_apart() {
        // `FOLD` maps '@' to '`' and '_' to DEL in the gram; the comparison stays exact.
        let lits = ["`key", "a_b_"];
        let s = Literals::new(&lits);
        assert!(found(&s, b"@KEY a\x7fb\x7f").is_empty());
        assert_eq!(found(&s, b"`KEY A_B_"), vec![(0, 0), (1, 5)]);
    }

    proptest::proptest! {
        /// The vector block test sets the same bits as the scalar one, on any bytes (the case
        /// fold moves non-letters too) and any literals.
        #[test]
        fn the_vector_block_mask_is_the_scalar_one(
            lits in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 2..8), 1..40),
            block in proptest::collection::vec(proptest::num::u8::ANY, BLOCK + simd::OVERREAD),
        ) {
            if simd::available() {
                let s = Literals::new(&lits);
                // Plant a few literals so that hits are not only collisions.
                let mut block = block;
                for (i, l) in lits.iter().enumerate().take(6) {
                    let at = (i * 11) % (BLOCK - 8);
                    block[at..at + l.len()].copy_from_slice(l);
                }
                let want = scalar_block_mask(&s.bits, &block);
                proptest::prop_assert_eq!(simd::block_mask(&s.bits, &block), want);
            }
        }

        /// The same occurrences with and without the vector loop, on haystacks of several blocks.
        #[test]
        fn the_vector_loop_finds_what_the_scalar_loop_finds(
            lits in proptest::collection::vec("[abK_-]{2,6}", 1..12),
            hay in "[abkK_-]{0,400}",
        ) {
            let mut s = Literals::new(&lits);
            let vector = found(&s, hay.as_bytes());
            s.simd = false;
            proptest::prop_assert_eq!(vector, found(&s, hay.as_bytes()));
        }

        /// Few distinct bytes, so literals overlap, share grams and collide in buckets; haystacks
        /// long enough for whole blocks and every tail length.
        #[test]
        fn agrees_with_a_naive_search(
            lits in proptest::collection::vec("[abK_-]{2,6}", 1..12),
            hay in "[abkK_-]{0,150}",
        ) {
            let lits: Vec<&str> = lits.iter().map(String::as_str).collect();
            let s = Literals::new(&lits);
            proptest::prop_assert_eq!(found(&s, hay.as_bytes()), naive(&lits, hay.as_bytes()));
        }

        /// The same when the literals are keyed on windows other than their first: every window
        /// of every literal gets a random commonness, so keys fall anywhere in them, also on
        /// occurrences at the haystack's start and end.
        #[test]
        fn agrees_with_a_naive_search_whatever_window_keys_each_literal(
            lits in proptest::collection::vec("[abK_-]{4,9}", 1..12),
            hay in "[abkK_-]{0,150}",
            seed in proptest::prelude::any::<u32>(),
        ) {
            let lits: Vec<&str> = lits.iter().map(String::as_str).collect();
            let mut common = std::collections::HashMap::new();
            for l in &lits {
                for w in l.as_bytes().windows(4) {
                    let g = gram_at(&w.to_ascii_lowercase());
                    common.entry(g).or_insert(hash(g ^ seed) % 7);
                }
            }
            let s = Literals::keyed_by(&lits, &common);
            proptest::prop_assert_eq!(found(&s, hay.as_bytes()), naive(&lits, hay.as_bytes()));
        }
    }

    #[test]
    fn a_literal_is_keyed_on_its_rarest_window() {
        let s = Literals::new(&["request_token", "-----BEGIN"]);
        assert_eq!(&s.literal(0)[s.offsets[0] as usize..][..4], b"t_to");
        let hay = b"GET /request?x=1 request_token=... REQUEST_TOKEN";
        let mut hits = Vec::new();
        s.for_each(hay, |id, at| hits.push((id, at)));
        assert_eq!(hits, vec![(0, 17), (0, 35)]);
    }

    #[test]
    fn the_common_gram_table_reads_escapes() {
        let c = commonness("# comment\n\\x20\\x20\\x20\\x20\nrequ\n\\n\\tab\nbad\n");
        assert_eq!(c.len(), 3);
        assert!(c[&gram_at(b"    ")] > c[&gram_at(b"requ")]);
        assert!(c.contains_key(&gram_at(b"\n\tab")));
    }
}
