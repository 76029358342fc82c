//! Typed errors of the library.

use std::fmt;
use std::path::PathBuf;

/// What kind of problem a [`RuleError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleErrorKind {
    /// The file could not be read.
    Io,
    /// The file is not valid TOML or does not follow the rule-file schema.
    Syntax,
    /// A rule's condition does not parse.
    Condition,
    /// A condition names a lexicon, regex or link feature that does not exist.
    UnknownName,
    /// Two rules, lexicons or regexes share a name.
    Duplicate,
    /// A regex does not compile or exceeds the size limits.
    Regex,
    /// A lexicon term is empty after normalization, or a value is out of range.
    Invalid,
}

/// An error in a rule file: says which file, which line and which rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// What kind of error this is.
    pub kind: RuleErrorKind,
    /// The rule file (a path, or `builtin:NAME` for embedded rules, or the
    /// name given for rules added from a string).
    pub file: String,
    /// 1-based line in that file, when known.
    pub line: Option<usize>,
    /// The rule, lexicon or regex concerned, when there is one.
    pub item: Option<String>,
    /// What is wrong, and where possible what to do about it.
    pub message: String,
}

impl RuleError {
    pub(crate) fn new(
        kind: RuleErrorKind,
        file: &str,
        line: Option<usize>,
        item: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        RuleError {
            kind,
            file: file.to_string(),
            line,
            item: item.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(item) = &self.item {
            write!(f, ": {item}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RuleError {}

/// Errors from building an [`Engine`](crate::Engine).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule file is broken.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A rule path could not be read.
    #[error("cannot read rules from {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A threshold or other setting is out of range.
    #[error("invalid setting: {0}")]
    Setting(String),
}
