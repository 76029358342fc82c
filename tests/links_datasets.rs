//! Link checker against public URL datasets in `../shared/datasets` (offline).
//!
//! Run with `cargo test --test links_datasets -- --nocapture` to see the figures.

use std::path::PathBuf;

use fanzha::links::{check_url, LinkReport, LinkVerdict};

fn datasets() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "notice: {} is missing; dataset checks skipped",
            dir.display()
        );
        None
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    official: usize,
    benign: usize,
    suspicious: usize,
    phishing: usize,
    phishing_examples: Vec<String>,
}

impl Tally {
    fn add(&mut self, r: &LinkReport) {
        self.total += 1;
        match r.verdict {
            LinkVerdict::Official => self.official += 1,
            LinkVerdict::Benign => self.benign += 1,
            LinkVerdict::Suspicious => self.suspicious += 1,
            LinkVerdict::Phishing => {
                self.phishing += 1;
                if self.phishing_examples.len() < 15 {
                    self.phishing_examples
                        .push(format!("{} ({})", r.url, r.reasons.join("; ")));
                }
            }
        }
    }

    fn pct(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.total.max(1) as f64
    }

    fn print(&self, name: &str) {
        println!(
            "{name}: {} URLs: official {:.2}%, benign {:.2}%, suspicious {:.2}%, phishing {:.2}%",
            self.total,
            self.pct(self.official),
            self.pct(self.benign),
            self.pct(self.suspicious),
            self.pct(self.phishing),
        );
    }
}

#[test]
fn tranco_top_50k_false_alarms() {
    let Some(dir) = datasets() else { return };
    let path = dir.join("tranco-top-50k/tranco_top_50k.csv");
    let text = std::fs::read_to_string(&path).expect("read tranco list");
    let mut t = Tally::default();
    for line in text.lines() {
        let Some((_, domain)) = line.split_once(',') else {
            continue;
        };
        t.add(&check_url(domain.trim()));
    }
    t.print("tranco-top-50k");
    for e in &t.phishing_examples {
        println!("  phishing: {e}");
    }
    assert!(t.total >= 49_000, "tranco list too short: {}", t.total);
    assert!(
        t.pct(t.phishing) < 0.5,
        "too many popular domains called phishing: {:.3}%",
        t.pct(t.phishing)
    );
}

#[test]
fn unb_benign_urls_false_alarms() {
    let Some(dir) = datasets() else { return };
    let path = dir.join("unb-benign-urls/Benign_list_big_final.csv");
    let text = std::fs::read_to_string(&path).expect("read UNB benign list");
    let mut t = Tally::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        t.add(&check_url(line.trim()));
    }
    t.print("unb-benign-urls");
    for e in &t.phishing_examples {
        println!("  phishing: {e}");
    }
    assert!(t.total >= 35_000, "UNB list too short: {}", t.total);
    assert!(
        t.pct(t.phishing) < 2.0,
        "too many benign URLs called phishing: {:.3}%",
        t.pct(t.phishing)
    );
}

#[test]
fn phishtank_recall_report() {
    let Some(dir) = datasets() else { return };
    let path = dir.join("phishtank-2020-05/online-valid.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("open phishtank csv");
    let mut t = Tally::default();
    for rec in rdr.records() {
        let rec = rec.expect("phishtank record");
        let Some(url) = rec.get(1) else { continue };
        t.add(&check_url(url));
    }
    t.print("phishtank-2020-05");
    println!(
        "phishtank-2020-05: recall (phishing or suspicious) {:.2}%, phishing only {:.2}% (generic Western phishing; report only)",
        t.pct(t.phishing + t.suspicious),
        t.pct(t.phishing)
    );
    assert!(t.total >= 14_000, "phishtank list too short: {}", t.total);
}

#[test]
fn cached_analysis_gives_the_same_reports() {
    let policy = fanzha::links::LinkPolicy::builtin();
    let mut memo = fanzha::links::DomainMemo::default();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/datasets/unb-benign-urls/Benign_list_big_final.csv"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} missing: skipped");
        return;
    };
    let extra = [
        "https://weixin110.qq.com.appeal-center.top/form",
        "http://weixln110.com/jf",
        "https://kf.qq.com@198.51.100.7/login",
        "https://t.cn/A6abc",
        "weixin110。qq。com",
        "https://dldir1.qq.com/weixin/android/weixin8.apk",
        "http://0x7f.1/",
        "javascript:alert(1)",
    ];
    let urls: Vec<&str> = text.lines().take(5000).chain(extra).collect();
    // Twice over, so the second pass is served from the memo.
    for url in urls.iter().chain(urls.iter()) {
        let plain = policy.analyze(url);
        let cached = policy.analyze_cached(url, &mut memo);
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            serde_json::to_value(&cached).unwrap(),
            "{url}"
        );
    }
}
