//! The line splitter under every line-based format, and the plain-lines format.
//!
//! [`LineSource`] reads the decoded stream through one growable buffer (256 KiB reads),
//! finds line ends with `memchr2` and hands out each line as a `&str` borrowed from the
//! buffer: no allocation per line, and each line's bytes are validated as UTF-8 exactly
//! once. LF, CRLF and a lone CR each end a line. Invalid UTF-8 is replaced by U+FFFD
//! (lossy, the line is kept).

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::encoding::Stream;
use super::{Ctx, Item, Message, MAX_LINE_BYTES};

/// Bytes requested from the stream per read.
const CHUNK: usize = 256 * 1024;

/// One physical line (or piece of an over-long line).
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: u64,
    /// The text, without its terminator.
    pub text: Cow<'a, str>,
}

/// Streaming line splitter over a decoded byte stream.
pub(crate) struct LineSource {
    inner: Stream,
    buf: Vec<u8>,
    /// Start of the unconsumed data in `buf`.
    start: usize,
    /// Where to resume searching for a terminator (everything in `start..scan` has none).
    scan: usize,
    eof: bool,
    /// Number of the next line.
    line_no: u64,
    max_line: usize,
    lossy: Arc<AtomicBool>,
    /// Some CR is in `buf[start..]`: search for CR and LF; otherwise for LF alone,
    /// which is faster (checked once per read, not per line).
    has_cr: bool,
}

impl LineSource {
    pub(crate) fn new(inner: Stream, lossy: Arc<AtomicBool>) -> LineSource {
        LineSource {
            inner,
            buf: Vec::with_capacity(CHUNK),
            start: 0,
            scan: 0,
            eof: false,
            line_no: 1,
            max_line: MAX_LINE_BYTES,
            lossy,
            has_cr: false,
        }
    }

    /// Lowers the line cap (tests).
    #[cfg(test)]
    pub(crate) fn with_max_line(mut self, max: usize) -> LineSource {
        self.max_line = max.max(4);
        self
    }

    /// Number of the next line (for errors).
    pub(crate) fn line_no(&self) -> u64 {
        self.line_no
    }

    /// The raw stream, for formats that are not line-based (Telegram JSON). Bytes already
    /// buffered come first.
    pub(crate) fn into_stream(self) -> Stream {
        let rest = self.buf[self.start..].to_vec();
        Box::new(io::Cursor::new(rest).chain(self.inner))
    }

