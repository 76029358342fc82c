//! Hostile input (issue 6): bad bytes, bad structure, bad rules, a hostile
//! filesystem, output that must stay safe, and redaction of personal numbers.
//!
//! Every scan here checks the accounting: the records on stdout (messages and
//! errors) are exactly the messages and errors that `--stats` counts, and every
//! input path is either a file read, a binary skipped or an error record.
//! Cases already covered elsewhere are named in the README's table, not repeated.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

fn fanzha() -> Command {
    let mut c = Command::cargo_bin("fanzha").unwrap();
    c.env("NO_COLOR", "1").env("LANG", "C");
    c
}

/// The output of one `fanzha scan --format jsonl --stats` run.
struct Scan {
    code: i32,
    records: Vec<Value>,
    stderr: String,
}

impl Scan {
    fn messages(&self) -> Vec<&Value> {
        self.records
            .iter()
            .filter(|r| r["kind"] == "message")
            .collect()
    }
    fn errors(&self) -> Vec<&Value> {
        self.records
            .iter()
            .filter(|r| r["kind"] == "error")
            .collect()
    }
    fn texts(&self) -> Vec<&str> {
        self.messages()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect()
    }
    /// (files, binary skipped, messages, errors) from the `--stats` summary.
    fn summary(&self) -> (u64, u64, u64, u64) {
        let line = self
            .stderr
            .lines()
            .find(|l| l.starts_with("fanzha scan: "))
            .unwrap_or_else(|| panic!("no summary in {:?}", self.stderr));
        let nums: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        match nums.as_slice() {
            [f, m, e] => (*f, 0, *m, *e),
            [f, s, m, e] => (*f, *s, *m, *e),
            _ => panic!("summary {line:?}"),
        }
    }
    /// Records in = records out + errors reported, and every input accounted for.
    fn assert_accounted(&self, inputs: u64) {
        let (files, skipped, messages, errors) = self.summary();
        assert_eq!(messages, self.messages().len() as u64, "{}", self.stderr);
        assert_eq!(errors, self.errors().len() as u64, "{}", self.stderr);
        let whole_file_errors = self.errors().iter().filter(|e| e["line"].is_null()).count();
        assert_eq!(
            files + skipped + whole_file_errors as u64,
            inputs,
            "every input is read, skipped or an error: {}",
            self.stderr
        );
        let want = if errors > 0 {
            2
        } else if self.messages().iter().any(|m| m["label"] == "scam") {
            1
        } else {
            0
        };
        assert_eq!(self.code, want, "{}", self.stderr);
    }
}

/// Every stdout line must be one JSON object.
fn parse_jsonl(out: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(out).expect("JSONL output is UTF-8");
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}"));
            assert!(v.is_object(), "{l}");
            v
        })
        .collect()
}

fn scan(args: &[&str], paths: &[&Path]) -> Scan {
    scan_stdin(args, paths, None)
}

fn scan_stdin(args: &[&str], paths: &[&Path], stdin: Option<Vec<u8>>) -> Scan {
    let mut cmd = fanzha();
    cmd.args(["scan", "--format", "jsonl", "--stats"])
        .args(args)
        .args(paths)
        .timeout(Duration::from_secs(60));
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    Scan {
        code: out.status.code().expect("exit code, not a signal"),
        records: parse_jsonl(&out.stdout),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

const SCAM: &str = "专业解封，500一次，加V信 jf8888";

// ---------------------------------------------------------------- bad bytes

#[test]
fn invalid_utf8_is_replaced_and_the_scam_next_to_it_still_found() {
    // Short file, two stray bytes: this used to be decoded as windows-1252.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "stray.txt",
        [
            b"ok line\nbad \xFF\xFE bytes\n".as_slice(),
            SCAM.as_bytes(),
            b"\n",
        ]
        .concat(),
    );
    let s = scan(&[], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.texts(), ["ok line", "bad \u{FFFD}\u{FFFD} bytes", SCAM]);
    assert_eq!(s.messages()[2]["label"], "scam");
    assert!(s
        .stderr
        .contains("stray.txt:2: bytes that are not valid UTF-8"));
}

#[test]
fn mixed_utf8_and_gbk_lines_give_one_record_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let gbk = encoding_rs::GBK
        .encode("解封费用五百元，加微信")
        .0
        .into_owned();
    // Mostly UTF-8 with one GBK line, and mostly GBK with one UTF-8 line.
    let mostly_utf8 = [format!("{SCAM}\n").repeat(20).as_bytes(), &gbk, b"\nlast\n"].concat();
    let gbk_lines = encoding_rs::GBK
        .encode(&"您的微信账号已被冻结，请联系客服办理解封。\n".repeat(20))
        .0
        .into_owned();
    let mostly_gbk = [&gbk_lines[..], "utf8 行 解封\n".as_bytes(), b"end\n"].concat();
    let a = write(dir.path(), "a.txt", mostly_utf8);
    let b = write(dir.path(), "b.txt", mostly_gbk);
    let s = scan(&[], &[&a, &b]);
    s.assert_accounted(2);
    assert_eq!(s.messages().len(), 22 + 22);
    // Each file is decoded in its majority encoding; the odd line is kept, repaired.
    assert!(s.texts()[20].contains('\u{FFFD}'));
    assert_eq!(s.texts()[21], "last");
    assert_eq!(s.texts()[22], "您的微信账号已被冻结，请联系客服办理解封。");
    assert_eq!(s.texts()[43], "end");
}

