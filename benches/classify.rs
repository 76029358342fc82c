//! Throughput of `Engine::classify` on the shared synthetic chat corpus.
//!
//! The corpus is generated, not committed:
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py --size-mb 20 --format txt --seed 1 -o bench-data/corpus_20m.txt
//! cargo bench --bench classify
//! ```
//!
//! `FANZHA_BENCH_CORPUS=path` picks another file. Results are per core
//! (the benches run on one thread), except `classify_batch_short_messages`,
//! which uses every core through rayon.

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

/// Up to 10,000 short chat messages (under 120 bytes) from the corpus.
static SHORT: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    LINES
        .iter()
        .map(String::as_str)
        .filter(|l| l.len() < 120)
        .take(10_000)
        .collect()
});

/// Short chat messages one at a time, as a chat bot sees them: time per
/// message, and MB/s from the bytes of the messages actually classified.
#[divan::bench(sample_count = 100, sample_size = 100)]
fn classify_short_message(bencher: Bencher) {
    let engine = &*ENGINE;
    let sample = &*SHORT;
    let mut i = 0usize;
    bencher
        .with_inputs(move || {
            i = (i + 1) % sample.len();
            sample[i]
        })
        .counter(ItemsCount::new(1usize))
        .input_counter(|text: &&str| BytesCount::of_str(*text))
        .bench_local_values(|text| engine.classify(black_box(text)));
}

/// The same short messages through `Engine::classify_batch` (rayon, all
/// cores): messages/s and MB/s of the whole batch.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn classify_batch_short_messages(bencher: Bencher) {
    let engine = &*ENGINE;
    let sample = &*SHORT;
    let bytes: usize = sample.iter().map(|s| s.len()).sum();
    bencher
        .counter(ItemsCount::new(sample.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| engine.classify_batch(black_box(sample)));
}

/// Building the engine from the embedded rules.
#[divan::bench(sample_count = 10)]
fn build_builtin_engine() -> Engine {
    Engine::builtin()
}
