//! Per-character folding tables: what each code point becomes in the
//! normalized views, and which code points are invisible or separators.
//!
//! Everything here is a pure function of one `char`, so the normalizer can
//! run in a single pass with no look-ahead. The common cases (ASCII and CJK
//! ideographs) are decided by range checks and one array lookup; only rare
//! characters reach Unicode compatibility decomposition.

use std::sync::OnceLock;

/// First and last code point of the dense traditional -> simplified table.
const HAN_FIRST: u32 = 0x3400;
const HAN_LAST: u32 = 0x9FFF;

/// Traditional -> simplified for the ideographs `HAN_FIRST..=HAN_LAST`.
///
/// Built once from fast2s's character table. Most characters of Chinese
/// chat are looked up here, and most are already simplified: a bit set
/// (8 KB, stays in the L1 cache) answers that, and only the others go to
/// the dense table of simplified forms (110 KB, one indexed load, but a
/// cache miss when read for every character).
pub(crate) struct HanTable {
    simplified: Box<[char]>,
    /// For runs of characters the normalizer copies as they are, one bit per
    /// three-byte character, laid out by its UTF-8 bytes: word
    /// `(lead & 0x0F) << 6 | (second & 0x3F)`, bit `third & 0x3F`. Set for
    /// the Han ideographs that stay as they are, except 点, which may stand
    /// for the dot of a link (see `normalize::DIAN`) and must be looked at.
    /// 8 KB; no decoding and no range check per character.
    run_words: Box<[u64]>,
}

impl HanTable {
    /// Whether the three-byte character `b0 b1 b2` (`b0` in `0xE0..=0xEF`)
    /// is an ideograph that a run of unchanged characters takes in.
    #[inline]
    pub(crate) fn run_continues(&self, b0: u8, b1: u8, b2: u8) -> bool {
        let word = self.run_words[usize::from(b0 & 0x0F) << 6 | usize::from(b1 & 0x3F)];
        word >> (b2 & 0x3F) & 1 != 0
    }

    /// The simplified form of the ideograph `cp` (the caller checks
    /// `is_han(cp)`).
    #[inline]
    pub(crate) fn simplify(&self, cp: u32) -> char {
        self.simplified[(cp - HAN_FIRST) as usize]
    }
}

/// The table, built on first use.
pub(crate) fn han_table() -> &'static HanTable {
    static TABLE: OnceLock<HanTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut buf = [0u8; 4];
        let simplified: Box<[char]> = (HAN_FIRST..=HAN_LAST)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return '\u{FFFD}';
                };
                let s = c.encode_utf8(&mut buf);
                let converted = fast2s::convert(s);
                let simplified = converted.chars().next().unwrap_or(c);
                project_fold(simplified)
            })
            .collect();
        let mut run_words = vec![0u64; 16 * 64].into_boxed_slice();
        for (cp, &c) in (HAN_FIRST..).zip(simplified.iter()) {
            if c as u32 == cp && cp != '点' as u32 {
                // cp is three bytes: 1110xxxx 10yyyyyy 10zzzzzz.
                run_words[(cp >> 6) as usize & 0x3FF] |= 1 << (cp & 0x3F);
            }
        }
        HanTable {
            simplified,
            run_words,
        }
    })
}

/// For each ASCII byte, what the compact view keeps: the lower-cased byte,
/// or 0 for a separator (see [`is_separator`]).
pub(crate) static ASCII_COMPACT: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let sep = match c {
            b'$' | b'%' => false,
            _ => c.is_ascii_whitespace() || c.is_ascii_punctuation() || c.is_ascii_control(),
        };
        t[b] = if sep { 0 } else { c.to_ascii_lowercase() };
        b += 1;
    }
    t
};

/// Whether `cp` is in the range of the dense Han table.
#[inline]
pub(crate) fn is_han(cp: u32) -> bool {
    (HAN_FIRST..=HAN_LAST).contains(&cp)
}

/// Folds that fast2s does not make but that matter for matching: variant
/// characters that are equally "simplified" and used interchangeably.
fn project_fold(c: char) -> char {
    match c {
        '帐' => '账', // 帐号 / 账号 are both common spellings of "account".
        '凖' => '准',
        _ => c,
    }
}

/// Code points that render as nothing and are inserted to break keyword
/// filters: zero-width characters, bidi controls, variation selectors,
/// soft hyphens, combining enclosing keycaps and other format characters.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
        | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}' | '\u{20DD}'..='\u{20E4}'
    ) || (c.is_control() && c != '\n' && c != '\t')
        || is_combining_mark(c)
}

/// Combining diacritics are dropped so that `weixín` reads as `weixin`.
#[inline]
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20DC}'
        | '\u{20E5}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Characters that separate words or are inserted between the characters
