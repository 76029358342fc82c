//! The command line as users run it: exit codes, categories, spans.

use assert_cmd::Command;
use predicates::prelude::*;

fn fanzha() -> Command {
    let mut c = Command::cargo_bin("fanzha").unwrap();
    c.env("NO_COLOR", "1").env("LANG", "C");
    c
}

fn check_json(text: &str) -> (i32, serde_json::Value) {
    let out = fanzha()
        .args(["check", "--format", "json", text])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), v)
}

fn categories(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| !h["dampened"].as_bool().unwrap())
        .map(|h| h["category"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn paid_unblock_is_a_scam_plain_and_obfuscated() {
    for text in [
        "专业解封，500一次，不成功不收费，加V信 jf8888",
        "解 封 帳 號 ，費 用 ８００ ，薇信 jf8888",
    ] {
        let (code, v) = check_json(text);
        assert_eq!(code, 1, "{text}");
        assert_eq!(v["label"], "scam");
        assert!(categories(&v).contains(&"paid_unblock".to_string()), "{v}");
    }
}

#[test]
fn code_request_is_a_credential_request() {
    let (code, v) = check_json("把你刚收到的验证码发我，我帮你申诉");
    assert_eq!(code, 1);
    assert!(
        categories(&v).contains(&"credential_request".to_string()),
        "{v}"
    );
}

#[test]
fn genuine_sms_and_lockdown_chat_are_clean() {
    for text in [
        "【腾讯科技】验证码483920，用于微信登录，请勿告诉他人",
        "小区终于解封了，周末去吃火锅",
    ] {
        let (code, v) = check_json(text);
        assert_eq!(code, 0, "{text}: {v}");
    }
}

#[test]
fn the_seed_article_is_not_flagged() {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_bbe6813b326eb75d.txt"
    ))
    .unwrap();
    fanzha().arg("check").write_stdin(seed).assert().code(0);
}

#[test]
fn json_spans_slice_the_original_input() {
    let texts = [
        "解 封 帳 號 ，費 用 ８００ ，薇信 jf8888",
        "把你刚\u{200B}收到的驗.證.碼发我",
        "Ｖ信 ｊｆ８８８ 专业 解*封 ５００元一次",
    ];
    for text in texts {
        let (_, v) = check_json(text);
        for hit in v["hits"].as_array().unwrap() {
            for span in hit["spans"].as_array().unwrap() {
                let (s, e) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
                assert_eq!(&text[s..e], span["text"].as_str().unwrap());
            }
        }
    }
}

#[test]
fn rules_test_passes_on_the_builtin_rules() {
    fanzha()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
}

#[test]
fn broken_rule_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "[lexicons]\nx = [\"a\"]\n\n[[rules]]\nid = \"bad\"\nscore = = 3\n",
    )
    .unwrap();
    fanzha()
        .args(["check", "--rules"])
        .arg(&path)
        .arg("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.toml:6"));
}

#[test]
fn unknown_lexicon_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    std::fs::write(&path, "[[rules]]\nid = \"mine.x\"\ncategory = \"c\"\nscore = 8\ndescription = \"d\"\nwhen = \"unblokc & fee\"\n").unwrap();
    fanzha()
        .args(["rules", "list", "--rules"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("r.toml:6")
                .and(predicate::str::contains("mine.x"))
                .and(predicate::str::contains("did you mean 'unblock'")),
        );
}

#[test]
fn user_rules_extend_and_no_default_rules_leaves_builtins_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lottery.toml");
    std::fs::write(&path, "[lexicons]\nlottery = [\"中奖\"]\n[[rules]]\nid = \"my.lottery\"\ncategory = \"prize\"\nscore = 9\ndescription = \"prize\"\nwhen = \"lottery\"\n").unwrap();
    fanzha()
        .args(["check", "--rules"])
        .arg(&path)
        .arg("恭喜中 奖")
        .assert()
        .code(1);
    fanzha()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&path)
        .arg("专业解封，500一次，加V信 jf8888")
        .assert()
        .code(0);
}

#[test]
fn scan_jsonl_gives_one_record_per_message_in_order() {
    let input = "你好\n专业解封，500一次，加V信 jf8888\n\n明天见\n";
    let out = fanzha()
        .args(["scan", "--format", "jsonl", "-j", "2"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, &str)> = lines
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["label"].as_str().unwrap()))
        .collect();
    assert_eq!(got, vec![(1, "clean"), (2, "scam"), (4, "clean")]);
    for v in &lines {
        assert!(v["source"].is_string() && v["score"].is_number() && v["hits"].is_array());
    }
}

#[test]
fn scan_only_flagged_and_exit_code_zero_when_clean() {
    let out = fanzha()
        .args(["scan", "--format", "jsonl", "--only-flagged"])
        .write_stdin("你好\n明天见\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn text_output_neutralises_terminal_escapes() {
    let out = fanzha()
        .args(["check", "专业解封\u{1b}[31m，500一次\u{202E}，加V信 jf8888"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains('\u{1b}') && !s.contains('\u{202E}'), "{s:?}");
    assert!(s.contains("\\u{1b}"));
}

#[test]
fn url_command_judges_links_as_listed() {
    let cases = [
        (
            "https://weixin110.qq.com.appeal-center.top/form",
            "phishing",
        ),
        ("http://weixln110.com/jf", "phishing"),
        ("weixin110。qq。com", "official"),
        ("https://kf.qq.com@198.51.100.7/login", "phishing"),
        ("https://t.cn/A6abc", "suspicious"),
        ("https://www.taobao.com/", "benign"),
        (
            "https://dldir1.qq.com/weixin/android/weixin8.apk",
            "official",
        ),
        ("https://mp.weixin.qq.com/s/abcdef", "official"),
        ("pay.weixin.qq.com", "official"),
    ];
    let mut cmd = fanzha();
    cmd.args(["url", "--format", "jsonl"]);
    for (u, _) in cases {
        cmd.arg(u);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), cases.len());
    for ((u, want), r) in cases.iter().zip(&records) {
        assert_eq!(r["verdict"], *want, "{u}: {r}");
        assert!(
            r["url"].is_string()
                && r["reasons"].is_array()
                && r.get("registrable_domain").is_some()
        );
    }
}

#[test]
fn glued_link_is_found_and_flagged_in_a_message() {
    let (code, v) = check_json("点击www.wx-jiefeng.cn立即申诉");
    assert_eq!(code, 1, "{v}");
    let links = v["links"].as_array().unwrap();
    assert_eq!(links[0]["span"]["text"], "www.wx-jiefeng.cn");
    assert_ne!(links[0]["report"]["verdict"], "benign");
}
