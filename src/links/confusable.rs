//! Lookalike helpers: confusable skeletons, a small leetspeak map, edit distance
//! and script checks for host labels.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Canonical form of a host label for lookalike comparison: lower case, combining
/// marks removed, UTS #39 confusable skeleton, then a project-owned map for the
/// cases the skeleton does not cover or maps the other way (`1`/`l`/`|` → `i`,
/// `0` → `o`, `3` → `e`, `vv` → `w`, `rn` → `m`, ...).
///
/// Only canonical forms are compared with each other, never with plain text.
pub(crate) fn canonical(label: &str) -> String {
    let stripped: String = label
        .chars()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    let skel: String = unicode_security::skeleton(&stripped)
        .flat_map(char::to_lowercase)
        .collect();
    let mut out = String::with_capacity(skel.len());
    let mut chars = skel.chars().peekable();
    while let Some(c) = chars.next() {
        let mapped = match c {
            'r' if chars.peek() == Some(&'n') => {
                chars.next();
                'm'
            }
            'v' if chars.peek() == Some(&'v') => {
                chars.next();
                'w'
            }
            '1' | 'l' | '|' | '!' | 'ı' => 'i',
            '0' => 'o',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            '9' => 'g',
            other => other,
        };
        out.push(mapped);
    }
    out
}

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent
/// transpositions, no substring edited twice), over chars. Returns early with
/// `limit + 1` when the lengths alone exceed `limit`.
pub(crate) fn osa_distance(a: &str, b: &str, limit: usize) -> usize {
    osa_distance_with(a, b, limit, 1)
}

/// [`osa_distance`] with a configurable substitution cost (2 makes a
/// substitution count like a deletion plus an insertion).
pub(crate) fn osa_distance_with(a: &str, b: &str, limit: usize, sub_cost: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { sub_cost };
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Scripts of interest for the mixed-script check.
#[derive(Default)]
pub(crate) struct Scripts {
    /// Latin letters (ASCII or Latin extensions).
    pub latin: bool,
    /// Cyrillic letters.
    pub cyrillic: bool,
    /// Greek letters.
    pub greek: bool,
}

/// Which of Latin, Cyrillic and Greek letters occur in `s`.
pub(crate) fn scripts(s: &str) -> Scripts {
    let mut out = Scripts::default();
    for c in s.chars() {
        match c as u32 {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => out.latin = true,
            0x370..=0x3FF | 0x1F00..=0x1FFF => out.greek = true,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                out.cyrillic = true
            }
            _ => {}
        }
    }
    out
}

/// True when `label` mixes Latin letters with Cyrillic or Greek ones (a classic
/// homograph: `wеchat` with a Cyrillic `е`).
pub(crate) fn is_mixed_latin_confusable(label: &str) -> bool {
    let s = scripts(label);
    s.latin && (s.cyrillic || s.greek)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_meet() {
        let weixin = canonical("weixin");
        for v in ["we1xin", "weixln", "WEIXIN", "wеіхіn", "weixín", "𝐰𝐞𝐢𝐱𝐢𝐧"]
        {
            assert_eq!(canonical(v), weixin, "{v}");
        }
        assert_eq!(canonical("vvechat"), canonical("wechat"));
        assert_eq!(canonical("wесhаt"), canonical("wechat"));
        assert_eq!(canonical("weixin11O"), canonical("weixin110"));
        assert_eq!(canonical("tencemt"), canonical("tencernt"));
        assert_ne!(canonical("weixiu"), weixin);
    }

    #[test]
    fn osa() {
        assert_eq!(osa_distance("tencnet", "tencent", 2), 1);
        assert_eq!(osa_distance("weixln", "weixin", 2), 1);
        assert_eq!(osa_distance("wexin", "weixin", 2), 1);
        assert_eq!(osa_distance("abc", "abc", 2), 0);
        assert_eq!(osa_distance("a", "abcdef", 2), 3);
        assert_eq!(osa_distance("", "ab", 2), 2);
        assert_eq!(osa_distance_with("wbpay", "wxpay", 2, 2), 2);
        assert_eq!(osa_distance_with("wexin", "weixin", 2, 2), 1);
    }

    #[test]
    fn mixed_scripts() {
        assert!(is_mixed_latin_confusable("wеchat"));
        assert!(!is_mixed_latin_confusable("wechat"));
        assert!(!is_mixed_latin_confusable("пример"));
        assert!(!is_mixed_latin_confusable("微信abc"));
    }
}
