//! Finding links in free text (chat messages), offline.
//!
//! The text is first normalized into a copy with a byte map back to the
//! original: full-width letters and digits become ASCII, `。` `｡` `．` `点`
//! between ASCII labels become `.`, defanged notation (`hxxp`, `[.]`, `(.)`,
//! `[:]`) is undone and invisible characters are dropped. Then:
//!
//! * URLs with a scheme (`https://…`, also IDN hosts) are cut by a small scanner
//!   of our own, which stops at the first CJK character after an ASCII label
//!   (`https://微信安全中心.com/解封` → `https://微信安全中心.com/`);
//! * URLs without a scheme are found by `linkify` in ASCII mode, which stops at
//!   hanzi and CJK punctuation and tells e-mail addresses apart;
//! * `javascript:`, `vbscript:` and `data:` URLs are found by name.
//!
//! Every candidate is parsed with the `url` crate; domain hosts need a known
//! public suffix (which drops `fine.Next` and `版本号1.2.3`).

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};
use url::{Host, Url};

/// A link found in free text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoundLink {
    /// Byte span in the original text, at char boundaries.
    pub span: Range<usize>,
    /// The original slice, `text[span]`.
    pub text: String,
    /// The normalized candidate with a scheme, e.g. `http://www.wx-jiefeng.cn`
    /// (`http://` is added when the text had none; defanging and full-width
    /// folding are undone).
    pub url: String,
}

/// Cheap pre-check: `false` when `text` cannot contain a link that
/// [`find_links`] would report.
///
/// It looks for a dot-like character next to an ASCII letter or digit (`.`,
/// `。`, `｡`, `．`, `点` between ASCII, `[.]`, `(.)`, `[dot]`), `://` (also
/// defanged as `[:]//`) and `javascript:`-style schemes. One pass over the bytes,
/// no allocation, so most benign chat is rejected in nanoseconds.
pub fn might_contain_link(text: &str) -> bool {
    // Chinese chat is mostly three-byte characters none of which can start a
    // link, and lines are short (~80 bytes), so the fixed cost of a search
    // matters more than its speed per byte: six memchr/memmem passes (one per
    // trigger, with 。 and 点 matching often) cost ~900 instructions a line.
    // One walk over the characters with a table lookup each costs a quarter
    // of that: continuation bytes never start a trigger, so whole characters
    // are stepped over, and only the rare candidates go to `trigger_at`.
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let class = CHAR_CLASS[c as usize];
        if class & CANDIDATE != 0 && is_candidate(b, i) && trigger_at(b, i) {
            return true;
        }
        i += (class & LEN_MASK) as usize;
    }
    false
}

/// [`CHAR_CLASS`] bits: the length of the UTF-8 sequence a byte starts (1 for
/// ASCII and, harmlessly, for stray continuation bytes, which valid `str`s
/// never start a character with) ...
const LEN_MASK: u8 = 0b0111;
/// ... and whether the byte may start a trigger: `.` `:` `(` `[`, or the lead
/// byte of `。` (E3), `点` (E7), `．` and `｡` (EF).
const CANDIDATE: u8 = 0b1000;

/// Per byte value: [`LEN_MASK`] and [`CANDIDATE`] bits.
static CHAR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c {
            0xF0..=0xFF => 4,
            0xE0..=0xEF => 3,
            0xC0..=0xDF => 2,
            _ => 1,
        };
        if matches!(c as u8, b'.' | b':' | b'(' | b'[' | 0xE3 | 0xE7 | 0xEF) {
            t[c] |= CANDIDATE;
        }
        c += 1;
    }
    t
};

/// Whether the candidate byte at `i` is ASCII or the start of a wide dot:
/// filters the many other characters with a flagged lead byte before the
/// full test in `trigger_at`.
#[inline]
fn is_candidate(b: &[u8], i: usize) -> bool {
    match b.get(i..i + 3) {
        _ if b[i] < 0x80 => true,
        Some([0xE3, 0x80, 0x82] | [0xE7, 0x82, 0xB9] | [0xEF, 0xBC, 0x8E] | [0xEF, 0xBD, 0xA1]) => {
            true
        }
        _ => false,
    }
}

/// Whether the byte at `i` starts something that may belong to a link.
/// The normalizer calls it too, at each character [`might_contain_link`]
/// would test, so that the engine need not walk the text twice.
pub(crate) fn trigger_at(b: &[u8], i: usize) -> bool {
    let n = b.len();
    match b[i] {
        b'.' => {
            let next = if i + 1 < n { b[i + 1] } else { 0 };
            if next.is_ascii_digit() && i > 0 && b[i - 1].is_ascii_digit() {
                // A number such as 3.50 or 1.2.3 is no link; a dotted quad
                // (an IP address) is: look for three dots in the digit run.
                let mut j = i;
                while j > 0 && (b[j - 1].is_ascii_digit() || b[j - 1] == b'.') {
                    j -= 1;
                }
                let mut k = i;
                while k < n && (b[k].is_ascii_digit() || b[k] == b'.') {
                    k += 1;
                }
                if b[j..k].iter().filter(|&&c| c == b'.').count() >= 3 {
                    return true;
                }
                return false;
            }
            if next.is_ascii_alphanumeric() || next == b']' || next == b')' || next == b'}' {
                return true;
            }
            if next == b' '
                && i + 2 < n
                && b[i + 2].is_ascii_alphanumeric()
                && i > 0
                && b[i - 1] == b' '
            {
                return true;
            }
        }
        b':' => {
            let rest = &b[i + 1..];
            if rest.starts_with(b"//") || rest.starts_with(b"]//") {
                return true;
            }
            let before = &b[..i];
            if ends_with_ignore_case(before, b"script") || ends_with_ignore_case(before, b"data") {
                return true;
            }
        }
        b'[' | b'(' if i + 4 < n && b[i + 1..i + 4].eq_ignore_ascii_case(b"dot") => {
            return true;
        }
        // 。 U+3002: E3 80 82
        0xE3 if i + 2 < n
            && b[i + 1] == 0x80
            && b[i + 2] == 0x82
            && dot_neighbours_ok(b, i, 3, false) =>
        {
            return true;
        }
        // ． U+FF0E: EF BC 8E; ｡ U+FF61: EF BD A1
        0xEF if i + 2 < n
            && ((b[i + 1] == 0xBC && b[i + 2] == 0x8E)
                || (b[i + 1] == 0xBD && b[i + 2] == 0xA1))
            && dot_neighbours_ok(b, i, 3, false) =>
        {
            return true;
        }
        // 点 U+70B9: E7 82 B9
        0xE7 if i + 2 < n
            && b[i + 1] == 0x82
            && b[i + 2] == 0xB9
            && dot_neighbours_ok(b, i, 3, true) =>
        {
            return true;
        }
        _ => {}
    }
    false
}