#[test]
fn nul_bytes_late_in_a_text_file_are_kept_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = "x".repeat(9000).into_bytes();
    data.extend_from_slice(b"\nhas \x00 nul\nafter\n");
    let p = write(dir.path(), "late_nul.txt", &data);
    let s = scan(&[], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.texts()[1], "has \u{0} nul");
    let out = fanzha().arg("scan").arg(&p).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\0') && text.contains("has \\u{0} nul"));
}

#[test]
fn binary_files_are_skipped_with_a_notice_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(
        dir.path(),
        "image.png",
        [
            &b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"[..],
            &[0u8; 300],
            b"\n",
        ]
        .concat(),
    );
    let nul = write(dir.path(), "early_nul.txt", b"text \x00 here\nmore\n");
    let good = write(dir.path(), "good.txt", format!("{SCAM}\n"));
    let s = scan(&[], &[&png, &nul, &good]);
    s.assert_accounted(3);
    assert_eq!(s.summary().1, 2, "two binaries skipped");
    assert!(s.stderr.contains("image.png: binary file, skipped"));
    assert_eq!(s.texts(), [SCAM]);
}

#[test]
fn truncated_utf16_ends_in_a_replacement_character() {
    let dir = tempfile::tempdir().unwrap();
    let mut le = vec![0xFF, 0xFE];
    for u in "第一行\n解封".encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    le.extend_from_slice(&0xD83Du16.to_le_bytes()); // a high surrogate, then the end
    le.push(0x41); // and an odd byte
    let mut be = vec![0xFE, 0xFF];
    for u in "hello\nworld".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    be.pop(); // cut inside the last code unit
    let a = write(dir.path(), "le.txt", le);
    let b = write(dir.path(), "be.txt", be);
    let s = scan(&[], &[&a, &b]);
    s.assert_accounted(2);
    assert_eq!(s.texts()[0], "第一行");
    assert!(s.texts()[1].starts_with("解封") && s.texts()[1].ends_with('\u{FFFD}'));
    assert_eq!(s.texts()[2], "hello");
    assert!(s.texts()[3].starts_with("worl") && s.texts()[3].ends_with('\u{FFFD}'));
    assert!(s.stderr.contains("not valid UTF-16LE"), "{}", s.stderr);
}

#[test]
fn a_50_mb_line_without_newline_on_stdin_is_one_truncated_record() {
    let mut line = format!("{SCAM} ").into_bytes();
    line.resize(50 << 20, b'x');
    let start = Instant::now();
    let s = scan_stdin(&["--only-flagged"], &[], Some(line));
    let took = start.elapsed();
    s.assert_accounted(1);
    let m = s.messages();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["label"], "scam");
    assert_eq!(
        m[0]["truncated"], true,
        "only the first 1 MiB is classified"
    );
    assert_eq!(m[0]["text"].as_str().unwrap().len(), 50 << 20);
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn empty_files_give_no_records_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = [
        ("empty.txt", &b""[..]),
        ("bom.txt", b"\xEF\xBB\xBF"),
        ("utf16bom.txt", b"\xFF\xFE"),
        ("blank.txt", b"\n\r\n\r \t\n"),
        ("empty.jsonl", b""),
        ("empty.csv", b""),
    ]
    .iter()
    .map(|(n, d)| write(dir.path(), n, d))
    .collect();
    let paths: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    let s = scan(&[], &paths);
    s.assert_accounted(6);
    assert!(s.records.is_empty());
    for format in ["jsonl", "csv", "telegram-json", "whatsapp"] {
        let s = scan(&["--input-format", format], &paths);
        s.assert_accounted(6);
        assert!(s.records.is_empty(), "{format}");
    }
}

