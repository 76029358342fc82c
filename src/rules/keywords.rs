//! The keyword matcher: every lexicon term of every rule in one
//! Aho-Corasick automaton, behind a two-character filter that keeps the
//! automaton away from most of the text.
//!
//! Why not walk a DFA over every byte: with the default rules the term set
//! is a few thousand Chinese and English phrases, and its DFA is about
//! 10 MB. Walking it is one dependent load per byte into a table far larger
//! than the CPU caches: measured, it was the largest single cost of
//! classifying a message, in wall time well above its share of
//! instructions. Most positions of a chat message start no term at all,
//! and that can be told from the two characters there (the first two of
//! every term of two or more characters, hashed into an 8 KB bit set)
//! or the one character there (single-character terms, in a second one).
//! Only at the positions the filter lets through is the automaton walked,
//! anchored: its contiguous form is well under a megabyte, and an anchored
//! walk visits only the states along the term it spells out. The filter's
//! bit set also indexes the exact pairs and the state each leads to, so a
//! hash collision costs one comparison and a walk starts past the root,
//! whose thousands of transitions are the slowest to look up.
//!
//! This is what Hyperscan's FDR and Vectorscan's literal matchers do with
//! hashed windows, minus the SIMD: a cheap, cache-resident test that can
//! only say "maybe" too often, never "no" wrongly, and an exact matcher
//! behind it.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, MatchKind};

/// Bits of the filter's hash: 2^16 bits, 8 KB per set.
const FILTER_BITS: u32 = 16;

/// A set of hashed characters or character pairs; false positives only.
#[derive(Clone, Debug)]
struct HashBits(Box<[u64]>);

impl HashBits {
    fn new() -> Self {
        HashBits(vec![0u64; (1usize << FILTER_BITS) / 64].into_boxed_slice())
    }

    fn insert(&mut self, h: u32) {
        self.0[(h >> 6) as usize] |= 1u64 << (h & 63);
    }
}

/// Hash of one character, `FILTER_BITS` wide (multiplicative hashing: the
/// top bits of the product mix all bits of the code point).
#[inline]
fn hash_one(c: u32) -> u32 {
    c.wrapping_mul(0x9E37_79B1) >> (32 - FILTER_BITS)
}

/// Hash of a pair of characters, `FILTER_BITS` wide.
#[inline]
fn hash_pair(a: u32, b: u32) -> u32 {
    (a.wrapping_mul(0x9E37_79B1) ^ b.wrapping_mul(0x85EB_CA77)).wrapping_mul(0xC2B2_AE35)
        >> (32 - FILTER_BITS)
}

/// Items keyed by a `FILTER_BITS`-wide hash, stored compactly: a bit set
/// says which hashes have items, and the rank of a set bit (the set bits
/// before it) indexes the item lists. The bit set is also the filter, so a
/// position that passes it finds its candidates with no second table walk.
#[derive(Clone, Debug)]
struct HashedLists<T> {
    present: HashBits,
    /// Per 64-bit word of `present`: the set bits in the words before it.
    rank: Box<[u32]>,
    /// Item list `i` is `items[offsets[i]..offsets[i + 1]]`.
    offsets: Box<[u32]>,
    items: Box<[T]>,
}

impl<T: Copy> HashedLists<T> {
    fn new(mut keyed: Vec<(u32, T)>) -> Self {
        keyed.sort_by_key(|&(h, _)| h);
        let mut present = HashBits::new();
        let mut offsets = Vec::new();
        let mut items = Vec::with_capacity(keyed.len());
        let mut last = None;
        for (i, &(h, item)) in keyed.iter().enumerate() {
            if last != Some(h) {
                present.insert(h);
                offsets.push(i as u32);
                last = Some(h);
            }
            items.push(item);
        }
        offsets.push(keyed.len() as u32);
        let mut rank = Vec::with_capacity(present.0.len());
        let mut before = 0u32;
        for word in present.0.iter() {
            rank.push(before);
            before += word.count_ones();
        }
        HashedLists {
            present,
            rank: rank.into_boxed_slice(),
            offsets: offsets.into_boxed_slice(),
            items: items.into_boxed_slice(),
        }
    }

