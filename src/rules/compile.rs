//! Compiling parsed rule files into the form the engine evaluates: one
//! Aho-Corasick automaton over every lexicon term, compiled regexes, and
//! condition trees whose names are resolved to indices.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::expr::{self, Expr};
pub(crate) use super::keywords::KeywordMatcher;
use super::schema::{ContextMode, LexiconDef, RuleFile};
use super::{line_of, RuleSource};
use crate::error::{RuleError, RuleErrorKind};
use crate::links::{LinkFeature, LinkPolicy, LinkVerdict, POLICY_KEYS};
use crate::normalize::{self, View};

/// Size limits for rule regexes: the regex crate runs in linear time, but
/// its compiled form can still take a lot of memory.
const REGEX_SIZE_LIMIT: usize = 2 << 20;
const REGEX_DFA_SIZE_LIMIT: usize = 8 << 20;

/// What one rule is, for listing and explaining.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RuleInfo {
    /// Unique rule id, e.g. `paid_unblock.fee`.
    pub id: String,
    /// Category, e.g. `paid_unblock`.
    pub category: String,
    /// Score the rule adds when it fires.
    pub score: f64,
    /// What the rule detects.
    pub description: String,
    /// The condition as written.
    pub when: String,
    /// Advice for the reader, in Chinese.
    pub advice_zh: String,
    /// Advice for the reader, in English.
    pub advice_en: String,
    /// Whether a warning context lowers this rule's score.
    pub context: ContextMode,
    /// Optional severity tag.
    pub severity: Option<String>,
    /// Languages the rule is written for.
    pub lang: Vec<String>,
    /// Reference links or documents.
    pub references: Vec<String>,
    /// The file the rule comes from.
    pub file: String,
    /// The line of the rule's `id` in that file.
    pub line: usize,
    /// Texts the rule must match.
    pub examples_match: Vec<String>,
    /// Texts the rule must not match.
    pub examples_no_match: Vec<String>,
}

/// A condition atom, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AtomId {
    Lexicon(u32),
    Regex(u32),
    Link(LinkAtom),
}

/// Link conditions: `link.any`, `link.non_official`, `link.<verdict>`,
/// `link.flagged` (suspicious or phishing), `link.<feature>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum LinkAtom {
    Any,
    NonOfficial,
    Flagged,
    Verdict(LinkVerdict),
    Feature(LinkFeature),
}

/// A resolved condition tree.
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    Atom(AtomId),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Near(Box<Cond>, Box<Cond>, usize),
    Before(Box<Cond>, Box<Cond>, Option<usize>),
    AtLeast(usize, Vec<Cond>),
    Distinct(AtomId, usize),
}

/// A compiled lexicon.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) line: usize,
    /// Terms as written, with the file each came from.
    pub(crate) terms: Vec<String>,
    pub(crate) word_boundary: bool,
}

/// A compiled regex.
#[derive(Clone, Debug)]
pub(crate) struct RegexAtom {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) regex: Regex,
    pub(crate) view: View,
    /// A hidden lexicon of literals one of which any match must contain:
    /// when none occurs in the message, the regex is not run at all.
    pub(crate) gate: Option<u32>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub(crate) info: RuleInfo,
    pub(crate) cond: Cond,
    /// Atoms of which at least one must hold for the rule to fire (`None`
    /// when the rule could fire without any, e.g. `!a`).
    pub(crate) need: Option<Vec<AtomId>>,
    /// The rule's own solicitation test, replacing the context's.
    pub(crate) solicitation: Option<Cond>,
    /// Lexicon sets the rule needs, as bit sets of [`Compiled::set_words`]
    /// words each, one after the other: the rule can only fire when every
    /// set has a lexicon the automaton found (a conjunction of "one of").
    /// Bit [`Compiled::link_bit`] stands for "the message may hold a link".
    pub(crate) clauses: Vec<u64>,
}

/// The compiled warning context.
#[derive(Clone, Debug)]
pub(crate) struct CompiledContext {
    pub(crate) warning: Cond,
    pub(crate) solicitation: Cond,
    pub(crate) dampen: f64,
}

/// The compiled `[model]` section: where the built-in n-gram model applies.
#[derive(Clone, Debug)]
pub(crate) struct CompiledModel {
    pub(crate) gate: Cond,
    /// Lexicon sets the gate needs, laid out as [`CompiledRule::clauses`].
    pub(crate) gate_clauses: Vec<u64>,
    pub(crate) scam_at: f64,
    pub(crate) benign_below: f64,
    /// See `ModelDef::veto_sentence_below`; `scam_at` when not given.
    pub(crate) veto_sentence_below: f64,
    pub(crate) veto_categories: Vec<String>,
    pub(crate) default_category: String,
    pub(crate) categories: Vec<(String, Cond)>,
    pub(crate) advice_zh: String,
    pub(crate) advice_en: String,
}