#[test]
fn crlf_and_lone_cr_end_lines_with_exact_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "cr.txt", "one\r\ntwo\rthree\n\r\nfour\r");
    let s = scan(&[], &[&p]);
    s.assert_accounted(1);
    let got: Vec<(u64, &str)> = s
        .messages()
        .iter()
        .map(|m| (m["line"].as_u64().unwrap(), m["text"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(1, "one"), (2, "two"), (3, "three"), (5, "four")]);
    // The same through a chat export, where a lone CR is a line inside a message.
    let wa = write(
        dir.path(),
        "wa.txt",
        "12/31/23, 9:41 PM - Alex: a\rb\r\n12/31/23, 9:42 PM - Sam: c\r\n12/31/23, 9:43 PM - Sam: d\r",
    );
    let s = scan(&["--input-format", "whatsapp"], &[&wa]);
    s.assert_accounted(1);
    assert_eq!(s.texts(), ["a\nb", "c", "d"]);
}

#[test]
fn boms_of_every_kind_are_removed_and_a_stray_bom_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = |be: bool, s: &str| -> Vec<u8> {
        let mut v = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in s.encode_utf16() {
            v.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        v
    };
    let a = write(
        dir.path(),
        "bom.jsonl",
        format!("\u{FEFF}{{\"text\":\"{SCAM}\"}}\n{{\"text\":\"b\"}}\n"),
    );
    let b = write(dir.path(), "le.txt", utf16(false, &format!("{SCAM}\nle\n")));
    let c = write(
        dir.path(),
        "be.txt",
        utf16(true, &format!("{SCAM}\r\nbe\r\n")),
    );
    let d = write(dir.path(), "stray.txt", format!("a\n\u{FEFF}{SCAM}\n"));
    let s = scan(&[], &[&a, &b, &c, &d]);
    s.assert_accounted(4);
    assert_eq!(
        s.texts(),
        [
            SCAM,
            "b",
            SCAM,
            "le",
            SCAM,
            "be",
            "a",
            &format!("\u{FEFF}{SCAM}")
        ]
    );
    // The stray BOM is invisible to the rules: still a scam.
    assert!(s.messages().iter().filter(|m| m["label"] == "scam").count() == 4);
}

// ---------------------------------------------------------- bad structure

#[test]
fn malformed_jsonl_lines_are_error_records_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = Vec::new();
    data.extend_from_slice(format!("{{\"text\":\"{SCAM}\"}}\n").as_bytes());
    for bad in [
        &b"{\"text\":\"cut"[..],
        b"}{",
        b"{\"text\":\"a\"} trailing",
        b"{\"text\":\"\\ud800 lone surrogate\"}",
        b"{\"text\":\"bad \xFF byte\"}",
        b"{\"text\":\"x\",\"text\":\"dup key\"}",
        b"\x01\x02\x03",
        b"{\"text\":1e999999}",
    ] {
        data.extend_from_slice(bad);
        data.push(b'\n');
    }
    data.extend_from_slice(b"{\"text\":\"last\"}\n");
    let p = write(dir.path(), "bad.jsonl", data);
    let s = scan(&["--input-format", "jsonl"], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.records.len(), 10, "one record per line");
    let recs: Vec<u64> = s
        .records
        .iter()
        .map(|r| r["record"].as_u64().unwrap())
        .collect();
    assert_eq!(recs, (1..=10).collect::<Vec<_>>());
    assert_eq!(s.records[0]["label"], "scam");
    assert_eq!(s.records[9]["text"], "last");
    assert!(s.errors().len() >= 5, "{:?}", s.errors());
    for e in s.errors() {
        assert!(!e["error"].as_str().unwrap().is_empty());
    }
}

