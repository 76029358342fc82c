//! The embedding API: errors that say where, thread safety, serde, batch
//! and reload.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use fanzha::{
    Engine, Error, Label, LinkVerdict, ReloadableEngine, RuleError, RuleErrorKind, Verdict,
};

/// Builds `text` as an extra rule source named `name` and returns the rule
/// error it must give.
fn rule_error(name: &str, text: &str) -> RuleError {
    match Engine::builder().add_rules_str(name, text).build() {
        Err(Error::Rule(e)) => e,
        Err(other) => panic!("expected a rule error, got {other}"),
        Ok(_) => panic!("expected {name} to be refused"),
    }
}

const GOOD_RULE: &str = r#"[lexicons]
lib_test_terms = ["zzlibtestzz"]

[[rules]]
id = "lib_test.rule"
category = "lib_test"
score = 9
description = "test rule"
when = "lib_test_terms"
"#;

#[test]
fn broken_rule_strings_name_the_source_line_and_rule() {
    // A condition naming a lexicon that does not exist: line of `when`.
    let e = rule_error(
        "my-rules.toml",
        &GOOD_RULE.replace(r#"when = "lib_test_terms""#, r#"when = "lib_test_termz""#),
    );
    assert_eq!(e.kind, RuleErrorKind::UnknownName);
    assert_eq!(e.file, "my-rules.toml");
    assert_eq!(e.line, Some(9));
    assert!(
        e.item.as_deref().unwrap_or("").contains("lib_test.rule"),
        "{e:?}"
    );
    let shown = e.to_string();
    assert!(shown.starts_with("my-rules.toml:9: "), "{shown}");
    assert!(shown.contains("lib_test_termz"), "{shown}");

    // A condition that does not parse.
    let e = rule_error(
        "cond.toml",
        &GOOD_RULE.replace(
            r#"when = "lib_test_terms""#,
            r#"when = "near(lib_test_terms, 5""#,
        ),
    );
    assert_eq!(e.kind, RuleErrorKind::Condition);
    assert_eq!((e.file.as_str(), e.line), ("cond.toml", Some(9)));

    // TOML that does not parse: the line of the mistake.
    let e = rule_error(
        "syntax.toml",
        &GOOD_RULE.replace("score = 9", "score = = 9"),
    );
    assert_eq!(e.kind, RuleErrorKind::Syntax);
    assert_eq!((e.file.as_str(), e.line), ("syntax.toml", Some(7)));

    // A regex that does not compile.
    let e = rule_error(
        "regex.toml",
        &format!("{GOOD_RULE}\n[regexes]\nlib_test_re = '(unclosed'\n"),
    );
    assert_eq!(e.kind, RuleErrorKind::Regex);
    assert_eq!(e.file, "regex.toml");
    assert_eq!(e.line, Some(12));

    // The same rule id twice, across two sources: the second one is named.
    let err = Engine::builder()
        .add_rules_str("first.toml", GOOD_RULE)
        .add_rules_str(
            "second.toml",
            GOOD_RULE.replace("[lexicons]\nlib_test_terms", "[lexicons]\nlib_test_other"),
        )
        .build()
        .unwrap_err();
    let Error::Rule(e) = err else { panic!("{err}") };
    assert_eq!(e.kind, RuleErrorKind::Duplicate);
    assert_eq!(e.file, "second.toml");
    assert_eq!(e.line, Some(5));
}

/// Writes `text` to `path`, loads it as a rule file and returns the error
/// it gives, checked to start with `path:line`.
fn file_error_at(path: &std::path::Path, text: &str, line: usize) -> String {
    std::fs::write(path, text).unwrap();
    let err = Engine::builder()
        .add_rules_path(path)
        .unwrap()
        .build()
        .unwrap_err();
    let shown = err.to_string();
    let at = format!("{}:{line}", path.display());
    assert!(shown.starts_with(&at), "{shown}");
    shown
}

#[test]
fn rule_files_on_disk_are_named_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.toml");
    let bad = GOOD_RULE.replace("score = 9", "score = \"high\"");
    file_error_at(&path, &bad, 7);

    let missing = dir.path().join("missing.toml");
    let Err(err @ Error::Io { .. }) = Engine::builder().add_rules_path(&missing) else {
        panic!("a missing rule file must be an Io error");
    };
    assert!(err.to_string().contains("missing.toml"), "{err}");
}

