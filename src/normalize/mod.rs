//! Normalization: the views of a message that rules match against, each with
//! a map back to byte offsets in the original text.
//!
//! Scammers write `解 封`, `解*封`, `解封帳號`, `ＶＸ`, `①②③` and hide
//! zero-width characters between the characters of a keyword. Matching runs
//! on normalized views and every match is mapped back to the exact bytes of
//! the original message, so a verdict can show what the sender really wrote.
//!
//! Two views exist:
//!
//! * the **folded** view: full-width and styled letters and digits folded to
//!   ASCII, lower case, traditional Chinese folded to simplified, invisible
//!   characters dropped; separators (spaces, punctuation, symbols) kept;
//! * the **compact** view: the folded view without separators, so that
//!   `解 * 封` and `解-封` both read `解封`.
//!
//! Normalization is linguistically neutral: aliases such as `薇信` for `微信`
//! belong in rule lexicons, not here.

mod chars;

pub(crate) use chars::warm_up;
use chars::{
    fold_char, han_table, is_han, is_separator, punctuation_index, punctuation_table, CompactFold,
    Folded, HanTable, ASCII_COMPACT,
};

/// Offsets are stored in 32 bits; longer texts are normalized up to this
/// many bytes (the engine caps message length well below it).
pub(crate) const MAX_NORMALIZED_INPUT: usize = (u32::MAX >> 1) as usize;

/// Which normalized view a pattern is matched against.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Folded, separators removed: `解 * 封` reads `解封`.
    #[default]
    Compact,
    /// Folded, separators kept.
    Folded,
}

/// One normalized view of a text with its offset map.
///
/// The map is kept as segments, not per byte: nearly every character keeps
/// its byte length when folded (ASCII case, traditional to simplified), so
/// a run of such characters maps back by one subtraction. A segment starts
/// only where the run breaks: a dropped separator or invisible character,
/// or a character whose folded form has another length (`Ｖ` -> `v`, `⑩` ->
/// `10`). Typical chat needs one segment per clause, not four bytes of map
/// per byte of text.
#[derive(Clone, Debug, Default)]
pub(crate) struct ViewBuf {
    /// The normalized text.
    pub(crate) text: String,
    /// Map segments, sorted by `at` (and by `orig`); the first starts at 0.
    segs: Vec<Segment>,
    /// Original offset right after the last character pushed, when the
    /// last segment is a same-length run that the next character may extend.
    run_end: Option<u32>,
    /// Compact view only: what `links::might_contain_link` says of the
    /// original text. Worked out here because this loop already stops at
    /// every character that may start a link (see [`DIAN`]), so
    /// the pre-check need not walk the message a second time.
    pub(crate) may_hold_link: bool,
    /// Leetspeak (`unbl0ck`) may be present and [`ViewBuf::unleet`] has to
    /// look: a digit from 0 to 7 came right after an ASCII letter of the
    /// original, or a letter or digit came from a folded character, or an
    /// invisible character was dropped. Noted on the way: a separate pass
    /// over every message's bytes cost 2.8% of all instructions (callgrind),
    /// and most messages have no such digit.
    leet_maybe: bool,
}

/// A stretch of a view that maps back to the original in one way.
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// First byte of the stretch in the view.
    at: u32,
    /// Original byte where the stretch comes from.
    orig: u32,
    /// For a same-length run, 0: view byte `at + k` came from original byte
    /// `orig + k`. Otherwise the end of the one original character that
    /// every byte of the stretch came from.
    orig_end: u32,
    /// Separators were dropped right before `at` (compact view only; used
    /// for word-boundary checks).
    sep_before: bool,
}

impl Segment {
    fn is_run(&self) -> bool {
        self.orig_end == 0
    }
}

impl ViewBuf {
    fn reserve(&mut self, bytes: usize) {
        self.text.reserve(bytes);
    }

    fn clear(&mut self) {
        self.text.clear();
        self.segs.clear();
        self.run_end = None;
        self.may_hold_link = false;
        self.leet_maybe = false;
    }

    /// Appends the bytes of `folded`, which came from the original bytes
    /// `start..end`.
    #[inline]
    fn push_str(&mut self, folded: &str, start: u32, end: u32, sep_before: bool) {
        if folded.len() as u32 == end - start {
            self.continue_run(start, end - start, sep_before);
        } else {
            self.segs.push(Segment {
                at: self.text.len() as u32,
                orig: start,
                orig_end: end,
                sep_before,
            });
            self.run_end = None;
        }
        self.text.push_str(folded);
    }

