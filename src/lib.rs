/*!
fanzha (反诈, "anti-fraud"): explainable, rule-based detection of chat scams.

fanzha reads chat messages and links and says, with reasons, which of them
are scams. Its default rules target the fraud that grows around WeChat's
account-appeal channel (paid "unblocking", requests for SMS codes and
passwords, fake officials, phishing appeal sites) and common scam families,
in Chinese and English. The rules are plain TOML files: add your own, or
replace the built-in set.

Everything runs offline: keywords through one Aho-Corasick automaton over
normalized text (full-width, traditional, spaced-out and zero-width-stuffed
writing all match), regexes, and link checks against the compiled-in public
suffix list. No network access, no model, no state between messages.

# Quick start

```
use fanzha::{Engine, Label};

// Compile the built-in rules once (a few milliseconds), then reuse the engine.
let engine = Engine::builtin();

let verdict = engine.classify("专业解封微信，不成功不收费，加V：jf8888");
assert_eq!(verdict.label, Label::Scam);
assert_eq!(verdict.top_category(), Some("paid_unblock"));

assert_eq!(engine.classify("周末一起去爬山吗？").label, Label::Clean);
```

The main types:

* [`Engine`]: a compiled rule set. [`Engine::builtin`] for the embedded
  defaults, [`Engine::builder`] ([`EngineBuilder`]) for your own rules and
  thresholds. `classify(&str) -> Verdict`, [`check_url`](Engine::check_url),
  [`classify_batch`](Engine::classify_batch).
* [`Verdict`]: the label, the score and the evidence ([`Hit`], [`Span`],
  [`LinkHit`], [`Advice`]).
* [`ReloadableEngine`]: swap in new rules while other threads classify.
* [`Error`] and [`RuleError`]: what went wrong while building an engine,
  with file, line and rule.

# Verdicts and spans

A [`Verdict`] carries a [`Label`] (`Clean`, `Suspicious` or `Scam`), the
total `score`, and one [`Hit`] per rule that fired, highest score first.
Each hit has the rule id, its category, what it contributed, and the
[`Span`]s of evidence: byte ranges into *the string you passed*, on char
boundaries, however the text was normalized for matching. So highlighting
is a plain slice, even when the scammer wrote `ＶＸ`, `解 * 封` or
traditional characters:

```
let engine = fanzha::Engine::builtin();
let text = "帳號被封？專業解 封，先付300元";
let verdict = engine.classify(text);
assert!(verdict.is_scam());
for hit in &verdict.hits {
    for span in &hit.spans {
        assert_eq!(&text[span.start..span.end], span.text);
    }
}
// The reader gets advice for each category that fired, in Chinese and English.
assert!(!verdict.advice.is_empty());
```

Texts that *warn* about scams quote the very same words. When a message
reads as a warning or report and does not solicit anything, the rules that
allow it are dampened (`hit.dampened`, `verdict.warning_context`):

```
let engine = fanzha::Engine::builtin();
let notice = "警惕！微信官方绝不会收取解封费，凡是要求先付费解封的都是诈骗。";
let verdict = engine.classify(notice);
assert!(verdict.warning_context);
assert_eq!(verdict.label, fanzha::Label::Clean);
```

`Verdict` and all its parts implement serde's `Serialize` and
`Deserialize`; the JSON is what `fanzha scan --format jsonl` prints:

```
let engine = fanzha::Engine::builtin();
let verdict = engine.classify("把你刚收到的验证码发我");
let json = serde_json::to_string(&verdict)?;
assert!(json.starts_with(r#"{"label":"scam","#));
let back: fanzha::Verdict = serde_json::from_str(&json)?;
assert_eq!(back.hits, verdict.hits);
# Ok::<(), serde_json::Error>(())
```

# Links

Links in a message are found (with or without scheme, glued to Chinese
text, defanged, with full-width dots) and judged offline; they appear in
[`Verdict::links`] and rules can use them (`link.phishing`,
`link.lookalike`...). [`Engine::check_url`] judges one URL:

```
use fanzha::{Engine, LinkFeature, LinkVerdict};

let engine = Engine::builtin();
let report = engine.check_url("https://weixin110.qq.com.appeal-center.top/form");
assert_eq!(report.verdict, LinkVerdict::Phishing);
assert!(report.has(LinkFeature::BrandInForeignDomain));
assert_eq!(engine.check_url("https://weixin110.qq.com/").verdict, LinkVerdict::Official);
```

# Custom rules and thresholds

[`EngineBuilder`] adds rule files ([`add_rules_path`](EngineBuilder::add_rules_path),
a file or every `*.toml` under a folder) and rules from strings
([`add_rules_str`](EngineBuilder::add_rules_str)) to the built-in set, or
replaces it ([`without_builtin_rules`](EngineBuilder::without_builtin_rules)).
The [`rules`] module documents the file format. Terms are normalized like
messages, so one entry `中奖` also matches `中 奖` and `中獎`.

```
use fanzha::{Engine, Label};

let engine = Engine::builder()
    .add_rules_str("lottery.toml", r#"
        [lexicons]
        prize = ["中奖", "大奖", "jackpot"]
        claim = ["领取", "领奖", "claim"]

        [[rules]]
        id = "lottery.claim"
        category = "prize"
        score = 8
        description = "Tells the reader they won and must claim the prize"
        when = "near(prize, claim, 20)"
        examples.match = ["恭喜您中奖了，请点击领取"]
        examples.no_match = ["他买彩票中奖了"]
    "#)
    // Scores at or above 6 are scams, at or above 3 suspicious
    // (defaults: 7 and 4).
    .thresholds(6.0, 3.0)
    .build()?;

let verdict = engine.classify("恭喜您中 獎了！請在24小時內領取");
assert_eq!(verdict.label, Label::Scam);
assert_eq!(verdict.hits[0].rule, "lottery.claim");

// A rule's examples are tests: run yours in your own test suite.
let failures: Vec<_> = engine
    .test_examples()
    .into_iter()
    .filter(|f| f.file == "lottery.toml")
    .collect();
assert!(failures.is_empty(), "{failures:?}");
// And look at what lint has to say (unused lexicons, rules without examples...).
for finding in engine.lint() {
    println!("{}:{}: {}: {}", finding.file, finding.line, finding.item, finding.message);
}
# Ok::<(), fanzha::Error>(())
```

# Errors

Building an engine is the only fallible step; classifying never fails and
never panics. [`Error`] says what failed and where: a broken rule is an
[`Error::Rule`] whose [`RuleError`] names the file (the path, `builtin:NAME`
or the name given to `add_rules_str`), the line and the rule:

```
use fanzha::{Engine, Error, RuleErrorKind};

let rules = r#"
[lexicons]
my_fee = ["手续费"]

[[rules]]
id = "my.fee"
category = "fee"
score = 5
description = "fee"
when = "near(my_fee, unknown_lexicon, 10)"
"#;
let err = Engine::builder().add_rules_str("mine.toml", rules).build().unwrap_err();
let Error::Rule(rule_err) = &err else { panic!("{err}") };
assert_eq!(rule_err.kind, RuleErrorKind::UnknownName);
assert_eq!(rule_err.file, "mine.toml");
assert_eq!(rule_err.line, Some(10)); // the `when` line
assert_eq!(rule_err.item.as_deref(), Some("rule 'my.fee'"));
// Display gives all of it on one line, compiler style.
assert!(err.to_string().starts_with("mine.toml:10: rule 'my.fee': "));
```

The other modules have their own error types, also re-exported here:
[`InputError`] and [`RecordError`] (reading chat exports, see [`input`]),
[`EvalError`] (reading labelled datasets, see [`eval`]) and
[`LinkPolicyError`] (link policy files, see [`links`]).

# Sharing an engine between threads

[`Engine`] is `Send + Sync` and `classify` takes `&self` (scratch buffers
are kept per thread): build one and share it by reference or in an `Arc`.
Building is the expensive part; never build one per message.

```
let engine = fanzha::Engine::builtin();
let messages = ["你好", "把验证码发我", "明天开会", "加V解封"];
std::thread::scope(|s| {
    for m in messages {
        let engine = &engine;
        s.spawn(move || engine.classify(m));
    }
});
```

For a batch of messages, [`Engine::classify_batch`] classifies them on
rayon's thread pool and returns the verdicts in input order. For an
unbounded stream with flat memory use, see
[`scan::par_map_ordered`].

```
let engine = fanzha::Engine::builtin();
let inbox: Vec<String> = (0..1000).map(|i| format!("第{i}条消息：把验证码发我")).collect();
let verdicts = engine.classify_batch(&inbox);
assert!(verdicts.iter().all(|v| v.is_scam()));
```

# Reloading rules in a running service

An [`Engine`] never changes. To change rules without stopping, keep a
[`ReloadableEngine`]: readers classify with the engine in force, a reload
compiles the new rules off to the side and swaps them in; a broken file is
refused and the old rules stay. See the [`reload`] module.

```
use std::sync::Arc;
use fanzha::{Engine, ReloadableEngine};

let shared = Arc::new(ReloadableEngine::new(Engine::builtin()));
let worker = {
    let shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        // Each message is classified by one complete rule set, old or new.
        (0..100).map(|_| shared.classify("今晚八点开会").label).count()
    })
};
shared.reload(Engine::builder())?; // e.g. .add_rules_path("/etc/fanzha/rules")?
assert_eq!(worker.join().unwrap(), 100);
assert_eq!(shared.generation(), 1);
# Ok::<(), fanzha::Error>(())
```

# Cargo features

* `cli` (default): the `fanzha` command-line tool and its dependencies
  (clap, anstream, indicatif...). Embedders should turn it off:

  ```toml
  [dependencies]
  fanzha = { version = "0.1", default-features = false }
  ```

  The library (this crate's whole public API) builds without it.

# Modules

* [`engine`]: [`Engine`] and [`EngineBuilder`].
* [`verdict`]: the result types.
* [`rules`]: the rule file format, [`RuleInfo`], lint.
* [`links`]: URL extraction and offline link checks.
* [`normalize`]: the normalized views that rules match against.
* [`input`]: streaming readers for plain text, JSONL, CSV and chat exports.
* [`scan`]: the parallel, ordered, bounded-memory pipeline.
* [`eval`]: labelled datasets and precision/recall measurement.
* [`reload`]: new rules in a running service, [`ReloadableEngine`].
*/
#![deny(missing_docs)]

mod batch;
pub mod conversation;
pub mod engine;
pub mod error;
pub mod eval;
pub mod input;
pub mod links;
mod model;
pub mod normalize;
pub mod redact;
pub mod reload;
pub mod rules;
pub mod scan;
pub mod verdict;

pub use engine::{
    Engine, EngineBuilder, ExampleFailure, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SCAM_THRESHOLD,
    DEFAULT_SUSPICIOUS_THRESHOLD, MODEL_RULE,
};
pub use error::{Error, RuleError, RuleErrorKind};
pub use eval::EvalError;
pub use input::{InputError, RecordError};
pub use links::{LinkFeature, LinkPolicy, LinkPolicyError, LinkReport, LinkVerdict};
pub use reload::ReloadableEngine;
pub use rules::{Lint, LintLevel, RuleInfo};
pub use verdict::{Advice, Hit, Label, LinkHit, Span, Verdict};
