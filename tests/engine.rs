//! The library: built-in rules, spans, normalization properties.

use fanzha::{Engine, Label};
use proptest::prelude::*;

#[test]
fn builtin_rules_compile_and_their_examples_hold() {
    let engine = Engine::builtin();
    assert!(engine.rules().len() >= 6);
    let failures = engine.test_examples();
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_required_category_has_rules_with_enough_examples() {
    let engine = Engine::builtin();
    for cat in [
        "paid_unblock",
        "internal_unban",
        "credential_request",
        "friend_verify_abuse",
        "fake_official",
        "id_harvest",
    ] {
        let rules: Vec<_> = engine.rules().filter(|r| r.category == cat).collect();
        assert!(!rules.is_empty(), "no rule for {cat}");
        for r in rules {
            assert!(
                r.examples_match.len() >= 3 && r.examples_no_match.len() >= 3,
                "{} needs 3+3 examples",
                r.id
            );
            assert!(
                !r.advice_zh.is_empty() && !r.advice_en.is_empty(),
                "{} needs advice",
                r.id
            );
        }
    }
}

#[test]
fn verdict_round_trips_through_json() {
    let engine = Engine::builtin();
    let v = engine.classify("专业解封，500一次，不成功不收费，加V信 jf8888");
    let json = serde_json::to_string(&v).unwrap();
    let back: fanzha::Verdict = serde_json::from_str(&json).unwrap();
    assert_eq!(back.label, Label::Scam);
    assert_eq!(back.hits, v.hits);
}

#[test]
fn long_messages_are_truncated_not_dropped() {
    let engine = Engine::builder().max_message_bytes(1000).build().unwrap();
    let text = "好".repeat(2000) + "专业解封，500一次，加V信 jf8888";
    let v = engine.classify(&text);
    assert!(v.truncated);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn classify_never_panics_and_spans_are_valid(s in "\\PC{0,80}", noise in proptest::collection::vec(prop_oneof![Just("解封"), Just("验证码发我"), Just("ＶＸ"), Just("\u{200B}"), Just("500元"), Just("http://a.top/x"), Just("帳號")], 0..6)) {
        thread_local! { static E: Engine = Engine::builtin(); }
        let text = format!("{s}{}", noise.concat());
        E.with(|e| {
            let v = e.classify(&text);
            for h in &v.hits {
                for sp in &h.spans {
                    prop_assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end) && sp.start <= sp.end);
                    prop_assert_eq!(&text[sp.start..sp.end], sp.text.as_str());
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn folded_view_is_idempotent(s in "\\PC{0,60}") {
        let f = fanzha::normalize::folded(&s);
        prop_assert_eq!(fanzha::normalize::folded(&f), f.clone());
        // The compact view's stability is checked in properties.rs
        // (compact_view_is_stable).
    }

    #[test]
    fn offsets_map_to_char_boundaries(s in "\\PC{0,60}") {
        for (_, r) in fanzha::normalize::compact_with_offsets(&s) {
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end) && r.start < r.end);
        }
    }
}

#[test]
fn distinct_counts_different_terms_and_rules_can_own_solicitation() {
    let rules = r#"
        [lexicons]
        lure = ["稳赚", "翻倍", "内幕"]
        warn = ["谨防"]
        join = ["进群"]
        [[rules]]
        id = "t.lure"
        category = "investment_scam"
        score = 8
        description = "two different lure words"
        when = "distinct(lure, 2)"
        solicitation = "join"
        [context]
        warning = "warn"
        solicitation = "lure"
        dampen = 0.1
    "#;
    let engine = Engine::builder()
        .without_builtin_rules()
        .add_rules_str("t.toml", rules)
        .build()
        .unwrap();
    assert_eq!(engine.classify("稳赚 稳赚 稳赚").label, Label::Clean);
    assert_eq!(engine.classify("稳赚，翻倍").label, Label::Scam);
    // The message-wide solicitation (lure) would hold; the rule's own (join) does not.
    let v = engine.classify("谨防稳赚翻倍的骗局");
    assert!(v.hits[0].dampened && v.warning_context);
    assert!(!engine.classify("谨防骗子，稳赚翻倍，进群").hits[0].dampened);
}

#[test]
fn quoted_scam_words_in_a_warning_count_once() {
    let engine = Engine::builtin();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_bbe6813b326eb75d.txt"
    ))
    .unwrap();
    let v = engine.classify(&seed);
    let dampened: Vec<_> = v.hits.iter().filter(|h| h.dampened).collect();
    assert!(dampened.len() >= 2, "the seed quotes several scams");
    assert_eq!(v.label, Label::Clean, "{v:?}");
    let strongest = dampened.iter().map(|h| h.score).fold(0.0, f64::max);
    let undampened: f64 = v.hits.iter().filter(|h| !h.dampened).map(|h| h.score).sum();
    assert!((v.score - (undampened + strongest)).abs() < 1e-6);
}