    /// Records that the next `len` bytes of the view come byte for byte from
    /// the original at `start`: the current same-length run goes on, or a
    /// new one starts.
    #[inline]
    fn continue_run(&mut self, start: u32, len: u32, sep_before: bool) {
        if self.run_end != Some(start) || sep_before {
            self.segs.push(Segment {
                at: self.text.len() as u32,
                orig: start,
                orig_end: 0,
                sep_before,
            });
        }
        self.run_end = Some(start + len);
    }

    /// Appends `run`, copied unchanged from original byte `start` on.
    #[inline]
    fn push_run(&mut self, run: &str, start: u32, sep_before: bool) {
        self.continue_run(start, run.len() as u32, sep_before);
        self.text.push_str(run);
    }

    /// Appends an ASCII byte that came from the one original byte `start`.
    #[inline]
    fn push_ascii(&mut self, b: u8, start: u32, sep_before: bool) {
        self.continue_run(start, 1, sep_before);
        self.text.push(char::from(b));
    }

    #[inline]
    fn push(&mut self, c: char, start: u32, end: u32, sep_before: bool) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf), start, end, sep_before);
    }

    /// Index of the segment holding view byte `pos` (`pos < text.len()`).
    #[inline]
    fn segment_of(&self, pos: usize) -> usize {
        let pos = pos as u32;
        self.segs.partition_point(|s| s.at <= pos).saturating_sub(1)
    }

    /// Maps a byte range of the normalized text to the byte range of the
    /// original text it came from. Both ends land on char boundaries.
    #[inline]
    pub(crate) fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.text.len());
        let first = self.segs[self.segment_of(start)];
        let s = if first.is_run() {
            first.orig + (start as u32 - first.at)
        } else {
            first.orig
        };
        let last = self.segs[self.segment_of(end - 1)];
        let e = if last.is_run() {
            last.orig + (end as u32 - last.at)
        } else {
            last.orig_end
        };
        (s as usize, e as usize)
    }

    /// True when `pos` (a char boundary of the compact view) is a word
    /// boundary for ASCII words: the start or end of the text, a dropped
    /// separator, or a non-alphanumeric neighbour.
    #[inline]
    pub(crate) fn is_ascii_boundary(&self, pos: usize) -> bool {
        if pos == 0 || pos >= self.text.len() {
            return true;
        }
        let bytes = self.text.as_bytes();
        if !(bytes[pos - 1].is_ascii_alphanumeric() && bytes[pos].is_ascii_alphanumeric()) {
            return true;
        }
        self.sep_dropped_at(pos)
    }

    /// The first byte of the view whose original character starts at or
    /// after `orig`: where an original byte offset falls in this view.
    #[inline]
    pub(crate) fn position_of_original(&self, orig: usize) -> usize {
        let o = orig as u32;
        let next = self.segs.partition_point(|s| s.orig < o);
        if next > 0 {
            let seg = self.segs[next - 1];
            let seg_end = self.segs.get(next).map_or(self.text.len() as u32, |s| s.at);
            if seg.is_run() && o < seg.orig + (seg_end - seg.at) {
                let mut p = (seg.at + (o - seg.orig)) as usize;
                while !self.text.is_char_boundary(p) {
                    p += 1;
                }
                return p;
            }
        }
        self.segs
            .get(next)
            .map_or(self.text.len(), |s| s.at as usize)
    }

    /// Reads leetspeak digits inside ASCII words as the letters they stand
    /// for: `unbl0ck`, `w3chat`, `c0de`, `unb4n` become `unblock`, `wechat`,
    /// `code`, `unban`. Only a single digit written right between two
    /// letters (no separator dropped on either side) is read so: handles
    /// (`jf8888`), prices, codes and model numbers (`mp3`, `5g`, `b2b`) keep
    /// their digits. Each digit becomes one ASCII letter, so the offset map
    /// stays as it is.
    fn unleet(&mut self) {
        let bytes = self.text.as_bytes();
        let mut at = Vec::new();
        for i in 1..bytes.len().saturating_sub(1) {
            self.leet_at(i, &mut at);
        }
        for (i, letter) in at {
            let mut buf = [0u8; 4];
            self.text
                .replace_range(i..i + 1, char::from(letter).encode_utf8(&mut buf));
        }
    }

    /// Notes in `at` the letter the digit at view byte `i` stands for, if
    /// it sits right between two letters (0 < i < len - 1).
    #[inline]
    fn leet_at(&self, i: usize, at: &mut Vec<(usize, u8)>) {
        let bytes = self.text.as_bytes();
        let letter = leet_letter(bytes[i]);
        if letter != 0
            && bytes[i - 1].is_ascii_lowercase()
            && bytes[i + 1].is_ascii_lowercase()
            && !self.sep_dropped_at(i)
            && !self.sep_dropped_at(i + 1)
        {
            at.push((i, letter));
        }
    }

    /// True when a separator was dropped right before view byte `pos`.
    #[inline]
    fn sep_dropped_at(&self, pos: usize) -> bool {
        let seg = self.segs[self.segment_of(pos)];
        seg.at as usize == pos && seg.sep_before
    }

    /// Number of characters in `text[start..end]`.
    #[inline]
    pub(crate) fn char_count(&self, start: usize, end: usize) -> usize {
        if start >= end {
            return 0;
        }
        self.text.as_bytes()[start..end]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count()
    }
}