/// Which lexicons an automaton pattern belongs to.
#[derive(Clone, Debug, Default)]
pub(crate) struct PatternTarget {
    /// Lexicon indices.
    pub(crate) lexicons: Vec<u32>,
    /// The term starts with an ASCII alphanumeric: check the boundary
    /// before it (for lexicons that want word boundaries).
    pub(crate) ascii_start: bool,
    /// The term ends with an ASCII alphanumeric.
    pub(crate) ascii_end: bool,
}

/// Everything the engine needs from the rule files.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub(crate) lexicons: Vec<Lexicon>,
    pub(crate) regexes: Vec<RegexAtom>,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) context: Option<CompiledContext>,
    pub(crate) model: Option<CompiledModel>,
    pub(crate) link_policy: LinkPolicy,
    pub(crate) automaton: Option<KeywordMatcher>,
    /// For each lexicon, the rules whose need set contains it.
    pub(crate) rules_by_lexicon: Vec<Vec<u32>>,
    /// Rules whose need set is unknown or holds a regex or link condition:
    /// they are considered for every message.
    pub(crate) rules_without_lexicon_need: Vec<u32>,
    /// Words of a lexicon bit set (64 lexicons a word, and the link bit).
    pub(crate) set_words: usize,
    /// The bit after the lexicons' in a lexicon bit set: set for a message
    /// that passed the link pre-check, so that a rule whose every way to
    /// fire needs a link or a lexicon is skipped when there is neither.
    pub(crate) link_bit: u32,
    pub(crate) patterns: Vec<PatternTarget>,
    /// Names referenced by some condition.
    pub(crate) used_names: std::collections::HashSet<String>,
}

struct Parsed<'a> {
    source: &'a RuleSource,
    file: RuleFile,
}

fn err(
    kind: RuleErrorKind,
    file: &str,
    line: Option<usize>,
    item: Option<&str>,
    msg: impl Into<String>,
) -> RuleError {
    RuleError::new(kind, file, line, item, msg)
}

/// The policy of a file in the link policy's own format, as
/// `rules/links.toml` is written (top-level lists such as
/// `official_domains`, no `[links]` header), so that a copy of the
/// project's rules folder loads as it is. `Ok(None)` when the file is not
/// one: only link-policy keys at the top level, at least one of them.
fn link_policy_file(source: &RuleSource) -> Result<Option<LinkPolicy>, RuleError> {
    let Ok(table) = source.text.parse::<toml::Table>() else {
        return Ok(None);
    };
    if table.is_empty() || !table.keys().all(|k| POLICY_KEYS.contains(&k.as_str())) {
        return Ok(None);
    }
    LinkPolicy::from_toml_str(&source.text, &source.name)
        .map(Some)
        .map_err(|e| {
            err(
                RuleErrorKind::Syntax,
                &source.name,
                Some(e.line()),
                Some("link policy"),
                e.detail(),
            )
        })
}

