//! Load every shared labelled dataset and check that no record is lost: the counts
//! are those stated in each dataset's SOURCE.md, or counted here by independent means
//! (raw line or tag counts).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fanzha::eval::{detect_kind, load, DatasetKind, JsonlFields, LabelledMessage, Truth};

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets");

fn dataset(folder: &str) -> PathBuf {
    Path::new(DATASETS).join(folder)
}

/// Load a dataset folder, checking that its kind is detected from the folder name.
fn load_folder(folder: &str, kind: DatasetKind) -> Vec<LabelledMessage> {
    let path = dataset(folder);
    assert_eq!(detect_kind(&path), kind, "kind of {folder}");
    load(&path, kind, &JsonlFields::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// (group, truth) -> count.
fn tally(examples: &[LabelledMessage]) -> BTreeMap<(String, Truth), usize> {
    let mut map = BTreeMap::new();
    for e in examples {
        *map.entry((e.group.clone(), e.truth)).or_insert(0) += 1;
    }
    map
}

fn count(examples: &[LabelledMessage], group: &str, truth: Truth) -> usize {
    tally(examples)
        .get(&(group.to_owned(), truth))
        .copied()
        .unwrap_or(0)
}

fn non_blank_lines(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

fn assert_origins_unique(examples: &[LabelledMessage]) {
    let mut seen = std::collections::HashSet::new();
    for e in examples {
        assert!(seen.insert(&e.origin), "duplicate origin {}", e.origin);
        assert!(!e.text.trim().is_empty(), "blank text at {}", e.origin);
    }
}

#[test]
fn nus_sms_zh() {
    let v = load_folder("nus-sms-zh", DatasetKind::NusSmsZh);
    // SOURCE.md: every record with an odd id, 15,733 records, all benign. Four of
    // them (ids 1783, 2077, 2139, 6809) are `<text> </text>`: blank, skipped.
    let raw =
        std::fs::read_to_string(dataset("nus-sms-zh/smsCorpus_zh_2015.03.09.odd-ids.xml")).unwrap();
    assert_eq!(raw.matches("<message id=").count(), 15_733);
    assert_eq!(raw.matches("</message>").count(), 15_733);
    let blank = raw.matches("<text> </text>").count() + raw.matches("<text></text>").count();
    assert_eq!(blank, 4);
    assert_eq!(v.len(), 15_733 - blank);
    assert_eq!(count(&v, "nus-sms-zh", Truth::NotFraud), 15_733 - blank);
    // Entities are decoded and the multi-line records keep their line breaks.
    assert!(v
        .iter()
        .all(|e| !e.text.contains("&lt;") && !e.text.contains("&#13;")));
    assert!(v.iter().filter(|e| e.text.contains('\n')).count() >= 40);
    assert!(v[0].text.starts_with("老師,媽咪話想買盒月餅比你"));
    assert!(v[0].origin.ends_with(":2"), "{}", v[0].origin);
    assert!(v[1].origin.ends_with(":3"), "{}", v[1].origin);
    assert_origins_unique(&v);
}

#[test]
fn cn_sms_800k() {
    let v = load_folder("cn-sms-800k-sample", DatasetKind::CnSms800k);
    // SOURCE.md: lines 1-7,774, with 6,940 `0` and 834 `1`.
    assert_eq!(v.len(), 7_774);
    assert_eq!(count(&v, "cn-sms-800k/ham", Truth::NotFraud), 6_940);
    assert_eq!(count(&v, "cn-sms-800k/spam", Truth::NotFraud), 834);
    assert_eq!(v[1].text, "电脑自动关机保护我还一次次强开");
    assert_origins_unique(&v);
}

#[test]
fn telecom_fraud_texts_5() {
    let v = load_folder("telecom-fraud-texts-5", DatasetKind::TelecomFraud5);
    // SOURCE.md: label00 has 7,773 records (copied in full); label01-04 the first 500.
    assert_eq!(count(&v, "telecom/label00", Truth::NotFraud), 7_773);
    for n in 1..=4 {
        assert_eq!(
            count(&v, &format!("telecom/label0{n}"), Truth::Fraud),
            500,
            "label0{n}"
        );
    }
    assert_eq!(v.len(), 7_773 + 4 * 500);
    let mut categories = BTreeMap::new();
    for e in &v {
        *categories.entry(e.category.clone()).or_insert(0) += 1;
    }
    assert_eq!(categories[&None], 7_773);
    assert_eq!(categories[&Some("impersonation".to_owned())], 1_000);
    assert_eq!(categories[&Some("loan_scam".to_owned())], 500);
    assert_eq!(categories[&Some("refund_scam".to_owned())], 500);
    // label04 is GBK: decoded, its first record is the one SOURCE.md shows.
    let first04 = v.iter().find(|e| e.group == "telecom/label04").unwrap();
    assert!(
        first04.text.starts_with("我是祝桥光明学校的李老师"),
        "{}",
        first04.text
    );
    assert!(
        first04.origin.ends_with("label04-last.csv:2"),
        "{}",
        first04.origin
    );
    // label01-04 have one record per line: record k is on line k + 1.
    let last01 = v.iter().rfind(|e| e.group == "telecom/label01").unwrap();
    assert!(
        last01.origin.ends_with("label01-last.csv:501"),
        "{}",
        last01.origin
    );
    assert!(v.iter().all(|e| !e.text.contains('\u{FFFD}')));
    assert_origins_unique(&v);
}

#[test]
fn fbs_sms() {
    let v = load_folder("fbs-sms", DatasetKind::FbsSms);
    // SOURCE.md sizes (AD, IL, Other in full; FR the first 2/3).
    let lines = [
        ("AD__Loan", 283),
        ("AD__Network_service", 2_127),
        ("AD__Other", 926),
        ("AD__Real_estate", 322),
        ("AD__Retail", 4_669),
        ("FR__Financial", 109),
        ("FR__Other", 474),
        ("FR__Phishing_Bank", 1_266),
        ("FR__Phishing_Other", 198),
        ("IL__Escort_service", 111),
        ("IL__Fake_ID_and_invoice", 495),
        ("IL__Gambling", 1_681),
        ("IL__Political_propaganda", 290),
        ("Other", 101),
    ];
    let mut total = 0;
    for (stem, n_lines) in lines {
        let path = dataset(&format!("fbs-sms/{stem}.txt"));
        let raw = std::fs::read_to_string(&path).unwrap();
        assert_eq!(raw.lines().count(), n_lines, "{stem} lines");
        // Blank lines are skipped (FR__Other has 2); every other line is a message.
        let expected = non_blank_lines(&path);
        let truth = if stem.starts_with("FR__") {
            Truth::Fraud
        } else {
            Truth::NotFraud
        };
        assert_eq!(
            count(&v, &format!("fbs-sms/{stem}"), truth),
            expected,
            "{stem}"
        );
        total += expected;
    }
    assert_eq!(total, 13_052 - 2);
    assert_eq!(v.len(), total);
    let fraud = v.iter().filter(|e| e.truth == Truth::Fraud).count();
    assert_eq!(fraud, 2_047 - 2);
    assert_origins_unique(&v);
}

#[test]
fn uci_sms_spam() {
    let v = load_folder("uci-sms-spam", DatasetKind::UciSmsSpam);
    // SOURCE.md: ham 4,827, spam 747.
    assert_eq!(count(&v, "uci/ham", Truth::NotFraud), 4_827);
    assert_eq!(count(&v, "uci/spam", Truth::Fraud), 747);
    assert_eq!(v.len(), 5_574);
    assert!(v[2].text.starts_with("Free entry in 2 a wkly comp"));
    assert_origins_unique(&v);
}

#[test]
fn mendeley() {
    let v = load_folder("mendeley-smishing-5971", DatasetKind::Mendeley);
    // SOURCE.md: ham 4,844; Smishing 616 + smishing 22; spam 466 + Spam 23.
    assert_eq!(count(&v, "mendeley/ham", Truth::NotFraud), 4_844);
    assert_eq!(count(&v, "mendeley/smishing", Truth::Fraud), 638);
    assert_eq!(count(&v, "mendeley/spam", Truth::NotFraud), 489);
    assert_eq!(v.len(), 5_971);
    // One record per line: record k is on line k + 1.
    assert!(v[4].origin.ends_with(":6"), "{}", v[4].origin);
    assert!(v[4].text.starts_with("Please Stay At Home."));
    assert!(v.last().unwrap().origin.ends_with(":5972"));
    assert_origins_unique(&v);
}

#[test]
fn smishtank() {
    let v = load_folder("smishtank", DatasetKind::Smishtank);
    // SOURCE.md: 1,062 records over 18,221 physical lines; all positives.
    assert_eq!(count(&v, "smishtank", Truth::Fraud), 1_062);
    assert_eq!(v.len(), 1_062);
    assert!(
        v[0].text.starts_with("Costco: Daniel, the code 42003"),
        "{}",
        v[0].text
    );
    assert!(
        v[1].text.starts_with("Hi, you still owe UPS $4.10"),
        "{}",
        v[1].text
    );
    assert!(v[0].origin.ends_with(":2"), "{}", v[0].origin);
    assert_origins_unique(&v);
}

#[test]
fn spamhunter() {
    let v = load_folder("spamhunter", DatasetKind::SpamHunter);
    // SOURCE.md: header plus 25,834 messages, one per line; 8 of them are blank lines.
    let path = dataset("spamhunter/SPAM-Hunter_full_dataset_messages.csv");
    assert_eq!(non_blank_lines(&path), 25_834 + 1 - 8);
    assert_eq!(count(&v, "spamhunter", Truth::Fraud), 25_834 - 8);
    assert_eq!(v.len(), 25_834 - 8);
    assert!(v[0].text.starts_with("CASH BUY AND HOLD"));
    assert!(v[0].origin.ends_with(":2"));
    assert_origins_unique(&v);
}

#[test]
fn kinds_detected_from_file_names() {
    let cases = [
        (
            "nus-sms-zh/smsCorpus_zh_2015.03.09.odd-ids.xml",
            DatasetKind::NusSmsZh,
        ),
        (
            "cn-sms-800k-sample/data_set.head.txt",
            DatasetKind::CnSms800k,
        ),
        (
            "telecom-fraud-texts-5/label04-last.csv",
            DatasetKind::TelecomFraud5,
        ),
        ("fbs-sms/FR__Financial.txt", DatasetKind::FbsSms),
        ("fbs-sms/Other.txt", DatasetKind::FbsSms),
        ("uci-sms-spam/SMSSpamCollection", DatasetKind::UciSmsSpam),
        (
            "mendeley-smishing-5971/Mendeley_Dataset_5971.csv",
            DatasetKind::Mendeley,
        ),
        ("smishtank/smishtank.csv", DatasetKind::Smishtank),
        (
            "spamhunter/SPAM-Hunter_full_dataset_messages.csv",
            DatasetKind::SpamHunter,
        ),
    ];
    for (file, kind) in cases {
        assert_eq!(detect_kind(&dataset(file)), kind, "{file}");
    }
    // A single file loads the same records as its share of the folder.
    let one = load(
        &dataset("telecom-fraud-texts-5/label04-last.csv"),
        DatasetKind::TelecomFraud5,
        &JsonlFields::default(),
    )
    .unwrap();
    assert_eq!(one.len(), 500);
}