/// The pre-check as one pass over every byte: the jumping version must find
/// the same trigger positions.
#[cfg(test)]
fn might_contain_link_bytewise(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| trigger_at(b, i))
}

fn ends_with_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[hay.len() - needle.len()..].eq_ignore_ascii_case(needle)
}

/// Is the char ending right before byte `i` (skipping one space) ASCII or
/// full-width alphanumeric? Returns (alnum, letter).
fn alnum_before(b: &[u8], mut i: usize) -> (bool, bool) {
    if i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    if i == 0 {
        return (false, false);
    }
    let c = b[i - 1];
    if c.is_ascii_alphanumeric() {
        return (true, c.is_ascii_alphabetic());
    }
    if i >= 3 {
        return full_width_alnum(&b[i - 3..i]);
    }
    (false, false)
}

fn alnum_after(b: &[u8], mut j: usize) -> (bool, bool) {
    if j < b.len() && b[j] == b' ' {
        j += 1;
    }
    if j >= b.len() {
        return (false, false);
    }
    let c = b[j];
    if c.is_ascii_alphanumeric() {
        return (true, c.is_ascii_alphabetic());
    }
    if j + 3 <= b.len() {
        return full_width_alnum(&b[j..j + 3]);
    }
    (false, false)
}

/// Full-width digit or letter (U+FF10–FF19, FF21–FF3A, FF41–FF5A) as UTF-8.
fn full_width_alnum(s: &[u8]) -> (bool, bool) {
    match (s[0], s[1], s[2]) {
        (0xEF, 0xBC, 0x90..=0x99) => (true, false),
        (0xEF, 0xBC, 0xA1..=0xBA) | (0xEF, 0xBD, 0x81..=0x9A) => (true, true),
        _ => (false, false),
    }
}

fn dot_neighbours_ok(b: &[u8], i: usize, len: usize, need_letter: bool) -> bool {
    let (l, ll) = alnum_before(b, i);
    let (r, rl) = alnum_after(b, i + len);
    l && r && (!need_letter || ll || rl)
}

/// A copy of the text prepared for URL finding, with a map back to the original.
pub(crate) struct Normalized {
    /// The normalized text.
    pub text: String,
    /// The map back to the original text, in order of `text`: runs copied
    /// unchanged from the original, and single rewritten characters.
    segs: Vec<Seg>,
    /// True when defanged notation (hxxp, [.], [:]) was undone.
    pub defanged: bool,
}

/// A piece of the normalized text and where it came from.
#[derive(Clone, Copy, Debug)]
struct Seg {
    /// First byte in the normalized text.
    norm: usize,
    /// Length in the normalized text.
    len: usize,
    /// Start in the original text.
    start: usize,
    /// End in the original text (for a copied run: `start + len`).
    end: usize,
    /// True for a run copied byte for byte; false for one rewritten char
    /// whose every byte maps to `start..end`.
    same: bool,
}

impl Normalized {
    /// Appends one rewritten char that came from `start..end`.
    fn push(&mut self, c: char, start: usize, end: usize) {
        let norm = self.text.len();
        self.text.push(c);
        self.segs.push(Seg {
            norm,
            len: c.len_utf8(),
            start,
            end,
            same: false,
        });
    }

    /// Appends `orig[start..end]` unchanged.
    fn push_same(&mut self, s: &str, start: usize) {
        let norm = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.segs.last_mut() {
            if last.same && last.end == start && last.norm + last.len == norm {
                last.len += s.len();
                last.end += s.len();
                return;
            }
        }
        self.segs.push(Seg {
            norm,
            len: s.len(),
            start,
            end: start + s.len(),
            same: true,
        });
    }

    fn pop(&mut self) -> Option<(char, usize, usize)> {
        let c = self.text.pop()?;
        let n = c.len_utf8();
        let last = self.segs.last_mut()?;
        let (start, end) = if last.same {
            last.len -= n;
            last.end -= n;
            (last.end, last.end + n)
        } else {
            last.len = 0;
            (last.start, last.end)
        };
        if last.len == 0 {
            self.segs.pop();
        }
        Some((c, start, end))
    }

