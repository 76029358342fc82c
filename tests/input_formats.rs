//! Integration tests of the input layer: every fixture under `tests/fixtures/input/`
//! comes out message by message, exactly once, in order, with the right sender, time,
//! text and line.

use std::io::Read;
use std::path::PathBuf;

use fanzha::input::{
    encoding_for_label, InputFormat, Message, MessageReader, ReadOptions, RecordError,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/input")
        .join(name)
}

fn open(name: &str, opts: &ReadOptions) -> MessageReader {
    let f = std::fs::File::open(fixture(name)).expect("fixture exists");
    MessageReader::new(f, name, opts).expect("reader starts")
}

fn all(r: MessageReader) -> Vec<Result<Message, RecordError>> {
    r.collect()
}

fn oks(r: MessageReader) -> Vec<Message> {
    r.map(|m| m.expect("no record error")).collect()
}

fn from_bytes(data: Vec<u8>, name: &str) -> MessageReader {
    MessageReader::new(std::io::Cursor::new(data), name, &ReadOptions::default()).unwrap()
}

/// (line, sender, time, text) of each message.
type Row<'a> = (u64, Option<&'a str>, Option<&'a str>, &'a str);

fn rows(msgs: &[Message]) -> Vec<Row<'_>> {
    msgs.iter()
        .map(|m| {
            (
                m.line,
                m.sender.as_deref(),
                m.time.as_deref(),
                m.text.as_str(),
            )
        })
        .collect()
}

fn assert_records_numbered(msgs: &[Message]) {
    for (i, m) in msgs.iter().enumerate() {
        assert_eq!(m.record, i as u64 + 1, "record numbers run 1..n");
    }
}

#[test]
fn plain_lines() {
    let r = open("plain.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::Lines);
    assert_eq!(r.encoding(), encoding_rs::UTF_8);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (1, None, None, "Meeting at 10:30, bring docs: A, B"),
            (3, None, None, "2024-03-01 10:00:00 提醒：交费"),
            (4, None, None, "您的微信账号已被冻结，请联系客服办理解封"),
            (6, None, None, "12/31/23 was fun: yes, really"),
        ]
    );
}

#[test]
fn jsonl_fields_and_errors() {
    let r = open("messages.jsonl", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::Jsonl);
    let items = all(r);
    assert_eq!(items.len(), 6);
    let m0 = items[0].as_ref().unwrap();
    assert_eq!(
        (
            m0.id.as_deref(),
            m0.sender.as_deref(),
            m0.time.as_deref(),
            m0.chat.as_deref()
        ),
        (
            Some("1"),
            Some("u1"),
            Some("2024-01-01T00:00:01+08:00"),
            Some("g1")
        )
    );
    assert_eq!(m0.text, "在吗");
    let m1 = items[1].as_ref().unwrap();
    assert_eq!((m1.line, m1.text.as_str()), (2, "line one\nline two"));
    let m2 = items[2].as_ref().unwrap();
    assert_eq!((m2.line, m2.text.as_str(), m2.record), (4, "12345", 3));
    let e = items[3].as_ref().unwrap_err();
    assert_eq!(
        (e.line, e.record, e.source.as_str()),
        (5, 4, "messages.jsonl")
    );
    assert!(
        e.to_string()
            .starts_with("messages.jsonl:5: record 4: malformed JSON"),
        "{e}"
    );
    let e = items[4].as_ref().unwrap_err();
    assert_eq!(e.line, 6);
    assert!(e.message.contains("no text field"), "{e}");
    let m5 = items[5].as_ref().unwrap();
    assert_eq!(
        (m5.line, m5.sender.as_deref(), m5.text.as_str()),
        (7, Some("u4"), "content field works")
    );
}

#[test]
fn jsonl_dotted_paths() {
    let opts = ReadOptions {
        text_field: Some("msg.body".into()),
        sender_field: Some("msg.from".into()),
        time_field: Some("meta.when".into()),
        ..ReadOptions::default()
    };
    let m = oks(open("nested.jsonl", &opts));
    assert_eq!(
        rows(&m),
        vec![
            (1, Some("a"), Some("t1"), "hello nested"),
            (2, Some("b"), Some("t2"), "second")
        ]
    );
}