#[test]
fn csv_with_a_broken_quote_costs_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "broken.csv",
        format!(
            "sender,text\nAlex,hello\nSam,\"a \"\"quoted\"\" word\"\nSam,\"never closed\nAlex,{SCAM}\nAlex,too,many,fields\nSam,last\n"
        ),
    );
    let s = scan(&["--input-format", "csv"], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.errors().len(), 2, "{:?}", s.records);
    assert!(s.errors()[0]["error"]
        .as_str()
        .unwrap()
        .contains("unterminated quoted field"));
    assert_eq!(s.errors()[0]["line"], 4);
    assert_eq!(s.texts(), ["hello", "a \"quoted\" word", SCAM, "last"]);
}

#[test]
fn a_telegram_export_cut_off_mid_file_keeps_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/input/result.json"),
    )
    .unwrap();
    let whole = scan(&[], &[&write(dir.path(), "whole.json", &full)]);
    let n = whole.messages().len();
    let mut at = full.len() * 2 / 3;
    while !full.is_char_boundary(at) {
        at -= 1;
    }
    let cut = write(dir.path(), "cut.json", &full[..at]);
    let s = scan(&["--input-format", "telegram-json"], &[&cut]);
    s.assert_accounted(1);
    assert!(!s.messages().is_empty() && s.messages().len() < n);
    assert_eq!(s.errors().len(), 1);
    let e = &s.records[s.records.len() - 1];
    assert_eq!(e["kind"], "error", "the error is the last record");
    assert!(e["error"]
        .as_str()
        .unwrap()
        .contains("the rest of the file is not read"));
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = format!(
        "{{\"text\":\"ok\"}}\n{}\n{{\"text\":{}1{}}}\n{{\"text\":\"after\"}}\n",
        "[".repeat(100_000),
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    let a = write(dir.path(), "deep.jsonl", jsonl);
    let tg = format!(
        "{{\"name\":\"c\",\"messages\":[{{\"id\":1,\"type\":\"message\",\"from\":\"a\",\"text\":\"hi\"}},{{\"id\":2,\"text\":{}",
        "[".repeat(200_000)
    );
    let b = write(dir.path(), "deep.json", tg);
    let s = scan(&["--input-format", "jsonl"], &[&a]);
    s.assert_accounted(1);
    assert_eq!(s.texts(), ["ok", "after"]);
    assert_eq!(s.errors().len(), 2);
    let s = scan(&["--input-format", "telegram-json"], &[&b]);
    s.assert_accounted(1);
    assert_eq!(s.texts(), ["hi"]);
    assert!(s.errors()[0]["error"]
        .as_str()
        .unwrap()
        .contains("recursion limit"));
}

#[test]
fn unexpected_field_types_are_read_as_text_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "types.jsonl",
        concat!(
            "{\"text\":123}\n",
            "{\"text\":true}\n",
            "{\"text\":[\"a\",\"b\"]}\n",
            "{\"text\":{\"a\":1}}\n",
            "{\"text\":null}\n",
            "[1,2]\n",
            "\"just a string\"\n",
            "{\"id\":{\"x\":1},\"text\":\"ok\",\"sender\":[1],\"time\":3.5}\n",
        ),
    );
    let s = scan(&["--input-format", "jsonl"], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.records.len(), 8);
    let kinds: Vec<&str> = s
        .records
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["message", "message", "message", "message", "error", "error", "error", "message"]
    );
    assert_eq!(s.texts()[0], "123");
    let last = s.messages()[4];
    assert_eq!(
        (last["sender"].as_str(), last["time"].as_str()),
        (Some("[1]"), Some("3.5"))
    );
    // A text column that holds numbers in CSV is text too.
    let c = write(dir.path(), "n.csv", "text,id\n12345,1\n,2\n");
    let s = scan(&["--input-format", "csv", "--no-redact"], &[&c]);
    s.assert_accounted(1);
    assert_eq!(s.texts(), ["12345", ""]);
}

// --------------------------------------------------------------- bad rules

/// `fanzha check --rules FILE`: exit 2 and exactly one line on stderr.
fn refused_rule(name: &str, body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), name, body);
    let start = Instant::now();
    let out = fanzha()
        .args(["check", "--rules"])
        .arg(&p)
        .arg("hi")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2), "{name}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.len() < 400, "{err}");
    assert!(err.contains(name), "{err}");
    err
}