    /// The original range of the char that byte `k` of `text` belongs to.
    fn original_char(&self, k: usize) -> (usize, usize) {
        let i = self.segs.partition_point(|g| g.norm + g.len <= k);
        let g = self.segs[i];
        if !g.same {
            return (g.start, g.end);
        }
        let mut cs = k;
        while !self.text.is_char_boundary(cs) {
            cs -= 1;
        }
        let clen = self.text[cs..].chars().next().map_or(1, char::len_utf8);
        let off = g.start + (cs - g.norm);
        (off, off + clen)
    }

    /// The original byte span of a span of the normalized text.
    pub fn original_span(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            if r.start < self.text.len() {
                return self.original_char(r.start).0..self.original_char(r.start).0;
            }
            return 0..0;
        }
        self.original_char(r.start).0..self.original_char(r.end - 1).1
    }
}

/// Whether byte `b` of `t` at `i` starts a character that [`normalize`]
/// copies unchanged whatever its neighbours: ASCII other than `.`, brackets
/// and `h`, and CJK ideographs other than `。` and `点`. Returns its length.
#[inline]
fn plain_len(t: &[u8], i: usize) -> usize {
    let b = t[i];
    if b < 0x80 {
        return match b {
            b'.' | b'[' | b'(' | b'{' | b'h' | b'H' => 0,
            _ => 1,
        };
    }
    if (0xE3..=0xE9).contains(&b) && i + 2 < t.len() {
        let (b1, b2) = (t[i + 1], t[i + 2]);
        // 。 E3 80 82, 点 E7 82 B9; the rest of E3..E9 are CJK and kana
        // letters, symbols and punctuation that normalize keeps as is.
        if (b == 0xE3 && b1 == 0x80 && b2 == 0x82) || (b == 0xE7 && b1 == 0x82 && b2 == 0xB9) {
            return 0;
        }
        if (b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 {
            return 3;
        }
    }
    0
}

fn is_dot_like(c: char) -> bool {
    matches!(c, '.' | '。' | '｡' | '．' | '点')
}

/// Normalizes `text` for URL finding (see the module docs).
pub(crate) fn normalize(text: &str) -> Normalized {
    let mut n = Normalized {
        text: String::with_capacity(text.len()),
        segs: Vec::new(),
        defanged: false,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        // Runs of characters copied unchanged, in one go.
        let mut j = i;
        loop {
            if j >= bytes.len() {
                break;
            }
            let l = plain_len(bytes, j);
            if l == 0 {
                break;
            }
            j += l;
        }
        if j > i {
            n.push_same(&text[i..j], i);
            i = j;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let end = i + c.len_utf8();
        match c {
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            '[' | '(' | '{' => {
                if let Some((rep, len)) = defang_bracket(&text[i..]) {
                    n.push(rep, i, i + len);
                    n.defanged = true;
                    i += len;
                    continue;
                }
                n.push(c, i, end);
            }
            'h' | 'H'
                if text.len() >= i + 4
                    && text.as_bytes()[i + 1..i + 4].eq_ignore_ascii_case(b"xxp")
                    && !n.text.ends_with(|p: char| p.is_ascii_alphanumeric()) =>
            {
                for (k, r) in "http".chars().enumerate() {
                    n.push(r, i + k, i + k + 1);
                }
                n.defanged = true;
                i += 4;
                continue;
            }
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                n.push(ascii, i, end);
            }
            '：' if text[end..].starts_with("//") || text[end..].starts_with("／／") => {
                n.push(':', i, end);
            }
            '／' if n.text.ends_with(|p: char| p.is_ascii_graphic()) => n.push('/', i, end),
            // Other full-width ASCII punctuation (－ ？ ＝ ＆ ＿ ％ …) inside a
            // full-width URL: fold it only between an ASCII character and a
            // full-width or ASCII letter/digit, so that Chinese punctuation
            // after a link (，。！？) stays a terminator.
            '\u{FF01}'..='\u{FF5E}'
                if n.text.ends_with(|p: char| p.is_ascii_graphic())
                    && starts_with_url_alnum(&text[end..]) =>
            {
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                n.push(ascii, i, end);
            }
            _ if is_dot_like(c) => {
                i = push_dot_like(&mut n, text, c, i, end);
                continue;
            }
            _ => n.push_same(&text[i..end], i),
        }
        i = end;
    }
    n
}

/// True when [`normalize`] would return `text` unchanged (and not defanged).
/// Conservative: it may answer false for a text that normalize leaves alone
/// (e.g. any `.` next to a space), never true for one it changes. It mirrors
/// the cases of normalize: only the characters that normalize may rewrite are
/// looked at, with the same conditions or weaker ones.
pub(crate) fn normalize_is_identity(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let len = (CHAR_CLASS[c as usize] & LEN_MASK) as usize;
        let changed = match c {
            b'[' | b'(' | b'{' => defang_bracket(&text[i..]).is_some(),
            b'h' | b'H' => b.len() >= i + 4 && b[i + 1..i + 4].eq_ignore_ascii_case(b"xxp"),
            b'.' => (i > 0 && b[i - 1] == b' ') || b.get(i + 1) == Some(&b' '),
            0..=0x7F => false,
            // Every character below starts with one of these bytes; most
            // of a Chinese message (ideographs from U+4E00 on lead with E4
            // to E9) is skipped without decoding.
            0xC2 | 0xE2 | 0xE3 | 0xE7 | 0xEF => {
                let Some(ch) = text[i..].chars().next() else {
                    return false;
                };
                let prev_ascii_graphic = i > 0 && b[i - 1].is_ascii_graphic();
                match ch {
                    '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => true,
                    // Full-width letters and digits always fold; `．` always
                    // becomes `.`.
                    '\u{FF10}'..='\u{FF19}'
                    | '\u{FF21}'..='\u{FF3A}'
                    | '\u{FF41}'..='\u{FF5A}'
                    | '．' => true,
                    '：' if text[i + len..].starts_with("//")
                        || text[i + len..].starts_with("／／") =>
                    {
                        true
                    }
                    '／' => prev_ascii_graphic,
                    // Other full-width punctuation folds only between ASCII
                    // and a letter or digit (as in `normalize`): a `，`
                    // after a link and before Chinese text stays.
                    '\u{FF01}'..='\u{FF5E}' => {
                        prev_ascii_graphic && starts_with_url_alnum(&text[i + len..])
                    }
                    // Wide dots fold only between letters or digits.
                    '。' | '｡' | '点' => dot_neighbours_ok(b, i, len, false),
                    _ => false,
                }
            }
            _ => false,
        };
        if changed {
            return false;
        }
        i += len;
    }
    true
}

