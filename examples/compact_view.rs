//! Prints the compact and folded views of each input line: what the
//! keyword automaton and the n-gram model read (case, width and script
//! folded; in the compact view, separators and invisible characters
//! removed too).
//!
//! Used by `tools/train_model.py` so that the model is trained on exactly
//! what the engine sees. Input: one JSON string per line on stdin (so
//! texts may hold line breaks); output: one JSON array `[compact, folded]`
//! per line.
//!
//! ```text
//! echo '"解 封 帳 號"' | cargo run --release --example compact_view
//! ```

use std::io::{self, BufRead, BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let text: String = serde_json::from_str(&line?)?;
        let views = [
            fanzha::normalize::compact(&text),
            fanzha::normalize::folded(&text),
        ];
        serde_json::to_writer(&mut out, &views)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
