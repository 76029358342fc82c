//! `fanzha check`: classify texts and explain.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{render, Lang, RedactArgs, RuleArgs};

/// Arguments of `fanzha check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Texts to classify. With none, all of standard input is one text.
    pub texts: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Language of the advice in text output.
    #[arg(long, value_enum, default_value_t = Lang::Auto)]
    pub lang: Lang,
    /// Personal numbers in the output.
    #[command(flatten)]
    pub redact: RedactArgs,
    /// Rule selection.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Output formats of `fanzha check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    /// A readable verdict with highlighted spans.
    Text,
    /// One JSON object per text.
    Json,
}

/// Runs `fanzha check`.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let engine = args.rules.engine()?;
    let texts = if args.texts.is_empty() {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading standard input")?;
        vec![String::from_utf8_lossy(&buf).into_owned()]
    } else {
        args.texts
    };
    let mut out = anstream::stdout().lock();
    let mut any_scam = false;
    for text in &texts {
        let mut verdict = engine.classify(text);
        any_scam |= verdict.is_scam();
        let shown = if args.redact.on() {
            fanzha::redact::redact_verdict(text, &mut verdict)
        } else {
            text.clone()
        };
        let text = &shown;
        match args.format {
            CheckFormat::Text => {
                write!(out, "{}", render::verdict_text(text, &verdict, args.lang))?
            }
            CheckFormat::Json => {
                serde_json::to_writer(&mut out, &verdict)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::from(u8::from(any_scam)))
}
