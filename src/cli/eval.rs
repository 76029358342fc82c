//! `fanzha eval`: precision, recall and false alarms on labelled data.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use fanzha::eval::{self, DatasetKind, JsonlFields, Prediction};
use fanzha::{Engine, Label};

use super::RuleArgs;

/// Arguments of `fanzha eval`.
#[derive(Debug, Args)]
#[command(
    after_help = "Dataset layouts are recognised by file or folder name (see --kind); anything else is read as JSONL with a text and a label field. Labels scam/fraud/phishing/smishing/1/true are fraud; benign/ham/clean/normal/ad/spam/0/false are not.\n\nExamples:\n  fanzha eval corpus/labelled.jsonl\n  fanzha eval ../shared/datasets/nus-sms-zh --show-errors 20\n  fanzha eval corpus/labelled.jsonl --compare old-rules/ --no-default-rules --rules new-rules/\n  python3 ../shared/bench/gen_corpus.py --size-mb 5 --seed 7 -o g5.txt --labels g5.labels\n  fanzha eval g5.txt --positives g5.labels"
)]
pub struct EvalArgs {
    /// Labelled files or dataset folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Dataset layout; `auto` guesses from the file or folder name.
    #[arg(long, value_parser = parse_kind, default_value = "auto")]
    pub kind: KindArg,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding the label.
    #[arg(long, default_value = "label")]
    pub label_field: String,
    /// JSONL field holding the expected category.
    #[arg(long, default_value = "category")]
    pub category_field: String,
    /// Show this many false positives and false negatives.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub show_errors: usize,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Read each path as plain text, one message per line, labelled by FILE:
    /// the 1-based numbers of the fraud lines, one per line (what
    /// `gen_corpus.py --labels FILE` writes); every other line is not fraud.
    #[arg(long, value_name = "FILE")]
    pub positives: Option<PathBuf>,
    /// Also list the messages whose label changes when the rules in this
    /// file or folder are used instead (with the same --no-default-rules).
    #[arg(long, value_name = "RULES")]
    pub compare: Option<PathBuf>,
    /// Rule selection.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// A dataset kind or `auto`.
#[derive(Debug, Clone, Copy)]
pub struct KindArg(Option<DatasetKind>);

fn parse_kind(s: &str) -> Result<KindArg, String> {
    if s == "auto" {
        return Ok(KindArg(None));
    }
    DatasetKind::from_name(s)
        .map(|k| KindArg(Some(k)))
        .ok_or_else(|| {
            let names: Vec<&str> = DatasetKind::ALL.iter().map(|k| k.name()).collect();
            format!(
                "unknown dataset kind '{s}' (known: auto, {})",
                names.join(", ")
            )
        })
}

/// Output formats of `fanzha eval`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EvalFormat {
    /// Tables.
    Text,
    /// One JSON document.
    Json,
}

/// What the engine says about a text, in the form eval counts.
pub fn predict(engine: &Engine, text: &str) -> Prediction {
    let v = engine.classify(text);
    Prediction {
        flagged: v.label == Label::Scam,
        label: v.label.as_str().to_string(),
        score: v.score,
        categories: v.categories().iter().map(|s| s.to_string()).collect(),
        rules: v
            .hits
            .iter()
            .filter(|h| !h.dampened)
            .map(|h| h.rule.clone())
            .collect(),
    }
}

/// Runs `fanzha eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let engine = args.rules.engine()?;
    let fields = JsonlFields {
        text: args.text_field.clone(),
        label: args.label_field.clone(),
        category: args.category_field.clone(),
    };
    let mut examples = Vec::new();
    for path in &args.paths {
        let loaded = match &args.positives {
            Some(positives) => eval::load_lines_with_positives(path, positives),
            None => {
                let kind = args.kind.0.unwrap_or_else(|| eval::detect_kind(path));
                eval::load(path, kind, &fields)
            }
        };
        examples.extend(loaded.with_context(|| format!("loading {}", path.display()))?);
    }
    let mut report = eval::evaluate(&examples, |t| predict(&engine, t));
    let mut out = std::io::stdout().lock();
    let changes = match &args.compare {
        Some(other) => {
            let mut b = Engine::builder()
                .builtin_rules(!args.rules.no_default_rules)
                .thresholds(args.rules.scam_threshold, args.rules.suspicious_threshold);
            b = b.add_rules_path(other)?;
            let other_engine = b.build()?;
            Some(eval::compare(
                &examples,
                |t| predict(&engine, t),
                |t| predict(&other_engine, t),
            ))
        }
        None => None,
    };
    match args.format {
        EvalFormat::Text => {
            write!(out, "{}", report.render_text(args.show_errors))?;
            if let Some(changes) = &changes {
                writeln!(
                    out,
                    "\nVerdict changes with --compare {} ({}):",
                    args.compare
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    changes.len()
                )?;
                for c in changes {
                    let text: String = c.text.chars().take(100).collect();
                    writeln!(
                        out,
                        "  {} [{:?}] {} -> {}  {}",
                        c.origin,
                        c.truth,
                        c.before,
                        c.after,
                        super::render::terminal_safe(&text)
                    )?;
                }
            }
        }
        EvalFormat::Json => {
            report.truncate_errors(args.show_errors);
            let doc = serde_json::json!({ "report": report, "changes": changes });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
