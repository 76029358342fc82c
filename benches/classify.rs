//! Throughput of `Engine::classify` on the shared synthetic chat corpus.
//!
//! The corpus is generated, not committed:
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py --size-mb 20 --format txt --seed 1 -o bench-data/corpus_20m.txt
//! cargo bench --bench classify
//! ```
//!
//! `FANZHA_BENCH_CORPUS=path` picks another file. Results are per core:
//! the benches run on one thread.

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use fanzha::Engine;

fn main() {
    divan::main();
}

static LINES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let path = std::env::var("FANZHA_BENCH_CORPUS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/bench-data/corpus_20m.txt").to_string()
    });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("cannot read the bench corpus {path}: {e}\ngenerate it with: python3 ../shared/bench/gen_corpus.py --size-mb 20 --format txt --seed 1 -o bench-data/corpus_20m.txt")
    });
    String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::to_string)
        .collect()
});

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::builtin);

/// Every line of the corpus, one after the other: MB/s on one core.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn classify_corpus(bencher: Bencher) {
    let bytes: usize = LINES.iter().map(|l| l.len() + 1).sum();
    let engine = &*ENGINE;
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for line in LINES.iter() {
            black_box(engine.classify(black_box(line)));
        }
    });
}

/// Short chat messages one at a time: time per message.
#[divan::bench(sample_count = 200)]
fn classify_short_message(bencher: Bencher) {
    let engine = &*ENGINE;
    let sample: Vec<&String> = LINES
        .iter()
        .filter(|l| l.len() < 120)
        .take(10_000)
        .collect();
    let mut i = 0usize;
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        i = (i + 1) % sample.len();
        black_box(engine.classify(black_box(sample[i])))
    });
}

/// Building the engine from the embedded rules.
#[divan::bench(sample_count = 10)]
fn build_builtin_engine() -> Engine {
    Engine::builtin()
}
