//! Reloading rules in a long-running service without stopping it.
//!
//! ```text
//! cargo run --example reload
//! ```
//!
//! Two worker threads classify messages in a loop while the main thread
//! edits a rule file and reloads it: once with a new rule, once with a
//! broken file (refused: the running rules stay). At the end each worker
//! reports how many messages each rule generation classified and the
//! longest it ever waited to get the engine in force: the rule compile
//! happens off to the side, so that wait stays in microseconds while the
//! compile takes milliseconds.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use fanzha::{Engine, EngineBuilder, Error, Label, ReloadableEngine};

const MESSAGE: &str = "元宇宙空投活动今晚开始，名额有限";

const NEW_RULE: &str = r#"
[lexicons]
airdrop = ["空投", "airdrop"]
scarcity = ["名额有限", "仅限今天", "limited spots"]

[[rules]]
id = "local.airdrop"
category = "crypto_airdrop"
score = 8
description = "Crypto 'airdrop' with a scarcity push"
when = "near(airdrop, scarcity, 30)"
examples.match = ["空投名额有限"]
"#;

/// What a service would do on SIGHUP or when its rule folder changes:
/// the built-in rules plus the local files.
fn builder(rules: &Path) -> Result<EngineBuilder, Error> {
    Engine::builder().add_rules_path(rules)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("fanzha-reload-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("local.toml");
    std::fs::write(&file, "# no local rules yet\n")?;

    let shared = Arc::new(ReloadableEngine::new(builder(&dir)?.build()?));
    let stop = Arc::new(AtomicBool::new(false));

    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
            thread::spawn(move || {
                // generation -> (messages, label seen)
                let mut seen: BTreeMap<u64, (u64, Label)> = BTreeMap::new();
                let mut longest_wait = Duration::ZERO;
                while !stop.load(Ordering::Relaxed) {
                    let asked = Instant::now();
                    let (engine, generation) = shared.load_with_generation();
                    longest_wait = longest_wait.max(asked.elapsed());
                    let verdict = engine.classify(MESSAGE);
                    let entry = seen.entry(generation).or_insert((0, verdict.label));
                    entry.0 += 1;
                }
                (seen, longest_wait)
            })
        })
        .collect();

    thread::sleep(Duration::from_millis(150));

    // A new rule arrives.
    std::fs::write(&file, NEW_RULE)?;
    let started = Instant::now();
    let generation = shared.reload(builder(&dir)?)?;
    println!(
        "reloaded: generation {generation}, compile and swap took {:?}",
        started.elapsed()
    );
    thread::sleep(Duration::from_millis(150));

    // Someone saves a broken file: the reload is refused, the rules in
    // force stay, and the error says where the mistake is.
    std::fs::write(
        &file,
        NEW_RULE.replace("near(airdrop, scarcity, 30)", "near(airdrop, 30)"),
    )?;
    match builder(&dir).and_then(|b| shared.reload(b)) {
        Ok(g) => println!("unexpected: the broken file loaded as generation {g}"),
        Err(e) => println!(
            "reload refused, generation {} stays: {e}",
            shared.generation()
        ),
    }
    thread::sleep(Duration::from_millis(150));

    stop.store(true, Ordering::Relaxed);
    for (i, worker) in workers.into_iter().enumerate() {
        let (seen, wait) = worker.join().expect("worker panicked");
        println!("worker {i}: longest wait for the engine {wait:?}");
        for (generation, (count, label)) in &seen {
            println!("  generation {generation}: {count} messages, labelled {label}");
        }
        assert_eq!(seen.get(&1).map(|s| s.1), Some(Label::Scam));
    }

    let verdict = shared.classify(MESSAGE);
    assert!(verdict.hits.iter().any(|h| h.rule == "local.airdrop"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
