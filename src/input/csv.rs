//! CSV with a header row: generic, MemoTrace `_utf8.csv` and PyWxDump CSV.
//!
//! The reader is a small RFC 4180 state machine fed one physical line at a time, so
//! that a record's first line number is exact and memory stays bounded: a quoted field
//! may span lines (the line breaks become LF), but a record that is still open after
//! [`MAX_RECORD_LINES`] lines or at end of input is reported as a
//! [`RecordError`](super::RecordError) at its first line, and its other lines are read
//! again as fresh rows, so one stray quote costs one row, not the rest of the file. A
//! multi-line record whose field count does not match the header is treated the same
//! way. A one-line row with fewer fields than the header is padded (trailing empty
//! columns); one with more fields is an error (an unquoted comma would cut the text).
//!
//! Only the comma delimiter is supported. Blank lines outside quotes are skipped.

use std::collections::VecDeque;

use super::lines::LineSource;
use super::{wechat, Ctx, InputError, InputFormat, Item, Message, ReadOptions};

/// Most physical lines one record may span before it is called broken.
pub const MAX_RECORD_LINES: usize = 10_000;

/// MemoTrace `_utf8.csv` header.
pub(crate) const MEMOTRACE_HEADER: &str =
    "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender";
/// PyWxDump CSV header.
pub(crate) const PYWXDUMP_HEADER: &str =
    "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime";

/// Default text column names, in order of preference.
pub(crate) const TEXT_COLUMNS: &[&str] =
    &["text", "content", "message", "msg", "body", "内容", "消息"];
const SENDER_COLUMNS: &[&str] = &[
    "sender",
    "author",
    "from",
    "name",
    "nickname",
    "user",
    "发送者",
    "发送人",
    "昵称",
];
const TIME_COLUMNS: &[&str] = &[
    "time",
    "date",
    "timestamp",
    "datetime",
    "createtime",
    "时间",
];
const ID_COLUMNS: &[&str] = &["id", "msgid", "message_id", "messageid"];
const CHAT_COLUMNS: &[&str] = &[
    "chat",
    "conversation",
    "room",
    "channel",
    "room_name",
    "会话",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Incremental CSV record splitter.
#[derive(Debug)]
pub(crate) struct RecordBuilder {
    fields: Vec<String>,
    field: String,
    state: St,
}

impl RecordBuilder {
    pub(crate) fn new() -> RecordBuilder {
        RecordBuilder {
            fields: Vec::new(),
            field: String::new(),
            state: St::FieldStart,
        }
    }

    /// Feeds one physical line; true when the record is complete.
    pub(crate) fn feed(&mut self, line: &str) -> bool {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match self.state {
                St::FieldStart | St::Unquoted => {
                    if self.state == St::FieldStart && b[i] == b'"' {
                        self.state = St::Quoted;
                        i += 1;
                        continue;
                    }
                    // Copy up to the next comma.
                    let end = memchr::memchr(b',', &b[i..]).map_or(b.len(), |j| i + j);
                    self.field.push_str(&line[i..end]);
                    if end < b.len() {
                        self.fields.push(std::mem::take(&mut self.field));
                        self.state = St::FieldStart;
                        i = end + 1;
                    } else {
                        self.state = St::Unquoted;
                        i = end;
                    }
                }
                St::Quoted => {
                    let end = memchr::memchr(b'"', &b[i..]).map_or(b.len(), |j| i + j);
                    self.field.push_str(&line[i..end]);
                    if end < b.len() {
                        self.state = St::QuoteInQuoted;
                        i = end + 1;
                    } else {
                        i = end;
                    }
                }
                St::QuoteInQuoted => match b[i] {
                    b'"' => {
                        self.field.push('"');
                        self.state = St::Quoted;
                        i += 1;
                    }
                    b',' => {
                        self.fields.push(std::mem::take(&mut self.field));
                        self.state = St::FieldStart;
                        i += 1;
                    }
                    _ => {
                        // Lenient: `"abc"def` reads as `abcdef`.
                        self.state = St::Unquoted;
                    }
                },
            }
        }
        if self.state == St::Quoted {
            self.field.push('\n');
            false
        } else {
            self.fields.push(std::mem::take(&mut self.field));
            self.state = St::FieldStart;
            true
        }
    }

    /// Takes the completed fields and resets.
    pub(crate) fn take(&mut self) -> Vec<String> {
        self.state = St::FieldStart;
        self.field.clear();
        std::mem::take(&mut self.fields)
    }
}

