//! `fanzha scan`: classify every message of files, folders or stdin.
//!
//! Data flow: a reader thread walks the sources and cuts their messages into
//! batches of about 512 KiB; each batch is classified *and serialized* on a
//! rayon worker; the main thread only writes the finished bytes in input order,
//! keeps the statistics and tracks conversations. See `src/scan.rs`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use fanzha::conversation::{
    ConversationAlert, ConversationOptions, ConversationTracker, Evidence, Observed,
};
use fanzha::input::{encoding_for_label, InputFormat, ReadOptions};
use fanzha::redact::redact;
use fanzha::scan::{par_batches_ordered, PipelineOptions, PoolError};
use fanzha::{Engine, Hit, Label, LinkHit, Verdict};
use serde::Serialize;

use super::scan_input::{list_sources, Counters, Item, Items};
use super::scan_lines::{self, Chunk, MAX_LINE_BYTES};
use super::{render, Lang, RedactArgs, RuleArgs};

/// Arguments of `fanzha scan`.
#[derive(Debug, Args)]
#[command(after_long_help = SCAN_HELP)]
pub struct ScanArgs {
    /// Files or folders to scan (folders recursively, in name order); `-` or
    /// nothing reads standard input.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// Print only messages labelled suspicious or scam (errors and
    /// conversation records are always printed).
    #[arg(long)]
    pub only_flagged: bool,
    /// Worker threads (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Input format: auto, lines, jsonl, csv, whatsapp, wechat-txt, wechat-csv,
    /// pywxdump-csv, telegram-json, qq-txt, weflow-txt. `lines` is always one
    /// message per line.
    #[arg(long, value_name = "NAME", default_value = "auto")]
    pub input_format: String,
    /// Decode input with this encoding (utf-8, gbk, gb18030, big5, utf-16le,
    /// ...) instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// JSONL: dotted path of the text field (e.g. `msg.body`).
    #[arg(long, value_name = "PATH")]
    pub text_field: Option<String>,
    /// JSONL: dotted path of the id field.
    #[arg(long, value_name = "PATH")]
    pub id_field: Option<String>,
    /// JSONL: dotted path of the sender field.
    #[arg(long, value_name = "PATH")]
    pub sender_field: Option<String>,
    /// JSONL: dotted path of the time field.
    #[arg(long, value_name = "PATH")]
    pub time_field: Option<String>,
    /// CSV: name of the text column.
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
    /// Also report chats where a scam unfolds over several messages although
    /// no single message is labelled scam (records of kind "conversation").
    #[arg(long)]
    pub conversations: bool,
    /// Conversations: messages of one chat a window spans.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub conversation_window: usize,
    /// Conversations: minutes a window spans when message times parse.
    #[arg(long, value_name = "MIN", default_value_t = 60)]
    pub conversation_minutes: i64,
    /// Print a summary to stderr at the end.
    #[arg(long)]
    pub stats: bool,
    /// Language of the advice in text output.
    #[arg(long, value_enum, default_value_t = Lang::Auto)]
    pub lang: Lang,
    /// Benchmark aid: read, batch and write without classifying (every
    /// message comes out clean).
    #[arg(long, hide = true)]
    pub no_classify: bool,
    /// Personal numbers in the output.
    #[command(flatten)]
    pub redact: RedactArgs,
    /// Rule selection.
    #[command(flatten)]
    pub rules: RuleArgs,
}

