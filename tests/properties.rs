//! Property tests (issue 6): classify never panics and its spans are valid on
//! any string; normalization is idempotent; redaction keeps offsets; scanning
//! N messages gives N records; `-j1` and `-jN` give the same bytes; the input
//! readers survive any bytes in any format.
//!
//! `fuzz_long` is the long fuzz-style run (ignored in CI), see the README's
//! "Fuzzing" section:
//!
//! ```text
//! PROPTEST_CASES=200000 cargo test --release --test properties -- --ignored --nocapture
//! ```

use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use assert_cmd::Command;
use fanzha::input::{InputFormat, MessageReader, ReadOptions};
use fanzha::Engine;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(Engine::builtin)
}

/// Pieces that matter to the rules, the normalizer, the link finder, the
/// redactor and the input readers.
const PIECES: &[&str] = &[
    "解封",
    "解 封",
    "帳號",
    "验证码",
    "发我",
    "ＶＸ",
    "薇信",
    "jf8888",
    "500元",
    "５００",
    "加V",
    "客服",
    "谨防",
    "\u{200B}",
    "\u{202E}",
    "\u{FEFF}",
    "\u{1b}[31m",
    "\u{0}",
    "\r\n",
    "\r",
    "\n",
    "\t",
    " ",
    "\u{3000}",
    "http://",
    "weixin110.qq.com",
    ".top/x",
    "xn--",
    "13812345678",
    "6222 0212 3456 7890",
    "11010119900307123X",
    "583920",
    "ｊｆ",
    "①",
    "𝐕",
    "e\u{301}",
    "\u{FFFD}",
    "\"",
    ",",
    "{",
    "}",
    "[",
    "]",
    ":",
    "\\",
    "😀",
    "🔥",
];

/// Strings of arbitrary characters mixed with those pieces.
fn hostile_string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(PIECES).prop_map(String::from),
            1 => "[0-9０-９ -]{1,20}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

/// Byte strings: arbitrary bytes mixed with the pieces, format fragments,
/// BOMs and broken UTF-8/UTF-16.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    const FRAGMENTS: &[&[u8]] = &[
        b"{\"text\":\"",
        b"\"}\n",
        b"{\"name\":\"c\",\"messages\":[{\"id\":1,\"text\":",
        b"]}",
        b"sender,text\n",
        b"\"\"",
        b"12/31/23, 9:41 PM - Alex: ",
        b"[2024-01-01 10:00:00] Bob: ",
        b"2024-01-01 10:00:00 \xE5\xB0\x8F\xE7\x8E\x8B\n",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"\xC0\xAF",
        b"\xED\xA0\x80",
        b"\xE8\xA7",
        b"\x00",
        b"\xBD\xE2\xB7\xE2",
    ];
    prop::collection::vec(
        prop_oneof![
            3 => any::<u8>().prop_map(|b| vec![b]),
            2 => prop::sample::select(PIECES).prop_map(|s| s.as_bytes().to_vec()),
            2 => prop::sample::select(FRAGMENTS).prop_map(<[u8]>::to_vec),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

/// Compacting the compact view changes nothing but leetspeak digits.
///
/// The compact view drops separators, and a digit between two letters is
/// read as a letter only when no separator was dropped beside it ("a3g" but
/// not "a{3g"): compacting again may read the digits the first pass kept,
/// and nothing else; after that the view is stable.
fn compact_view_is_stable(text: &str) -> Result<(), TestCaseError> {
    let c = fanzha::normalize::compact(text);
    let again = fanzha::normalize::compact(&c);
    prop_assert_eq!(again.len(), c.len());
    for (x, y) in c.bytes().zip(again.bytes()) {
        prop_assert!(
            x == y || (x.is_ascii_digit() && y.is_ascii_lowercase()),
            "{:?} then {:?}",
            c,
            again
        );
    }
    prop_assert_eq!(fanzha::normalize::compact(&again), again.clone());
    Ok(())
}

/// Classify, check spans; normalize twice; redact and check offsets.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let v = engine().classify(text);
    for h in &v.hits {
        for sp in &h.spans {
            prop_assert!(sp.start <= sp.end && sp.end <= text.len());
            prop_assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end));
            prop_assert_eq!(&text[sp.start..sp.end], sp.text.as_str());
        }
    }
    for l in &v.links {
        prop_assert!(text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end));
        prop_assert_eq!(&text[l.span.start..l.span.end], l.span.text.as_str());
    }
    let f = fanzha::normalize::folded(text);
    prop_assert_eq!(fanzha::normalize::folded(&f), f.clone());
    compact_view_is_stable(text)?;
    let r = fanzha::redact::redact(text);
    prop_assert_eq!(r.len(), text.len());
    for (i, (a, b)) in text.chars().zip(r.chars()).enumerate() {
        prop_assert!(
            a == b
                || (b == '*' && (a.is_ascii_digit() || a == 'X' || a == 'x'))
                || (b == '＊' && ('０'..='９').contains(&a)),
            "char {} changed from {:?} to {:?}",
            i,
            a,
            b
        );
    }
    for i in 0..=text.len() {
        prop_assert_eq!(text.is_char_boundary(i), r.is_char_boundary(i));
    }
    let twice = fanzha::redact::redact(&r).into_owned();
    prop_assert_eq!(twice.as_str(), r.as_ref(), "redact is idempotent");
    let mut rv = v.clone();
    let shown = fanzha::redact::redact_verdict(text, &mut rv);
    for h in &rv.hits {
        for sp in &h.spans {
            prop_assert_eq!(&shown[sp.start..sp.end], sp.text.as_str());
        }
    }
    Ok(())
}

