//! Rule lint: problems that do not stop the rules from loading but make
//! them wrong, slow or untested.

use std::collections::HashMap;

use serde::Serialize;

use super::compile::{AtomId, Compiled, Cond};
use crate::normalize;

/// How serious a lint finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintLevel {
    /// Probably a mistake.
    Warning,
    /// Worth knowing.
    Note,
}

/// One lint finding, located in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lint {
    /// Warning or note.
    pub level: LintLevel,
    /// File of the item concerned.
    pub file: String,
    /// Line of the item concerned.
    pub line: usize,
    /// The rule, lexicon or regex concerned.
    pub item: String,
    /// What was found.
    pub message: String,
}

impl std::fmt::Display for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            LintLevel::Warning => "warning",
            LintLevel::Note => "note",
        };
        write!(
            f,
            "{}:{}: {level}: {}: {}",
            self.file, self.line, self.item, self.message
        )
    }
}

pub(crate) fn lint(c: &Compiled) -> Vec<Lint> {
    let mut out = Vec::new();
    let mut push = |level, file: &str, line, item: String, message: String| {
        out.push(Lint {
            level,
            file: file.to_string(),
            line,
            item,
            message,
        });
    };

    for lex in c
        .lexicons
        .iter()
        .filter(|l| !l.name.starts_with(super::compile::GATE_PREFIX))
    {
        let item = format!("lexicon '{}'", lex.name);
        if !c.used_names.contains(&lex.name) {
            push(
                LintLevel::Warning,
                &lex.file,
                lex.line,
                item.clone(),
                "never used by any rule or context condition".into(),
            );
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        for term in &lex.terms {
            let norm = normalize::compact(term);
            if let Some(first) = seen.get(&norm) {
                push(
                    LintLevel::Note,
                    &lex.file,
                    lex.line,
                    item.clone(),
                    format!("term {term:?} duplicates {first:?} after normalization ({norm:?})"),
                );
            } else {
                seen.insert(norm.clone(), term);
            }
            let folded_no_space: String = normalize::folded(term)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if folded_no_space != norm && !norm.is_empty() {
                push(LintLevel::Warning, &lex.file, lex.line, item.clone(), format!("term {term:?} loses characters in normalization and matches as {norm:?}: separators, punctuation and symbols are removed before matching"));
            }
            if norm.chars().count() == 1 && norm.is_ascii() {
                push(LintLevel::Warning, &lex.file, lex.line, item.clone(), format!("term {term:?} is a single ASCII character: it will match almost everywhere"));
            }
        }
    }

    for re in &c.regexes {
        let item = format!("regex '{}'", re.name);
        if !c.used_names.contains(&re.name) {
            push(
                LintLevel::Warning,
                &re.file,
                re.line,
                item.clone(),
                "never used by any rule or context condition".into(),
            );
        }
        let pat = re.regex.as_str();
        if (pat.contains("\\b") || pat.contains("\\B")) && !pat.contains("(?-u") {
            push(LintLevel::Warning, &re.file, re.line, item.clone(), "Unicode \\b makes the regex engine fall back to a slow path on Chinese text; use (?-u:\\b) or drop it".into());
        }
        if pat.chars().any(|c| c.is_ascii_uppercase())
            && !pat.contains("(?i")
            && !pat.contains("\\")
        {
            push(
                LintLevel::Note,
                &re.file,
                re.line,
                item.clone(),
                "the views are lower case: upper-case letters in the pattern never match".into(),
            );
        }
    }

    for rule in &c.rules {
        let info = &rule.info;
        let item = format!("rule '{}'", info.id);
        if info.examples_match.is_empty() {
            push(
                LintLevel::Warning,
                &info.file,
                info.line,
                item.clone(),
                "has no examples it must match".into(),
            );
        }
        if info.examples_no_match.is_empty() {
            push(
                LintLevel::Warning,
                &info.file,
                info.line,
                item.clone(),
                "has no examples it must not match".into(),
            );
        }
        match &rule.need {
            None => push(
                LintLevel::Warning,
                &info.file,
                info.line,
                item.clone(),
                "can fire without any positive evidence (its condition is a negation)".into(),
            ),
            Some(need) if need.iter().any(|a| matches!(a, AtomId::Regex(_))) => {
                push(
                    LintLevel::Note,
                    &info.file,
                    info.line,
                    item.clone(),
                    "can fire without a lexicon hit: its regexes run on every message".into(),
                );
            }
            _ => {}
        }
        if impossible_atleast(&rule.cond) {
            push(LintLevel::Warning, &info.file, info.line, item.clone(), "atleast(N, ...) lists fewer than N conditions and can never hold; to count different terms of one lexicon use distinct(lexicon, N)".into());
        }
        if info.advice_zh.is_empty() && info.advice_en.is_empty() {
            push(
                LintLevel::Note,
                &info.file,
                info.line,
                item.clone(),
                "has no advice for the reader".into(),
            );
        }
    }
    out.sort_by(|a, b| (a.level, &a.file, a.line).cmp(&(b.level, &b.file, b.line)));
    out
}

/// True when some `atleast(N, ...)` in the condition has fewer than N parts.
fn impossible_atleast(c: &Cond) -> bool {
    match c {
        Cond::AtLeast(n, parts) => *n > parts.len() || parts.iter().any(impossible_atleast),
        Cond::And(v) | Cond::Or(v) => v.iter().any(impossible_atleast),
        Cond::Not(x) => impossible_atleast(x),
        Cond::Near(a, b, _) | Cond::Before(a, b, _) => {
            impossible_atleast(a) || impossible_atleast(b)
        }
        Cond::Atom(_) | Cond::Distinct(..) => false,
    }
}