/// Reusable normalization buffers. Keep one per thread: normalizing then
/// allocates nothing once the buffers have grown to the longest message.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normalizer {
    pub(crate) compact: ViewBuf,
    pub(crate) folded: ViewBuf,
    folded_ready: bool,
}

impl Normalizer {
    /// Builds the compact view of `text` (the folded view is built lazily by
    /// [`Normalizer::folded`]).
    pub(crate) fn normalize(&mut self, text: &str) {
        build_view::<true>(&mut self.compact, text);
        if self.compact.leet_maybe {
            self.compact.unleet();
        }
        self.folded_ready = false;
    }

    /// The folded view of `text` (the same text last passed to
    /// [`Normalizer::normalize`]), built on first use.
    pub(crate) fn folded(&mut self, text: &str) -> &ViewBuf {
        if !self.folded_ready {
            build_view::<false>(&mut self.folded, text);
            self.folded_ready = true;
        }
        &self.folded
    }

    /// The view of the given kind.
    pub(crate) fn view(&mut self, text: &str, view: View) -> &ViewBuf {
        match view {
            View::Compact => &self.compact,
            View::Folded => self.folded(text),
        }
    }
}

/// Builds one view of `text` into `view`: the compact view (`COMPACT`,
/// separators dropped and marked) or the folded view (separators kept).
/// One loop for both, compiled once per view.
fn build_view<const COMPACT: bool>(view: &mut ViewBuf, full_text: &str) {
    let text = truncate_to_boundary(full_text, MAX_NORMALIZED_INPUT);
    view.clear();
    // A text too long to normalize whole gets the link pre-check whole;
    // otherwise the loop runs it on the way (`note_links`).
    let note_links = COMPACT && text.len() == full_text.len();
    if COMPACT && !note_links {
        view.may_hold_link = crate::links::might_contain_link(full_text);
    }
    view.reserve(text.len());
    let ascii = if COMPACT {
        &ASCII_COMPACT
    } else {
        &ASCII_FOLDED
    };
    let han = han_table();
    let punct = punctuation_table();
    // Compact view only: separators were dropped right before the next
    // character pushed.
    let mut sep_pending = false;
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        // Most of a message is characters that normalization leaves as
        // they are: copy each such run in one go.
        let run = unchanged_run(bytes, i, han, ascii, &mut view.leet_maybe);
        if run > i {
            view.push_run(&text[i..run], i as u32, sep_pending);
            sep_pending = false;
            i = run;
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        // ASCII fast path: no decoding, one table lookup.
        if b < 0x80 {
            // Link marks are punctuation: never in an unchanged run.
            if note_links && matches!(b, b'.' | b':' | b'(' | b'[') && !view.may_hold_link {
                view.may_hold_link = crate::links::trigger_at(bytes, i);
            }
            let m = ascii[b as usize];
            if COMPACT && m == 0 {
                sep_pending = true;
            } else {
                view.push_ascii(m, i as u32, sep_pending);
                sep_pending = false;
            }
            i += 1;
            continue;
        }
        // CJK fast path: decode the three bytes by hand, fold through the
        // Han table; ideographs are never separators or invisible.
        if (0xE3..=0xEF).contains(&b) && i + 2 < bytes.len() {
            let cp = three_byte_code_point(bytes, i);
            // Every wide link mark is a three-byte character, and runs stop
            // at 点 (see `unchanged_run`).
            if note_links && matches!(cp, 0x3002 | 0xFF0E | 0xFF61 | DIAN) && !view.may_hold_link {
                view.may_hold_link = crate::links::trigger_at(bytes, i);
            }
            if is_han(cp) {
                view.push(han.simplify(cp), i as u32, i as u32 + 3, sep_pending);
                sep_pending = false;
                i += 3;
                continue;
            }
            // Chinese punctuation and full-width forms: one table lookup.
            if let (true, Some(k)) = (COMPACT, punctuation_index(cp)) {
                match punct[k] {
                    CompactFold::Drop => {}
                    CompactFold::Separator => sep_pending = true,
                    CompactFold::One(f) => {
                        view.leet_maybe |= may_take_part_in_leet(f);
                        view.push(f, i as u32, i as u32 + 3, sep_pending);
                        sep_pending = false;
                    }
                    CompactFold::Other => {}
                }
                if punct[k] != CompactFold::Other {
                    i += 3;
                    continue;
                }
            }
        }
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        let (s, e) = (i as u32, (i + c.len_utf8()) as u32);
        let mut push = |f: char| {
            view.leet_maybe |= may_take_part_in_leet(f);
            if COMPACT && is_separator(f) {
                sep_pending = true;
            } else {
                view.push(f, s, e, sep_pending);
                sep_pending = false;
            }
        };
        match fold_char(c) {
            // `w\u{200B}3chat`: the digit's run starts after no letter.
            Folded::Drop => view.leet_maybe = true,
            Folded::One(f) => push(f),
            Folded::Many(arr, n) => arr[..n as usize].iter().copied().for_each(push),
        }
        i = e as usize;
    }
}

