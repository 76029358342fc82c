//! The engine: rules compiled once, then `classify` per message.

use std::cell::RefCell;
use std::path::Path;

use crate::error::Error;
use crate::links::{self, FoundLink, LinkPolicy, LinkReport, LinkVerdict};
use crate::model::{NgramModel, Reading, SeenSet};
use crate::normalize::{self, Normalizer, View, ViewBuf};
use crate::rules::{
    self, AtomId, Compiled, CompiledContext, CompiledModel, Cond, ContextMode, LinkAtom, Lint,
    RuleInfo, RuleSource,
};
use crate::verdict::{Advice, Hit, Label, LinkHit, Span, Verdict};

/// Default score at and above which a message is labelled a scam.
pub const DEFAULT_SCAM_THRESHOLD: f64 = 7.0;
/// Default score at and above which a message is labelled suspicious.
pub const DEFAULT_SUSPICIOUS_THRESHOLD: f64 = 4.0;
/// Default number of bytes of a message that are examined; the rest of a
/// longer message is ignored and the verdict says `truncated`.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1 << 20;
/// Evidence positions kept per lexicon or regex and message: enough to
/// explain a verdict, bounded so hostile input cannot blow up memory.
const MAX_POSITIONS: usize = 256;

/// Gives every engine a distinct id, so per-thread memos of one engine are
/// never used by another.
fn next_engine_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Builds an [`Engine`] from the built-in rules, rule files and strings.
///
/// ```
/// let engine = fanzha::Engine::builder()
///     .add_rules_str("my.toml", r#"
///         [lexicons]
///         lottery = ["中奖", "jackpot"]
///         [[rules]]
///         id = "my.lottery"
///         category = "prize"
///         score = 8
///         description = "prize lure"
///         when = "lottery"
///     "#)
///     .build()?;
/// assert!(engine.classify("恭喜您 中 奖 了").is_scam());
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EngineBuilder {
    builtin: bool,
    sources: Vec<RuleSource>,
    scam_threshold: f64,
    suspicious_threshold: f64,
    max_message_bytes: usize,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            builtin: true,
            sources: Vec::new(),
            scam_threshold: DEFAULT_SCAM_THRESHOLD,
            suspicious_threshold: DEFAULT_SUSPICIOUS_THRESHOLD,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

impl EngineBuilder {
    /// A builder with the built-in rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leaves the built-in rules (and built-in link lists) out.
    pub fn without_builtin_rules(mut self) -> Self {
        self.builtin = false;
        self
    }

    /// Whether the built-in rules are included.
    pub fn builtin_rules(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// Adds a rule file, or every `*.toml` file under a folder.
    pub fn add_rules_path(mut self, path: impl AsRef<Path>) -> Result<Self, Error> {
        self.sources.extend(rules::read_sources(path.as_ref())?);
        Ok(self)
    }

    /// Adds rules from a string; `name` is what errors call the source.
    pub fn add_rules_str(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.sources.push(RuleSource::new(name, text));
        self
    }

    /// Sets the score thresholds for `scam` and `suspicious`.
    pub fn thresholds(mut self, scam: f64, suspicious: f64) -> Self {
        self.scam_threshold = scam;
        self.suspicious_threshold = suspicious;
        self
    }

    /// Sets how many bytes of each message are examined.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Compiles the rules.
    pub fn build(self) -> Result<Engine, Error> {
        if !(self.scam_threshold.is_finite() && self.suspicious_threshold.is_finite())
            || self.suspicious_threshold > self.scam_threshold
            || self.scam_threshold <= 0.0
        {
            return Err(Error::Setting(format!(
                "thresholds must be finite with 0 < suspicious ({}) <= scam ({})",
                self.suspicious_threshold, self.scam_threshold
            )));
        }
        let mut sources = if self.builtin {
            rules::builtin_sources()
        } else {
            Vec::new()
        };
        sources.extend(self.sources);
        let policy = if self.builtin {
            LinkPolicy::builtin()
        } else {
            LinkPolicy::default()
        };
        let compiled = rules::compile(&sources, policy)?;
        normalize::warm_up();
        Ok(Engine {
            id: next_engine_id(),
            compiled,
            scam_threshold: self.scam_threshold,
            suspicious_threshold: self.suspicious_threshold,
            max_message_bytes: self
                .max_message_bytes
                .clamp(1, normalize::MAX_NORMALIZED_INPUT),
        })
    }
}

/// A compiled rule set, ready to classify messages.
///
/// Build it once and share it: it is `Send + Sync`, and `classify` takes
/// `&self` and keeps its scratch buffers per thread.
#[derive(Clone, Debug)]
pub struct Engine {
    id: u64,
    compiled: Compiled,
    scam_threshold: f64,
    suspicious_threshold: f64,
    max_message_bytes: usize,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};

/// A rule example that did not behave as its rule file says.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ExampleFailure {
    /// The rule.
    pub rule: String,
    /// The rule's file.
    pub file: String,
    /// The rule's line.
    pub line: usize,
    /// The example text.
    pub example: String,
    /// True when the example should match, false when it should not.
    pub should_match: bool,
    /// What happened instead.
    pub problem: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let want = if self.should_match {
            "must match"
        } else {
            "must not match"
        };
        write!(
            f,
            "{}:{}: rule '{}': example {want} but {}: {:?}",
            self.file, self.line, self.rule, self.problem, self.example
        )
    }
}

impl Engine {
    /// The engine with the built-in rules and default thresholds.
    ///
    /// # Panics
    ///
    /// Never in a released build: the built-in rules are compiled by the
    /// test suite, so a broken built-in rule fails the tests first.
    pub fn builtin() -> Engine {
        EngineBuilder::new()
            .build()
            .expect("the built-in rules compile (checked by the test suite)")
    }