/// Compiles rule sources (in order) and a base link policy.
pub(crate) fn compile(
    sources: &[RuleSource],
    mut link_policy: LinkPolicy,
) -> Result<Compiled, RuleError> {
    let mut parsed = Vec::with_capacity(sources.len());
    for source in sources {
        let file: RuleFile = match toml::from_str(&source.text) {
            Ok(file) => file,
            Err(e) => match link_policy_file(source)? {
                Some(policy) => {
                    link_policy.extend(policy);
                    continue;
                }
                None => {
                    let line = e.span().map(|s| line_of(&source.text, s.start));
                    return Err(err(
                        RuleErrorKind::Syntax,
                        &source.name,
                        line,
                        None,
                        e.message().trim().to_string(),
                    ));
                }
            },
        };
        parsed.push(Parsed { source, file });
    }

    // Lexicons, then extensions to them.
    let mut lexicons: Vec<Lexicon> = Vec::new();
    let mut names: HashMap<String, (String, usize)> = HashMap::new();
    let mut lexicon_index: HashMap<String, u32> = HashMap::new();
    for p in &parsed {
        for (name, def) in &p.file.lexicons {
            let line = line_of(&p.source.text, def.span().start);
            claim_name(
                &mut names,
                name,
                &p.source.name,
                line,
                "lexicon",
                "; use [extend] to add terms to it",
            )?;
            let inner: &LexiconDef = def.get_ref();
            lexicon_index.insert(name.clone(), lexicons.len() as u32);
            lexicons.push(Lexicon {
                name: name.clone(),
                file: p.source.name.clone(),
                line,
                terms: inner.terms().to_vec(),
                word_boundary: inner.word_boundary(),
            });
        }
    }
    for p in &parsed {
        for (name, terms) in &p.file.extend {
            let line = line_of(&p.source.text, terms.span().start);
            let Some(&idx) = lexicon_index.get(name) else {
                return Err(err(
                    RuleErrorKind::UnknownName,
                    &p.source.name,
                    Some(line),
                    Some(&format!("extend '{name}'")),
                    format!(
                        "no lexicon named '{name}'{}",
                        suggest(name, lexicon_index.keys())
                    ),
                ));
            };
            lexicons[idx as usize]
                .terms
                .extend(terms.get_ref().iter().cloned());
        }
    }

    // Regexes share the namespace of lexicons.
    let mut regexes = Vec::new();
    let mut regex_index: HashMap<String, u32> = HashMap::new();
    for p in &parsed {
        for (name, def) in &p.file.regexes {
            let line = line_of(&p.source.text, def.span().start);
            claim_name(&mut names, name, &p.source.name, line, "regex", "")?;
            let def = def.get_ref();
            let regex = regex::RegexBuilder::new(def.pattern())
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
                .build()
                .map_err(|e| {
                    err(
                        RuleErrorKind::Regex,
                        &p.source.name,
                        Some(line),
                        Some(&format!("regex '{name}'")),
                        one_line(&e.to_string()),
                    )
                })?;
            regex_index.insert(name.clone(), regexes.len() as u32);
            let gate = required_literals(def.pattern()).map(|terms| {
                lexicons.push(Lexicon {
                    name: format!("{GATE_PREFIX}{name}"),
                    file: p.source.name.clone(),
                    line,
                    terms,
                    word_boundary: false,
                });
                (lexicons.len() - 1) as u32
            });
            regexes.push(RegexAtom {
                name: name.clone(),
                file: p.source.name.clone(),
                line,
                regex,
                view: def.view(),
                gate,
            });
        }
    }

    let resolver = Resolver {
        lexicons: &lexicon_index,
        regexes: &regex_index,
    };
    let mut used_names = std::collections::HashSet::new();

    // Rules.
    let mut rules = Vec::new();
    let mut rule_ids: HashMap<String, (String, usize)> = HashMap::new();
    for p in &parsed {
        for spanned in &p.file.rules {
            let def = spanned.get_ref();
            let line = line_of(&p.source.text, def.id.span().start);
            let id = def.id.get_ref().trim().to_string();
            let item = format!("rule '{id}'");
            if id.is_empty() {
                return Err(err(
                    RuleErrorKind::Invalid,
                    &p.source.name,
                    Some(line),
                    None,
                    "rule id is empty",
                ));
            }
            if let Some((f, l)) = rule_ids.get(&id) {
                return Err(err(
                    RuleErrorKind::Duplicate,
                    &p.source.name,
                    Some(line),
                    Some(&item),
                    format!("duplicate rule id (first defined at {f}:{l})"),
                ));
            }
            rule_ids.insert(id.clone(), (p.source.name.clone(), line));
            if def.category.trim().is_empty() {
                return Err(err(
                    RuleErrorKind::Invalid,
                    &p.source.name,
                    Some(line),
                    Some(&item),
                    "category is empty",
                ));
            }
            if !def.score.is_finite() || def.score.abs() > 1000.0 {
                return Err(err(
                    RuleErrorKind::Invalid,
                    &p.source.name,
                    Some(line),
                    Some(&item),
                    format!("score {} is out of range (-1000..=1000)", def.score),
                ));
            }
            let when_line = line_of(&p.source.text, def.when.span().start);
            let cond = compile_condition(def.when.get_ref(), &resolver, &mut used_names).map_err(
                |(kind, msg)| err(kind, &p.source.name, Some(when_line), Some(&item), msg),
            )?;
            let need = need_of(&cond);
            let solicitation = match &def.solicitation {
                Some(src) => {
                    let line = line_of(&p.source.text, src.span().start);
                    Some(
                        compile_condition(src.get_ref(), &resolver, &mut used_names).map_err(
                            |(kind, msg)| err(kind, &p.source.name, Some(line), Some(&item), msg),
                        )?,
                    )
                }
                None => None,
            };
            rules.push(CompiledRule {
                info: RuleInfo {
                    id,
                    category: def.category.trim().to_string(),
                    score: def.score,
                    description: def.description.clone(),
                    when: def.when.get_ref().clone(),
                    advice_zh: def.advice.zh.clone(),
                    advice_en: def.advice.en.clone(),
                    context: def.context,
                    severity: def.severity.clone(),
                    lang: def.lang.clone().unwrap_or_default(),
                    references: def.references.clone().unwrap_or_default(),
                    file: p.source.name.clone(),
                    line,
                    examples_match: def.examples.must_match.clone(),
                    examples_no_match: def.examples.no_match.clone(),
                },
                clauses: Vec::new(),
                cond,
                need,
                solicitation,
            });
        }
    }

    // Context: the last file that defines one wins (user files come last).
    let mut context = None;
    for p in &parsed {
        if let Some(ctx) = &p.file.context {
            let line = line_of(&p.source.text, ctx.span().start);
            let c = ctx.get_ref();
            let compile_part = |src: &str, used: &mut std::collections::HashSet<String>| {
                compile_condition(src, &resolver, used).map_err(|(kind, msg)| {
                    err(kind, &p.source.name, Some(line), Some("[context]"), msg)
                })
            };
            if !(0.0..=1.0).contains(&c.dampen) {
                return Err(err(
                    RuleErrorKind::Invalid,
                    &p.source.name,
                    Some(line),
                    Some("[context]"),
                    "dampen must be between 0 and 1",
                ));
            }
            context = Some(CompiledContext {
                warning: compile_part(&c.warning, &mut used_names)?,
                solicitation: compile_part(&c.solicitation, &mut used_names)?,
                dampen: c.dampen,
            });
        }
    }

    // Model settings: the last file that has them wins, as for context.
    let mut model = None;
    for p in &parsed {
        if let Some(def) = &p.file.model {
            let line = line_of(&p.source.text, def.span().start);
            let m = def.get_ref();
            let fail =
                |kind, msg: String| err(kind, &p.source.name, Some(line), Some("[model]"), msg);
            let mut compile_part = |src: &str| {
                compile_condition(src, &resolver, &mut used_names)
                    .map_err(|(kind, msg)| fail(kind, msg))
            };
            let gate = compile_part(&m.gate)?;
            let mut categories = Vec::new();
            for c in &m.category {
                categories.push((c.name.clone(), compile_part(&c.when)?));
            }
            let veto_sentence_below = m.veto_sentence_below.unwrap_or(m.scam_at);
            for (name, value) in [
                ("scam_at", m.scam_at),
                ("benign_below", m.benign_below),
                ("veto_sentence_below", veto_sentence_below),
            ] {
                if !(0.0..=1.0).contains(&value) {
                    return Err(fail(
                        RuleErrorKind::Invalid,
                        format!("{name} must be a probability between 0 and 1"),
                    ));
                }
            }
            model = Some(CompiledModel {
                gate,
                gate_clauses: Vec::new(),
                scam_at: m.scam_at,
                benign_below: m.benign_below,
                veto_sentence_below,
                veto_categories: m.veto_categories.clone(),
                default_category: m.default_category.clone(),
                categories,
                advice_zh: m.advice_zh.clone(),
                advice_en: m.advice_en.clone(),
            });
        }
    }

    // Link lists from rule files extend the built-in policy.
    for p in &parsed {
        if let Some(table) = &p.file.links {
            let line = line_of(&p.source.text, table.span().start);
            let text = toml::to_string(table.get_ref()).map_err(|e| {
                err(
                    RuleErrorKind::Syntax,
                    &p.source.name,
                    Some(line),
                    Some("[links]"),
                    e.to_string(),
                )
            })?;
            let policy = LinkPolicy::from_toml_str(&text, &p.source.name).map_err(|e| {
                err(
                    RuleErrorKind::Syntax,
                    &p.source.name,
                    Some(line),
                    Some("[links]"),
                    one_line(&e.to_string()),
                )
            })?;
            link_policy.extend(policy);
        }
    }

    // Cheap parts first: `a & b` and `near(a, b)` stop at the first part
    // that fails, so a regex or link check after a lexicon that did not
    // match is never run. Results do not depend on the order.
    for rule in &mut rules {
        order_by_cost(&mut rule.cond, &regexes);
    }
    if let Some(ctx) = &mut context {
        order_by_cost(&mut ctx.warning, &regexes);
        order_by_cost(&mut ctx.solicitation, &regexes);
    }
    if let Some(m) = &mut model {
        order_by_cost(&mut m.gate, &regexes);
        for (_, c) in &mut m.categories {
            order_by_cost(c, &regexes);
        }
    }
    let (automaton, patterns) = build_automaton(&lexicons)?;
    let link_bit = lexicons.len() as u32;
    let set_words = (lexicons.len() + 1).div_ceil(64);
    let clause_sets = |c: &Cond| {
        let mut sets = Vec::new();
        for clause in clauses_of(c, &regexes, link_bit) {
            let at = sets.len();
            sets.resize(at + set_words, 0u64);
            for li in clause {
                sets[at + li as usize / 64] |= 1u64 << (li % 64);
            }
        }
        sets
    };
    for rule in &mut rules {
        rule.clauses = clause_sets(&rule.cond);
    }
    if let Some(m) = &mut model {
        m.gate_clauses = clause_sets(&m.gate);
    }
    let mut rules_by_lexicon = vec![Vec::new(); lexicons.len()];
    let mut rules_without_lexicon_need = Vec::new();
    for (ri, rule) in rules.iter().enumerate() {
        let ri = ri as u32;
        // A gated regex can only match when its gate lexicon fired.
        let trigger = |a: &AtomId| match a {
            AtomId::Lexicon(li) => Some(*li),
            AtomId::Regex(r) => regexes[*r as usize].gate,
            AtomId::Link(_) => None,
        };
        match &rule.need {
            Some(need) if need.iter().all(|a| trigger(a).is_some()) => {
                for li in need.iter().filter_map(trigger) {
                    if !rules_by_lexicon[li as usize].contains(&ri) {
                        rules_by_lexicon[li as usize].push(ri);
                    }
                }
            }
            _ => rules_without_lexicon_need.push(ri),
        }
    }
    Ok(Compiled {
        lexicons,
        regexes,
        rules,
        context,
        model,
        link_policy,
        automaton,
        rules_by_lexicon,
        rules_without_lexicon_need,
        set_words,
        link_bit,
        patterns,
        used_names,
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a lexicon or regex name and records where it was defined:
/// lexicons and regexes share one namespace.
fn claim_name(
    names: &mut HashMap<String, (String, usize)>,
    name: &str,
    file: &str,
    line: usize,
    what: &str,
    hint: &str,
) -> Result<(), RuleError> {
    check_name(name, file, line)?;
    if let Some((f, l)) = names.get(name) {
        return Err(err(
            RuleErrorKind::Duplicate,
            file,
            Some(line),
            Some(&format!("{what} '{name}'")),
            format!("the name is already used at {f}:{l}{hint}"),
        ));
    }
    names.insert(name.to_string(), (file.to_string(), line));
    Ok(())
}

fn check_name(name: &str, file: &str, line: usize) -> Result<(), RuleError> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            name,
            "and" | "or" | "not" | "near" | "before" | "atleast" | "link"
        );
    if ok {
        Ok(())
    } else {
        Err(err(RuleErrorKind::Invalid, file, Some(line), Some(&format!("'{name}'")), "names must start with a letter or '_' and use only ASCII letters, digits, '_' and '-' (and not be a keyword)"))
    }
}

fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> String {
    let best = candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, c)) => format!(" (did you mean '{c}'?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

struct Resolver<'a> {
    lexicons: &'a HashMap<String, u32>,
    regexes: &'a HashMap<String, u32>,
}

