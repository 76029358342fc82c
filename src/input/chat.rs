//! The machinery shared by the line-oriented chat exports (WhatsApp, MemoTrace/WeFlow
//! TXT, QQ TXT): a grammar classifies each line as a header, a metadata line or a body
//! line, and [`ChatParser`] assembles messages.
//!
//! Rules that hold for every chat format:
//! * a line that is not a header continues the message before it (blank lines inside a
//!   message are kept, blank lines at its end are not);
//! * body lines before the first header become one orphan message with no sender;
//! * a message that grows past [`MAX_MESSAGE_BYTES`] is emitted, and its remaining lines
//!   start a new message with the same sender and time.

use super::lines::LineSource;
use super::{Ctx, Item, Message, MAX_MESSAGE_BYTES};

/// What a line is.
pub(crate) enum Class {
    /// Starts a new message.
    Header(Header),
    /// Export metadata (banners, separators), not a message. May name the conversation.
    Meta {
        /// New conversation name for the following messages.
        chat: Option<String>,
    },
    /// Content of the current message.
    Body,
}

/// A parsed header line.
#[derive(Default)]
pub(crate) struct Header {
    pub sender: Option<String>,
    pub time: Option<String>,
    pub id: Option<String>,
    /// Text that is on the header line itself (WhatsApp). `None`: body follows.
    pub text: Option<String>,
    /// When no body follows, the message is a system line with this text and no sender
    /// (MemoTrace `TS "x" 撤回了一条消息`).
    pub system_if_empty: Option<String>,
}

/// A chat export's line grammar.
pub(crate) trait Grammar: Send + 'static {
    /// Classifies `line`. `after_break`: the previous line was blank or metadata, or
    /// this is the first line.
    fn classify(&mut self, line: &str, after_break: bool) -> Class;
}

struct Pending {
    msg: Message,
    has_content: bool,
    /// Blank lines seen since the last content line (kept only if content follows).
    blanks: usize,
    system_if_empty: Option<String>,
}

/// Assembles messages from a line grammar.
pub(crate) struct ChatParser<G> {
    src: LineSource,
    ctx: Ctx,
    grammar: G,
    chat: Option<String>,
    current: Option<Pending>,
    after_break: bool,
    done: bool,
    max_message: usize,
}

impl<G: Grammar> ChatParser<G> {
    pub(crate) fn new(src: LineSource, ctx: Ctx, grammar: G) -> ChatParser<G> {
        ChatParser {
            src,
            chat: ctx.chat.clone(),
            ctx,
            grammar,
            current: None,
            after_break: true,
            done: false,
            max_message: MAX_MESSAGE_BYTES,
        }
    }

    /// Lowers the message size cap (tests).
    #[cfg(test)]
    pub(crate) fn with_max_message(mut self, max: usize) -> Self {
        self.max_message = max;
        self
    }

    fn finish(p: Pending) -> Message {
        let mut m = p.msg;
        if !p.has_content {
            if let Some(sys) = p.system_if_empty {
                m.text = sys;
                m.sender = None;
            }
        }
        m
    }

    fn start(&mut self, h: Header, no: u64) {
        let mut msg = Message::new(String::new(), no);
        msg.sender = h.sender;
        msg.time = h.time;
        msg.id = h.id;
        msg.chat = self.chat.clone();
        let has_content = h.text.is_some();
        if let Some(t) = h.text {
            msg.text = t;
        }
        self.current = Some(Pending {
            msg,
            has_content,
            blanks: 0,
            system_if_empty: h.system_if_empty,
        });
    }
}