/// Splits a one-line record; `None` when it leaves a quote open.
pub(crate) fn split_line(line: &str) -> Option<Vec<String>> {
    let mut b = RecordBuilder::new();
    b.feed(line).then(|| b.take())
}

/// Where the parts of a message are in a row.
#[derive(Debug)]
struct Mapping {
    text: usize,
    id: Vec<usize>,
    sender: Vec<usize>,
    time: Vec<usize>,
    chat: Vec<usize>,
}

fn find(header: &[String], names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .filter_map(|n| header.iter().position(|h| h.eq_ignore_ascii_case(n)))
        .collect()
}

/// Which known layout a header is.
pub(crate) fn known_header(line: &str) -> Option<InputFormat> {
    let l = line.trim_start_matches('\u{FEFF}').trim_end();
    if l == MEMOTRACE_HEADER {
        Some(InputFormat::WeChatCsv)
    } else if l == PYWXDUMP_HEADER {
        Some(InputFormat::PyWxDumpCsv)
    } else {
        None
    }
}

/// Index of the default text column.
pub(crate) fn default_text_column(header: &[String]) -> Option<usize> {
    find(header, TEXT_COLUMNS).first().copied()
}

impl Mapping {
    fn build(header: &[String], opts: &ReadOptions, layout: InputFormat) -> Option<Mapping> {
        let text = match &opts.text_column {
            Some(name) => *find(header, &[name.as_str()]).first()?,
            None => match layout {
                InputFormat::WeChatCsv => *find(header, &["StrContent"]).first()?,
                InputFormat::PyWxDumpCsv => *find(header, &["msg"]).first()?,
                _ => default_text_column(header)?,
            },
        };
        Some(match layout {
            InputFormat::WeChatCsv => Mapping {
                text,
                id: find(header, &["localId"]),
                sender: find(header, &["Remark", "NickName", "Sender"]),
                time: find(header, &["StrTime", "CreateTime"]),
                chat: Vec::new(),
            },
            InputFormat::PyWxDumpCsv => Mapping {
                text,
                id: find(header, &["MsgSvrID", "id"]),
                sender: find(header, &["talker"]),
                time: find(header, &["CreateTime"]),
                chat: find(header, &["room_name"]),
            },
            _ => Mapping {
                text,
                id: find(header, ID_COLUMNS),
                sender: find(header, SENDER_COLUMNS),
                time: find(header, TIME_COLUMNS),
                chat: find(header, CHAT_COLUMNS),
            },
        })
    }
}

/// First non-empty value among `cols`.
fn pick(row: &[String], cols: &[usize]) -> Option<String> {
    cols.iter()
        .filter_map(|&i| row.get(i))
        .find(|v| !v.trim().is_empty())
        .cloned()
}

/// The CSV parser.
pub(crate) struct CsvParser {
    src: LineSource,
    ctx: Ctx,
    map: Option<Mapping>,
    columns: usize,
    /// Lines to read again after a broken multi-line record.
    requeue: VecDeque<(u64, String)>,
    builder: RecordBuilder,
}

/// Truncates a raw line for an error message.
fn excerpt(s: &str) -> String {
    let mut e: String = s.chars().take(120).collect();
    if e.len() < s.len() {
        e.push('…');
    }
    e
}