    /// The items whose key hashed to `h` (`h` < 2^FILTER_BITS), usually
    /// none: then only one word of `present` was read.
    #[inline]
    fn get(&self, h: u32) -> &[T] {
        let word_at = (h >> 6) as usize;
        let word = self.present.0[word_at];
        let bit = 1u64 << (h & 63);
        if word & bit == 0 {
            return &[];
        }
        let list = (self.rank[word_at] + (word & (bit - 1)).count_ones()) as usize;
        &self.items[self.offsets[list] as usize..self.offsets[list + 1] as usize]
    }

    #[cfg(test)]
    fn memory_usage(&self) -> usize {
        self.present.0.len() * 8
            + self.rank.len() * 4
            + self.offsets.len() * 4
            + self.items.len() * std::mem::size_of::<T>()
    }
}

/// A pair of characters that starts at least one term, and the
/// automaton's state once it has read them.
#[derive(Clone, Copy, Debug)]
struct PairStart {
    first: u32,
    second: u32,
    /// Bytes of the two characters in UTF-8.
    len: u32,
    state: StateID,
}

/// The one keyword automaton over every lexicon term, with its filter.
#[derive(Clone, Debug)]
pub(crate) struct KeywordMatcher {
    /// Walked anchored from the state its first two characters lead to.
    automaton: contiguous::NFA,
    /// One-character terms: (character, pattern).
    single: HashedLists<(u32, u32)>,
    /// First two characters of the longer terms, with the state they lead
    /// to: the walk starts there instead of at the root, whose transitions
    /// (thousands of first bytes) are the slowest to look up.
    pairs: HashedLists<PairStart>,
}

impl KeywordMatcher {
    /// Builds the matcher over `terms` (already normalized, none empty);
    /// pattern ids are indices into `terms`.
    pub(crate) fn new(terms: &[String]) -> Result<Self, aho_corasick::BuildError> {
        let automaton = contiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(terms)?;
        let root = automaton
            .start_state(Anchored::Yes)
            .expect("an automaton built without anchored-search limits has an anchored start");
        let mut single = Vec::new();
        let mut pairs: Vec<(u32, PairStart)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (pattern, term) in terms.iter().enumerate() {
            let mut chars = term.chars();
            match (chars.next(), chars.next()) {
                (Some(a), Some(b)) => {
                    let (first, second) = (u32::from(a), u32::from(b));
                    let len = a.len_utf8() + b.len_utf8();
                    // Many terms share their first two characters.
                    if seen.insert((first, second)) {
                        let state = term.as_bytes()[..len].iter().fold(root, |sid, &byte| {
                            automaton.next_state(Anchored::Yes, sid, byte)
                        });
                        let start = PairStart {
                            first,
                            second,
                            len: len as u32,
                            state,
                        };
                        pairs.push((hash_pair(first, second), start));
                    }
                }
                (Some(a), None) => {
                    single.push((hash_one(u32::from(a)), (u32::from(a), pattern as u32)))
                }
                (None, _) => {}
            }
        }
        Ok(KeywordMatcher {
            automaton,
            single: HashedLists::new(single),
            pairs: HashedLists::new(pairs),
        })
    }

    /// Heap bytes held.
    #[cfg(test)]
    fn memory_usage(&self) -> usize {
        self.automaton.memory_usage() + self.single.memory_usage() + self.pairs.memory_usage()
    }

