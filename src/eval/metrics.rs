//! Metrics: counts, ratios, confusion matrix, per-category and per-rule statistics.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::datasets::reported_only;
use super::{LabelledMessage, Truth};

/// How many characters of a message an [`ErrorExample`] keeps.
const ERROR_TEXT_CHARS: usize = 120;

/// What the classifier said about one example.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// Whether the example is called fraud (normally: `label == "scam"`). This alone
    /// decides TP/FP/FN/TN.
    pub flagged: bool,
    /// The verdict label: `scam`, `suspicious` or `clean`. Only the confusion matrix
    /// and the error lists use it.
    pub label: String,
    /// The score behind the verdict.
    pub score: f64,
    /// Categories reported (for example `unblock_fee`).
    pub categories: Vec<String>,
    /// Ids of the rules that matched.
    pub rules: Vec<String>,
}

/// Raw counts of a set of examples. Positive = [`Truth::Fraud`], predicted positive =
/// [`Prediction::flagged`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Number of examples.
    pub n: u64,
    /// Fraud, flagged.
    pub tp: u64,
    /// Not fraud, flagged (false alarm).
    pub fp: u64,
    /// Fraud, not flagged (miss).
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Not fraud, not flagged.
    pub tn: u64,
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl Counts {
    fn add(&mut self, truth: Truth, flagged: bool) {
        self.n += 1;
        match (truth, flagged) {
            (Truth::Fraud, true) => self.tp += 1,
            (Truth::NotFraud, true) => self.fp += 1,
            (Truth::Fraud, false) => self.fn_ += 1,
            (Truth::NotFraud, false) => self.tn += 1,
        }
    }

    /// Fraud examples (TP + FN).
    pub fn fraud(&self) -> u64 {
        self.tp + self.fn_
    }

    /// Not-fraud examples (FP + TN).
    pub fn not_fraud(&self) -> u64 {
        self.fp + self.tn
    }

    /// TP / (TP + FP); `None` when nothing was flagged.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN); `None` when there is no fraud example.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2TP / (2TP + FP + FN), the harmonic mean of precision and recall; `None` when
    /// there is neither a fraud example nor a flag. It is 0 (not `None`) when
    /// precision or recall is undefined but the other exists, as with
    /// scikit-learn's `zero_division=0`.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// FP / (FP + TN), the share of not-fraud examples flagged; `None` when there is
    /// no not-fraud example.
    pub fn false_alarm_rate(&self) -> Option<f64> {
        ratio(self.fp, self.fp + self.tn)
    }
}

/// One row of the confusion matrix: how many examples got each verdict label.
///
/// A label other than `scam`, `suspicious` or `clean` is counted as `scam` when the
/// prediction is flagged and as `clean` otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConfusionRow {
    /// Label `scam`.
    pub scam: u64,
    /// Label `suspicious`.
    pub suspicious: u64,
    /// Label `clean`.
    pub clean: u64,
}

impl ConfusionRow {
    fn add(&mut self, prediction: &Prediction) {
        match prediction.label.as_str() {
            "scam" => self.scam += 1,
            "suspicious" => self.suspicious += 1,
            "clean" => self.clean += 1,
            _ if prediction.flagged => self.scam += 1,
            _ => self.clean += 1,
        }
    }
}

/// Truth (fraud / not fraud) × predicted label (scam / suspicious / clean).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Confusion {
    /// Fraud examples.
    pub fraud: ConfusionRow,
    /// Not-fraud examples.
    pub not_fraud: ConfusionRow,
}

impl Confusion {
    fn add(&mut self, truth: Truth, prediction: &Prediction) {
        match truth {
            Truth::Fraud => self.fraud.add(prediction),
            Truth::NotFraud => self.not_fraud.add(prediction),
        }
    }
}

