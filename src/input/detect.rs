//! Format detection from the decoded first 64 KiB.
//!
//! Most specific first; plain lines are the fallback and need no evidence. Every other
//! format needs clear evidence, so that ordinary text with commas, colons or timestamps
//! in it is never taken for something else:
//!
//! 1. **Telegram JSON**: starts with `{` and has a chat `"type": "personal_chat"…` plus
//!    `"messages":`, or `"personal_information"`, or `"chats": {"about"`.
//! 2. **JSONL**: the first non-blank complete lines (up to 10) all start with `{`, the
//!    first one and at least 80 % of them parse as JSON objects.
//! 3. **MemoTrace / PyWxDump CSV**: the first line is exactly their header.
//! 4. **QQ TXT**: the QQ banner, or a `消息对象:` line, or a `=` rule then `消息分组:`.
//! 5. **WeFlow TXT** / **QQ TXT** without banner (`TS name(QQ号)`) / **MemoTrace TXT** (blocks separated by blank lines): among the
//!    first 40 blocks, at least 2 and at least 60 % start with a header line
//!    (`YYYY-MM-DD HH:MM:SS 'name'` / `YYYY-MM-DD HH:MM:SS name`). Text without blank
//!    lines is one block and never qualifies.
//! 6. **WhatsApp** (also bracketed `[date time] Name: text`): more than half of the first
//!    60 non-blank lines, and at least 2, are WhatsApp headers.
//! 7. **CSV**: a header line with at least 2 distinct, non-empty, untrimmed-free column
//!    names of at most 40 characters, one of which is a text column (`text`, `content`,
//!    `message`, `msg`, `body`, `内容`, `消息`), and at least one further record, where
//!    every complete record among the first 50 has exactly the header's field count.
//! 8. Otherwise **plain lines**.

use super::{csv, qq, telegram, wechat, whatsapp, InputFormat};

/// Bytes read ahead for detection (64 KiB: JSON exports may start with a long avatar).
pub const PREFIX_BYTES: usize = 64 * 1024;

/// Detects the format of a decoded head (BOM removed, newlines normalised). `eof`: the
/// head is the whole input (so its last line is complete).
pub fn detect_format(head: &str, eof: bool) -> InputFormat {
    let head = head.strip_prefix('\u{FEFF}').unwrap_or(head);
    // Only complete lines count: drop a last line cut by the prefix.
    let complete: &str = if eof || head.ends_with('\n') {
        head
    } else {
        match head.rfind('\n') {
            Some(i) => &head[..=i],
            None => "",
        }
    };
    if telegram::looks_like(head) {
        return InputFormat::TelegramJson;
    }
    if is_jsonl(complete) {
        return InputFormat::Jsonl;
    }
    let first = complete
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    if let Some(f) = csv::known_header(first) {
        return f;
    }
    if qq::has_banner(complete) {
        return InputFormat::QqTxt;
    }
    if block_score(complete, wechat::is_weflow_header) {
        return InputFormat::WeFlowTxt;
    }
    if block_score(complete, qq::is_header_with_id) {
        // A QQ export without its banner: `TS name(123456)` blocks.
        return InputFormat::QqTxt;
    }
    if block_score(complete, wechat::is_memotrace_header) {
        return InputFormat::WeChatTxt;
    }
    if whatsapp_score(complete) {
        return InputFormat::WhatsApp;
    }
    if is_csv(complete) {
        return InputFormat::Csv;
    }
    InputFormat::Lines
}

fn is_jsonl(text: &str) -> bool {
    let mut n = 0usize;
    let mut objects = 0usize;
    for l in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(10)
    {
        if !l.starts_with('{') {
            return false;
        }
        n += 1;
        match serde_json::from_str::<serde_json::Value>(l) {
            Ok(serde_json::Value::Object(_)) => objects += 1,
            // The first line must be a JSON object.
            _ if n == 1 => return false,
            _ => {}
        }
    }
    // Every line starts like an object and at least 80 % are (one broken line in a
    // real JSONL file should not turn it into plain text).
    n > 0 && objects * 10 >= n * 8
}

/// Blocks separated by blank lines; true when ≥ 2 and ≥ 60 % start with a header.
fn block_score(text: &str, is_header: fn(&str) -> bool) -> bool {
    let mut blocks = 0usize;
    let mut headed = 0usize;
    let mut at_start = true;
    for l in text.lines() {
        if l.trim().is_empty() {
            at_start = true;
            continue;
        }
        if at_start {
            // Export banners (QQ `===`, MemoTrace none) are not blocks of their own.
            blocks += 1;
            if is_header(l.trim_end()) {
                headed += 1;
            }
            at_start = false;
            if blocks >= 40 {
                break;
            }
        }
    }
    headed >= 2 && headed * 10 >= blocks * 6
}

fn whatsapp_score(text: &str) -> bool {
    let mut n = 0usize;
    let mut hits = 0usize;
    for l in text.lines().filter(|l| !l.trim().is_empty()).take(60) {
        n += 1;
        if whatsapp::is_header(l) {
            hits += 1;
        }
    }
    hits >= 2 && hits * 2 > n
}

fn is_csv(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header_line) = lines.next() else {
        return false;
    };
    let Some(header) = csv::split_line(header_line) else {
        return false;
    };
    if header.len() < 2 {
        return false;
    }
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() || h.chars().count() > 40 || h.trim() != h || header[..i].contains(h) {
            return false;
        }
    }
    if csv::default_text_column(&header).is_none() {
        return false;
    }
    let mut b = csv::RecordBuilder::new();
    let mut records = 0;
    for l in lines {
        if b.feed(l) {
            if b.take().len() != header.len() {
                return false;
            }
            records += 1;
            if records >= 50 {
                break;
            }
        }
    }
    records >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_stays_plain() {
        let samples = [
            "Meeting at 10:30, bring docs: A, B\nok, see you: 5pm\nfine, thanks, bye\n",
            "2024-03-01 10:00:00 提醒：交费\n2024-03-02 11:00:00 再次提醒\n明天见\n",
            "text,more\nhello, world\nsure\n",
            "message, hello\nok, see you\n",
            "{not json}\n{\"a\":1}\n",
            "12/31/23, 9:41 PM - Alex: hi\nsomething else\nand more\nand more\n",
            "name: Alex\ntime: 10:00\ntext: hi\n",
        ];
        for s in samples {
            assert_eq!(detect_format(s, true), InputFormat::Lines, "{s:?}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(
            detect_format("{\"text\":\"a\"}\n{\"text\":\"b\"}\n", true),
            InputFormat::Jsonl
        );
        assert_eq!(
            detect_format("id,sender,text\n1,a,hi\n2,b,\"x,y\"\n", true),
            InputFormat::Csv
        );
        assert_eq!(
            detect_format(
                "2024-03-01 09:58:12 小王\n在吗\n\n2024-03-01 09:58:40 我\n什么事\n",
                true
            ),
            InputFormat::WeChatTxt
        );
        assert_eq!(
            detect_format(
                "2024-03-01 09:58:12 '小王'\n在吗\n\n2024-03-01 09:58:40 '我'\n什么事\n",
                true
            ),
            InputFormat::WeFlowTxt
        );
        assert_eq!(
            detect_format(
                "12/31/23, 9:41 PM - Alex: hi\n12/31/23, 9:42 PM - Sam: yo\n",
                true
            ),
            InputFormat::WhatsApp
        );
    }
}