impl CsvParser {
    pub(crate) fn new(
        mut src: LineSource,
        ctx: Ctx,
        opts: &ReadOptions,
        format: InputFormat,
    ) -> Result<CsvParser, InputError> {
        // The header: the first non-blank line (a one-line record).
        let mut header = None;
        while let Some(line) = src.next_line() {
            let line = line.map_err(|e| InputError::Io {
                name: ctx.source.clone(),
                error: e,
            })?;
            if !line.text.trim().is_empty() {
                header = Some(line.text.into_owned());
                break;
            }
        }
        let mut p = CsvParser {
            src,
            ctx,
            map: None,
            columns: 0,
            requeue: VecDeque::new(),
            builder: RecordBuilder::new(),
        };
        let Some(header_line) = header else {
            return Ok(p); // empty input: no records
        };
        let layout = match (format, known_header(&header_line)) {
            (InputFormat::Csv, Some(k)) => k,
            (f, _) => f,
        };
        let names: Vec<String> = split_line(&header_line)
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.trim_start_matches('\u{FEFF}').trim().to_string())
            .collect();
        let map = Mapping::build(&names, opts, layout)
            .or_else(|| Mapping::build(&names, opts, InputFormat::Csv))
            .ok_or_else(|| InputError::NoTextColumn {
                name: p.ctx.source.clone(),
                header: excerpt(&header_line),
            })?;
        if layout == InputFormat::WeChatCsv {
            p.ctx = p.ctx.with_chat(wechat::csv_chat_name);
        }
        p.columns = names.len();
        p.map = Some(map);
        Ok(p)
    }

    /// Next physical line: requeued ones first.
    fn next_raw(&mut self) -> Option<Result<(u64, String), Item>> {
        if let Some(l) = self.requeue.pop_front() {
            return Some(Ok(l));
        }
        match self.src.next_line()? {
            Ok(l) => Some(Ok((l.no, l.text.into_owned()))),
            Err(e) => Some(Err(self
                .ctx
                .error(self.src.line_no(), format!("read error: {e}")))),
        }
    }

    fn to_message(&self, row: Vec<String>, no: u64) -> Item {
        let Some(map) = &self.map else {
            return self.ctx.error(no, "no header");
        };
        let mut row = row;
        let Some(text) = row.get_mut(map.text).map(std::mem::take) else {
            return self.ctx.error(no, "row has no text column");
        };
        let mut m = Message::new(text, no);
        m.id = pick(&row, &map.id);
        m.sender = pick(&row, &map.sender);
        m.time = pick(&row, &map.time);
        m.chat = pick(&row, &map.chat).or_else(|| self.ctx.chat.clone());
        Ok(m)
    }
}

impl Iterator for CsvParser {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.map.as_ref()?;
        loop {
            let (start, first) = match self.next_raw()? {
                Ok(l) => l,
                Err(e) => return Some(e),
            };
            if first.trim().is_empty() {
                continue;
            }
            self.builder.take();
            if self.builder.feed(&first) {
                let row = self.builder.take();
                if row.len() > self.columns {
                    return Some(self.ctx.error(
                        start,
                        format!(
                            "row has {} fields, header has {}: {}",
                            row.len(),
                            self.columns,
                            excerpt(&first)
                        ),
                    ));
                }
                return Some(self.to_message(row, start));
            }
            // A quoted field goes on: hold the raw lines in case it is broken.
            let mut held: Vec<(u64, String)> = Vec::new();
            let mut bytes = first.len();
            let complete = loop {
                if held.len() + 1 >= MAX_RECORD_LINES || bytes > super::MAX_MESSAGE_BYTES {
                    break false;
                }
                match self.next_raw() {
                    None => break false,
                    Some(Err(e)) => {
                        // Read error inside a record: report it; the rest is lost to I/O.
                        self.requeue.extend(held);
                        return Some(e);
                    }
                    Some(Ok((no, l))) => {
                        bytes += l.len();
                        let done = self.builder.feed(&l);
                        held.push((no, l));
                        if done {
                            break true;
                        }
                    }
                }
            };
            if complete {
                let row = self.builder.take();
                if row.len() == self.columns {
                    return Some(self.to_message(row, start));
                }
            }
            self.builder.take();
            let n = held.len() + 1;
            for l in held.into_iter().rev() {
                self.requeue.push_front(l);
            }
            let why = if complete {
                "multi-line record has the wrong number of fields"
            } else {
                "unterminated quoted field"
            };
            return Some(self.ctx.error(
                start,
                format!(
                    "{why} (spanning {n} lines; its other lines are read again as rows): {}",
                    excerpt(&first)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split() {
        assert_eq!(
            split_line(r#"a,"b,c",,"d""e""#).unwrap(),
            vec!["a", "b,c", "", "d\"e"]
        );
        assert_eq!(split_line("x").unwrap(), vec!["x"]);
        assert_eq!(split_line(""), Some(vec![String::new()]));
        assert!(split_line(r#"a,"open"#).is_none());
        let mut b = RecordBuilder::new();
        assert!(!b.feed(r#"1,"two"#));
        assert!(b.feed(r#"lines",3"#));
        assert_eq!(b.take(), vec!["1", "two\nlines", "3"]);
    }
}
