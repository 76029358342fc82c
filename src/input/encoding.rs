//! Encoding detection and the decoding byte stream.
//!
//! Order of decisions ([`MessageReader`](super::MessageReader) applies it to the first
//! 64 KiB):
//!
//! 1. a forced encoding ([`ReadOptions::encoding`](super::ReadOptions::encoding)) wins;
//!    only a BOM of that same encoding is removed;
//! 2. a BOM (UTF-8 `EF BB BF`, UTF-16LE `FF FE`, UTF-16BE `FE FF`) decides and is removed;
//! 3. a prefix that is valid UTF-8 (a character cut by the prefix end is fine) is UTF-8;
//!    so is a prefix that is overwhelmingly UTF-8 with a few bad bytes (those become
//!    U+FFFD, the lines are kept);
//! 4. otherwise `chardetng` guesses from the prefix cut at its last newline (feeding a
//!    prefix cut inside a character makes it answer windows-1252), and GBK is decoded as
//!    GB18030, its superset (4-byte sequences such as emoji decode too); a single-byte
//!    answer (windows-1252...) for a prefix with more valid UTF-8 multi-byte characters
//!    than bad sequences is overruled: that is damaged UTF-8; and so is one for a
//!    prefix that GB18030 decodes into mostly CJK characters (GBK with a few bad pairs).
//!
//! UTF-8 input is not run through a decoder at all: lines are validated one at a time
//! (the fast path); invalid bytes are replaced, and the message is kept.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use encoding_rs::{Decoder, Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

/// Bytes checked for NUL to call an input binary (as ripgrep does).
const BINARY_CHECK_BYTES: usize = 8 * 1024;

/// Looks up an encoding by label: the WHATWG labels of `encoding_rs` plus `cp936`/`936`.
///
/// `gbk`, `gb2312`, `cp936` and `gb18030` all give GB18030, the superset that decodes
/// every GBK file. `utf-16` means UTF-16LE. Returns `None` for unknown labels.
///
/// ```
/// use fanzha::input::encoding_for_label;
/// assert_eq!(encoding_for_label("GBK"), Some(encoding_rs::GB18030));
/// assert_eq!(encoding_for_label("utf-16be"), Some(encoding_rs::UTF_16BE));
/// assert_eq!(encoding_for_label("klingon"), None);
/// ```
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase().replace('_', "-");
    let enc = match l.as_str() {
        "gbk" | "gb2312" | "gb-2312" | "cp936" | "936" | "ms936" | "windows-936" | "gb18030"
        | "gb-18030" => GB18030,
        "utf8" | "utf-8" => UTF_8,
        "utf16" | "utf-16" | "utf16le" | "utf-16le" => UTF_16LE,
        "utf16be" | "utf-16be" => UTF_16BE,
        "big5" | "big-5" | "cp950" => BIG5,
        _ => Encoding::for_label(l.as_bytes())?,
    };
    // GBK is a subset of GB18030: always decode with the superset.
    Some(if enc == GBK { GB18030 } else { enc })
}