/// Every reader, every format: no panic, records numbered 1, 2, 3...
fn check_bytes(data: &[u8]) -> Result<(), TestCaseError> {
    for f in InputFormat::ALL {
        let opts = ReadOptions {
            format: *f,
            ..ReadOptions::default()
        };
        let Ok(reader) = MessageReader::new(Cursor::new(data.to_vec()), "fuzz.txt", &opts) else {
            continue; // e.g. a CSV without a text column: refused up front
        };
        for (i, item) in reader.enumerate() {
            let (record, line) = match &item {
                Ok(m) => (m.record, m.line),
                Err(e) => (e.record, e.line),
            };
            prop_assert_eq!(record, i as u64 + 1, "{}", f);
            prop_assert!(line >= 1, "{}", f);
        }
    }
    check_text(&String::from_utf8_lossy(data))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn classify_never_panics_and_spans_slice_the_input(s in hostile_string()) {
        check_text(&s)?;
    }

    #[test]
    fn normalization_is_idempotent_on_any_characters(s in any::<String>()) {
        let f = fanzha::normalize::folded(&s);
        prop_assert_eq!(fanzha::normalize::folded(&f), f.clone());
        compact_view_is_stable(&s)?;
    }

    #[test]
    fn redaction_is_idempotent(s in hostile_string()) {
        let once = fanzha::redact::redact(&s).into_owned();
        prop_assert_eq!(fanzha::redact::redact(&once).into_owned(), once.clone());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn readers_survive_any_bytes_in_every_format(data in hostile_bytes()) {
        check_bytes(&data)?;
    }
}

fn fanzha() -> Command {
    let mut c = Command::cargo_bin("fanzha").unwrap();
    c.env("NO_COLOR", "1").env("LANG", "C");
    c
}

/// A message line: no line break, not all whitespace, no NUL (a NUL near the
/// start makes the input binary).
fn message_line() -> impl Strategy<Value = String> {
    hostile_string().prop_map(|s| {
        let s: String = s
            .chars()
            .filter(|c| !matches!(c, '\n' | '\r' | '\0'))
            .collect();
        // A line that is blank once a leading byte-order mark is taken as
        // the input's BOM is no message; keep every generated line one.
        if s.trim_start_matches('\u{feff}').trim().is_empty() {
            format!("x{s}")
        } else {
            s
        }
    })
}

proptest! {
    // Each case runs the binary: few cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn scanning_n_messages_gives_n_records(lines in prop::collection::vec(message_line(), 0..60), as_jsonl in any::<bool>()) {
        let (input, format) = if as_jsonl {
            let body: String = lines.iter().map(|l| serde_json::json!({"text": l}).to_string() + "\n").collect();
            (body, "jsonl")
        } else {
            (lines.iter().map(|l| format!("{l}\n")).collect(), "lines")
        };
        let out = fanzha()
            .args(["scan", "--format", "jsonl", "--no-redact", "--input-format", format, "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        prop_assert!(out.status.code().unwrap() <= 1, "{}", String::from_utf8_lossy(&out.stderr));
        let recs: Vec<Value> = std::str::from_utf8(&out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        prop_assert_eq!(recs.len(), lines.len());
        for (i, (r, l)) in recs.iter().zip(&lines).enumerate() {
            prop_assert_eq!(r["record"].as_u64(), Some(i as u64 + 1));
            if as_jsonl {
                prop_assert_eq!(r["text"].as_str(), Some(l.as_str()));
            }
        }
    }
}

proptest! {
    // Each case scans ~1.5 MB four times: very few cases.
    #![proptest_config(ProptestConfig::with_cases(3))]

    #[test]
    fn output_is_identical_for_one_and_many_threads(lines in prop::collection::vec(message_line(), 50..200), seed in any::<u64>()) {
        // Repeat the random lines, shuffled, to a few batches' worth.
        let mut body = String::new();
        let mut x = seed | 1;
        while body.len() < 1_500_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push_str(&lines[(x % lines.len() as u64) as usize]);
            body.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("random.txt");
        std::fs::write(&path, &body).unwrap();
        for format in ["jsonl", "text"] {
            let run = |j: &str| {
                fanzha()
                    .args(["scan", "--format", format, "-j", j])
                    .arg(&path)
                    .output()
                    .unwrap()
            };
            let (a, b) = (run("1"), run("3"));
            prop_assert_eq!(a.status.code(), b.status.code());
            prop_assert!(a.stdout == b.stdout, "{}: -j1 and -j3 differ", format);
            prop_assert!(a.stderr == b.stderr, "{}: stderr differs", format);
        }
    }
}

/// The long fuzz-style run: every check above on hostile strings and bytes,
/// `PROPTEST_CASES` cases of each (default 20,000). Prints the count and time.
#[test]
#[ignore = "long fuzz run: PROPTEST_CASES=200000 cargo test --release --test properties -- --ignored --nocapture"]
fn fuzz_long() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let config = Config {
        cases,
        max_shrink_iters: 10_000,
        // The shrunk failing input is printed; add it to a unit test.
        failure_persistence: None,
        ..Config::default()
    };
    let start = Instant::now();
    let strings = AtomicU64::new(0);
    TestRunner::new(config.clone())
        .run(&hostile_string(), |s| {
            strings.fetch_add(1, Ordering::Relaxed);
            check_text(&s)
        })
        .unwrap();
    let bytes = AtomicU64::new(0);
    TestRunner::new(config)
        .run(&hostile_bytes(), |b| {
            bytes.fetch_add(1, Ordering::Relaxed);
            check_bytes(&b)
        })
        .unwrap();
    eprintln!(
        "fuzz_long: {} strings (classify, normalize, redact) and {} byte inputs (11 readers each) in {:.1?}",
        strings.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed),
        start.elapsed()
    );
}
