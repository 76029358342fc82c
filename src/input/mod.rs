//! The input layer: bytes in, [`Message`]s out.
//!
//! [`MessageReader`] wraps any [`std::io::Read`] and yields one [`Message`] per chat
//! message, streaming. It works out two things on its own, unless told:
//!
//! * the **encoding** ([`encoding`]): a byte-order mark wins (UTF-8, UTF-16LE/BE); else
//!   a prefix that is valid UTF-8 means UTF-8; else `chardetng` guesses on a 64 KiB prefix
//!   cut at a newline, and GBK is decoded as GB18030 (its superset);
//! * the **format** ([`detect`]): plain lines, JSON Lines, CSV or one of the chat
//!   exports described in `chat-formats.md` (WhatsApp, WeChat MemoTrace TXT/CSV,
//!   PyWxDump CSV, WeFlow TXT, Telegram Desktop JSON, QQ 消息管理器 TXT). Plain text is the
//!   fallback, and detection needs clear evidence before it picks anything else.
//!
//! Nothing is dropped silently: a record that cannot be read becomes an
//! `Err(`[`RecordError`]`)` carrying the source name and line, and iteration continues.
//!
//! # Memory
//!
//! Every format except Telegram JSON is read line by line through a fixed-size buffer;
//! only the current line (and, for chat exports, the message being assembled) is held.
//! A single line longer than [`MAX_LINE_BYTES`] is cut into pieces of at most that size
//! (each piece keeps the line's number) instead of growing the buffer without bound, and
//! a chat message that grows past [`MAX_MESSAGE_BYTES`] is emitted and continued as a new
//! message from the same sender. Telegram JSON is parsed as a stream on a helper thread,
//! one message object at a time, so a multi-gigabyte `result.json` is fine too.
//!
//! ```
//! use fanzha::input::{MessageReader, ReadOptions, InputFormat};
//! let data = "hello\n\nworld\n";
//! let reader = MessageReader::new(data.as_bytes(), "demo.txt", &ReadOptions::default()).unwrap();
//! assert_eq!(reader.format(), InputFormat::Lines);
//! let msgs: Vec<_> = reader.map(|m| m.unwrap()).collect();
//! assert_eq!(msgs[1].text, "world");
//! assert_eq!(msgs[1].line, 3);
//! ```

use std::fmt;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use encoding_rs::Encoding;

mod chat;
mod csv;
pub mod detect;
pub mod encoding;
mod jsonl;
mod lines;
mod qq;
mod telegram;
mod wechat;
mod whatsapp;

pub use encoding::encoding_for_label;

/// Longest line kept in one piece, in bytes (64 MiB).
///
/// A longer line is delivered in consecutive pieces of at most this size (cut at a
/// character boundary), each with the same `line` number. For plain lines every piece is
/// its own message; for JSONL or CSV the pieces do not parse and come out as
/// [`RecordError`]s. Nothing is lost and memory stays bounded.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Largest chat-export message assembled from several lines, in bytes (64 MiB).
///
/// When continuation lines push a message past this size it is emitted, and the
/// following lines start a new message with the same sender and time.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// One message read from an input.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The message text, decoded, with CRLF and lone CR turned into LF.
    pub text: String,
    /// 1-based physical line where the message starts in the source (after decoding).
    pub line: u64,
    /// 1-based ordinal of this message within its source (errors count as records too,
    /// so `record` is the position in the reader's output).
    pub record: u64,
    /// The id field when the format has one (JSONL/CSV id column, Telegram message id,
    /// MemoTrace `localId`, PyWxDump `MsgSvrID`). For QQ TXT, which has no message id,
    /// it is the sender's QQ number or e-mail from the header line.
    pub id: Option<String>,
    /// Who sent it, when known. `None` for system lines (recalls, joins, notices).
    pub sender: Option<String>,
    /// The time as written in the file (naive local unless the format says otherwise).
    pub time: Option<String>,
    /// Conversation name or id when known (for chat exports: chat name or file stem).
    pub chat: Option<String>,
}

