//! One engine, built once, shared by four threads.
//!
//! ```text
//! cargo run --example shared_engine
//! ```
//!
//! `Engine` is `Send + Sync` and `classify` takes `&self`: share it in an
//! `Arc` (threads that outlive the caller) or by reference inside
//! `std::thread::scope`. Never build one per thread or per message.

use std::sync::Arc;
use std::thread;

use fanzha::{Engine, Label, Verdict};

/// Compile-time proof that an engine (and a verdict) can cross threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Verdict>();
};

const MESSAGES: &[&str] = &[
    "周末一起去爬山吗？",
    "把你刚收到的验证码发我，我帮你解封",
    "专业解封微信，不成功不收费，加V：jf8888",
    "会议改到下午三点",
    "您的账户存在异常，请登录 http://weixin110.qq.com.appeal-center.top 申诉",
    "Happy birthday! 🎂",
];

fn main() {
    let engine = Arc::new(Engine::builtin());

    // Four threads, each with its own Arc handle to the same engine.
    let handles: Vec<_> = (0..4)
        .map(|worker| {
            let engine = Arc::clone(&engine);
            thread::spawn(move || {
                let mut scams = 0;
                for round in 0..250 {
                    let text = MESSAGES[(worker + round) % MESSAGES.len()];
                    if engine.classify(text).label == Label::Scam {
                        scams += 1;
                    }
                }
                (worker, scams)
            })
        })
        .collect();
    for handle in handles {
        let (worker, scams) = handle.join().expect("worker panicked");
        println!("worker {worker}: 250 messages, {scams} scams");
    }

    // The same with borrowed access: scoped threads need no Arc.
    let engine: &Engine = &engine;
    let labels: Vec<Label> = thread::scope(|s| {
        let handles: Vec<_> = MESSAGES
            .iter()
            .map(|text| s.spawn(move || engine.classify(text).label))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (text, label) in MESSAGES.iter().zip(&labels) {
        println!("{label:>10}  {text}");
    }

    // Or let rayon spread a batch over all cores; verdicts come back in order.
    let batch = engine.classify_batch(MESSAGES.iter().cycle().take(10_000));
    let scams = batch.iter().filter(|v| v.is_scam()).count();
    println!("batch: {} messages, {scams} scams", batch.len());
    assert_eq!(
        labels,
        batch[..MESSAGES.len()]
            .iter()
            .map(|v| v.label)
            .collect::<Vec<_>>()
    );
}
