//! `fanzha scan` end to end: every input message comes out exactly once,
//! records say where they came from, errors are records, output does not
//! depend on the number of threads.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fanzha::input::{MessageReader, ReadOptions};
use predicates::prelude::*;
use serde_json::Value;

fn fanzha() -> Command {
    let mut c = Command::cargo_bin("fanzha").unwrap();
    c.env("NO_COLOR", "1").env("LANG", "C");
    c
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    std::str::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn scan_jsonl(args: &[&str], path: &Path) -> (i32, Vec<Value>) {
    let out = fanzha()
        .args(["scan", "--format", "jsonl"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (out.status.code().unwrap(), jsonl(&out.stdout))
}

/// (line, record, sender, text) of every message, or the error, as the
/// library reads the file.
/// (line, record, sender, text or error) of one record.
type View = (u64, u64, Option<String>, Result<String, String>);

fn library_view(path: &Path) -> Vec<View> {
    let f = std::fs::File::open(path).unwrap();
    let name = path.display().to_string();
    MessageReader::new(f, &name, &ReadOptions::default())
        .unwrap()
        .map(|r| match r {
            Ok(m) => (m.line, m.record, m.sender, Ok(m.text)),
            Err(e) => (e.line, e.record, None, Err(e.message)),
        })
        .collect()
}

fn cli_view(records: &[Value]) -> Vec<View> {
    records
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().map(str::to_string);
            let n = |k: &str| v[k].as_u64().unwrap();
            match v["kind"].as_str().unwrap() {
                "message" => (n("line"), n("record"), s("sender"), Ok(s("text").unwrap())),
                "error" => (n("line"), n("record"), None, Err(s("error").unwrap())),
                k => panic!("unexpected kind {k}"),
            }
        })
        .collect()
}

#[test]
fn every_chat_format_fixture_comes_out_once_per_message_with_senders() {
    let dir = fixtures().join("input");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for path in names {
        let (_, records) = scan_jsonl(&["-j", "2"], &path);
        let want = library_view(&path);
        assert_eq!(cli_view(&records), want, "{}", path.display());
        for v in &records {
            assert_eq!(v["source"], path.display().to_string());
        }
    }
}

#[test]
fn multi_line_messages_and_senders_of_chat_exports() {
    let text_of = |file: &str, sender: &str| -> Vec<String> {
        let (_, recs) = scan_jsonl(&[], &fixtures().join("input").join(file));
        recs.iter()
            .filter(|v| v["sender"] == sender)
            .map(|v| v["text"].as_str().unwrap().to_string())
            .collect()
    };
    // MemoTrace TXT: a message with a blank line and a header-like line inside.
    let wang = text_of("小王.txt", "Tom & 'Jerry'");
    assert_eq!(wang.len(), 1);
    assert!(wang[0].contains("中间有空行") && wang[0].contains("第三段"));
    // WhatsApp Android: continuation lines belong to the message.
    let alex = text_of("WhatsApp Chat with Alex.txt", "Alex");
    assert!(alex
        .iter()
        .any(|t| t.lines().count() == 3 && t.starts_with("Great opportunity")));
    // MemoTrace CSV: quoted multi-line field.
    let csv = text_of("小王_utf8.csv", "小王");
    assert!(csv.iter().any(|t| t == "明天还你\n第二行也是同一条消息"));
    // Telegram JSON: chat names come from the export.
    let (_, recs) = scan_jsonl(&[], &fixtures().join("input/full_export.json"));
    assert!(recs
        .iter()
        .any(|v| v["chat"] == "Invest Group" && v["sender"] == "Bob"));
}

#[test]
fn gbk_and_utf8_bom_files_scan_without_flags() {
    let dir = tempfile::tempdir().unwrap();
    let text = "专业解封，500一次，加V信 jf8888\n你好，明天一起吃饭吗？\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    let gbk_path = dir.path().join("gbk.txt");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let bom_path = dir.path().join("bom.txt");
    std::fs::write(
        &bom_path,
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    )
    .unwrap();
    for path in [&gbk_path, &bom_path] {
        let (code, recs) = scan_jsonl(&[], path);
        assert_eq!(code, 1, "{}", path.display());
        let got: Vec<(&str, &str)> = recs
            .iter()
            .map(|v| (v["text"].as_str().unwrap(), v["label"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("专业解封，500一次，加V信 jf8888", "scam"),
                ("你好，明天一起吃饭吗？", "clean")
            ],
            "{}",
            path.display()
        );
    }
    // Forcing the encoding works too; an unknown label is a clear error.
    let (_, recs) = scan_jsonl(&["--encoding", "gbk"], &gbk_path);
    assert_eq!(recs.len(), 2);
    fanzha()
        .args(["scan", "--encoding", "klingon"])
        .arg(&gbk_path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding \"klingon\""));
    fanzha()
        .args(["scan", "--input-format", "nope"])
        .arg(&gbk_path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown input format"));
}

/// A few MB of chat-like JSONL with scams, warnings and benign text.
fn corpus(bytes: usize) -> String {
    let texts: Vec<String> = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/labelled.jsonl"),
    )
    .unwrap()
    .lines()
    .map(|l| {
        serde_json::from_str::<Value>(l).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    let mut out = String::new();
    let mut i = 0usize;
    while out.len() < bytes {
        let t = &texts[(i * 7919) % texts.len()];
        let rec = serde_json::json!({
            "id": i,
            "ts": format!("2024-01-01T{:02}:{:02}:00", (i / 60) % 24, i % 60),
            "sender": format!("u{}", i % 97),
            "chat": format!("g{}", i % 13),
            "text": format!("{t} #{i}"),
        });
        out.push_str(&rec.to_string());
        out.push('\n');
        i += 1;
    }
    out
}

#[test]
fn output_is_byte_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    std::fs::write(&path, corpus(3_000_000)).unwrap();
    for format in ["jsonl", "csv", "text"] {
        let run = |j: &str| {
            fanzha()
                .args(["scan", "--conversations", "--format", format, "-j", j])
                .arg(&path)
                .output()
                .unwrap()
        };
        let (a, b) = (run("1"), run("2"));
        assert_eq!(a.status.code(), Some(1));
        assert!(a.stdout.len() > 3_000_000, "{format}");
        assert!(a.stdout == b.stdout, "{format}: -j1 and -j2 differ");
    }
}

#[test]
fn records_in_equal_records_out_and_only_flagged_keeps_errors() {
    let path = fixtures().join("input/messages.jsonl");
    let (code, all) = scan_jsonl(&[], &path);
    assert_eq!(code, 2, "bad records make the exit status 2");
    let n_records = library_view(&path).len();
    assert_eq!(all.len(), n_records);
    let errors: Vec<&Value> = all.iter().filter(|v| v["kind"] == "error").collect();
    assert_eq!(errors.len(), 2);
    for e in errors {
        assert!(e["line"].is_u64() && e["record"].is_u64() && e["error"].is_string());
    }
    let (_, flagged) = scan_jsonl(&["--only-flagged"], &path);
    assert!(flagged.iter().all(|v| v["kind"] == "error"));
    assert_eq!(flagged.len(), 2);
    // An empty message is a record too (MemoTrace CSV row 4 has no text).
    let (_, recs) = scan_jsonl(&[], &fixtures().join("input/小王_utf8.csv"));
    assert!(recs
        .iter()
        .any(|v| v["text"] == "" && v["label"] == "clean"));
}

#[test]
fn records_carry_the_models_probability_when_it_was_consulted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.txt");
    // The first is on the appeal topic (the model reads it), the second not.
    std::fs::write(&path, "我的微信被封了，怎么申诉\n今天天气不错，出去走走\n").unwrap();
    let (_, recs) = scan_jsonl(&[], &path);
    assert_eq!(recs.len(), 2);
    let p = recs[0]["model"].as_f64().expect("a probability");
    assert!((0.0..=1.0).contains(&p), "{p}");
    assert!(recs[1].get("model").is_none(), "{}", recs[1]);
    // The same figure as `check --format json` gives.
    let out = fanzha()
        .args(["check", "--format", "json", "我的微信被封了，怎么申诉"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model"].as_f64(), Some(p));
}

#[test]
fn folders_are_walked_in_order_missing_files_are_errors_binaries_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("b/sub")).unwrap();
    std::fs::write(d.join("b/sub/z.txt"), "third\n").unwrap();
    std::fs::write(d.join("b/a.txt"), "second\n").unwrap();
    std::fs::write(d.join("a.txt"), "first\n").unwrap();
    std::fs::write(d.join("b/blob.bin"), b"\x00\x01\x02binary\x00\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("b/sub/loop")).unwrap();
    let out = fanzha()
        .args(["scan", "--format", "jsonl", "--stats"])
        .arg(d)
        .arg(d.join("missing.txt"))
        .arg(d.join("a.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a missing file makes it 2");
    let recs = jsonl(&out.stdout);
    let texts: Vec<&str> = recs.iter().filter_map(|v| v["text"].as_str()).collect();
    assert_eq!(texts, ["first", "second", "third", "first"]);
    let err = recs.iter().find(|v| v["kind"] == "error").unwrap();
    assert!(err["source"].as_str().unwrap().ends_with("missing.txt"));
    assert!(err["line"].is_null());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("blob.bin: binary file, skipped"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert!(stderr.contains("symlink loop"), "{stderr}");
    assert!(
        stderr.contains("4 files (1 binary skipped), 4 messages, 1 errors"),
        "{stderr}"
    );
}

#[test]
fn stdin_dash_and_csv_output_with_quoting() {
    let out = fanzha()
        .args(["scan", "--format", "csv", "--input-format", "csv", "-"])
        .write_stdin("sender,text\nAlex,\"专业解封，500一次\n加V信 jf8888\"\nSam,\"a, \"\"quoted\"\" word\"\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "kind",
            "source",
            "line",
            "record",
            "id",
            "chat",
            "sender",
            "time",
            "label",
            "score",
            "categories",
            "rules",
            "text",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "<stdin>");
    assert_eq!(&rows[0][6], "Alex");
    assert_eq!(&rows[0][8], "scam");
    assert!(rows[0][10].contains("paid_unblock"));
    assert_eq!(&rows[0][12], "专业解封，500一次\n加V信 jf8888");
    assert_eq!(&rows[1][12], "a, \"quoted\" word");
}

#[test]
fn a_scam_spread_over_three_messages_is_a_conversation_record() {
    let dir = fixtures().join("scan");
    let rules = dir.join("conversation_rules.toml");
    let chat = dir.join("小张.txt");
    let args = ["--no-default-rules", "--rules", rules.to_str().unwrap()];
    // Without --conversations: three hits, none reaching the threshold.
    let (code, recs) = scan_jsonl(&args, &chat);
    assert_eq!(code, 0);
    let scored: Vec<f64> = recs
        .iter()
        .map(|v| v["score"].as_f64().unwrap())
        .filter(|s| *s > 0.0)
        .collect();
    assert_eq!(scored.len(), 3);
    assert!(scored.iter().all(|s| *s < 7.0));

    let (code, recs) = scan_jsonl(&[&args[..], &["--conversations"]].concat(), &chat);
    assert_eq!(code, 1);
    let conv: Vec<&Value> = recs
        .iter()
        .filter(|v| v["kind"] == "conversation")
        .collect();
    assert_eq!(conv.len(), 1);
    let c = conv[0];
    assert_eq!(c["chat"], "小张");
    assert_eq!(c["label"], "scam");
    assert!(c["score"].as_f64().unwrap() >= 7.0);
    let at: Vec<u64> = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["line"].as_u64().unwrap())
        .collect();
    assert_eq!(at, [7, 14, 17]);
    assert!(c["messages"][0]["source"]
        .as_str()
        .unwrap()
        .ends_with("小张.txt"));
    // It comes after the message records it names.
    assert_eq!(recs.last().unwrap()["kind"], "conversation");
}