    /// Calls `found(pattern, start, end)` for every occurrence of every
    /// term in `haystack`, overlapping ones included, ordered by end
    /// offset and, for one end, longest first (as an unanchored
    /// Aho-Corasick search reports them). `buf` is scratch space.
    #[inline]
    pub(crate) fn for_each_match(
        &self,
        haystack: &str,
        buf: &mut Vec<(u32, u32, u32)>,
        mut found: impl FnMut(usize, usize, usize),
    ) {
        buf.clear();
        let bytes = haystack.as_bytes();
        let mut chars = haystack.char_indices();
        let Some((mut at, first)) = chars.next() else {
            return;
        };
        let mut current = u32::from(first);
        loop {
            let next = chars.next();
            for &(c, pattern) in self.single.get(hash_one(current)) {
                if c == current {
                    let end = at + char_len(current);
                    buf.push((end as u32, at as u32, pattern));
                }
            }
            let Some((i, c)) = next else {
                break;
            };
            let second = u32::from(c);
            for pair in self.pairs.get(hash_pair(current, second)) {
                if pair.first == current && pair.second == second {
                    self.walk_from(bytes, at, pair, buf);
                }
            }
            (at, current) = (i, second);
        }
        // Walks report by start; callers get them by end, then start.
        if buf.len() > 1 {
            buf.sort_unstable_by_key(|&(end, start, _)| (end, start));
        }
        for &(end, start, pattern) in buf.iter() {
            found(pattern as usize, start as usize, end as usize);
        }
    }

    /// Every term of two or more characters that starts at `start` with
    /// `pair`, pushed as (end, start, pattern).
    fn walk_from(
        &self,
        bytes: &[u8],
        start: usize,
        pair: &PairStart,
        buf: &mut Vec<(u32, u32, u32)>,
    ) {
        let aut = &self.automaton;
        let mut sid = pair.state;
        let mut end = start + pair.len as usize;
        loop {
            if aut.is_special(sid) {
                if aut.is_dead(sid) {
                    return;
                }
                if aut.is_match(sid) {
                    for m in 0..aut.match_len(sid) {
                        let pattern = aut.match_pattern(sid, m);
                        // A state's matches also hold the terms that end
                        // here but start later (suffixes); those are found
                        // from their own start.
                        if end - aut.pattern_len(pattern) == start {
                            buf.push((end as u32, start as u32, pattern.as_u32()));
                        }
                    }
                }
            }
            let Some(&b) = bytes.get(end) else {
                return;
            };
            sid = aut.next_state(Anchored::Yes, sid, b);
            end += 1;
        }
    }
}

/// Bytes of the character with code point `c` in UTF-8.
#[inline]
fn char_len(c: u32) -> usize {
    match c {
        0..0x80 => 1,
        0x80..0x800 => 2,
        0x800..0x10000 => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    fn ours(terms: &[String], haystack: &str) -> Vec<(usize, usize, usize)> {
        let m = KeywordMatcher::new(terms).unwrap();
        let mut out = Vec::new();
        m.for_each_match(haystack, &mut Vec::new(), |p, s, e| out.push((p, s, e)));
        out
    }

    fn theirs(terms: &[String], haystack: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(terms)
            .unwrap();
        ac.find_overlapping_iter(haystack)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    #[test]
    fn finds_overlapping_terms_of_every_length() {
        let terms: Vec<String> = ["解封", "封号", "解封费", "你", "vx", "x"]
            .map(String::from)
            .to_vec();
        let hay = "你要解封号吗vx解封费";
        assert_eq!(ours(&terms, hay), theirs(&terms, hay));
        assert_eq!(ours(&terms, hay).len(), 7);
        assert!(ours(&terms, "").is_empty());
        assert_eq!(ours(&terms, "你"), vec![(3, 0, 3)]);
    }

    #[test]
    fn the_default_terms_fit_in_well_under_a_megabyte() {
        let sources = crate::rules::builtin_sources();
        let compiled =
            crate::rules::compile(&sources, crate::links::LinkPolicy::builtin()).unwrap();
        let m = compiled.automaton.as_ref().unwrap();
        assert!(m.memory_usage() < 1 << 20, "{}", m.memory_usage());
    }

    proptest::proptest! {
        /// The filtered, anchored walks report exactly the matches the
        /// crate's unanchored overlapping search reports, in the same order.
        #[test]
        fn agrees_with_an_unanchored_search(
            terms in proptest::collection::vec("[ab解封号]{1,4}", 1..12),
            haystack in "[ab解封号 x]{0,40}",
        ) {
            let mut unique: Vec<String> = Vec::new();
            for t in terms {
                if !unique.contains(&t) {
                    unique.push(t);
                }
            }
            proptest::prop_assert_eq!(ours(&unique, &haystack), theirs(&unique, &haystack));
        }
    }
}