impl Resolver<'_> {
    fn resolve(&self, name: &str) -> Result<AtomId, (RuleErrorKind, String)> {
        if let Some(&i) = self.lexicons.get(name) {
            return Ok(AtomId::Lexicon(i));
        }
        if let Some(&i) = self.regexes.get(name) {
            return Ok(AtomId::Regex(i));
        }
        if let Some(rest) = name.strip_prefix("link.") {
            let atom = match rest {
                "any" => Some(LinkAtom::Any),
                "non_official" => Some(LinkAtom::NonOfficial),
                "flagged" => Some(LinkAtom::Flagged),
                "official" => Some(LinkAtom::Verdict(LinkVerdict::Official)),
                "benign" => Some(LinkAtom::Verdict(LinkVerdict::Benign)),
                "suspicious" => Some(LinkAtom::Verdict(LinkVerdict::Suspicious)),
                "phishing" => Some(LinkAtom::Verdict(LinkVerdict::Phishing)),
                other => LinkFeature::from_name(other).map(LinkAtom::Feature),
            };
            return atom.map(AtomId::Link).ok_or_else(|| {
                let features: Vec<&str> = LinkFeature::ALL.iter().map(|f| f.name()).collect();
                (
                    RuleErrorKind::UnknownName,
                    format!("unknown link condition '{name}' (known: link.any, link.non_official, link.flagged, link.official, link.benign, link.suspicious, link.phishing, link.{})", features.join(", link.")),
                )
            });
        }
        let all = self.lexicons.keys().chain(self.regexes.keys());
        Err((
            RuleErrorKind::UnknownName,
            format!("unknown lexicon or regex '{name}'{}", suggest(name, all)),
        ))
    }
}