const SCAN_HELP: &str = "\
Records: every message read gives one record (messages with empty text too),
every unreadable record or file gives an error record; nothing is dropped.
  jsonl: {\"kind\":\"message\",\"source\",\"line\",\"record\",\"id\"?,\"chat\"?,\"sender\"?,
          \"time\"?,\"label\",\"score\",\"categories\",\"text\",\"hits\",\"warning_context\",
          \"model\"?,\"links\"?,\"advice\"?,\"truncated\"?}
         {\"kind\":\"error\",\"source\",\"line\",\"record\",\"error\"}  (line/record null for a file)
         {\"kind\":\"conversation\",\"chat\",\"label\":\"scam\",\"score\",\"categories\",\"rules\",
          \"messages\":[{\"source\",\"line\",\"record\",\"sender\"?,\"time\"?,...}]}
  csv:   kind,source,line,record,id,chat,sender,time,label,score,categories,rules,text,error
  text:  highlighted verdicts on stdout; errors on stderr.
Conversation records come after the message records they name.
Exit status: 0 nothing scam, 1 a scam message or conversation, 2 an error
(unknown option value, unreadable file or record); 2 wins over 1.";

/// Output formats of `fanzha scan`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ScanFormat {
    /// Readable verdicts with highlighted spans.
    Text,
    /// One JSON object per message.
    Jsonl,
    /// One CSV row per message (RFC 4180 quoting).
    Csv,
}

const CSV_HEADER: [&str; 14] = [
    "kind",
    "source",
    "line",
    "record",
    "id",
    "chat",
    "sender",
    "time",
    "label",
    "score",
    "categories",
    "rules",
    "text",
    "error",
];

#[derive(Serialize)]
struct MsgRecord<'a> {
    kind: &'static str,
    source: &'a str,
    line: u64,
    record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chat: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
    label: Label,
    score: f64,
    categories: Vec<&'a str>,
    text: &'a str,
    hits: &'a [Hit],
    warning_context: bool,
    /// The n-gram model's probability, when the engine consulted it.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<f64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    links: &'a [LinkHit],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    advice: &'a [fanzha::Advice],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

#[derive(Serialize)]
struct ErrRecord<'a> {
    kind: &'static str,
    source: &'a str,
    line: Option<u64>,
    record: Option<u64>,
    error: &'a str,
}

#[derive(Serialize)]
struct ConvRecord<'a> {
    kind: &'static str,
    label: Label,
    #[serde(flatten)]
    alert: &'a ConversationAlert,
}

/// Counts kept per batch and summed by the writer.
#[derive(Default)]
struct Stats {
    messages: u64,
    errors: u64,
    labels: [u64; 3],
    categories: BTreeMap<String, u64>,
}

impl Stats {
    fn add(&mut self, o: Stats) {
        self.messages += o.messages;
        self.errors += o.errors;
        for i in 0..3 {
            self.labels[i] += o.labels[i];
        }
        for (c, n) in o.categories {
            *self.categories.entry(c).or_default() += n;
        }
    }
}

/// What conversation tracking needs of a message, in input order.
enum ConvItem {
    Tick(String),
    Observe(String, Observed),
}

/// What a worker makes of a batch.
#[derive(Default)]
struct BatchOut {
    out: Vec<u8>,
    err: Vec<u8>,
    stats: Stats,
    conv: Vec<ConvItem>,
}

/// The fields of a message that records show, borrowed.
struct View<'a> {
    line: u64,
    record: u64,
    id: Option<&'a str>,
    chat: Option<&'a str>,
    sender: Option<&'a str>,
    time: Option<&'a str>,
    text: &'a str,
}

fn owned_clean() -> Verdict {
    Verdict::clean()
}

/// Everything a worker needs, shared by reference.
struct Worker<'a> {
    engine: &'a Engine,
    format: ScanFormat,
    only_flagged: bool,
    conversations: bool,
    classify: bool,
    color: bool,
    lang: Lang,
    redact: bool,
}

fn label_index(l: Label) -> usize {
    match l {
        Label::Clean => 0,
        Label::Suspicious => 1,
        Label::Scam => 2,
    }
}

