//! Masking of personal numbers in output: verification codes, phone numbers,
//! ID-card numbers and bank-card numbers.
//!
//! Redaction only changes what is *shown*: classify the original text, then
//! redact the text and the verdict for display. Every masked character is
//! replaced by a mask of the same byte length (`*` for an ASCII digit, `＊`
//! for a full-width one), so byte offsets and character boundaries do not
//! move and a verdict's spans still slice the redacted text.
//!
//! What is masked (digits may be ASCII or full-width; a number must not be
//! glued to other digits or ASCII letters, so `jf8888` or an order number
//! inside a word stay as they are):
//!
//! | what | recognised as | shown as |
//! | --- | --- | --- |
//! | mobile number | 11 digits `1[3-9]…`, optionally `+86`/`0086`, or written `138 1234 5678` / `138-1234-5678` | `138****5678` |
//! | ID-card number | 18 characters (17 digits and a digit or `X`), 15 digits, or written `6 8 4` | `1****************X` |
//! | bank-card number | 16 to 19 digits, or written in groups of four | `************1234` |
//! | verification code | 4 to 8 digits (spaces allowed between them) within 20 characters of 验证码, 校验码, 动态码, code, OTP, PIN... | `******` |
//!
//! ```
//! use fanzha::redact::redact;
//! assert_eq!(redact("验证码 583920，请勿告诉他人"), "验证码 ******，请勿告诉他人");
//! assert_eq!(redact("call 13812345678"), "call 138****5678");
//! assert_eq!(redact("加V jf8888"), "加V jf8888");
//! ```

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::Verdict;

/// Words that make a nearby short number a verification code (matched on
/// ASCII-lowercased text).
const CODE_WORDS: &[&str] = &[
    "验证码",
    "驗證碼",
    "校验码",
    "校驗碼",
    "动态码",
    "動態碼",
    "动态密码",
    "確認碼",
    "确认码",
    "认证码",
    "認證碼",
    "短信码",
    "激活码",
    "安全码",
    "code",
    "otp",
    "pin",
    "passcode",
    "password",
];

/// How many characters around a short number are searched for a code word.
const CODE_WINDOW_CHARS: usize = 20;

/// One digit (or the final `X` of an ID number) of a candidate number.
#[derive(Clone, Copy)]
struct Digit {
    /// Byte offset in the text.
    at: usize,
    /// Byte length (1 for ASCII, 3 for full-width).
    len: usize,
    /// The digit's value as an ASCII byte (`b'X'` for the ID check character).
    value: u8,
}

/// What a number was recognised as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Phone,
    IdCard,
    BankCard,
    Code,
}

fn digit_at(text: &str, i: usize) -> Option<(u8, usize)> {
    let b = text.as_bytes();
    match b.get(i)? {
        c @ b'0'..=b'9' => Some((*c, 1)),
        0xEF if b.get(i + 1) == Some(&0xBC) && matches!(b.get(i + 2), Some(0x90..=0x99)) => {
            Some((b'0' + (b[i + 2] - 0x90), 3))
        }
        _ => None,
    }
}

