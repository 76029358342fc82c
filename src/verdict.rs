//! The result of classifying one message: a label, a score, and the
//! evidence behind them.

use serde::{Deserialize, Serialize};

use crate::links::LinkReport;

/// The overall judgement on a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Nothing, or too little, points to fraud.
    Clean,
    /// Some signals, not enough to call it a scam.
    Suspicious,
    /// The message is very likely a scam.
    Scam,
}

impl Label {
    /// The label's name: `clean`, `suspicious` or `scam`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Clean => "clean",
            Label::Suspicious => "suspicious",
            Label::Scam => "scam",
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad` honours width and alignment: `{:>10}` lines labels up.
        f.pad(self.as_str())
    }
}

/// A byte range of the original text and the text it covers.
///
/// `start` and `end` are byte offsets into the string passed to
/// [`Engine::classify`](crate::Engine::classify), always on char
/// boundaries, so `&text[span.start..span.end] == span.text`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The original text in this range.
    pub text: String,
}

/// One rule that fired.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The rule id.
    pub rule: String,
    /// The rule's category, e.g. `paid_unblock`.
    pub category: String,
    /// The rule's score after context (dampened hits are scaled down; of
    /// several dampened hits only the strongest counts in the verdict).
    pub score: f64,
    /// What the rule detects.
    pub description: String,
    /// True when a warning context lowered this hit's score.
    pub dampened: bool,
    /// Where in the original text the evidence is.
    pub spans: Vec<Span>,
}

/// Advice for the reader, in Chinese and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// The category the advice is about.
    pub category: String,
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

/// A link found in the message and how it was judged.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LinkHit {
    /// Where the link is in the original text.
    pub span: Span,
    /// The offline analysis of the link.
    pub report: LinkReport,
}

/// The verdict on one message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Verdict {
    /// Scam, suspicious or clean.
    pub label: Label,
    /// Sum of the scores of the rules that fired, after context: the hits a
    /// warning dampened count once, as the strongest of them.
    pub score: f64,
    /// The rules that fired, highest score first.
    pub hits: Vec<Hit>,
    /// True when the text reads as a warning, report or education and does
    /// not solicit: hits of dampened rules count for less.
    pub warning_context: bool,
    /// Links found in the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkHit>,
    /// What the reader should know, one entry per category that fired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advice: Vec<Advice>,
    /// True when the message was longer than the engine's limit and only
    /// its beginning was examined.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// The n-gram model's probability that the message is a scam, when the
    /// engine consulted it (a message on its topic, or a hit it may call
    /// off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<f64>,
}

impl Verdict {
    /// A verdict with no evidence.
    pub fn clean() -> Verdict {
        Verdict {
            label: Label::Clean,
            score: 0.0,
            hits: Vec::new(),
            warning_context: false,
            links: Vec::new(),
            advice: Vec::new(),
            truncated: false,
            model: None,
        }
    }

    /// True when the label is [`Label::Scam`].
    pub fn is_scam(&self) -> bool {
        self.label == Label::Scam
    }

    /// The distinct categories of the hits, highest-scoring first.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for h in &self.hits {
            if !out.contains(&h.category.as_str()) {
                out.push(&h.category);
            }
        }
        out
    }

    /// The category of the highest-scoring hit, if any rule fired.
    pub fn top_category(&self) -> Option<&str> {
        self.hits.first().map(|h| h.category.as_str())
    }
}