/// Counts and ratios for one set of examples (overall, targeted or one group).
///
/// Ratios are `None` (JSON `null`, printed `-`) when their denominator is 0.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GroupStats {
    /// `overall`, `targeted`, or the group name.
    pub name: String,
    /// Whether the group is outside the targets (see [`reported_only`](super::reported_only)).
    pub reported_only: bool,
    /// Raw counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// [`Counts::precision`].
    pub precision: Option<f64>,
    /// [`Counts::recall`].
    pub recall: Option<f64>,
    /// [`Counts::f1`].
    pub f1: Option<f64>,
    /// [`Counts::false_alarm_rate`].
    pub false_alarm_rate: Option<f64>,
    /// Truth × verdict label.
    pub confusion: Confusion,
}

#[derive(Default)]
struct GroupAcc {
    counts: Counts,
    confusion: Confusion,
}

impl GroupAcc {
    fn add(&mut self, truth: Truth, prediction: &Prediction) {
        self.counts.add(truth, prediction.flagged);
        self.confusion.add(truth, prediction);
    }

    fn finish(self, name: &str, reported_only: bool) -> GroupStats {
        let c = self.counts;
        GroupStats {
            name: name.to_owned(),
            reported_only,
            counts: c,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            false_alarm_rate: c.false_alarm_rate(),
            confusion: self.confusion,
        }
    }
}

/// How well categories are reported, for one category name.
///
/// Expected side (examples whose expected category is this one): `expected`,
/// `flagged`, `matched` (this category among the predicted ones), `missed` (not
/// flagged). Predicted side: `predicted` counts every example whose prediction lists
/// this category; `predicted_judged` those that can be judged (the expected category is
/// known, or the example is not fraud), of which `predicted_correct` had it expected.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct CategoryStats {
    /// The category name.
    pub category: String,
    /// Examples expected to have this category.
    pub expected: u64,
    /// Of those, how many were flagged.
    pub flagged: u64,
    /// Of those, how many listed this category in the prediction.
    pub matched: u64,
    /// Of those, how many were not flagged.
    pub missed: u64,
    /// Examples whose prediction lists this category.
    pub predicted: u64,
    /// Of those, how many can be judged (expected category known, or not fraud).
    pub predicted_judged: u64,
    /// Of the judged ones, how many expected this category.
    pub predicted_correct: u64,
    /// matched / expected.
    pub recall: Option<f64>,
    /// predicted_correct / predicted_judged.
    pub precision: Option<f64>,
}

/// Per-rule hit frequencies, in the manner of SpamAssassin's `hit-frequencies`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RuleStats {
    /// The rule id.
    pub rule: String,
    /// Fraud examples the rule matched.
    pub hits_fraud: u64,
    /// Not-fraud examples the rule matched.
    pub hits_not_fraud: u64,
    /// Fraud examples where this was the only rule that matched (what would be lost
    /// without it, if it alone flags them).
    pub only_rule_fraud: u64,
    /// hits_fraud / all fraud examples.
    pub fraud_rate: Option<f64>,
    /// hits_not_fraud / all not-fraud examples.
    pub not_fraud_rate: Option<f64>,
    /// Precision of the rule's hits: hits_fraud / (hits_fraud + hits_not_fraud).
    pub precision: Option<f64>,
    /// SpamAssassin's S/O ratio: fraud_rate / (fraud_rate + not_fraud_rate). Unlike
    /// `precision` it does not depend on how many examples of each class were loaded;
    /// 1.0 means the rule never hits not-fraud, 0.5 means it does not discriminate.
    /// With only one class loaded, the missing rate counts as 0.
    pub s_o: Option<f64>,
}

/// A misclassified example.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ErrorExample {
    /// `file:line`.
    pub origin: String,
    /// The example's group.
    pub group: String,
    /// The text, cut to 120 characters (with `…`) at a character boundary.
    pub text: String,
    /// The verdict label given.
    pub label: String,
    /// The score given.
    pub score: f64,
    /// The rules that matched.
    pub rules: Vec<String>,
}