impl Message {
    /// A message with only text and line set (the reader fills in `record`).
    pub(crate) fn new(text: String, line: u64) -> Message {
        Message {
            text,
            line,
            record: 0,
            id: None,
            sender: None,
            time: None,
            chat: None,
        }
    }
}

/// The input formats [`MessageReader`] understands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// Detect the format from the content (the default).
    #[default]
    Auto,
    /// One message per line; empty (all-whitespace) lines are skipped.
    Lines,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// CSV with a header row; the text column is chosen by name.
    Csv,
    /// WhatsApp "Export chat" text, Android and iOS layouts (also the generic
    /// `[YYYY-MM-DD HH:MM:SS] Name: text` bracket layout of Signal exports).
    WhatsApp,
    /// WeChat export of WeChatMsg / MemoTrace (留痕), TXT layout.
    WeChatTxt,
    /// WeChat export of WeChatMsg / MemoTrace (留痕), `_utf8.csv` layout.
    WeChatCsv,
    /// WeChat export of PyWxDump, CSV layout.
    PyWxDumpCsv,
    /// Telegram Desktop `result.json` (one chat, or the full account export).
    TelegramJson,
    /// QQ 消息管理器 TXT export (classic QQ).
    QqTxt,
    /// WeChat 4.x export of WeFlow / EchoTrace, TXT layout (`TS 'name'` headers).
    WeFlowTxt,
}

impl InputFormat {
    /// Every format, `Auto` first.
    pub const ALL: &'static [InputFormat] = &[
        InputFormat::Auto,
        InputFormat::Lines,
        InputFormat::Jsonl,
        InputFormat::Csv,
        InputFormat::WhatsApp,
        InputFormat::WeChatTxt,
        InputFormat::WeChatCsv,
        InputFormat::PyWxDumpCsv,
        InputFormat::TelegramJson,
        InputFormat::QqTxt,
        InputFormat::WeFlowTxt,
    ];

    /// The format's name as used on the command line (`"wechat-txt"`, …).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Lines => "lines",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Csv => "csv",
            InputFormat::WhatsApp => "whatsapp",
            InputFormat::WeChatTxt => "wechat-txt",
            InputFormat::WeChatCsv => "wechat-csv",
            InputFormat::PyWxDumpCsv => "pywxdump-csv",
            InputFormat::TelegramJson => "telegram-json",
            InputFormat::QqTxt => "qq-txt",
            InputFormat::WeFlowTxt => "weflow-txt",
        }
    }

    /// Parses a name as returned by [`InputFormat::name`] (case-insensitive; a few
    /// aliases such as `txt`, `ndjson`, `memotrace-txt` and `telegram` are accepted).
    pub fn from_name(s: &str) -> Option<InputFormat> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        if let Some(f) = InputFormat::ALL.iter().find(|f| f.name() == s) {
            return Some(*f);
        }
        Some(match s.as_str() {
            "line" | "txt" | "text" | "plain" => InputFormat::Lines,
            "ndjson" | "json-lines" | "jsonlines" => InputFormat::Jsonl,
            "memotrace-txt" | "wechatmsg-txt" | "wechat" => InputFormat::WeChatTxt,
            "memotrace-csv" | "wechatmsg-csv" => InputFormat::WeChatCsv,
            "pywxdump" => InputFormat::PyWxDumpCsv,
            "telegram" | "tg-json" => InputFormat::TelegramJson,
            "qq" => InputFormat::QqTxt,
            "echotrace-txt" => InputFormat::WeFlowTxt,
            "signal" | "signal-md" => InputFormat::WhatsApp,
            _ => return None,
        })
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read an input. `ReadOptions::default()` detects everything.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The format; [`InputFormat::Auto`] detects it from the first 64 KiB.
    pub format: InputFormat,
    /// Force this encoding: no detection, no BOM sniffing (a BOM of this very encoding
    /// is still removed).
    pub encoding: Option<&'static Encoding>,
    /// JSONL: dotted path of the text field (e.g. `msg.body`). Default: the first of
    /// `text`, `content`, `message`, `msg`, `body` that is present.
    pub text_field: Option<String>,
    /// JSONL: dotted path of the id field. Default: `id`.
    pub id_field: Option<String>,
    /// JSONL: dotted path of the sender field. Default: first of `sender`, `from`,
    /// `author`, `user`.
    pub sender_field: Option<String>,
    /// JSONL: dotted path of the time field. Default: first of `time`, `ts`,
    /// `timestamp`, `date`, `datetime`.
    pub time_field: Option<String>,
    /// CSV: name of the text column (case-insensitive). Default: the first column named
    /// `text`, `content`, `message`, `msg`, `body`, `内容` or `消息` (or the known
    /// column of a recognised chat-export header).
    pub text_column: Option<String>,
}