/// Reads until `want` bytes or end of input (retrying on `Interrupted`).
pub(crate) fn read_prefix<R: Read>(r: &mut R, want: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(want);
    r.by_ref().take(want as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// What the prefix says about the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sniff {
    pub encoding: &'static Encoding,
    /// Length of the BOM to skip.
    pub bom_len: usize,
    /// NUL bytes in the first 8 KiB (and no UTF-16 BOM).
    pub binary: bool,
}

/// Decides the encoding from the prefix. `eof`: the prefix is the whole input.
pub(crate) fn sniff(prefix: &[u8], eof: bool, forced: Option<&'static Encoding>) -> Sniff {
    let bom = Encoding::for_bom(prefix);
    let utf16_bom = matches!(bom, Some((e, _)) if e == UTF_16LE || e == UTF_16BE);
    let head = &prefix[..prefix.len().min(BINARY_CHECK_BYTES)];
    let binary = !utf16_bom && memchr::memchr(0, head).is_some();
    if let Some(enc) = forced {
        let enc = if enc == GBK { GB18030 } else { enc };
        let bom_len = match bom {
            Some((b, len)) if b == enc => len,
            _ => 0,
        };
        return Sniff {
            encoding: enc,
            bom_len,
            binary,
        };
    }
    if let Some((enc, len)) = bom {
        return Sniff {
            encoding: enc,
            bom_len: len,
            binary,
        };
    }
    Sniff {
        encoding: guess(prefix, eof),
        bom_len: 0,
        binary,
    }
}

/// Guesses the encoding of a BOM-less prefix.
fn guess(prefix: &[u8], eof: bool) -> &'static Encoding {
    let (good_multibyte, bad) = utf8_counts(prefix, eof);
    if bad == 0 || good_multibyte >= 8 * bad {
        return UTF_8;
    }
    // Cut at the last newline so that chardetng never sees a split character.
    let cut = if eof {
        prefix
    } else {
        match memchr::memrchr(b'\n', prefix) {
            Some(i) => &prefix[..=i],
            None => prefix,
        }
    };
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // `last = false` when we could not cut at a newline: the end may be mid-character.
    let last = eof || cut.len() < prefix.len();
    det.feed(cut, last);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    if enc == GBK {
        GB18030
    } else if enc.is_single_byte() && good_multibyte > bad {
        // A short UTF-8 text with a few stray bytes makes chardetng answer
        // windows-1252 (and every Chinese character turns into mojibake that no
        // rule matches: two bad bytes were enough to hide a scam). Valid UTF-8
        // multi-byte sequences almost never occur in real single-byte text, so
        // more of them than bad sequences means damaged UTF-8.
        UTF_8
    } else if enc.is_single_byte() && mostly_gb18030(cut) {
        // chardetng drops GBK at the first invalid GBK pair (one UTF-8 line in a
        // GBK export is enough) and falls back to windows-1252: the whole file came
        // out as mojibake. Text that GB18030 decodes into many CJK characters and
        // few errors is Chinese.
        GB18030
    } else {
        enc
    }
}

/// True when GB18030 decodes `bytes` into mostly CJK characters: at least 8, and
/// at least 8 for every undecodable sequence.
fn mostly_gb18030(bytes: &[u8]) -> bool {
    let (text, _) = GB18030.decode_without_bom_handling(bytes);
    let (mut cjk, mut bad) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{FFFD}' => bad += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => cjk += 1,
            _ => {}
        }
    }
    cjk >= 8 && cjk >= 8 * bad
}

/// Valid multi-byte UTF-8 characters and invalid sequences in the prefix. UTF-8 when
/// there are no bad ones, or few among many good ones (a mostly-UTF-8 file with some
/// damage).
fn utf8_counts(prefix: &[u8], eof: bool) -> (usize, usize) {
    let mut rest = prefix;
    let mut bad = 0usize;
    let mut good_multibyte = 0usize;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good_multibyte += s.bytes().filter(|b| *b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                good_multibyte += valid.iter().filter(|b| **b >= 0xC0).count();
                match e.error_len() {
                    // Incomplete sequence at the very end of a cut prefix: fine.
                    None if !eof => break,
                    None => {
                        bad += 1;
                        break;
                    }
                    Some(n) => {
                        bad += 1;
                        rest = &rest[e.valid_up_to() + n..];
                    }
                }
            }
        }
    }
    (good_multibyte, bad)
}

/// Decodes the prefix for format detection (lossy; cut at the last newline unless it is
/// the whole input).
pub(crate) fn decode_prefix(prefix: &[u8], enc: &'static Encoding, eof: bool) -> String {
    let cut = if eof {
        prefix
    } else {
        match memchr::memrchr(b'\n', prefix) {
            Some(i) => &prefix[..=i],
            None => prefix,
        }
    };
    let text: Cow<'_, str> = if enc == UTF_8 {
        String::from_utf8_lossy(cut)
    } else {
        enc.decode_without_bom_handling(cut).0
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    super::normalize_newlines(text.to_string())
}

/// A byte stream of UTF-8 (possibly invalid for UTF-8 input, which is validated per
/// line later) with the BOM removed.
pub(crate) type Stream = Box<dyn Read + Send>;

