//! Fast path of `fanzha scan` for plain UTF-8 text, one message per line.
//!
//! [`MessageReader`](fanzha::input::MessageReader) reads on one thread and
//! allocates a `Message` per line; on plain text that single reader thread
//! tops out at ~300 MB/s. Here the reader thread only reads ~512 KiB chunks
//! cut after a line terminator and counts their lines and messages (so line
//! and record numbers stay exact); the workers split the chunks into lines,
//! validate UTF-8 and classify borrowed `&str`s: no allocation per message.
//!
//! The result is the same as the input layer's `lines` format: LF, CRLF and a
//! lone CR end a line; all-whitespace lines are skipped; invalid UTF-8 is
//! replaced with U+FFFD; a line longer than [`MAX_LINE_BYTES`] is cut into
//! pieces at character boundaries that keep the line's number. A test
//! compares the two on random input.

use std::borrow::Cow;
use std::io::Read;

pub use fanzha::input::MAX_LINE_BYTES;

/// Bytes aimed at per chunk.
pub const CHUNK_BYTES: usize = 512 << 10;

/// One segment of a chunk: a whole line or a piece of an over-long line.
pub struct Segment<'a> {
    /// Where the bytes start in the chunk.
    pub start: usize,
    /// The bytes, without terminator.
    pub bytes: &'a [u8],
    /// False for a piece of an over-long line that goes on after it.
    pub ends_line: bool,
}