#[test]
fn duplicate_rule_ids_name_both_places() {
    let err = refused_rule(
        "dup.toml",
        "[lexicons]\nzz = [\"zzq\"]\n[[rules]]\nid = \"paid_unblock.priced_offer\"\ncategory = \"x\"\nscore = 1\ndescription = \"d\"\nwhen = \"zz\"\n",
    );
    assert!(err.contains("dup.toml:4"), "{err}");
    assert!(
        err.contains("duplicate rule id") && err.contains("appeal.toml"),
        "{err}"
    );
}

#[test]
fn a_regex_over_the_size_limit_is_refused_quickly() {
    let err = refused_rule("huge.toml", "[regexes]\nhuge = '(\\w{100}){100}'\n");
    assert!(
        err.contains("huge.toml:2") && err.contains("size limit"),
        "{err}"
    );
}

#[test]
fn a_condition_nested_100000_deep_is_an_error_not_a_crash() {
    let n = 100_000;
    for (name, cond) in [
        (
            "parens.toml",
            format!("{}zz{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("nots.toml", format!("{}zz", "!".repeat(n))),
    ] {
        let err = refused_rule(
            name,
            &format!("[lexicons]\nzz = [\"zzq\"]\n[[rules]]\nid = \"deep.r\"\ncategory = \"x\"\nscore = 1\ndescription = \"d\"\nwhen = \"{cond}\"\n"),
        );
        assert!(err.contains("nested more than"), "{err}");
    }
    // Deep TOML (not a condition) is refused by the TOML parser.
    let err = refused_rule(
        "deep_toml.toml",
        &format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    assert!(err.contains("deep_toml.toml:1"), "{err}");
}

#[test]
fn a_rule_file_of_100000_terms_builds_quickly() {
    // Deterministic pseudo-random ASCII terms with a digit suffix, and CJK terms.
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut terms = std::collections::BTreeSet::new();
    while terms.len() < 100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let t = if x.is_multiple_of(4) {
            let cjk: String = (0..4)
                .map(|k| char::from_u32(0x4E00 + ((x >> (k * 12)) % 20_000) as u32).unwrap())
                .collect();
            cjk
        } else {
            let len = 6 + (x % 5) as usize;
            let word: String = (0..len)
                .map(|k| (b'a' + ((x >> (k * 5)) % 26) as u8) as char)
                .collect();
            format!("{word}{}", x % 97)
        };
        terms.insert(t);
    }
    let terms: Vec<String> = terms.into_iter().collect();
    let mut toml = String::from("[lexicons]\nbig = [\n");
    for t in &terms {
        toml.push_str(&format!("  \"{t}\",\n"));
    }
    toml.push_str("]\n\n[[rules]]\nid = \"big.any\"\ncategory = \"big\"\nscore = 8\ndescription = \"one of 100,000 terms\"\nwhen = \"big\"\n");
    let start = Instant::now();
    let engine = fanzha::Engine::builder()
        .add_rules_str("big.toml", &toml)
        .build()
        .unwrap();
    let took = start.elapsed();
    eprintln!(
        "100,000-term rule file ({} KB) built with the built-in rules in {took:?}",
        toml.len() / 1024
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    let probe = &terms[terms.len() / 2];
    let v = engine.classify(&format!("hello {probe} world"));
    assert!(v.hits.iter().any(|h| h.rule == "big.any"), "{probe}");
    assert!(!engine
        .classify("你好，明天一起吃饭吗")
        .hits
        .iter()
        .any(|h| h.rule == "big.any"));
}

// -------------------------------------------------------------- filesystem

#[cfg(target_os = "linux")]
#[test]
fn unreadable_inputs_are_error_records_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.txt", format!("{SCAM}\n"));
    // Root reads a chmod 000 file, so these are unreadable whoever runs the test:
    // a dangling symlink (open fails) and /proc/self/mem (open works, the first
    // read fails with EIO).
    let dangling = dir.path().join("dangling.txt");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let mem = Path::new("/proc/self/mem");
    let s = scan(&[], &[&dangling, mem, &good]);
    s.assert_accounted(3);
    assert_eq!(s.texts(), [SCAM]);
    let errs: Vec<(&str, &str)> = s
        .errors()
        .iter()
        .map(|e| (e["source"].as_str().unwrap(), e["error"].as_str().unwrap()))
        .collect();
    assert!(errs[0].0.ends_with("dangling.txt") && errs[0].1.contains("No such file"));
    assert_eq!(errs[1].0, "/proc/self/mem");
    assert!(errs[1].1.contains("could not read"), "{errs:?}");
    // The same dangling symlink found while walking a folder.
    let s = scan(&[], &[dir.path()]);
    s.assert_accounted(2);
    assert_eq!(s.texts(), [SCAM]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_between_files_is_an_error_record() {
    // (A symlink back to a parent folder is covered in tests/scan.rs: a notice.)
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "ok.txt", "fine\n");
    std::os::unix::fs::symlink(d.join("loop_b"), d.join("loop_a")).unwrap();
    std::os::unix::fs::symlink(d.join("loop_a"), d.join("loop_b")).unwrap();
    let s = scan(&[], &[&d.join("loop_a"), d]);
    s.assert_accounted(1 + 3);
    assert_eq!(s.texts(), ["fine"]);
    assert_eq!(s.errors().len(), 3);
    for e in s.errors() {
        assert!(e["error"]
            .as_str()
            .unwrap()
            .contains("Too many levels of symbolic links"));
    }
}

#[test]
fn a_file_that_disappears_mid_scan_is_an_error_record() {
    // stdin is read first; the folder is listed before anything is read. The
    // second file is deleted once the first records from stdin are out, so it
    // disappears between listing and reading, deterministically.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", "first file\n");
    let doomed = write(d, "b.txt", "never read\n");
    write(d, "c.txt", format!("{SCAM}\n"));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("fanzha"))
        .args(["scan", "--format", "jsonl", "--stats", "-j", "2", "-"])
        .arg(d)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let feeder = std::thread::spawn(move || {
        // Enough lines to fill a few batches, so records come out before EOF.
        let lines = "hello from stdin\n".repeat(200_000);
        stdin.write_all(lines.as_bytes()).unwrap();
        let _ = go_rx.recv_timeout(Duration::from_secs(60));
        drop(stdin);
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("hello from stdin"), "{first}");
    std::fs::remove_file(&doomed).unwrap();
    go_tx.send(()).unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    feeder.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    let mut out = first.into_bytes();
    out.extend(rest);
    let s = Scan {
        code: status.code().unwrap(),
        records: parse_jsonl(&out),
        stderr,
    };
    s.assert_accounted(4);
    assert_eq!(s.code, 2);
    assert_eq!(s.messages().len(), 200_000 + 2);
    let tail: Vec<&str> = s.records[200_000..]
        .iter()
        .map(|r| r["text"].as_str().or(r["error"].as_str()).unwrap())
        .collect();
    assert_eq!(tail[0], "first file");
    assert!(tail[1].contains("No such file"), "{tail:?}");
    assert_eq!(tail[2], SCAM);
}

// ----------------------------------------------------------- output safety

#[cfg(unix)]
#[test]
fn text_output_neutralises_escapes_in_messages_senders_times_and_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let evil_name = std::ffi::OsStr::from_bytes(b"name\x1b[31mred\x07.jsonl");
    let p = dir.path().join(evil_name);
    std::fs::write(
        &p,
        format!(
            "{{\"sender\":\"bad\\u001b]0;title\\u0007\",\"time\":\"\\u001b[2J\",\"chat\":\"g\",\"text\":\"{SCAM} \\u009b31m \\u202e evil \\u2066x\\u2069\\r\\n\"}}\n"
        ),
    )
    .unwrap();
    let missing = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"gone\x1b[1m.txt"));
    let out = fanzha()
        .args([
            "scan",
            "--input-format",
            "jsonl",
            "--conversations",
            "--lang",
            "en",
        ])
        .arg(&p)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let s = String::from_utf8(bytes.clone()).unwrap();
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\r'] {
            assert!(!s.contains(bad), "{what} holds {bad:?}: {s:?}");
        }
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("name\\u{1b}[31mred\\u{7}.jsonl:1:"),
        "{stdout}"
    );
    assert!(stdout.contains("bad\\u{1b}]0;title\\u{7}:"), "{stdout}");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("gone\\u{1b}[1m.txt"));
}