/// Wraps `body` so that it yields UTF-8: UTF-8 passes through untouched (validated per
/// line later), anything else goes through a streaming `encoding_rs` decoder.
pub(crate) fn decoded_stream<R: Read + Send + 'static>(
    mut body: R,
    bom_len: usize,
    enc: &'static Encoding,
    lossy: Arc<AtomicBool>,
) -> Stream {
    if bom_len > 0 {
        let mut skip = vec![0u8; bom_len];
        // The BOM is inside the prefix that is already in memory: this cannot fail short.
        let _ = body.read_exact(&mut skip);
    }
    if enc == UTF_8 {
        Box::new(body)
    } else {
        Box::new(DecodingReader {
            inner: body,
            decoder: enc.new_decoder_without_bom_handling(),
            raw: vec![0; 64 * 1024],
            out: String::new(),
            out_pos: 0,
            done: false,
            lossy,
        })
    }
}

/// `Read` adapter: raw bytes in some encoding -> UTF-8 bytes.
struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    out: String,
    out_pos: usize,
    done: bool,
    lossy: Arc<AtomicBool>,
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let avail = &self.out.as_bytes()[self.out_pos..];
                let n = avail.len().min(buf.len());
                buf[..n].copy_from_slice(&avail[..n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            self.out.clear();
            self.out_pos = 0;
            let n = loop {
                match self.inner.read(&mut self.raw) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            let last = n == 0;
            let src = &self.raw[..n];
            let cap = self
                .decoder
                .max_utf8_buffer_length(src.len())
                .unwrap_or(src.len() * 3 + 16);
            self.out.reserve(cap);
            let (_, _, had_errors) = self.decoder.decode_to_string(src, &mut self.out, last);
            if had_errors {
                self.lossy.store(true, Ordering::Relaxed);
            }
            if last {
                self.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        for l in ["gbk", "GB2312", "cp936", "gb18030"] {
            assert_eq!(encoding_for_label(l), Some(GB18030), "{l}");
        }
        assert_eq!(encoding_for_label("utf-8"), Some(UTF_8));
        assert_eq!(encoding_for_label("UTF-16LE"), Some(UTF_16LE));
        assert_eq!(encoding_for_label("big5"), Some(BIG5));
        assert_eq!(encoding_for_label("nope"), None);
    }

    #[test]
    fn guesses() {
        let gbk = GBK
            .encode("您的微信账号已被冻结，请联系客服办理解封。\n明天还你\n")
            .0;
        assert_eq!(guess(&gbk, true), GB18030);
        assert_eq!(guess("plain ascii\n".as_bytes(), true), UTF_8);
        assert_eq!(guess("解封".as_bytes(), true), UTF_8);
        // A UTF-8 prefix cut inside a character is still UTF-8.
        let s = "解封费用".as_bytes();
        assert_eq!(guess(&s[..s.len() - 1], false), UTF_8);
        // Short UTF-8 with two stray bytes: chardetng alone says windows-1252.
        let stray = b"ok\nbad \xFF\xFE\n\xE4\xB8\x93\xE4\xB8\x9A\xE8\xA7\xA3\xE5\xB0\x81\n";
        assert_eq!(guess(stray, true), UTF_8);
        // GBK with one UTF-8 line: chardetng alone says windows-1252.
        let mut gbk = GBK
            .encode(&"您的微信账号已被冻结，请联系客服办理解封。\n".repeat(20))
            .0
            .into_owned();
        gbk.extend_from_slice("utf8 行 解封\n".as_bytes());
        assert_eq!(guess(&gbk, true), GB18030);
        // Real windows-1252 text stays windows-1252.
        let latin = b"caf\xE9 cr\xE8me br\xFBl\xE9e, \xE0 la carte, na\xEFve fa\xE7ade\n";
        assert_eq!(guess(latin, true), encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn decoding_reader_splits_chars() {
        let text = "解封费".repeat(50_000);
        let gbk = GBK.encode(&text).0.into_owned();
        // A reader handing out 7 bytes at a time splits characters everywhere.
        struct Tiny(Vec<u8>, usize);
        impl Read for Tiny {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = (self.0.len() - self.1).min(7).min(buf.len());
                buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
                self.1 += n;
                Ok(n)
            }
        }
        let lossy = Arc::new(AtomicBool::new(false));
        let mut s = decoded_stream(Tiny(gbk, 0), 0, GB18030, lossy.clone());
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
        assert!(!lossy.load(Ordering::Relaxed));
    }
}
