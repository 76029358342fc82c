//! Throughput of link finding on a chat corpus (one message per line).
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --size-mb 20 --format txt --seed 1 -o /tmp/links20.txt
//! cargo run --release --example links_throughput -- /tmp/links20.txt
//! ```

use std::time::Instant;

use fanzha::links::{builtin_policy, find_links, might_contain_link};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/links20.txt".to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let mb = text.len() as f64 / 1e6;
    println!("{path}: {:.1} MB, {} lines", mb, lines.len());

    for round in 0..3 {
        let t = Instant::now();
        let hits = lines.iter().filter(|l| might_contain_link(l)).count();
        let pre = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut links = 0usize;
        let mut sample = Vec::new();
        for l in &lines {
            let found = find_links(l);
            links += found.len();
            for f in found {
                sample.push(f.url);
            }
        }
        let find = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let policy = builtin_policy();
        let flagged = sample
            .iter()
            .filter(|u| {
                matches!(
                    policy.analyze(u).verdict,
                    fanzha::links::LinkVerdict::Phishing | fanzha::links::LinkVerdict::Suspicious
                )
            })
            .count();
        let analyze = t.elapsed().as_secs_f64();

        println!(
            "round {round}: might_contain_link {:.0} MB/s ({hits} lines pass, {:.1}%); \
             find_links {:.0} MB/s ({links} links); analyze {:.0} links/s ({flagged} flagged)",
            mb / pre,
            100.0 * hits as f64 / lines.len().max(1) as f64,
            mb / find,
            sample.len() as f64 / analyze.max(1e-9),
        );
    }
}