/// An input that could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Reading the first bytes failed.
    #[error("{name}: could not read: {error}")]
    Io {
        /// The source name given to [`MessageReader::new`].
        name: String,
        /// The underlying error.
        #[source]
        error: std::io::Error,
    },
    /// An encoding label given by the user is not known (see [`encoding_for_label`]).
    #[error("unknown encoding {label:?} (try utf-8, gbk, gb18030, big5, utf-16le, utf-16be)")]
    UnknownEncoding {
        /// The label as given.
        label: String,
    },
    /// A format name given by the user is not known (see [`InputFormat::from_name`]).
    #[error("unknown input format {name:?}")]
    UnknownFormat {
        /// The name as given.
        name: String,
    },
    /// A CSV input has no usable text column.
    #[error("{name}: no text column in CSV header {header:?} (set a text column by name)")]
    NoTextColumn {
        /// The source name.
        name: String,
        /// The header line as read.
        header: String,
    },
}

/// A record that could not be read. Iteration continues after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// The source name given to [`MessageReader::new`].
    pub source: String,
    /// 1-based line where the bad record starts.
    pub line: u64,
    /// 1-based ordinal of the record within its source.
    pub record: u64,
    /// What went wrong.
    pub message: String,
}

impl RecordError {
    pub(crate) fn new(source: &str, line: u64, message: impl Into<String>) -> RecordError {
        RecordError {
            source: source.to_string(),
            line,
            record: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: record {}: {}",
            self.source, self.line, self.record, self.message
        )
    }
}

impl std::error::Error for RecordError {}

/// What every format parser produces; the reader numbers the records.
pub(crate) type Item = Result<Message, RecordError>;
type ItemIter = Box<dyn Iterator<Item = Item> + Send>;

/// Streaming reader over one source.
///
/// Detects encoding (BOM; UTF-8 validity of a prefix; chardetng on a 64 KiB prefix cut
/// at a newline; GB18030 as the decoder for GBK) and format (from a decoded prefix)
/// unless forced by [`ReadOptions`]. Iterating yields `Ok(Message)` per message and
/// `Err(RecordError)` per unreadable record, in file order; it never panics.
pub struct MessageReader {
    format: InputFormat,
    encoding: &'static Encoding,
    binary: bool,
    lossy: Arc<AtomicBool>,
    inner: ItemIter,
    record: u64,
}

impl fmt::Debug for MessageReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageReader")
            .field("format", &self.format)
            .field("encoding", &self.encoding.name())
            .field("binary", &self.binary)
            .field("record", &self.record)
            .finish()
    }
}

