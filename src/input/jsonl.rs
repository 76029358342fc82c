//! JSON Lines: one JSON object per line.
//!
//! The text is taken from [`ReadOptions::text_field`] (a dotted path such as `msg.body`)
//! or the first of `text`, `content`, `message`, `msg`, `body`. A number or boolean text
//! is stringified; an array or object text is kept as its JSON. A missing or `null` text
//! field, a line that is not JSON, or JSON that is not an object gives a
//! [`RecordError`](super::RecordError) for that line, and the next line is read as usual.
//! Blank lines are skipped. `id`, `sender`, `time` and `chat` are optional.

use serde_json::Value;

use super::lines::LineSource;
use super::{normalize_newlines, Ctx, Item, Message, ReadOptions};

const TEXT_FIELDS: &[&str] = &["text", "content", "message", "msg", "body"];
const ID_FIELDS: &[&str] = &["id"];
const SENDER_FIELDS: &[&str] = &["sender", "from", "author", "user"];
const TIME_FIELDS: &[&str] = &["time", "ts", "timestamp", "date", "datetime"];
const CHAT_FIELDS: &[&str] = &["chat", "conversation", "room"];

/// A field choice: an explicit dotted path, or a list of top-level names to try.
enum Field {
    Path(Vec<String>),
    Any(&'static [&'static str]),
}

impl Field {
    fn new(opt: &Option<String>, defaults: &'static [&'static str]) -> Field {
        match opt {
            Some(p) => Field::Path(p.split('.').map(str::to_string).collect()),
            None => Field::Any(defaults),
        }
    }

    fn get<'v>(&self, obj: &'v serde_json::Map<String, Value>) -> Option<&'v Value> {
        match self {
            Field::Path(parts) => {
                let (first, rest) = parts.split_first()?;
                let mut v = obj.get(first)?;
                for p in rest {
                    v = match v {
                        Value::Object(m) => m.get(p)?,
                        Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
                        _ => return None,
                    };
                }
                Some(v)
            }
            Field::Any(names) => names
                .iter()
                .find_map(|n| obj.get(*n).filter(|v| !v.is_null())),
        }
    }

    fn describe(&self) -> String {
        match self {
            Field::Path(p) => format!("{:?}", p.join(".")),
            Field::Any(n) => format!("any of {}", n.join("/")),
        }
    }
}

/// A scalar as a string: strings as they are, others as JSON; `null` is `None`.
fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Takes a string out of the value without copying when possible.
fn take_string(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// The JSONL parser.
pub(crate) struct JsonlParser {
    src: LineSource,
    ctx: Ctx,
    fields: Fields,
}

/// Where the parts of a message are.
struct Fields {
    text: Field,
    id: Field,
    sender: Field,
    time: Field,
    chat: Field,
}

impl JsonlParser {
    pub(crate) fn new(src: LineSource, ctx: Ctx, opts: &ReadOptions) -> JsonlParser {
        JsonlParser {
            src,
            ctx,
            fields: Fields {
                text: Field::new(&opts.text_field, TEXT_FIELDS),
                id: Field::new(&opts.id_field, ID_FIELDS),
                sender: Field::new(&opts.sender_field, SENDER_FIELDS),
                time: Field::new(&opts.time_field, TIME_FIELDS),
                chat: Field::new(&None, CHAT_FIELDS),
            },
        }
    }
}

impl Fields {
    fn parse(&self, ctx: &Ctx, text: &str, no: u64) -> Item {
        let mut obj = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return ctx.error(no, "JSON value is not an object"),
            Err(e) => return ctx.error(no, format!("malformed JSON: {e}")),
        };
        let body = match &self.text {
            // Fast path for a top-level field: move the string out instead of copying.
            Field::Path(p) if p.len() == 1 => obj.remove(&p[0]).and_then(take_string),
            Field::Any(names) => names
                .iter()
                .find_map(|n| obj.remove(*n).filter(|v| !v.is_null()))
                .and_then(take_string),
            f => f.get(&obj).and_then(as_string),
        };
        let Some(body) = body else {
            return ctx.error(no, format!("no text field ({})", self.text.describe()));
        };
        let mut m = Message::new(normalize_newlines(body), no);
        m.id = self.id.get(&obj).and_then(as_string);
        m.sender = self.sender.get(&obj).and_then(as_string);
        m.time = self.time.get(&obj).and_then(as_string);
        m.chat = self.chat.get(&obj).and_then(as_string);
        Ok(m)
    }
}

impl Iterator for JsonlParser {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let line = match self.src.next_line()? {
                Ok(l) => l,
                Err(e) => {
                    let no = self.src.line_no();
                    return Some(self.ctx.error(no, format!("read error: {e}")));
                }
            };
            let t = line.text.trim();
            if t.is_empty() {
                continue;
            }
            return Some(self.fields.parse(&self.ctx, t, line.no));
        }
    }
}