/// Whether a folded character pushed outside an unchanged run may be part
/// of leetspeak: a digit from 0 to 7 or a letter (`Ｗ3chat`, `ｗ３chat`).
#[inline]
fn may_take_part_in_leet(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The letter a leetspeak digit stands for inside a word, or 0. `1` reads
/// `i` (`1d`, `v1p`), the commoner of its two readings.
#[inline]
fn leet_letter(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        _ => 0,
    }
}

/// 点, "dot", which scammers write for the dot of a link. The characters
/// where a link may start (the link pre-check, `links::might_contain_link`,
/// tests only these) are the ASCII marks `.` `:` `(` `[` and the wide dots
/// 。 ． ｡ 点.
const DIAN: u32 = 0x70B9;

/// What the folded view makes of each ASCII byte: its lower case.
static ASCII_FOLDED: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// The code point of the three-byte UTF-8 sequence at `bytes[i..i + 3]`
/// (the caller has checked the lead byte and the length; `bytes` is a `str`).
#[inline]
fn three_byte_code_point(bytes: &[u8], i: usize) -> u32 {
    (u32::from(bytes[i] & 0x0F) << 12)
        | (u32::from(bytes[i + 1] & 0x3F) << 6)
        | u32::from(bytes[i + 2] & 0x3F)
}

/// End of the run of characters from `i` on that a view keeps exactly as
/// they are: ASCII bytes that `ascii` maps to themselves and ideographs the
/// Han table leaves alone. Decodes, compares, writes nothing.
#[inline]
fn unchanged_run(
    bytes: &[u8],
    mut i: usize,
    han: &HanTable,
    ascii: &[u8; 128],
    leet_maybe: &mut bool,
) -> usize {
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // NUL maps to 0 in both tables, which also marks a separator.
            if ascii[b as usize] != b || b == 0 {
                break;
            }
            // A digit 0-7 after a letter (`l0`, `W3`): see `leet_maybe`.
            if b & 0xF8 == 0x30 && i > 0 && bytes[i - 1].is_ascii_alphabetic() {
                *leet_maybe = true;
            }
            i += 1;
        } else if (0xE0..=0xEF).contains(&b) && i + 2 < bytes.len() {
            // Stops at 点 too, which may stand for a dot in a link: the
            // caller notes it.
            if !han.run_continues(b, bytes[i + 1], bytes[i + 2]) {
                break;
            }
            i += 3;
        } else {
            break;
        }
    }
    i
}

