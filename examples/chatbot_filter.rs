//! A chat-bot style filter: reads messages from stdin, one per line, and
//! writes each one back tagged, or drops the scams.
//!
//! ```text
//! printf '晚上吃什么\n专业解封微信，加V：jf8888，不成功不收费\n' \
//!     | cargo run --example chatbot_filter
//! [SCAM:paid_unblock] 专业解封微信，加V：jf8888，不成功不收费
//! cargo run --example chatbot_filter -- --drop < corpus/sample_chat.txt
//! ```
//!
//! Output: a scam is written as `[SCAM:category] text` (or left out with
//! `--drop`, with a note on stderr), a suspicious message as `[?] text`,
//! anything else unchanged. Lines that are not UTF-8 are decoded lossily
//! rather than stopping the bot. Exits 0 at the end of the input.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use fanzha::{Engine, Label};

fn main() -> ExitCode {
    let mut drop_scams = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--drop" => drop_scams = true,
            "-h" | "--help" => {
                println!("usage: chatbot_filter [--drop] < messages.txt");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("chatbot_filter: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match run(drop_scams) {
        Ok(()) => ExitCode::SUCCESS,
        // `| head` closing the pipe is a normal way to stop a filter.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chatbot_filter: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(drop_scams: bool) -> io::Result<()> {
    // Built once, before the first message: compiling the rules is the
    // expensive part, classifying is cheap.
    let engine = Engine::builtin();

    let stdin = io::stdin().lock();
    // Stdout is line-buffered, so each answer goes out as soon as it is
    // ready, as a bot needs.
    let mut out = io::stdout().lock();
    let (mut scams, mut suspicious) = (0usize, 0usize);
    for (n, line) in stdin.split(b'\n').enumerate() {
        let bytes = line?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_end_matches('\r');
        let verdict = engine.classify(text);
        match verdict.label {
            Label::Scam => {
                scams += 1;
                let category = verdict.top_category().unwrap_or("scam");
                if drop_scams {
                    eprintln!(
                        "dropped line {} ({category}, score {:.1})",
                        n + 1,
                        verdict.score
                    );
                } else {
                    writeln!(out, "[SCAM:{category}] {text}")?;
                }
            }
            Label::Suspicious => {
                suspicious += 1;
                writeln!(out, "[?] {text}")?;
            }
            Label::Clean => writeln!(out, "{text}")?,
        }
    }
    out.flush()?;
    eprintln!("{scams} scam(s), {suspicious} suspicious");
    Ok(())
}