fn compile_condition(
    src: &str,
    resolver: &Resolver<'_>,
    used: &mut std::collections::HashSet<String>,
) -> Result<Cond, (RuleErrorKind, String)> {
    let expr = expr::parse(src).map_err(|e| {
        // Quote the condition, but not a 100 KB one in full: an error is one line.
        let shown: String = src.chars().take(120).collect();
        let more = if shown.len() < src.len() { "..." } else { "" };
        (
            RuleErrorKind::Condition,
            format!("condition {e}: `{shown}{more}`"),
        )
    })?;
    expr.visit_names(&mut |n| {
        used.insert(n.to_string());
    });
    resolve(&expr, resolver)
}

fn resolve(e: &Expr, r: &Resolver<'_>) -> Result<Cond, (RuleErrorKind, String)> {
    let many = |v: &[Expr]| {
        v.iter()
            .map(|e| resolve(e, r))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match e {
        Expr::Name(n) => Cond::Atom(r.resolve(n)?),
        Expr::Not(e) => Cond::Not(Box::new(resolve(e, r)?)),
        Expr::And(v) => Cond::And(many(v)?),
        Expr::Or(v) => Cond::Or(many(v)?),
        Expr::Near(a, b, n) => Cond::Near(Box::new(resolve(a, r)?), Box::new(resolve(b, r)?), *n),
        Expr::Before(a, b, n) => {
            Cond::Before(Box::new(resolve(a, r)?), Box::new(resolve(b, r)?), *n)
        }
        Expr::AtLeast(n, v) => Cond::AtLeast(*n, many(v)?),
        Expr::Distinct(name, n) => match r.resolve(name)? {
            AtomId::Link(_) => {
                return Err((
                    RuleErrorKind::Invalid,
                    format!(
                        "distinct({name}, {n}) needs a lexicon or a regex, not a link condition"
                    ),
                ))
            }
            atom => Cond::Distinct(atom, *n),
        },
    })
}

