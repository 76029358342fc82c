//! QQ 消息管理器 TXT export (classic QQ ≤ 9.7).
//!
//! Banner (`消息记录（此消息记录为文本格式…`), `=`-rules, `消息分组:` and `消息对象:` lines
//! are metadata, not messages; `消息对象:X` names the conversation of the messages that
//! follow (an "export all" file has one block per conversation). Headers are
//! `YYYY-M-D H:MM:SS name(QQ号)` or `name<e-mail>` (groups) or just `name` (private
//! chats), 1-digit fields and an optional `上午`/`下午` accepted. The QQ number or
//! e-mail goes to `Message::id` (the format has no message id); title prefixes such as
//! `【管理员】` are removed from the sender. A header counts after a blank line or a
//! banner, or anywhere when it carries a QQ number / e-mail; a content line that is only a
//! timestamp never starts a message.

use std::sync::LazyLock;

use regex::Regex;

use super::chat::{clean_name, Class, Grammar, Header};

static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4}-\d{1,2}-\d{1,2} (?:(?:上午|下午) )?\d{1,2}:\d{1,2}:\d{1,2}) (.*?)(?:\((\d{4,12})\)|<([^<>\s]+@[^<>\s]+)>)?\s*$",
    )
    .expect("valid regex")
});

/// The parsed header: (time, name, id).
fn parse_header(line: &str) -> Option<(String, String, Option<String>)> {
    let c = HEADER.captures(line)?;
    let id = c
        .get(3)
        .or_else(|| c.get(4))
        .map(|m| m.as_str().to_string());
    let mut name = c[2].trim();
    // Title prefixes: 【管理员】, 【群主】, 【活跃】...
    while let Some(r) = name.strip_prefix('【') {
        match r.find('】') {
            Some(i) => name = r[i + '】'.len_utf8()..].trim_start(),
            None => break,
        }
    }
    let name = clean_name(name);
    if name.is_empty() && id.is_none() {
        return None;
    }
    Some((c[1].to_string(), name, id))
}

/// True for a QQ header line that carries a QQ number or e-mail (detection without
/// the banner: tells QQ from MemoTrace, whose headers look the same otherwise).
pub(crate) fn is_header_with_id(line: &str) -> bool {
    matches!(parse_header(line), Some((_, _, Some(_))))
}

/// True when the text holds the QQ export banner (detection).
pub(crate) fn has_banner(head: &str) -> bool {
    if head.contains("消息记录（此消息记录为文本格式") {
        return true;
    }
    let mut prev_rule = false;
    for l in head.lines().take(200) {
        let l = l.trim();
        if l.starts_with("消息对象:") || (prev_rule && l.starts_with("消息分组:")) {
            return true;
        }
        prev_rule = is_rule(l);
    }
    false
}

fn is_rule(l: &str) -> bool {
    l.len() >= 20 && l.bytes().all(|b| b == b'=')
}

/// The QQ TXT grammar.
pub(crate) struct QqTxt;

impl QqTxt {
    pub(crate) fn new() -> QqTxt {
        QqTxt
    }
}

impl Grammar for QqTxt {
    fn classify(&mut self, line: &str, after_break: bool) -> Class {
        let t = line.trim();
        if is_rule(t) || t.starts_with("消息记录（此消息记录为文本格式") {
            return Class::Meta { chat: None };
        }
        if after_break {
            if let Some(x) = t.strip_prefix("消息对象:") {
                return Class::Meta {
                    chat: Some(x.trim().to_string()),
                };
            }
            if t.starts_with("消息分组:") {
                return Class::Meta { chat: None };
            }
        }
        match parse_header(t) {
            Some((time, name, id)) if after_break || id.is_some() => Class::Header(Header {
                sender: (!name.is_empty()).then_some(name),
                time: Some(time),
                id,
                ..Header::default()
            }),
            _ => Class::Body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let (t, n, id) = parse_header("2017-02-25 9:03:08 番茄(Tom)(10001)").unwrap();
        assert_eq!(
            (t.as_str(), n.as_str(), id.as_deref()),
            ("2017-02-25 9:03:08", "番茄(Tom)", Some("10001"))
        );
        let (_, n, id) = parse_header("2017-02-25 10:40:20 【管理员】地瓜(23333233)").unwrap();
        assert_eq!((n.as_str(), id.as_deref()), ("地瓜", Some("23333233")));
        let (_, n, id) = parse_header("2017-02-25 10:41:02 土豆<someone@example.com>").unwrap();
        assert_eq!(
            (n.as_str(), id.as_deref()),
            ("土豆", Some("someone@example.com"))
        );
        let (t, n, _) = parse_header("2026-09-15 上午 08:00:00 小王").unwrap();
        assert_eq!(
            (t.as_str(), n.as_str()),
            ("2026-09-15 上午 08:00:00", "小王")
        );
        assert!(parse_header("2006-01-02 15:04:05").is_none());
    }
}
