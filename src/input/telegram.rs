//! Telegram Desktop `result.json`: one chat (`{name, type, id, messages}`) or the full
//! account export (`chats.list[*]` and `left_chats.list[*]`).
//!
//! Streamed: a helper thread walks the JSON with serde visitors, one message object at
//! a time (everything else is skipped without being stored), and hands messages over a
//! bounded channel. Memory is one message plus the channel (256 messages), whatever the
//! file size. If the reader is dropped early the thread stops at its next message.
//!
//! Mapping: `text` is flattened (a string, or an array of strings and `{type, text}`
//! parts); a `text_link` part keeps its `href` in parentheses after the anchor text, so
//! a phishing URL behind innocent words is scanned. `sender = from || actor || from_id`,
//! `time = date` (naive local as written; `date_unixtime` if there is no `date`),
//! `id = id`, `chat = name` of the chat (or its id). A service message with no text gets
//! `[action]` as text. `line` is the line of the message's `{`. A JSON syntax error ends
//! the file with one [`RecordError`](super::RecordError) (JSON cannot be resynchronised).

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::rc::Rc;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::lines::LineSource;
use super::{normalize_newlines, Ctx, Item, Message};

/// Counts newlines of the bytes the JSON parser has consumed (it reads byte by byte
/// from the buffered reader below, so this is exact).
struct CountingReader<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
    /// Some non-whitespace byte was read (an all-blank input is simply empty).
    content: Rc<Cell<bool>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        // serde_json reads one byte at a time: keep the common case cheap.
        if let [b] = got {
            if *b == b'\n' {
                self.newlines.set(self.newlines.get() + 1);
            } else if !self.content.get() && !b.is_ascii_whitespace() {
                self.content.set(true);
            }
            return Ok(n);
        }
        let nl = memchr::memchr_iter(b'\n', got).count() as u64;
        self.newlines.set(self.newlines.get() + nl);
        if !self.content.get() && !got.iter().all(u8::is_ascii_whitespace) {
            self.content.set(true);
        }
        Ok(n)
    }
}

/// Iterator side: receives messages from the parsing thread.
pub(crate) struct TelegramParser {
    rx: Receiver<Item>,
}

impl TelegramParser {
    pub(crate) fn spawn(src: LineSource, ctx: Ctx) -> TelegramParser {
        let (tx, rx) = sync_channel(256);
        let stream = src.into_stream();
        let spawned = std::thread::Builder::new()
            .name("fanzha-telegram".into())
            .spawn({
                let tx = tx.clone();
                let ctx = ctx.clone();
                move || run(stream, ctx, tx)
            });
        if let Err(e) = spawned {
            let _ = tx.send(ctx.error(1, format!("could not start the JSON reader thread: {e}")));
        }
        TelegramParser { rx }
    }
}

impl Iterator for TelegramParser {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.rx.recv().ok()
    }
}

/// Shared state of the visitors.
struct State {
    ctx: Ctx,
    tx: SyncSender<Item>,
    newlines: Rc<Cell<u64>>,
    /// The receiver is gone: stop.
    stopped: Cell<bool>,
}

const STOP: &str = "fanzha: reader dropped";

fn run(stream: super::encoding::Stream, ctx: Ctx, tx: SyncSender<Item>) {
    let newlines = Rc::new(Cell::new(0));
    let content = Rc::new(Cell::new(false));
    let reader = CountingReader {
        inner: BufReader::with_capacity(64 * 1024, stream),
        newlines: newlines.clone(),
        content: content.clone(),
    };
    let st = State {
        ctx,
        tx,
        newlines,
        stopped: Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let res = TopSeed(&st).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = res {
        if !st.stopped.get() && content.get() {
            let line = if e.line() > 0 {
                e.line() as u64
            } else {
                st.newlines.get() + 1
            };
            let _ = st.tx.send(st.ctx.error(
                line,
                format!("Telegram JSON: {e}; the rest of the file is not read"),
            ));
        }
    }
}

/// The top level: a single chat, or the full export.
struct TopSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(ChatVisitor {
            st: self.0,
            top: true,
        })
    }
}

/// A chat object (also used for the top level, which has the chat's shape for a single
/// chat export and `chats`/`left_chats` for the full one).
struct ChatVisitor<'a> {
    st: &'a State,
    top: bool,
}