/// Handles a dot-like char at `i..end`; returns the next index to read.
fn push_dot_like(n: &mut Normalized, text: &str, c: char, i: usize, end: usize) -> usize {
    let b = text.as_bytes();
    let (l, ll) = alnum_before(b, i);
    let (r, rl) = alnum_after(b, end);
    let spaced_before = i > 0 && b[i - 1] == b' ';
    let spaced_after = end < b.len() && b[end] == b' ';
    // ASCII '.' with spaces around is only folded with spaces on both sides.
    let ok = l
        && r
        && (c != '点' || ll || rl)
        && (c != '.' || (spaced_before && spaced_after) || (!spaced_before && !spaced_after));
    if !ok {
        // Full-width full stop is NFKC '.', keep that mapping anyway.
        let out = if c == '．' { '.' } else { c };
        n.push(out, i, end);
        return end;
    }
    let mut start = i;
    if spaced_before && n.text.ends_with(' ') {
        if let Some((_, s, _)) = n.pop() {
            start = s;
        }
    }
    let mut stop = end;
    if spaced_after {
        stop += 1;
    }
    n.push('.', start, stop);
    stop
}

/// `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)` → `.`; `[:]` → `:`. Returns the
/// replacement and the length of the written form.
fn defang_bracket(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let close = match b.first()? {
        b'[' => b']',
        b'(' => b')',
        b'{' => b'}',
        _ => return None,
    };
    if b.len() >= 3 && b[2] == close {
        return match b[1] {
            b'.' => Some(('.', 3)),
            b':' if b[0] == b'[' => Some((':', 3)),
            _ => None,
        };
    }
    if b.len() >= 5 && b[1..4].eq_ignore_ascii_case(b"dot") && b[4] == close {
        return Some(('.', 5));
    }
    None
}

/// Does `s` start with an ASCII or full-width letter or digit? A full-width
/// punctuation mark after ASCII folds to ASCII only before one of these, so
/// that Chinese punctuation after a link (，。！？) stays a terminator.
fn starts_with_url_alnum(s: &str) -> bool {
    s.chars().next().is_some_and(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
    })
}

/// CJK and other wide characters (and emoji): never part of an ASCII label.
fn is_cjk_like(c: char) -> bool {
    c as u32 >= 0x2E80
}

/// Is `c` a character that may appear in a URL host other than letters/digits?
fn is_authority_punct(c: char) -> bool {
    matches!(
        c,
        '-' | '.'
            | '_'
            | '~'
            | '%'
            | '!'
            | '$'
            | '&'
            | '\''
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | ';'
            | '='
            | ':'
            | '@'
            | '['
            | ']'
    )
}

/// Trims trailing punctuation and unbalanced closing brackets from `s[start..end]`.
fn trim_end(s: &str, start: usize, mut end: usize) -> usize {
    loop {
        let Some(last) = s[start..end].chars().next_back() else {
            return end;
        };
        let drop = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '"' | '*' | '-' => true,
            ')' | ']' | '}' => {
                let open = match last {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                let body = &s[start..end];
                body.matches(open).count() < body.matches(last).count()
            }
            _ => false,
        };
        if !drop {
            return end;
        }
        end -= last.len_utf8();
    }
}

/// Scans a URL around the `://` at byte `p` of `s`.
fn scan_scheme_url(s: &str, p: usize) -> Option<Range<usize>> {
    let b = s.as_bytes();
    let mut start = p;
    while start > 0 && (b[start - 1].is_ascii_alphanumeric() || b"+-.".contains(&b[start - 1])) {
        start -= 1;
    }
    while start < p && !b[start].is_ascii_alphabetic() {
        start += 1;
    }
    if start == p || p - start > 32 {
        return None;
    }
    let body = p + 3;
    let mut end = s.len();
    let mut path_start = None;
    // Whether the current host label started with an ASCII char.
    let mut label_ascii: Option<bool> = None;
    for (off, c) in s[body..].char_indices() {
        let idx = body + off;
        if matches!(c, '/' | '?' | '#' | '\\') {
            path_start = Some(idx);
            break;
        }
        if c == '.' || c == '@' || c == ':' {
            label_ascii = None;
            continue;
        }
        if c.is_ascii_alphanumeric() || is_authority_punct(c) {
            label_ascii.get_or_insert(true);
            continue;
        }
        if c.is_ascii() {
            end = idx;
            break;
        }
        if is_cjk_like(c) && (label_ascii == Some(true) || !c.is_alphanumeric()) {
            end = idx;
            break;
        }
        if !c.is_alphanumeric() {
            end = idx;
            break;
        }
        label_ascii.get_or_insert(false);
    }
    if let Some(ps) = path_start {
        end = s.len();
        for (off, c) in s[ps..].char_indices() {
            if !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '`') {
                end = ps + off;
                break;
            }
        }
    }
    let end = trim_end(s, start, end);
    (end > body).then_some(start..end)
}