/// True when the character ending at byte `i` (exclusive) / starting at `i`
/// glues a number to a word: an ASCII letter or digit, or a full-width one.
fn glued(text: &str, i: usize, before: bool) -> bool {
    let mut chars: Box<dyn Iterator<Item = char>> = if before {
        Box::new(text[..i].chars().rev())
    } else {
        Box::new(text[i..].chars())
    };
    let is_mask = |c: char| matches!(c, '*' | '＊');
    match chars.next() {
        // A mask next to digits, or one separator away, is an already redacted
        // number (this keeps `redact` idempotent).
        Some(c) if is_separator(c) => chars.next().is_some_and(is_mask),
        Some(c) => {
            c.is_ascii_alphanumeric() || ('０'..='９').contains(&c) || c == '_' || is_mask(c)
        }
        None => false,
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{3000}' | '\u{00A0}')
}

/// Every digit of the text in `digits`; returns the runs (ranges of
/// `digits` with no separator inside) and the groups (ranges of runs joined
/// by single separators).
type Runs = Vec<std::ops::Range<usize>>;

fn groups(text: &str, digits: &mut Vec<Digit>) -> (Runs, Runs) {
    let bytes = text.as_bytes();
    let (mut runs, mut groups): (Runs, Runs) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        // Skip to the next byte that may start a digit.
        let Some(skip) = bytes[i..]
            .iter()
            .position(|c| c.is_ascii_digit() || *c == 0xEF)
        else {
            break;
        };
        i += skip;
        let Some((v, len)) = digit_at(text, i) else {
            i += 1;
            continue;
        };
        // A run starts here.
        let first = digits.len();
        digits.push(Digit {
            at: i,
            len,
            value: v,
        });
        let mut j = i + len;
        while let Some((v, len)) = digit_at(text, j) {
            digits.push(Digit {
                at: j,
                len,
                value: v,
            });
            j += len;
        }
        // The check character of an ID number.
        if digits.len() - first == 17 && matches!(bytes.get(j), Some(b'X' | b'x')) {
            digits.push(Digit {
                at: j,
                len: 1,
                value: b'X',
            });
            j += 1;
        }
        // Is this run joined to the previous one by exactly one separator?
        let joined = first > 0 && {
            let last = digits[first - 1];
            let mut cs = text[last.at + last.len..i].chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if is_separator(c))
        };
        if joined {
            if let Some(g) = groups.last_mut() {
                g.end += 1;
            }
        } else {
            groups.push(runs.len()..runs.len() + 1);
        }
        runs.push(first..digits.len());
        i = j;
    }
    (runs, groups)
}

/// The code-word automaton (ASCII case-insensitive), built once.
fn code_words() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CODE_WORDS)
            .expect("fixed code words build")
    })
}

/// Where code words are in the text, found on first use.
struct CodeWords<'t> {
    text: &'t str,
    found: Option<Vec<(usize, usize)>>,
}

impl CodeWords<'_> {
    /// Whether a code word is within [`CODE_WINDOW_CHARS`] characters of
    /// `start..end`.
    fn near(&mut self, start: usize, end: usize) -> bool {
        let text = self.text;
        let found = self.found.get_or_insert_with(|| {
            code_words()
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect()
        });
        if found.is_empty() {
            return false;
        }
        let from = text[..start]
            .char_indices()
            .rev()
            .nth(CODE_WINDOW_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let to = text[end..]
            .char_indices()
            .nth(CODE_WINDOW_CHARS)
            .map_or(text.len(), |(i, _)| end + i);
        found.iter().any(|&(s, e)| s >= from && e <= to)
    }
}

fn is_mobile(v: &[u8]) -> bool {
    v.len() == 11 && v[0] == b'1' && (b'3'..=b'9').contains(&v[1])
}

/// Digits to keep visible at the start and the end for a kind (for phone
/// numbers with a country code, the prefix is kept too).
fn kind_of_whole(v: &[u8], lens: &[usize]) -> Option<Kind> {
    let n = v.len();
    let id_ok = v[..n.saturating_sub(1)].iter().all(u8::is_ascii_digit);
    if lens.len() == 1 {
        if is_mobile(v) || (n == 13 && v.starts_with(b"86") && is_mobile(&v[2..])) {
            return Some(Kind::Phone);
        }
        if (n == 18 && id_ok) || n == 15 {
            return Some(Kind::IdCard);
        }
        if (16..=19).contains(&n) && v.iter().all(u8::is_ascii_digit) {
            return Some(Kind::BankCard);
        }
        return None;
    }
    match lens {
        [3, 4, 4] if is_mobile(v) => Some(Kind::Phone),
        [2, 3, 4, 4] if v.starts_with(b"86") && is_mobile(&v[2..]) => Some(Kind::Phone),
        [6, 8, 4] if id_ok => Some(Kind::IdCard),
        _ if lens.len() >= 4
            && lens[..lens.len() - 1].iter().all(|l| *l == 4)
            && (1..=4).contains(&lens[lens.len() - 1])
            && (16..=19).contains(&n) =>
        {
            Some(Kind::BankCard)
        }
        _ => None,
    }
}

