//! Plain-text rendering of an [`EvalReport`].

use std::fmt::Write as _;

use super::metrics::{ConfusionRow, ErrorExample, EvalReport, GroupStats};

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn ratio3(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

fn group_row(out: &mut String, width: usize, g: &GroupStats) {
    let c = g.counts;
    let name = if g.reported_only {
        format!("{} *", g.name)
    } else {
        g.name.clone()
    };
    let _ = writeln!(
        out,
        "{name:<width$} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
        c.n,
        c.tp,
        c.fp,
        c.fn_,
        c.tn,
        pct(g.precision),
        pct(g.recall),
        pct(g.f1),
        pct(g.false_alarm_rate),
    );
}

fn confusion_row(out: &mut String, name: &str, r: &ConfusionRow) {
    let _ = writeln!(
        out,
        "  {name:<10} {:>8} {:>11} {:>8}",
        r.scam, r.suspicious, r.clean
    );
}

fn errors(out: &mut String, title: &str, list: &[ErrorExample], total: u64, show: usize) {
    if show == 0 || list.is_empty() {
        return;
    }
    let shown = list.len().min(show);
    let _ = writeln!(out, "\n{title} (first {shown} of {total})");
    for e in &list[..shown] {
        let rules = if e.rules.is_empty() {
            "-".to_owned()
        } else {
            e.rules.join(",")
        };
        let _ = writeln!(
            out,
            "  {}  [{} {:.1}] rules: {}",
            e.origin, e.label, e.score, rules
        );
        let _ = writeln!(out, "    {}", e.text);
    }
}

impl EvalReport {
    /// Render the report as aligned plain-text tables: overall, targeted and per-group
    /// counts and ratios (`-` where undefined), the confusion matrix, per-category and
    /// per-rule tables, then up to `show_errors` false positives and false negatives
    /// (0 shows none).
    pub fn render_text(&self, show_errors: usize) -> String {
        let mut out = String::new();
        let width = self
            .groups
            .iter()
            .map(|g| g.name.chars().count() + 2)
            .chain([10])
            .max()
            .unwrap_or(10);
        let o = self.overall.counts;
        let _ = writeln!(
            out,
            "{} examples: {} fraud, {} not fraud",
            o.n,
            o.fraud(),
            o.not_fraud()
        );
        let _ = writeln!(
            out,
            "\n{:<width$} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "group", "n", "TP", "FP", "FN", "TN", "prec", "recall", "F1", "FAR"
        );
        group_row(&mut out, width, &self.overall);
        group_row(&mut out, width, &self.targeted);
        let _ = writeln!(out, "{}", "-".repeat(width + 70));
        for g in &self.groups {
            group_row(&mut out, width, g);
        }
        if self.groups.iter().any(|g| g.reported_only) {
            let _ = writeln!(out, "* reported only: not in the targeted totals");
        }
        let _ = writeln!(out, "FAR = false-alarm rate, FP / (FP + TN)");

        let _ = writeln!(out, "\nConfusion matrix (truth x verdict)");
        let _ = writeln!(
            out,
            "  {:<10} {:>8} {:>11} {:>8}",
            "", "scam", "suspicious", "clean"
        );
        confusion_row(&mut out, "fraud", &self.overall.confusion.fraud);
        confusion_row(&mut out, "not fraud", &self.overall.confusion.not_fraud);

        if !self.categories.is_empty() {
            let cw = self
                .categories
                .iter()
                .map(|c| c.category.chars().count())
                .chain([8])
                .max()
                .unwrap_or(8);
            let _ = writeln!(out, "\nCategories (expected vs predicted)");
            let _ = writeln!(
                out,
                "  {:<cw$} {:>8} {:>7} {:>7} {:>6} {:>7} {:>9} {:>7}",
                "category",
                "expected",
                "flagged",
                "matched",
                "missed",
                "recall",
                "predicted",
                "prec"
            );
            for c in &self.categories {
                let _ = writeln!(
                    out,
                    "  {:<cw$} {:>8} {:>7} {:>7} {:>6} {:>7} {:>9} {:>7}",
                    c.category,
                    c.expected,
                    c.flagged,
                    c.matched,
                    c.missed,
                    pct(c.recall),
                    c.predicted,
                    pct(c.precision),
                );
            }
        }

        if !self.rules.is_empty() {
            let _ = writeln!(out, "\nRules (hit frequencies, most hits first)");
            let _ = writeln!(
                out,
                "  {:>8} {:>8} {:>7} {:>7} {:>6} {:>7} {:>5}  rule",
                "fraud%", "notfr%", "S/O", "prec", "hits", "fraud", "only"
            );
            for r in &self.rules {
                let _ = writeln!(
                    out,
                    "  {:>8} {:>8} {:>7} {:>7} {:>6} {:>7} {:>5}  {}",
                    pct(r.fraud_rate),
                    pct(r.not_fraud_rate),
                    ratio3(r.s_o),
                    pct(r.precision),
                    r.hits_fraud + r.hits_not_fraud,
                    r.hits_fraud,
                    r.only_rule_fraud,
                    r.rule,
                );
            }
            let _ = writeln!(
                out,
                "  S/O = fraud% / (fraud% + notfr%); only = fraud hits where no other rule matched"
            );
        }

        errors(
            &mut out,
            "False positives",
            &self.false_positives,
            o.fp,
            show_errors,
        );
        errors(
            &mut out,
            "False negatives",
            &self.false_negatives,
            o.fn_,
            show_errors,
        );
        out
    }
}