/// of a keyword (`解 封`, `解*封`, `解🔥封`): whitespace, punctuation and
/// symbols. They are kept in the folded view and dropped from the compact
/// view. Currency signs are not separators: they carry meaning (prices).
#[inline]
pub(crate) fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return match c {
            '$' | '%' => false,
            _ => c.is_ascii_whitespace() || c.is_ascii_punctuation() || c.is_ascii_control(),
        };
    }
    let cp = c as u32;
    // CJK ideographs, the bulk of Chinese text, first.
    if (0x3400..=0x9FFF).contains(&cp) {
        return false;
    }
    match cp {
        // Latin-1 punctuation and symbols (nbsp, ·, «, », ©, °...), not the
        // currency signs ¢ £ ¤ ¥ and not letters.
        0xA0..=0xBF => !matches!(cp, 0xA2..=0xA5 | 0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA),
        0xD7 | 0xF7 => true,
        // General punctuation, arrows, math operators, technical, box
        // drawing, shapes, misc symbols, dingbats (➕ ❤ ✨ ...).
        0x2000..=0x206F => true,
        0x2190..=0x23FF => true,
        0x2500..=0x27BF => true,
        0x27C0..=0x2BFF => true,
        0x2E00..=0x2E7F => true,
        // CJK symbols and punctuation, except 々 and 〇 which are letters.
        0x3000..=0x303F => !matches!(cp, 0x3005..=0x3007 | 0x3021..=0x3029),
        0x30FB => true, // katakana middle dot ・
        // CJK compatibility forms, small forms, full-width punctuation that
        // has no ASCII counterpart (｟｠｡｢｣､･).
        0xFE10..=0xFE1F | 0xFE30..=0xFE6F | 0xFF5F..=0xFF65 => true,
        0xFFE0..=0xFFEE => !matches!(cp, 0xFFE0 | 0xFFE1 | 0xFFE5 | 0xFFE6),
        // Emoji and pictographs.
        0x1F000..=0x1F0FF | 0x1F200..=0x1FAFF => true,
        _ => false,
    }
}

/// The result of folding one character: up to a few output characters.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Folded {
    /// The character disappears (invisible or format character).
    Drop,
    /// The character becomes exactly one character.
    One(char),
    /// The character expands (for example `⑩` -> `10`, `㈠` -> `(一)`).
    Many([char; 4], u8),
}

/// Folds one character for matching: width, case, compatibility forms,
/// traditional -> simplified Chinese, invisible characters.
#[inline]
pub(crate) fn fold_char(c: char) -> Folded {
    let cp = c as u32;
    if cp < 0x80 {
        return Folded::One(c.to_ascii_lowercase());
    }
    if (HAN_FIRST..=HAN_LAST).contains(&cp) {
        return Folded::One(han_table().simplify(cp));
    }
    // Full-width ASCII (ＶＸ, ８８８, ：) -> ASCII.
    if (0xFF01..=0xFF5E).contains(&cp) {
        let ascii = char::from_u32(cp - 0xFEE0).unwrap_or(c);
        return Folded::One(ascii.to_ascii_lowercase());
    }
    match cp {
        0x3000 => return Folded::One(' '),
        0x3002 | 0xFF61 => return Folded::One('。'),
        0xFFE5 => return Folded::One('¥'),
        _ => {}
    }
    if is_invisible(c) {
        return Folded::Drop;
    }
    if needs_compat_decomposition(cp) {
        return decompose(c);
    }
    if let Some(letter) = fold_enclosed_letter(cp) {
        return Folded::One(letter);
    }
    if let Some(letter) = fold_small_capital(cp) {
        return Folded::One(letter);
    }
    if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return Folded::One(l);
        }
    }
    Folded::One(c)
}

/// Small capitals (`ᴡᴇᴄʜᴀᴛ ᴏꜰꜰɪᴄɪᴀʟ`), which "fancy text" generators
/// use and which have no compatibility decomposition: the ASCII letter
/// each one draws. They live in the IPA and phonetic blocks and Latin
/// Extended-D; no Chinese or English text uses them as themselves.
fn fold_small_capital(cp: u32) -> Option<char> {
    Some(match cp {
        0x1D00 => 'a',
        0x0299 => 'b',
        0x1D04 => 'c',
        0x1D05 => 'd',
        0x1D07 => 'e',
        0xA730 => 'f',
        0x0262 => 'g',
        0x029C => 'h',
        0x026A => 'i',
        0x1D0A => 'j',
        0x1D0B => 'k',
        0x029F => 'l',
        0x1D0D => 'm',
        0x0274 => 'n',
        0x1D0F => 'o',
        0x1D18 => 'p',
        0x0280 => 'r',
        0xA731 => 's',
        0x1D1B => 't',
        0x1D1C => 'u',
        0x1D20 => 'v',
        0x1D21 => 'w',
        0x028F => 'y',
        0x1D22 => 'z',
        _ => return None,
    })
}