/// Rough cost of evaluating a condition once its lexicons are known.
fn cost(c: &Cond, regexes: &[RegexAtom]) -> u32 {
    match c {
        Cond::Atom(AtomId::Lexicon(_)) => 0,
        Cond::Atom(AtomId::Regex(r)) | Cond::Distinct(AtomId::Regex(r), _) => {
            let re = &regexes[*r as usize];
            let view = if re.view == View::Folded { 4 } else { 0 };
            (if re.gate.is_some() { 2 } else { 4 }) + view
        }
        Cond::Distinct(..) => 0,
        Cond::Atom(AtomId::Link(_)) => 6,
        Cond::Not(x) => cost(x, regexes),
        Cond::And(v) | Cond::Or(v) | Cond::AtLeast(_, v) => {
            v.iter().map(|x| cost(x, regexes)).sum()
        }
        Cond::Near(a, b, _) | Cond::Before(a, b, _) => cost(a, regexes) + cost(b, regexes),
    }
}

/// Reorders `&`, `|` and `atleast` parts and `near` operands cheapest first.
fn order_by_cost(c: &mut Cond, regexes: &[RegexAtom]) {
    match c {
        // `|` and `atleast` stop at the first parts that hold, so cheap
        // first pays there too; evidence is the union of every part's and
        // is sorted before it is shown, so the order does not show.
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts) => {
            parts.iter_mut().for_each(|p| order_by_cost(p, regexes));
            parts.sort_by_key(|p| cost(p, regexes));
        }
        Cond::Not(x) => order_by_cost(x, regexes),
        Cond::Near(a, b, _) => {
            order_by_cost(a, regexes);
            order_by_cost(b, regexes);
            if cost(b, regexes) < cost(a, regexes) {
                std::mem::swap(a, b);
            }
        }
        Cond::Before(a, b, _) => {
            order_by_cost(a, regexes);
            order_by_cost(b, regexes);
        }
        Cond::Atom(_) | Cond::Distinct(..) => {}
    }
}

/// Sets of lexicons that `c` needs: `c` can only hold when each set has a
/// lexicon the automaton found. A regex stands for its gate lexicon; an
/// ungated regex, a link check or a negation needs nothing that is known
/// before running it. Sound, not complete: `|` keeps one set per part.
fn clauses_of(c: &Cond, regexes: &[RegexAtom], link_bit: u32) -> Vec<Vec<u32>> {
    let atom = |a: &AtomId| match a {
        AtomId::Lexicon(l) => vec![vec![*l]],
        AtomId::Regex(r) => regexes[*r as usize]
            .gate
            .map(|g| vec![vec![g]])
            .unwrap_or_default(),
        // No link check holds for a message without a link.
        AtomId::Link(_) => vec![vec![link_bit]],
    };
    let clauses = |c: &Cond| clauses_of(c, regexes, link_bit);
    // One set that `c` needs: its smallest.
    let one = |c: &Cond| clauses(c).into_iter().min_by_key(Vec::len);
    match c {
        Cond::Atom(a) => atom(a),
        Cond::Distinct(_, 0) | Cond::AtLeast(0, _) | Cond::Not(_) => Vec::new(),
        Cond::Distinct(a, _) => atom(a),
        Cond::And(parts) => parts.iter().flat_map(clauses).collect(),
        Cond::Near(a, b, _) | Cond::Before(a, b, _) => {
            let mut v = clauses(a);
            v.extend(clauses(b));
            v
        }
        Cond::Or(parts) => {
            let mut union = Vec::new();
            for p in parts {
                let Some(set) = one(p) else {
                    return Vec::new();
                };
                union.extend(set);
            }
            union.sort_unstable();
            union.dedup();
            vec![union]
        }
        // At least `n` of `k` parts: any `k - n + 1` of them include one
        // that holds, so their sets together make one set.
        Cond::AtLeast(n, parts) => {
            let mut sets: Vec<Vec<u32>> = parts.iter().filter_map(one).collect();
            let take = parts.len().saturating_sub(*n) + 1;
            if sets.len() < take {
                return Vec::new();
            }
            sets.sort_by_key(Vec::len);
            let mut union: Vec<u32> = sets.into_iter().take(take).flatten().collect();
            union.sort_unstable();
            union.dedup();
            vec![union]
        }
    }
}

/// A set of atoms at least one of which must hold for `c` to hold.
pub(crate) fn need_of(c: &Cond) -> Option<Vec<AtomId>> {
    match c {
        Cond::Atom(a) => Some(vec![*a]),
        Cond::Not(_) => None,
        Cond::And(parts) => parts.iter().filter_map(need_of).min_by_key(|n| {
            (
                n.iter()
                    .filter(|a| !matches!(a, AtomId::Lexicon(_)))
                    .count(),
                n.len(),
            )
        }),
        Cond::Near(a, b, _) | Cond::Before(a, b, _) => [need_of(a), need_of(b)]
            .into_iter()
            .flatten()
            .min_by_key(|n| {
                (
                    n.iter()
                        .filter(|a| !matches!(a, AtomId::Lexicon(_)))
                        .count(),
                    n.len(),
                )
            }),
        Cond::Or(parts) => union_all(parts),
        Cond::Distinct(_, 0) => None,
        Cond::Distinct(a, _) => Some(vec![*a]),
        Cond::AtLeast(0, _) => None,
        Cond::AtLeast(_, parts) => union_all(parts),
    }
}

