//! `fanzha url`: judge links offline.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use fanzha::links::{LinkReport, LinkVerdict};

use super::{render, RuleArgs};

/// Arguments of `fanzha url`.
#[derive(Debug, Args)]
#[command(
    after_help = "Verdicts: official (a Tencent/WeChat domain from the allowlist), benign, suspicious (IP host, shortener, risky TLD, app download...), phishing (lookalike, brand inside a foreign domain, userinfo trick, script URL). No network access: the checks are offline.\n\nExit status: 0 no phishing link, 1 at least one phishing link, 2 error.\n\nExamples:\n  fanzha url https://weixin110.qq.com.appeal-center.top/form\n  fanzha url --format jsonl < urls.txt"
)]
pub struct UrlArgs {
    /// URLs to check (scheme optional). With none, one URL per line of
    /// standard input.
    pub urls: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = UrlFormat::Text)]
    pub format: UrlFormat,
    /// Rule selection (`[links]` tables in rule files extend the lists).
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Output formats of `fanzha url`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum UrlFormat {
    /// One line per URL.
    Text,
    /// One JSON object per URL.
    Jsonl,
}

/// Runs `fanzha url`.
pub fn run(args: UrlArgs) -> anyhow::Result<ExitCode> {
    let engine = args.rules.engine()?;
    let inputs: Box<dyn Iterator<Item = anyhow::Result<String>>> = if args.urls.is_empty() {
        Box::new(
            std::io::stdin()
                .lock()
                .lines()
                .map(|l| l.context("reading standard input")),
        )
    } else {
        Box::new(args.urls.into_iter().map(Ok))
    };
    let mut out = std::io::stdout().lock();
    let mut phishing = false;
    for input in inputs {
        let input = input?;
        let url = input.trim();
        if url.is_empty() {
            continue;
        }
        let report = engine.check_url(url);
        phishing |= report.verdict == LinkVerdict::Phishing;
        match args.format {
            UrlFormat::Jsonl => {
                serde_json::to_writer(
                    &mut out,
                    &Record {
                        input: url,
                        report: &report,
                    },
                )?;
                writeln!(out)?;
            }
            UrlFormat::Text => {
                let verdict = format!("{:?}", report.verdict).to_lowercase();
                let domain = report.registrable_domain.as_deref().unwrap_or("-");
                write!(
                    out,
                    "{:<10} {}  [{domain}]",
                    verdict,
                    render::terminal_safe(url)
                )?;
                if !report.reasons.is_empty() {
                    write!(
                        out,
                        "  {}",
                        render::terminal_safe(&report.reasons.join("; "))
                    )?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(ExitCode::from(u8::from(phishing)))
}

#[derive(serde::Serialize)]
struct Record<'a> {
    input: &'a str,
    #[serde(flatten)]
    report: &'a LinkReport,
}