impl<G: Grammar> Iterator for ChatParser<G> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if self.done {
                return None;
            }
            let (no, class, blank, text) = match self.src.next_line() {
                None => {
                    self.done = true;
                    return self.current.take().map(|p| Ok(Self::finish(p)));
                }
                Some(Err(e)) => {
                    let no = self.src.line_no();
                    return Some(self.ctx.error(no, format!("read error: {e}")));
                }
                Some(Ok(line)) => {
                    let blank = line.text.trim().is_empty();
                    let class = if blank {
                        Class::Body
                    } else {
                        self.grammar.classify(&line.text, self.after_break)
                    };
                    let text = match class {
                        Class::Body if !blank => Some(line.text.into_owned()),
                        _ => None,
                    };
                    (line.no, class, blank, text)
                }
            };
            match class {
                Class::Header(h) => {
                    self.after_break = false;
                    let prev = self.current.take();
                    self.start(h, no);
                    if let Some(p) = prev {
                        return Some(Ok(Self::finish(p)));
                    }
                }
                Class::Meta { chat } => {
                    self.after_break = true;
                    if let Some(c) = chat {
                        self.chat = Some(c);
                    }
                    // Metadata ends the message before it.
                    if let Some(p) = self.current.take() {
                        return Some(Ok(Self::finish(p)));
                    }
                }
                Class::Body if blank => {
                    self.after_break = true;
                    if let Some(p) = &mut self.current {
                        if p.has_content {
                            p.blanks += 1;
                        }
                    }
                }
                Class::Body => {
                    self.after_break = false;
                    let text = text.unwrap_or_default();
                    let mut emit = None;
                    match &mut self.current {
                        Some(p) if p.msg.text.len() + text.len() <= self.max_message => {
                            if p.has_content {
                                for _ in 0..=p.blanks {
                                    p.msg.text.push('\n');
                                }
                            }
                            p.msg.text.push_str(&text);
                            p.has_content = true;
                            p.blanks = 0;
                        }
                        Some(p) => {
                            // Too big: emit and continue as a new message, same sender.
                            let h = Header {
                                sender: p.msg.sender.clone(),
                                time: p.msg.time.clone(),
                                id: None,
                                text: Some(text),
                                system_if_empty: None,
                            };
                            emit = self.current.take();
                            self.start(h, no);
                        }
                        None => {
                            // Orphan: content before any header.
                            self.start(
                                Header {
                                    text: Some(text),
                                    ..Header::default()
                                },
                                no,
                            );
                        }
                    }
                    if let Some(p) = emit {
                        return Some(Ok(Self::finish(p)));
                    }
                }
            }
        }
    }
}

/// Removes bidi and zero-width marks that exports use as markup (U+200E/F, U+202A–E,
/// U+2066–9, U+FEFF) from both ends of a name and trims spaces.
pub(crate) fn clean_name(s: &str) -> String {
    let is_mark = |c: char| {
        matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        ) || c.is_whitespace()
    };
    s.trim_matches(is_mark)
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    /// Headers are lines starting with `#name`.
    struct Hash;
    impl Grammar for Hash {
        fn classify(&mut self, line: &str, _: bool) -> Class {
            match line.strip_prefix('#') {
                Some(n) => Class::Header(Header {
                    sender: Some(n.to_string()),
                    ..Header::default()
                }),
                None => Class::Body,
            }
        }
    }

    fn parse(data: &str, max: usize) -> Vec<Message> {
        let src = LineSource::new(
            Box::new(std::io::Cursor::new(data.as_bytes().to_vec())),
            Arc::new(AtomicBool::new(false)),
        );
        let ctx = Ctx {
            source: "t".into(),
            chat: None,
        };
        ChatParser::new(src, ctx, Hash)
            .with_max_message(max)
            .map(|m| m.unwrap())
            .collect()
    }

    #[test]
    fn orphan_blank_and_continuation() {
        let m = parse("\nlost\nline\n#a\nx\n\ny\n\n\n#b\nz\n", 1 << 20);
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m[0].sender.as_deref(), m[0].text.as_str(), m[0].line),
            (None, "lost\nline", 2)
        );
        assert_eq!(m[1].text, "x\n\ny");
        assert_eq!(m[1].line, 4);
        assert_eq!(
            (m[2].sender.as_deref(), m[2].text.as_str()),
            (Some("b"), "z")
        );
    }

    #[test]
    fn message_cap_splits() {
        let m = parse("#a\n0123456789\nabcdefghij\nk\n", 12);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].text, "0123456789");
        assert_eq!(m[1].text, "abcdefghij\nk");
        assert_eq!(m[1].sender.as_deref(), Some("a"));
        assert_eq!(m[1].line, 3);
    }
}
