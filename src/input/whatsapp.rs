//! WhatsApp "Export chat" text, Android (`12/31/23, 9:41 PM - Name: text`) and iOS
//! (`[31/12/2023, 21:41:05] Name: text`) layouts, with the locale variants listed in
//! `chat-formats.md` §3 (dots, dashes, `klo`, `下午9:25`, `p. m.`, U+202F before AM/PM).
//! The same grammar reads the `[YYYY-MM-DD HH:MM:SS] Name: text` bracket layout of
//! Signal exports.
//!
//! A header without `Name: ` is a system line (`sender = None`). Leading U+200E marks
//! are markup and are removed from the line and from the text. Dates are kept as written
//! (`time` = the header's date and time, no day/month guessing).

use std::sync::LazyLock;

use regex::Regex;

use super::chat::{clean_name, Class, Grammar, Header};

static ANDROID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{1,4}[-/.] ?\d{1,4}[-/.] ?\d{1,4}\.?),? ((?:[^\d\s\-\[\]]{1,10} ?)?\d{1,2}[.:]\d{2}(?:[.:]\d{2})?(?:[ \x{202F}\x{A0}]?(?:[AaPp]\.? ?[Mm]\.?|上午|下午|午前|午後|오전|오후))?) - (.*)$",
    )
    .expect("valid regex")
});

static IOS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[(\d{1,4}[-/.] ?\d{1,4}[-/.] ?\d{1,4}\.?),? ([^\]\d]{0,12}\d{1,2}[.:]\d{2}(?:[.:]\d{2})?[^\]]{0,8})\] (.*)$",
    )
    .expect("valid regex")
});

/// Splits `Name: text`.
static SENDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^:\n]{1,100}?): (.*)$").expect("valid regex"));

/// Parsed header: (date+time as written, rest of the line).
fn split_header(line: &str) -> Option<(String, &str)> {
    let line = line.trim_start_matches(['\u{200E}', '\u{200F}', '\u{FEFF}']);
    let caps = ANDROID.captures(line).or_else(|| IOS.captures(line))?;
    let date = caps.get(1)?;
    let time = caps.get(2)?;
    let rest = caps.get(3)?.as_str();
    let when = line[date.start()..time.end()].replace(['\u{202F}', '\u{A0}'], " ");
    Some((when, rest))
}

/// True when `line` is a WhatsApp (or bracket-generic) header; used by detection.
pub(crate) fn is_header(line: &str) -> bool {
    split_header(line).is_some()
}

/// The conversation name from a file stem: `WhatsApp Chat with X` -> `X`,
/// `与X的 WhatsApp 聊天` -> `X`; other stems as they are.
pub(crate) fn chat_name(stem: &str) -> Option<String> {
    for p in [
        "WhatsApp Chat with ",
        "WhatsApp Chat - ",
        "WhatsApp-Chat mit ",
    ] {
        if let Some(x) = stem.strip_prefix(p) {
            return Some(x.trim().to_string());
        }
    }
    if let Some(x) = stem
        .strip_prefix('与')
        .and_then(|x| x.strip_suffix("的 WhatsApp 聊天"))
    {
        return Some(x.trim().to_string());
    }
    Some(stem.to_string())
}

/// The WhatsApp line grammar.
pub(crate) struct WhatsApp;

impl WhatsApp {
    pub(crate) fn new() -> WhatsApp {
        WhatsApp
    }
}

impl Grammar for WhatsApp {
    fn classify(&mut self, line: &str, _after_break: bool) -> Class {
        let Some((when, rest)) = split_header(line) else {
            return Class::Body;
        };
        let (sender, text) = match SENDER.captures(rest) {
            Some(c) => {
                let name = clean_name(&c[1]);
                if name.is_empty() {
                    (None, rest)
                } else {
                    (Some(name), c.get(2).map_or("", |m| m.as_str()))
                }
            }
            None => (None, rest),
        };
        let text = text
            .trim_start_matches(['\u{200E}', '\u{200F}'])
            .to_string();
        Class::Header(Header {
            sender,
            time: Some(when),
            text: Some(text),
            ..Header::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants() {
        for l in [
            "12/31/23, 9:41 PM - Alex: Hi",
            "12/31/23, 9:41\u{202F}PM - Alex: Hi",
            "13.6.2018, 21:25 - Alex: Hi",
            "13/06/18, 21.25 - Alex: Hi",
            "13-06-18 21:25:15 - Alex: Hi",
            "03/06/2018, 1:55 p.m. - Alex: Hi",
            "[13/06/18, 21:25:15] Alex: Hi",
            "[3/6/18 1:55:00 p. m.] Alex: Hi",
            "\u{200E}[31/12/2023, 21:45:02] Alex: \u{200E}image omitted",
            "2018/6/13 下午9:25 - Alex: Hi",
            "[2018/6/13 下午9:25:15] Alex: Hi",
            "13. 6. 2018. 21:25:15 - Alex: Hi",
            "[2024-01-01 08:02:11] Alex: Hi",
        ] {
            assert!(is_header(l), "{l}");
        }
        for l in [
            "Meeting at 9:41 PM, bring docs: A, B",
            "2024-03-01 10:00:00 提醒：交费",
            "12/31/23 was a good day: yes",
            "see you 12/31/23, 9:41 PM - ok: fine",
        ] {
            assert!(!is_header(l), "{l}");
        }
    }

    #[test]
    fn chat_names() {
        assert_eq!(
            chat_name("WhatsApp Chat with Alex").as_deref(),
            Some("Alex")
        );
        assert_eq!(chat_name("与小王的 WhatsApp 聊天").as_deref(), Some("小王"));
        assert_eq!(chat_name("_chat").as_deref(), Some("_chat"));
    }
}
