//! WeChat text exports: WeChatMsg / MemoTrace (留痕) TXT and WeFlow / EchoTrace TXT.
//!
//! MemoTrace TXT: `YYYY-MM-DD HH:MM:SS name` LF body LF LF. A header only counts at the
//! start of the file or after a blank line (the body may itself contain lines that look
//! like headers). A header with no body is a system line (`TS "x" 撤回了一条消息`):
//! `sender = None`, text = the rest of the header line. Names are HTML- and JS-unescaped
//! (MemoTrace escapes them; the body is raw).
//!
//! WeFlow TXT is the same layout with the sender in single quotes: `TS 'name'`.

use std::sync::LazyLock;

use regex::Regex;

use super::chat::{clean_name, Class, Grammar, Header};

static MEMO_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S.*)$").expect("valid regex")
});

static WEFLOW_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) '(.*)'\s*$").expect("valid regex")
});

/// True when `line` looks like a MemoTrace header (detection).
pub(crate) fn is_memotrace_header(line: &str) -> bool {
    MEMO_HEADER.is_match(line)
}

/// True when `line` looks like a WeFlow header (detection).
pub(crate) fn is_weflow_header(line: &str) -> bool {
    WEFLOW_HEADER.is_match(line)
}

/// The conversation name of a TXT export: the file stem (the contact's remark).
pub(crate) fn chat_name(stem: &str) -> Option<String> {
    Some(stem.to_string())
}

/// The conversation name of a MemoTrace CSV: the file stem without `_utf8`.
pub(crate) fn csv_chat_name(stem: &str) -> Option<String> {
    Some(stem.strip_suffix("_utf8").unwrap_or(stem).to_string())
}

/// Undoes MemoTrace's name escaping: JS escapes (`\'`, `\"`, `\\`) then HTML entities.
pub(crate) fn unescape_name(s: &str) -> String {
    let mut js = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some(n @ ('\'' | '"' | '\\')) => js.push(n),
                Some(n) => {
                    js.push('\\');
                    js.push(n);
                }
                None => js.push('\\'),
            }
        } else {
            js.push(c);
        }
    }
    html_unescape(&js)
}

/// Decodes the HTML entities Python's `html.escape` produces, plus numeric references.
pub(crate) fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{A0}'),
                _ => {
                    let num = ent.strip_prefix('#')?;
                    let v = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(v)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// MemoTrace (or WeFlow, with `weflow = true`) TXT grammar.
pub(crate) struct MemoTraceTxt {
    weflow: bool,
}

impl MemoTraceTxt {
    pub(crate) fn new(weflow: bool) -> MemoTraceTxt {
        MemoTraceTxt { weflow }
    }
}

impl Grammar for MemoTraceTxt {
    fn classify(&mut self, line: &str, after_break: bool) -> Class {
        if !after_break {
            return Class::Body;
        }
        if self.weflow {
            if let Some(c) = WEFLOW_HEADER.captures(line) {
                let name = clean_name(&c[2]);
                return Class::Header(Header {
                    sender: (!name.is_empty()).then_some(name),
                    time: Some(c[1].to_string()),
                    ..Header::default()
                });
            }
            return Class::Body;
        }
        match MEMO_HEADER.captures(line) {
            Some(c) => {
                let rest = c[2].trim_end();
                Class::Header(Header {
                    sender: Some(unescape_name(rest)),
                    time: Some(c[1].to_string()),
                    system_if_empty: Some(rest.to_string()),
                    ..Header::default()
                })
            }
            None => Class::Body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape() {
        assert_eq!(
            unescape_name(r"Tom &amp; Jerry \'x\' &lt;3"),
            "Tom & Jerry 'x' <3"
        );
        assert_eq!(
            html_unescape("a &#20320; &#x597D; &bogus; & b"),
            "a 你 好 &bogus; & b"
        );
    }
}
