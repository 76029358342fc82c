//! Human-readable rendering of verdicts, with the matched spans
//! highlighted, and terminal-safe text.

use std::borrow::Cow;
use std::fmt::Write as _;

use anstyle::{AnsiColor, Effects, Style};
use fanzha::{Label, Verdict};

use super::Lang;

const SPAN_STYLE: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .effects(Effects::BOLD.insert(Effects::UNDERLINE));
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// The style of a label.
pub fn label_style(label: Label) -> Style {
    match label {
        Label::Scam => Style::new()
            .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
            .effects(Effects::BOLD),
        Label::Suspicious => Style::new()
            .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)))
            .effects(Effects::BOLD),
        Label::Clean => Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green))),
    }
}

/// Makes text safe to print on a terminal: control characters, escape
/// sequences and bidi overrides in a message are shown as `\u{..}` instead
/// of being interpreted by the terminal.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// The text with the given byte ranges highlighted (ranges may overlap).
pub fn highlight(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut marks: Vec<(usize, usize)> = ranges
        .iter()
        .copied()
        .filter(|(s, e)| s < e && *e <= text.len())
        .collect();
    marks.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in marks {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 16);
    let mut pos = 0;
    for (s, e) in merged {
        if !(text.is_char_boundary(s) && text.is_char_boundary(e)) || s < pos {
            continue;
        }
        out.push_str(&terminal_safe(&text[pos..s]));
        let _ = write!(
            out,
            "{SPAN_STYLE}{}{SPAN_STYLE:#}",
            terminal_safe(&text[s..e])
        );
        pos = e;
    }
    out.push_str(&terminal_safe(&text[pos..]));
    out
}

/// A multi-line explanation of a verdict.
pub fn verdict_text(text: &str, v: &Verdict, lang: Lang) -> String {
    let mut out = String::new();
    let style = label_style(v.label);
    let cats = v.categories();
    let _ = write!(
        out,
        "{style}{:<10}{style:#} score {:>5.1}",
        v.label.as_str().to_uppercase(),
        v.score
    );
    if !cats.is_empty() {
        let _ = write!(out, "  [{}]", cats.join(", "));
    }
    if v.warning_context {
        let _ = write!(out, "  {DIM}(reads as a warning: hits dampened){DIM:#}");
    }
    out.push('\n');
    let ranges: Vec<(usize, usize)> = v
        .hits
        .iter()
        .filter(|h| !h.dampened)
        .flat_map(|h| h.spans.iter().map(|s| (s.start, s.end)))
        .collect();
    for line in highlight(text, &ranges).lines() {
        let _ = writeln!(out, "  > {line}");
    }
    for h in &v.hits {
        let spans: Vec<String> = h
            .spans
            .iter()
            .map(|s| format!("{:?}", terminal_safe(&s.text)))
            .collect();
        let damp = if h.dampened { " (dampened)" } else { "" };
        let _ = writeln!(
            out,
            "  - {} {:+.1}{damp}  {}: {}",
            h.rule,
            h.score,
            h.description,
            spans.join(", ")
        );
    }
    for l in &v.links {
        let _ = writeln!(
            out,
            "  - link {:?}: {:?} {}",
            terminal_safe(&l.span.text),
            l.report.verdict,
            l.report.reasons.join("; ")
        );
    }
    for a in &v.advice {
        match lang.resolve() {
            Lang::Zh => {
                let _ = writeln!(out, "  ! {}", a.zh);
            }
            Lang::En => {
                let _ = writeln!(out, "  ! {}", a.en);
            }
            _ => {
                let _ = writeln!(out, "  ! {}\n    {}", a.zh, a.en);
            }
        }
    }
    out
}