#[test]
fn the_projects_rules_folder_loads_as_it_is() {
    // rules/ holds rule files and the link policy in its own format
    // (rules/links.toml, no [links] header): a user who copies the folder
    // and loads it instead of the built-ins gets the same engine.
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let from_disk = Engine::builder()
        .without_builtin_rules()
        .add_rules_path(rules)
        .unwrap()
        .build()
        .unwrap();
    let builtin = Engine::builtin();
    assert_eq!(from_disk.rules().len(), builtin.rules().len());
    assert!(from_disk.test_examples().is_empty());
    let official = from_disk.check_url("https://weixin110.qq.com/security");
    assert_eq!(official.verdict, LinkVerdict::Official, "{official:?}");
    let lookalike = from_disk.check_url("http://weixin110-qq.com.appeal.top/");
    assert_eq!(
        lookalike.verdict,
        builtin
            .check_url("http://weixin110-qq.com.appeal.top/")
            .verdict
    );
    assert_ne!(lookalike.verdict, LinkVerdict::Official);

    // A link-policy file with a bad entry names its file and line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.toml");
    let bad = "# lists\nshorteners = [\"ok.example\", \"bad entry\"]\n";
    let shown = file_error_at(&path, bad, 2);
    assert!(shown.contains("bad entry"), "{shown}");
}

#[test]
fn bad_thresholds_are_refused() {
    let err = Engine::builder().thresholds(3.0, 5.0).build().unwrap_err();
    assert!(matches!(err, Error::Setting(_)), "{err}");
    assert!(Engine::builder().thresholds(f64::NAN, 1.0).build().is_err());
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
    check::<fanzha::EngineBuilder>();
    check::<ReloadableEngine>();
    check::<Verdict>();
    check::<fanzha::LinkReport>();
    check::<Error>();
    check::<RuleError>();
    check::<fanzha::EvalError>();
    check::<fanzha::InputError>();
    check::<fanzha::LinkPolicyError>();
}

#[test]
fn verdict_with_links_and_advice_round_trips_through_json() {
    let engine = Engine::builtin();
    let text = "您的微信账号异常已被限制，请立即登录 http://weixin110.qq.com.appeal-center.top/form 申诉解封";
    let v = engine.classify(text);
    assert_ne!(v.label, Label::Clean);
    assert!(!v.links.is_empty());
    assert_eq!(v.links[0].report.verdict, LinkVerdict::Phishing);
    assert_eq!(
        &text[v.links[0].span.start..v.links[0].span.end],
        v.links[0].span.text
    );
    let json = serde_json::to_string(&v).unwrap();
    let back: Verdict = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);

    let report = engine.check_url("http://weixin110.qq.com.appeal-center.top/form");
    let json = serde_json::to_string(&report).unwrap();
    let back: fanzha::LinkReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.features, report.features);
}

#[test]
fn classify_batch_keeps_order_for_owned_and_borrowed_input() {
    let engine = Engine::builtin();
    let owned: Vec<String> = (0..300)
        .map(|i| {
            if i % 2 == 0 {
                format!("第{i}次提醒：明天开会")
            } else {
                format!("把你刚收到的验证码发我{i}")
            }
        })
        .collect();
    let by_ref = engine.classify_batch(&owned);
    let by_str = engine.classify_batch(owned.iter().map(String::as_str));
    let by_value = engine.classify_batch(owned.clone());
    for (i, ((a, b), c)) in by_ref.iter().zip(&by_str).zip(&by_value).enumerate() {
        let want = if i % 2 == 0 {
            Label::Clean
        } else {
            Label::Scam
        };
        assert_eq!(
            (a.label, b.label, c.label),
            (want, want, want),
            "message {i}"
        );
    }
}

#[test]
fn classification_goes_on_during_reloads() {
    let shared = Arc::new(ReloadableEngine::new(Engine::builtin()));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut seen_new_rule = false;
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) || n == 0 {
                    let (engine, generation) = shared.load_with_generation();
                    let v = engine.classify("hello zzlibtestzz");
                    // Odd generations carry the test rule, even ones do not:
                    // a verdict is always that of one whole rule set.
                    let fired = v.hits.iter().any(|h| h.rule == "lib_test.rule");
                    assert_eq!(fired, generation % 2 == 1, "generation {generation}");
                    seen_new_rule |= fired;
                    n += 1;
                }
                (n, seen_new_rule)
            })
        })
        .collect();
    for round in 0..4 {
        let builder = if round % 2 == 0 {
            Engine::builder().add_rules_str("reload.toml", GOOD_RULE)
        } else {
            Engine::builder()
        };
        shared.reload(builder).unwrap();
        // A broken reload in between changes nothing.
        assert!(shared
            .reload(Engine::builder().add_rules_str("bad.toml", "[[rules"))
            .is_err());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let (n, _) = r.join().unwrap();
        assert!(n > 0);
    }
    assert_eq!(shared.generation(), 4);
}