/// The digits of a number to mask, by kind: all but a few kept visible.
fn mask_range(kind: Kind, n: usize, country_code: bool) -> std::ops::Range<usize> {
    match kind {
        Kind::Code => 0..n,
        Kind::Phone => {
            let skip = if country_code { n - 11 } else { 0 };
            skip + 3..n - 4
        }
        Kind::IdCard => 1..n - 1,
        Kind::BankCard => 0..n - 4,
    }
}

/// The digits to mask in `text`.
fn find(text: &str) -> Vec<Digit> {
    let mut digits = Vec::new();
    let (runs, groups) = groups(text, &mut digits);
    let mut masks = Vec::new();
    let mut mask = |ds: &[Digit], kind: Kind| {
        let cc = kind == Kind::Phone && ds.len() > 11;
        masks.extend_from_slice(&ds[mask_range(kind, ds.len(), cc)]);
    };
    let mut v = Vec::new();
    let mut words = CodeWords { text, found: None };
    for group in groups {
        let all = &digits[runs[group.start].start..runs[group.end - 1].end];
        if all.len() < 4 {
            continue;
        }
        let (start, end) = (all[0].at, all[all.len() - 1].at + all[all.len() - 1].len);
        if glued(text, start, true) || glued(text, end, false) {
            continue;
        }
        let lens: Vec<usize> = runs[group.clone()].iter().map(|r| r.len()).collect();
        v.clear();
        v.extend(all.iter().map(|d| d.value));
        if let Some(kind) = kind_of_whole(&v, &lens) {
            mask(all, kind);
            continue;
        }
        if (4..=8).contains(&all.len()) && words.near(start, end) {
            mask(all, Kind::Code);
            continue;
        }
        if group.len() == 1 {
            continue;
        }
        // The runs one by one (e.g. two phone numbers separated by a space).
        for (k, r) in runs[group.clone()].iter().enumerate() {
            let d = &digits[r.clone()];
            if d.len() < 4 {
                continue;
            }
            let (s, e) = (d[0].at, d[d.len() - 1].at + d[d.len() - 1].len);
            if (k == 0 && glued(text, s, true)) || (k + 1 == group.len() && glued(text, e, false)) {
                continue;
            }
            v.clear();
            v.extend(d.iter().map(|d| d.value));
            if let Some(kind) = kind_of_whole(&v, &[d.len()]) {
                mask(d, kind);
            } else if (4..=8).contains(&d.len()) && words.near(s, e) {
                mask(d, Kind::Code);
            }
        }
    }
    masks
}

/// The text with personal numbers masked (see the module docs). Same byte
/// length and character boundaries as `text`; borrowed when nothing changes.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut masks = find(text);
    if masks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    // Masking can expose a number that the first pass saw as part of a larger
    // one (an ID number next to a short code): repeat until nothing changes, so
    // that redacting redacted text changes nothing. Each pass masks at least one
    // more digit, and the second finds nothing almost always.
    while !masks.is_empty() {
        let mut bytes = out.into_bytes();
        for d in masks {
            let mask: &[u8] = if d.len == 3 { "＊".as_bytes() } else { b"*" };
            bytes[d.at..d.at + d.len].copy_from_slice(mask);
        }
        // Whole characters were replaced by characters of the same length.
        out = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        masks = find(&out);
    }
    Cow::Owned(out)
}

