//! Command-line definitions (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod check;
pub mod eval;
pub mod render;
pub mod rules_cmd;
pub mod scan;
pub mod scan_input;
pub mod scan_lines;
pub mod url;

/// fanzha (反诈): finds scam chat messages and links, and says why.
///
/// fanzha reads chat messages and judges each one scam, suspicious or clean
/// with a rule engine (keyword automata, regexes, offline link checks), then
/// shows the rules that fired, the exact text they matched and advice for
/// the reader. The default rules, compiled in, cover WeChat account-appeal
/// fraud (paid or "internal" unblocking, verification-code and ID requests,
/// friend-verification abuse, fake officials, lookalike links) in Chinese
/// and English, and do not flag texts that only warn about these scams.
///
/// Exit status: 0 nothing labelled scam, 1 at least one scam, 2 error.
#[derive(Debug, Parser)]
#[command(name = "fanzha", version, about, long_about, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  fanzha check \"专业解封，500一次，加V信 jf8888\"\n  fanzha scan corpus/sample_chat.txt\n  cat export.txt | fanzha scan --format jsonl --only-flagged\n  fanzha rules test --rules my-rules/"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify texts given as arguments (or standard input) and explain.
    Check(check::CheckArgs),
    /// Scan files, folders or standard input, one result per message.
    Scan(scan::ScanArgs),
    /// Judge URLs offline: official, benign, suspicious or phishing.
    Url(url::UrlArgs),
    /// Measure precision, recall and false alarms on labelled data.
    Eval(eval::EvalArgs),
    /// List, lint or test the rules.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
}

/// Options that choose the rules, shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Add rules from a TOML file, or from every *.toml file under a folder
    /// (repeatable). They extend the built-in rules.
    #[arg(long = "rules", value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,
    /// Leave the built-in rules (and built-in link lists) out.
    #[arg(long, global = true)]
    pub no_default_rules: bool,
    /// Score at and above which a message is labelled scam.
    #[arg(long, value_name = "SCORE", default_value_t = fanzha::engine::DEFAULT_SCAM_THRESHOLD, global = true)]
    pub scam_threshold: f64,
    /// Score at and above which a message is labelled suspicious.
    #[arg(long, value_name = "SCORE", default_value_t = fanzha::engine::DEFAULT_SUSPICIOUS_THRESHOLD, global = true)]
    pub suspicious_threshold: f64,
}

impl RuleArgs {
    /// Builds the engine these options describe.
    pub fn engine(&self) -> Result<fanzha::Engine, fanzha::Error> {
        let mut b = fanzha::Engine::builder()
            .builtin_rules(!self.no_default_rules)
            .thresholds(self.scam_threshold, self.suspicious_threshold);
        for p in &self.rules {
            b = b.add_rules_path(p)?;
        }
        b.build()
    }
}

/// `--redact` / `--no-redact`, shared by `check` and `scan`.
#[derive(Debug, Args, Clone, Copy)]
pub struct RedactArgs {
    /// Mask verification codes, phone numbers, ID-card and bank-card numbers
    /// in the output (the default; verdicts are made on the original text).
    #[arg(long, overrides_with = "no_redact")]
    pub redact: bool,
    /// Show message text as it is, personal numbers included.
    #[arg(long, overrides_with = "redact")]
    pub no_redact: bool,
}

impl RedactArgs {
    /// True unless `--no-redact` was given last.
    pub fn on(&self) -> bool {
        !self.no_redact
    }
}

/// Language of advice in text output.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Lang {
    /// Chinese when the locale is Chinese, English otherwise.
    Auto,
    /// Chinese.
    Zh,
    /// English.
    En,
    /// Both.
    Both,
}

impl Lang {
    /// Resolves `Auto` from LC_ALL / LC_MESSAGES / LANG.
    pub fn resolve(self) -> Lang {
        if self != Lang::Auto {
            return self;
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}