fn union_all(parts: &[Cond]) -> Option<Vec<AtomId>> {
    let mut out = Vec::new();
    for p in parts {
        for a in need_of(p)? {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    Some(out)
}

/// Prefix of the hidden lexicons that gate regexes.
pub(crate) const GATE_PREFIX: &str = "__gate:";
/// Gates with more literals than this are not worth it.
const MAX_GATE_LITERALS: usize = 64;

/// Literals (normalized to the compact view) one of which every match of
/// `pattern` contains, or `None` when no such small set is known.
///
/// A literal present in the folded view is also present, minus its
/// separators, in the compact view, so one gate works for both views.
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let lits = required(&hir)?;
    let mut out: Vec<String> = Vec::new();
    for l in lits {
        let norm = normalize::compact(&l);
        // Empty: nothing to look for. One ASCII character (a digit, a
        // letter): present in most messages, a gate that costs more than it saves.
        if norm.is_empty() || (norm.len() == 1 && norm.is_ascii()) {
            return None;
        }
        if !out.contains(&norm) {
            out.push(norm);
        }
    }
    (!out.is_empty() && out.len() <= MAX_GATE_LITERALS).then_some(out)
}

fn required(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => String::from_utf8(lit.0.to_vec()).ok().map(|s| vec![s]),
        HirKind::Capture(c) => required(&c.sub),
        // `(?:元|块)` is parsed as the class [元块]: a small class is a set.
        HirKind::Class(regex_syntax::hir::Class::Unicode(class)) => {
            let size: u32 = class
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            (size <= 16).then(|| {
                class
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(String::from)
                    .collect()
            })
        }
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required)
            .filter(|set| set.iter().all(|l| !normalize::compact(l).is_empty()))
            .max_by_key(|set| {
                let shortest = set
                    .iter()
                    .map(|l| normalize::compact(l).chars().count())
                    .min()
                    .unwrap_or(0);
                (shortest.min(4), usize::MAX - set.len())
            }),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(required(a)?);
                if all.len() > MAX_GATE_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        _ => None,
    }
}

type Automaton = (Option<KeywordMatcher>, Vec<PatternTarget>);