/// Redacts a verdict on `original` for display: returns the redacted text and
/// rewrites the text of every span (hits and links) from it, and the URLs and
/// reasons of link reports. Spans keep their offsets, which slice the redacted
/// text as they sliced the original.
pub fn redact_verdict(original: &str, verdict: &mut Verdict) -> String {
    let red = redact(original);
    if let Cow::Owned(red) = &red {
        for h in &mut verdict.hits {
            for s in &mut h.spans {
                if let Some(t) = red.get(s.start..s.end) {
                    s.text = t.to_string();
                }
            }
        }
        for l in &mut verdict.links {
            if let Some(t) = red.get(l.span.start..l.span.end) {
                l.span.text = t.to_string();
            }
        }
    }
    for l in &mut verdict.links {
        if let Cow::Owned(u) = redact(&l.report.url) {
            l.report.url = u;
        }
        for r in &mut l.report.reasons {
            if let Cow::Owned(x) = redact(r) {
                *r = x;
            }
        }
    }
    red.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_codes_near_a_code_word() {
        assert_eq!(
            redact("【腾讯科技】验证码：583920，5分钟内有效"),
            "【腾讯科技】验证码：******，5分钟内有效"
        );
        assert_eq!(redact("583920 is your code"), "****** is your code");
        assert_eq!(redact("Your OTP: 1234"), "Your OTP: ****");
        assert_eq!(redact("验证码是 5 8 3 9"), "验证码是 * * * *");
        assert_eq!(redact("驗證碼５８３９２０"), "驗證碼＊＊＊＊＊＊");
        // Without a code word a short number is just a number.
        assert_eq!(redact("专业解封，5000一次"), "专业解封，5000一次");
        assert_eq!(redact("2024年的活动"), "2024年的活动");
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(redact("电话13812345678"), "电话138****5678");
        assert_eq!(redact("tel: +86 138 1234 5678"), "tel: +86 138 **** 5678");
        assert_eq!(redact("138-1234-5678"), "138-****-5678");
        assert_eq!(redact("8613812345678"), "86138****5678");
        assert_eq!(redact("13812345678 13987654321"), "138****5678 139****4321");
        // Not a mobile number: 11 digits starting 12.
        assert_eq!(redact("12345678901"), "12345678901");
        // Found by the fuzz run: the short code only shows once the ID is masked.
        let s = "11010119900307123X 00０-０验证码";
        assert_eq!(redact(&redact(s)), redact(s));
    }

    #[test]
    fn id_and_bank_cards() {
        assert_eq!(
            redact("身份证110101199003071234"),
            "身份证1****************4"
        );
        assert_eq!(
            redact("身份证 11010119900307123X 发我"),
            "身份证 1****************X 发我"
        );
        assert_eq!(redact("卡号6222021234567890123"), "卡号***************0123");
        assert_eq!(
            redact("card 6222 0212 3456 7890"),
            "card **** **** **** 7890"
        );
    }

    #[test]
    fn handles_and_glued_numbers_are_left_alone() {
        for s in [
            "加V jf8888",
            "微信号 wx13812345678",
            "订单号A6222021234567890123",
            "http://x.top/13812345678abc",
            "no digits at all",
            "",
        ] {
            assert_eq!(redact(s), s, "{s}");
        }
    }

    #[test]
    fn same_length_and_boundaries() {
        for s in [
            "验证码１２３４５６，卡号６２２２０２１２３４５６７８９０１２３",
            "📱13812345678📱",
            "code\u{3000}1234",
        ] {
            let r = redact(s);
            assert_ne!(r, s);
            assert_eq!(r.len(), s.len());
            for i in 0..=s.len() {
                assert_eq!(r.is_char_boundary(i), s.is_char_boundary(i), "{s} {i}");
            }
        }
    }

    #[test]
    fn verdict_spans_follow_the_redacted_text() {
        let engine = crate::Engine::builtin();
        let text = "把你刚收到的验证码发我，验证码 583920";
        let mut v = engine.classify(text);
        assert!(!v.hits.is_empty());
        let red = redact_verdict(text, &mut v);
        assert!(red.ends_with("******"), "{red}");
        for h in &v.hits {
            for s in &h.spans {
                assert_eq!(&red[s.start..s.end], s.text);
            }
        }
    }
}