#[test]
fn csv_multiline_and_broken_quote() {
    let r = open("generic.csv", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::Csv);
    let items = all(r);
    let ok: Vec<Message> = items
        .iter()
        .filter_map(|i| i.as_ref().ok().cloned())
        .collect();
    let errs: Vec<&RecordError> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(
        rows(&ok),
        vec![
            (2, Some("Alex"), Some("2024-01-01 08:00"), "hello"),
            (
                3,
                Some("Sam"),
                Some("2024-01-01 08:01"),
                "multi\nline, with comma"
            ),
            (5, Some("Alex"), Some("2024-01-01 08:02"), "she said \"hi\""),
            (7, Some("Alex"), Some("2024-01-01 08:04"), "after the break"),
            (8, Some("Sam"), Some("2024-01-01 08:05"), "last"),
        ]
    );
    assert_eq!(ok[0].id.as_deref(), Some("1"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 6);
    assert!(
        errs[0].message.contains("unterminated quoted field"),
        "{}",
        errs[0]
    );
    // Records are numbered in output order, errors included.
    let recs: Vec<u64> = items
        .iter()
        .map(|i| match i {
            Ok(m) => m.record,
            Err(e) => e.record,
        })
        .collect();
    assert_eq!(recs, vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn csv_text_column_option() {
    let opts = ReadOptions {
        format: InputFormat::Csv,
        text_column: Some("SENDER".into()),
        ..ReadOptions::default()
    };
    let m: Vec<Message> = open("generic.csv", &opts).filter_map(Result::ok).collect();
    assert_eq!(m[0].text, "Alex");
    // A CSV without any text column cannot start.
    let data = b"a,b\n1,2\n".to_vec();
    let opts = ReadOptions {
        format: InputFormat::Csv,
        ..ReadOptions::default()
    };
    let err = MessageReader::new(std::io::Cursor::new(data), "x.csv", &opts).unwrap_err();
    assert!(err.to_string().contains("no text column"), "{err}");
}

#[test]
fn memotrace_csv_bom_crlf() {
    let r = open("小王_utf8.csv", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::WeChatCsv);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (
                2,
                Some("小王"),
                Some("2024-03-01 09:58:12"),
                "在吗？帮我个忙"
            ),
            (3, Some("我的昵称"), Some("2024-03-01 09:58:40"), "什么事"),
            (
                4,
                Some("小王"),
                Some("2024-03-01 10:01:15"),
                "明天还你\n第二行也是同一条消息"
            ),
            (6, Some("Wang"), Some("2024-03-01 10:01:40"), ""),
        ]
    );
    assert!(m.iter().all(|x| x.chat.as_deref() == Some("小王")));
    assert_eq!(m[2].id.as_deref(), Some("3"));
}

#[test]
fn pywxdump_csv() {
    let r = open("wxid_example001_0_4.csv", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::PyWxDumpCsv);
    let m = oks(r);
    assert_eq!(
        rows(&m),
        vec![
            (
                2,
                Some("wxid_example001"),
                Some("2024-03-01 09:58:12"),
                "在吗？帮我个忙"
            ),
            (3, Some("我"), Some("2024-03-01 09:58:40"), "什么事"),
            (
                4,
                Some("wxid_example001"),
                Some("2024-03-01 10:02:00"),
                "转账：¥100.00\n转账说明：\n转账时间：2024-03-01 10:02:00\n"
            ),
        ]
    );
    assert_eq!(m[0].id.as_deref(), Some("8123456789012345678"));
    assert_eq!(m[0].chat.as_deref(), Some("wxid_example001"));
}

#[test]
fn whatsapp_android() {
    let r = open("WhatsApp Chat with Alex.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::WhatsApp);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (1, None, Some("12/31/23, 9:41 PM"), "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them."),
            (2, Some("Alex"), Some("12/31/23, 9:41 PM"), "Hi, is this Sam?"),
            (3, Some("Sam"), Some("12/31/23, 9:42 PM"), "Who is this?"),
            (4, Some("Alex"), Some("12/31/23, 9:45 PM"), "<Media omitted>"),
            (5, Some("Alex"), Some("1/1/24, 8:02 AM"), "Great opportunity, line one\nline two of the same message\n2016-04-29 10:30:00 also a continuation line"),
            (8, Some("+1 555 010 0000"), Some("1/1/24, 8:03 AM"), "Send 100 USDT to start: https://example.invalid/x"),
        ]
    );
    assert!(m.iter().all(|x| x.chat.as_deref() == Some("Alex")));
}

