//! The on-disk rule-file schema (TOML), deserialized with serde.
//!
//! The README's "Rules" section describes the format for users.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::normalize::View;

/// A whole rule file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// Free-form information about the file.
    #[serde(default, rename = "meta")]
    pub(crate) _meta: Option<toml::Table>,
    /// Named term sets.
    #[serde(default)]
    pub(crate) lexicons: BTreeMap<String, Spanned<LexiconDef>>,
    /// Terms added to lexicons defined in other files.
    #[serde(default)]
    pub(crate) extend: BTreeMap<String, Spanned<Vec<String>>>,
    /// Named regular expressions.
    #[serde(default)]
    pub(crate) regexes: BTreeMap<String, Spanned<RegexDef>>,
    /// Rules, in `[[rules]]` tables.
    #[serde(default)]
    pub(crate) rules: Vec<Spanned<RuleDef>>,
    /// How warning and education texts are recognized.
    #[serde(default)]
    pub(crate) context: Option<Spanned<ContextDef>>,
    /// Where the built-in n-gram model applies (see [`ModelDef`]).
    #[serde(default)]
    pub(crate) model: Option<Spanned<ModelDef>>,
    /// Link lists (official domains, shorteners...), see `rules/links.toml`.
    #[serde(default)]
    pub(crate) links: Option<Spanned<toml::Table>>,
}

/// A lexicon: a list of terms, or a table with options.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum LexiconDef {
    Terms(Vec<String>),
    Full(LexiconTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconTable {
    pub(crate) terms: Vec<String>,
    /// Documentation only.
    #[serde(default, rename = "description")]
    pub(crate) _description: Option<String>,
    /// Whether ASCII terms must match whole words (default true).
    #[serde(default)]
    pub(crate) word_boundary: Option<bool>,
}

impl LexiconDef {
    pub(crate) fn terms(&self) -> &[String] {
        match self {
            LexiconDef::Terms(t) => t,
            LexiconDef::Full(t) => &t.terms,
        }
    }

    pub(crate) fn word_boundary(&self) -> bool {
        match self {
            LexiconDef::Terms(_) => true,
            LexiconDef::Full(t) => t.word_boundary.unwrap_or(true),
        }
    }
}

/// A regex: a pattern string, or a table with options.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RegexDef {
    Pattern(String),
    Full(RegexTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegexTable {
    pub(crate) pattern: String,
    #[serde(default)]
    pub(crate) view: View,
    /// Documentation only.
    #[serde(default, rename = "description")]
    pub(crate) _description: Option<String>,
}

impl RegexDef {
    pub(crate) fn pattern(&self) -> &str {
        match self {
            RegexDef::Pattern(p) => p,
            RegexDef::Full(t) => &t.pattern,
        }
    }

    pub(crate) fn view(&self) -> View {
        match self {
            RegexDef::Pattern(_) => View::Compact,
            RegexDef::Full(t) => t.view,
        }
    }
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub(crate) id: Spanned<String>,
    pub(crate) category: String,
    pub(crate) score: f64,
    pub(crate) description: String,
    pub(crate) when: Spanned<String>,
    #[serde(default)]
    pub(crate) advice: AdviceDef,
    #[serde(default)]
    pub(crate) examples: ExamplesDef,
    /// `dampen` (default): a warning context lowers this rule's score;
    /// `ignore`: it does not (for evidence no warning can excuse).
    #[serde(default)]
    pub(crate) context: ContextMode,
    /// Replaces the `[context]` solicitation test for this rule: when the
    /// text warns, the rule is dampened unless this condition holds.
    #[serde(default)]
    pub(crate) solicitation: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) severity: Option<String>,
    #[serde(default)]
    pub(crate) lang: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) references: Option<Vec<String>>,
}

/// Advice for the reader, in Chinese and English.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdviceDef {
    #[serde(default)]
    pub(crate) zh: String,
    #[serde(default)]
    pub(crate) en: String,
}

/// Examples a rule must and must not match.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamplesDef {
    #[serde(default, rename = "match")]
    pub(crate) must_match: Vec<String>,
    #[serde(default)]
    pub(crate) no_match: Vec<String>,
}

/// Whether a warning context lowers a rule's weight.
#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextMode {
    /// A warning context multiplies the score by the dampening factor.
    #[default]
    Dampen,
    /// The rule's score stands whatever the context.
    Ignore,
}

/// Where and how the built-in n-gram model (`rules/model/`) applies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelDef {
    /// Condition a message must meet before the model may flag it: the
    /// topic the model was trained on.
    pub(crate) gate: String,
    /// Probability at or above which the model flags a gated message that
    /// the rules left short of `scam`.
    pub(crate) scam_at: f64,
    /// Probability below which hits of `veto_categories` count as if a
    /// warning had dampened them.
    pub(crate) benign_below: f64,
    /// A veto also needs the sentences that hold the hit, read alone, to
    /// score below this (default: `scam_at`): a warning's quoted script
    /// stays vetoed, an ad pasted after small talk does not.
    #[serde(default)]
    pub(crate) veto_sentence_below: Option<f64>,
    /// Categories whose hits the model may call off.
    #[serde(default)]
    pub(crate) veto_categories: Vec<String>,
    /// Category of a model hit when no `[[model.category]]` matches.
    pub(crate) default_category: String,
    /// Category of a model hit: the first whose condition holds.
    #[serde(default)]
    pub(crate) category: Vec<ModelCategoryDef>,
    /// Advice shown with a model hit, Chinese.
    #[serde(default)]
    pub(crate) advice_zh: String,
    /// Advice shown with a model hit, English.
    #[serde(default)]
    pub(crate) advice_en: String,
}

/// One `[[model.category]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelCategoryDef {
    /// The category name.
    pub(crate) name: String,
    /// When a model hit takes this category.
    pub(crate) when: String,
}

/// How warning texts are recognized.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextDef {
    /// Condition that holds when the text warns, reports or educates.
    pub(crate) warning: String,
    /// Condition that holds when the text solicits (a contact handle, an
    /// offer to the reader, a non-official link): it cancels the dampening.
    pub(crate) solicitation: String,
    /// Factor applied to dampened scores (0..=1).
    pub(crate) dampen: f64,
}