/// Finds `javascript:`, `vbscript:` and `data:` URLs in `s`.
fn scan_script_urls(s: &str, out: &mut Vec<(Range<usize>, String, Option<Url>)>) {
    let b = s.as_bytes();
    for colon in memchr::memchr_iter(b':', b) {
        let before = &b[..colon];
        let word_len = if ends_with_ignore_case(before, b"javascript") {
            10
        } else if ends_with_ignore_case(before, b"vbscript") {
            8
        } else if ends_with_ignore_case(before, b"data") {
            4
        } else {
            continue;
        };
        let start = colon - word_len;
        if start > 0 && b[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut end = s.len();
        for (off, c) in s[colon + 1..].char_indices() {
            if c.is_whitespace() || is_cjk_like(c) || matches!(c, '"' | '<' | '>' | '`') {
                end = colon + 1 + off;
                break;
            }
        }
        let end = trim_end(s, start, end);
        let bodytext = &s[colon + 1..end.max(colon + 1)];
        let ok = if word_len == 4 {
            // data:<mime>[;base64],<payload>
            bodytext
                .split_once(',')
                .is_some_and(|(mime, _)| mime.contains('/'))
        } else {
            !bodytext.is_empty() && !bodytext.starts_with("//")
        };
        if ok {
            out.push((start..end, s[start..end].to_string(), None));
        }
    }
}

/// Top-level domains that are also common file extensions: a bare `name.ext`
/// without scheme, `www.` or path is taken for a file name, not a link.
const FILE_LIKE_TLDS: &[&str] = &["zip", "mov", "py", "rs", "sh", "md", "pl", "ps", "so"];

/// Generic top-level domains accepted for a bare `name.tld` written without
/// scheme, `www.` or path (two-letter country codes are always accepted). The
/// public suffix list also knows brand TLDs such as `.next`, which would turn
/// "fine.Next" into a link.
const COMMON_GTLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "asia",
    "edu",
    "gov",
    "int",
    "top",
    "xyz",
    "vip",
    "club",
    "shop",
    "site",
    "online",
    "store",
    "tech",
    "app",
    "dev",
    "live",
    "fun",
    "icu",
    "buzz",
    "cyou",
    "work",
    "ltd",
    "link",
    "click",
    "win",
    "bond",
    "sbs",
    "cfd",
    "rest",
    "monster",
    "loan",
    "kim",
    "men",
    "wang",
    "ren",
    "ink",
    "art",
    "blog",
    "cloud",
    "email",
    "games",
    "group",
    "life",
    "love",
    "news",
    "one",
    "page",
    "plus",
    "run",
    "space",
    "today",
    "website",
    "world",
    "zone",
    "network",
    "services",
    "support",
    "center",
    "company",
    "help",
    "host",
    "cool",
    "media",
    "city",
    "global",
    "digital",
    "fit",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "pw",
    "cc",
    "tv",
    "me",
    "io",
    "ai",
    "co",
    "ly",
    "gd",
    "im",
    "so",
    "to",
    "xin",
    "shouji",
    "beer",
    "lol",
    "mom",
    "pics",
    "quest",
    "hair",
    "skin",
    "makeup",
    "homes",
    "autos",
    "boats",
    "yachts",
    "motorcycles",
    "baby",
    "tel",
    "travel",
    "jobs",
    "museum",
    "social",
    "finance",
    "money",
    "credit",
    "bank",
    "pay",
    "cash",
    "fund",
    "vin",
    "red",
    "blue",
    "pink",
    "black",
    "gold",
    "chat",
    "wiki",
    "video",
    "tube",
    "cam",
    "show",
    "party",
];

/// Checks a candidate and returns the URL to report with its parse, or
/// `None` to drop it.
fn validate(candidate: &str, has_scheme: bool) -> Option<(String, Url)> {
    let url_text = if has_scheme {
        candidate.to_string()
    } else {
        format!("http://{candidate}")
    };
    let parsed = Url::parse(&url_text).ok()?;
    let special = matches!(parsed.scheme(), "http" | "https" | "ftp" | "ws" | "wss");
    if !special {
        return has_scheme.then_some((url_text, parsed));
    }
    match parsed.host()? {
        Host::Domain(d) => {
            let host = d.trim_end_matches('.').to_ascii_lowercase();
            let dom = psl::domain(host.as_bytes())?;
            if !dom.suffix().is_known() {
                return None;
            }
            if !has_scheme && !candidate.contains('/') && !host.starts_with("www.") {
                let suffix = std::str::from_utf8(dom.suffix().as_bytes()).unwrap_or("");
                let tld = suffix.rsplit('.').next().unwrap_or("");
                if dom.as_bytes().len() == host.len() && FILE_LIKE_TLDS.contains(&suffix) {
                    return None;
                }
                if tld.len() != 2 && !COMMON_GTLDS.contains(&tld) {
                    return None;
                }
            }
        }
        Host::Ipv4(_) => {
            if !has_scheme {
                // Only a plain dotted quad followed by a port or a path: "1.2.3.4"
                // alone is as likely a version number.
                let host_part = candidate.split(['/', ':']).next().unwrap_or("");
                let dotted = host_part.split('.').count() == 4
                    && host_part
                        .split('.')
                        .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
                if !dotted || host_part.len() == candidate.len() {
                    return None;
                }
            }
        }
        Host::Ipv6(_) => {}
    }
    Some((url_text, parsed))
}

/// All links in `text`, in order, non-overlapping, with spans in the original text.
pub fn find_links(text: &str) -> Vec<FoundLink> {
    if !might_contain_link(text) {
        return Vec::new();
    }
    find_links_unchecked(text)
}

