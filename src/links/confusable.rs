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
    // Hosts are nearly always ASCII: fold them through a per-byte table of
    // the same skeletons instead of decomposing and allocating per label.
    let skel: String = if label.is_ascii() {
        let table = ascii_skeletons();
        label
            .bytes()
            .map(|b| table[b.to_ascii_lowercase() as usize].as_str())
            .collect()
    } else {
        unicode_skeleton(label)
    };
    leet_fold(&skel)
}

/// The lower-cased UTS #39 skeleton of every ASCII character.
fn ascii_skeletons() -> &'static [String; 128] {
    static TABLE: std::sync::OnceLock<[String; 128]> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| std::array::from_fn(|b| unicode_skeleton(&char::from(b as u8).to_string())))
}

fn unicode_skeleton(label: &str) -> String {
    let stripped: String = label
        .chars()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    unicode_security::skeleton(&stripped)
        .flat_map(char::to_lowercase)
        .collect()
}

/// The project's own folds on top of the skeleton (leetspeak, `rn`, `vv`).
fn leet_fold(skel: &str) -> String {
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
    // Host labels are short: work on the stack, and reject on length before
    // looking at any character (most label pairs differ a lot in length).
    const MAX: usize = 64;
    let (na, nb) = (a.chars().count(), b.chars().count());
    if na.abs_diff(nb) > limit {
        return limit + 1;
    }
    if na > MAX || nb > MAX {
        return osa_distance_heap(a, b, sub_cost);
    }
    let mut ca = ['\0'; MAX];
    let mut cb = ['\0'; MAX];
    for (slot, c) in ca.iter_mut().zip(a.chars()) {
        *slot = c;
    }
    for (slot, c) in cb.iter_mut().zip(b.chars()) {
        *slot = c;
    }
    // Three rolling rows: i-2, i-1, i.
    let mut rows = [[0usize; MAX + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(nb + 1) {
        *cell = j;
    }
    for i in 1..=na {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        for j in 1..=nb {
            let cost = if ca[i - 1] == cb[j - 1] { 0 } else { sub_cost };
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = v;
        }
    }
    rows[na % 3][nb]
}

/// The plain matrix version, for labels too long for the stack buffers.
fn osa_distance_heap(a: &str, b: &str, sub_cost: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
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
    fn ascii_fast_path_agrees_with_the_unicode_path() {
        for label in [
            "weixin110",
            "we1xin",
            "rnicrosoft",
            "vvechat",
            "Tencent-KF",
            "a|b!c$d@e",
            "qq.com",
        ] {
            assert_eq!(
                canonical(label),
                leet_fold(&unicode_skeleton(label)),
                "{label}"
            );
        }
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
        let long = "a".repeat(70);
        assert_eq!(osa_distance_with(&long, &format!("{long}b"), 2, 1), 1);
        for (x, y) in [
            ("ab", "ba"),
            ("abcd", "acbd"),
            ("tencent", "tencnet"),
            ("kitten", "sitting"),
        ] {
            assert_eq!(
                osa_distance_with(x, y, 3, 1),
                osa_distance_heap(x, y, 1),
                "{x} {y}"
            );
        }
    }

    #[test]
    fn mixed_scripts() {
        assert!(is_mixed_latin_confusable("wеchat"));
        assert!(!is_mixed_latin_confusable("wechat"));
        assert!(!is_mixed_latin_confusable("пример"));
        assert!(!is_mixed_latin_confusable("微信abc"));
    }
}