/// The result of [`evaluate`]. Serializable as JSON; [`EvalReport::render_text`]
/// prints it for people.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EvalReport {
    /// All examples.
    pub overall: GroupStats,
    /// Examples outside the [`reported_only`](super::reported_only) groups.
    pub targeted: GroupStats,
    /// Per group, sorted by name.
    pub groups: Vec<GroupStats>,
    /// Per category, sorted by name; empty when no example has an expected category
    /// and no prediction lists one.
    pub categories: Vec<CategoryStats>,
    /// Per rule, most hits first (ties by rule id).
    pub rules: Vec<RuleStats>,
    /// Not-fraud examples that were flagged, in input order.
    pub false_positives: Vec<ErrorExample>,
    /// Fraud examples that were not flagged, in input order.
    pub false_negatives: Vec<ErrorExample>,
}

impl EvalReport {
    /// Keep only the first `n` false positives and false negatives (for example before
    /// writing JSON); the counts are not changed.
    pub fn truncate_errors(&mut self, n: usize) {
        self.false_positives.truncate(n);
        self.false_negatives.truncate(n);
    }
}

/// Cut `text` to at most `max` characters, at a character boundary, adding `…` when
/// cut. Line breaks and tabs become spaces so one example stays on one line.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn error_example(example: &LabelledMessage, prediction: &Prediction) -> ErrorExample {
    ErrorExample {
        origin: example.origin.clone(),
        group: example.group.clone(),
        text: truncate_chars(&example.text, ERROR_TEXT_CHARS),
        label: prediction.label.clone(),
        score: prediction.score,
        rules: prediction.rules.clone(),
    }
}

/// Classify every example (in parallel with rayon) and measure the results.
///
/// The report does not depend on thread scheduling: predictions are collected in input
/// order and every list is sorted.
pub fn evaluate<F: Fn(&str) -> Prediction + Sync>(
    examples: &[LabelledMessage],
    classify: F,
) -> EvalReport {
    let predictions: Vec<Prediction> = examples.par_iter().map(|e| classify(&e.text)).collect();
    report_from(examples, &predictions)
}