#[test]
fn jsonl_output_is_valid_json_lines_whatever_the_input() {
    // Every C0 and C1 control, DEL, line and paragraph separators, bidi
    // controls, invalid UTF-8, a lone surrogate escape, quotes and backslashes.
    let mut raw = Vec::new();
    for c in (0u32..0x20).chain(0x7F..0xA0) {
        if c == u32::from(b'\n') || c == u32::from(b'\r') || c == 0 {
            continue;
        }
        raw.extend_from_slice(format!("ctl {}{SCAM}\n", char::from_u32(c).unwrap()).as_bytes());
    }
    for s in [
        "\u{2028}",
        "\u{2029}",
        "\u{202E}",
        "\u{FEFF}",
        "\"",
        "\\",
        "\\u0000",
        "</script>",
    ] {
        raw.extend_from_slice(format!("odd {s} {SCAM}\n").as_bytes());
    }
    raw.extend_from_slice(b"bytes \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 end\n");
    let lines = raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "ctl.txt", &raw);
    let s = scan(&["--input-format", "lines"], &[&p]);
    s.assert_accounted(1);
    assert_eq!(s.messages().len(), lines);
    // The same through JSONL input, with escapes JSON allows and one it refuses.
    let j = write(
        dir.path(),
        "ctl.jsonl",
        "{\"text\":\"a\\u0000b\\u001b[2J\\u2028c\"}\n{\"text\":\"\\ud800\"}\n{\"text\":\"\\udc00\\ud83d\\ude00\"}\n",
    );
    let s = scan(&["--input-format", "jsonl"], &[&j]);
    s.assert_accounted(1);
    assert_eq!(s.records.len(), 3);
    assert_eq!(s.records[0]["text"], "a\u{0}b\u{1b}[2J\u{2028}c");
    // CSV output of the same stays parseable, one row per record.
    let out = fanzha()
        .args(["scan", "--format", "csv", "--input-format", "lines"])
        .arg(&p)
        .output()
        .unwrap();
    let rows = csv::Reader::from_reader(out.stdout.as_slice())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
        .len();
    assert_eq!(rows, lines);
}