    /// A builder, starting from the built-in rules.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::new()
    }

    /// The loaded rules, in load order.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &RuleInfo> {
        self.compiled.rules.iter().map(|r| &r.info)
    }

    /// Lint findings for the loaded rules.
    pub fn lint(&self) -> Vec<Lint> {
        rules::lint::lint(&self.compiled)
    }

    /// The score thresholds `(scam, suspicious)`.
    pub fn thresholds(&self) -> (f64, f64) {
        (self.scam_threshold, self.suspicious_threshold)
    }

    /// The link lists in force.
    pub fn link_policy(&self) -> &LinkPolicy {
        &self.compiled.link_policy
    }

    /// Judges one URL offline (no network access).
    pub fn check_url(&self, url: &str) -> LinkReport {
        self.compiled.link_policy.analyze(url)
    }

    /// Runs every rule's examples and returns those that do not hold.
    ///
    /// An example that must match must make its rule fire at full weight
    /// (not dampened by a warning context). An example that must not match
    /// must not make it fire, or only dampened.
    pub fn test_examples(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for rule in &self.compiled.rules {
            let info = &rule.info;
            let cases = info
                .examples_match
                .iter()
                .map(|e| (e, true))
                .chain(info.examples_no_match.iter().map(|e| (e, false)));
            for (example, should_match) in cases {
                let verdict = self.classify(example);
                let hit = verdict.hits.iter().find(|h| h.rule == info.id);
                let problem = match (should_match, hit) {
                    (true, None) => Some(format!(
                        "the rule did not fire (verdict {} {:.1})",
                        verdict.label, verdict.score
                    )),
                    (true, Some(h)) if h.dampened => Some(
                        "the rule fired but a warning context (or the n-gram model) dampened it"
                            .to_string(),
                    ),
                    (false, Some(h)) if !h.dampened => Some(format!(
                        "the rule fired on {:?}",
                        h.spans.iter().map(|s| s.text.as_str()).collect::<Vec<_>>()
                    )),
                    _ => None,
                };
                if let Some(problem) = problem {
                    failures.push(ExampleFailure {
                        rule: info.id.clone(),
                        file: info.file.clone(),
                        line: info.line,
                        example: example.clone(),
                        should_match,
                        problem,
                    });
                }
            }
        }
        failures
    }

    /// Classifies one message.
    pub fn classify(&self, text: &str) -> Verdict {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.classify_with(text, &mut scratch),
            // Only reachable if classify were re-entered on this thread.
            Err(_) => self.classify_with(text, &mut Scratch::default()),
        })
    }

    fn classify_with(&self, full_text: &str, scratch: &mut Scratch) -> Verdict {
        let (text, truncated) = cut(full_text, self.max_message_bytes);
        self.find_evidence(text, scratch);

        let mut ev = Eval {
            engine: self,
            text,
            s: scratch,
        };
        // Only rules that one of the lexicons found can wake, plus those that
        // need no lexicon; in rule order, so results do not depend on it.
        let mut candidates = std::mem::take(&mut ev.s.candidates);
        candidates.clear();
        candidates.extend_from_slice(&self.compiled.rules_without_lexicon_need);
        for &li in &ev.s.touched {
            candidates.extend_from_slice(&self.compiled.rules_by_lexicon[li as usize]);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut fired: Vec<(usize, Vec<Pos>)> = Vec::new();
        for &i in &candidates {
            let i = i as usize;
            let rule = &self.compiled.rules[i];
            // Every lexicon set the rule needs must have been found.
            if !clauses_met(&rule.clauses, &ev.s.touched_set) {
                continue;
            }
            if !ev.possible(rule.need.as_deref()) {
                continue;
            }
            if !ev.holds(&rule.cond) {
                continue;
            }
            if let Some(pos) = ev.eval(&rule.cond) {
                fired.push((i, pos));
            }
        }

        ev.s.candidates = candidates;
        let mut verdict = Verdict::clean();
        verdict.truncated = truncated;
        if ev.s.links.is_none() && ev.might_contain_link() {
            ev.links();
        }
        // The n-gram model reads only messages on its topic (the gate).
        let model = self.compiled.model.as_ref();
        if fired.is_empty() && !model.is_some_and(|m| ev.gate_holds(m)) {
            verdict.links = take_links(text, ev.s);
            return verdict;
        }

        let needs_context = fired
            .iter()
            .any(|(i, _)| self.compiled.rules[*i].info.context == ContextMode::Dampen);
        let context = if needs_context {
            self.warning_context(text, &mut ev)
        } else {
            None
        };

        let factor = self.compiled.context.as_ref().map_or(1.0, |c| c.dampen);
        // Computed at most once, and only when a decision needs it.
        let mut reading: Option<Reading> = None;
        let mut strongest_dampened = 0.0f64;
        for (i, positions) in fired {
            let rule = &self.compiled.rules[i];
            let info = &rule.info;
            let warned =
                match context {
                    Some((_, solicits)) if info.context == ContextMode::Dampen => {
                        match &rule.solicitation {
                            // A rule's own test, like the message-wide one,
                            // does not count what the warning quotes.
                            Some(own) => {
                                !(ev.holds(own)
                                    && self.compiled.context.as_ref().is_none_or(|ctx| {
                                        self.solicits_outside_quotes(text, ctx, own)
                                    }))
                            }
                            None => !solicits,
                        }
                    }
                    _ => false,
                };
            verdict.warning_context |= warned;
            // The model calls off hits of its categories in text it reads
            // as plainly benign, as a warning would; not when the sentences
            // that hold the hit, read alone, are a scam to it: small talk
            // before a pasted ad ("报销单贴好了。急！低价代解封…") reads benign
            // as a whole, while a warning's quoted script stays vetoed
            // (whole text benign, its sentence short of veto_sentence_below).
            let vetoed = !warned
                && model.is_some_and(|m| {
                    m.veto_categories.contains(&info.category)
                        && reading
                            .get_or_insert_with(|| self.read_model(ev.text, ev.s))
                            .probability
                            < m.benign_below
                        && self
                            .read_sentences_of(text, &ev.s.norm.compact, &positions)
                            .is_none_or(|p| p < m.veto_sentence_below)
                });
            let dampened = warned || vetoed;
            let score = if dampened {
                info.score * factor
            } else {
                info.score
            };
            // A warning quotes the scam's words all together: its dampened
            // hits count once (the strongest), not once per quoted rule,
            // so a long anti-fraud article does not add up to suspicious.
            if dampened {
                strongest_dampened = strongest_dampened.max(score);
            } else {
                verdict.score += score;
            }
            verdict.hits.push(Hit {
                rule: info.id.clone(),
                category: info.category.clone(),
                score,
                description: info.description.clone(),
                dampened,
                spans: merge_spans(text, &ev.s.norm.compact, positions),
            });
        }
        // A gated message the rules left short of scam: the model may flag
        // it, unless the text warns without soliciting.
        if let Some(m) = model {
            if verdict.score + strongest_dampened < self.scam_threshold && ev.gate_holds(m) {
                let r = reading.get_or_insert_with(|| self.read_model(ev.text, ev.s));
                if r.probability >= m.scam_at {
                    let context = if needs_context {
                        context
                    } else {
                        self.warning_context(text, &mut ev)
                    };
                    let dampened = matches!(context, Some((_, false)));
                    let score = if dampened {
                        self.scam_threshold * factor
                    } else {
                        self.scam_threshold
                    };
                    if dampened {
                        verdict.warning_context = true;
                        strongest_dampened = strongest_dampened.max(score);
                    } else {
                        verdict.score += score;
                    }
                    let hit = model_hit(m, r, text, &mut ev, score, dampened);
                    verdict.hits.push(hit);
                }
            }
        }
        verdict.model = reading.map(|r| (r.probability * 1000.0).round() / 1000.0);
        verdict.score += strongest_dampened;
        // Last: the conditions above may still look at the links.
        verdict.links = take_links(text, ev.s);
        verdict.score = (verdict.score * 1000.0).round() / 1000.0;
        verdict.label = if verdict.score >= self.scam_threshold {
            Label::Scam
        } else if verdict.score >= self.suspicious_threshold {
            Label::Suspicious
        } else {
            Label::Clean
        };
        verdict.hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.rule.cmp(&b.rule))
        });
        if verdict.label != Label::Clean {
            verdict.advice = self.advice_for(&verdict.hits);
        }
        verdict
    }

    /// Whether a warning that meets `solicitation` still meets it, and
    /// still warns, once its quotations are left out. Anti-fraud notices quote the
    /// scripts they warn about (骗子常说“把验证码发我，我帮你解封”), and a
    /// quoted offer is not an offer. Rare (a warning, a solicitation and a
    /// quotation in one message), so it runs on fresh buffers.
    fn solicits_outside_quotes(
        &self,
        text: &str,
        ctx: &CompiledContext,
        solicitation: &Cond,
    ) -> bool {
        let Some(unquoted) = without_quotations(text) else {
            return true;
        };
        let mut scratch = Scratch::default();
        self.find_evidence(&unquoted, &mut scratch);
        let mut ev = Eval {
            engine: self,
            text: &unquoted,
            s: &mut scratch,
        };
        // A text whose only warning words are quoted is not a warning.
        !ev.holds(&ctx.warning) || ev.holds(solicitation)
    }

    fn advice_for(&self, hits: &[Hit]) -> Vec<Advice> {
        let mut out: Vec<Advice> = Vec::new();
        for hit in hits.iter().filter(|h| !h.dampened) {
            if out.iter().any(|a| a.category == hit.category) {
                continue;
            }
            let (zh, en) = match self.compiled.rules.iter().find(|r| r.info.id == hit.rule) {
                Some(rule) => (&rule.info.advice_zh, &rule.info.advice_en),
                None => match &self.compiled.model {
                    Some(m) if hit.rule == MODEL_RULE => (&m.advice_zh, &m.advice_en),
                    _ => continue,
                },
            };
            if zh.is_empty() && en.is_empty() {
                continue;
            }
            if out.iter().any(|a| &a.zh == zh && &a.en == en) {
                continue;
            }
            out.push(Advice {
                category: hit.category.clone(),
                zh: zh.clone(),
                en: en.clone(),
            });
        }
        out
    }

    /// Whether the text warns (then `Some`), with the context's dampening
    /// factor and whether it solicits by the message-wide test; rules may
    /// bring their own solicitation test.
    fn warning_context(&self, text: &str, ev: &mut Eval<'_>) -> Option<(f64, bool)> {
        let ctx = self.compiled.context.as_ref()?;
        if !ev.holds(&ctx.warning) {
            return None;
        }
        let solicits = ev.holds(&ctx.solicitation)
            && self.solicits_outside_quotes(text, ctx, &ctx.solicitation);
        Some((ctx.dampen, solicits))
    }

    /// The n-gram model's reading of the current message's compact view.
    fn read_model(&self, text: &str, s: &mut Scratch) -> Reading {
        // The model's Latin words come from the folded view (the compact
        // one has no spaces left); their places, for the evidence, from
        // the compact view.
        let has_latin = s
            .norm
            .compact
            .text
            .bytes()
            .any(|b| b.is_ascii_alphanumeric());
        if has_latin {
            s.norm.folded(text);
        }
        let (folded, compact) = (&s.norm.folded, &s.norm.compact);
        // Without Latin letters or digits the folded view is not built.
        let words: Vec<(&str, usize, usize)> = if has_latin {
            crate::model::latin_words(&folded.text)
                .map(|(start, end)| {
                    let (os, oe) = folded.original_range(start, end);
                    (
                        &folded.text[start..end],
                        compact.position_of_original(os),
                        compact.position_of_original(oe),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        NgramModel::builtin().read(&compact.text, &words, &mut s.model_seen)
    }

    /// The model's probability for the sentences of `text` that hold
    /// `positions` (compact-view ranges), or `None` when they are the whole
    /// text. Only for vetoes, which are rare: it normalizes afresh.
    fn read_sentences_of(&self, text: &str, compact: &ViewBuf, positions: &[Pos]) -> Option<f64> {
        let mut start = usize::MAX;
        let mut end = 0;
        for p in positions {
            let (os, oe) = if p.os == UNMAPPED {
                compact.original_range(p.cs as usize, p.ce as usize)
            } else {
                (p.os as usize, p.oe as usize)
            };
            start = start.min(os);
            end = end.max(oe);
        }
        if start >= end {
            return None;
        }
        let (start, end) = sentence_bounds(text, start, end);
        if start == 0 && end == text.len() {
            return None;
        }
        let mut scratch = Scratch::default();
        let sentences = &text[start..end];
        scratch.norm.normalize(sentences);
        Some(self.read_model(sentences, &mut scratch).probability)
    }

    /// Resets `scratch`, normalizes `text` into it and records what every
    /// later condition starts from: the lexicons found and whether a link
    /// is possible.
    fn find_evidence(&self, text: &str, scratch: &mut Scratch) {
        scratch.reset(&self.compiled);
        scratch.norm.normalize(text);
        self.find_terms(scratch);
        if scratch.norm.compact.may_hold_link {
            let bit = self.compiled.link_bit;
            scratch.touched_set[bit as usize / 64] |= 1u64 << (bit % 64);
        }
    }

    /// Runs the keyword automaton over the compact view and records, per
    /// lexicon, where its terms matched.
    fn find_terms(&self, s: &mut Scratch) {
        let Some(matcher) = &self.compiled.automaton else {
            return;
        };
        let view = &s.norm.compact;
        let (lex_hits, touched, touched_set) =
            (&mut s.lex_hits, &mut s.touched, &mut s.touched_set);
        let buf = &mut s.keyword_matches;
        matcher.for_each_match(view.text.as_str(), buf, |pattern, cs, ce| {
            let target = &self.compiled.patterns[pattern];
            let bounded = (!target.ascii_start || view.is_ascii_boundary(cs))
                && (!target.ascii_end || view.is_ascii_boundary(ce));
            // Where it is in the original is worked out only for the rules
            // that fire (`merge_spans`): most matches never need it.
            let pos = Pos {
                cs: cs as u32,
                ce: ce as u32,
                os: UNMAPPED,
                oe: UNMAPPED,
            };
            for &li in &target.lexicons {
                if !bounded && self.compiled.lexicons[li as usize].word_boundary {
                    continue;
                }
                let hits = &mut lex_hits[li as usize];
                if hits.is_empty() {
                    touched.push(li);
                    touched_set[li as usize / 64] |= 1u64 << (li % 64);
                }
                if hits.len() < MAX_POSITIONS {
                    hits.push(pos);
                }
            }
        });
    }
}

/// A piece of evidence: a range in the compact view and in the original.
/// Keyword matches leave the original range [`UNMAPPED`] until needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    cs: u32,
    ce: u32,
    os: u32,
    oe: u32,
}

/// The rule id of a hit the n-gram model makes (see `[model]` in the
/// rule files).
pub const MODEL_RULE: &str = "model.appeal";

/// `Pos::os` and `Pos::oe` of a keyword match not yet mapped back: the
/// original range is the compact view's `original_range(cs, ce)`.
const UNMAPPED: u32 = u32::MAX;

struct FoundAndJudged {
    pos: Pos,
    report: LinkReport,
}

/// Per-thread buffers, reused from message to message.
#[derive(Default)]
struct Scratch {
    norm: Normalizer,
    lex_hits: Vec<Vec<Pos>>,
    touched: Vec<u32>,
    /// `touched` as a bit set, for rules' lexicon clauses.
    touched_set: Vec<u64>,
    regex_hits: Vec<Option<Vec<Pos>>>,
    /// Indices of `regex_hits` computed for the current message.
    regex_done: Vec<u32>,
    links: Option<Vec<FoundAndJudged>>,
    link_possible: Option<bool>,
    /// Rule indices worth evaluating for the current message.
    candidates: Vec<u32>,
    /// The keyword matcher's (end, start, pattern) list.
    keyword_matches: Vec<(u32, u32, u32)>,
    /// Per-host link findings (URLs differ, hosts repeat): the public
    /// suffix, brand and lookalike checks run once per host and thread.
    domain_memo: links::DomainMemo,
    /// The n-gram model's set of n-grams seen in the current message.
    model_seen: SeenSet,
    /// The engine whose link policy produced `domain_memo`.
    domain_memo_owner: u64,
}

impl Scratch {
    fn reset(&mut self, c: &Compiled) {
        for &li in &self.touched {
            if let Some(v) = self.lex_hits.get_mut(li as usize) {
                v.clear();
            }
        }
        self.touched.clear();
        if self.lex_hits.len() < c.lexicons.len() {
            self.lex_hits.resize_with(c.lexicons.len(), Vec::new);
        }
        self.touched_set.clear();
        self.touched_set.resize(c.set_words, 0);
        // Only the regexes the last message ran are reset: most messages
        // run few of them.
        for &i in &self.regex_done {
            if let Some(slot) = self.regex_hits.get_mut(i as usize) {
                *slot = None;
            }
        }
        self.regex_done.clear();
        if self.regex_hits.len() != c.regexes.len() {
            self.regex_hits.clear();
            self.regex_hits.resize_with(c.regexes.len(), || None);
        }
        self.links = None;
        self.link_possible = None;
    }
}

/// Evaluation of conditions over one message, computing regex and link
/// atoms lazily: most messages never need them.
struct Eval<'a> {
    engine: &'a Engine,
    text: &'a str,
    s: &'a mut Scratch,
}

impl Eval<'_> {
    /// False when the rule cannot fire: none of the atoms it needs can hold.
    fn possible(&mut self, need: Option<&[AtomId]>) -> bool {
        let Some(need) = need else { return true };
        need.iter().any(|a| match a {
            AtomId::Lexicon(i) => !self.s.lex_hits[*i as usize].is_empty(),
            AtomId::Regex(i) => self.regex_may_match(*i as usize),
            AtomId::Link(_) => self.might_contain_link(),
        })
    }

    /// Whether the model's gate holds; most messages fail its lexicon
    /// sets without evaluating it.
    fn gate_holds(&mut self, m: &CompiledModel) -> bool {
        clauses_met(&m.gate_clauses, &self.s.touched_set) && self.holds(&m.gate)
    }

    /// The cheap link pre-check, computed once per message.
    fn might_contain_link(&mut self) -> bool {
        // Normalization has run the pre-check on its way through the text.
        let possible = self.s.norm.compact.may_hold_link;
        *self.s.link_possible.get_or_insert(possible)
    }

    /// Whether `c` holds: the same answer as `self.eval(c).is_some()`, but
    /// without collecting evidence positions (no allocation for the common
    /// case of lexicon and regex atoms).
    fn holds(&mut self, c: &Cond) -> bool {
        match c {
            Cond::Atom(a) => self.atom_holds(*a),
            Cond::Not(inner) => !self.holds(inner),
            // Settle what the automaton already decided before running any
            // regex or link check: `a & re` with `a` absent runs nothing,
            // whatever order the parts are written in.
            Cond::And(parts) => parts.iter().all(|p| self.holds(p)),
            Cond::Or(parts) => parts.iter().any(|p| self.holds(p)),
            Cond::Distinct(atom @ (AtomId::Lexicon(_) | AtomId::Regex(_)), n) => {
                self.atom_holds(*atom);
                let positions = self.atom_slice_ready(*atom);
                let view = &self.s.norm.compact.text;
                let mut seen: Vec<&str> = Vec::new();
                for p in positions {
                    let t = view.get(p.cs as usize..p.ce as usize).unwrap_or_default();
                    if !seen.contains(&t) {
                        seen.push(t);
                        if seen.len() >= *n {
                            return true;
                        }
                    }
                }
                seen.len() >= *n
            }
            Cond::AtLeast(n, parts) => {
                let mut count = 0;
                for p in parts {
                    if count >= *n {
                        break;
                    }
                    if self.holds(p) {
                        count += 1;
                    }
                }
                count >= *n
            }
            Cond::Near(a, b, max) => match (plain_atoms(a), plain_atoms(b)) {
                (Some(x), Some(y)) => self.any_pair(x, y, |p, q, view| gap(view, p, q) <= *max),
                // Evidence is needed to pair them up; truth first is cheaper.
                _ => self.holds(a) && self.holds(b) && self.eval(c).is_some(),
            },
            Cond::Before(a, b, max) => match (plain_atoms(a), plain_atoms(b)) {
                (Some(x), Some(y)) => self.any_pair(x, y, |p, q, view| {
                    p.ce <= q.cs && max.is_none_or(|m| gap(view, p, q) <= m)
                }),
                _ => self.holds(a) && self.holds(b) && self.eval(c).is_some(),
            },
            Cond::Distinct(..) => self.eval(c).is_some(),
        }
    }

    /// Whether an atom has at least one position.
    fn atom_holds(&mut self, a: AtomId) -> bool {
        match a {
            AtomId::Lexicon(i) => !self.s.lex_hits[i as usize].is_empty(),
            AtomId::Regex(i) => {
                self.ensure_regex(i as usize);
                self.s.regex_hits[i as usize]
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
            }
            AtomId::Link(l) => self.links().iter().any(|f| link_matches(f, l)),
        }
    }

    /// Whether some pair of positions, one of an atom of `a` and one of an
    /// atom of `b` (lexicon or regex atoms, see [`plain_atoms`]), passes `ok`.
    fn any_pair(
        &mut self,
        a: &[Cond],
        b: &[Cond],
        ok: impl Fn(&Pos, &Pos, &ViewBuf) -> bool,
    ) -> bool {
        // Both sides must hold at all: settle that first, stopping at the
        // first atom that holds (cheapest first), so a regex on one side is
        // not run when the other side is empty.
        if !a.iter().any(|x| self.atom_holds(atom_of(x)))
            || !b.iter().any(|y| self.atom_holds(atom_of(y)))
        {
            return false;
        }
        // Then every atom's positions (as `eval` would), compared in place.
        for x in a.iter().chain(b) {
            self.atom_holds(atom_of(x));
        }
        let view = &self.s.norm.compact;
        a.iter().any(|x| {
            let pa = self.atom_slice_ready(atom_of(x));
            pa.iter().any(|p| {
                b.iter().any(|y| {
                    self.atom_slice_ready(atom_of(y))
                        .iter()
                        .any(|q| ok(p, q, view))
                })
            })
        })
    }

    /// The positions of a lexicon or regex atom already computed.
    fn atom_slice_ready(&self, a: AtomId) -> &[Pos] {
        match a {
            AtomId::Lexicon(i) => &self.s.lex_hits[i as usize],
            AtomId::Regex(i) => self.s.regex_hits[i as usize].as_deref().unwrap_or(&[]),
            AtomId::Link(_) => &[],
        }
    }

    fn eval(&mut self, c: &Cond) -> Option<Vec<Pos>> {
        match c {
            Cond::Atom(a) => {
                let p = self.atom(*a);
                if p.is_empty() {
                    None
                } else {
                    Some(p)
                }
            }
            Cond::Not(inner) => match self.eval(inner) {
                Some(_) => None,
                None => Some(Vec::new()),
            },
            Cond::And(parts) => {
                let mut all = Vec::new();
                for p in parts {
                    all.extend(self.eval(p)?);
                }
                Some(all)
            }
            Cond::Or(parts) => {
                let mut any = None::<Vec<Pos>>;
                for p in parts {
                    if let Some(v) = self.eval(p) {
                        any.get_or_insert_with(Vec::new).extend(v);
                    }
                }
                any
            }
            Cond::Distinct(atom, n) => {
                let positions = self.atom(*atom);
                let view = &self.s.norm.compact.text;
                let mut seen: Vec<&str> = Vec::new();
                for p in &positions {
                    let t = view.get(p.cs as usize..p.ce as usize).unwrap_or_default();
                    if !seen.contains(&t) {
                        seen.push(t);
                    }
                }
                (seen.len() >= *n).then_some(positions)
            }
            Cond::AtLeast(n, parts) => {
                let mut count = 0;
                let mut all = Vec::new();
                for p in parts {
                    if let Some(v) = self.eval(p) {
                        count += 1;
                        all.extend(v);
                    }
                }
                (count >= *n).then_some(all)
            }
            Cond::Near(a, b, max) => self.pairs(a, b, |x, y, view| gap(view, x, y) <= *max),
            Cond::Before(a, b, max) => self.pairs(a, b, |x, y, view| {
                x.ce <= y.cs && max.is_none_or(|m| gap(view, x, y) <= m)
            }),
        }
    }

    fn pairs(
        &mut self,
        a: &Cond,
        b: &Cond,
        ok: impl Fn(&Pos, &Pos, &ViewBuf) -> bool,
    ) -> Option<Vec<Pos>> {
        let pa = self.eval(a)?;
        let pb = self.eval(b)?;
        let view = &self.s.norm.compact;
        let mut out = Vec::new();
        for x in &pa {
            for y in &pb {
                if ok(x, y, view) {
                    out.push(*x);
                    out.push(*y);
                }
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }

    fn atom(&mut self, a: AtomId) -> Vec<Pos> {
        match a {
            AtomId::Lexicon(i) => self.s.lex_hits[i as usize].clone(),
            AtomId::Regex(i) => self.regex(i as usize),
            AtomId::Link(l) => self.link_atom(l),
        }
    }

    /// False when the regex's gate literals are all absent.
    fn regex_may_match(&self, i: usize) -> bool {
        match self.engine.compiled.regexes[i].gate {
            Some(g) => !self.s.lex_hits[g as usize].is_empty(),
            None => true,
        }
    }

    fn regex(&mut self, i: usize) -> Vec<Pos> {
        self.ensure_regex(i);
        self.s.regex_hits[i].clone().unwrap_or_default()
    }

    /// Runs regex `i` (once per message) and caches its positions.
    fn ensure_regex(&mut self, i: usize) {
        if self.s.regex_hits[i].is_some() {
            return;
        }
        self.s.regex_done.push(i as u32);
        if !self.regex_may_match(i) {
            self.s.regex_hits[i] = Some(Vec::new());
            return;
        }
        let atom = &self.engine.compiled.regexes[i];
        let mut out = Vec::new();
        let view_kind = atom.view;
        let view = self.s.norm.view(self.text, view_kind);
        let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
        for m in atom.regex.find_iter(&view.text) {
            if m.start() == m.end() {
                continue;
            }
            let (os, oe) = view.original_range(m.start(), m.end());
            found.push((m.start(), m.end(), os, oe));
            if found.len() >= MAX_POSITIONS {
                break;
            }
        }
        let compact = &self.s.norm.compact;
        for (s, e, os, oe) in found {
            let (cs, ce) = match view_kind {
                View::Compact => (s, e),
                View::Folded => (
                    compact.position_of_original(os),
                    compact.position_of_original(oe),
                ),
            };
            out.push(Pos {
                cs: cs as u32,
                ce: ce as u32,
                os: os as u32,
                oe: oe as u32,
            });
        }
        self.s.regex_hits[i] = Some(out);
    }

    fn links(&mut self) -> &[FoundAndJudged] {
        if self.s.links.is_none() {
            let found: Vec<(FoundLink, Option<url::Url>)> = if self.might_contain_link() {
                links::find_links_parsed(self.text)
            } else {
                Vec::new()
            };
            // The memo belongs to one engine's link policy.
            if self.s.domain_memo_owner != self.engine.id {
                self.s.domain_memo.clear();
                self.s.domain_memo_owner = self.engine.id;
            }
            let mut judged = Vec::with_capacity(found.len());
            for (l, parsed) in found {
                let (os, oe) = (l.span.start, l.span.end);
                let compact = &self.s.norm.compact;
                let pos = Pos {
                    cs: compact.position_of_original(os) as u32,
                    ce: compact.position_of_original(oe) as u32,
                    os: os as u32,
                    oe: oe as u32,
                };
                let policy = &self.engine.compiled.link_policy;
                let domains = &mut self.s.domain_memo;
                let report = policy.analyze_found(&l.url, parsed, domains);
                judged.push(FoundAndJudged { pos, report });
            }
            self.s.links = Some(judged);
        }
        self.s.links.as_deref().unwrap_or(&[])
    }

    fn link_atom(&mut self, atom: LinkAtom) -> Vec<Pos> {
        self.links()
            .iter()
            .filter(|l| link_matches(l, atom))
            .map(|l| l.pos)
            .collect()
    }
}

/// The hit the n-gram model makes: the first `[[model.category]]` whose
/// condition holds names it, its strongest n-grams are its spans.
fn model_hit(
    m: &CompiledModel,
    r: &Reading,
    text: &str,
    ev: &mut Eval<'_>,
    score: f64,
    dampened: bool,
) -> Hit {
    let category = m
        .categories
        .iter()
        .find(|(_, when)| ev.holds(when))
        .map_or(&m.default_category, |(name, _)| name);
    let positions = r
        .evidence
        .iter()
        .map(|&(cs, ce)| Pos {
            cs: cs as u32,
            ce: ce as u32,
            os: UNMAPPED,
            oe: UNMAPPED,
        })
        .collect();
    Hit {
        rule: MODEL_RULE.to_string(),
        category: category.clone(),
        score,
        description: format!(
            "Reads like the appeal scams the n-gram model learned (p = {:.2}); \
             the spans are its strongest evidence",
            r.probability
        ),
        dampened,
        spans: merge_spans(text, &ev.s.norm.compact, positions),
    }
}

/// The sentences of `text` around the byte range `start..end`: out to the
/// nearest sentence ends (。！？!? ; line breaks) on either side.
fn sentence_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char| matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n');
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_end(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..]
        .char_indices()
        .find(|&(_, c)| is_end(c))
        .map_or(text.len(), |(i, c)| end + i + c.len_utf8());
    (from, to)
}

/// Whether every lexicon set in `clauses` (bit sets of `found.len()` words
/// each, one after the other) shares a lexicon with `found`.
fn clauses_met(clauses: &[u64], found: &[u64]) -> bool {
    clauses
        .chunks_exact(found.len().max(1))
        .all(|set| set.iter().zip(found).any(|(a, b)| a & b != 0))
}

/// The operands of `c` when it is a lexicon or regex atom, or an `|` of
/// such atoms: conditions whose positions are the union of their atoms'.
fn plain_atoms(c: &Cond) -> Option<&[Cond]> {
    let plain = |c: &Cond| matches!(c, Cond::Atom(AtomId::Lexicon(_) | AtomId::Regex(_)));
    match c {
        Cond::Atom(_) if plain(c) => Some(std::slice::from_ref(c)),
        Cond::Or(parts) if !parts.is_empty() && parts.iter().all(plain) => Some(parts),
        _ => None,
    }
}

/// The atom of a condition [`plain_atoms`] accepted.
fn atom_of(c: &Cond) -> AtomId {
    match c {
        Cond::Atom(a) => *a,
        _ => unreachable!("plain_atoms only returns atoms"),
    }
}

fn link_matches(l: &FoundAndJudged, atom: LinkAtom) -> bool {
    match atom {
        LinkAtom::Any => true,
        LinkAtom::NonOfficial => l.report.verdict != LinkVerdict::Official,
        LinkAtom::Flagged => matches!(
            l.report.verdict,
            LinkVerdict::Suspicious | LinkVerdict::Phishing
        ),
        LinkAtom::Verdict(v) => l.report.verdict == v,
        LinkAtom::Feature(f) => l.report.features.contains(&f),
    }
}

/// Characters of the compact view between two pieces of evidence (0 when
/// they overlap).
fn gap(view: &ViewBuf, a: &Pos, b: &Pos) -> usize {
    if a.ce <= b.cs {
        view.char_count(a.ce as usize, b.cs as usize)
    } else if b.ce <= a.cs {
        view.char_count(b.ce as usize, a.cs as usize)
    } else {
        0
    }
}

/// Moves the links found in the message into the verdict's form (the
/// scratch is reset before the next message anyway).
fn take_links(text: &str, s: &mut Scratch) -> Vec<LinkHit> {
    s.links
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(|l| LinkHit {
            span: span_of(text, l.pos.os as usize, l.pos.oe as usize),
            report: l.report,
        })
        .collect()
}

/// Quotation marks, opening and closing, as Chinese and English texts use them.
const QUOTATION_MARKS: [(char, char); 5] = [
    ('\u{201C}', '\u{201D}'),
    ('\u{2018}', '\u{2019}'),
    ('\u{300C}', '\u{300D}'),
    ('\u{300E}', '\u{300F}'),
    ('"', '"'),
];

/// Longest quotation left out, in characters: a message that is one long
/// "quotation" is not quoting anyone.
const MAX_QUOTATION_CHARS: usize = 200;

/// `text` with every quotation (marks included) replaced by a full stop,
/// or `None` when it has no closed quotation.
fn without_quotations(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut found = false;
    while let Some((at, open, close)) = rest.char_indices().find_map(|(i, c)| {
        QUOTATION_MARKS
            .iter()
            .find(|(o, _)| *o == c)
            .map(|&(o, cl)| (i, o, cl))
    }) {
        let inner_start = at + open.len_utf8();
        let inner = &rest[inner_start..];
        let closed = inner
            .char_indices()
            .take(MAX_QUOTATION_CHARS + 1)
            .find(|&(_, c)| c == close);
        out.push_str(&rest[..at]);
        match closed {
            Some((len, _)) => {
                out.push('。');
                found = true;
                rest = &inner[len + close.len_utf8()..];
            }
            None => {
                out.push(open);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    found.then_some(out)
}

fn cut(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

fn span_of(text: &str, start: usize, end: usize) -> Span {
    Span {
        start,
        end,
        text: text.get(start..end).unwrap_or_default().to_string(),
    }
}

/// Sorts evidence by position in the original and merges overlapping
/// ranges.
fn merge_spans(text: &str, compact: &ViewBuf, mut positions: Vec<Pos>) -> Vec<Span> {
    for p in positions.iter_mut().filter(|p| p.os == UNMAPPED) {
        let (os, oe) = compact.original_range(p.cs as usize, p.ce as usize);
        (p.os, p.oe) = (os as u32, oe as u32);
    }
    positions.sort_by_key(|p| (p.os, p.oe));
    let mut out: Vec<(usize, usize)> = Vec::new();
    for p in positions {
        let (s, e) = (p.os as usize, p.oe as usize);
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out.into_iter().map(|(s, e)| span_of(text, s, e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_are_left_out_marks_and_all() {
        assert_eq!(
            without_quotations("骗子常说“把验证码发我”，别信").as_deref(),
            Some("骗子常说。，别信")
        );
        assert_eq!(
            without_quotations("「内部解封」和\"pay first\"都是骗局").as_deref(),
            Some("。和。都是骗局")
        );
        assert_eq!(without_quotations("没有引号的消息"), None);
        // An opening mark never closed (or closed too far away) stays.
        assert_eq!(without_quotations("他说“加我微信"), None);
        let long = format!("“{}”", "长".repeat(MAX_QUOTATION_CHARS + 1));
        assert_eq!(without_quotations(&long), None);
    }

    #[test]
    fn a_warning_that_quotes_a_script_is_not_soliciting() {
        let engine = Engine::builtin();
        let quoted = "【反诈课堂】骗子常见话术：“把验证码发我，我帮你走加急通道”。官方申诉不收费、不要验证码。";
        assert_eq!(engine.classify(quoted).label, Label::Clean, "{quoted}");
        // The same script said outright, or with only its warning quoted, is a scam.
        let said = "把验证码发我，我帮你走加急通道，官方申诉不收费";
        assert_eq!(engine.classify(said).label, Label::Scam, "{said}");
        let fake = "“谨防诈骗”！把验证码发我，我帮你走加急通道";
        assert_eq!(engine.classify(fake).label, Label::Scam, "{fake}");
    }

    /// An engine with one topic lexicon, one rule on it and the model.
    fn model_engine(rule_score: f64, scam_at: f64, benign_below: f64) -> Engine {
        custom_engine(&model_rules(rule_score, scam_at, benign_below))
    }

    /// The rule set of [`model_engine`].
    fn model_rules(rule_score: f64, scam_at: f64, benign_below: f64) -> String {
        format!(
            r#"
[lexicons]
topic = ["解封"]
warn = ["谨防"]
never = ["从未出现的词"]

[[rules]]
id = "t.topic"
category = "paid_unblock"
score = {rule_score}
description = "d"
when = "topic"

[context]
warning = "warn"
solicitation = "never"
dampen = 0.1

[model]
gate = "topic"
scam_at = {scam_at}
benign_below = {benign_below}
veto_categories = ["paid_unblock"]
default_category = "paid_unblock"
"#
        )
    }

    /// An engine with only `rules`.
    fn custom_engine(rules: &str) -> Engine {
        Engine::builder()
            .without_builtin_rules()
            .add_rules_str("test.toml", rules)
            .build()
            .unwrap()
    }

    #[test]
    fn the_model_calls_off_hits_in_text_it_reads_as_benign() {
        let engine = model_engine(8.0, 1.0, 0.5);
        let lockdown = "小区终于解封了，周末去吃火锅";
        let v = engine.classify(lockdown);
        assert!(v.model.is_some_and(|p| p < 0.5), "{v:?}");
        assert!(v.hits[0].dampened, "{v:?}");
        assert_eq!(v.label, Label::Clean);
        let ad = "专业解封，500一次，不成功不收费，加V信 jf8888";
        let v = engine.classify(ad);
        assert!(!v.hits[0].dampened, "{v:?}");
        assert_eq!(v.label, Label::Scam);
    }

    #[test]
    fn a_scam_pasted_after_small_talk_is_not_vetoed() {
        let small_talk = "报销单一共8.9万，发票已经贴好了，明天上午交给财务。";
        let ad = "急！低价代解封，加急16小时，不成功不收费，V信haza628248";
        let glued = format!("{small_talk}{ad}");
        // The hit 解封 sits in the ad's second sentence (after 急！).
        let at = glued.find("解封").unwrap();
        let sentence = small_talk.len() + "急！".len();
        assert_eq!(sentence_bounds(&glued, at, at + 6), (sentence, glued.len()));
        assert_eq!(sentence_bounds("解封", 0, 6), (0, 6));
        // With a veto line above both readings of the whole message, the
        // sentence that holds the hit decides.
        let engine = model_engine(8.0, 0.9, 0.999_999);
        let v = engine.classify(&glued);
        assert!(!v.hits[0].dampened, "{v:?}");
        assert_eq!(v.label, Label::Scam);
        // That sentence reads at or above scam_at; with veto_sentence_below
        // above any reading, the whole message's veto holds again.
        let rules = model_rules(8.0, 0.9, 0.999_999)
            .replace("scam_at = 0.9", "scam_at = 0.9\nveto_sentence_below = 1.0");
        let v = custom_engine(&rules).classify(&glued);
        assert!(v.hits[0].dampened, "{v:?}");
        // Where the hit's sentence is the whole message, the whole reading
        // decides as before.
        let v = engine.classify("小区终于解封了，周末去吃火锅");
        assert!(v.hits[0].dampened, "{v:?}");
    }

    #[test]
    fn the_model_flags_what_the_rules_left_short_and_shows_its_evidence() {
        // No veto, and the rule alone scores below the scam threshold.
        let rules_only = model_engine(1.0, 1.0, 0.0);
        let engine = model_engine(1.0, 0.9, 0.0);
        let ad = "解 封 帳 號 ，費 用 ８００ ，薇信 jf8888，不成功不收费";
        let v = rules_only.classify(ad);
        assert!(v.hits.iter().all(|h| h.rule != MODEL_RULE), "{v:?}");
        assert_ne!(v.label, Label::Scam);
        let v = engine.classify(ad);
        let hit = v
            .hits
            .iter()
            .find(|h| h.rule == MODEL_RULE)
            .expect("model hit");
        assert_eq!(hit.category, "paid_unblock");
        assert!(!hit.spans.is_empty());
        for span in &hit.spans {
            assert_eq!(&ad[span.start..span.end], span.text);
        }
        assert_eq!(v.label, Label::Scam);
        // A warning that does not solicit is dampened, model hit included.
        let warning = "谨防诈骗：解封不收费，凡是说“解封交费”的都是骗子";
        let v = engine.classify(warning);
        assert!(v.hits.iter().all(|h| h.dampened), "{v:?}");
        assert_ne!(v.label, Label::Scam);
    }

    #[test]
    fn a_broken_model_section_names_file_line_and_setting() {
        let rules = "[lexicons]\ntopic = [\"解封\"]\n\n[model]\ngate = \"topic\"\nscam_at = 1.5\nbenign_below = 0.1\ndefault_category = \"x\"\n";
        let err = Engine::builder()
            .without_builtin_rules()
            .add_rules_str("m.toml", rules)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains("m.toml:4"), "{err}");
        assert!(err.contains("[model]") && err.contains("scam_at"), "{err}");
        let rules = rules.replace("gate = \"topic\"", "gate = \"nosuch\"");
        let err = Engine::builder()
            .without_builtin_rules()
            .add_rules_str("m.toml", rules)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains("nosuch"), "{err}");
    }

    #[test]
    fn a_rules_own_solicitation_test_also_skips_quotations() {
        // The message-wide solicitation never holds here, so only the
        // rule's own test decides whether the warning dampens it.
        let rules = r#"
[lexicons]
sell = ["解封"]
handle = ["加我"]
warn = ["谨防"]
nothing = ["从未出现的词"]

[[rules]]
id = "t.seller"
category = "paid_unblock"
score = 8
description = "d"
when = "sell"
solicitation = "handle"

[context]
warning = "warn"
solicitation = "nothing"
dampen = 0.1
"#;
        let engine = custom_engine(rules);
        let quoted = "谨防！有人发“解封加我”的广告";
        let verdict = engine.classify(quoted);
        assert!(verdict.hits[0].dampened, "{quoted}: {verdict:?}");
        assert_eq!(verdict.label, Label::Clean, "{quoted}");
        let said = "谨防假冒，解封加我";
        let verdict = engine.classify(said);
        assert!(!verdict.hits[0].dampened, "{said}: {verdict:?}");
        assert_eq!(verdict.label, Label::Scam, "{said}");
    }
}
