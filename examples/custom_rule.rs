//! Adds a rule from a string to the built-in rules, classifies with it,
//! runs the rule's own examples, and shows what a broken rule reports.
//!
//! ```text
//! cargo run --example custom_rule
//! ```

use fanzha::{Engine, Error};

/// A rule file as it could sit next to your service: a lexicon of terms
/// (normalized like messages, so `中奖` also matches `中 獎`), a regex, and a
/// rule with examples that must and must not match.
const LOTTERY_RULES: &str = r#"
[lexicons]
prize = ["中奖", "中了大奖", "幸运用户", "jackpot", "you have won"]
claim = ["领取", "领奖", "兑奖", "claim"]

[regexes]
# An amount of money: 5000元, ￥8,888, 10万.
amount = '([0-9][0-9,]{2,}|[0-9]+万)(元|块)?'

[[rules]]
id = "lottery.claim_prize"
category = "prize"
score = 8
description = "Says the reader won a prize that must be claimed"
when = "near(prize, claim, 30) | (prize & amount)"
advice.zh = "没有参加的抽奖不会中奖；要求先交手续费才能领奖的都是诈骗。"
advice.en = "You cannot win a draw you never entered; a prize that needs a fee first is a scam."
examples.match = ["恭喜您成为幸运用户，请尽快领取奖品", "Congratulations, you have won! Claim now"]
examples.no_match = ["他昨天买彩票中奖了", "今天去领取快递"]
"#;

fn main() -> Result<(), Error> {
    let engine = Engine::builder()
        .add_rules_str("lottery.toml", LOTTERY_RULES)
        .build()?;
    println!("{} rules loaded", engine.rules().len());

    for text in [
        "恭喜您中 獎了！獎金5000元，請點擊領取",
        "他昨天买彩票中奖了，请大家吃饭",
    ] {
        let verdict = engine.classify(text);
        println!(
            "\n{text}\n  -> {} (score {:.1})",
            verdict.label, verdict.score
        );
        for hit in &verdict.hits {
            let evidence: Vec<&str> = hit.spans.iter().map(|s| s.text.as_str()).collect();
            println!(
                "     {} [{}] +{:.1} {evidence:?}",
                hit.rule, hit.category, hit.score
            );
        }
        for advice in &verdict.advice {
            println!("     advice: {}", advice.en);
        }
    }

    // The examples in the rule file are tests: run them (here, or in your
    // own test suite) after every rule change. `test_examples` checks every
    // loaded rule; keep the failures of this file.
    let failures: Vec<_> = engine
        .test_examples()
        .into_iter()
        .filter(|f| f.file == "lottery.toml")
        .collect();
    println!("\nlottery.toml examples: {} failure(s)", failures.len());
    for failure in &failures {
        println!("  {failure}");
    }

    // A mistake in a rule names the source, the line and the rule.
    let broken = LOTTERY_RULES.replace("near(prize, claim, 30)", "near(prize, clam, 30)");
    match Engine::builder()
        .add_rules_str("lottery.toml", broken)
        .build()
    {
        Ok(_) => println!("\nunexpected: the broken rule compiled"),
        Err(e) => println!("\na typo in the rule gives:\n  {e}"),
    }

    assert!(failures.is_empty());
    Ok(())
}
