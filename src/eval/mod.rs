//! Evaluation: read labelled datasets and measure a classifier against them.
//!
//! This is the library side of `fanzha eval`. It knows nothing about the rule engine:
//! [`evaluate`] takes any closure `Fn(&str) -> Prediction`, so the engine, a baseline
//! (`grep -F -f keywords.txt`) or a test stub can be measured the same way.
//!
//! * [`load`] reads one of the shared datasets (see [`DatasetKind`]) or the team's own
//!   JSONL corpus into [`LabelledMessage`]s, mapping each dataset's labels to a
//!   [`Truth`] (the mapping table is on [`DatasetKind`]).
//! * [`evaluate`] classifies every example in parallel and builds an [`EvalReport`]:
//!   precision, recall, F1 and false-alarm rate overall and per group, a confusion
//!   matrix, per-category and per-rule statistics (SpamAssassin `hit-frequencies`
//!   style) and the misclassified examples.
//! * [`compare`] lists the examples whose verdict differs between two classifiers, for
//!   checking what a rule change did.
//!
//! Nothing here panics on bad input: malformed files give an [`EvalError`] naming the
//! file and line.
#![deny(missing_docs)]

mod datasets;
mod metrics;
mod report;

use std::path::PathBuf;

pub use datasets::{
    detect_kind, load, load_lines_with_positives, reported_only, truth_from_label, DatasetKind,
    JsonlFields,
};
pub use metrics::{
    compare, evaluate, CategoryStats, Confusion, ConfusionRow, Counts, ErrorExample, EvalReport,
    GroupStats, Prediction, RuleStats, VerdictChange,
};

/// Ground truth for one example: whether it is fraud (positive) or not.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// A scam, fraud, phishing or smishing message: the classifier should flag it.
    Fraud,
    /// Anything else, including advertising spam: the classifier should not flag it.
    NotFraud,
}

impl Truth {
    /// `true` for [`Truth::Fraud`].
    pub fn is_fraud(self) -> bool {
        self == Truth::Fraud
    }
}

/// One labelled example.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelledMessage {
    /// The message text, decoded to UTF-8 (XML entities decoded for the NUS corpus).
    pub text: String,
    /// Whether the message is fraud.
    pub truth: Truth,
    /// The category a classifier is expected to report, when the dataset says it
    /// (for example `impersonation` for telecom label01).
    pub category: Option<String>,
    /// The group the example is reported in, for example `fbs-sms/FR__Financial`,
    /// `nus-sms-zh` or `corpus`. See [`reported_only`] for groups outside the targets.
    pub group: String,
    /// Where the example comes from, as `file:line` (the line where the record starts).
    pub origin: String,
}

/// An error while reading a dataset. Every variant names the file, and the line when
/// there is one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A record could not be parsed (bad CSV, bad JSON, truncated XML, missing tab...).
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A record's label is not one this reader knows how to map to a [`Truth`].
    #[error("{}:{line}: unknown label {label:?} (expected one of: {expected})", path.display())]
    UnknownLabel {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: u64,
        /// The label as written.
        label: String,
        /// The labels that are understood.
        expected: &'static str,
    },
    /// A record or header lacks a field the reader needs.
    #[error("{}:{line}: missing field {field:?}", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record (or of the header).
        line: u64,
        /// The field's name.
        field: String,
    },
    /// A folder holds no file of the requested dataset kind.
    #[error("{}: no {kind} files in this folder", path.display())]
    NoFiles {
        /// The folder.
        path: PathBuf,
        /// The dataset kind's name.
        kind: &'static str,
    },
}