impl Worker<'_> {
    fn batch(&self, items: Vec<Item>) -> BatchOut {
        let mut b = BatchOut {
            out: Vec::with_capacity(if self.only_flagged { 4096 } else { 1 << 16 }),
            ..Default::default()
        };
        let mut csv = (self.format == ScanFormat::Csv).then(|| {
            csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new())
        });
        let clean = Verdict::clean();
        for item in items {
            match item {
                Item::Msg(source, msg) => {
                    let owned;
                    let v = if self.classify {
                        owned = self.engine.classify(&msg.text);
                        &owned
                    } else {
                        &clean
                    };
                    let view = View {
                        line: msg.line,
                        record: msg.record,
                        id: msg.id.as_deref(),
                        chat: msg.chat.as_deref(),
                        sender: msg.sender.as_deref(),
                        time: msg.time.as_deref(),
                        text: &msg.text,
                    };
                    self.message(&mut b, csv.as_mut(), &source, view, v);
                }
                Item::Chunk(source, chunk) => self.chunk(&mut b, csv.as_mut(), &source, &chunk),
                Item::RecordError(e) => {
                    self.error(
                        &mut b,
                        csv.as_mut(),
                        &e.source,
                        Some((e.line, e.record)),
                        &e.message,
                    );
                }
                Item::SourceError { source, error } => {
                    self.error(&mut b, csv.as_mut(), &source, None, &error);
                }
                Item::Notice(n) => {
                    let _ = writeln!(b.err, "fanzha: {}", render::terminal_safe(&n));
                }
            }
        }
        if let Some(w) = csv {
            // Writing to a Vec cannot fail.
            b.out.extend(w.into_inner().unwrap_or_default());
        }
        b
    }

    /// Plain UTF-8 lines (fast path): messages are borrowed from the chunk.
    fn chunk(
        &self,
        b: &mut BatchOut,
        mut csv: Option<&mut csv::Writer<Vec<u8>>>,
        source: &str,
        chunk: &Chunk,
    ) {
        let (mut line, mut record) = (chunk.first_line, chunk.first_record);
        let mut lossy_at = None;
        // Validate the whole chunk at once (SIMD); per line only if it is not UTF-8.
        let valid = simdutf8::basic::from_utf8(&chunk.data).ok();
        scan_lines::for_each_segment(&chunk.data, MAX_LINE_BYTES, chunk.partial_tail, |s| {
            if scan_lines::is_message(s.bytes) {
                let text = match valid {
                    Some(all) => std::borrow::Cow::Borrowed(&all[s.start..s.start + s.bytes.len()]),
                    None => {
                        let (text, lossy) = scan_lines::text(s.bytes);
                        if lossy && lossy_at.is_none() {
                            lossy_at = Some(line);
                        }
                        text
                    }
                };
                let owned;
                let v = if self.classify {
                    owned = self.engine.classify(&text);
                    &owned
                } else {
                    &owned_clean()
                };
                let view = View {
                    line,
                    record,
                    id: None,
                    chat: None,
                    sender: None,
                    time: None,
                    text: &text,
                };
                self.message(b, csv.as_deref_mut(), source, view, v);
                record += 1;
            }
            line += u64::from(s.ends_line);
        });
        if let Some(line) = lossy_at {
            let _ = writeln!(
                b.err,
                "fanzha: {}:{line}: bytes that are not valid UTF-8 replaced with U+FFFD",
                render::terminal_safe(source)
            );
        }
    }

    fn message<'a>(
        &self,
        b: &mut BatchOut,
        csv: Option<&mut csv::Writer<Vec<u8>>>,
        source: &str,
        msg: View<'a>,
        v: &Verdict,
    ) {
        b.stats.messages += 1;
        b.stats.labels[label_index(v.label)] += 1;
        // What is shown: personal numbers masked unless --no-redact (the
        // verdict was made on the original text; spans keep their offsets).
        let redacted_v;
        let print = !self.only_flagged || v.label != Label::Clean;
        let (text, v) = match self.redact && (print || self.conversations) {
            true if matches!(redact(msg.text), Cow::Owned(_)) || !v.links.is_empty() => {
                let mut rv = v.clone();
                let t = fanzha::redact::redact_verdict(msg.text, &mut rv);
                redacted_v = rv;
                (Cow::Owned(t), &redacted_v)
            }
            _ => (Cow::Borrowed(msg.text), v),
        };
        let shown = |s: Option<&'a str>| -> Option<Cow<'a, str>> {
            s.map(|s| {
                if self.redact && (print || self.conversations) {
                    redact(s)
                } else {
                    Cow::Borrowed(s)
                }
            })
        };
        let (sender, chat) = (shown(msg.sender), shown(msg.chat));
        let categories = v.categories();
        if v.label != Label::Clean {
            for c in &categories {
                match b.stats.categories.get_mut(*c) {
                    Some(n) => *n += 1,
                    None => {
                        b.stats.categories.insert(c.to_string(), 1);
                    }
                }
            }
        }
        if print {
            match self.format {
                ScanFormat::Jsonl => {
                    let rec = MsgRecord {
                        kind: "message",
                        source,
                        line: msg.line,
                        record: msg.record,
                        id: msg.id,
                        chat: chat.as_deref(),
                        sender: sender.as_deref(),
                        time: msg.time,
                        label: v.label,
                        score: v.score,
                        categories,
                        text: &text,
                        hits: &v.hits,
                        warning_context: v.warning_context,
                        model: v.model,
                        links: &v.links,
                        advice: &v.advice,
                        truncated: v.truncated,
                    };
                    // Serializing plain data into a Vec cannot fail.
                    let _ = serde_json::to_writer(&mut b.out, &rec);
                    b.out.push(b'\n');
                }
                ScanFormat::Csv => {
                    let rules: Vec<&str> = v.hits.iter().map(|h| h.rule.as_str()).collect();
                    let (line, record, score) = (
                        msg.line.to_string(),
                        msg.record.to_string(),
                        v.score.to_string(),
                    );
                    if let Some(w) = csv {
                        let _ = w.write_record([
                            "message",
                            source,
                            &line,
                            &record,
                            msg.id.unwrap_or(""),
                            chat.as_deref().unwrap_or(""),
                            sender.as_deref().unwrap_or(""),
                            msg.time.unwrap_or(""),
                            v.label.as_str(),
                            &score,
                            &categories.join(";"),
                            &rules.join(";"),
                            &text,
                            "",
                        ]);
                    }
                }
                ScanFormat::Text => {
                    let who = sender
                        .as_deref()
                        .map(|s| format!(" {}:", render::terminal_safe(s)))
                        .unwrap_or_default();
                    let body = render::verdict_text(&text, v, self.lang);
                    let _ = write!(
                        b.out,
                        "{}:{}:{who} ",
                        render::terminal_safe(source),
                        msg.line
                    );
                    if self.color {
                        b.out.extend_from_slice(body.as_bytes());
                    } else {
                        let _ = write!(b.out, "{}", anstream::adapter::strip_str(&body));
                    }
                }
            }
        }
        if self.conversations {
            if let Some(key) = msg.chat.or(msg.sender).map(str::to_string) {
                let evidence: Vec<Evidence> = v
                    .hits
                    .iter()
                    .filter(|h| !h.dampened)
                    .map(|h| Evidence {
                        category: h.category.clone(),
                        rule: h.rule.clone(),
                        score: h.score,
                    })
                    .collect();
                if evidence.is_empty() && v.label != Label::Scam {
                    b.conv.push(ConvItem::Tick(key));
                } else {
                    b.conv.push(ConvItem::Observe(
                        key,
                        Observed {
                            source: source.to_string(),
                            line: msg.line,
                            record: msg.record,
                            sender: sender.as_deref().map(str::to_string),
                            time: msg.time.map(str::to_string),
                            label: v.label,
                            score: v.score,
                            evidence,
                        },
                    ));
                }
            }
        }
    }

    fn error(
        &self,
        b: &mut BatchOut,
        csv: Option<&mut csv::Writer<Vec<u8>>>,
        source: &str,
        at: Option<(u64, u64)>,
        error: &str,
    ) {
        b.stats.errors += 1;
        let error = if self.redact {
            redact(error)
        } else {
            Cow::Borrowed(error)
        };
        let error: &str = &error;
        match self.format {
            ScanFormat::Jsonl => {
                let rec = ErrRecord {
                    kind: "error",
                    source,
                    line: at.map(|a| a.0),
                    record: at.map(|a| a.1),
                    error,
                };
                let _ = serde_json::to_writer(&mut b.out, &rec);
                b.out.push(b'\n');
            }
            ScanFormat::Csv => {
                let (line, record) = at
                    .map(|(l, r)| (l.to_string(), r.to_string()))
                    .unwrap_or_default();
                if let Some(w) = csv {
                    let _ = w.write_record([
                        "error", source, &line, &record, "", "", "", "", "", "", "", "", "", error,
                    ]);
                }
            }
            ScanFormat::Text => {
                let _ = match at {
                    Some((line, record)) => writeln!(
                        b.err,
                        "fanzha: {}:{line}: record {record}: {}",
                        render::terminal_safe(source),
                        render::terminal_safe(error)
                    ),
                    None => writeln!(
                        b.err,
                        "fanzha: {}: {}",
                        render::terminal_safe(source),
                        render::terminal_safe(error)
                    ),
                };
            }
        }
    }
}