    /// The next line, `None` at end of input.
    pub(crate) fn next_line(&mut self) -> Option<io::Result<Line<'_>>> {
        loop {
            let hay = &self.buf[self.scan..];
            let found = if self.has_cr {
                memchr::memchr2(b'\n', b'\r', hay)
            } else {
                memchr::memchr(b'\n', hay)
            };
            if let Some(i) = found {
                let pos = self.scan + i;
                if pos - self.start > self.max_line {
                    return Some(Ok(self.piece()));
                }
                let term = if self.buf[pos] == b'\n' {
                    1
                } else if pos + 1 < self.buf.len() {
                    if self.buf[pos + 1] == b'\n' {
                        2
                    } else {
                        1
                    }
                } else if self.eof {
                    1
                } else {
                    // A CR at the end of the buffer: is an LF next?
                    self.scan = pos;
                    if let Err(e) = self.fill() {
                        return Some(Err(e));
                    }
                    continue;
                };
                let (a, b) = (self.start, pos);
                self.start = pos + term;
                self.scan = self.start;
                let no = self.line_no;
                self.line_no += 1;
                return Some(Ok(self.make_line(no, a, b)));
            }
            self.scan = self.buf.len();
            let pending = self.buf.len() - self.start;
            if pending > self.max_line {
                return Some(Ok(self.piece()));
            }
            if self.eof {
                if pending == 0 {
                    return None;
                }
                let (a, b) = (self.start, self.buf.len());
                self.start = b;
                self.scan = b;
                let no = self.line_no;
                self.line_no += 1;
                return Some(Ok(self.make_line(no, a, b)));
            }
            if let Err(e) = self.fill() {
                return Some(Err(e));
            }
        }
    }

    /// Hands out the first `max_line` bytes of an over-long line, cut at a character
    /// boundary; the rest keeps the same line number.
    fn piece(&mut self) -> Line<'_> {
        let mut cut = self.start + self.max_line;
        let floor = cut.saturating_sub(3).max(self.start + 1);
        while cut > floor && (self.buf[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        let a = self.start;
        self.start = cut;
        self.scan = cut;
        self.make_line(self.line_no, a, cut)
    }

    fn make_line(&self, no: u64, a: usize, b: usize) -> Line<'_> {
        let bytes = &self.buf[a..b];
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                self.lossy.store(true, Ordering::Relaxed);
                String::from_utf8_lossy(bytes)
            }
        };
        Line { no, text }
    }

    /// Moves unconsumed bytes to the front and reads more.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
            if self.buf.capacity() > 4 * CHUNK && self.buf.len() < CHUNK {
                self.buf.shrink_to(2 * CHUNK);
            }
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let res = loop {
            match self.inner.read(&mut self.buf[old..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        match res {
            Ok(n) => {
                self.buf.truncate(old + n);
                self.has_cr = memchr::memchr(b'\r', &self.buf[self.start..]).is_some();
                if n == 0 {
                    self.eof = true;
                }
                Ok(())
            }
            Err(e) => {
                self.buf.truncate(old);
                // Do not loop on a failing reader: the error is reported once, then EOF.
                self.eof = true;
                Err(e)
            }
        }
    }
}

/// Plain text: one message per non-blank line.
pub(crate) struct LinesParser {
    src: LineSource,
    ctx: Ctx,
}

impl LinesParser {
    pub(crate) fn new(src: LineSource, ctx: Ctx) -> LinesParser {
        LinesParser { src, ctx }
    }
}

impl Iterator for LinesParser {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let line = match self.src.next_line()? {
                Ok(l) => l,
                Err(e) => {
                    let no = self.src.line_no;
                    return Some(self.ctx.error(no, format!("read error: {e}")));
                }
            };
            if line.text.trim().is_empty() {
                continue;
            }
            return Some(Ok(Message::new(line.text.into_owned(), line.no)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(data: &[u8], max: usize) -> LineSource {
        LineSource::new(
            Box::new(io::Cursor::new(data.to_vec())),
            Arc::new(AtomicBool::new(false)),
        )
        .with_max_line(max)
    }

    fn all(mut s: LineSource) -> Vec<(u64, String)> {
        let mut v = Vec::new();
        while let Some(l) = s.next_line() {
            let l = l.unwrap();
            v.push((l.no, l.text.into_owned()));
        }
        v
    }

    #[test]
    fn terminators() {
        let v = all(src(b"a\r\nb\rc\n\nd", 1 << 20));
        let want: Vec<(u64, String)> = vec![
            (1, "a".into()),
            (2, "b".into()),
            (3, "c".into()),
            (4, "".into()),
            (5, "d".into()),
        ];
        assert_eq!(v, want);
    }

    #[test]
    fn long_line_is_cut_at_char_boundary() {
        let text = "解封".repeat(10); // 60 bytes
        let data = format!("{text}\nnext\n");
        let v = all(src(data.as_bytes(), 16));
        let joined: String = v
            .iter()
            .filter(|(n, _)| *n == 1)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(joined, text);
        assert!(v.iter().all(|(_, t)| t.len() <= 16));
        assert_eq!(v.last().unwrap(), &(2, "next".to_string()));
    }

    #[test]
    fn invalid_utf8_is_lossy() {
        let v = all(src(b"ok\nbad \xff\xfe here\n", 1 << 20));
        assert_eq!(v[1].1, "bad \u{FFFD}\u{FFFD} here");
    }
}