/// [`find_links`] for a text that passed [`might_contain_link`] (the engine
/// has already run the pre-check).
pub(crate) fn find_links_unchecked(text: &str) -> Vec<FoundLink> {
    find_links_parsed(text)
        .into_iter()
        .map(|(l, _)| l)
        .collect()
}

/// [`find_links_unchecked`] that also hands over the parse of each URL, for
/// `LinkPolicy::analyze_found` (so the engine parses each URL once).
pub(crate) fn find_links_parsed(text: &str) -> Vec<(FoundLink, Option<Url>)> {
    // Most texts have nothing to normalize: then work on the text itself,
    // without the copy and its byte map.
    if normalize_is_identity(text) {
        find_in(text, text, None)
    } else {
        let n = normalize(text);
        find_in(text, &n.text, Some(&n))
    }
}

/// Links in `s`, the normalized form of `text`, each with the parse of its
/// URL (`None` for script URLs, which are not parsed); `map` leads back from
/// `s` to `text` (`None` when they are the same).
fn find_in(text: &str, s: &str, map: Option<&Normalized>) -> Vec<(FoundLink, Option<Url>)> {
    let mut found: Vec<(Range<usize>, String, Option<Url>)> = Vec::new();

    // URLs with a scheme: our own scanner (handles IDN hosts).
    for p in memchr::memmem::find_iter(s.as_bytes(), b"://") {
        if found.iter().any(|(r, _, _)| r.contains(&p)) {
            continue;
        }
        if let Some(r) = scan_scheme_url(s, p) {
            if let Some((url, parsed)) = validate(&s[r.clone()], true) {
                found.push((r, url, Some(parsed)));
            }
        }
    }
    scan_script_urls(s, &mut found);

    // URLs without a scheme: linkify in ASCII mode. It finds those only
    // around a '.', and a link that overlaps one found above is dropped:
    // when every dot lies in such a link (a message with one http link),
    // it has nothing to add.
    let strong = found.len();
    let dot_outside = memchr::memchr_iter(b'.', s.as_bytes())
        .any(|p| !found.iter().any(|(r, _, _)| r.contains(&p)));
    if dot_outside {
        let mut finder = LinkFinder::new();
        finder
            .url_must_have_scheme(false)
            .url_can_be_iri(false)
            .kinds(&[LinkKind::Url, LinkKind::Email]);
        for link in finder.links(s) {
            if *link.kind() != LinkKind::Url {
                continue;
            }
            let (mut start, end) = (link.start(), link.end());
            if found[..strong]
                .iter()
                .any(|(r, _, _)| r.start < end && start < r.end)
            {
                continue;
            }
            if link.as_str().contains("://") {
                continue;
            }
            // Pull in non-ASCII, non-CJK letters before the match: linkify's ASCII
            // mode would cut "wеchat.com" (Cyrillic е) to "chat.com".
            if s[..start]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_ascii() && c.is_alphanumeric() && !is_cjk_like(c))
            {
                for c in s[..start].chars().rev() {
                    if (c.is_alphanumeric() && !is_cjk_like(c)) || c == '-' {
                        start -= c.len_utf8();
                    } else {
                        break;
                    }
                }
            }
            if let Some((url, parsed)) = validate(&s[start..end], false) {
                found.push((start..end, url, Some(parsed)));
            }
        }
    }

    found.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = Vec::with_capacity(found.len());
    let mut last_end = 0;
    for (r, url, parsed) in found {
        if r.start < last_end {
            continue;
        }
        last_end = r.end;
        let span = match map {
            Some(n) => n.original_span(r),
            None => r,
        };
        let link = FoundLink {
            text: text[span.clone()].to_string(),
            span,
            url,
        };
        out.push((link, parsed));
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn jumping_pre_check_agrees_with_the_bytewise_one(
            parts in proptest::collection::vec(prop_oneof![
                Just("."), Just("。"), Just("．"), Just("｡"), Just("点"), Just(":"), Just("://"), Just("[dot]"), Just("(dot)"),
                Just("[.]"), Just(" . "), Just("1.2.3.4"), Just("3.5"), Just("javascript:"), Just("data:"), Just("ａ"),
                Just("weixin"), Just("qq"), Just("com"), Just("好"), Just(" "), Just("7"), Just("]//"),
            ], 0..12)
        ) {
            let text = parts.concat();
            prop_assert_eq!(might_contain_link(&text), might_contain_link_bytewise(&text), "{:?}", text);
        }

        #[test]
        fn identity_check_never_skips_a_rewrite(
            parts in proptest::collection::vec(prop_oneof![
                Just("."), Just(" . "), Just("。"), Just("．"), Just("｡"), Just("点"), Just(" 。 "), Just("://"), Just("：//"),
                Just("：／／"), Just("／"), Just("，"), Just("？"), Just("－"), Just("：a"), Just("／好"), Just("，b"), Just("？１"), Just("[.]"), Just("(.)"), Just("{.}"), Just("[:]"),
                Just("[dot]"), Just("(DOT)"), Just("[x]"), Just("hxxp"), Just("hXXps"), Just("http"), Just("h"), Just("ａ"),
                Just("Ｚ"), Just("１"), Just("\u{200B}"), Just("\u{FEFF}"), Just("\u{00AD}"), Just("www"), Just("weixin"),
                Just("qq"), Just("com"), Just("好"), Just("微信"), Just(" "), Just("7"), Just("/a?b=1"), Just("💥"), Just("é"),
            ], 0..12)
        ) {
            let text = parts.concat();
            if normalize_is_identity(&text) {
                let n = normalize(&text);
                prop_assert_eq!(n.text.as_str(), text.as_str());
                prop_assert!(!n.defanged);
            }
        }

        #[test]
        fn fast_path_finds_the_same_links_as_the_normalized_one(
            parts in proptest::collection::vec(prop_oneof![
                Just("https://"), Just("http://"), Just("hxxps[:]//"), Just("www."), Just("weixin"), Just("qq"), Just(".com"),
                Just(".top/a?b=1"), Just("。"), Just("点"), Just("．"), Just("｡"), Just(" . "), Just("ｗｅｉｘｉｎ"), Just("．ｃｎ"),
                Just("[.]"), Just("(.)"), Just("点击"), Just("立即申诉"), Just("，"), Just("："), Just(" "), Just("1.2.3.4"),
                Just(":8080/x"), Just("\u{200B}"), Just("javascript:alert(1)"), Just("微信安全中心"), Just("wеchat"), Just("/"),
                Just("("), Just(")"), Just("e@x.com"),
            ], 0..10)
        ) {
            let text = parts.concat();
            // The slow path: always through the normalized copy and its map.
            let n = normalize(&text);
            let slow: Vec<FoundLink> = find_in(&text, &n.text, Some(&n)).into_iter().map(|(l, _)| l).collect();
            if might_contain_link(&text) {
                prop_assert_eq!(find_links(&text), slow, "{:?}", text);
            }
        }

        #[test]
        fn pre_check_agrees_with_the_bytewise_one_on_random_text(
            text in "[a-zA-Z0-9.:(\\[\\]/ 。．｡点好，ａＺ１é💥\u{200B}]{0,24}"
        ) {
            prop_assert_eq!(might_contain_link(&text), might_contain_link_bytewise(&text), "{:?}", text);
        }
    }

    use super::*;

    fn texts(t: &str) -> Vec<String> {
        let links = find_links(t);
        for l in &links {
            assert_eq!(
                &t[l.span.clone()],
                l.text,
                "span must match the original slice"
            );
        }
        links.into_iter().map(|l| l.text).collect()
    }

    fn urls(t: &str) -> Vec<String> {
        find_links(t).into_iter().map(|l| l.url).collect()
    }

    #[test]
    fn precheck_rejects_plain_chat() {
        for t in [
            "",
            "你好，今天吃饭了吗？",
            "我们明天见。ok。好的",
            "好的。Thanks! See you. Bye",
            "价格：100元，时间：下午三点",
            "3点钟见",
            "幼儿园通知1.24放假，金额3.50元，版本1.2.3",
        ] {
            assert!(!might_contain_link(t), "{t}");
        }
        for t in [
            "www.x.com",
            "点击www.x.top申请",
            "weixin。qq。com",
            "weixin点qq点com",
            "ｗｅｉｘｉｎ．ｑｑ．ｃｏｍ",
            "evil[.]com",
            "hxxps[:]//evil",
            "https://微信安全中心.com",
            "javascript:alert(1)",
            "weixin . qq . com",
            "weixin 。 qq 。 com",
            "go 10.1.2.3:8080/admin",
            "123.com",
            "1.2.cn",
        ] {
            assert!(might_contain_link(t), "{t}");
        }
    }

    #[test]
    fn with_and_without_scheme() {
        assert_eq!(
            texts("see https://example.com/a?b=1 now"),
            ["https://example.com/a?b=1"]
        );
        assert_eq!(texts("go to www.x.com"), ["www.x.com"]);
        assert_eq!(texts("访问wx-safe.cn/a解封"), ["wx-safe.cn/a"]);
        assert_eq!(urls("访问wx-safe.cn/a解封"), ["http://wx-safe.cn/a"]);
        assert_eq!(texts("点击www.x.top申请"), ["www.x.top"]);
        assert_eq!(
            urls("点击www.wx-jiefeng.cn立即申诉"),
            ["http://www.wx-jiefeng.cn"]
        );
        assert_eq!(
            texts("登录https://weixin110.qq.com.xyz.top/appeal立即处理"),
            ["https://weixin110.qq.com.xyz.top/appeal"]
        );
    }

    #[test]
    fn dots_written_otherwise() {
        assert_eq!(texts("打开 weixin。qq。com 申诉"), ["weixin。qq。com"]);
        assert_eq!(urls("打开 weixin。qq。com 申诉"), ["http://weixin.qq.com"]);
        assert_eq!(texts("打开weixin点qq点com申诉"), ["weixin点qq点com"]);
        assert_eq!(
            texts("打开ｗｅｉｘｉｎ．ｑｑ．ｃｏｍ申诉"),
            ["ｗｅｉｘｉｎ．ｑｑ．ｃｏｍ"]
        );
        assert_eq!(
            urls("打开ｗｅｉｘｉｎ．ｑｑ．ｃｏｍ申诉"),
            ["http://weixin.qq.com"]
        );
        assert_eq!(
            texts("网址 weixin 。 qq 。 com 哦"),
            ["weixin 。 qq 。 com"]
        );
        assert_eq!(texts("go weixin . qq . com now"), ["weixin . qq . com"]);
        assert_eq!(texts("打开weixin｡qq｡com"), ["weixin｡qq｡com"]);
        // Zero-width characters inside a link.
        assert_eq!(urls("wei\u{200B}xin.qq.com"), ["http://weixin.qq.com"]);
    }

    #[test]
    fn full_width_urls() {
        let t = "请于１小时内点击 ｈｔｔｐ：／／９５５８８－ａｎｑｕａｎ．ｔｏｐ／ 完成身份验证";
        assert_eq!(urls(t), ["http://95588-anquan.top/"]);
        let t =
            "请点击ｈｔｔｐ：／／ａｌｉｐａｙｓｈｅｎｓｕ．ｉｎｆｏ／ｖｅｒｉｆｙ？ｉｄ＝ａ１，快";
        assert_eq!(urls(t), ["http://alipayshensu.info/verify?id=a1"]);
        assert_eq!(
            urls("打开ｗｘ－ｊｉｅｆｅｎｇ．ｃｎ？好吗？"),
            ["http://wx-jiefeng.cn"]
        );
    }

    #[test]
    fn defanged() {
        assert_eq!(
            texts("hxxps://evil[.]com/login"),
            ["hxxps://evil[.]com/login"]
        );
        assert_eq!(urls("hxxps://evil[.]com/login"), ["https://evil.com/login"]);
        assert_eq!(urls("evil(.)top/x"), ["http://evil.top/x"]);
        assert_eq!(urls("hXXp[:]//evil[dot]top"), ["http://evil.top"]);
    }

    #[test]
    fn ip_hosts_and_userinfo() {
        assert_eq!(
            texts("见http://123.45.67.89:8080/x?a=1。"),
            ["http://123.45.67.89:8080/x?a=1"]
        );
        assert_eq!(texts("x http://0x7f.1/ y"), ["http://0x7f.1/"]);
        assert_eq!(texts("x http://2130706433/ y"), ["http://2130706433/"]);
        assert_eq!(texts("x http://[::1]:443/a y"), ["http://[::1]:443/a"]);
        assert_eq!(texts("go 10.1.2.3:8080/admin"), ["10.1.2.3:8080/admin"]);
        assert!(texts("版本1.2.3.4更新").is_empty());
        assert_eq!(
            texts("链接：https://weixin110.qq.com@203.0.113.9/，快"),
            ["https://weixin110.qq.com@203.0.113.9/"]
        );
        assert_eq!(
            texts("链接：https://weixin.qq.com@evil.com/login，快"),
            ["https://weixin.qq.com@evil.com/login"]
        );
    }

    #[test]
    fn trailing_punctuation_and_brackets() {
        assert_eq!(
            texts("客服（https://kf.wx-help.top/chat）在线"),
            ["https://kf.wx-help.top/chat"]
        );
        assert_eq!(
            texts("客服(https://kf.wx-help.top/chat)在线"),
            ["https://kf.wx-help.top/chat"]
        );
        assert_eq!(texts("see (www.x.com) ok"), ["www.x.com"]);
        assert_eq!(
            texts("wiki https://en.wikipedia.org/wiki/A_(b) ok"),
            ["https://en.wikipedia.org/wiki/A_(b)"]
        );
        assert_eq!(texts("点此http://bit.ly/3abc…"), ["http://bit.ly/3abc"]);
        for p in [
            "，", "。", "！", "？", "、", "；", "：", "）", "」", "』", "】", "…",
        ] {
            let t = format!("打开https://a.com/x{p}好");
            assert_eq!(texts(&t), ["https://a.com/x"], "{t}");
            let t = format!("打开www.a.com{p}好");
            assert_eq!(texts(&t), ["www.a.com"], "{t}");
        }
        assert_eq!(texts("Visit https://a.com/x. Then"), ["https://a.com/x"]);
    }

    #[test]
    fn not_links() {
        assert!(texts("联系QQ邮箱 jiefeng@qq.com").is_empty());
        assert!(texts("e.g. this is fine.Next").is_empty());
        assert!(texts("版本号1.2.3，金额3.50元").is_empty());
        assert!(texts("我们明天见。ok。好的").is_empty());
        assert!(texts("see report.pdf and readme.txt and main.rs").is_empty());
        assert!(texts("下午3点20分").is_empty());
    }

    #[test]
    fn idn_and_mixed_script_hosts() {
        assert_eq!(
            texts("【微信】https://微信安全中心.com/解封"),
            ["https://微信安全中心.com/"]
        );
        assert_eq!(
            texts("【微信】https://微信安全中心.com解封"),
            ["https://微信安全中心.com"]
        );
        assert_eq!(
            texts("go https://wеchat.com/x now"),
            ["https://wеchat.com/x"]
        );
        assert_eq!(texts("go wеchat.com now"), ["wеchat.com"]);
    }

    #[test]
    fn script_schemes() {
        assert_eq!(texts("点 javascript:alert(1) 看"), ["javascript:alert(1)"]);
        assert_eq!(
            texts("x data:text/html;base64,PHNjcmlwdD4= y"),
            ["data:text/html;base64,PHNjcmlwdD4="]
        );
        assert!(texts("metadata:none").is_empty());
    }

    #[test]
    fn several_links_in_order() {
        let t = "先看https://a.com，再看www.b.cn/x。还有 c.org";
        assert_eq!(texts(t), ["https://a.com", "www.b.cn/x", "c.org"]);
        let links = find_links(t);
        assert!(links.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }

    #[test]
    fn spans_are_char_boundaries_on_odd_input() {
        for t in [
            "ｗｗｗ．ｘ．ｃｏｍ／ａ",
            "a.com\u{200B}",
            "[.]",
            "hxxp",
            "://",
            "a。",
            "。b",
            "点",
            "x点y点com",
            "https://",
            "http://[",
            "💥https://a.com💥",
        ] {
            for l in find_links(t) {
                assert!(t.is_char_boundary(l.span.start) && t.is_char_boundary(l.span.end));
                assert_eq!(&t[l.span.clone()], l.text);
            }
        }
    }
}
