//! `fanzha rules list|lint|test`.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use super::RuleArgs;

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the loaded rules: id, category, score, description.
    List {
        /// Print one JSON object per rule instead.
        #[arg(long)]
        json: bool,
        /// Rule selection.
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Report unused lexicons, rules without examples, terms that
    /// normalization changes, slow regexes. Exits 1 when there are warnings.
    Lint {
        /// Rule selection.
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Run every rule's examples; name each one that does not hold.
    Test {
        /// Rule selection.
        #[command(flatten)]
        rules: RuleArgs,
    },
}

/// Runs a `rules` subcommand.
pub fn run(cmd: RulesCommand) -> anyhow::Result<ExitCode> {
    let mut out = anstream::stdout().lock();
    match cmd {
        RulesCommand::List { json, rules } => {
            let engine = rules.engine()?;
            for r in engine.rules() {
                if json {
                    serde_json::to_writer(&mut out, r)?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "{:<36} {:<20} {:>5.1}  {}",
                        r.id, r.category, r.score, r.description
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Lint { rules } => {
            let engine = rules.engine()?;
            let lints = engine.lint();
            for l in &lints {
                writeln!(out, "{l}")?;
            }
            let warnings = lints
                .iter()
                .filter(|l| l.level == fanzha::rules::LintLevel::Warning)
                .count();
            writeln!(
                out,
                "{} rules, {} warnings, {} notes",
                engine.rules().len(),
                warnings,
                lints.len() - warnings
            )?;
            Ok(ExitCode::from(u8::from(warnings > 0)))
        }
        RulesCommand::Test { rules } => {
            let engine = rules.engine()?;
            let failures = engine.test_examples();
            let total: usize = engine
                .rules()
                .map(|r| r.examples_match.len() + r.examples_no_match.len())
                .sum();
            for f in &failures {
                writeln!(out, "FAIL {f}")?;
            }
            writeln!(
                out,
                "{} passed, {} failed ({} rules)",
                total - failures.len(),
                failures.len(),
                engine.rules().len()
            )?;
            Ok(ExitCode::from(u8::from(!failures.is_empty())))
        }
    }
}
