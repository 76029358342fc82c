//! Accuracy gate (issue 5, item 4): classify the shared labelled datasets and the
//! team corpus with the built-in rules and fail when a figure drops below its floor.
//!
//! Floors are the targets where the rules meet them. Where a target is not
//! met yet, the floor sits just below the current figure, so a regression fails while
//! the gap stays visible; the comment names the target. Run with
//! `cargo test --release --test accuracy_gate -- --nocapture` to see every figure.
//!
//! Only the `scam` label counts as flagged (strict), as in `fanzha eval`.

use std::path::{Path, PathBuf};

use fanzha::eval::{evaluate, load, Counts, DatasetKind, EvalReport, JsonlFields, Prediction};
use fanzha::{Engine, Label};

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/labelled.jsonl");
const VALIDATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation.jsonl");
const VALIDATION2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation2.jsonl");
const VALIDATION3: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation3.jsonl");
const VALIDATION4: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation4.jsonl");
const VALIDATION5: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation5.jsonl");
const VALIDATION6: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation6.jsonl");
const VALIDATION7: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation7.jsonl");
const VALIDATION8: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation8.jsonl");
const VALIDATION9: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation9.jsonl");
const VALIDATION10: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation10.jsonl");
const VALIDATION11: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation11.jsonl");
const VALIDATION12: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation12.jsonl");
const VALIDATION13: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation13.jsonl");
const VALIDATION14: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation14.jsonl");
const VALIDATION15: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation15.jsonl");
const VALIDATION16: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation16.jsonl");
const VALIDATION17: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation17.jsonl");
const VALIDATION18: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation18.jsonl");
const VALIDATION19: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation19.jsonl");
const VALIDATION20: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/validation20.jsonl");
const TRAIN1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train1.jsonl");
const TRAIN2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train2.jsonl");
const TRAIN3: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train3.jsonl");
const TRAIN4: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train4.jsonl");
const TRAIN5: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train5.jsonl");
const TRAIN6: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train6.jsonl");
const TRAIN7: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train7.jsonl");
const TRAIN8: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train8.jsonl");
const TRAIN9: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train9.jsonl");
const TRAIN10: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train10.jsonl");
const TRAIN11: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train11.jsonl");
const TRAIN12: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train12.jsonl");
const TRAIN13: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/train13.jsonl");

fn run(engine: &Engine, path: &Path, kind: DatasetKind) -> EvalReport {
    let examples = load(path, kind, &JsonlFields::default()).unwrap_or_else(|e| panic!("{e}"));
    evaluate(&examples, |text| {
        let v = engine.classify(text);
        Prediction {
            flagged: v.label == Label::Scam,
            label: v.label.as_str().to_string(),
            score: v.score,
            categories: v.categories().iter().map(|s| s.to_string()).collect(),
            rules: v.hits.iter().map(|h| h.rule.clone()).collect(),
        }
    })
}

/// The counts of the groups whose name satisfies `pick`, added up.
fn sum(report: &EvalReport, pick: impl Fn(&str) -> bool) -> Counts {
    let mut c = Counts::default();
    for g in report.groups.iter().filter(|g| pick(&g.name)) {
        c.n += g.counts.n;
        c.tp += g.counts.tp;
        c.fp += g.counts.fp;
        c.fn_ += g.counts.fn_;
        c.tn += g.counts.tn;
    }
    assert!(c.n > 0, "no examples in the selected groups");
    c
}

fn recall(c: &Counts) -> f64 {
    c.tp as f64 / (c.tp + c.fn_).max(1) as f64
}

fn precision(c: &Counts) -> f64 {
    c.tp as f64 / (c.tp + c.fp).max(1) as f64
}

fn false_alarms(c: &Counts) -> f64 {
    c.fp as f64 / (c.fp + c.tn).max(1) as f64
}

#[derive(Default)]
struct Gate {
    failures: Vec<String>,
}

impl Gate {
    /// `value` must be at least `floor`.
    fn at_least(&mut self, what: &str, value: f64, floor: f64, note: &str) {
        let ok = value >= floor;
        println!(
            "{} {what:<44} {:>6.2}%  (floor {:.1}%) {note}",
            if ok { "ok  " } else { "FAIL" },
            value * 100.0,
            floor * 100.0
        );
        if !ok {
            self.failures.push(format!(
                "{what}: {:.2}% is below the floor of {:.1}% ({note})",
                value * 100.0,
                floor * 100.0
            ));
        }
    }

    /// `value` must be at most `ceiling`.
    fn at_most(&mut self, what: &str, value: f64, ceiling: f64, note: &str) {
        let ok = value <= ceiling;
        println!(
            "{} {what:<44} {:>6.2}%  (ceiling {:.1}%) {note}",
            if ok { "ok  " } else { "FAIL" },
            value * 100.0,
            ceiling * 100.0
        );
        if !ok {
            self.failures.push(format!(
                "{what}: {:.2}% is above the ceiling of {:.1}% ({note})",
                value * 100.0,
                ceiling * 100.0
            ));
        }
    }
}