/// Writes a conversation alert in the output format.
fn write_alert(
    out: &mut Vec<u8>,
    format: ScanFormat,
    a: &ConversationAlert,
    color: bool,
    redact_on: bool,
) -> anyhow::Result<()> {
    let redacted;
    let a = if redact_on {
        let mut r = a.clone();
        r.chat = redact(&r.chat).into_owned();
        redacted = r;
        &redacted
    } else {
        a
    };
    match format {
        ScanFormat::Jsonl => {
            serde_json::to_writer(
                &mut *out,
                &ConvRecord {
                    kind: "conversation",
                    label: Label::Scam,
                    alert: a,
                },
            )?;
            out.push(b'\n');
        }
        ScanFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut *out);
            let first = &a.messages[0];
            let places: Vec<String> = a
                .messages
                .iter()
                .map(|m| format!("{}:{}", m.source, m.line))
                .collect();
            w.write_record([
                "conversation",
                &first.source,
                &first.line.to_string(),
                &first.record.to_string(),
                "",
                &a.chat,
                "",
                first.time.as_deref().unwrap_or(""),
                "scam",
                &a.score.to_string(),
                &a.categories.join(";"),
                &a.rules.join(";"),
                &places.join(" "),
                "",
            ])?;
            w.flush()?;
        }
        ScanFormat::Text => {
            let style = render::label_style(Label::Scam);
            let head = format!(
                "{style}CONVERSATION SCAM{style:#} in {} score {:.1}  [{}]\n",
                render::terminal_safe(&a.chat),
                a.score,
                a.categories.join(", ")
            );
            if color {
                out.extend_from_slice(head.as_bytes());
            } else {
                write!(out, "{}", anstream::adapter::strip_str(&head))?;
            }
            for m in &a.messages {
                let cats: Vec<&str> = m.evidence.iter().map(|e| e.category.as_str()).collect();
                writeln!(
                    out,
                    "  - {}:{} {} {} score {:.1} [{}]",
                    render::terminal_safe(&m.source),
                    m.line,
                    render::terminal_safe(m.sender.as_deref().unwrap_or("?")),
                    render::terminal_safe(m.time.as_deref().unwrap_or("")),
                    m.score,
                    cats.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

fn read_options(args: &ScanArgs) -> anyhow::Result<ReadOptions> {
    let Some(format) = InputFormat::from_name(&args.input_format) else {
        let names: Vec<&str> = InputFormat::ALL.iter().map(|f| f.name()).collect();
        bail!(
            "unknown input format {:?} (one of: {})",
            args.input_format,
            names.join(", ")
        );
    };
    let encoding = match &args.encoding {
        None => None,
        Some(label) => Some(encoding_for_label(label).with_context(|| {
            format!(
                "unknown encoding {label:?} (try utf-8, gbk, gb18030, big5, utf-16le, utf-16be)"
            )
        })?),
    };
    Ok(ReadOptions {
        format,
        encoding,
        text_field: args.text_field.clone(),
        id_field: args.id_field.clone(),
        sender_field: args.sender_field.clone(),
        time_field: args.time_field.clone(),
        text_column: args.text_column.clone(),
    })
}

#[derive(Debug, thiserror::Error)]
enum ScanError {
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Runs `fanzha scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let read_opts = read_options(&args)?;
    let engine = args.rules.engine()?;
    let color = args.format == ScanFormat::Text
        && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let worker = Worker {
        engine: &engine,
        format: args.format,
        only_flagged: args.only_flagged,
        conversations: args.conversations,
        classify: !args.no_classify,
        color,
        lang: args.lang,
        redact: args.redact.on(),
    };
    let mut tracker = args.conversations.then(|| {
        ConversationTracker::new(ConversationOptions {
            window_messages: args.conversation_window,
            window_minutes: args.conversation_minutes,
            threshold: engine.thresholds().0,
            ..Default::default()
        })
    });

    let (sources, total_bytes) = list_sources(&args.paths);
    let counters = Arc::new(Counters::default());
    let items = Items::new(sources, read_opts, counters.clone());

    let progress = (std::io::stderr().is_terminal() && total_bytes > 50_000_000).then(|| {
        let pb = indicatif::ProgressBar::with_draw_target(
            Some(total_bytes),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        ) {
            pb.set_style(style);
        }
        pb
    });

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == ScanFormat::Csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(CSV_HEADER)?;
        out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
    }
    let mut stats = Stats::default();
    let mut alert_buf = Vec::new();
    let opts = PipelineOptions {
        threads: args.threads,
        ..Default::default()
    };
    let result = par_batches_ordered(
        items,
        &opts,
        Item::weight,
        |batch| worker.batch(batch),
        |b: BatchOut| -> Result<(), ScanError> {
            if let Some(pb) = &progress {
                pb.set_position(counters.bytes.load(Ordering::Relaxed));
                if !b.err.is_empty() {
                    pb.suspend(|| std::io::stderr().write_all(&b.err))
                        .map_err(anyhow::Error::from)?;
                }
            } else if !b.err.is_empty() {
                std::io::stderr()
                    .write_all(&b.err)
                    .map_err(anyhow::Error::from)?;
            }
            out.write_all(&b.out).map_err(anyhow::Error::from)?;
            stats.add(b.stats);
            if let Some(t) = &mut tracker {
                alert_buf.clear();
                for c in b.conv {
                    match c {
                        ConvItem::Tick(k) => t.tick(&k),
                        ConvItem::Observe(k, o) => {
                            if let Some(a) = t.observe(&k, o) {
                                write_alert(
                                    &mut alert_buf,
                                    args.format,
                                    &a,
                                    color,
                                    args.redact.on(),
                                )?;
                            }
                        }
                    }
                }
                out.write_all(&alert_buf).map_err(anyhow::Error::from)?;
            }
            Ok(())
        },
    );
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    match result {
        Ok(()) => {}
        Err(ScanError::Other(e)) => return Err(e),
        Err(e) => return Err(e.into()),
    }
    out.flush()?;

    let conversations = tracker.as_ref().map_or(0, |t| t.alerts());
    if args.stats {
        print_stats(&stats, &counters, conversations, start, args.conversations);
    }
    Ok(ExitCode::from(if stats.errors > 0 {
        2
    } else if stats.labels[2] > 0 || conversations > 0 {
        1
    } else {
        0
    }))
}

fn print_stats(stats: &Stats, c: &Counters, conversations: u64, start: Instant, conv_on: bool) {
    let secs = start.elapsed().as_secs_f64();
    let bytes = c.bytes.load(Ordering::Relaxed);
    let mut e = std::io::stderr().lock();
    let skipped = c.skipped.load(Ordering::Relaxed);
    let _ = writeln!(
        e,
        "fanzha scan: {} files{}, {} messages, {} errors",
        c.files.load(Ordering::Relaxed),
        if skipped > 0 {
            format!(" ({skipped} binary skipped)")
        } else {
            String::new()
        },
        stats.messages,
        stats.errors
    );
    let _ = writeln!(
        e,
        "  scam {}, suspicious {}, clean {}{}",
        stats.labels[2],
        stats.labels[1],
        stats.labels[0],
        if conv_on {
            format!(", conversations {conversations}")
        } else {
            String::new()
        }
    );
    if !stats.categories.is_empty() {
        let mut cats: Vec<(&String, &u64)> = stats.categories.iter().collect();
        cats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = cats.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(e, "  flagged by category: {}", list.join(", "));
    }
    let _ = writeln!(
        e,
        "  {:.1} MB in {:.2} s, {:.1} MB/s",
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
}