fn truncate_to_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Returns the folded view of `text`: full-width and styled forms folded,
/// lower case, traditional -> simplified, invisible characters dropped,
/// separators kept.
///
/// ```
/// assert_eq!(fanzha::normalize::folded("解 封 帳 號，ＶＸ①"), "解 封 账 号,vx1");
/// ```
pub fn folded(text: &str) -> String {
    let mut n = Normalizer::default();
    n.normalize(text);
    n.folded(text).text.clone()
}

/// Returns the compact view of `text`: the folded view without separators.
///
/// ```
/// assert_eq!(fanzha::normalize::compact("解 * 封\u{200B}帳號 ＶＸ"), "解封账号vx");
/// ```
pub fn compact(text: &str) -> String {
    let mut n = Normalizer::default();
    n.normalize(text);
    n.compact.text.clone()
}

/// Maps every character of the compact view back to the original text:
/// `(normalized char, original byte range)`.
pub fn compact_with_offsets(text: &str) -> Vec<(char, std::ops::Range<usize>)> {
    let mut n = Normalizer::default();
    n.normalize(text);
    let view = &n.compact;
    view.text
        .char_indices()
        .map(|(i, c)| {
            let (s, e) = view.original_range(i, i + c.len_utf8());
            (c, s..e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn folds_width_case_and_traditional() {
        assert_eq!(compact("ＶＸ：ＪＦ８８８"), "vxjf888");
        assert_eq!(compact("解封帳號驗證碼"), "解封账号验证码");
        assert_eq!(compact("帐号"), "账号");
        assert_eq!(compact("𝐕𝐗 ⓦⓧ ①②③ ⑩"), "vxwx12310");
        assert_eq!(compact("🅥🆇"), "vx");
        assert_eq!(compact("weixín"), "weixin");
        // Leetspeak digits between letters are letters; other digits stay.
        assert_eq!(compact("unbl0ck ur W3CHAT, c0de"), "unblockurwechatcode");
        assert_eq!(compact("ᴡᴇᴄʜᴀᴛ ᴏꜰꜰɪᴄɪᴀʟ"), "wechatofficial");
        // However the letters and the digit are written.
        for text in ["W3CHAT", "Ｗ3chat", "ｗ３ｃhat", "w\u{200B}3chat", "𝐰3chat"] {
            assert_eq!(compact(text), "wechat", "{text}");
        }
        assert_eq!(compact("vx jf8888 mp3 b2b 5g a 0 b"), "vxjf8888mp3b2b5ga0b");
    }

    #[test]
    fn drops_invisible_and_separators() {
        assert_eq!(compact("解\u{200B}封"), "解封");
        assert_eq!(compact("解 封"), "解封");
        assert_eq!(compact("解*封"), "解封");
        assert_eq!(compact("解-封"), "解封");
        assert_eq!(compact("解.封"), "解封");
        assert_eq!(compact("解🔥封"), "解封");
        assert_eq!(compact("解\u{3000}封"), "解封");
        assert_eq!(compact("验.证.码"), "验证码");
        assert_eq!(compact("解\u{202E}封"), "解封");
        assert_eq!(compact("1\u{FE0F}\u{20E3}2"), "12");
    }

    #[test]
    fn folded_view_keeps_control_characters_compact_drops_them() {
        assert_eq!(folded("A\0b\tc"), "a\0b\tc");
        assert_eq!(compact("A\0b\tc"), "abc");
        assert_eq!(folded("Ｖ，帳"), "v,账");
    }

    #[test]
    fn keeps_currency() {
        assert_eq!(compact("￥500 $20"), "¥500$20");
    }

    #[test]
    fn offsets_point_to_original_characters() {
        let text = "Ａ解 *封\u{200B}號";
        for (c, range) in compact_with_offsets(text) {
            let orig = &text[range.clone()];
            assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            assert_eq!(compact(orig), c.to_string(), "{orig:?}");
        }
    }

    #[test]
    fn expansion_maps_to_the_whole_source_char() {
        let text = "x⑩y";
        let map = compact_with_offsets(text);
        assert_eq!(map[1], ('1', 1..4));
        assert_eq!(map[2], ('0', 1..4));
    }

    #[test]
    fn ascii_boundaries() {
        let mut n = Normalizer::default();
        n.normalize("my pin is");
        // "mypinis": "pin" at 2..5 is delimited by dropped spaces.
        assert!(n.compact.is_ascii_boundary(2));
        assert!(n.compact.is_ascii_boundary(5));
        n.normalize("shopping");
        assert!(!n.compact.is_ascii_boundary(4));
        n.normalize("加vx");
        assert!(n.compact.is_ascii_boundary(3));
    }

    /// The views built char by char through `fold_char`, without fast paths.
    fn reference(text: &str) -> (String, String) {
        let mut folded = String::new();
        for c in text.chars() {
            match fold_char(c) {
                Folded::Drop => {}
                Folded::One(f) => folded.push(f),
                Folded::Many(arr, n) => folded.extend(&arr[..n as usize]),
            }
        }
        // Leetspeak: a digit right between two letters, nothing between.
        let chars: Vec<char> = folded.chars().collect();
        let compact = (0..chars.len())
            .map(|i| {
                let letter = leet_letter(chars[i] as u8);
                let between_letters = i > 0
                    && i + 1 < chars.len()
                    && chars[i].is_ascii_digit()
                    && chars[i - 1].is_ascii_lowercase()
                    && chars[i + 1].is_ascii_lowercase();
                if between_letters && letter != 0 {
                    char::from(letter)
                } else {
                    chars[i]
                }
            })
            .filter(|c| !is_separator(*c))
            .collect();
        (folded, compact)
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_agree_with_the_reference(s in "[\\PC\u{3000}-\u{303F}\u{3400}-\u{9FFF}\u{FF00}-\u{FFEF}ＡＢ８ ①]{0,40}") {
            let (want_folded, want_compact) = reference(&s);
            proptest::prop_assert_eq!(folded(&s), want_folded);
            proptest::prop_assert_eq!(compact(&s), want_compact);
            // Every compact character maps back to whole original
            // characters it came from, in order.
            let mut last_start = 0;
            for (c, range) in compact_with_offsets(&s) {
                proptest::prop_assert!(s.is_char_boundary(range.start) && s.is_char_boundary(range.end));
                proptest::prop_assert!(range.start >= last_start && range.start < range.end);
                last_start = range.start;
                let alone = compact(&s[range.clone()]);
                let read_as_letter = alone.bytes().any(|b| char::from(leet_letter(b)) == c);
                proptest::prop_assert!(alone.contains(c) || read_as_letter, "{:?} {:?}", c, &s[range]);
            }
        }
    }

    proptest::proptest! {
        /// The normalizer's note on links is the link pre-check's answer:
        /// the engine takes it instead of running the pre-check.
        #[test]
        fn no_link_mark_means_no_link(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::sample::select(vec![
                    ".", "。", "．", "｡", "点", "://", "[dot]", "(dot)", "javascript:", "1.2.3.4/",
                    "weixin", "com", "點", "好", " ", "ａ", "，",
                ]).prop_map(String::from).boxed(),
                "[\\PC]{0,3}".boxed(),
            ], 0..12)
        ) {
            let text = parts.concat();
            let mut n = Normalizer::default();
            n.normalize(&text);
            proptest::prop_assert_eq!(n.compact.may_hold_link, crate::links::might_contain_link(&text), "{:?}", text);
        }
    }

    #[test]
    fn link_marks_are_noted_wherever_they_are() {
        let mut n = Normalizer::default();
        for (text, marked) in [
            ("你好我们明天见", false),
            ("收到。明天10点见", false),
            ("weixin。qq。com", true),
            ("wx点qq点com", true),
            ("见 a.cn", true),
            ("time 15:30, 1.5", false),
            ("https://a", true),
        ] {
            n.normalize(text);
            assert_eq!(n.compact.may_hold_link, marked, "{text}");
        }
    }

    #[test]
    fn idempotent_on_samples() {
        for s in [
            "解 封 帳 號 ，費 用 ８００",
            "Ｖ信 jf８８８",
            "①②",
            "Hello, World!",
        ] {
            let once = folded(s);
            assert_eq!(folded(&once), once);
            let c = compact(s);
            assert_eq!(compact(&c), c);
        }
    }
}