#[test]
fn whatsapp_ios() {
    let r = open("_chat.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::WhatsApp);
    let m = oks(r);
    assert_eq!(
        rows(&m),
        vec![
            (
                1,
                Some("Alex"),
                Some("31/12/2023, 21:41:07"),
                "Messages and calls are end-to-end encrypted."
            ),
            (
                2,
                Some("Alex"),
                Some("31/12/2023, 21:41:30"),
                "Hi, is this Sam?"
            ),
            (
                3,
                Some("Alex"),
                Some("31/12/2023, 21:45:02"),
                "image omitted"
            ),
            (
                4,
                Some("Alex"),
                Some("01/01/2024, 08:02:11"),
                "Great opportunity, line one\nline two of the same message"
            ),
        ]
    );
}

#[test]
fn memotrace_txt() {
    let r = open("小王.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::WeChatTxt);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (
                1,
                Some("小王"),
                Some("2024-03-01 09:58:12"),
                "在吗？帮我个忙"
            ),
            (4, Some("我的昵称"), Some("2024-03-01 09:58:40"), "什么事"),
            (7, Some("小王"), Some("2024-03-01 09:59:03"), "[图片]"),
            (
                10,
                None,
                Some("2024-03-01 10:00:00"),
                "\"小王\" 撤回了一条消息"
            ),
            (
                12,
                Some("Tom & 'Jerry'"),
                Some("2024-03-01 10:01:15"),
                "明天还你\n\n中间有空行\n2024-03-01 10:01:16 这行像标题但不是\n第三段"
            ),
        ]
    );
    assert!(m.iter().all(|x| x.chat.as_deref() == Some("小王")));
}

#[test]
fn weflow_txt() {
    let r = open("小李.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::WeFlowTxt);
    let m = oks(r);
    assert_eq!(
        rows(&m),
        vec![
            (
                1,
                Some("小李"),
                Some("2024-03-01 09:58:12"),
                "在吗？帮我个忙"
            ),
            (4, Some("我"), Some("2024-03-01 09:58:40"), "什么事\n第二行"),
        ]
    );
}

#[test]
fn qq_txt_crlf_multi_object() {
    let r = open("群聊.txt", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::QqTxt);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (9, Some("地瓜"), Some("2017-02-25 10:40:20"), "欢迎新人"),
            (
                12,
                Some("土豆"),
                Some("2017-02-25 10:41:02"),
                "[图片]\n内部渠道，稳赚不赔"
            ),
            (
                16,
                Some("番茄(Tom)"),
                Some("2017-02-25 9:03:08"),
                "2006-01-02 15:04:05"
            ),
            (25, Some("小明"), Some("2017-03-01 8:00:00"), "早上好"),
        ]
    );
    let ids: Vec<Option<&str>> = m.iter().map(|x| x.id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![
            Some("23333233"),
            Some("someone@example.com"),
            Some("10001"),
            None
        ]
    );
    let chats: Vec<Option<&str>> = m.iter().map(|x| x.chat.as_deref()).collect();
    assert_eq!(
        chats,
        vec![
            Some("示例交流群"),
            Some("示例交流群"),
            Some("示例交流群"),
            Some("小明")
        ]
    );
}

#[test]
fn telegram_single_chat() {
    let r = open("result.json", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::TelegramJson);
    let m = oks(r);
    assert_records_numbered(&m);
    assert_eq!(
        rows(&m),
        vec![
            (
                6,
                Some("Alex"),
                Some("2024-01-01T08:02:11"),
                "Claim your prize at https://example.invalid/claim"
            ),
            (31, Some("Sam"), Some("2024-01-01T08:05:00"), "[phone_call]"),
            (
                43,
                Some("user555"),
                Some("2024-01-01T08:06:00"),
                "Verify your account here (https://phish.example.invalid/login)\nthanks"
            ),
            (
                59,
                Some("Alex"),
                Some("2024-01-01T08:07:00"),
                "multi\nline caption"
            ),
        ]
    );
    assert!(m.iter().all(|x| x.chat.as_deref() == Some("Alex")));
    assert_eq!(m[0].id.as_deref(), Some("1"));
}

