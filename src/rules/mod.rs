//! Rule files: loading with precise errors, compiling, lint and self-tests.
//!
//! A rule file is TOML with four kinds of entries:
//!
//! ```toml
//! [lexicons]
//! unblock = ["解封", "解除限制", "jie封", "unblock"]
//! fee = { terms = ["解封费", "手续费"], description = "fee words" }
//!
//! [regexes]
//! price = '[0-9]{2,6}(元|块|rmb)'
//!
//! [[rules]]
//! id = "paid_unblock.fee"
//! category = "paid_unblock"
//! score = 8
//! description = "Offers to unblock an account for a fee"
//! when = "near(unblock, fee | price, 30)"
//! advice.zh = "微信解封不收取任何费用。"
//! advice.en = "WeChat never charges for unblocking."
//! examples.match = ["解封500一次"]
//! examples.no_match = ["小区解封了"]
//! ```
//!
//! Terms are normalized exactly like messages, so one entry `解封` also
//! matches `解 封`, `解*封` and `解封` written in traditional characters.

pub(crate) mod expr;
pub(crate) mod keywords;
pub(crate) mod schema;

mod compile;
pub(crate) mod lint;

pub use compile::RuleInfo;
pub(crate) use compile::{
    compile, AtomId, Compiled, CompiledContext, CompiledModel, Cond, LinkAtom,
};
pub use lint::{Lint, LintLevel};
pub use schema::ContextMode;

use std::path::Path;

use crate::error::{Error, RuleError, RuleErrorKind};

/// The rule files compiled into the binary, in load order.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    (
        "builtin:common.toml",
        include_str!("../../rules/common.toml"),
    ),
    (
        "builtin:appeal.toml",
        include_str!("../../rules/appeal.toml"),
    ),
    (
        "builtin:impersonation.toml",
        include_str!("../../rules/impersonation.toml"),
    ),
    (
        "builtin:loan_scam.toml",
        include_str!("../../rules/loan_scam.toml"),
    ),
    (
        "builtin:refund_scam.toml",
        include_str!("../../rules/refund_scam.toml"),
    ),
    (
        "builtin:task_scam.toml",
        include_str!("../../rules/task_scam.toml"),
    ),
    (
        "builtin:investment_scam.toml",
        include_str!("../../rules/investment_scam.toml"),
    ),
    (
        "builtin:phishing_sms.toml",
        include_str!("../../rules/phishing_sms.toml"),
    ),
    (
        "builtin:en_smishing.toml",
        include_str!("../../rules/en_smishing.toml"),
    ),
    (
        "builtin:call_script.toml",
        include_str!("../../rules/call_script.toml"),
    ),
];

/// The text of one rule file and the name errors refer to it by.
#[derive(Clone, Debug)]
pub struct RuleSource {
    /// File path, `builtin:NAME`, or a caller-chosen name.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl RuleSource {
    /// A rule source from a string.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// The built-in rule sources.
pub fn builtin_sources() -> Vec<RuleSource> {
    BUILTIN
        .iter()
        .map(|(n, t)| RuleSource::new(*n, *t))
        .collect()
}

/// Reads rule files from a file, or from every `*.toml` file under a
/// folder (recursively, in sorted path order so load order is stable).
pub fn read_sources(path: &Path) -> Result<Vec<RuleSource>, Error> {
    let io_err = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        collect_toml_files(path, &mut files, 0).map_err(|e| io_err(path, e))?;
        files.sort();
        if files.is_empty() {
            return Err(io_err(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no *.toml rule files in this folder",
                ),
            ));
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).map_err(|e| io_err(&f, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Rule(RuleError::new(
                    RuleErrorKind::Syntax,
                    &f.display().to_string(),
                    None,
                    None,
                    "rule files must be UTF-8",
                ))
            })?;
            Ok(RuleSource::new(f.display().to_string(), text))
        })
        .collect()
}

fn collect_toml_files(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    depth: usize,
) -> std::io::Result<()> {
    // Symlink loops end here rather than in a stack overflow.
    if depth > 32 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            collect_toml_files(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