/// Build the report from examples and their predictions (same length, same order).
pub(crate) fn report_from(examples: &[LabelledMessage], predictions: &[Prediction]) -> EvalReport {
    let mut overall = GroupAcc::default();
    let mut targeted = GroupAcc::default();
    let mut groups: BTreeMap<&str, GroupAcc> = BTreeMap::new();
    let mut categories: BTreeMap<String, CategoryStats> = BTreeMap::new();
    let mut rules: BTreeMap<&str, RuleStats> = BTreeMap::new();
    let mut false_positives = Vec::new();
    let mut false_negatives = Vec::new();

    for (example, prediction) in examples.iter().zip(predictions) {
        let truth = example.truth;
        overall.add(truth, prediction);
        if !reported_only(&example.group) {
            targeted.add(truth, prediction);
        }
        groups
            .entry(&example.group)
            .or_default()
            .add(truth, prediction);

        match (truth, prediction.flagged) {
            (Truth::NotFraud, true) => false_positives.push(error_example(example, prediction)),
            (Truth::Fraud, false) => false_negatives.push(error_example(example, prediction)),
            _ => {}
        }

        // Categories.
        let predicted: BTreeSet<&str> = prediction.categories.iter().map(String::as_str).collect();
        if let Some(expected) = &example.category {
            let stats = categories.entry(expected.clone()).or_default();
            stats.expected += 1;
            if prediction.flagged {
                stats.flagged += 1;
            } else {
                stats.missed += 1;
            }
            if predicted.contains(expected.as_str()) {
                stats.matched += 1;
            }
        }
        let judged = example.category.is_some() || truth == Truth::NotFraud;
        for &category in &predicted {
            let stats = categories.entry(category.to_owned()).or_default();
            stats.predicted += 1;
            if judged {
                stats.predicted_judged += 1;
                if example.category.as_deref() == Some(category) {
                    stats.predicted_correct += 1;
                }
            }
        }

        // Rules (each rule once per example).
        let hit: BTreeSet<&str> = prediction.rules.iter().map(String::as_str).collect();
        let only = hit.len() == 1;
        for &rule in &hit {
            let stats = rules.entry(rule).or_default();
            match truth {
                Truth::Fraud => {
                    stats.hits_fraud += 1;
                    if only {
                        stats.only_rule_fraud += 1;
                    }
                }
                Truth::NotFraud => stats.hits_not_fraud += 1,
            }
        }
    }

    let n_fraud = overall.counts.fraud();
    let n_not_fraud = overall.counts.not_fraud();
    let mut rules: Vec<RuleStats> = rules
        .into_iter()
        .map(|(rule, mut s)| {
            s.rule = rule.to_owned();
            s.fraud_rate = ratio(s.hits_fraud, n_fraud);
            s.not_fraud_rate = ratio(s.hits_not_fraud, n_not_fraud);
            s.precision = ratio(s.hits_fraud, s.hits_fraud + s.hits_not_fraud);
            let f = s.fraud_rate.unwrap_or(0.0);
            let o = s.not_fraud_rate.unwrap_or(0.0);
            s.s_o = (f + o > 0.0).then(|| f / (f + o));
            s
        })
        .collect();
    rules.sort_by(|a, b| {
        (b.hits_fraud + b.hits_not_fraud)
            .cmp(&(a.hits_fraud + a.hits_not_fraud))
            .then_with(|| a.rule.cmp(&b.rule))
    });

    let categories = categories
        .into_iter()
        .map(|(name, mut s)| {
            s.category = name;
            s.recall = ratio(s.matched, s.expected);
            s.precision = ratio(s.predicted_correct, s.predicted_judged);
            s
        })
        .collect();

    EvalReport {
        overall: overall.finish("overall", false),
        targeted: targeted.finish("targeted", false),
        groups: groups
            .into_iter()
            .map(|(name, acc)| acc.finish(name, reported_only(name)))
            .collect(),
        categories,
        rules,
        false_positives,
        false_negatives,
    }
}

/// An example whose verdict label differs between two classifiers.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct VerdictChange {
    /// `file:line`.
    pub origin: String,
    /// The full text.
    pub text: String,
    /// The example's group.
    pub group: String,
    /// The ground truth, to tell fixes from regressions.
    pub truth: Truth,
    /// Label given by the first classifier (`a`).
    pub before: String,
    /// Label given by the second classifier (`b`).
    pub after: String,
}