#[test]
fn telegram_full_export() {
    let r = open("full_export.json", &ReadOptions::default());
    assert_eq!(r.format(), InputFormat::TelegramJson);
    let m = oks(r);
    let got: Vec<(u64, &str, &str, &str)> = m
        .iter()
        .map(|x| {
            (
                x.line,
                x.chat.as_deref().unwrap(),
                x.sender.as_deref().unwrap(),
                x.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (19, "Alex", "Alex", "first chat msg"),
            (33, "Invest Group", "Bob", "guaranteed 30% daily"),
            (40, "Invest Group", "Sam", "really?"),
            (59, "Old", "Old", "bye"),
        ]
    );
}

#[test]
fn telegram_truncated_reports_error() {
    let mut data = Vec::new();
    std::fs::File::open(fixture("result.json"))
        .unwrap()
        .read_to_end(&mut data)
        .unwrap();
    data.truncate(data.len() * 2 / 3);
    let items = all(from_bytes(data, "cut.json"));
    assert!(items.len() >= 2);
    assert!(items[..items.len() - 1].iter().all(Result::is_ok));
    let e = items.last().unwrap().as_ref().unwrap_err();
    assert!(e.message.contains("Telegram JSON"), "{e}");
}

#[test]
fn utf8_bom_is_stripped() {
    let mut data = b"\xEF\xBB\xBF".to_vec();
    data.extend_from_slice("第一行\nsecond\n".as_bytes());
    let m = oks(from_bytes(data, "bom.txt"));
    assert_eq!(
        rows(&m),
        vec![(1, None, None, "第一行"), (2, None, None, "second")]
    );
}

#[test]
fn utf16le_bom() {
    let text = "您好\r\n解封请加V\r\n";
    let mut data = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        data.extend_from_slice(&u.to_le_bytes());
    }
    let r = from_bytes(data, "u16.txt");
    assert_eq!(r.encoding(), encoding_rs::UTF_16LE);
    assert!(!r.is_binary());
    let m = oks(r);
    assert_eq!(
        rows(&m),
        vec![(1, None, None, "您好"), (2, None, None, "解封请加V")]
    );
}

#[test]
fn utf16be_bom_whatsapp() {
    let text = "12/31/23, 9:41 PM - Alex: hi\n12/31/23, 9:42 PM - Sam: yo\n";
    let mut data = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        data.extend_from_slice(&u.to_be_bytes());
    }
    let r = from_bytes(data, "x.txt");
    assert_eq!(r.encoding(), encoding_rs::UTF_16BE);
    assert_eq!(r.format(), InputFormat::WhatsApp);
    assert_eq!(oks(r).len(), 2);
}

fn gbk_qq_export() -> (String, Vec<u8>) {
    let mut text = String::from("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n");
    text.push_str(&"=".repeat(64));
    text.push_str("\r\n消息对象:诈骗群\r\n");
    text.push_str(&"=".repeat(64));
    text.push_str("\r\n\r\n");
    for i in 0..50 {
        text.push_str(&format!(
            "2017-02-25 10:{:02}:00 客服小张(1000{i})\r\n您的微信账号已被冻结，请联系客服办理解封，第{i}条\r\n\r\n",
            i % 60
        ));
    }
    let bytes = encoding_rs::GBK.encode(&text).0.into_owned();
    (text, bytes)
}

#[test]
fn gbk_is_detected_and_decoded() {
    let (_, bytes) = gbk_qq_export();
    let r = from_bytes(bytes, "gbk.txt");
    assert_eq!(r.encoding(), encoding_rs::GB18030);
    assert_eq!(r.format(), InputFormat::QqTxt);
    let m = oks(r);
    assert_eq!(m.len(), 50);
    assert_eq!(m[7].text, "您的微信账号已被冻结，请联系客服办理解封，第7条");
    assert_eq!(m[7].sender.as_deref(), Some("客服小张"));
    assert_eq!(m[7].chat.as_deref(), Some("诈骗群"));
    assert_eq!(m[0].line, 7);
    assert_eq!(m[1].line, 10);
}