fn build_automaton(lexicons: &[Lexicon]) -> Result<Automaton, RuleError> {
    let mut by_text: BTreeMap<String, usize> = BTreeMap::new();
    let mut targets: Vec<PatternTarget> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for (li, lex) in lexicons.iter().enumerate() {
        for term in &lex.terms {
            let norm = normalize::compact(term);
            if norm.is_empty() {
                return Err(err(RuleErrorKind::Invalid, &lex.file, Some(lex.line), Some(&format!("lexicon '{}'", lex.name)), format!("term {term:?} is empty after normalization (it holds only separators or invisible characters)")));
            }
            let idx = *by_text.entry(norm.clone()).or_insert_with(|| {
                let bytes = norm.as_bytes();
                targets.push(PatternTarget {
                    lexicons: Vec::new(),
                    ascii_start: bytes[0].is_ascii_alphanumeric(),
                    ascii_end: bytes[bytes.len() - 1].is_ascii_alphanumeric(),
                });
                texts.push(norm.clone());
                targets.len() - 1
            });
            let li = li as u32;
            if !targets[idx].lexicons.contains(&li) {
                targets[idx].lexicons.push(li);
            }
        }
    }
    if texts.is_empty() {
        return Ok((None, targets));
    }
    let failed = |e: &dyn std::fmt::Display| {
        err(
            RuleErrorKind::Invalid,
            "rules",
            None,
            None,
            format!("cannot build the keyword automaton: {e}"),
        )
    };
    let matcher = KeywordMatcher::new(&texts).map_err(|e| failed(&e))?;
    Ok((Some(matcher), targets))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_str(s: &str) -> Result<Compiled, RuleError> {
        compile(&[RuleSource::new("t.toml", s)], LinkPolicy::default())
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let e = compile_str("[lexicons]\na = [\"x\"]\n[[rules]]\nid = \"r\"\nscore = = 3\n")
            .unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.file, "t.toml");
        assert_eq!(e.line, Some(5));
    }

    #[test]
    fn unknown_name_is_reported_with_rule_and_line() {
        let src = "[lexicons]\nunblock = [\"解封\"]\n\n[[rules]]\nid = \"r1\"\ncategory = \"c\"\nscore = 1\ndescription = \"d\"\nwhen = \"unblok & fee\"\n";
        let e = compile_str(src).unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::UnknownName);
        assert_eq!(e.line, Some(9));
        assert_eq!(e.item.as_deref(), Some("rule 'r1'"));
        assert!(
            e.message.contains("did you mean 'unblock'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let rule = "[[rules]]\nid = \"r\"\ncategory = \"c\"\nscore = 1\ndescription = \"d\"\nwhen = \"a\"\n";
        let src = format!("[lexicons]\na = [\"x\"]\n{rule}{rule}");
        let e = compile_str(&src).unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::Duplicate);
        assert_eq!(e.line, Some(10));
    }

    #[test]
    fn bad_regex_is_reported() {
        let e = compile_str("[regexes]\nr = '(unclosed'\n").unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::Regex);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn huge_regex_hits_the_size_limit() {
        let e = compile_str("[regexes]\nr = '(\\w{100}){100}'\n").unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::Regex);
    }

    #[test]
    fn regex_gates_hold_the_literals_every_match_needs() {
        assert_eq!(
            required_literals("(?:我是|这里是)(?:微信|腾讯)客服"),
            Some(vec!["客服".to_string()])
        );
        assert_eq!(
            required_literals("[0-9]{2,6}(?:元|块)"),
            Some(vec!["元".to_string(), "块".to_string()])
        );
        assert_eq!(required_literals("[0-9]+"), None);
        assert_eq!(required_literals(".+"), None);
        assert_eq!(required_literals("a|[a-z]"), None);
        // Brackets are separators: the gate is the brand inside them.
        let g = required_literals("[【(][^】)]{0,8}(?:微信|腾讯)[^】)]{0,8}[】)]").unwrap();
        assert_eq!(g, vec!["微信".to_string(), "腾讯".to_string()]);
    }

    type Names = std::collections::HashMap<String, u32>;

    /// Lexicon and regex names of a compiled set, for a [`Resolver`].
    fn names(c: &Compiled) -> (Names, Names) {
        let index = |names: Vec<&String>| {
            names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i as u32))
                .collect()
        };
        (
            index(c.lexicons.iter().map(|l| &l.name).collect()),
            index(c.regexes.iter().map(|r| &r.name).collect()),
        )
    }

    #[test]
    fn need_sets() {
        let c = compile_str("[lexicons]\na=['a']\nb=['b']\nc=['c']\n[regexes]\nr='x'\n").unwrap();
        let (lexicons, regexes) = names(&c);
        let r = Resolver {
            lexicons: &lexicons,
            regexes: &regexes,
        };
        let mut used = Default::default();
        let cond = compile_condition("a & (b | c)", &r, &mut used).unwrap();
        assert_eq!(need_of(&cond), Some(vec![AtomId::Lexicon(0)]));
        let cond = compile_condition("r & b", &r, &mut used).unwrap();
        assert_eq!(need_of(&cond), Some(vec![AtomId::Lexicon(1)]));
        let cond = compile_condition("!a", &r, &mut used).unwrap();
        assert_eq!(need_of(&cond), None);
        let cond = compile_condition("a | r", &r, &mut used).unwrap();
        assert_eq!(
            need_of(&cond),
            Some(vec![AtomId::Lexicon(0), AtomId::Regex(0)])
        );
    }

    #[test]
    fn lexicon_clauses() {
        let src = "[lexicons]\na=['a']\nb=['b']\nc=['c']\nd=['d']\n[regexes]\nr='x'\ng='(?:yes|ok)[0-9]'\n";
        let c = compile_str(src).unwrap();
        let lex = |name: &str| c.lexicons.iter().position(|l| l.name == name).unwrap() as u32;
        let re = |name: &str| c.regexes.iter().position(|r| r.name == name).unwrap() as u32;
        let gate = c.regexes[re("g") as usize]
            .gate
            .expect("g has literals to gate on");
        let (lexicons, regexes) = names(&c);
        let r = Resolver {
            lexicons: &lexicons,
            regexes: &regexes,
        };
        let mut used = Default::default();
        let mut clauses = |when: &str| {
            let cond = compile_condition(when, &r, &mut used).unwrap();
            clauses_of(&cond, &c.regexes, c.link_bit)
        };
        let (a, b, cc, d) = (lex("a"), lex("b"), lex("c"), lex("d"));
        // Every part of `&` adds its own set; `|` unites one set per part.
        assert_eq!(
            clauses("a & (b | c) & near(d, g, 5)"),
            vec![vec![a], vec![b, cc], vec![d], vec![gate]]
        );
        // An ungated regex or a negation needs nothing known.
        assert_eq!(clauses("a & !b & (c | r)"), vec![vec![a]]);
        // A link check needs the message to pass the link pre-check.
        let link = c.link_bit;
        assert_eq!(link as usize, c.lexicons.len());
        assert_eq!(clauses("link.any | a"), vec![vec![a, link]]);
        assert_eq!(clauses("atleast(2, a, r, link.any)"), vec![vec![a, link]]);
        // Two of four: any three of them include one that holds.
        assert_eq!(clauses("atleast(2, a, b, r, d)"), vec![vec![a, b, d]]);
    }
}
