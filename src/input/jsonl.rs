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
    flat: Option<FlatPlan>,
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
        let fields = Fields {
            text: Field::new(&opts.text_field, TEXT_FIELDS),
            id: Field::new(&opts.id_field, ID_FIELDS),
            sender: Field::new(&opts.sender_field, SENDER_FIELDS),
            time: Field::new(&opts.time_field, TIME_FIELDS),
            chat: Field::new(&None, CHAT_FIELDS),
        };
        JsonlParser {
            src,
            ctx,
            flat: FlatPlan::new(&fields),
            fields,
        }
    }
}

/// Top-level names a field may take, in order of preference (`None`: nested path).
fn names(f: &Field) -> Option<Vec<&str>> {
    match f {
        Field::Path(p) if p.len() == 1 => Some(vec![p[0].as_str()]),
        Field::Path(_) => None,
        Field::Any(n) => Some(n.to_vec()),
    }
}

/// Which slot (text, id, sender, time, chat) and preference rank each wanted key has.
struct FlatPlan {
    keys: Vec<(String, usize, usize)>,
}

impl FlatPlan {
    fn new(fields: &Fields) -> Option<FlatPlan> {
        let mut keys = Vec::new();
        for (slot, f) in [
            &fields.text,
            &fields.id,
            &fields.sender,
            &fields.time,
            &fields.chat,
        ]
        .into_iter()
        .enumerate()
        {
            for (rank, n) in names(f)?.into_iter().enumerate() {
                keys.push((n.to_string(), slot, rank));
            }
        }
        Some(FlatPlan { keys })
    }

    fn lookup(&self, key: &str) -> Option<(usize, usize)> {
        self.keys
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, r)| (*s, *r))
    }
}

/// Result of the flat pass: the best (lowest rank) non-null value per slot.
#[derive(Default)]
struct Found {
    slots: [Option<(usize, Value)>; 5],
    not_object: bool,
}

impl Found {
    fn not_object() -> Found {
        Found {
            not_object: true,
            ..Found::default()
        }
    }
}

struct FlatSeed<'a>(&'a FlatPlan);

impl<'de> serde::de::DeserializeSeed<'de> for FlatSeed<'_> {
    type Value = Found;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        d.deserialize_any(self)
    }
}

struct KeySeed<'a>(&'a FlatPlan);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<(usize, usize)>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeySeed<'_> {
    type Value = Option<(usize, usize)>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.lookup(v))
    }
}

impl<'de> serde::de::Visitor<'de> for FlatSeed<'_> {
    type Value = Found;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut found = Found::default();
        while let Some(k) = map.next_key_seed(KeySeed(self.0))? {
            match k {
                Some((slot, rank)) => {
                    let v: Value = map.next_value()?;
                    let better = match &found.slots[slot] {
                        Some((r, _)) => rank < *r,
                        None => true,
                    };
                    if better && !v.is_null() {
                        found.slots[slot] = Some((rank, v));
                    }
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Found::not_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<Found, E> {
        Ok(Found::not_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Found, E> {
        Ok(Found::not_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Found, E> {
        Ok(Found::not_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Found, E> {
        Ok(Found::not_object())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Found, E> {
        Ok(Found::not_object())
    }
    fn visit_unit<E>(self) -> Result<Found, E> {
        Ok(Found::not_object())
    }
}

impl Fields {
    /// Fast path when every field is a top-level name: one pass over the object,
    /// values of other keys skipped without being built.
    fn parse_flat(&self, plan: &FlatPlan, ctx: &Ctx, text: &str, no: u64) -> Item {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(text);
        let found = match FlatSeed(plan)
            .deserialize(&mut de)
            .and_then(|f| de.end().map(|()| f))
        {
            Ok(f) => f,
            Err(e) => return ctx.error(no, format!("malformed JSON: {e}")),
        };
        if found.not_object {
            return ctx.error(no, "JSON value is not an object");
        }
        let [text_v, id, sender, time, chat] = found.slots;
        let Some(body) = text_v.and_then(|(_, v)| take_string(v)) else {
            return ctx.error(no, format!("no text field ({})", self.text.describe()));
        };
        let mut m = Message::new(normalize_newlines(body), no);
        m.id = id.and_then(|(_, v)| take_string(v));
        m.sender = sender.and_then(|(_, v)| take_string(v));
        m.time = time.and_then(|(_, v)| take_string(v));
        m.chat = chat.and_then(|(_, v)| take_string(v));
        Ok(m)
    }

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
            return Some(match &self.flat {
                Some(plan) => self.fields.parse_flat(plan, &self.ctx, t, line.no),
                None => self.fields.parse(&self.ctx, t, line.no),
            });
        }
    }
}