#[test]
fn gbk_plain_lines_over_several_chunks() {
    // Larger than the 64 KiB prefix and the 256 KiB read size: characters are split
    // across chunk boundaries.
    let mut text = String::new();
    for i in 0..8_000 {
        text.push_str(&format!("第{i}条：您的账号存在风险，请点击链接解封\n"));
    }
    let bytes = encoding_rs::GBK.encode(&text).0.into_owned();
    assert!(bytes.len() > 300_000);
    let m = oks(from_bytes(bytes, "big-gbk.txt"));
    assert_eq!(m.len(), 8_000);
    assert_eq!(m[7_999].text, "第7999条：您的账号存在风险，请点击链接解封");
    assert_eq!(m[7_999].line, 8_000);
}

#[test]
fn forced_encoding() {
    let (text, bytes) = gbk_qq_export();
    let opts = ReadOptions {
        encoding: encoding_for_label("gbk"),
        format: InputFormat::Lines,
        ..ReadOptions::default()
    };
    let r = MessageReader::new(std::io::Cursor::new(bytes), "g.txt", &opts).unwrap();
    assert_eq!(r.format(), InputFormat::Lines);
    let m = oks(r);
    let want: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let got: Vec<&str> = m.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(got, want);
}

#[test]
fn crlf_and_lone_cr() {
    let m = oks(from_bytes(
        b"one\r\ntwo\rthree\n\r\nfour".to_vec(),
        "cr.txt",
    ));
    assert_eq!(
        rows(&m),
        vec![
            (1, None, None, "one"),
            (2, None, None, "two"),
            (3, None, None, "three"),
            (5, None, None, "four"),
        ]
    );
    // Lone CR inside a chat message is a line break too.
    let data = "12/31/23, 9:41 PM - Alex: a\rb\r\n12/31/23, 9:42 PM - Sam: c\r\n"
        .as_bytes()
        .to_vec();
    let m = oks(from_bytes(data, "wa.txt"));
    assert_eq!(m[0].text, "a\nb");
    assert_eq!(m[1].line, 3);
}

#[test]
fn invalid_utf8_is_kept_lossy() {
    let mut data = "解封费用一百元，请尽快转账到指定账户\n"
        .repeat(10)
        .into_bytes();
    data.extend_from_slice(b"bad \xFF\xFE bytes\nlast\n");
    let r = from_bytes(data, "mixed.txt");
    assert_eq!(r.encoding(), encoding_rs::UTF_8);
    let m = oks(r);
    assert_eq!(m.len(), 12);
    assert_eq!(m[10].text, "bad \u{FFFD}\u{FFFD} bytes");
    assert_eq!(m[11].text, "last");
}

#[test]
fn long_line() {
    let long = "解".repeat(1_000_000); // 3 MB on one line
    let data = format!("short\n{long}\nafter\n").into_bytes();
    let m = oks(from_bytes(data, "long.txt"));
    assert_eq!(m.len(), 3);
    assert_eq!(m[1].text, long);
    assert_eq!((m[2].line, m[2].text.as_str()), (3, "after"));
}

#[test]
fn empty_inputs() {
    for (data, name) in [
        (&b""[..], "e.txt"),
        (b"\n\n  \n", "e2.txt"),
        (b"\xEF\xBB\xBF", "e3.txt"),
    ] {
        let r = from_bytes(data.to_vec(), name);
        assert_eq!(r.format(), InputFormat::Lines);
        assert_eq!(all(r).len(), 0);
    }
    for f in InputFormat::ALL {
        let opts = ReadOptions {
            format: *f,
            ..ReadOptions::default()
        };
        let r = MessageReader::new(std::io::Cursor::new(Vec::new()), "e", &opts).unwrap();
        assert_eq!(all(r).len(), 0, "{f}");
    }
}

#[test]
fn binary_is_flagged() {
    let mut data = b"PK\x03\x04".to_vec();
    data.extend_from_slice(&[0u8; 100]);
    data.extend_from_slice(b"\nsome text\n");
    let r = from_bytes(data, "x.zip");
    assert!(r.is_binary());
    assert!(!from_bytes(b"text\n".to_vec(), "t").is_binary());
}