/// Blocks whose compatibility decomposition is a plain letter or digit
/// sequence: Latin with diacritics, letterlike symbols, number forms,
/// super- and subscripts, circled and parenthesized alphanumerics,
/// enclosed CJK, mathematical alphanumerics, CJK compatibility
/// ideographs. Hangul and kana are left alone (NFKD would split them).
#[inline]
fn needs_compat_decomposition(cp: u32) -> bool {
    matches!(cp,
        0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2070..=0x209F | 0x2100..=0x218F
        | 0x2460..=0x24FF | 0x2776..=0x2793 | 0x3200..=0x32FF | 0x3300..=0x33FF
        | 0xF900..=0xFAFF | 0x1D400..=0x1D7FF | 0x1F100..=0x1F10A
        | 0x1F110..=0x1F14F | 0x2F800..=0x2FA1F
    )
}

/// Negative circled, squared and regional-indicator letters (🅥 🆅 🇻) have
/// no compatibility decomposition but are used as letters.
#[inline]
fn fold_enclosed_letter(cp: u32) -> Option<char> {
    let base = match cp {
        0x1F150..=0x1F169 => 0x1F150,
        0x1F170..=0x1F189 => 0x1F170,
        0x1F1E6..=0x1F1FF => 0x1F1E6,
        _ => return None,
    };
    char::from_u32('a' as u32 + cp - base)
}

/// Dingbat negative circled digits (❶ ➊ ➀) decompose to nothing in NFKD;
/// map them by position.
fn dingbat_digit(cp: u32) -> Option<&'static str> {
    const DIGITS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    let base = match cp {
        0x2776..=0x277F => 0x2776,
        0x2780..=0x2789 => 0x2780,
        0x278A..=0x2793 => 0x278A,
        _ => return None,
    };
    Some(DIGITS[(cp - base) as usize])
}

fn decompose(c: char) -> Folded {
    if let Some(digits) = dingbat_digit(c as u32) {
        return collect_folded(digits.chars());
    }
    let mut out: Vec<char> = Vec::with_capacity(4);
    unicode_normalization::char::decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        match fold_char_simple(d) {
            Folded::One(x) => out.push(x),
            Folded::Many(arr, n) => out.extend_from_slice(&arr[..n as usize]),
            Folded::Drop => {}
        }
    });
    collect_folded(out.into_iter())
}

/// Folding of the characters produced by a decomposition: they are already
/// compatibility-decomposed, so only case and the Han table apply.
fn fold_char_simple(d: char) -> Folded {
    let cp = d as u32;
    if cp < 0x80 {
        Folded::One(d.to_ascii_lowercase())
    } else if (HAN_FIRST..=HAN_LAST).contains(&cp) {
        Folded::One(han_table().simplify(cp))
    } else if d.is_uppercase() {
        collect_folded(d.to_lowercase())
    } else {
        Folded::One(d)
    }
}

fn collect_folded(chars: impl Iterator<Item = char>) -> Folded {
    let mut arr = ['\0'; 4];
    let mut n = 0u8;
    for ch in chars {
        if (n as usize) < arr.len() {
            arr[n as usize] = ch;
            n += 1;
        }
    }
    match n {
        0 => Folded::Drop,
        1 => Folded::One(arr[0]),
        _ => Folded::Many(arr, n),
    }
}

/// Forces the traditional -> simplified table to be built now, so the first
/// classified message does not pay for it.
pub(crate) fn warm_up() {
    let _ = han_table();
    let _ = punctuation_table();
}

/// What the compact view makes of one character, decided ahead of time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum CompactFold {
    /// Invisible: dropped, no separator.
    Drop,
    /// A separator: dropped, and marks a boundary.
    Separator,
    /// Kept as this one character.
    One(char),
    /// Anything else (an expansion): the general path decides.
    Other,
}

/// The CJK symbols and punctuation block (U+3000..U+303F) and the half-
/// and full-width forms block (U+FF00..U+FFEF): the punctuation of Chinese
/// chat, and full-width letters and digits.
const PUNCTUATION_BLOCKS: [(u32, u32); 2] = [(0x3000, 0x303F), (0xFF00, 0xFFEF)];

/// Index of `cp` in [`punctuation_table`], when it is in one of the blocks.
#[inline]
pub(crate) fn punctuation_index(cp: u32) -> Option<usize> {
    let (first, last) = PUNCTUATION_BLOCKS[0];
    if (first..=last).contains(&cp) {
        return Some((cp - first) as usize);
    }
    let (second, end) = PUNCTUATION_BLOCKS[1];
    (second..=end)
        .contains(&cp)
        .then(|| (last - first + 1 + cp - second) as usize)
}

/// [`fold_char`] and [`is_separator`] over the punctuation blocks, computed
/// once: `，` `。` `！` and full-width forms skip decoding and folding.
pub(crate) fn punctuation_table() -> &'static [CompactFold] {
    static TABLE: OnceLock<Box<[CompactFold]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        PUNCTUATION_BLOCKS
            .iter()
            .flat_map(|&(first, last)| first..=last)
            .map(|cp| match char::from_u32(cp).map(fold_char) {
                Some(Folded::Drop) => CompactFold::Drop,
                Some(Folded::One(f)) if is_separator(f) => CompactFold::Separator,
                Some(Folded::One(f)) => CompactFold::One(f),
                _ => CompactFold::Other,
            })
            .collect()
    })
}