impl MessageReader {
    /// Starts reading `reader`. `source` names it in errors (a path, or `-` for stdin);
    /// for chat exports its file stem is the default conversation name.
    ///
    /// Reads up to 64 KiB ahead to detect encoding and format. Fails only when that
    /// first read fails, or a CSV has no text column.
    pub fn new<R: Read + Send + 'static>(
        reader: R,
        source: &str,
        opts: &ReadOptions,
    ) -> Result<MessageReader, InputError> {
        let mut reader = reader;
        let prefix = encoding::read_prefix(&mut reader, detect::PREFIX_BYTES).map_err(|e| {
            InputError::Io {
                name: source.to_string(),
                error: e,
            }
        })?;
        let eof = prefix.len() < detect::PREFIX_BYTES;
        let sniff = encoding::sniff(&prefix, eof, opts.encoding);
        let binary = sniff.binary;
        let enc = sniff.encoding;
        let lossy = Arc::new(AtomicBool::new(false));

        let format = if opts.format == InputFormat::Auto {
            let head = encoding::decode_prefix(&prefix[sniff.bom_len..], enc, eof);
            if binary {
                InputFormat::Lines
            } else {
                detect::detect_format(&head, eof)
            }
        } else {
            opts.format
        };

        let body = std::io::Cursor::new(prefix).chain(reader);
        let stream = encoding::decoded_stream(body, sniff.bom_len, enc, lossy.clone());
        let lines = lines::LineSource::new(stream, lossy.clone());
        let ctx = Ctx::new(source);

        let inner: ItemIter = match format {
            InputFormat::Auto | InputFormat::Lines => Box::new(lines::LinesParser::new(lines, ctx)),
            InputFormat::Jsonl => Box::new(jsonl::JsonlParser::new(lines, ctx, opts)),
            InputFormat::Csv | InputFormat::WeChatCsv | InputFormat::PyWxDumpCsv => {
                Box::new(csv::CsvParser::new(lines, ctx, opts, format)?)
            }
            InputFormat::WhatsApp => Box::new(chat::ChatParser::new(
                lines,
                ctx.with_chat(whatsapp::chat_name),
                whatsapp::WhatsApp::new(),
            )),
            InputFormat::WeChatTxt => Box::new(chat::ChatParser::new(
                lines,
                ctx.with_chat(wechat::chat_name),
                wechat::MemoTraceTxt::new(false),
            )),
            InputFormat::WeFlowTxt => Box::new(chat::ChatParser::new(
                lines,
                ctx.with_chat(wechat::chat_name),
                wechat::MemoTraceTxt::new(true),
            )),
            InputFormat::QqTxt => Box::new(chat::ChatParser::new(
                lines,
                ctx.with_chat(|s| Some(s.to_string())),
                qq::QqTxt::new(),
            )),
            InputFormat::TelegramJson => Box::new(telegram::TelegramParser::spawn(lines, ctx)),
        };
        Ok(MessageReader {
            format: if format == InputFormat::Auto {
                InputFormat::Lines
            } else {
                format
            },
            encoding: enc,
            binary,
            lossy,
            inner,
            record: 0,
        })
    }

    /// The format being read: detected, or as forced.
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The encoding being decoded (GBK input reports GB18030, its superset, which is
    /// what decodes it).
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// True when the first 8 KiB hold NUL bytes (and no UTF-16 BOM): probably not text.
    /// The reader still works (as plain lines); callers may skip the source instead.
    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// True once some bytes could not be decoded and were replaced by U+FFFD (the
    /// messages are kept; this only tells that they were repaired).
    pub fn had_decode_errors(&self) -> bool {
        self.lossy.load(Ordering::Relaxed)
    }
}

impl Iterator for MessageReader {
    type Item = Result<Message, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut item = self.inner.next()?;
        self.record += 1;
        match &mut item {
            Ok(m) => m.record = self.record,
            Err(e) => e.record = self.record,
        }
        Some(item)
    }
}

/// What every parser needs to know about its source.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// The source name for errors.
    pub source: String,
    /// The default conversation name (chat exports only).
    pub chat: Option<String>,
}

impl Ctx {
    fn new(source: &str) -> Ctx {
        Ctx {
            source: source.to_string(),
            chat: None,
        }
    }

    /// Sets the default chat name from the source's file stem through `f`.
    fn with_chat(mut self, f: impl Fn(&str) -> Option<String>) -> Ctx {
        self.chat = file_stem(&self.source).and_then(|s| f(&s));
        self
    }

    pub(crate) fn error(&self, line: u64, message: impl Into<String>) -> Item {
        Err(RecordError::new(&self.source, line, message))
    }
}

/// The file stem of a source name; `None` for stdin (`-`, `<stdin>`) or empty names.
fn file_stem(source: &str) -> Option<String> {
    if source.is_empty() || source == "-" || source.starts_with('<') {
        return None;
    }
    let stem = std::path::Path::new(source).file_stem()?.to_string_lossy();
    if stem.is_empty() {
        None
    } else {
        Some(stem.into_owned())
    }
}

/// Turns CRLF and lone CR into LF (no allocation when there is no CR).
pub(crate) fn normalize_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}