/// Calls `f` for every line (or piece of an over-long line) of `data`.
///
/// `data` ends after a terminator, or is the end of the input, or (when
/// `partial_tail`) is a piece of a line that continues in the next chunk.
pub fn for_each_segment(
    data: &[u8],
    max_line: usize,
    partial_tail: bool,
    mut f: impl FnMut(Segment<'_>),
) {
    let has_cr = memchr::memchr(b'\r', data).is_some();
    let mut start = 0;
    while start < data.len() {
        let found = if has_cr {
            memchr::memchr2(b'\n', b'\r', &data[start..])
        } else {
            memchr::memchr(b'\n', &data[start..])
        };
        let (end, next) = match found {
            Some(i) => {
                let pos = start + i;
                let term = if data[pos] == b'\r' && data.get(pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                (pos, pos + term)
            }
            None => (data.len(), data.len()),
        };
        while end - start > max_line {
            let cut = piece_end(data, start, max_line);
            f(Segment {
                start,
                bytes: &data[start..cut],
                ends_line: false,
            });
            start = cut;
        }
        let tail = found.is_none() && partial_tail;
        f(Segment {
            start,
            bytes: &data[start..end],
            ends_line: !tail,
        });
        start = next;
    }
}

/// End of the first piece of an over-long line starting at `start`: `max`
/// bytes, moved back (at most 3 bytes) to a character boundary.
fn piece_end(data: &[u8], start: usize, max: usize) -> usize {
    let mut cut = start + max;
    let floor = cut.saturating_sub(3).max(start + 1);
    while cut > floor && cut < data.len() && (data[cut] & 0xC0) == 0x80 {
        cut -= 1;
    }
    cut
}

/// True when the segment is a message: not empty and not all whitespace
/// (after lossy decoding). Looks at the first character only, unless it is
/// whitespace.
pub fn is_message(bytes: &[u8]) -> bool {
    let first = match bytes.first() {
        None => return false,
        Some(&b) if b < 0x80 => b as char,
        Some(&lead) => {
            // Decode just the first character (its length from the lead
            // byte): this runs for every line, mostly on a Chinese one.
            let width = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            match bytes.get(..width).map(std::str::from_utf8) {
                Some(Ok(s)) => s.chars().next().unwrap_or('\u{FFFD}'),
                // An invalid or cut first character: U+FFFD, not whitespace.
                _ => return true,
            }
        }
    };
    !first.is_whitespace() || !text(bytes).0.trim().is_empty()
}

/// The segment as text; the flag is true when bytes had to be replaced.
pub fn text(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// A chunk of plain-text input.
#[derive(Debug)]
pub struct Chunk {
    /// The bytes (see [`for_each_segment`]).
    pub data: Vec<u8>,
    /// Number of the first line in `data`.
    pub first_line: u64,
    /// Record number of the first message in `data`.
    pub first_record: u64,
    /// `data` ends inside an over-long line.
    pub partial_tail: bool,
}

/// Cuts a UTF-8 byte stream (BOM already removed) into [`Chunk`]s.
pub struct Chunker {
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    eof: bool,
    line: u64,
    record: u64,
    max_line: usize,
    chunk: usize,
    /// A read error, reported after the bytes read before it.
    error: Option<std::io::Error>,
}

impl Chunker {
    /// Chunks of `reader`, whose first line is line 1.
    pub fn new(reader: Box<dyn Read + Send>) -> Chunker {
        Chunker::with_limits(reader, MAX_LINE_BYTES, CHUNK_BYTES)
    }

    /// With other limits (tests).
    pub fn with_limits(reader: Box<dyn Read + Send>, max_line: usize, chunk: usize) -> Chunker {
        Chunker {
            reader,
            buf: Vec::new(),
            eof: false,
            line: 1,
            record: 1,
            max_line: max_line.max(4),
            chunk: chunk.max(1),
            error: None,
        }
    }

    /// Reads until `buf` holds `want` bytes or the input ends (a read error
    /// ends it too, and is kept for later).
    fn fill(&mut self, want: usize) {
        while !self.eof && self.buf.len() < want {
            let old = self.buf.len();
            let add = (want - old).max(64 << 10);
            self.buf.resize(old + add, 0);
            match self.reader.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(old + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(old),
                Err(e) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    self.error = Some(e);
                }
            }
        }
    }

    /// Where to cut `buf`, and whether the cut is inside an over-long line;
    /// `None` when more input is needed.
    fn cut(&self) -> Option<(usize, bool)> {
        let n = self.buf.len();
        if self.eof {
            return Some((n, false));
        }
        if let Some(i) = memchr::memrchr(b'\n', &self.buf) {
            return Some((i + 1, false));
        }
        // No LF: a CR that is not the last byte is a whole (lone CR) terminator.
        if let Some(i) = memchr::memrchr(b'\r', &self.buf[..n.saturating_sub(1)]) {
            return Some((i + 1, false));
        }
        if n > self.max_line {
            return Some((piece_end(&self.buf, 0, self.max_line), true));
        }
        None
    }

    /// The next chunk; an error when reading failed (the input then ends).
    pub fn next_chunk(&mut self) -> Option<std::io::Result<Chunk>> {
        let mut want = self.chunk;
        let (cut, partial) = loop {
            self.fill(want);
            if self.buf.is_empty() {
                return self.error.take().map(Err);
            }
            match self.cut() {
                Some(c) => break c,
                None => want = self.buf.len() * 2,
            }
        };
        let rest = self.buf[cut..].to_vec();
        self.buf.truncate(cut);
        let data = std::mem::replace(&mut self.buf, rest);
        let chunk = Chunk {
            first_line: self.line,
            first_record: self.record,
            partial_tail: partial,
            data,
        };
        for_each_segment(&chunk.data, self.max_line, partial, |s| {
            self.record += u64::from(is_message(s.bytes));
            self.line += u64::from(s.ends_line);
        });
        Some(Ok(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanzha::input::{InputFormat, MessageReader, ReadOptions};

    #[test]
    fn blank_lines_are_not_messages_whatever_their_first_character() {
        let yes: [&[u8]; 6] = [
            b"x",
            "好的".as_bytes(),
            "\u{3000}好".as_bytes(),
            b"\xE4",
            b"\x80abc",
            "é".as_bytes(),
        ];
        let no: [&[u8]; 5] = [
            b"",
            b" ",
            b" \t ",
            "\u{3000}\u{3000}".as_bytes(),
            "\u{A0} ".as_bytes(),
        ];
        for b in yes {
            assert!(is_message(b), "{b:?}");
        }
        for b in no {
            assert!(!is_message(b), "{b:?}");
        }
    }

    fn fast(data: &[u8], max_line: usize, chunk: usize) -> Vec<(u64, u64, String)> {
        let mut c = Chunker::with_limits(
            Box::new(std::io::Cursor::new(data.to_vec())),
            max_line,
            chunk,
        );
        let mut out = Vec::new();
        while let Some(ch) = c.next_chunk() {
            let ch = ch.unwrap();
            let (mut line, mut record) = (ch.first_line, ch.first_record);
            for_each_segment(&ch.data, max_line, ch.partial_tail, |s| {
                if is_message(s.bytes) {
                    out.push((line, record, text(s.bytes).0.into_owned()));
                    record += 1;
                }
                line += u64::from(s.ends_line);
            });
        }
        out
    }

    fn library(data: &[u8]) -> Vec<(u64, u64, String)> {
        let opts = ReadOptions {
            format: InputFormat::Lines,
            encoding: Some(encoding_rs::UTF_8),
            ..Default::default()
        };
        MessageReader::new(std::io::Cursor::new(data.to_vec()), "t", &opts)
            .unwrap()
            .map(|m| {
                let m = m.unwrap();
                (m.line, m.record, m.text)
            })
            .collect()
    }

    #[test]
    fn same_as_the_input_layer_on_random_text() {
        let alphabet: &[&[u8]] = &[
            b"a",
            b"b",
            b" ",
            b"\t",
            b"\n",
            b"\r",
            b"\r\n",
            "解".as_bytes(),
            "\u{3000}".as_bytes(),
            b"\xff",
            b"\xe8\xa7",
            b"\x00",
            b"\n\n",
        ];
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..400 {
            let len = (rnd() % 300) as usize;
            let mut data = Vec::new();
            for _ in 0..len {
                data.extend_from_slice(alphabet[(rnd() % alphabet.len() as u64) as usize]);
            }
            let chunk = 1 + (rnd() % 40) as usize;
            assert_eq!(
                fast(&data, MAX_LINE_BYTES, chunk),
                library(&data),
                "round {round} chunk {chunk}: {:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }

    #[test]
    fn over_long_lines_are_pieces_with_the_same_number() {
        let text = "解封".repeat(10); // 60 bytes
        let data = format!("{text}\nnext\n{text}");
        let got = fast(data.as_bytes(), 16, 8);
        assert!(got.iter().all(|(_, _, t)| t.len() <= 16));
        let first: String = got
            .iter()
            .filter(|g| g.0 == 1)
            .map(|g| g.2.as_str())
            .collect();
        assert_eq!(first, text);
        let third: String = got
            .iter()
            .filter(|g| g.0 == 3)
            .map(|g| g.2.as_str())
            .collect();
        assert_eq!(third, text);
        let records: Vec<u64> = got.iter().map(|g| g.1).collect();
        assert_eq!(records, (1..=got.len() as u64).collect::<Vec<_>>());
        assert!(got.iter().any(|g| g
            == &(
                2,
                records[got.iter().position(|g| g.0 == 2).unwrap()],
                "next".to_string()
            )));
    }
}
