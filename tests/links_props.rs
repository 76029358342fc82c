//! Property tests: link finding and analysis never panic and spans stay valid.

use fanzha::links::{check_url, find_links, might_contain_link};
use proptest::prelude::*;

/// Strings built from characters that matter to the extractor.
fn linkish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "http",
        "hxxps",
        "://",
        "：／／",
        "www",
        ".",
        "。",
        "．",
        "｡",
        "点",
        "[.]",
        "(.)",
        "[:]",
        "com",
        "qq",
        "top",
        "cn",
        "ｗｅｉｘｉｎ",
        "－",
        "？",
        "@",
        "/",
        "?",
        "#",
        ":",
        "8080",
        "1",
        "0x7f",
        "[",
        "]",
        "(",
        ")",
        "（",
        "）",
        "，",
        "！",
        "…",
        "微信",
        "解封",
        " ",
        "\u{200B}",
        "е",
        "xn--",
        "javascript:",
        "data:",
        ",",
        "-",
        "%",
        "a",
        "Z",
        "💥",
        "\n",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn spans_are_valid(t in linkish()) {
        let links = find_links(&t);
        let mut last = 0;
        for l in &links {
            prop_assert!(t.is_char_boundary(l.span.start) && t.is_char_boundary(l.span.end));
            prop_assert!(l.span.start >= last && l.span.start < l.span.end);
            prop_assert_eq!(&t[l.span.clone()], l.text.as_str());
            last = l.span.end;
            let _ = check_url(&l.url);
        }
        if !links.is_empty() {
            prop_assert!(might_contain_link(&t));
        }
        let _ = check_url(&t);
    }

    #[test]
    fn arbitrary_text_never_panics(t in ".{0,64}") {
        for l in find_links(&t) {
            prop_assert_eq!(&t[l.span.clone()], l.text.as_str());
        }
        let _ = check_url(&t);
    }
}