impl<'de> Visitor<'de> for ChatVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Telegram export object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut name: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => {
                    if let Value::String(s) = map.next_value::<Value>()? {
                        name = Some(s);
                    }
                }
                "id" if name.is_none() => {
                    let v = map.next_value::<Value>()?;
                    if !v.is_null() {
                        name = Some(value_string(&v));
                    }
                }
                "messages" => {
                    let chat = name.clone().or_else(|| self.st.ctx.chat.clone());
                    map.next_value_seed(MessagesSeed { st: self.st, chat })?;
                }
                "chats" | "left_chats" if self.top => {
                    map.next_value_seed(ListSeed(self.st))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `chats` / `left_chats`: `{ "about": …, "list": [chat…] }`.
struct ListSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ListVisitor(self.0))
    }
}

struct ListVisitor<'a>(&'a State);

impl<'de> Visitor<'de> for ListVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a chat list")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "list" {
                map.next_value_seed(ChatsSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ChatsVisitor(self.0).visit_seq(seq)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ChatsSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for ChatsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ChatsVisitor(self.0))
    }
}

struct ChatsVisitor<'a>(&'a State);

impl<'de> Visitor<'de> for ChatsVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of chats")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ChatSeed(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ChatSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for ChatSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ChatVisitor {
            st: self.0,
            top: false,
        })
    }
}

struct MessagesSeed<'a> {
    st: &'a State,
    chat: Option<String>,
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of messages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element_seed(OneMessage(self.st))? {
            let Some((raw, line)) = item else {
                continue;
            };
            let msg = convert(raw, line, self.chat.clone());
            if self.st.tx.send(msg).is_err() {
                self.st.stopped.set(true);
                return Err(de::Error::custom(STOP));
            }
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One message object, with the line of its `{`. `None` for a non-object element.
struct OneMessage<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for OneMessage<'_> {
    type Value = Option<(RawMessage, u64)>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OneMessage<'_> {
    type Value = Option<(RawMessage, u64)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a message object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // The `{` has just been consumed: the newline count gives its line.
        let line = self.0.newlines.get() + 1;
        let raw = RawMessage::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Some((raw, line)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The fields we use; every one is a loose `Value` so that no odd type can fail.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMessage {
    id: Value,
    #[serde(rename = "type")]
    kind: Value,
    date: Value,
    date_unixtime: Value,
    from: Value,
    from_id: Value,
    actor: Value,
    actor_id: Value,
    action: Value,
    text: Value,
}

fn value_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn opt_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        v => Some(value_string(v)),
    }
}

/// Flattens `text`: a string, or an array of strings and `{type, text, href?}` parts.
fn flatten(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(parts) => {
            let mut out = String::new();
            for p in parts {
                match p {
                    Value::String(s) => out.push_str(s),
                    Value::Object(o) => {
                        let t = o.get("text").map(flatten).unwrap_or_default();
                        out.push_str(&t);
                        if let Some(Value::String(href)) = o.get("href") {
                            if *href != t {
                                out.push_str(" (");
                                out.push_str(href);
                                out.push(')');
                            }
                        }
                    }
                    other => out.push_str(&other.to_string()),
                }
            }
            out
        }
        other => other.to_string(),
    }
}

fn convert(raw: RawMessage, line: u64, chat: Option<String>) -> Item {
    let mut text = normalize_newlines(flatten(&raw.text));
    if text.is_empty() && raw.kind.as_str() == Some("service") {
        if let Some(a) = opt_string(&raw.action) {
            text = format!("[{a}]");
        }
    }
    let mut m = Message::new(text, line);
    m.id = opt_string(&raw.id);
    m.sender = opt_string(&raw.from)
        .or_else(|| opt_string(&raw.actor))
        .or_else(|| opt_string(&raw.from_id))
        .or_else(|| opt_string(&raw.actor_id));
    m.time = opt_string(&raw.date).or_else(|| opt_string(&raw.date_unixtime));
    m.chat = chat;
    Ok(m)
}

/// True when the decoded head looks like a Telegram Desktop export (detection).
pub(crate) fn looks_like(head: &str) -> bool {
    use std::sync::LazyLock;
    static SINGLE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r#""type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup|private_channel|public_channel|bot_chat|saved_messages)""#,
        )
        .expect("valid regex")
    });
    static MESSAGES: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""messages"\s*:"#).expect("valid regex"));
    static FULL: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""chats"\s*:\s*\{\s*"about""#).expect("valid regex"));
    if !head.trim_start().starts_with('{') {
        return false;
    }
    (SINGLE.is_match(head) && MESSAGES.is_match(head))
        || head.contains("\"personal_information\"")
        || FULL.is_match(head)
}