#[test]
fn detection_does_not_misfire_on_plain_chat_lines() {
    let samples: &[&str] = &[
        "Meeting at 10:30, bring docs: A, B\nok, see you: 5pm\nfine, thanks, bye\n",
        "2024-03-01 10:00:00 提醒：交费\n2024-03-02 11:00:00 再次提醒\n明天见\n",
        "text,more\nhello, world\nsure\n",
        "message, hello\nok, see you\nyes, fine\n",
        "name: Alex\ntime: 10:00\ntext: hi\n",
        "[图片]\n[语音]\n好的，收到：明天10:00见\n",
        "12/31/23, 9:41 PM - Alex: hi\nordinary line\nanother, line\nmore text: here\n",
        "{\"a\":1} is JSON\n{\"b\":2}\n",
        "价格: 100, 数量: 2\n价格: 200, 数量: 3\n价格: 300, 数量: 4\n",
    ];
    for s in samples {
        let r = from_bytes(s.as_bytes().to_vec(), "chat.txt");
        assert_eq!(r.format(), InputFormat::Lines, "{s:?}");
        let n = s.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(oks(r).len(), n);
    }
}

#[test]
fn forced_lines_is_one_message_per_line() {
    let opts = ReadOptions {
        format: InputFormat::Lines,
        ..ReadOptions::default()
    };
    let m = oks(open("小王_utf8.csv", &opts));
    assert_eq!(m.len(), 6); // header + 5 physical lines
    assert_eq!(m[0].line, 1);
    let m = oks(open("result.json", &opts));
    assert!(m.len() > 40);
}

#[test]
fn format_names_round_trip() {
    for f in InputFormat::ALL {
        assert_eq!(InputFormat::from_name(f.name()), Some(*f));
    }
    assert_eq!(
        InputFormat::from_name("WeChat-TXT"),
        Some(InputFormat::WeChatTxt)
    );
    assert_eq!(InputFormat::from_name("nope"), None);
}

#[test]
fn reader_is_send() {
    fn is_send<T: Send>() {}
    is_send::<MessageReader>();
}

#[test]
fn random_bytes_never_panic() {
    // A cheap deterministic fuzz: every format, garbage input.
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for round in 0..60 {
        let len = (round * 97) % 3000;
        let mut data = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = match x % 8 {
                0 => b'\n',
                1 => b'"',
                2 => b',',
                3 => b'{',
                _ => (x >> 8) as u8,
            };
            data.push(b);
        }
        for f in InputFormat::ALL {
            let opts = ReadOptions {
                format: *f,
                ..ReadOptions::default()
            };
            if let Ok(r) = MessageReader::new(std::io::Cursor::new(data.clone()), "fuzz", &opts) {
                for _ in r {}
            }
        }
    }
}

#[test]
fn jsonl_flat_path_details() {
    let data = concat!(
        "{\"content\":\"second choice\",\"text\":\"first choice\",\"sender\":null,\"from\":\"f\"}\n",
        "{\"text\":\"x\",\"extra\":{\"deep\":[1,2,{\"a\":\"b\"}]},\"id\":\"\\u0041\"}\n",
        "[1,2,3]\n",
        "{\"te\\u0078t\":\"escaped key\",\"time\":1704096131}\n",
        "{\"text\":\"trailing\"} junk\n",
    );
    let opts = ReadOptions {
        format: InputFormat::Jsonl,
        ..ReadOptions::default()
    };
    let items = all(
        MessageReader::new(std::io::Cursor::new(data.as_bytes().to_vec()), "j", &opts).unwrap(),
    );
    let m0 = items[0].as_ref().unwrap();
    assert_eq!(
        (m0.text.as_str(), m0.sender.as_deref()),
        ("first choice", Some("f"))
    );
    let m1 = items[1].as_ref().unwrap();
    assert_eq!((m1.text.as_str(), m1.id.as_deref()), ("x", Some("A")));
    assert!(items[2]
        .as_ref()
        .unwrap_err()
        .message
        .contains("not an object"));
    let m3 = items[3].as_ref().unwrap();
    assert_eq!(
        (m3.text.as_str(), m3.time.as_deref()),
        ("escaped key", Some("1704096131"))
    );
    assert_eq!(items[4].as_ref().unwrap_err().line, 5);
}