// ----------------------------------------------------------------- privacy

#[test]
fn redact_masks_personal_numbers_in_every_format_and_no_redact_shows_them() {
    let text = "验证码 583920 发我，卡号 6222 0212 3456 7890，身份证110101199003071234，电话13812345678，加V jf8888";
    let line = format!("{{\"sender\":\"+86 139 8765 4321\",\"chat\":\"g\",\"text\":\"{text}\"}}\n");
    let secrets = [
        "583920",
        "0212 3456",
        "0101199003071",
        "1234567",
        "9 8765 4",
    ];
    let run = |format: &str, extra: &[&str]| -> String {
        let out = fanzha()
            .args(["scan", "--input-format", "jsonl", "--format", format])
            .args(extra)
            .write_stdin(line.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    for format in ["text", "jsonl", "csv"] {
        for extra in [&[][..], &["--redact"]] {
            let shown = run(format, extra);
            for s in secrets {
                assert!(!shown.contains(s), "{format}: {s} in {shown}");
            }
            assert!(
                shown.contains("jf8888") && shown.contains("138****5678"),
                "{shown}"
            );
        }
        let raw = run(format, &["--no-redact"]);
        for s in secrets {
            assert!(raw.contains(s), "{format} --no-redact: {s} missing");
        }
    }
    // JSONL: the spans still slice the (redacted) text.
    let rec: Value = serde_json::from_str(run("jsonl", &[]).trim()).unwrap();
    let t = rec["text"].as_str().unwrap();
    assert_eq!(t.len(), text.len());
    for h in rec["hits"].as_array().unwrap() {
        for sp in h["spans"].as_array().unwrap() {
            let (a, b) = (
                sp["start"].as_u64().unwrap() as usize,
                sp["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&t[a..b], sp["text"].as_str().unwrap());
        }
    }
    // check, text and JSON.
    for format in ["text", "json"] {
        let out = fanzha()
            .args(["check", "--format", format, text])
            .output()
            .unwrap();
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(!shown.contains("583920"), "{shown}");
        let out = fanzha()
            .args(["check", "--no-redact", "--format", format, text])
            .output()
            .unwrap();
        if format == "text" {
            assert!(String::from_utf8(out.stdout).unwrap().contains("583920"));
        }
    }
}
