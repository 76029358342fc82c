//! `fanzha scan`: classify every message of files, folders or stdin.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use fanzha::scan::{par_map_ordered, PipelineOptions, PoolError};
use fanzha::{Label, Verdict};
use serde::Serialize;

use super::{render, Lang, RuleArgs};

/// Arguments of `fanzha scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// Print only messages labelled suspicious or scam.
    #[arg(long)]
    pub only_flagged: bool,
    /// Worker threads (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Language of the advice in text output.
    #[arg(long, value_enum, default_value_t = Lang::Auto)]
    pub lang: Lang,
    /// Rule selection.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Output formats of `fanzha scan`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ScanFormat {
    /// Readable verdicts with highlighted spans.
    Text,
    /// One JSON object per message.
    Jsonl,
}

struct Record {
    source: String,
    line: u64,
    text: String,
}

#[derive(Serialize)]
struct OutRecord<'a> {
    source: &'a str,
    line: u64,
    label: Label,
    score: f64,
    categories: Vec<&'a str>,
    text: &'a str,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

#[derive(Debug, thiserror::Error)]
enum ScanError {
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Runs `fanzha scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let engine = args.rules.engine()?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let mut any_scam = false;
    let mut out = anstream::stdout().lock();
    let opts = PipelineOptions {
        threads: args.threads,
        ..Default::default()
    };
    for path in &paths {
        let (source, reader): (String, Box<dyn BufRead + Send>) = if path.as_os_str() == "-" {
            (
                "<stdin>".to_string(),
                Box::new(BufReader::new(std::io::stdin())),
            )
        } else {
            let f = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            (path.display().to_string(), Box::new(BufReader::new(f)))
        };
        let src = source.clone();
        let records = reader
            .split(b'\n')
            .enumerate()
            .filter_map(move |(i, line)| {
                let line = line.ok()?;
                let text = String::from_utf8_lossy(&line)
                    .trim_end_matches('\r')
                    .to_string();
                (!text.trim().is_empty()).then(|| Record {
                    source: src.clone(),
                    line: i as u64 + 1,
                    text,
                })
            });
        par_map_ordered(
            records,
            &opts,
            |r| {
                let v = engine.classify(&r.text);
                (r, v)
            },
            |(r, v): (Record, Verdict)| -> Result<(), ScanError> {
                any_scam |= v.is_scam();
                if args.only_flagged && v.label == Label::Clean {
                    return Ok(());
                }
                match args.format {
                    ScanFormat::Jsonl => {
                        let rec = OutRecord {
                            source: &r.source,
                            line: r.line,
                            label: v.label,
                            score: v.score,
                            categories: v.categories(),
                            text: &r.text,
                            verdict: &v,
                        };
                        serde_json::to_writer(&mut out, &rec)?;
                        out.write_all(b"\n")?;
                    }
                    ScanFormat::Text => {
                        write!(
                            out,
                            "{}:{}: {}",
                            r.source,
                            r.line,
                            render::verdict_text(&r.text, &v, args.lang)
                        )?;
                    }
                }
                Ok(())
            },
        )?;
    }
    out.flush()?;
    Ok(ExitCode::from(u8::from(any_scam)))
}
