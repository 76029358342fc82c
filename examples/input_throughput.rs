//! Measures how fast a `MessageReader` iterates a file (no timed assertions).
//!
//! ```text
//! python3 shared/bench/gen_corpus.py --size-mb 100 --format txt --seed 1 -o /tmp/in100.txt
//! cargo run --release --example input_throughput -- /tmp/in100.txt [format] [encoding]
//! ```

use std::time::Instant;

use fanzha::input::{encoding_for_label, InputFormat, MessageReader, ReadOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: input_throughput FILE [FORMAT] [ENCODING]");
        std::process::exit(2);
    };
    let mut opts = ReadOptions::default();
    if let Some(f) = args.next() {
        opts.format = InputFormat::from_name(&f).expect("known format");
    }
    if let Some(e) = args.next() {
        opts.encoding = Some(encoding_for_label(&e).expect("known encoding"));
    }
    let size = std::fs::metadata(&path).expect("file exists").len();
    for run in 1..=3 {
        let file = std::fs::File::open(&path).expect("file opens");
        let start = Instant::now();
        let reader = MessageReader::new(file, &path, &opts).expect("reader starts");
        let (format, enc) = (reader.format(), reader.encoding().name());
        let (mut msgs, mut errs, mut text_bytes) = (0u64, 0u64, 0u64);
        for item in reader {
            match item {
                Ok(m) => {
                    msgs += 1;
                    text_bytes += m.text.len() as u64;
                }
                Err(_) => errs += 1,
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "run {run}: {format} {enc}: {msgs} messages, {errs} errors, {text_bytes} text bytes, {:.3} s, {:.0} MB/s",
            secs,
            size as f64 / 1e6 / secs
        );
    }
}