/// List the examples whose verdict label differs between classifier `a` (before) and
/// `b` (after), in input order. Both run in parallel.
pub fn compare<F, G>(examples: &[LabelledMessage], a: F, b: G) -> Vec<VerdictChange>
where
    F: Fn(&str) -> Prediction + Sync,
    G: Fn(&str) -> Prediction + Sync,
{
    examples
        .par_iter()
        .filter_map(|e| {
            let before = a(&e.text).label;
            let after = b(&e.text).label;
            (before != after).then(|| VerdictChange {
                origin: e.origin.clone(),
                text: e.text.clone(),
                group: e.group.clone(),
                truth: e.truth,
                before,
                after,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, truth: Truth, group: &str, category: Option<&str>) -> LabelledMessage {
        LabelledMessage {
            text: text.to_owned(),
            truth,
            category: category.map(str::to_owned),
            group: group.to_owned(),
            origin: format!("t:{text}"),
        }
    }

    fn pred(label: &str, categories: &[&str], rules: &[&str]) -> Prediction {
        Prediction {
            flagged: label == "scam",
            label: label.to_owned(),
            score: if label == "scam" { 10.0 } else { 0.0 },
            categories: categories.iter().map(|s| s.to_string()).collect(),
            rules: rules.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn split(s: Option<&str>) -> Vec<&str> {
        s.map(|s| s.split(',').filter(|x| !x.is_empty()).collect())
            .unwrap_or_default()
    }

    /// Classifier driven by the text: "label|cat1,cat2|rule1,rule2".
    fn scripted(text: &str) -> Prediction {
        let mut parts = text.split('|');
        let label = parts.next().unwrap_or("clean");
        let cats = split(parts.next());
        let rules = split(parts.next());
        pred(label, &cats, &rules)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn counts_and_ratios() {
        // 3 TP, 1 FN (suspicious), 2 FP, 4 TN.
        let examples = vec![
            ex("scam|a|R1,R2", Truth::Fraud, "g1", Some("a")),
            ex("scam|b|R1", Truth::Fraud, "g1", Some("a")),
            ex("scam||R1", Truth::Fraud, "g1", None),
            ex("suspicious||R2", Truth::Fraud, "g1", Some("a")),
            ex("scam|a|R1", Truth::NotFraud, "g2", None),
            ex("scam||R3", Truth::NotFraud, "g2", None),
            ex("clean||", Truth::NotFraud, "g2", None),
            ex("clean||R2", Truth::NotFraud, "g2", None),
            ex("suspicious||R2,R2", Truth::NotFraud, "g2", None),
            ex("clean||", Truth::NotFraud, "uci/spam", None),
        ];
        let r = evaluate(&examples, scripted);
        let c = r.overall.counts;
        assert_eq!((c.n, c.tp, c.fp, c.fn_, c.tn), (10, 3, 2, 1, 4));
        assert!(close(r.overall.precision, 3.0 / 5.0));
        assert!(close(r.overall.recall, 3.0 / 4.0));
        assert!(close(r.overall.f1, 6.0 / 9.0));
        assert!(close(r.overall.false_alarm_rate, 2.0 / 6.0));
        assert_eq!(r.targeted.counts.n, 9);
        assert_eq!(
            r.overall.confusion,
            Confusion {
                fraud: ConfusionRow {
                    scam: 3,
                    suspicious: 1,
                    clean: 0
                },
                not_fraud: ConfusionRow {
                    scam: 2,
                    suspicious: 1,
                    clean: 3
                },
            }
        );

        // Groups, sorted; g1 has no not-fraud example, g2 no fraud example.
        let names: Vec<_> = r.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["g1", "g2", "uci/spam"]);
        assert!(r.groups[2].reported_only);
        assert_eq!(r.groups[0].false_alarm_rate, None);
        assert!(close(r.groups[0].precision, 1.0));
        assert_eq!(r.groups[1].recall, None);
        assert!(close(r.groups[1].precision, 0.0));
        assert!(close(r.groups[1].f1, 0.0));

        // Rules: R2 counted once on the `R2,R2` example.
        let r2 = r.rules.iter().find(|s| s.rule == "R2").unwrap();
        assert_eq!(
            (r2.hits_fraud, r2.hits_not_fraud, r2.only_rule_fraud),
            (2, 2, 1)
        );
        assert!(close(r2.precision, 0.5));
        let (f, o) = (2.0 / 4.0, 2.0 / 6.0);
        assert!(close(r2.s_o, f / (f + o)));
        let order: Vec<_> = r.rules.iter().map(|s| s.rule.as_str()).collect();
        assert_eq!(order, ["R1", "R2", "R3"]); // 4, 4, 1 hits; ties by id

        // Categories.
        let a = r.categories.iter().find(|s| s.category == "a").unwrap();
        assert_eq!((a.expected, a.flagged, a.matched, a.missed), (3, 2, 1, 1));
        // Predicted "a" on one fraud example expecting a, one not-fraud example.
        assert_eq!(
            (a.predicted, a.predicted_judged, a.predicted_correct),
            (2, 2, 1)
        );
        let b = r.categories.iter().find(|s| s.category == "b").unwrap();
        assert_eq!((b.expected, b.predicted, b.recall), (0, 1, None));

        // Errors in input order.
        assert_eq!(r.false_positives.len(), 2);
        assert_eq!(r.false_negatives.len(), 1);
        assert_eq!(r.false_negatives[0].label, "suspicious");
    }

    #[test]
    fn empty_input_has_no_ratios() {
        let r = evaluate(&[], scripted);
        assert_eq!(r.overall.counts, Counts::default());
        for v in [
            r.overall.precision,
            r.overall.recall,
            r.overall.f1,
            r.overall.false_alarm_rate,
        ] {
            assert_eq!(v, None);
        }
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["overall"]["precision"].is_null());
        assert_eq!(json["overall"]["fn"], 0);
        let text = r.render_text(5);
        assert!(text.contains(" -"), "{text}");
    }

    #[test]
    fn all_clean_on_benign() {
        let examples = vec![ex("clean||", Truth::NotFraud, "g", None); 4];
        let r = evaluate(&examples, scripted);
        assert_eq!(r.overall.precision, None);
        assert_eq!(r.overall.recall, None);
        assert_eq!(r.overall.f1, None);
        assert!(close(r.overall.false_alarm_rate, 0.0));
    }

    #[test]
    fn unknown_labels_follow_flagged() {
        let examples = vec![
            ex("x", Truth::Fraud, "g", None),
            ex("y", Truth::Fraud, "g", None),
        ];
        let r = evaluate(&examples, |t| Prediction {
            flagged: t == "x",
            label: "weird".into(),
            ..Prediction::default()
        });
        assert_eq!(
            r.overall.confusion.fraud,
            ConfusionRow {
                scam: 1,
                suspicious: 0,
                clean: 1
            }
        );
    }

    #[test]
    fn truncation_at_char_boundary() {
        assert_eq!(truncate_chars("短信", 5), "短信");
        assert_eq!(truncate_chars("解封费用", 2), "解封…");
        assert_eq!(truncate_chars("a\nb\tc", 10), "a b c");
        let long = "诈".repeat(300);
        let e = error_example(
            &ex(&long, Truth::Fraud, "g", None),
            &pred("clean", &[], &[]),
        );
        assert_eq!(e.text.chars().count(), ERROR_TEXT_CHARS + 1);
    }

    #[test]
    fn compare_lists_changes_in_order() {
        let examples: Vec<_> = (0..50)
            .map(|i| ex(&i.to_string(), Truth::Fraud, "g", None))
            .collect();
        let a = |_: &str| pred("clean", &[], &[]);
        let b = |t: &str| {
            let n: u32 = t.parse().unwrap_or(0);
            pred(if n.is_multiple_of(7) { "scam" } else { "clean" }, &[], &[])
        };
        let changes = compare(&examples, a, b);
        let origins: Vec<_> = changes.iter().map(|c| c.origin.as_str()).collect();
        assert_eq!(
            origins,
            ["t:0", "t:7", "t:14", "t:21", "t:28", "t:35", "t:42", "t:49"]
        );
        assert_eq!(
            (changes[0].before.as_str(), changes[0].after.as_str()),
            ("clean", "scam")
        );
    }

    #[test]
    fn deterministic_across_runs() {
        let examples: Vec<_> = (0..500)
            .map(|i| {
                let text = format!("{}||R{}", if i % 3 == 0 { "scam" } else { "clean" }, i % 5);
                ex(
                    &text,
                    if i % 2 == 0 {
                        Truth::Fraud
                    } else {
                        Truth::NotFraud
                    },
                    "g",
                    None,
                )
            })
            .collect();
        let a = evaluate(&examples, scripted);
        let b = evaluate(&examples, scripted);
        assert_eq!(a, b);
    }
}