fn datasets() -> Option<PathBuf> {
    let dir = PathBuf::from(DATASETS);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "notice: {} is missing; accuracy gate skipped",
            dir.display()
        );
        None
    }
}

#[test]
fn accuracy_gate() {
    let Some(dir) = datasets() else { return };
    let engine = Engine::builtin();
    let mut gate = Gate::default();

    // Team corpus: targets precision >= 0.98 and recall >= 0.95 (met).
    let r = run(&engine, Path::new(CORPUS), DatasetKind::Jsonl);
    let c = sum(&r, |_| true);
    gate.at_least("corpus precision", precision(&c), 0.98, "target 98%");
    gate.at_least("corpus recall", recall(&c), 0.95, "target 95%");

    // Validation sets: each written blind before its author read the rules
    // (blind baselines, precision / recall: the second 94.7% / 76.1%, the
    // third 91.4% / 68.8%, the fourth 95.8% / 67.6%, the fifth 92.9% /
    // 77.0%, the sixth 90.4% / 79.2%, the seventh 93.3% / 83.3%), then used to find error causes, so they overstate too. Targets
    // precision >= 0.95 and recall >= 0.90; floors sit a little below the
    // figures reached.
    for (name, path, recall_floor, false_alarm_cap) in [
        ("validation", VALIDATION, 0.97, 0.02),
        ("validation2", VALIDATION2, 0.96, 0.03),
        ("validation3", VALIDATION3, 0.95, 0.03),
        ("validation4", VALIDATION4, 0.95, 0.03),
        ("validation5", VALIDATION5, 0.95, 0.03),
        ("validation6", VALIDATION6, 0.95, 0.03),
        ("validation7", VALIDATION7, 0.95, 0.03),
    ] {
        let r = run(&engine, Path::new(path), DatasetKind::Jsonl);
        let c = sum(&r, |_| true);
        gate.at_least(
            &format!("{name} precision"),
            precision(&c),
            0.97,
            "target 95%",
        );
        gate.at_least(
            &format!("{name} recall"),
            recall(&c),
            recall_floor,
            "target 90%",
        );
        gate.at_most(
            &format!("{name} false alarms"),
            false_alarms(&c),
            false_alarm_cap,
            "hard benign texts",
        );
    }

    // Sets never tuned on by hand. validation8 and 9 (blind figures 94.8% /
    // 85.3% and 97.2% / 92.7%) and train1 are the n-gram model's training
    // data since session 8; validation10 (blind 99.2% / 84.0%, the model
    // gate chosen on its scores), validation11 (95.7% / 88.0% blind),
    // validation12 (95.6% / 86.0%) and validation13 (98.6% / 90.7%), whose
    // texts were never read, are held out of it. Session 9 added train2 and 3
    // (training material) and validation14 and 15 (written blind, texts never
    // read, held out: 96.4% / 72.0% and 94.3% / 76.7% with session 8's engine,
    // 97.6% / 82.0% and 94.6% / 82.0% with session 9's), and at its end
    // validation16 (blind, never read: 96.3% / 86.7% with session 8's engine,
    // 97.9% / 91.3% with session 9's final one). Session 10 added train4
    // to 7 (training material) and, the blind figures above taken, trained
    // the model on validation10-16 too; validation17 and 18 were written
    // blind at its start, texts never read, held out of the model, and
    // scored once at its end (96.2% / 84.7% and 97.0% / 86.7%; session 9's
    // engine 96.1% / 81.3% and 96.2% / 83.3%). Session 11 added train8 to 13
    // (training material; 10 to 13 used for the lexicons only, not the
    // model) and trained the model on validation17 and 18 too; validation19
    // and 20 were written blind at its start, texts never read, held out of
    // the model, and scored once at its end (99.3% / 88.7% and 95.2% /
    // 80.0%; session 10's engine 99.2% / 87.3% and 95.0% / 76.7%). The floors sit below the figures:
    // they catch a broken model or rule set, they are not targets to tune
    // towards.
    for (name, path, precision_floor, recall_floor) in [
        ("validation8", VALIDATION8, 0.92, 0.82),
        ("validation9", VALIDATION9, 0.94, 0.89),
        ("train1", TRAIN1, 0.95, 0.74),
        ("validation10", VALIDATION10, 0.95, 0.91),
        ("validation11", VALIDATION11, 0.93, 0.89),
        ("validation12", VALIDATION12, 0.93, 0.88),
        ("validation13", VALIDATION13, 0.95, 0.90),
        ("train2", TRAIN2, 0.95, 0.79),
        ("train3", TRAIN3, 0.95, 0.77),
        ("validation14", VALIDATION14, 0.95, 0.79),
        ("validation15", VALIDATION15, 0.93, 0.79),
        ("validation16", VALIDATION16, 0.95, 0.88),
        ("train4", TRAIN4, 0.95, 0.88),
        ("train5", TRAIN5, 0.95, 0.79),
        ("train6", TRAIN6, 0.95, 0.86),
        ("train7", TRAIN7, 0.95, 0.89),
        ("validation17", VALIDATION17, 0.93, 0.80),
        ("validation18", VALIDATION18, 0.94, 0.82),
        ("train8", TRAIN8, 0.95, 0.91),
        ("train9", TRAIN9, 0.95, 0.89),
        ("train10", TRAIN10, 0.95, 0.79),
        ("train11", TRAIN11, 0.90, 0.84),
        ("train12", TRAIN12, 0.94, 0.89),
        ("train13", TRAIN13, 0.95, 0.88),
        ("validation19", VALIDATION19, 0.96, 0.85),
        ("validation20", VALIDATION20, 0.92, 0.76),
    ] {
        let r = run(&engine, Path::new(path), DatasetKind::Jsonl);
        let c = sum(&r, |_| true);
        gate.at_least(
            &format!("{name} precision"),
            precision(&c),
            precision_floor,
            "target 95%",
        );
        gate.at_least(
            &format!("{name} recall"),
            recall(&c),
            recall_floor,
            "target 90%",
        );
    }

    // Telecom_Fraud_Texts_5: fraud rows label01-04 together, target recall 0.90
    // (met: 93.0%); the floor sits 2 points below to guard the margin.
    let r = run(
        &engine,
        &dir.join("telecom-fraud-texts-5"),
        DatasetKind::TelecomFraud5,
    );
    for label in ["label01", "label02", "label03", "label04"] {
        let c = sum(&r, |g| g == format!("telecom/{label}"));
        println!("     telecom/{label} recall {:>6.2}%", recall(&c) * 100.0);
    }
    let c = sum(&r, |g| {
        g.starts_with("telecom/label0") && g != "telecom/label00"
    });
    gate.at_least(
        "telecom fraud (label01-04) recall",
        recall(&c),
        0.91,
        "target 90%; floor below the 93.0% reached",
    );
    let c = sum(&r, |g| g == "telecom/label00");
    gate.at_most(
        "telecom label00 false alarms",
        false_alarms(&c),
        0.05,
        "target <= 5%",
    );

    // NUS SMS (Chinese): the main benign set, target false alarms <= 0.2%.
    let r = run(&engine, &dir.join("nus-sms-zh"), DatasetKind::NusSmsZh);
    let c = sum(&r, |_| true);
    gate.at_most(
        "nus-sms-zh false alarms",
        false_alarms(&c),
        0.002,
        "target <= 0.2%",
    );

    // 800k sample: ham false alarms <= 0.5% (its spam is advertising, reported only).
    let r = run(
        &engine,
        &dir.join("cn-sms-800k-sample"),
        DatasetKind::CnSms800k,
    );
    let c = sum(&r, |g| g == "cn-sms-800k/ham");
    gate.at_most(
        "cn-sms-800k ham false alarms",
        false_alarms(&c),
        0.005,
        "target <= 0.5%",
    );

    // Fake-base-station SMS: FR__* recall >= 0.70, every AD__* false alarms <= 5%.
    let r = run(&engine, &dir.join("fbs-sms"), DatasetKind::FbsSms);
    let c = sum(&r, |g| g.starts_with("fbs-sms/FR__"));
    gate.at_least("fbs-sms FR__* recall", recall(&c), 0.70, "target 70%");
    for g in r
        .groups
        .iter()
        .filter(|g| g.name.starts_with("fbs-sms/FR__"))
    {
        println!("     {} recall {:>6.2}%", g.name, recall(&g.counts) * 100.0);
    }
    for g in r
        .groups
        .iter()
        .filter(|g| g.name.starts_with("fbs-sms/AD__"))
    {
        gate.at_most(
            &format!("{} false alarms", g.name),
            false_alarms(&g.counts),
            0.05,
            "target <= 5%",
        );
    }

    // English benign sets: false alarms <= 0.5%.
    let r = run(&engine, &dir.join("uci-sms-spam"), DatasetKind::UciSmsSpam);
    let c = sum(&r, |g| g == "uci/ham");
    gate.at_most(
        "uci ham false alarms",
        false_alarms(&c),
        0.005,
        "target <= 0.5%",
    );

    // Mendeley: smishing recall >= 0.60, ham false alarms <= 0.5% (spam is ads).
    let r = run(
        &engine,
        &dir.join("mendeley-smishing-5971"),
        DatasetKind::Mendeley,
    );
    let c = sum(&r, |g| g == "mendeley/smishing");
    gate.at_least("mendeley smishing recall", recall(&c), 0.60, "target 60%");
    let c = sum(&r, |g| g == "mendeley/ham");
    gate.at_most(
        "mendeley ham false alarms",
        false_alarms(&c),
        0.005,
        "target <= 0.5%",
    );

    // SmishTank: user-reported smishing, target recall >= 0.60.
    let r = run(&engine, &dir.join("smishtank"), DatasetKind::Smishtank);
    let c = sum(&r, |_| true);
    gate.at_least("smishtank recall", recall(&c), 0.60, "target 60%");

    assert!(
        gate.failures.is_empty(),
        "accuracy gate failed:\n  {}",
        gate.failures.join("\n  ")
    );
}
